"""MDT decisions through the services (mdt.services.decisions): every rule of the decisions issue, with real roles."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cases.choices import CaseStatus, TreatmentModality
from cases.clocks import case_clocks
from mdt.candidates import agenda_candidates
from mdt.models import AgendaItem, Decision, FollowUp, Meeting, Member, SignOff
from mdt.services.decisions import (
    DecisionInput,
    agenda_item_outcome,
    decision_amend,
    decision_record,
    decision_urgent_record,
    signoff_respond,
)
from mdt.services.follow_ups import follow_up_complete
from tests.factories import AgendaItemFactory, CaseFactory, MeetingFactory, read_only_user, team_user

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- the team and the meetings


@pytest.fixture
def oncologist():
    return team_user("oncologist", Member.Role.ONCOLOGIST)


@pytest.fixture
def surgeon():
    return team_user("surgeon", Member.Role.SPINAL_SURGEON)


@pytest.fixture
def radiologist():
    return team_user("radiologist", Member.Role.RADIOLOGIST)


@pytest.fixture
def coordinator():
    return team_user("coordinator", Member.Role.MDT_COORDINATOR)


@pytest.fixture
def meeting():
    """Today's meeting, under way."""
    starts = timezone.now() - dt.timedelta(minutes=1)
    return MeetingFactory(
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        agenda_closes_at=starts - dt.timedelta(days=2),
        status=Meeting.Status.IN_PROGRESS,
    )


@pytest.fixture
def next_meeting(meeting):
    starts = meeting.starts_at + dt.timedelta(days=7)
    return MeetingFactory(
        starts_at=starts, ends_at=starts + dt.timedelta(hours=2), agenda_closes_at=starts - dt.timedelta(days=2)
    )


@pytest.fixture
def item(meeting):
    return AgendaItemFactory(meeting=meeting, case=CaseFactory(status=CaseStatus.AWAITING_MDT))


def at_the_start_of(meeting) -> time_machine.travel:
    """Outcomes are recorded from the start of their meeting: be there."""
    return time_machine.travel(meeting.starts_at + dt.timedelta(minutes=1), tick=False)


def meeting_day(meeting) -> dt.date:
    return timezone.localtime(meeting.starts_at).date()


def decision_input(
    *users, treatments=("cebrt",), no_treatment=False, rationale="Radiosensitive primary, stable spine.", follow_ups=()
) -> DecisionInput:
    return DecisionInput(
        treatments=list(treatments),
        no_treatment=no_treatment,
        intent="palliative",
        rationale=rationale,
        patient_preferences_considered=True,
        patient_preferences_note="Wants to stay at home if possible.",
        responsible_member_ids=[user.member.pk for user in users],
        follow_ups=list(follow_ups),
    )


def follow_up(owner, due_on: dt.date, kind: str = FollowUp.Kind.REPEAT_MRI, rediscuss: bool = False) -> dict:
    return {"kind": kind, "due_on": due_on, "owner_id": owner.member.pk, "rediscuss": rediscuss, "note": ""}


def sources(meeting) -> dict[int, list[str]]:
    return {candidate.case.pk: candidate.sources for candidate in agenda_candidates(meeting=meeting)}


def messages_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# --------------------------------------------------------------------------- recording: treatments


def test_it_records_a_treatment_decision_awaiting_the_sign_off_of_each_named_clinician(item, oncologist, surgeon):
    decision = decision_record(item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon))

    decision.refresh_from_db()
    assert decision.status == Decision.Status.AWAITING_SIGNOFF and not decision.locked
    assert decision.treatments == ["cebrt"] and decision.treatment_labels == ["Conventional radiotherapy (cEBRT)"]
    assert decision.intent == "palliative" and decision.patient_preferences_considered
    assert decision.case == item.case and decision.recorded_by == oncologist and not decision.urgent
    assert {(s.member.user, s.response) for s in decision.signoffs.all()} == {
        (oncologist, SignOff.Response.PENDING),
        (surgeon, SignOff.Response.PENDING),
    }
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.DISCUSSED


def test_it_refuses_a_decision_with_no_treatment_chosen_and_not_marked_no_treatment(item, oncologist, surgeon):
    with pytest.raises(ValidationError) as exc:
        decision_record(item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon, treatments=()))

    assert "Choose at least one treatment" in messages_of(exc)["treatments"][0]
    assert not Decision.objects.exists() and not SignOff.objects.exists()
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.LISTED


