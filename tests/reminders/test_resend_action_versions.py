"""Resending failed reminders from the outbox acts only on the reminders as the coordinator saw them (HAZ-174):
one resent by someone else since the list was opened is not sent a second time and is named; the others go."""

import pytest
from django.urls import reverse
from django.utils import timezone

from reminders.models import Reminder
from reminders.services import reminder_resend
from reminders.sweep import derive
from tests.admin_forms import said, ticked
from tests.factories import HOUR, coordinator_user, performed_scan

pytestmark = pytest.mark.django_db

OUTBOX = reverse("admin:reminders_reminder_changelist")


@pytest.fixture
def failed(team) -> list[Reminder]:
    """Two MRI-review reminders that failed."""
    scans = [performed_scan(25 * HOUR), performed_scan(26 * HOUR)]
    derive(timezone.now())
    rows = [Reminder.objects.filter(scan=scan).order_by("pk").first() for scan in scans]
    Reminder.objects.filter(pk__in=[r.pk for r in rows]).update(status=Reminder.Status.FAILED, status_reason="failed")
    return rows


@pytest.mark.hazard("HAZ-174")
def test_a_reminder_resent_by_someone_else_meanwhile_is_not_sent_again_and_is_named(
    client, failed, monkeypatch, django_capture_on_commit_callbacks
):
    from reminders.tasks import send_batch

    published = []
    monkeypatch.setattr(send_batch, "apply_async", lambda args, **options: published.append(args))
    client.force_login(coordinator_user())
    fresh, stale = failed
    page = client.get(OUTBOX)
    reminder_resend(reminder_ids=[stale.pk], user=coordinator_user("eira"))
    published.clear()
    before = Reminder.objects.filter(pk=stale.pk).values().get()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(OUTBOX, ticked(page, "resend", fresh, stale))

    [refused] = [m for m in said(response) if "changed since you opened the list" in m]
    assert refused.startswith(f"{stale} changed since you opened the list (now sending, changed at ")
    assert "1 reminder queued to be sent again." in said(response)
    assert Reminder.objects.filter(pk=stale.pk).values().get() == before
    assert published == [([(fresh.pk, 1)],)]  # only the reminder still as shown is sent
