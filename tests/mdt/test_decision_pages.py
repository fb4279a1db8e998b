"""The decision pages: recording outcomes in the meeting, sign-off, amendments, urgent decisions,
letters, the case page's decision history, and constant queries for a long meeting."""

import datetime as dt
import re
import shutil
import subprocess

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseStatus
from mdt.models import AgendaItem, Decision, FollowUp, Meeting, Member, SignOff
from mdt.services.decisions import DecisionInput, decision_record, signoff_respond
from tests.factories import AgendaItemFactory, CaseFactory, MeetingFactory, no_role_user, read_only_user, team_user

pytestmark = pytest.mark.django_db

RATIONALE = "Radiosensitive primary and a stable spine: radiotherapy alone."


# --------------------------------------------------------------------------- the team, the meeting, the form


def named(username: str, role: str, first: str, last: str):
    user = team_user(username, role)
    user.first_name, user.last_name = first, last
    user.save()
    return user


@pytest.fixture
def oncologist():
    return named("oncologist", Member.Role.ONCOLOGIST, "Olwen", "Pryce")


@pytest.fixture
def surgeon():
    return named("surgeon", Member.Role.SPINAL_SURGEON, "Steffan", "Rees")


@pytest.fixture
def coordinator():
    return named("coordinator", Member.Role.MDT_COORDINATOR, "Carys", "Hughes")


def todays_meeting(items: int = 3) -> tuple[Meeting, list[AgendaItem]]:
    starts = timezone.now() - dt.timedelta(minutes=1)
    meeting = MeetingFactory(
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        agenda_closes_at=starts - dt.timedelta(days=2),
        status=Meeting.Status.IN_PROGRESS,
    )
    listed = [
        AgendaItemFactory(meeting=meeting, position=n, case=CaseFactory(status=CaseStatus.AWAITING_MDT))
        for n in range(1, items + 1)
    ]
    return meeting, listed


@pytest.fixture
def agenda():
    return todays_meeting()


def page(meeting, item) -> str:
    return reverse("item-decision", args=[meeting.pk, item.pk])


def form_data(
    *users,
    treatments=("cebrt", "steroids"),
    no_treatment=False,
    rationale=RATIONALE,
    follow_ups=(),
    action="save_next",
    loaded_version="",
) -> dict:
    """What the browser posts: follow_ups are (kind, due_on, owner user, rediscuss) rows."""
    data = {
        "treatments": list(treatments),
        "intent": "palliative",
        "rationale": rationale,
        "patient_preferences_considered": "yes",
        "patient_preferences_note": "Wants to stay at home.",
        "responsible": [user.member.pk for user in users],
        "loaded_version": loaded_version,
        "action": action,
        "fu-TOTAL_FORMS": str(max(2, len(follow_ups))),
        "fu-INITIAL_FORMS": "0",
        "fu-MIN_NUM_FORMS": "0",
        "fu-MAX_NUM_FORMS": "10",
    }
    if no_treatment:
        data["no_treatment"] = "on"
    for n, (kind, due_on, owner, rediscuss) in enumerate(follow_ups):
        data.update({f"fu-{n}-kind": kind, f"fu-{n}-due_on": due_on.isoformat(), f"fu-{n}-owner": owner.member.pk})
        if rediscuss:
            data[f"fu-{n}-rediscuss"] = "on"
    return data


def service_input(*users, rationale=RATIONALE, follow_ups=()) -> DecisionInput:
    return DecisionInput(
        treatments=["cebrt", "steroids"],
        no_treatment=False,
        intent="palliative",
        rationale=rationale,
        patient_preferences_considered=True,
        responsible_member_ids=[user.member.pk for user in users],
        follow_ups=list(follow_ups),
    )


def html(response) -> str:
    return response.content.decode()


def in_six_weeks() -> dt.date:
    return timezone.localdate() + dt.timedelta(weeks=6)


# --------------------------------------------------------------------------- the item's decision page


def test_it_shows_the_form_the_noms_suggestion_and_where_the_case_is_on_the_agenda(client, agenda, oncologist):
    meeting, items = agenda
    client.force_login(oncologist)

    response = client.get(page(meeting, items[1]))

    text = html(response)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Case 2 of 3" in text
    assert items[1].case.patient.mrn in text
    assert "NOMS suggestion" in text and "for the MDT to consider" in text
    for label in ("Conventional radiotherapy (cEBRT)", "Surgical decompression", "No active treatment"):
        assert label in text
    assert 'name="rationale"' in text and "autofocus" in text
    assert 'value="save_next">Save and next case</button>' in text
    assert "Not discussed: carry forward" in text and ">Withdraw</button>" in text