def test_it_refuses_treatments_chosen_on_a_decision_marked_no_treatment(item, oncologist, surgeon):
    data = decision_input(oncologist, surgeon, treatments=("cebrt",), no_treatment=True)

    with pytest.raises(ValidationError) as exc:
        decision_record(item_id=item.pk, user=oncologist, data=data)

    assert "no_treatment" in messages_of(exc)
    assert not Decision.objects.exists()


def test_it_refuses_an_unknown_treatment_and_a_blank_rationale(item, oncologist, surgeon):
    with pytest.raises(ValidationError) as exc:
        decision_record(
            item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon, treatments=("laser",))
        )
    assert "Unknown treatment: laser." in messages_of(exc)["treatments"]

    with pytest.raises(ValidationError) as exc:
        decision_record(item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon, rationale="  "))
    assert "rationale" in messages_of(exc)
    assert not Decision.objects.exists()


def test_it_records_no_active_treatment_named_by_one_clinician(item, radiologist):
    palliative = team_user("palliative", Member.Role.PALLIATIVE_CARE)  # records it; a radiologist signs

    decision = decision_record(
        item_id=item.pk, user=palliative, data=decision_input(radiologist, treatments=(), no_treatment=True)
    )

    assert decision.no_treatment and decision.treatments == [] and decision.recorded_by == palliative
    assert [s.member.user for s in decision.signoffs.all()] == [radiologist]
    assert decision.modality == TreatmentModality.SUPPORTIVE


# --------------------------------------------------------------------------- recording: responsible clinicians


@pytest.mark.parametrize(
    "roles",
    [
        [Member.Role.ONCOLOGIST],
        [Member.Role.SPINAL_SURGEON],
        [Member.Role.ONCOLOGIST, Member.Role.RADIOLOGIST],
        [Member.Role.SPINAL_SURGEON, Member.Role.PALLIATIVE_CARE],
    ],
)
@pytest.mark.hazard("HAZ-027")
def test_it_refuses_a_treatment_decision_without_an_oncologist_and_a_spinal_surgeon(item, roles):
    users = [team_user(f"clinician{n}", role) for n, role in enumerate(roles)]

    with pytest.raises(ValidationError) as exc:
        decision_record(item_id=item.pk, user=users[0], data=decision_input(*users))

    assert messages_of(exc)["responsible"] == [
        "A treatment decision needs an oncologist and a spinal surgeon among the responsible."
    ]
    assert not Decision.objects.exists() and not SignOff.objects.exists()


def test_it_refuses_a_decision_naming_nobody(item, oncologist):
    with pytest.raises(ValidationError) as exc:
        decision_record(item_id=item.pk, user=oncologist, data=decision_input(treatments=(), no_treatment=True))

    assert "Name the clinicians responsible" in messages_of(exc)["responsible"][0]
    assert not Decision.objects.exists()


def test_it_refuses_a_coordinator_among_the_responsible(item, oncologist, surgeon, coordinator):
    with pytest.raises(ValidationError) as exc:
        decision_record(item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon, coordinator))

    [message] = messages_of(exc)["responsible"]
    assert message.startswith("Only active clinicians sign decisions") and "MDT coordinator" in message
    assert not Decision.objects.exists() and not SignOff.objects.exists()


def test_it_refuses_an_inactive_member_among_the_responsible(item, oncologist, surgeon):
    retired = team_user("retired", Member.Role.SPINAL_SURGEON)
    retired.member.active = False
    retired.member.save()

    with pytest.raises(ValidationError) as exc:
        decision_record(item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon, retired))

    assert messages_of(exc)["responsible"][0].startswith("Only active clinicians sign decisions")
    assert not Decision.objects.exists()


def test_it_lets_only_members_of_the_mdt_record(item, oncologist, surgeon):
    with pytest.raises(PermissionDenied):
        decision_record(item_id=item.pk, user=read_only_user(), data=decision_input(oncologist, surgeon))

    assert not Decision.objects.exists()


def test_it_lets_a_coordinator_record_the_decision_the_clinicians_made(item, oncologist, surgeon, coordinator):
    decision = decision_record(item_id=item.pk, user=coordinator, data=decision_input(oncologist, surgeon))

    assert decision.recorded_by == coordinator
    assert {s.member.user for s in decision.signoffs.all()} == {oncologist, surgeon}


# --------------------------------------------------------------------------- sign-off


@pytest.fixture
def decision(item, oncologist, surgeon):
    return decision_record(item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon))


