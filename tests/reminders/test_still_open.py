"""Each kind's "still needed?" rule, as My reminders, the sweep and the send task apply it (HAZ-003).

For every kind: a reminder whose subject still needs it stays on the recipient's list, and one whose
subject was dealt with (the MRI reviewed, the follow-up completed, the referral triaged...) drops out
of the list at once, is cancelled by the next sweep and is not sent; the list and the sweep agree row
for row, because both read the kind's one rule (`Kind.still_open`, all kinds at once in `any_open`).
Run on SQLite and on PostgreSQL (DATABASE_URL), whose plans for the rule differ.
"""

import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from cases.models import Case, Scan
from mdt.models import AgendaItem, FollowUp, Meeting, SignOff
from referrals.choices import Status
from referrals.models import Referral
from reminders.delivery import Outcome, deliver
from reminders.kinds import KINDS, any_open
from reminders.models import Reminder
from reminders.selectors import my_reminders
from reminders.sweep import cancel_resolved
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
from tests.referrals import makers
from tests.reminders.conftest import claim

pytestmark = [pytest.mark.django_db, pytest.mark.hazard("HAZ-003")]

Subject = dict[str, Any]  # the reminder's subject FKs (and its case)
REFERRERS = itertools.count(1)


def _scan_review(team: dict[str, Any]) -> tuple[Subject, Callable[[], None]]:
    scan = performed_scan(30 * HOUR)
    return {"scan": scan, "case": scan.case}, lambda: Scan.objects.filter(pk=scan.pk).update(
        reviewed_at=timezone.now(), reviewed_by=team["radiologist"]
    )


def _scan_not_performed(team: dict[str, Any]) -> tuple[Subject, Callable[[], None]]:
    scan = ScanFactory(case=CaseFactory(), requested_at=timezone.now() - 30 * HOUR, performed_at=None)
    return {"scan": scan, "case": scan.case}, lambda: Scan.objects.filter(pk=scan.pk).update(
        performed_at=timezone.now()
    )


def _agenda(team: dict[str, Any]) -> tuple[Subject, Callable[[], None]]:
    upcoming = meeting(timezone.now() + 20 * HOUR)
    return {"meeting": upcoming}, lambda: Meeting.objects.filter(pk=upcoming.pk).update(status=Meeting.Status.CANCELLED)


def _outcome(team: dict[str, Any]) -> tuple[Subject, Callable[[], None]]:
    item = listed_item(meeting(timezone.now() - 2 * DAY))
    return {"agenda_item": item, "meeting": item.meeting, "case": item.case}, lambda: AgendaItem.objects.filter(
        pk=item.pk
    ).update(status=AgendaItem.Status.DISCUSSED)


def _sign_off(team: dict[str, Any]) -> tuple[Subject, Callable[[], None]]:
    decision = decision_awaiting([team["oncologist"]], timezone.now() - 2 * DAY)
    sign_off = SignOff.objects.get(decision=decision)
    return {"sign_off": sign_off, "decision": decision, "case": decision.case}, lambda: SignOff.objects.filter(
        pk=sign_off.pk
    ).update(response=SignOff.Response.AGREE)


def _follow_up_due_soon(team: dict[str, Any]) -> tuple[Subject, Callable[[], None]]:
    due = follow_up(team["coordinator"], timezone.localdate() + 2 * DAY)
    return {"follow_up": due, "case": due.case}, lambda: FollowUp.objects.filter(pk=due.pk).update(
        completed_at=timezone.now()
    )


def _follow_up_overdue(team: dict[str, Any]) -> tuple[Subject, Callable[[], None]]:
    due = follow_up(team["coordinator"], timezone.localdate() - 2 * DAY)
    return {"follow_up": due, "case": due.case}, lambda: FollowUp.objects.filter(pk=due.pk).update(
        cancelled_at=timezone.now(), cancel_reason="Seen in clinic elsewhere"
    )


def _steroids(team: dict[str, Any]) -> tuple[Subject, Callable[[], None]]:
    started = timezone.now() - 8 * DAY
    case = CaseFactory(
        steroids_started_at=started - 2 * DAY,
        decision_to_treat_at=started - DAY,
        treatment_modality="radiotherapy",
        treatment_start_at=started,
    )
    return {"case": case}, lambda: Case.objects.filter(pk=case.pk).update(steroids_stopped_at=timezone.now())