def test_it_offers_no_next_case_button_on_the_last_case(client, agenda, oncologist):
    meeting, items = agenda
    client.force_login(oncologist)

    text = html(client.get(page(meeting, items[2])))

    assert "Case 3 of 3" in text
    assert "Save and next case" not in text and "Save (last case)" in text


def test_it_saves_and_opens_the_next_case_on_save_and_next(client, agenda, oncologist, surgeon):
    meeting, items = agenda
    client.force_login(oncologist)
    data = form_data(oncologist, surgeon, follow_ups=[("repeat_mri", in_six_weeks(), surgeon, True)])

    response = client.post(page(meeting, items[0]), data)

    assert response.status_code == 302 and response["Location"] == page(meeting, items[1])
    decision = Decision.objects.get()
    assert decision.agenda_item == items[0] and decision.treatments == ["cebrt", "steroids"]
    assert decision.rationale == RATIONALE and decision.patient_preferences_considered
    assert decision.recorded_by == oncologist and decision.status == Decision.Status.AWAITING_SIGNOFF
    assert {s.member.user for s in decision.signoffs.all()} == {oncologist, surgeon}
    [follow_up] = decision.follow_ups.all()
    assert (follow_up.kind, follow_up.due_on, follow_up.owner.user, follow_up.rediscuss) == (
        "repeat_mri",
        in_six_weeks(),
        surgeon,
        True,
    )
    following = client.get(response["Location"])
    assert f"Decision for {items[0].case.patient.mrn} saved: awaiting sign-off." in html(following)
    assert "Case 2 of 3" in html(following)


def test_it_opens_the_decision_after_save_on_the_last_case(client, agenda, oncologist, surgeon):
    meeting, items = agenda
    client.force_login(oncologist)

    response = client.post(page(meeting, items[2]), form_data(oncologist, surgeon, action="save"))

    decision = Decision.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("decision-detail", args=[decision.pk])


def test_it_lets_a_coordinator_record_the_outcome_for_the_clinicians(client, agenda, oncologist, surgeon, coordinator):
    meeting, items = agenda
    client.force_login(coordinator)

    response = client.post(page(meeting, items[0]), form_data(oncologist, surgeon))

    assert response.status_code == 302
    assert Decision.objects.get().recorded_by == coordinator


# --------------------------------------------------------------------------- bad input: a message, nothing saved


def post_refused(client, meeting, item, data):
    before = (Decision.objects.count(), SignOff.objects.count(), FollowUp.objects.count())
    response = client.post(page(meeting, item), data)
    assert response.status_code == 200
    assert (Decision.objects.count(), SignOff.objects.count(), FollowUp.objects.count()) == before
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.LISTED
    return response


def test_it_refuses_a_decision_with_no_treatment_and_not_marked_no_treatment(client, agenda, oncologist, surgeon):
    meeting, items = agenda
    client.force_login(oncologist)

    response = post_refused(client, meeting, items[0], form_data(oncologist, surgeon, treatments=()))

    message = "Choose at least one treatment, or tick &#x27;No active treatment&#x27;."
    assert response.context["form"].errors["treatments"] == [message.replace("&#x27;", "'")]
    assert message in html(response)


def test_it_refuses_treatments_ticked_with_no_active_treatment(client, agenda, oncologist, surgeon):
    meeting, items = agenda
    client.force_login(oncologist)

    response = post_refused(client, meeting, items[0], form_data(oncologist, surgeon, no_treatment=True))

    assert "Untick" in response.context["form"].errors["no_treatment"][0]


def test_it_refuses_a_treatment_decision_without_an_oncologist_and_a_spinal_surgeon(client, agenda, oncologist):
    meeting, items = agenda
    radiologist = named("radiologist", Member.Role.RADIOLOGIST, "Rhian", "Morgan")
    client.force_login(oncologist)

    response = post_refused(client, meeting, items[0], form_data(oncologist, radiologist))

    message = "A treatment decision needs an oncologist and a spinal surgeon among the responsible."
    assert response.context["form"].errors["responsible"] == [message]
    assert message in html(response)


