"""A PAS feed message that needs review (applied in part: a procedure code not mapped, a procedure the
record could not take) finished by a coordinator: marked reviewed with a note of what was done, by whom
and when, which clears the flag."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import policy
from core.fields import validate_only
from integrations.models import FeedMessage

logger = logging.getLogger(__name__)

NOTE_NEEDED = "Say what was done (e.g. delivery entered by hand, code added to the mapping)."


def needing_review_count() -> int:
    """Messages waiting for a coordinator's review: one query (on the partial index)."""
    return FeedMessage.objects.filter(needs_review=True).count()


@transaction.atomic
def feed_message_review(*, message_id: int, user: Any, note: str) -> FeedMessage:
    """Mark the message reviewed with `note` (what was done); refused when it does not need review."""
    if not policy.can_review_feed_message(user):
        raise PermissionDenied("Only MDT coordinators review messages from the PAS feed.")
    message = FeedMessage.objects.select_for_update().get(pk=message_id)
    if not message.needs_review:
        raise ValidationError({"review_note": f"Message {message.pk} does not need review."})
    message.review_note = (note or "").strip()
    if not message.review_note:
        raise ValidationError({"review_note": NOTE_NEEDED})
    validate_only(message, "review_note")  # its maximum length, on every path
    message.needs_review, message.reviewed_at, message.reviewed_by = False, timezone.now(), user
    message.save(update_fields=["needs_review", "reviewed_at", "reviewed_by", "review_note"])
    logger.info("Feed message %s reviewed by user %s", message.pk, user.pk)
    return message