@pytest.mark.hazard("HAZ-027")
def test_it_locks_the_decision_on_the_last_named_clinicians_response(decision, oncologist, surgeon):
    first = signoff_respond(decision_id=decision.pk, user=oncologist, agree=True)

    decision.refresh_from_db()
    assert first.response == SignOff.Response.AGREE and first.responded_at is not None
    assert decision.status == Decision.Status.AWAITING_SIGNOFF and not decision.locked

    signoff_respond(decision_id=decision.pk, user=surgeon, agree=True)

    decision.refresh_from_db()
    assert decision.status == Decision.Status.SIGNED and decision.locked
    assert decision.get_status_display() == "Signed off (locked)"


def test_it_needs_a_reason_for_a_dissent_and_keeps_it(decision, oncologist, surgeon):
    with pytest.raises(ValidationError) as exc:
        signoff_respond(decision_id=decision.pk, user=surgeon, agree=False, reason="   ")
    assert messages_of(exc) == {"reason": ["Give the reason for your dissent."]}
    assert SignOff.objects.get(member=surgeon.member).response == SignOff.Response.PENDING

    signoff_respond(decision_id=decision.pk, user=surgeon, agree=False, reason="Would stabilise first.")
    signoff_respond(decision_id=decision.pk, user=oncologist, agree=True)

    dissent = SignOff.objects.get(member=surgeon.member)
    assert (dissent.response, dissent.reason) == (SignOff.Response.DISSENT, "Would stabilise first.")
    decision.refresh_from_db()
    assert decision.status == Decision.Status.SIGNED  # every named clinician has responded


def test_it_refuses_signing_twice(decision, oncologist):
    signoff_respond(decision_id=decision.pk, user=oncologist, agree=True)

    with pytest.raises(ValidationError) as exc:
        signoff_respond(decision_id=decision.pk, user=oncologist, agree=False, reason="Changed my mind")

    assert exc.value.messages == ["You already signed this decision (agrees)."]
    signoff = SignOff.objects.get(member=oncologist.member)
    assert (signoff.response, signoff.reason) == (SignOff.Response.AGREE, "")


def test_it_lets_only_the_named_clinicians_sign(decision, coordinator, radiologist):
    for user in (coordinator, radiologist, read_only_user()):
        with pytest.raises(PermissionDenied):
            signoff_respond(decision_id=decision.pk, user=user, agree=True)

    assert set(SignOff.objects.values_list("response", flat=True)) == {SignOff.Response.PENDING}


def test_it_refuses_a_signature_from_a_named_clinician_who_has_left(decision, surgeon):
    surgeon.member.active = False
    surgeon.member.save()

    with pytest.raises(PermissionDenied):
        signoff_respond(decision_id=decision.pk, user=surgeon, agree=True)


# --------------------------------------------------------------------------- editing and amending


def signed(decision, *users) -> Decision:
    for user in users:
        signoff_respond(decision_id=decision.pk, user=user, agree=True)
    decision.refresh_from_db()
    return decision


def test_it_revises_an_unsigned_decision_and_asks_everyone_to_sign_again(decision, item, oncologist, surgeon):
    signoff_respond(decision_id=decision.pk, user=oncologist, agree=True)
    decision.refresh_from_db()

    revised = decision_record(
        item_id=item.pk,
        user=surgeon,
        data=decision_input(oncologist, surgeon, rationale="Revised after the images were shown."),
        loaded_version=decision.version,
    )

    assert revised.pk == decision.pk and Decision.objects.count() == 1
    assert revised.rationale == "Revised after the images were shown." and revised.version == decision.version + 1
    assert set(SignOff.objects.values_list("response", flat=True)) == {SignOff.Response.PENDING}


@pytest.mark.hazard("HAZ-002")
def test_it_refuses_a_save_from_a_page_opened_before_someone_else_saved(decision, item, oncologist, surgeon):
    opened = decision.version
    decision_record(
        item_id=item.pk,
        user=surgeon,
        data=decision_input(oncologist, surgeon, rationale="First"),
        loaded_version=opened,
    )

    with pytest.raises(ValidationError) as exc:
        decision_record(
            item_id=item.pk,
            user=oncologist,
            data=decision_input(oncologist, surgeon, rationale="Second"),
            loaded_version=opened,
        )

    assert "Someone else saved this decision after you opened it" in exc.value.messages[0]
    assert Decision.objects.get().rationale == "First"


