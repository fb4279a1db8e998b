"""Writes to the clinical record."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cases.models import Scan


@transaction.atomic
def scan_mark_reviewed(*, scan_id: int, user: Any) -> Scan:
    """Record the specialist review of a performed scan. Only users with cases.review_scan may."""
    if not user.has_perm("cases.review_scan"):
        raise PermissionDenied("Only a radiologist, oncologist or spinal surgeon can mark a scan reviewed.")
    scan = Scan.objects.select_for_update().get(pk=scan_id)
    if scan.reviewed_at:
        raise ValidationError("This scan was already reviewed.", code="already_reviewed")
    if not scan.performed_at:
        raise ValidationError("This scan has not been performed yet, so it cannot be reviewed.", code="not_performed")
    scan.reviewed_at = timezone.now()
    scan.reviewed_by = user
    scan.full_clean()
    scan._history_user = user  # type: ignore[attr-defined]  # the history row names the reviewer
    scan.save(update_fields=["reviewed_at", "reviewed_by", "updated_at"])
    return scan
