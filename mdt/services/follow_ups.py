"""Writes for follow-ups: complete with what happened, or cancel with a reason.

Either is done by the follow-up's owner or a coordinator (accounts.policy.can_complete_follow_up), once: a
follow-up that is already completed or cancelled is refused with a message saying which.
The row is locked, history records who did it, and the follow-up's reminders leave every
inbox at once (the inbox reads only reminders whose follow-up is still open; the sweep
cancels the unsent emails). A recorded death cancels the patient's open follow-ups
(`follow_ups_cancel_for_death`, from mdt.receivers).
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import policy
from core.fields import validate_only
from core.history import save_as
from mdt.models import FollowUp


def _open_for(user: Any, follow_up_id: int, action: str) -> FollowUp:
    follow_up = FollowUp.objects.select_for_update().select_related("case__patient").get(pk=follow_up_id)
    if not policy.can_complete_follow_up(user, follow_up.owner_id):
        raise PermissionDenied(f"Only the follow-up's owner or a coordinator {action} it.")
    if follow_up.completed_at:
        raise ValidationError(
            f"This follow-up was already completed on {timezone.localtime(follow_up.completed_at):%d %b %Y}."
        )
    if follow_up.cancelled_at:
        raise ValidationError(
            f"This follow-up was already cancelled on {timezone.localtime(follow_up.cancelled_at):%d %b %Y}."
        )
    return follow_up


@transaction.atomic
def follow_up_complete(*, follow_up_id: int, user: Any, outcome: str, at: dt.datetime | None = None) -> FollowUp:
    follow_up = _open_for(user, follow_up_id, "completes")
    if not outcome.strip():
        raise ValidationError({"outcome_note": "Outcome: say what happened (the result, the plan) to complete it."})
    follow_up.completed_at = at or timezone.now()
    follow_up.completed_by = user
    follow_up.outcome_note = outcome.strip()
    validate_only(follow_up, "outcome_note")
    save_as(user, follow_up, update_fields=["completed_at", "completed_by", "outcome_note"])
    return follow_up


@transaction.atomic
def follow_up_cancel(*, follow_up_id: int, user: Any, reason: str, at: dt.datetime | None = None) -> FollowUp:
    follow_up = _open_for(user, follow_up_id, "cancels")
    if not reason.strip():
        raise ValidationError({"cancel_reason": "Reason: say why the follow-up is no longer needed."})
    follow_up.cancelled_at = at or timezone.now()
    follow_up.cancelled_by = user
    follow_up.cancel_reason = reason.strip()
    validate_only(follow_up, "cancel_reason")
    save_as(user, follow_up, update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
    return follow_up


def death_reason(date_of_death: dt.date) -> str:
    return f"The patient's death was recorded (died {date_of_death:%d %b %Y})."


@transaction.atomic
def follow_ups_cancel_for_death(*, patient_id: int, date_of_death: dt.date, user: Any) -> int:
    """Every open follow-up of a patient whose death has just been recorded is cancelled, with the date of
    death as its reason and the person (or the hospital's feed) who recorded it in the history: nobody
    books a repeat MRI or a clinic for them, and no list shows them as owed (HAZ-009). Run by mdt's
    receiver of cases.signals.patient_died, in the transaction that records the death; returns how many."""
    reason, now = death_reason(date_of_death), timezone.now()
    follow_ups = list(FollowUp.objects.select_for_update().filter(case__patient_id=patient_id).open())
    for follow_up in follow_ups:
        follow_up.cancelled_at, follow_up.cancelled_by, follow_up.cancel_reason = now, user, reason
        save_as(user, follow_up, update_fields=["cancelled_at", "cancelled_by", "cancel_reason"])
    return len(follow_ups)
