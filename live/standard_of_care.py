"""Standard-of-care listing: a lead clinician records that a listed case follows an agreed protocol and
needs no full discussion, so the meeting spends its time on the complex cases (the live screen's
*Next* and *Back* pass over it; its outcome is still recorded, as every case's)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts import policy
from core.fields import validate_only
from core.history import save_as
from live.models import LiveSession, StandardOfCare
from mdt.models import AgendaItem, Decision, Meeting


def _reviewable(item_id: int, user: Any) -> AgendaItem:
    if not policy.can_review_standard_of_care(user):
        raise PermissionDenied(
            "Only a lead clinician (an oncologist or a spinal surgeon) lists a standard-of-care case."
        )
    item = AgendaItem.objects.select_for_update().select_related("meeting", "case").get(pk=item_id)
    lead = item.case.responsible_clinician_id
    if lead is not None and lead != user.pk:
        raise ValidationError({"item": "Only the case's responsible clinician lists it as standard of care."})
    if item.meeting.status in (Meeting.Status.CONCLUDED, Meeting.Status.CANCELLED):
        raise ValidationError({"item": f"This meeting is {item.meeting.get_status_display().lower()}."})
    if item.status != AgendaItem.Status.LISTED:
        raise ValidationError({"item": f"This case is already recorded as {item.get_status_display().lower()}."})
    if Decision.objects.filter(agenda_item=item).current().exists():
        raise ValidationError({"item": "An outcome is already recorded for this case."})
    return item


def _followers_see_it(meeting_id: int) -> None:
    # Only the followers' poll counter moves (no care, no access): the change itself is the StandardOfCare
    # row, saved with its history naming the user; a LiveSession history row per bump would say nothing more.
    LiveSession.objects.filter(meeting_id=meeting_id, ended_at__isnull=True).update(
        version=F("version") + 1, updated_at=timezone.now()
    )


@transaction.atomic
def standard_of_care_record(*, item_id: int, user: Any, protocol: str, note: str = "") -> StandardOfCare:
    """List (or correct) a case as reviewed against the named protocol instead of a full discussion."""
    item = _reviewable(item_id, user)
    if not protocol.strip():
        raise ValidationError({"protocol": "Name the protocol the case follows."})
    review = StandardOfCare.objects.filter(item=item).first() or StandardOfCare(item=item)
    review.protocol = protocol.strip()[:200]
    review.note = note.strip()
    review.recorded_by = user
    review.recorded_at = timezone.now()
    review.withdrawn_at = None
    validate_only(review, "note")  # its maximum length, on every path
    save_as(user, review)
    _followers_see_it(item.meeting_id)
    return review


@transaction.atomic
def standard_of_care_withdraw(*, item_id: int, user: Any) -> None:
    """Back to a full discussion (the history keeps the listing)."""
    item = _reviewable(item_id, user)
    review = StandardOfCare.objects.filter(item=item, withdrawn_at__isnull=True).first()
    if review is None:
        raise ValidationError({"item": "This case is not listed as standard of care."})
    review.withdrawn_at = timezone.now()
    save_as(user, review, update_fields=["withdrawn_at"])
    _followers_see_it(item.meeting_id)