def test_it_refuses_a_coordinator_or_a_member_who_has_left_as_responsible(
    client, agenda, oncologist, surgeon, coordinator
):
    meeting, items = agenda
    retired = named("retired", Member.Role.SPINAL_SURGEON, "Rhys", "Old")
    retired.member.active = False
    retired.member.save()
    client.force_login(oncologist)

    for other in (coordinator, retired):
        response = post_refused(client, meeting, items[0], form_data(oncologist, surgeon, other))

        [error] = response.context["form"].errors["responsible"]
        assert error.startswith("Select a valid choice.")
    offered = html(client.get(page(meeting, items[0])))
    assert f'name="responsible" value="{oncologist.member.pk}"' in offered
    for other in (coordinator, retired):  # not offered either
        assert f'name="responsible" value="{other.member.pk}"' not in offered


def test_it_refuses_a_decision_without_a_rationale(client, agenda, oncologist, surgeon):
    meeting, items = agenda
    client.force_login(oncologist)

    response = post_refused(client, meeting, items[0], form_data(oncologist, surgeon, rationale=""))

    assert "rationale" in response.context["form"].errors


def test_it_refuses_a_follow_up_due_before_the_meeting(client, agenda, oncologist, surgeon):
    meeting, items = agenda
    day_before = timezone.localtime(meeting.starts_at).date() - dt.timedelta(days=1)
    client.force_login(oncologist)
    rows = [("repeat_mri", in_six_weeks(), surgeon, False), ("steroid_review", day_before, oncologist, False)]

    response = post_refused(client, meeting, items[0], form_data(oncologist, surgeon, follow_ups=rows))

    follow_ups = response.context["follow_ups"]
    assert follow_ups.forms[0].errors == {}
    [error] = follow_ups.forms[1].errors["due_on"]
    assert error.startswith("A follow-up cannot be due before the meeting")
    assert "A follow-up cannot be due before the meeting" in html(response)


def test_it_refuses_a_follow_up_without_an_owner_or_a_date(client, agenda, oncologist, surgeon):
    meeting, items = agenda
    client.force_login(oncologist)
    data = form_data(oncologist, surgeon)
    data.update({"fu-0-kind": "clinic_review"})

    response = post_refused(client, meeting, items[0], data)

    errors = response.context["follow_ups"].forms[0].errors
    assert errors["due_on"] == ["Give the date the follow-up is due."]
    assert errors["owner"] == ["Choose who owns the follow-up."]


@pytest.fixture
def recorded(agenda, oncologist, surgeon):
    _, items = agenda
    return decision_record(item_id=items[0].pk, user=oncologist, data=service_input(oncologist, surgeon))


def test_it_refuses_editing_a_signed_decision_without_amending(client, agenda, recorded, oncologist, surgeon):
    meeting, items = agenda
    for user in (oncologist, surgeon):
        signoff_respond(decision_id=recorded.pk, user=user, agree=True)
    recorded.refresh_from_db()
    client.force_login(oncologist)

    response = client.post(
        page(meeting, items[0]),
        form_data(oncologist, surgeon, rationale="Changed quietly", loaded_version=recorded.version),
    )

    assert response.status_code == 200
    assert "signed off and locked" in html(response)
    assert f'href="{reverse("decision-detail", args=[recorded.pk])}"' in html(response)
    recorded.refresh_from_db()
    assert recorded.rationale == RATIONALE and recorded.status == Decision.Status.SIGNED
    assert Decision.objects.count() == 1


# --------------------------------------------------------------------------- two people saving at once


@pytest.mark.hazard("HAZ-002")
def test_it_gives_the_second_of_two_saves_from_one_version_a_conflict_and_keeps_the_first(
    client, agenda, recorded, oncologist, surgeon
):
    meeting, items = agenda
    opened = recorded.version
    client.force_login(oncologist)
    first = client.post(
        page(meeting, items[0]), form_data(oncologist, surgeon, rationale="The first save", loaded_version=opened)
    )
    assert first.status_code == 302

    client.force_login(surgeon)
    second = client.post(
        page(meeting, items[0]), form_data(oncologist, surgeon, rationale="The second save", loaded_version=opened)
    )

    assert second.status_code == 200
    [error] = second.context["form"].non_field_errors()
    assert error.startswith("Someone else saved this decision after you opened it")
    assert "Someone else saved this decision after you opened it" in html(second)
    assert Decision.objects.get().rationale == "The first save"


