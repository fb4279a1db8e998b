"""The sweep derives each kind of reminder from the clinical data: when due, to whom, once."""

import dataclasses
import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from cases.choices import Modality, Presentation
from cases.models import Scan
from mdt.models import AgendaItem, Meeting, Member, SignOff
from reminders.kinds import KINDS
from reminders.models import Reminder
from reminders.sweep import cancel_resolved, derive
from tests.factories import (
    DAY,
    HOUR,
    CaseFactory,
    ScanFactory,
    decision_awaiting,
    follow_up,
    listed_item,
    meeting,
    performed_scan,
)

pytestmark = pytest.mark.django_db

# A Wednesday in June, 09:30 in London (BST): far from both clock changes.
NOW = timezone.make_aware(dt.datetime(2026, 6, 10, 9, 30))


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def rows(kind: str) -> set[tuple[str, int, int]]:
    """(recipient username, level, subject id) of every reminder of a kind."""
    subject = f"{KINDS[kind].subject}_id"
    return {
        (r.recipient.username, r.level, getattr(r, subject))
        for r in Reminder.objects.filter(kind=kind).select_related("recipient")
    }


# --------------------------------------------------------------------------- MRI review


def test_it_reminds_every_radiologist_once_an_mri_has_waited_the_configured_hours(team, settings):
    settings.REMINDER_MRI_REVIEW_HOURS = 24
    waiting = performed_scan(25 * HOUR, responsible_clinician=team["oncologist"])
    performed_scan(23 * HOUR)  # not yet
    ScanFactory(modality=Modality.CT, performed_at=timezone.now() - 3 * DAY, requested_at=timezone.now() - 4 * DAY)

    derive(timezone.now())

    assert rows(Reminder.Kind.MRI_REVIEW) == {("rad1", 0, waiting.pk), ("rad2", 0, waiting.pk)}
    reminder = Reminder.objects.filter(kind=Reminder.Kind.MRI_REVIEW).first()
    assert reminder.due_at == waiting.performed_at + 24 * HOUR
    assert reminder.case_id == waiting.case_id
    assert reminder.dedupe_key == f"mri-review:{waiting.pk}:{reminder.recipient_id}:0"


def test_it_escalates_to_the_responsible_clinician_and_then_the_mscc_coordinators(team):
    waiting = performed_scan(73 * HOUR, responsible_clinician=team["oncologist"])

    derive(timezone.now())

    assert rows(Reminder.Kind.MRI_REVIEW) == {
        ("rad1", 0, waiting.pk),
        ("rad2", 0, waiting.pk),
        ("onc", 1, waiting.pk),
        ("mscc", 2, waiting.pk),
    }
    due = dict(Reminder.objects.values_list("level", "due_at"))
    assert due == {level: waiting.performed_at + 24 * HOUR * (level + 1) for level in (0, 1, 2)}


@pytest.mark.hazard("HAZ-021")
def test_it_skips_the_clinician_step_when_the_case_has_none_but_still_escalates(team):
    waiting = performed_scan(50 * HOUR, responsible_clinician=None)

    derive(timezone.now())

    assert {level for _, level, _ in rows(Reminder.Kind.MRI_REVIEW)} == {0}
    with time_machine.travel(NOW + 24 * HOUR, tick=False):
        derive(timezone.now())
    assert ("mscc", 2, waiting.pk) in rows(Reminder.Kind.MRI_REVIEW)


@pytest.mark.hazard("HAZ-031")
def test_a_second_sweep_creates_nothing_new(team):
    performed_scan(80 * HOUR, responsible_clinician=team["oncologist"])
    derive(timezone.now())
    before = Reminder.objects.count()

    derive(timezone.now())
    derive(timezone.now() + HOUR)

    assert Reminder.objects.count() == before == 4


def test_inactive_team_members_are_not_reminded(team):
    Member.objects.filter(user=team["radiologist2"]).update(active=False)
    performed_scan(25 * HOUR)

    derive(timezone.now())

    assert {name for name, _, _ in rows(Reminder.Kind.MRI_REVIEW)} == {"rad1"}


def test_reviewing_the_mri_cancels_its_unsent_reminders(team):
    scan = performed_scan(25 * HOUR)
    derive(timezone.now())
    Scan.objects.filter(pk=scan.pk).update(reviewed_at=timezone.now(), reviewed_by=team["radiologist"])

    assert cancel_resolved(timezone.now()) == 2

    assert set(Reminder.objects.values_list("status", "status_reason")) == {("cancelled", "cancelled: resolved")}
    derive(timezone.now())
    assert Reminder.objects.count() == 2  # and none comes back


def test_a_deleted_scan_leaves_its_reminders_cancelled_not_broken(team):
    scan = performed_scan(25 * HOUR)
    derive(timezone.now())
    scan.delete()

    cancel_resolved(timezone.now())

    assert set(Reminder.objects.values_list("status", "status_reason", "scan")) == {
        ("cancelled", "cancelled: subject deleted", None)
    }


# --------------------------------------------------------------------------- MRI not performed