def _referral(status: str) -> Callable[[dict[str, Any]], tuple[Subject, Callable[[], None]]]:
    """A submitted referral; closed by `status` (triage started), or, for the kinds owed to the referrer
    whatever happens next (status empty), only by the referral going (its FK emptied, as SET_NULL does)."""

    def make(team: dict[str, Any]) -> tuple[Subject, Callable[[], None]]:
        referral = makers.submitted(makers.referrer_user(f"referrer-{next(REFERRERS)}"))
        assert referral.status == Status.NEW
        if status:
            return {"referral": referral}, lambda: Referral.objects.filter(pk=referral.pk).update(status=status)
        return {"referral": referral}, lambda: Reminder.objects.filter(referral=referral).update(referral=None)

    return make


SUBJECTS: dict[str, Callable[[dict[str, Any]], tuple[Subject, Callable[[], None]]]] = {
    Reminder.Kind.MRI_REVIEW: _scan_review,
    Reminder.Kind.MRI_NOT_PERFORMED: _scan_not_performed,
    Reminder.Kind.MEETING_AGENDA: _agenda,
    Reminder.Kind.OUTCOME_NOT_RECORDED: _outcome,
    Reminder.Kind.DECISION_NOT_SIGNED: _sign_off,
    Reminder.Kind.FOLLOW_UP_DUE_SOON: _follow_up_due_soon,
    Reminder.Kind.FOLLOW_UP_OVERDUE: _follow_up_overdue,
    Reminder.Kind.STEROIDS_ACTIVE: _steroids,
    Reminder.Kind.REFERRAL_NEW: _referral(Status.IN_TRIAGE),
    Reminder.Kind.REFERRAL_ACKNOWLEDGEMENT: _referral(""),
    Reminder.Kind.REFERRAL_ADVICE: _referral(""),
}


def test_every_kind_is_covered():
    assert set(SUBJECTS) == set(KINDS)


def reminder_about(kind: str, subject: Subject, team: dict[str, Any], name: str) -> Reminder:
    return Reminder.objects.create(
        kind=kind,
        recipient=team["mscc"],
        due_at=timezone.now() - HOUR,
        dedupe_key=f"{kind}:{name}",
        **subject,
    )


@pytest.mark.parametrize("kind", list(SUBJECTS))
def test_a_reminder_leaves_my_list_once_its_subject_is_dealt_with_and_the_sweep_and_send_agree(team, kind):
    subject, _ = SUBJECTS[kind](team)
    other_subject, deal_with = SUBJECTS[kind](team)
    still_needed = reminder_about(kind, subject, team, "still-needed")
    dealt_with = reminder_about(kind, other_subject, team, "dealt-with")
    listed = lambda: [row.reminder for row in my_reminders(user_id=team["mscc"].pk)]  # noqa: E731
    assert listed() == [dealt_with, still_needed]  # newest first: both open until one is dealt with

    deal_with()

    assert listed() == [still_needed]
    open_now = set(Reminder.objects.filter(any_open(timezone.now())).values_list("pk", flat=True))
    assert open_now == {still_needed.pk}
    claims = {reminder.pk: claim(reminder) for reminder in (still_needed, dealt_with)}
    assert deliver(reminder_id=dealt_with.pk, claim=claims[dealt_with.pk]) == Outcome.CANCELLED
    Reminder.objects.filter(pk=still_needed.pk).update(status=Reminder.Status.PENDING)
    Reminder.objects.filter(pk=dealt_with.pk).update(status=Reminder.Status.PENDING)
    assert cancel_resolved(timezone.now()) == 1
    statuses = dict(Reminder.objects.values_list("pk", "status"))
    assert statuses == {still_needed.pk: Reminder.Status.PENDING, dealt_with.pk: Reminder.Status.CANCELLED}


def test_my_reminders_is_one_query_with_every_kind_on_the_list(team, django_assert_num_queries):
    for kind, make in SUBJECTS.items():
        subject, _ = make(team)
        reminder_about(kind, subject, team, "open")

    with django_assert_num_queries(1):
        rows = my_reminders(user_id=team["mscc"].pk)

    assert sorted(row.reminder.kind for row in rows) == sorted(SUBJECTS)