def test_it_shows_what_the_other_person_saved_in_the_conflict_message(client, agenda, recorded, oncologist, surgeon):
    meeting, items = agenda
    opened = recorded.version
    client.force_login(oncologist)
    client.post(
        page(meeting, items[0]),
        form_data(oncologist, surgeon, rationale="Stabilise first, then SBRT", loaded_version=opened),
    )

    client.force_login(surgeon)
    second = client.post(
        page(meeting, items[0]), form_data(oncologist, surgeon, rationale="Mine", loaded_version=opened)
    )

    assert "Someone else saved this decision" in html(second)
    assert "Stabilise first, then SBRT" in html(second)  # the issue: "a conflict message showing what changed"


def test_it_stops_two_people_who_opened_the_case_before_any_decision_overwriting_each_other(
    client, agenda, oncologist, surgeon
):
    meeting, items = agenda
    client.force_login(oncologist)
    opened = client.get(page(meeting, items[0])).context["form"]["loaded_version"].value()
    first = client.post(
        page(meeting, items[0]), form_data(oncologist, surgeon, rationale="The first save", loaded_version=opened or "")
    )
    assert first.status_code == 302

    client.force_login(surgeon)
    second = client.post(
        page(meeting, items[0]),
        form_data(oncologist, surgeon, rationale="The second save", loaded_version=opened or ""),
    )

    assert second.status_code == 200
    assert "Someone else saved this decision after you opened it" in html(second)
    assert Decision.objects.get().rationale == "The first save"


# --------------------------------------------------------------------------- not discussed, withdrawn


def test_it_carries_a_case_not_discussed_forward_and_opens_the_next_case(client, agenda, oncologist):
    meeting, items = agenda
    client.force_login(oncologist)

    response = client.post(page(meeting, items[0]), {"action": "not_discussed", "reason": ""})

    assert response.status_code == 302 and response["Location"] == page(meeting, items[1])
    items[0].refresh_from_db()
    assert items[0].status == AgendaItem.Status.NOT_DISCUSSED
    assert "Outcome recorded: not discussed: carried forward." in html(client.get(response["Location"]))
    assert "Recorded as not discussed: carried forward." in html(client.get(page(meeting, items[0])))


def test_it_needs_a_reason_to_withdraw_a_case(client, agenda, oncologist):
    meeting, items = agenda
    client.force_login(oncologist)

    refused = client.post(page(meeting, items[1]), {"action": "withdrawn", "reason": " "}, follow=True)

    assert "Give the reason for withdrawing the case." in html(refused)
    items[1].refresh_from_db()
    assert items[1].status == AgendaItem.Status.LISTED

    response = client.post(page(meeting, items[1]), {"action": "withdrawn", "reason": "Died before the meeting"})

    assert response.status_code == 302 and response["Location"] == page(meeting, items[2])
    items[1].refresh_from_db()
    assert (items[1].status, items[1].outcome_reason) == (AgendaItem.Status.WITHDRAWN, "Died before the meeting")
    assert "Case 2 of 2" in html(client.get(page(meeting, items[2])))  # withdrawn cases leave the count


def test_it_goes_back_to_the_agenda_after_withdrawing_the_last_case(client, agenda, oncologist):
    meeting, items = agenda
    client.force_login(oncologist)

    response = client.post(page(meeting, items[2]), {"action": "withdrawn", "reason": "Treated elsewhere"})

    assert response.status_code == 302 and response["Location"] == reverse("meeting-detail", args=[meeting.pk])


# --------------------------------------------------------------------------- who may record


@pytest.mark.parametrize("make", [read_only_user, no_role_user])
def test_it_refuses_users_who_do_not_record_decisions(client, agenda, make, oncologist, surgeon):
    meeting, items = agenda
    client.force_login(make())

    assert client.get(page(meeting, items[0])).status_code == 403
    assert client.post(page(meeting, items[0]), form_data(oncologist, surgeon)).status_code == 403
    assert client.post(page(meeting, items[0]), {"action": "not_discussed"}).status_code == 403
    assert not Decision.objects.exists()
    items[0].refresh_from_db()
    assert items[0].status == AgendaItem.Status.LISTED


def test_it_sends_anonymous_visitors_to_sign_in(client, agenda, recorded):
    meeting, items = agenda
    for path in (
        page(meeting, items[0]),
        reverse("decision-detail", args=[recorded.pk]),
        reverse("decision-letter", args=[recorded.pk]),
        reverse("meeting-outcomes-pdf", args=[meeting.pk]),
    ):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --------------------------------------------------------------------------- sign-off on the decision page


def detail(decision) -> str:
    return reverse("decision-detail", args=[decision.pk])


