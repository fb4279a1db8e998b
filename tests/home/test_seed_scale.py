"""The benchmarks' synthetic record (seed_scale) holds what a running service holds, the dead included."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Max, Q
from django.utils import timezone

from cases.choices import CaseStatus
from cases.models import Case, Patient
from mdt.models import AgendaItem, FollowUp, Meeting
from reminders.models import Reminder

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True  # seed_scale refuses to run without it
    call_command("seed_scale", "--patients", "600", stdout=io.StringIO())


def test_deaths_are_recorded_as_the_death_service_would_leave_them(seeded):
    dead = Patient.objects.filter(died_on__isnull=False).annotate(last_referral=Max("cases__referred_at"))

    # A share of the record large enough for the filters on living patients to read many of them.
    assert 0.3 < dead.count() / Patient.objects.count() < 0.7
    for patient in dead:
        assert timezone.localdate(patient.last_referral) < patient.died_on < timezone.localdate()
    # Only patients whose every episode is closed have died: no open case is about a dead patient.
    assert not Case.objects.filter(patient__died_on__isnull=False).exclude(status=CaseStatus.CLOSED).exists()


def test_the_next_agenda_lists_living_patients_and_no_reminder_is_about_the_dead(seeded):
    upcoming = Meeting.objects.filter(starts_at__gt=timezone.now()).get()
    listed = AgendaItem.objects.filter(meeting=upcoming)

    assert listed.count() == 60
    assert not listed.filter(case__patient__died_on__isnull=False).exists()
    assert Reminder.objects.exists()
    assert not Reminder.objects.filter(Q(case__patient__died_on__isnull=False)).exists()


def test_no_follow_up_is_left_owed_to_a_patient_who_died(seeded):
    """As the death service leaves them: cancelled with the date of death (HAZ-009)."""
    of_the_dead = FollowUp.objects.filter(case__patient__died_on__isnull=False)

    assert of_the_dead.exists()
    assert not of_the_dead.open().exists()
    assert of_the_dead.filter(cancel_reason__startswith="The patient's death was recorded").exists()
