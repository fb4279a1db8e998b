"""seed_demo's meetings: past ones with outcomes and attendance, next week's agenda from the candidates."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from mdt.models import AgendaItem, Attendance, Meeting, Preparation, quorum_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.DEBUG = True
    call_command("seed_demo")


def test_it_seeds_past_meetings_with_outcomes_and_attendance_one_of_them_not_quorate(seeded):
    past = list(Meeting.objects.past())

    assert len(past) == 3 and all(m.status == Meeting.Status.CONCLUDED for m in past)
    assert all(m.items.filter(status=AgendaItem.Status.DISCUSSED).exists() for m in past)
    quorate = [quorum_of(m.attendances.filter(present=True).values_list("member__role", flat=True)).met for m in past]
    assert quorate.count(False) == 1


def test_it_builds_next_weeks_agenda_from_the_candidates(seeded):
    upcoming = list(Meeting.objects.upcoming())
    next_week = upcoming[0]

    assert len(upcoming) == 4
    assert timezone.localtime(next_week.starts_at).weekday() == 2  # Wednesdays
    items = list(next_week.items.order_by("position"))
    assert len(items) >= 5
    assert {item.source for item in items} >= {AgendaItem.Source.AWAITING_MDT, AgendaItem.Source.CARRIED_FORWARD}
    assert [item.position for item in items] == list(range(1, len(items) + 1))
    assert all(item.presenter for item in items)
    assert Preparation.objects.filter(item__meeting=next_week).exists()


def test_coordinators_can_build_agendas_in_the_workspace(seeded):
    coordinator = get_user_model().objects.get(username="coordinator")

    for perm in ("mdt.add_meeting", "mdt.change_agendaitem", "mdt.add_attendance", "mdt.view_meeting"):
        assert coordinator.has_perm(perm), perm


def test_running_it_again_adds_no_meeting(seeded, settings):
    counts = (Meeting.objects.count(), AgendaItem.objects.count(), Attendance.objects.count())

    call_command("seed_demo")

    assert (Meeting.objects.count(), AgendaItem.objects.count(), Attendance.objects.count()) == counts