def test_it_refuses_editing_a_signed_decision_without_amending(decision, item, oncologist, surgeon):
    decision = signed(decision, oncologist, surgeon)

    with pytest.raises(ValidationError) as exc:
        decision_record(
            item_id=item.pk,
            user=oncologist,
            data=decision_input(oncologist, surgeon, rationale="Quietly changed"),
            loaded_version=decision.version,
        )

    assert exc.value.messages == ["This decision is signed off and locked: amend it, giving a reason."]
    decision.refresh_from_db()
    assert decision.rationale == "Radiosensitive primary, stable spine." and decision.status == Decision.Status.SIGNED
    assert Decision.objects.count() == 1


@pytest.mark.hazard("HAZ-005")
def test_it_keeps_the_original_of_an_amendment_and_names_the_signers_again(decision, oncologist, surgeon, radiologist):
    original = signed(decision, oncologist, surgeon)

    amendment = decision_amend(
        decision_id=original.pk,
        user=oncologist,
        data=decision_input(oncologist, surgeon, radiologist, treatments=("sbrt_srs",), rationale="SBRT instead."),
        reason="Oligometastatic on the staging CT.",
    )

    original.refresh_from_db()
    assert original.status == Decision.Status.SUPERSEDED
    assert original.treatments == ["cebrt"] and original.rationale == "Radiosensitive primary, stable spine."
    assert original.amended_by == amendment
    assert amendment.amends == original and amendment.amendment_reason == "Oligometastatic on the staging CT."
    assert amendment.recorded_by == oncologist and amendment.decided_at >= original.decided_at
    assert amendment.agenda_item_id == original.agenda_item_id and amendment.case_id == original.case_id
    assert amendment.status == Decision.Status.AWAITING_SIGNOFF and amendment.treatments == ["sbrt_srs"]
    assert {(s.member.user, s.response) for s in amendment.signoffs.all()} == {
        (oncologist, SignOff.Response.PENDING),
        (surgeon, SignOff.Response.PENDING),
        (radiologist, SignOff.Response.PENDING),
    }
    assert set(original.signoffs.values_list("response", flat=True)) == {SignOff.Response.AGREE}  # kept as signed
    assert list(Decision.objects.filter(case=original.case).current()) == [amendment]


def test_it_needs_a_reason_for_an_amendment(decision, oncologist, surgeon):
    original = signed(decision, oncologist, surgeon)

    with pytest.raises(ValidationError) as exc:
        decision_amend(decision_id=original.pk, user=oncologist, data=decision_input(oncologist, surgeon), reason=" ")

    assert messages_of(exc) == {"amendment_reason": ["Say why the decision is being amended."]}
    original.refresh_from_db()
    assert original.status == Decision.Status.SIGNED and Decision.objects.count() == 1


def test_it_refuses_amending_a_decision_nobody_has_signed(decision, oncologist, surgeon):
    with pytest.raises(ValidationError) as exc:
        decision_amend(
            decision_id=decision.pk, user=oncologist, data=decision_input(oncologist, surgeon), reason="Typo"
        )

    assert exc.value.messages == ["Nobody has signed this decision yet: edit it instead of amending it."]
    assert Decision.objects.count() == 1


def test_it_refuses_amending_a_version_already_amended_and_signing_it(decision, oncologist, surgeon):
    original = signed(decision, oncologist, surgeon)
    decision_amend(decision_id=original.pk, user=oncologist, data=decision_input(oncologist, surgeon), reason="One")

    with pytest.raises(ValidationError):
        decision_amend(decision_id=original.pk, user=oncologist, data=decision_input(oncologist, surgeon), reason="2")
    assert Decision.objects.count() == 2


def test_it_needs_an_oncologist_and_a_surgeon_on_an_amendment_too(decision, oncologist, surgeon):
    original = signed(decision, oncologist, surgeon)

    with pytest.raises(ValidationError) as exc:
        decision_amend(decision_id=original.pk, user=oncologist, data=decision_input(oncologist), reason="Change")

    assert "responsible" in messages_of(exc)
    original.refresh_from_db()
    assert original.status == Decision.Status.SIGNED and Decision.objects.count() == 1


def test_it_refuses_an_amendment_by_a_read_only_user(decision, oncologist, surgeon):
    original = signed(decision, oncologist, surgeon)

    with pytest.raises(PermissionDenied):
        decision_amend(
            decision_id=original.pk, user=read_only_user(), data=decision_input(oncologist, surgeon), reason="No"
        )


