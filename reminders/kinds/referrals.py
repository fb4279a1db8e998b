"""Referral reminders: the coordinators' alert for a new referral (and its escalation when nobody has
started triage by the advice clock's at-risk point), the referrer's acknowledgement, and the referrer's
"advice given" email.

The emails leave the app, so they name the referral by its reference and organisation only: no
patient name, NHS number, hospital number or clinical text (the neurology flag says only "treat it as
an emergency"). The alert goes to the coordinators on duty when it is made (referrals.models.rota: an
active account and an active coordinator's role); with nobody on duty, to every active MSCC coordinator;
with none, to the MDT coordinators, so an alert is never dropped for want of a recipient. Exactly once per
referral and level, whoever it went to: a rota changed later sends nothing again. The escalation goes to
every MSCC and MDT coordinator, on duty or not.
"""

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse

from cases.clocks import target
from mdt.models import Member
from referrals.choices import Status
from referrals.clocks import ADVICE, advice_clock
from referrals.models import Advice, DutyShift, Referral
from referrals.models.organisations import is_work_email
from reminders.kinds.base import RECIPIENT, Kind, Run, Selection, local
from reminders.models import Reminder

NEW = Reminder.Kind.REFERRAL_NEW
ACKNOWLEDGEMENT = Reminder.Kind.REFERRAL_ACKNOWLEDGEMENT
ADVICE_GIVEN = Reminder.Kind.REFERRAL_ADVICE
ALERT, NOT_SEEN = 0, 1


COORDINATORS = (Member.Role.MSCC_COORDINATOR, Member.Role.MDT_COORDINATOR)


def _coordinators(run: Run, *, escalate: bool) -> list[int]:
    """The escalation: every coordinator of either role. The alert: those on duty, else the MSCC coordinators,
    else the MDT coordinators; with no coordinator at all, either goes to the last resort (Run.users_with_roles)."""
    if escalate:
        return sorted(set(run.users_with_roles(*COORDINATORS)))
    on_duty = sorted(set(DutyShift.objects.on_duty(run.now).values_list("coordinator_id", flat=True)))
    # With no MSCC coordinator, the coordinators of either role are the MDT coordinators.
    return on_duty or run.members(Member.Role.MSCC_COORDINATOR) or run.users_with_roles(*COORDINATORS)


def derive_new(run: Run) -> Iterator[Reminder]:
    """New referrals (nobody has started triage): the alert at submission, the escalation at the advice
    clock's at-risk point. One query per level over the few new referrals (referral_status_submitted_idx)."""
    advice_target = target(ADVICE)
    for level in (ALERT, NOT_SEEN):
        reminded = Reminder.objects.filter(referral=OuterRef("pk"), kind=NEW, level=level)
        rows = (
            Referral.objects.filter(new_open(run.now), submitted_at__lte=run.now)
            .filter(~Exists(reminded))
            .order_by()
            .values_list("pk", "submitted_at")
        )
        recipients: list[int] | None = None  # looked up once per level, and only when something is due
        for referral_id, submitted_at in rows:
            assert submitted_at is not None  # submitted_at__lte filters out drafts
            due_at = submitted_at if level == ALERT else advice_target.at_risk_from(submitted_at)
            if due_at > run.now:
                continue
            if recipients is None:
                recipients = _coordinators(run, escalate=level == NOT_SEEN)
            for user_id in recipients:
                yield run.new(
                    NEW,
                    recipient_id=user_id,
                    due_at=due_at,
                    key=f"referral-new:{referral_id}:{user_id}:{level}",
                    level=level,
                    referral_id=referral_id,
                )


def new_open(now: dt.datetime) -> Q:
    """On Referral: nobody has started triage yet."""
    return Q(status=Status.NEW)


def derive_acknowledgement(run: Run) -> Iterator[Reminder]:
    """Submitted referrals with no acknowledgement yet: to the referrer's account, or, for a referral taken
    by phone from someone with no account, to the email address they gave when it is a work address
    (REFERRER_EMAIL_DOMAINS; the model refuses any other, and this checks again in case the list changed)."""
    reminded = Reminder.objects.filter(referral=OuterRef("pk"), kind=ACKNOWLEDGEMENT)
    by_account = Q(referrer__isnull=False, referrer__is_active=True)
    by_email = Q(referrer__isnull=True, by_phone=True) & ~Q(referrer_email="")
    rows = (
        Referral.objects.submitted()
        .filter(by_account | by_email, submitted_at__lte=run.now)
        .filter(~Exists(reminded))
        .order_by()
        .values_list("pk", "referrer_id", "referrer_email", "submitted_at")
    )
    for referral_id, user_id, email, submitted_at in rows:
        assert submitted_at is not None
        if user_id is None and not is_work_email(email):
            continue
        yield run.new(
            ACKNOWLEDGEMENT,
            recipient_id=user_id,
            recipient_email="" if user_id else email,
            due_at=submitted_at,
            key=f"referral-ack:{referral_id}:{user_id or 'email'}",
            referral_id=referral_id,
        )


def derive_advice(run: Run) -> Iterator[Selection]:
    """Each advice (and each amendment) to the referrer who has an account, once."""
    reminded = Reminder.objects.filter(referral_advice=OuterRef("pk"), kind=ADVICE_GIVEN)
    rows = (
        Advice.objects.filter(referral__referrer__isnull=False, referral__referrer__is_active=True)
        .filter(given_at__lte=run.now)
        .filter(~Exists(reminded))
    )
    yield Selection(
        ADVICE_GIVEN,
        rows,
        {"referral": F("referral"), "referral_advice": F("pk"), "due_at": F("given_at")},
        ("referral-advice:", F("pk"), ":", RECIPIENT),
        recipient="referral__referrer",
    )


def always_open(now: dt.datetime) -> Q:
    """Telling the referrer is owed whatever happens next (only a deleted subject cancels it)."""
    return Q()


def context(reminder: Reminder) -> dict[str, Any]:
    referral = reminder.referral
    assert referral is not None
    clock = advice_clock(referral) if referral.submitted_at else None
    advice = reminder.referral_advice
    return {
        "reference": referral.reference,
        "organisation": referral.organisation.name,
        "submitted_at": local(referral.submitted_at),
        "neuro": referral.has_neurology,
        "level": reminder.level,
        "advice_due_at": local(clock.due_at) if clock else None,
        "advice_target": clock.target.description if clock else "",
        "amended": bool(advice and advice.amends_id),
    }


def service_path(reminder: Reminder) -> str:
    return reverse("referrals:detail", args=[reminder.referral_id]) if reminder.referral_id else reverse("dashboard")


def referrer_path(reminder: Reminder) -> str:
    if reminder.recipient_id is None:  # no account yet: the way to one (then they see their hospital's referrals)
        return reverse("refer:sign-up")
    return reverse("refer:detail", args=[reminder.referral_id]) if reminder.referral_id else reverse("refer:home")


KINDS = (
    Kind(NEW, "referral", derive_new, new_open, context, service_path, fallback=(COORDINATORS,)),
    Kind(ACKNOWLEDGEMENT, "referral", derive_acknowledgement, always_open, context, referrer_path),
    Kind(ADVICE_GIVEN, "referral", derive_advice, always_open, context, referrer_path),
)