def sign(decision) -> str:
    return reverse("decision-sign", args=[decision.pk])


def test_it_lets_a_named_clinician_sign_from_the_decision_page(client, recorded, oncologist, surgeon):
    client.force_login(oncologist)

    text = html(client.get(detail(recorded)))
    assert "Awaiting sign-off" in text and RATIONALE in text
    assert ">I agree</button>" in text and ">I dissent</button>" in text

    response = client.post(sign(recorded), {"response": "agree", "reason": ""}, follow=True)

    assert "Signed: agrees." in html(response)
    assert ">I agree</button>" not in html(response)
    assert SignOff.objects.get(member=oncologist.member).response == SignOff.Response.AGREE

    client.force_login(surgeon)
    client.post(sign(recorded), {"response": "agree", "reason": ""})

    text = html(client.get(detail(recorded)))
    assert "Signed off (locked)" in text and ">Amend</a>" in text and ">Edit</a>" not in text


def test_it_refuses_signing_twice_with_a_message(client, recorded, oncologist):
    client.force_login(oncologist)
    client.post(sign(recorded), {"response": "agree", "reason": ""})

    response = client.post(sign(recorded), {"response": "dissent", "reason": "Changed my mind"}, follow=True)

    assert "You already signed this decision (agrees)." in html(response)
    assert SignOff.objects.get(member=oncologist.member).response == SignOff.Response.AGREE


def test_it_refuses_a_dissent_without_a_reason_with_a_message(client, recorded, surgeon):
    client.force_login(surgeon)

    response = client.post(sign(recorded), {"response": "dissent", "reason": ""}, follow=True)

    assert "Give the reason for your dissent." in html(response)
    assert SignOff.objects.get(member=surgeon.member).response == SignOff.Response.PENDING

    client.post(sign(recorded), {"response": "dissent", "reason": "Stabilise first"})
    signoff = SignOff.objects.get(member=surgeon.member)
    assert (signoff.response, signoff.reason) == (SignOff.Response.DISSENT, "Stabilise first")


def test_it_refuses_a_signature_from_a_coordinator_or_an_unnamed_clinician(client, recorded, coordinator):
    radiologist = named("radiologist", Member.Role.RADIOLOGIST, "Rhian", "Morgan")
    for user in (coordinator, radiologist):
        client.force_login(user)
        assert ">I agree</button>" not in html(client.get(detail(recorded)))
        assert client.post(sign(recorded), {"response": "agree", "reason": ""}).status_code == 403
    assert set(SignOff.objects.values_list("response", flat=True)) == {SignOff.Response.PENDING}


# --------------------------------------------------------------------------- amendments


@pytest.fixture
def locked(recorded, oncologist, surgeon):
    for user in (oncologist, surgeon):
        signoff_respond(decision_id=recorded.pk, user=user, agree=True)
    recorded.refresh_from_db()
    return recorded


def amend(decision) -> str:
    return reverse("decision-amend", args=[decision.pk])


@pytest.mark.parametrize("make", [read_only_user, no_role_user])
def test_it_refuses_the_amend_page_without_permission(client, locked, make, oncologist, surgeon):
    client.force_login(make())

    assert client.get(amend(locked)).status_code == 403
    data = {**form_data(oncologist, surgeon), "amendment_reason": "No"}
    assert client.post(amend(locked), data).status_code == 403
    assert Decision.objects.count() == 1


def test_it_refuses_an_amendment_without_a_reason(client, locked, oncologist, surgeon):
    client.force_login(oncologist)

    get = client.get(amend(locked))
    assert get.status_code == 200 and "Why is the decision being amended?" in html(get)
    assert get.context["form"]["rationale"].value() == RATIONALE  # starts from the signed text

    response = client.post(amend(locked), {**form_data(oncologist, surgeon), "amendment_reason": "  "})

    assert response.status_code == 200
    assert "Say why the decision is being amended." in html(response)
    assert Decision.objects.count() == 1
    locked.refresh_from_db()
    assert locked.status == Decision.Status.SIGNED


def test_it_keeps_the_amended_original_under_earlier_versions(client, locked, oncologist, surgeon):
    client.force_login(oncologist)
    data = {**form_data(oncologist, surgeon, rationale="SBRT after all."), "amendment_reason": "Oligometastatic"}

    response = client.post(amend(locked), data)

    amendment = Decision.objects.get(amends=locked)
    assert response.status_code == 302 and response["Location"] == detail(amendment)
    text = html(client.get(response["Location"]))
    assert "Awaiting sign-off" in text and "SBRT after all." in text
    assert "Earlier versions" in text and RATIONALE in text and "because: Oligometastatic" in text
    assert ">I agree</button>" in text  # named again: signs again
    old = html(client.get(detail(locked)))
    assert "Superseded by an amendment" in old and "see the amendment" in old