# --------------------------------------------------------------------------- urgent decisions between meetings


@pytest.mark.parametrize("role", [Member.Role.ONCOLOGIST, Member.Role.SPINAL_SURGEON])
def test_it_lets_an_oncologist_or_a_spinal_surgeon_record_an_urgent_decision(role, oncologist, surgeon):
    case = CaseFactory(status=CaseStatus.IMAGING)
    user = oncologist if role == Member.Role.ONCOLOGIST else surgeon

    decision = decision_urgent_record(case_id=case.pk, user=user, data=decision_input(oncologist, surgeon))

    assert decision.urgent and decision.agenda_item is None and decision.ratified_at is None
    assert decision.recorded_by == user and decision.status == Decision.Status.AWAITING_SIGNOFF
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED


@pytest.mark.parametrize("role", [Member.Role.RADIOLOGIST, Member.Role.MDT_COORDINATOR, Member.Role.NURSE_SPECIALIST])
def test_it_refuses_an_urgent_decision_by_anyone_else(role, oncologist, surgeon):
    case = CaseFactory()

    with pytest.raises(PermissionDenied):
        decision_urgent_record(case_id=case.pk, user=team_user("other", role), data=decision_input(oncologist, surgeon))

    assert not Decision.objects.exists()


def test_it_lists_an_urgent_decision_for_ratification_until_a_meeting_decides_on_the_case(
    meeting, next_meeting, oncologist, surgeon
):
    case = CaseFactory(status=CaseStatus.IMAGING)
    urgent = decision_urgent_record(case_id=case.pk, user=surgeon, data=decision_input(oncologist, surgeon))

    assert sources(next_meeting)[case.pk] == [AgendaItem.Source.RATIFICATION]

    item = AgendaItemFactory(meeting=next_meeting, case=case, source=AgendaItem.Source.RATIFICATION)
    with at_the_start_of(next_meeting):
        meeting_decision = decision_record(item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon))

    urgent.refresh_from_db()
    assert urgent.ratified_at is not None and urgent.ratified_by == meeting_decision
    starts = next_meeting.starts_at + dt.timedelta(days=7)
    after = MeetingFactory(starts_at=starts, ends_at=starts + dt.timedelta(hours=1), agenda_closes_at=starts)
    assert case.pk not in sources(after)


def test_it_still_lists_an_urgent_decision_amended_before_ratification(next_meeting, oncologist, surgeon):
    case = CaseFactory(status=CaseStatus.IMAGING)
    urgent = decision_urgent_record(case_id=case.pk, user=oncologist, data=decision_input(oncologist, surgeon))
    signed(urgent, oncologist, surgeon)

    decision_amend(decision_id=urgent.pk, user=oncologist, data=decision_input(oncologist, surgeon), reason="Dose")

    assert sources(next_meeting)[case.pk] == [AgendaItem.Source.RATIFICATION]


def test_it_needs_an_oncologist_and_a_surgeon_on_an_urgent_treatment_decision(oncologist):
    case = CaseFactory()

    with pytest.raises(ValidationError) as exc:
        decision_urgent_record(case_id=case.pk, user=oncologist, data=decision_input())

    assert "responsible" in messages_of(exc)
    assert not Decision.objects.exists()


# --------------------------------------------------------------------------- item outcomes


def test_it_carries_a_case_not_discussed_forward_to_the_next_meetings_candidates(item, next_meeting, oncologist):
    agenda_item_outcome(item_id=item.pk, user=oncologist, status=AgendaItem.Status.NOT_DISCUSSED)

    item.refresh_from_db()
    assert item.status == AgendaItem.Status.NOT_DISCUSSED
    assert AgendaItem.Source.CARRIED_FORWARD in sources(next_meeting)[item.case_id]


def test_it_needs_a_reason_to_withdraw_a_case(item, oncologist, surgeon):
    with pytest.raises(ValidationError) as exc:
        agenda_item_outcome(item_id=item.pk, user=oncologist, status=AgendaItem.Status.WITHDRAWN, reason="  ")
    assert messages_of(exc) == {"reason": ["Give the reason for withdrawing the case."]}
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.LISTED

    agenda_item_outcome(item_id=item.pk, user=oncologist, status=AgendaItem.Status.WITHDRAWN, reason="Patient died")

    item.refresh_from_db()
    assert (item.status, item.outcome_reason) == (AgendaItem.Status.WITHDRAWN, "Patient died")
    with pytest.raises(ValidationError):
        decision_record(item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon))
    assert not Decision.objects.exists()


