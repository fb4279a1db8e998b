"""What bench.sweep compares the sweep with: a naive first attempt, and the floor (the same rows straight
from the scans, one statement per escalation level)."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from cases.choices import MRI_MODALITIES
from cases.models import Scan
from mdt.models import Member
from reminders import emails
from reminders.models import Reminder


def naive(now: dt.datetime, *, send: bool) -> None:
    """What a first attempt looks like: every scan into Python, one row (and one email) at a time."""
    threshold = now - dt.timedelta(hours=settings.REMINDER_MRI_REVIEW_HOURS)
    for scan in Scan.objects.all().iterator(chunk_size=2000):
        if scan.modality not in MRI_MODALITIES or scan.performed_at is None or scan.reviewed_at is not None:
            continue
        if scan.performed_at > threshold:
            continue
        for member in Member.objects.filter(role=Member.Role.RADIOLOGIST, active=True).select_related("user"):
            key = f"mri-review:{scan.pk}:{member.user_id}:0"
            if Reminder.objects.filter(dedupe_key=key).exists():
                continue
            reminder = Reminder.objects.create(
                kind=Reminder.Kind.MRI_REVIEW,
                recipient=member.user,
                scan=scan,
                case_id=scan.case_id,
                due_at=scan.performed_at + dt.timedelta(hours=settings.REMINDER_MRI_REVIEW_HOURS),
                dedupe_key=key,
            )
            if send:
                reminder = Reminder.objects.select_related(*emails.RELATED).get(pk=reminder.pk)
                emails.message_for(reminder, emails.render(reminder)).send()
                reminder.status, reminder.sent_at, reminder.attempts = Reminder.Status.SENT, timezone.now(), 1
                reminder.save()


def floor(now: dt.datetime) -> None:
    """The same rows straight from the scans, one statement per escalation level, nothing sent: the
    radiologists once the review is due, the case's responsible clinician a step later, the MSCC
    coordinators a step after that (reminders.kinds.mri.REVIEW_LEVELS)."""
    hours = settings.REMINDER_MRI_REVIEW_HOURS
    mri = ", ".join(f"'{modality}'" for modality in sorted(MRI_MODALITIES))
    user_table = get_user_model()._meta.db_table
    recipients = {
        0: ("m.user_id", "JOIN mdt_member m ON m.role = 'radiologist' AND m.active"),
        1: (
            "c.responsible_clinician_id",
            f"JOIN cases_case c ON c.id = s.case_id JOIN {user_table} u ON u.id = c.responsible_clinician_id "
            "AND u.is_active",
        ),
        2: ("m.user_id", "JOIN mdt_member m ON m.role = 'mscc_coordinator' AND m.active"),
    }
    with connection.cursor() as cursor:
        for level, (recipient, join) in recipients.items():
            step = hours * (level + 1)
            if connection.vendor == "postgresql":
                due_at = f"s.performed_at + INTERVAL '{step} hours'"
            else:
                due_at = f"strftime('%%Y-%%m-%%d %%H:%%M:%%f', s.performed_at, '+{step} hours')"
            sql = f"""
                INSERT INTO reminders_reminder (kind, level, recipient_id, case_id, scan_id, due_at, status, claims,
                                                attempts, status_reason, recipient_email, dedupe_key, created_at,
                                                updated_at)
                SELECT 'mri_review', {level}, {recipient}, s.case_id, s.id, {due_at}, 'pending', 0, 0, '', '',
                       'mri-review:' || CAST(s.id AS TEXT) || ':' || CAST({recipient} AS TEXT) || ':{level}', %s, %s
                FROM cases_scan s {join}
                WHERE s.modality IN ({mri}) AND s.performed_at IS NOT NULL AND s.reviewed_at IS NULL
                  AND s.performed_at <= %s
                ON CONFLICT (dedupe_key) DO NOTHING
            """
            cursor.execute(sql, [now, now, now - dt.timedelta(hours=step)])
