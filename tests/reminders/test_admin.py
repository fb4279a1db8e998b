"""The outbox in the coordinators' workspace: filters, MRN search, read-only rows, resend for failed ones."""

import pytest
from django.urls import reverse
from django.utils import timezone

from reminders.models import Reminder
from reminders.sweep import derive
from tests.admin_forms import action_data
from tests.factories import HOUR, clinician_user, coordinator_user, performed_scan, read_only_user

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:reminders_reminder_changelist")


@pytest.fixture
def outbox(team):
    """Two scans waiting: four MRI-review reminders, one of them failed."""
    scans = [performed_scan(25 * HOUR), performed_scan(26 * HOUR)]
    derive(timezone.now())
    failed = Reminder.objects.filter(scan=scans[0]).first()
    Reminder.objects.filter(pk=failed.pk).update(status=Reminder.Status.FAILED, status_reason="failed after 5 tries")
    return {"scans": scans, "failed": failed}


def test_a_coordinator_sees_the_outbox_filtered_by_kind_status_and_due(client, outbox):
    client.force_login(coordinator_user())

    everything = client.get(CHANGELIST)
    failed = client.get(CHANGELIST, {"status__exact": "failed"})
    by_kind = client.get(CHANGELIST, {"kind__exact": "meeting_agenda"})
    overdue = client.get(CHANGELIST, {"due": "overdue"})
    later = client.get(CHANGELIST, {"due": "later"})

    assert everything.status_code == 200
    assert everything.context["cl"].result_count == 4
    assert [r.pk for r in failed.context["cl"].result_list] == [outbox["failed"].pk]
    assert by_kind.context["cl"].result_count == 0
    assert overdue.context["cl"].result_count == 4
    assert later.context["cl"].result_count == 0


def test_it_searches_by_mrn(client, outbox):
    client.force_login(coordinator_user())
    mrn = outbox["scans"][1].case.patient.mrn

    response = client.get(CHANGELIST, {"q": mrn})

    assert {r.scan_id for r in response.context["cl"].result_list} == {outbox["scans"][1].pk}


def test_a_row_is_read_only_and_shows_its_email_subject(client, outbox):
    client.force_login(coordinator_user())
    reminder = outbox["failed"]

    response = client.get(reverse("admin:reminders_reminder_change", args=[reminder.pk]))

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    page = response.content.decode()
    assert f"MRI waiting for review: MRN {reminder.case.patient.mrn}" in page
    assert client.get(reverse("admin:reminders_reminder_add")).status_code == 403


def test_a_coordinator_resends_a_failed_reminder_and_only_failed_ones(
    client, outbox, monkeypatch, django_capture_on_commit_callbacks
):
    from reminders.tasks import send_batch

    published = []
    monkeypatch.setattr(send_batch, "apply_async", lambda args, **options: published.append(args))
    client.force_login(coordinator_user())
    sent = Reminder.objects.exclude(pk=outbox["failed"].pk).first()
    Reminder.objects.filter(pk=sent.pk).update(status=Reminder.Status.SENT, sent_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CHANGELIST, action_data("resend", outbox["failed"], sent), follow=True)

    messages = [str(m) for m in response.context["messages"]]
    assert "1 reminder queued to be sent again." in messages
    assert "1 not resent: only failed reminders can be resent." in messages
    failed = Reminder.objects.get(pk=outbox["failed"].pk)
    assert (failed.status, failed.attempts, failed.claims) == ("sending", 0, 1)
    assert failed.status_reason.startswith("resent by user ")
    assert Reminder.objects.get(pk=sent.pk).status == "sent"
    assert published == [([(failed.pk, 1)],)]  # claimed and enqueued once the action's transaction committed


def test_resend_is_for_coordinators_only(client, outbox):
    auditor = read_only_user()
    client.force_login(auditor)

    response = client.get(CHANGELIST)

    assert response.status_code == 200  # auditors read the outbox
    assert response.context["action_form"] is None  # and have no action on it
    client.post(CHANGELIST, action_data("resend", outbox["failed"]))
    assert Reminder.objects.get(pk=outbox["failed"].pk).status == "failed"
    client.force_login(clinician_user())
    assert client.get(CHANGELIST).status_code == 302  # not staff: the admin's sign-in page


def test_the_changelist_runs_a_constant_number_of_queries(client, outbox, django_assert_max_num_queries):
    client.force_login(coordinator_user())
    for _ in range(10):
        performed_scan(30 * HOUR)
    derive(timezone.now())

    # session, user, permissions (user's and groups'), filtered count, total count,
    # the rows with recipient, case and patient joined
    with django_assert_max_num_queries(8):
        response = client.get(CHANGELIST)

    assert response.context["cl"].result_count == 24