def test_it_refuses_marking_an_item_with_a_decision_not_discussed(decision, item, oncologist):
    with pytest.raises(ValidationError) as exc:
        agenda_item_outcome(item_id=item.pk, user=oncologist, status=AgendaItem.Status.NOT_DISCUSSED)

    assert "amend the decision instead" in messages_of(exc)["status"][0]
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.DISCUSSED


def test_it_lets_only_members_of_the_mdt_record_item_outcomes(item):
    with pytest.raises(PermissionDenied):
        agenda_item_outcome(item_id=item.pk, user=read_only_user(), status=AgendaItem.Status.NOT_DISCUSSED)


# --------------------------------------------------------------------------- follow-ups


def test_it_creates_the_follow_ups_the_decision_asks_for(item, meeting, oncologist, surgeon):
    due = meeting_day(meeting) + dt.timedelta(weeks=6)
    data = decision_input(
        oncologist,
        surgeon,
        follow_ups=[follow_up(oncologist, due), follow_up(surgeon, due, kind=FollowUp.Kind.CLINIC_REVIEW)],
    )

    decision = decision_record(item_id=item.pk, user=oncologist, data=data)

    assert [(f.kind, f.due_on, f.owner.user, f.case) for f in decision.follow_ups.order_by("id")] == [
        (FollowUp.Kind.REPEAT_MRI, due, oncologist, item.case),
        (FollowUp.Kind.CLINIC_REVIEW, due, surgeon, item.case),
    ]


def test_it_refuses_a_follow_up_due_before_the_meeting(item, meeting, oncologist, surgeon):
    fine = follow_up(oncologist, meeting_day(meeting) + dt.timedelta(weeks=6))
    early = follow_up(surgeon, meeting_day(meeting) - dt.timedelta(days=3), kind=FollowUp.Kind.STEROID_REVIEW)

    with pytest.raises(ValidationError) as exc:
        decision_record(
            item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon, follow_ups=[fine, early])
        )

    [message] = messages_of(exc)["follow_ups"]
    assert message.startswith("Follow-up 2: ")
    assert not Decision.objects.exists() and not FollowUp.objects.exists()
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.LISTED


def test_it_refuses_a_follow_up_without_a_known_owner(item, meeting, oncologist, surgeon):
    entry = {**follow_up(oncologist, meeting_day(meeting) + dt.timedelta(days=30)), "owner_id": 987654}

    with pytest.raises(ValidationError) as exc:
        decision_record(item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon, follow_ups=[entry]))

    assert messages_of(exc)["follow_ups"] == ["Follow-up 1: choose who owns it."]
    assert not Decision.objects.exists()


@pytest.mark.hazard("HAZ-028")
def test_it_brings_the_case_back_when_a_follow_up_asking_for_rediscussion_is_due(
    item, meeting, next_meeting, oncologist, surgeon
):
    due_by_next = follow_up(oncologist, meeting_day(next_meeting) - dt.timedelta(days=1), rediscuss=True)
    decision_record(
        item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon, follow_ups=[due_by_next])
    )
    later_case = AgendaItemFactory(meeting=meeting, case=CaseFactory(status=CaseStatus.AWAITING_MDT)).case
    later = follow_up(oncologist, meeting_day(next_meeting) + dt.timedelta(days=14), rediscuss=True)
    not_back = follow_up(oncologist, meeting_day(next_meeting) - dt.timedelta(days=1))
    later_item = later_case.agenda_items.get()
    decision_record(
        item_id=later_item.pk, user=oncologist, data=decision_input(oncologist, surgeon, follow_ups=[later, not_back])
    )

    found = sources(next_meeting)

    assert found[item.case_id] == [AgendaItem.Source.FOLLOW_UP]
    assert later_case.pk not in found


def test_it_completes_the_follow_ups_that_asked_for_rediscussion_when_the_case_is_discussed(
    item, meeting, next_meeting, oncologist, surgeon
):
    due = meeting_day(next_meeting)
    decision_record(
        item_id=item.pk,
        user=oncologist,
        data=decision_input(oncologist, surgeon, follow_ups=[follow_up(surgeon, due, rediscuss=True)]),
    )
    back = AgendaItemFactory(meeting=next_meeting, case=item.case, source=AgendaItem.Source.FOLLOW_UP)

    with at_the_start_of(next_meeting):
        decision_record(item_id=back.pk, user=surgeon, data=decision_input(oncologist, surgeon))

    asked = FollowUp.objects.get(rediscuss=True)
    assert asked.completed_at is not None and asked.completed_by == surgeon