# --------------------------------------------------------------------------- urgent decisions


def test_it_lets_an_oncologist_open_and_save_the_urgent_decision_page(client, oncologist, surgeon):
    case = CaseFactory(status=CaseStatus.IMAGING)
    url = reverse("urgent-decision-new", args=[case.pk])
    client.force_login(oncologist)

    assert client.get(url).status_code == 200
    response = client.post(url, form_data(oncologist, surgeon))

    decision = Decision.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(decision)
    assert decision.urgent and decision.agenda_item is None and decision.recorded_by == oncologist


def test_it_refuses_the_urgent_decision_page_to_a_radiologist(client, oncologist, surgeon):
    case = CaseFactory()
    client.force_login(named("radiologist", Member.Role.RADIOLOGIST, "Rhian", "Morgan"))

    assert client.get(reverse("urgent-decision-new", args=[case.pk])).status_code == 403
    assert (
        client.post(reverse("urgent-decision-new", args=[case.pk]), form_data(oncologist, surgeon)).status_code == 403
    )
    assert not Decision.objects.exists()


# --------------------------------------------------------------------------- letters


def pdf_text(response) -> str:
    """The PDF's text, spaces collapsed: pdftotext when installed, else WeasyPrint's own layout of the same HTML."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        out = subprocess.run([pdftotext, "-", "-"], input=response.content, capture_output=True, check=True)  # noqa: S603 - fixed arguments
        text = out.stdout.decode()
    else:
        import weasyprint

        def box_text(box) -> str:
            return (getattr(box, "text", "") or "") + " ".join(box_text(c) for c in getattr(box, "children", []))

        [template] = [t.name for t in response.templates if t.name.startswith("pdf/")]
        document = weasyprint.HTML(string=render_to_string(template, response.context.flatten())).render()
        text = " ".join(box_text(p._page_box) for p in document.pages)
    return re.sub(r"\s+", " ", text)


def test_it_serves_the_outcome_letter_as_a_pdf_with_the_patient_the_decision_and_who_signed(
    client, agenda, locked, oncologist, surgeon
):
    meeting, items = agenda
    patient = items[0].case.patient
    client.force_login(named("nurse", Member.Role.NURSE_SPECIALIST, "Nia", "Evans"))

    response = client.get(reverse("decision-letter", args=[locked.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="mdt-outcome-{locked.pk}.pdf"'
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response)
    for expected in (
        patient.mrn,
        patient.display_name,
        "Conventional radiotherapy (cEBRT)",
        "Steroids",
        RATIONALE,
        "Olwen Pryce",
        "Steffan Rees",
        "Agrees",
        timezone.localtime(meeting.starts_at).strftime("%-d %B %Y"),
    ):
        assert expected in text, expected


def test_it_lists_the_follow_up_plan_in_the_letter(client, agenda, oncologist, surgeon):
    _, items = agenda
    follow_up = {"kind": "repeat_mri", "due_on": in_six_weeks(), "owner_id": surgeon.member.pk, "rediscuss": True}
    decision = decision_record(
        item_id=items[1].pk, user=oncologist, data=service_input(oncologist, surgeon, follow_ups=[follow_up])
    )
    client.force_login(oncologist)

    text = pdf_text(client.get(reverse("decision-letter", args=[decision.pk])))

    assert "Repeat MRI after treatment due" in text and in_six_weeks().strftime("%-d %b %Y") in text
    assert "awaiting sign-off" in text  # not yet signed: the letter says so


@pytest.mark.hazard("HAZ-008")
def test_it_lists_every_item_in_the_meeting_outcomes_pdf(client, agenda, locked, oncologist):
    meeting, items = agenda
    client.force_login(oncologist)
    client.post(page(meeting, items[1]), {"action": "not_discussed"})
    client.post(page(meeting, items[2]), {"action": "withdrawn", "reason": "Moved to another trust"})

    response = client.get(reverse("meeting-outcomes-pdf", args=[meeting.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response)
    for item in items:
        assert item.case.patient.mrn in text
    assert "Conventional radiotherapy (cEBRT); Steroids" in text and "Signed off (locked)" in text
    assert "Not discussed: carried forward" in text and "Withdrawn: Moved to another trust" in text


# --------------------------------------------------------------------------- the case page


def test_it_shows_the_decision_history_oldest_first_and_open_follow_ups_on_the_case_page(client, oncologist, surgeon):
    case = CaseFactory(status=CaseStatus.AWAITING_MDT)
    later, _ = todays_meeting(items=0)
    starts = later.starts_at - dt.timedelta(days=7)  # both under way or held: outcomes wait for the meeting
    earlier = MeetingFactory(starts_at=starts, ends_at=starts + dt.timedelta(hours=1), agenda_closes_at=starts)
    follow_up = {"kind": "clinic_review", "due_on": in_six_weeks(), "owner_id": surgeon.member.pk, "rediscuss": False}
    decision_record(
        item_id=AgendaItemFactory(meeting=earlier, case=case).pk,
        user=oncologist,
        data=service_input(oncologist, surgeon, rationale="The first decision", follow_ups=[follow_up]),
    )
    decision_record(
        item_id=AgendaItemFactory(meeting=later, case=case).pk,
        user=oncologist,
        data=service_input(oncologist, surgeon, rationale="The second decision"),
    )
    url = reverse("case-detail", args=[case.pk])

    client.force_login(surgeon)  # the owner
    text = html(client.get(url))
    assert "MDT decisions" in text
    assert text.index("The first decision") < text.index("The second decision")
    assert "Open follow-ups" in text and "Clinic review due" in text
    assert ">Complete follow-up</button>" in text
    assert "Record an urgent decision" in text

    client.force_login(named("radiologist", Member.Role.RADIOLOGIST, "Rhian", "Morgan"))
    text = html(client.get(url))
    assert ">Complete follow-up</button>" not in text and "Record an urgent decision" not in text

    client.force_login(surgeon)
    done = FollowUp.objects.get()
    response = client.post(reverse("follow-up-complete", args=[done.pk]), {"outcome": "Seen: stable.", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    done.refresh_from_db()
    assert done.completed_by == surgeon and done.outcome_note == "Seen: stable."
    assert "Open follow-ups" not in html(client.get(url))


def test_it_refuses_marking_done_a_follow_up_the_clinician_does_not_own(client, agenda, oncologist, surgeon):
    _, items = agenda
    follow_up = {"kind": "clinic_review", "due_on": in_six_weeks(), "owner_id": surgeon.member.pk, "rediscuss": False}
    decision_record(
        item_id=items[0].pk, user=oncologist, data=service_input(oncologist, surgeon, follow_ups=[follow_up])
    )
    client.force_login(oncologist)

    url = reverse("follow-up-complete", args=[FollowUp.objects.get().pk])
    assert client.post(url, {"outcome": "Seen."}).status_code == 403
    assert FollowUp.objects.get().completed_at is None


# --------------------------------------------------------------------------- constant queries

# Recording one item's decision (POST, then a redirect) runs these queries and no more, whatever
# the length of the meeting and however many clinicians and follow-ups it names:
#   request:  1 session, 2 user, 3-4 the user's and its groups' permissions,
#   view:     5 the agenda item (meeting, presenter, case, patient, responsible clinician),
#             6-7 its scans and scores (the NOMS box), 8 the item's current decision,
#             9 the listed item ids (Case N of M, the next case),
#             10 the ticked clinicians (form), 11 the follow-ups' owners (form, all rows at once),
#   service:  12 SAVEPOINT, 13 the item (for update), 14 the current decision (for update),
#             15 the responsible clinicians, 16 the follow-ups' owners,
#             17-18 the decision and its history row,
#             19-20 the sign-offs and their history rows (bulk),
#             21-22 the follow-ups and their history rows (bulk),
#             23-24 the item's status and its history row, 25 ratify urgent decisions,
#             26 complete the follow-ups that asked for this discussion,
#             27 the case (for update), 28-29 the case's clocks and status and its history row,
#             30 RELEASE SAVEPOINT.
# (Revising an unsigned decision also selects the sign-offs and open follow-ups it replaces.)
DECISION_SAVE_QUERIES = 30


def save_queries(client, *, items: int, clinicians: int, follow_ups: int) -> int:
    oncologist = named(f"onc{items}{clinicians}{follow_ups}", Member.Role.ONCOLOGIST, "Olwen", "Pryce")
    surgeon = named(f"sur{items}{clinicians}{follow_ups}", Member.Role.SPINAL_SURGEON, "Steffan", "Rees")
    others = [
        named(f"c{n}{items}{clinicians}{follow_ups}", Member.Role.RADIOLOGIST, "Rhian", f"Morgan{n}")
        for n in range(clinicians - 2)
    ]
    users = [oncologist, surgeon, *others]
    meeting, listed = todays_meeting(items)
    rows = [("repeat_mri", in_six_weeks(), users[n % len(users)], n == 0) for n in range(follow_ups)]
    client.force_login(oncologist)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(page(meeting, listed[0]), form_data(*users, follow_ups=rows))
    assert response.status_code == 302
    decision = Decision.objects.get(agenda_item=listed[0])
    assert decision.signoffs.count() == clinicians and decision.follow_ups.count() == follow_ups
    return len(queries)


@pytest.mark.parametrize(
    ("items", "clinicians", "follow_ups"),
    [(5, 2, 0), (40, 2, 0), (5, 5, 0), (5, 2, 3), (40, 5, 3)],
)
def test_it_records_a_decision_in_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, items, clinicians, follow_ups
):
    oncologist = named("onc", Member.Role.ONCOLOGIST, "Olwen", "Pryce")
    surgeon = named("sur", Member.Role.SPINAL_SURGEON, "Steffan", "Rees")
    others = [named(f"c{n}", Member.Role.RADIOLOGIST, "Rhian", f"Morgan{n}") for n in range(clinicians - 2)]
    users = [oncologist, surgeon, *others]
    meeting, listed = todays_meeting(items)
    rows = [("repeat_mri", in_six_weeks(), users[n % len(users)], False) for n in range(follow_ups)]
    client.force_login(oncologist)

    with django_assert_max_num_queries(DECISION_SAVE_QUERIES):
        response = client.post(page(meeting, listed[0]), form_data(*users, follow_ups=rows))

    assert response.status_code == 302 and response["Location"] == page(meeting, listed[1])
    decision = Decision.objects.get()
    assert decision.signoffs.count() == clinicians and decision.follow_ups.count() == follow_ups


def test_it_records_a_decision_in_the_same_queries_for_a_long_meeting_and_many_clinicians(client):
    assert save_queries(client, items=5, clinicians=2, follow_ups=0) == save_queries(
        client, items=40, clinicians=5, follow_ups=0
    )


def test_it_records_a_decision_in_the_same_queries_for_one_follow_up_or_three(client):
    assert save_queries(client, items=5, clinicians=2, follow_ups=1) == save_queries(
        client, items=5, clinicians=2, follow_ups=3
    )


def outcomes_queries(client, items: int) -> int:
    oncologist = named(f"onc{items}", Member.Role.ONCOLOGIST, "Olwen", "Pryce")
    surgeon = named(f"sur{items}", Member.Role.SPINAL_SURGEON, "Steffan", "Rees")
    meeting, listed = todays_meeting(items)
    follow_up = {"kind": "repeat_mri", "due_on": in_six_weeks(), "owner_id": surgeon.member.pk, "rediscuss": False}
    for item in listed[:-2]:
        decision = decision_record(
            item_id=item.pk, user=oncologist, data=service_input(oncologist, surgeon, follow_ups=[follow_up])
        )
        signoff_respond(decision_id=decision.pk, user=oncologist, agree=True)
    listed[-2].status, listed[-1].status = AgendaItem.Status.NOT_DISCUSSED, AgendaItem.Status.WITHDRAWN
    AgendaItem.objects.bulk_update(listed[-2:], ["status"])
    client.force_login(oncologist)
    client.get(reverse("meeting-outcomes-pdf", args=[meeting.pk]))  # built (in tests, in the request)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("meeting-outcomes-pdf", args=[meeting.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    return len(queries)


# The meeting's outcomes PDF, once built: 1 session, 2 user, 3 the meeting and its chair, 4 the items
# with their cases and patients, 5 their current decisions (recorder, amended decision, meeting),
# 6 the decisions' sign-offs with the clinicians, 7 their follow-ups with the owners (the HTML whose
# digest names the PDF), 8 the PDF built from it, 9 one access record for all the cases. The same at
# 5 items and at 40.
OUTCOMES_PDF_QUERIES = 9


def test_it_prints_the_meeting_outcomes_in_the_same_queries_at_5_and_40_items(client):
    short = outcomes_queries(client, 5)
    long = outcomes_queries(client, 40)

    assert short == long <= OUTCOMES_PDF_QUERIES
