"""Triage, advice, declining and the message thread.

Guarantees: the checks of accounts.policy; the referral row is locked for every change
(two coordinators triaging at once: the second sees the first's work, not a lost update); advice is
never edited, a change is an amendment row with a reason (models.advice); each change writes a
history row naming who made it; errors are ValidationErrors keyed by field.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.policy import can_accept_referral, can_give_advice, is_referrer
from core.fields import validate_only
from core.history import save_as
from referrals.choices import PLAN_IN_ADVICE, Status
from referrals.models import Advice, Message, Referral


def _locked(referral_id: int) -> Referral:
    return Referral.objects.select_for_update().get(pk=referral_id)


def _save(referral: Referral, user: Any) -> None:
    referral.version += 1
    save_as(user, referral)


@transaction.atomic
def referral_take(*, referral_id: int, user: Any) -> Referral:
    """Start triage: the referral is seen. New -> in triage; anything later is left as it is."""
    if not can_give_advice(user):
        raise PermissionDenied("Only the service's coordinators and clinicians triage referrals.")
    referral = _locked(referral_id)
    if referral.status == Status.DRAFT:
        raise ValidationError("A draft cannot be triaged: it has not been submitted.")
    if referral.status == Status.NEW:
        referral.status = Status.IN_TRIAGE
        referral.triage_started_at = timezone.now()
        referral.triaged_by = user
        _save(referral, user)
    return referral


@transaction.atomic
def advice_give(
    *, referral_id: int, user: Any, fields: dict[str, Any], amends_id: int | None = None, reason: str = ""
) -> Advice:
    """Record the advice, or amend the current advice (`amends_id` and a reason).

    The first advice stops the advice clock. An outcome that is itself the plan confirms the plan.
    Amending anything but the current advice is refused: someone amended it first.
    """
    if not can_give_advice(user):
        raise PermissionDenied("Only the service's coordinators and clinicians give advice.")
    referral = _locked(referral_id)
    if referral.status == Status.DRAFT:
        raise ValidationError("A draft cannot be advised on: it has not been submitted.")
    if amends_id is not None and not referral.advice.filter(pk=amends_id).exists():
        raise ValidationError(
            {"amends": "Not an advice of this referral: reload the page and amend the current advice."},
            code="unknown_advice",
        )
    current = referral.advice.current().order_by("-given_at", "-id").first()
    if (current.pk if current else None) != amends_id:
        raise ValidationError(
            "Someone else gave or amended the advice after you opened it, so yours was not saved. "
            "Reload the page to read theirs, then amend it if it needs changing.",
            code="stale_advice",
        )
    now = timezone.now()
    advice = Advice(referral=referral, given_by=user, given_at=now, amends=current, amendment_reason=reason, **fields)
    advice.full_clean()
    save_as(user, advice)
    if referral.status in (Status.NEW, Status.IN_TRIAGE):
        referral.status = Status.ADVICE_GIVEN
        referral.triage_started_at = referral.triage_started_at or now
        referral.triaged_by = referral.triaged_by or user
    if advice.outcome in PLAN_IN_ADVICE and referral.plan_confirmed_at is None:
        referral.plan_confirmed_at = now
    _save(referral, user)
    return advice


@transaction.atomic
def referral_decline(*, referral_id: int, user: Any, reason: str) -> Referral:
    """Decline: the service will not take the patient on (the advice still stands). Confirms the plan."""
    if not can_accept_referral(user):
        raise PermissionDenied("Only the service's coordinators accept or decline referrals.")
    referral = _locked(referral_id)
    if referral.status not in (Status.NEW, Status.IN_TRIAGE, Status.ADVICE_GIVEN):
        raise ValidationError(f"This referral is {referral.get_status_display().lower()}: it cannot be declined.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the referral is declined: the referrer reads it."})
    now = timezone.now()
    referral.status = Status.DECLINED
    referral.declined_at = now
    referral.decline_reason = reason.strip()
    try:
        validate_only(referral, "decline_reason")
    except ValidationError as exc:
        raise ValidationError({"reason": exc.message_dict["decline_reason"]}) from exc
    referral.plan_confirmed_at = referral.plan_confirmed_at or now
    _save(referral, user)
    return referral


@transaction.atomic
def message_post(*, referral: Referral, user: Any, body: str) -> Message:
    """A message on the thread. The caller has already checked the user may see this referral."""
    text = body.strip()
    if not text:
        raise ValidationError({"body": "Write the message first."})
    if len(text) > 4000:
        raise ValidationError({"body": f"A message is at most 4000 characters; this one has {len(text)}."})
    if referral.status == Status.DRAFT:
        raise ValidationError({"body": "Submit the referral first; a draft has no thread."})
    message = Message(referral=referral, author=user, from_service=not is_referrer(user), body=text)
    save_as(user, message)
    return message
