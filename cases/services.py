"""Writes to the clinical record."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import policy
from cases.models import Assessment, Case, Scan
from cases.models.assessments import CURRENT_VERSION, apply_result
from core.history import save_as


@transaction.atomic
def scan_mark_reviewed(*, scan_id: int, user: Any) -> Scan:
    """Record the specialist review of a performed scan. Only users with cases.review_scan may."""
    if not policy.can_review_scan(user):
        raise PermissionDenied("Only a radiologist, oncologist or spinal surgeon can mark a scan reviewed.")
    scan = Scan.objects.select_for_update().get(pk=scan_id)
    if scan.reviewed_at:
        raise ValidationError("This scan was already reviewed.", code="already_reviewed")
    if not scan.performed_at:
        raise ValidationError("This scan has not been performed yet, so it cannot be reviewed.", code="not_performed")
    scan.reviewed_at = timezone.now()
    scan.reviewed_by = user
    scan.full_clean()
    scan.version += 1  # a scan form opened before the review must not erase it
    save_as(user, scan, update_fields=["reviewed_at", "reviewed_by", "version", "updated_at"])
    return scan


def unreview_deadline(scan: Scan) -> dt.datetime | None:
    """Until when the reviewer may take the review back (SCAN_UNREVIEW_MINUTES), or None."""
    if scan.reviewed_at is None:
        return None
    return scan.reviewed_at + dt.timedelta(minutes=settings.SCAN_UNREVIEW_MINUTES)


def can_unreview(scan: Scan, user: Any, *, now: dt.datetime | None = None) -> bool:
    deadline = unreview_deadline(scan)
    return bool(deadline and scan.reviewed_by_id == user.pk and (now or timezone.now()) <= deadline)


@transaction.atomic
def scan_unmark_reviewed(*, scan_id: int, user: Any) -> Scan:
    """Take back one's own review within the window: the scan waits for review again. History keeps both."""
    scan = Scan.objects.select_for_update().select_related("case__patient").get(pk=scan_id)
    if scan.reviewed_at is None:
        raise ValidationError("This scan is not marked reviewed.", code="not_reviewed")
    if scan.reviewed_by_id != user.pk:
        raise PermissionDenied("Only the clinician who reviewed the scan can take the review back.")
    if not can_unreview(scan, user):
        raise ValidationError(
            f"The review can only be taken back within {settings.SCAN_UNREVIEW_MINUTES} minutes of marking it.",
            code="too_late",
        )
    scan.reviewed_at = None
    scan.reviewed_by = None
    scan._history_user = user  # type: ignore[attr-defined]
    scan.save(update_fields=["reviewed_at", "reviewed_by", "updated_at"])
    return scan


@transaction.atomic
def assessment_record(
    *,
    case: Case,
    kind: str,
    components: dict[str, str | None],
    user: Any,
    level: str = "",
    scan: Scan | None = None,
    assessed_at: dt.datetime | None = None,
    note: str = "",
) -> Assessment:
    """Record a score on a case with its total and band by the current version's tables.

    A blank component is kept as missing: the assessment is saved as incomplete, never with a total
    that counts it as 0. Bad input raises ValidationError naming the field.
    """
    if not policy.can_score(user):
        raise PermissionDenied("Only clinicians record scores.")
    assessment = Assessment(
        case=case,
        kind=kind,
        version=CURRENT_VERSION[kind],
        level=level,
        components={key: value for key, value in components.items() if value},
        scan=scan,
        assessed_by=user,
        assessed_at=assessed_at or timezone.now(),
        note=note,
    )
    assessment.full_clean(exclude=["total", "band", "complete"])
    apply_result(assessment)
    save_as(user, assessment)
    return assessment