@pytest.mark.hazard("HAZ-042")
def test_it_tells_the_mscc_coordinator_when_a_requested_mri_puts_the_nice_clock_at_risk(team):
    # Suspected MSCC: whole-spine MRI within 24 h, at risk from 75% (18 h).
    late = CaseFactory(presentation=Presentation.SUSPECTED_MSCC, suspected_diagnosis_at=timezone.now() - 19 * HOUR)
    scan = ScanFactory(case=late, requested_at=timezone.now() - 18 * HOUR)
    early = CaseFactory(presentation=Presentation.SUSPECTED_MSCC, suspected_diagnosis_at=timezone.now() - 10 * HOUR)
    ScanFactory(case=early, requested_at=timezone.now() - 9 * HOUR)

    derive(timezone.now())

    assert rows(Reminder.Kind.MRI_NOT_PERFORMED) == {("mscc", 0, scan.pk)}
    assert Reminder.objects.get(kind=Reminder.Kind.MRI_NOT_PERFORMED).due_at == late.suspected_diagnosis_at + 18 * HOUR


def test_performing_the_mri_resolves_it(team):
    late = CaseFactory(presentation=Presentation.SUSPECTED_MSCC, suspected_diagnosis_at=timezone.now() - 30 * HOUR)
    scan = ScanFactory(case=late, requested_at=timezone.now() - 29 * HOUR)
    derive(timezone.now())
    Scan.objects.filter(pk=scan.pk).update(performed_at=timezone.now())

    cancel_resolved(timezone.now())

    assert Reminder.objects.get(kind=Reminder.Kind.MRI_NOT_PERFORMED).status == Reminder.Status.CANCELLED


# --------------------------------------------------------------------------- meetings


def test_it_sends_the_agenda_to_every_active_member_the_configured_hours_before(team, settings):
    settings.REMINDER_AGENDA_HOURS_BEFORE = 24
    soon = meeting(timezone.now() + 20 * HOUR)
    meeting(timezone.now() + 30 * HOUR)  # not yet
    meeting(timezone.now() + 10 * HOUR, status=Meeting.Status.CANCELLED)

    derive(timezone.now())

    assert rows(Reminder.Kind.MEETING_AGENDA) == {(user.username, 0, soon.pk) for user in team.values()}
    assert {r.due_at for r in Reminder.objects.all()} == {soon.starts_at - 24 * HOUR}


def test_the_agenda_reminder_lapses_once_the_meeting_has_started(team):
    soon = meeting(timezone.now() + 20 * HOUR)
    derive(timezone.now())

    with time_machine.travel(soon.starts_at + HOUR, tick=False):
        cancel_resolved(timezone.now())

    assert set(Reminder.objects.values_list("status", flat=True)) == {"cancelled"}


@pytest.mark.hazard("HAZ-028")
def test_an_outcome_still_missing_after_the_meeting_goes_to_the_chair(team, settings):
    settings.REMINDER_OUTCOME_HOURS = 24
    held = meeting(timezone.now() - 30 * HOUR, chair=team["coordinator"].member)
    open_item = listed_item(held)
    listed_item(held, status=AgendaItem.Status.DISCUSSED)
    recent = meeting(timezone.now() - 5 * HOUR)
    listed_item(recent)  # its meeting ended 3 hours ago: not yet

    derive(timezone.now())

    assert rows(Reminder.Kind.OUTCOME_NOT_RECORDED) == {("coord", 0, open_item.pk)}
    assert Reminder.objects.get().due_at == held.ends_at + 24 * HOUR


@pytest.mark.hazard("HAZ-021")
def test_without_a_chair_the_outcome_reminder_goes_to_the_mdt_coordinators(team):
    held = meeting(timezone.now() - 30 * HOUR)
    item = listed_item(held)

    derive(timezone.now())

    assert rows(Reminder.Kind.OUTCOME_NOT_RECORDED) == {("coord", 0, item.pk)}


def test_recording_the_outcome_resolves_it(team):
    item = listed_item(meeting(timezone.now() - 30 * HOUR))
    derive(timezone.now())
    AgendaItem.objects.filter(pk=item.pk).update(status=AgendaItem.Status.DISCUSSED)

    assert cancel_resolved(timezone.now()) == 1


def test_a_decision_not_signed_off_reminds_each_clinician_still_to_sign(team, settings):
    settings.REMINDER_SIGNOFF_HOURS = 24
    decision = decision_awaiting([team["oncologist"], team["radiologist"]], timezone.now() - 25 * HOUR)
    SignOff.objects.filter(decision=decision, member=team["radiologist"].member).update(
        response=SignOff.Response.AGREE, responded_at=timezone.now()
    )
    decision_awaiting([team["oncologist"]], timezone.now() - 5 * HOUR)  # not yet

    derive(timezone.now())

    reminders = list(Reminder.objects.filter(kind=Reminder.Kind.DECISION_NOT_SIGNED))
    assert [(r.recipient.username, r.decision_id) for r in reminders] == [("onc", decision.pk)]
    assert reminders[0].due_at == decision.decided_at + 24 * HOUR

    SignOff.objects.filter(decision=decision).update(response=SignOff.Response.AGREE)
    assert cancel_resolved(timezone.now()) == 1


