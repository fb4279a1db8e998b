"""My reminders on the dashboard: what shows, done, snooze, and only for the recipient."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Scan
from reminders.models import Reminder
from reminders.selectors import my_reminders
from reminders.sweep import derive
from tests.factories import DAY, HOUR, performed_scan

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(team):
    """A scan waiting 25 hours: one MRI-review reminder for each radiologist."""
    scan = performed_scan(25 * HOUR)
    derive(timezone.now())
    return scan


def mine(user) -> Reminder:
    return Reminder.objects.get(recipient=user)


def test_the_dashboard_lists_my_reminders_with_a_link_to_act_on_them(client, team, waiting):
    client.force_login(team["radiologist"])

    response = client.get(reverse("dashboard"))

    rows = response.context["my_reminders"]
    assert [row.reminder for row in rows] == [mine(team["radiologist"])]
    page = response.content.decode()
    assert "My reminders" in page and "MRI waiting for review" in page
    assert f'href="/cases/{waiting.case_id}/"' in page
    assert f"MRN {waiting.case.patient.mrn}" in page
    assert 'name="period" value="week"' in page


def test_others_reminders_are_not_listed(client, team, waiting):
    client.force_login(team["oncologist"])
    assert client.get(reverse("dashboard")).context["my_reminders"] == []


def test_reviewing_the_mri_takes_it_off_the_list_at_once(team, waiting):
    Scan.objects.filter(pk=waiting.pk).update(reviewed_at=timezone.now(), reviewed_by=team["radiologist"])

    assert my_reminders(user_id=team["radiologist"].pk) == []


def test_a_reminder_not_yet_due_is_not_listed(team):
    scan = performed_scan(30 * HOUR)
    Reminder.objects.create(
        kind=Reminder.Kind.MRI_REVIEW,
        recipient=team["radiologist"],
        scan=scan,
        case=scan.case,
        due_at=timezone.now() + HOUR,
        dedupe_key="later",
    )
    assert my_reminders(user_id=team["radiologist"].pk) == []


def test_done_takes_it_off_my_list_and_stops_an_unsent_email(client, team, waiting):
    client.force_login(team["radiologist"])
    reminder = mine(team["radiologist"])

    response = client.post(reverse("reminder-done", args=[reminder.pk]))

    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    reminder.refresh_from_db()
    assert reminder.done_at is not None
    assert (reminder.status, reminder.status_reason) == ("cancelled", "cancelled: marked done by the recipient")
    assert client.get(reverse("dashboard")).context["my_reminders"] == []


def test_done_after_the_email_keeps_the_delivery_record(client, team, waiting):
    client.force_login(team["radiologist"])
    reminder = mine(team["radiologist"])
    Reminder.objects.filter(pk=reminder.pk).update(status=Reminder.Status.SENT, sent_at=timezone.now())

    client.post(reverse("reminder-done", args=[reminder.pk]))

    reminder.refresh_from_db()
    assert reminder.status == "sent" and reminder.done_at is not None


@pytest.mark.hazard("HAZ-031")
@pytest.mark.parametrize(("period", "length"), [("day", DAY), ("week", 7 * DAY)])
def test_snooze_hides_it_for_a_day_or_a_week_and_delays_an_unsent_email(client, team, waiting, period, length):
    client.force_login(team["radiologist"])
    reminder = mine(team["radiologist"])

    client.post(reverse("reminder-snooze", args=[reminder.pk]), {"period": period})

    reminder.refresh_from_db()
    assert reminder.snoozed_until == reminder.due_at
    assert abs(reminder.snoozed_until - (timezone.now() + length)) < dt.timedelta(seconds=5)
    assert my_reminders(user_id=team["radiologist"].pk) == []
    back = my_reminders(user_id=team["radiologist"].pk, now=timezone.now() + length + HOUR)
    assert [row.reminder for row in back] == [reminder]


def test_snooze_refuses_another_length(client, team, waiting):
    client.force_login(team["radiologist"])
    reminder = mine(team["radiologist"])

    assert client.post(reverse("reminder-snooze", args=[reminder.pk]), {"period": "year"}).status_code == 400


def test_someone_elses_reminder_is_a_404(client, team, waiting):
    client.force_login(team["radiologist2"])
    theirs = mine(team["radiologist"])

    assert client.post(reverse("reminder-done", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("reminder-snooze", args=[theirs.pk]), {"period": "day"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.done_at is None and theirs.snoozed_until is None


def test_the_actions_are_post_only_and_need_sign_in(client, team, waiting):
    reminder = mine(team["radiologist"])
    url = reverse("reminder-done", args=[reminder.pk])

    assert client.post(url).status_code == 302  # to sign in
    client.force_login(team["radiologist"])
    assert client.get(url).status_code == 405


def test_my_reminders_is_one_query_however_many(team, django_assert_num_queries):
    for _ in range(5):
        performed_scan(80 * HOUR, responsible_clinician=team["radiologist"])
    derive(timezone.now())

    # the reminders with case, patient, meeting and agenda item joined
    with django_assert_num_queries(1):
        rows = my_reminders(user_id=team["radiologist"].pk)

    assert len(rows) == 10  # level 0 and level 1 for each scan
