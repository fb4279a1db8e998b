"""Recording an outcome on the decision page: the form, save and next, and what it refuses."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mdt.models import AgendaItem, Decision, FollowUp, Member, SignOff
from tests.mdt.decision_pages.helpers import RATIONALE, form_data, html, in_six_weeks, named, page

pytestmark = pytest.mark.django_db


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


@pytest.mark.hazard("HAZ-026")
def test_a_decision_for_further_imaging_says_no_plan_is_agreed_yet(client, agenda, oncologist, surgeon):
    meeting, items = agenda
    client.force_login(oncologist)
    data = form_data(oncologist, surgeon, treatments=("further_imaging", "analgesia"), action="save")

    response = client.post(page(meeting, items[0]), data)

    text = html(client.get(response["Location"]))
    assert f"Decision for {items[0].case.patient.mrn} saved: awaiting sign-off." in text
    assert "Further imaging first: no treatment plan is agreed yet" in text
    items[0].case.refresh_from_db()
    assert items[0].case.treatment_plan_agreed_at is None


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


def test_a_post_claiming_a_thousand_follow_ups_is_refused_with_the_limit_and_builds_no_more_than_ten(
    client, agenda, oncologist, surgeon, monkeypatch
):
    from mdt.forms import decisions as decision_forms

    meeting, items = agenda
    client.force_login(oncologist)
    built = []
    original = decision_forms.FollowUpForm.__init__

    def counting(self, *args, **kwargs):
        built.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(decision_forms.FollowUpForm, "__init__", counting)
    data = form_data(oncologist, surgeon) | {"fu-TOTAL_FORMS": "1000"}

    response = client.post(page(meeting, items[1]), data)

    assert response.status_code == 200
    assert "Please submit at most 10 forms." in html(response)
    assert not Decision.objects.exists() and not FollowUp.objects.exists()
    assert 0 < len(built) <= 11  # the ten allowed, and the empty form the page can add from