@pytest.fixture
def open_follow_up(item, meeting, oncologist, surgeon):
    due = meeting_day(meeting) + dt.timedelta(days=30)
    decision = decision_record(
        item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon, follow_ups=[follow_up(surgeon, due)])
    )
    return decision.follow_ups.get()


def test_it_lets_the_owner_complete_a_follow_up_once(open_follow_up, surgeon):
    done = follow_up_complete(follow_up_id=open_follow_up.pk, user=surgeon, outcome="Seen in clinic: stable.")

    assert done.completed_at is not None and done.completed_by == surgeon
    with pytest.raises(ValidationError):
        follow_up_complete(follow_up_id=open_follow_up.pk, user=surgeon, outcome="Seen in clinic: stable.")


def test_it_lets_a_coordinator_complete_a_follow_up(open_follow_up, coordinator):
    done = follow_up_complete(follow_up_id=open_follow_up.pk, user=coordinator, outcome="Seen in clinic.")

    assert done.completed_by == coordinator


def test_it_refuses_completing_a_follow_up_to_anyone_else(open_follow_up, oncologist, radiologist):
    for user in (oncologist, radiologist, read_only_user()):
        with pytest.raises(PermissionDenied):
            follow_up_complete(follow_up_id=open_follow_up.pk, user=user, outcome="Seen.")

    open_follow_up.refresh_from_db()
    assert open_follow_up.completed_at is None


# --------------------------------------------------------------------------- the case: status and clocks


@pytest.mark.hazard("HAZ-011")
def test_it_moves_the_case_on_and_starts_the_24_hour_clock_on_a_radiotherapy_decision(item, oncologist, surgeon):
    decision = decision_record(item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon))

    case = item.case
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED
    assert case.decision_to_treat_at == decision.decided_at
    assert case.treatment_plan_agreed_at == decision.decided_at
    assert case.treatment_modality == TreatmentModality.RADIOTHERAPY
    [clock] = [clock for clock in case_clocks(case) if clock.target.key == "rt_start_24h"]
    assert clock.started_at == decision.decided_at
    assert clock.due_at == decision.decided_at + dt.timedelta(hours=24)


def test_it_makes_the_modality_surgery_for_any_surgical_treatment(item, oncologist, surgeon):
    data = decision_input(oncologist, surgeon, treatments=("surgery_decompression", "analgesia"))

    decision_record(item_id=item.pk, user=oncologist, data=data)

    case = item.case
    case.refresh_from_db()
    assert case.treatment_modality == TreatmentModality.SURGERY
    assert "rt_start_24h" not in [clock.target.key for clock in case_clocks(case)]


@pytest.mark.hazard("HAZ-011")
@pytest.mark.parametrize(
    ("treatments", "modality"),
    [
        pytest.param(("vertebroplasty", "cebrt"), TreatmentModality.SURGERY, id="cement augmentation plus cEBRT"),
        pytest.param(("kyphoplasty", "sbrt_srs"), TreatmentModality.SURGERY, id="kyphoplasty plus SBRT"),
        pytest.param(("surgery_stabilisation", "cebrt"), TreatmentModality.SURGERY, id="stabilisation plus cEBRT"),
        pytest.param(("cebrt", "sact"), TreatmentModality.RADIOTHERAPY, id="cEBRT plus systemic therapy"),
        pytest.param(("steroids", "sbrt_srs"), TreatmentModality.RADIOTHERAPY, id="SBRT with steroids"),
    ],
)
@pytest.mark.hazard("HAZ-011")
def test_any_radiotherapy_in_a_combined_plan_starts_the_24_hour_radiotherapy_clock(
    item, oncologist, surgeon, treatments, modality
):
    decision = decision_record(
        item_id=item.pk, user=oncologist, data=decision_input(oncologist, surgeon, treatments=treatments)
    )

    case = item.case
    case.refresh_from_db()
    assert case.treatment_modality == modality  # the treatment that comes first
    assert case.radiotherapy_planned
    [clock] = [clock for clock in case_clocks(case) if clock.target.key == "rt_start_24h"]
    assert clock.started_at == decision.decided_at
    assert clock.due_at == decision.decided_at + dt.timedelta(hours=24)
    assert clock.is_open