# --------------------------------------------------------------------------- follow-ups


def test_a_follow_up_due_soon_reminds_its_owner_in_the_morning_days_before(team, settings):
    settings.REMINDER_FOLLOW_UP_DAYS_BEFORE = 3
    settings.REMINDER_DAY_START_HOUR = 8
    today = timezone.localdate()
    soon = follow_up(team["oncologist"], today + dt.timedelta(days=3))
    follow_up(team["oncologist"], today + dt.timedelta(days=4))  # tomorrow morning

    derive(timezone.now())

    assert rows(Reminder.Kind.FOLLOW_UP_DUE_SOON) == {("onc", 0, soon.pk)}
    expected = timezone.make_aware(dt.datetime.combine(today, dt.time(8)))
    assert Reminder.objects.get().due_at == expected


def test_an_overdue_follow_up_reminds_its_owner_the_morning_after_and_the_due_soon_one_lapses(team):
    today = timezone.localdate()
    late = follow_up(team["oncologist"], today - dt.timedelta(days=1))
    with time_machine.travel(NOW - 3 * DAY, tick=False):
        derive(timezone.now())  # three days ago it was due soon

    derive(timezone.now())
    cancel_resolved(timezone.now())

    assert set(Reminder.objects.values_list("kind", "status")) == {
        ("follow_up_due_soon", "cancelled"),
        ("follow_up_overdue", "pending"),
    }
    overdue = Reminder.objects.get(kind=Reminder.Kind.FOLLOW_UP_OVERDUE)
    assert overdue.follow_up_id == late.pk
    assert overdue.due_at == timezone.make_aware(dt.datetime.combine(today, dt.time(8)))


def test_a_completed_follow_up_is_not_chased(team):
    follow_up(team["oncologist"], timezone.localdate() - dt.timedelta(days=2), completed_at=timezone.now())

    derive(timezone.now())

    assert not Reminder.objects.exists()


@pytest.mark.hazard("HAZ-021")
def test_a_follow_up_whose_owner_left_goes_to_the_mdt_coordinators(team):
    Member.objects.filter(user=team["oncologist"]).update(active=False)
    late = follow_up(team["oncologist"], timezone.localdate() - dt.timedelta(days=2))

    derive(timezone.now())

    assert rows(Reminder.Kind.FOLLOW_UP_OVERDUE) == {("coord", 0, late.pk)}


# --------------------------------------------------------------------------- steroids


def steroid_case(team, treatment_days_ago: float, **fields):
    started = timezone.now() - dt.timedelta(days=treatment_days_ago)
    defaults = {
        "responsible_clinician": team["oncologist"],
        "steroids_started_at": started - 2 * DAY,
        "decision_to_treat_at": started - DAY,
        "treatment_modality": "radiotherapy",
        "treatment_start_at": started,
    }
    return CaseFactory(**(defaults | fields))


@pytest.mark.hazard("HAZ-012")
def test_steroids_still_active_days_after_treatment_remind_the_responsible_clinician(team, settings):
    settings.REMINDER_STEROIDS_DAYS_AFTER_TREATMENT = 7
    active = steroid_case(team, 7.5)
    steroid_case(team, 6)  # not yet
    steroid_case(team, 10, steroids_stopped_at=timezone.now() - DAY)

    derive(timezone.now())

    assert rows(Reminder.Kind.STEROIDS_ACTIVE) == {("onc", 0, active.pk)}
    assert Reminder.objects.get().due_at == active.treatment_start_at + 7 * DAY


@pytest.mark.hazard("HAZ-021")
def test_steroids_without_a_responsible_clinician_go_to_the_mscc_coordinators(team):
    case = steroid_case(team, 8, responsible_clinician=None)

    derive(timezone.now())

    assert rows(Reminder.Kind.STEROIDS_ACTIVE) == {("mscc", 0, case.pk)}


def test_recording_the_stop_resolves_it(team):
    case = steroid_case(team, 8)
    derive(timezone.now())
    case.steroids_stopped_at = timezone.now()
    case.save()

    assert cancel_resolved(timezone.now()) == 1


# --------------------------------------------------------------------------- isolation


@pytest.mark.hazard("HAZ-050")
def test_one_kind_failing_does_not_stop_the_others(team, monkeypatch, caplog):
    def broken(run):
        raise ValueError("Canary Patient data in an exception message")

    agenda = Reminder.Kind.MEETING_AGENDA
    monkeypatch.setitem(KINDS, agenda, dataclasses.replace(KINDS[agenda], derive=broken))
    performed_scan(25 * HOUR)

    derive(timezone.now())

    assert Reminder.objects.filter(kind=Reminder.Kind.MRI_REVIEW).count() == 2
    assert "kind=meeting_agenda error=ValueError" in caplog.text
    assert "Canary" not in caplog.text