@pytest.mark.hazard("HAZ-011")
def test_a_combined_plans_radiotherapy_clock_stops_at_the_first_fraction_not_at_the_surgery(item, oncologist, surgeon):
    data = decision_input(oncologist, surgeon, treatments=("vertebroplasty", "cebrt"))
    decision = decision_record(item_id=item.pk, user=oncologist, data=data)
    case = item.case
    case.refresh_from_db()
    case.treatment_start_at = decision.decided_at + dt.timedelta(hours=2)  # the vertebroplasty
    case.save()

    [clock] = [clock for clock in case_clocks(case) if clock.target.key == "rt_start_24h"]
    assert clock.is_open

    case.radiotherapy_started_at = decision.decided_at + dt.timedelta(hours=20)
    case.save()
    [clock] = [clock for clock in case_clocks(case) if clock.target.key == "rt_start_24h"]
    assert clock.stopped_at == case.radiotherapy_started_at
    assert clock.state == "met"


@pytest.mark.hazard("HAZ-026")
def test_it_keeps_the_first_plan_agreed_time_and_a_case_in_treatment_there(meeting, next_meeting, oncologist, surgeon):
    case = CaseFactory(status=CaseStatus.AWAITING_MDT)
    first = decision_record(
        item_id=AgendaItemFactory(meeting=meeting, case=case).pk,
        user=oncologist,
        data=decision_input(oncologist, surgeon),
    )
    case.refresh_from_db()
    case.status = CaseStatus.TREATMENT
    case.save()

    with at_the_start_of(next_meeting):
        second = decision_record(
            item_id=AgendaItemFactory(meeting=next_meeting, case=case).pk,
            user=oncologist,
            data=decision_input(oncologist, surgeon, treatments=("sbrt_srs",)),
        )

    case.refresh_from_db()
    assert case.treatment_plan_agreed_at == first.decided_at
    assert case.decision_to_treat_at == second.decided_at
    assert case.status == CaseStatus.TREATMENT


# --------------------------------------------------------------------------- history


def test_it_names_who_recorded_and_who_signed_in_the_history(decision, oncologist, surgeon):
    signoff_respond(decision_id=decision.pk, user=oncologist, agree=True)
    signoff_respond(decision_id=decision.pk, user=surgeon, agree=True)

    rows = list(Decision.history.filter(id=decision.pk).order_by("history_date", "history_id"))
    assert [(r.history_type, r.history_user, r.status) for r in rows] == [
        ("+", oncologist, Decision.Status.AWAITING_SIGNOFF),
        ("~", surgeon, Decision.Status.SIGNED),  # the last response locked it
    ]
    surgeons = SignOff.objects.get(decision=decision, member=surgeon.member)
    signed_rows = SignOff.history.filter(id=surgeons.pk, history_type="~")
    assert [(r.history_user, r.response) for r in signed_rows] == [(surgeon, SignOff.Response.AGREE)]
    item_rows = AgendaItem.history.filter(id=decision.agenda_item_id, status=AgendaItem.Status.DISCUSSED)
    assert [r.history_user for r in item_rows] == [oncologist]


def test_it_names_the_recorder_in_the_history_of_the_sign_offs_and_follow_ups_it_creates(
    item, meeting, oncologist, surgeon
):
    due = meeting_day(meeting) + dt.timedelta(days=30)
    data = decision_input(oncologist, surgeon, follow_ups=[follow_up(surgeon, due)])

    decision = decision_record(item_id=item.pk, user=oncologist, data=data)

    created = SignOff.history.filter(decision_id=decision.pk, history_type="+")
    assert [row.history_user for row in created] == [oncologist, oncologist]
    assert [row.history_user for row in FollowUp.history.filter(history_type="+")] == [oncologist]


def test_it_records_an_amendment_in_the_history_with_who_and_why(decision, oncologist, surgeon):
    original = signed(decision, oncologist, surgeon)

    amendment = decision_amend(
        decision_id=original.pk, user=surgeon, data=decision_input(oncologist, surgeon), reason="Wrong level"
    )

    [superseded] = Decision.history.filter(id=original.pk, status=Decision.Status.SUPERSEDED)
    assert superseded.history_user == surgeon
    [created] = Decision.history.filter(id=amendment.pk, history_type="+")
    assert (created.history_user, created.amendment_reason) == (surgeon, "Wrong level")
