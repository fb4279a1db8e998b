"""The database's due time agrees with cases.clocks.Target.due on SQLite and PostgreSQL, across the clock changes."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db.models import F

from cases.clocks import target
from cases.models import Case
from reports.db import AddLocalDays, due_expression
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def starts_around(day: dt.datetime) -> list[dt.datetime]:
    """Every 30 minutes for two days around a local midnight, as UTC instants."""
    first = day.astimezone(dt.UTC) - dt.timedelta(hours=24)
    return [first + dt.timedelta(minutes=30 * step) for step in range(96)]


# The clock changes of 2026: 29 March (01:00 GMT -> 02:00 BST) and 25 October (02:00 BST -> 01:00 GMT).
# A week before each, so "start + 7 calendar days" lands on the change: in the spring gap, in the repeated hour.
SPRING_WEEK_BEFORE = dt.datetime(2026, 3, 22, tzinfo=LONDON)
AUTUMN_WEEK_BEFORE = dt.datetime(2026, 10, 18, tzinfo=LONDON)


@pytest.mark.parametrize("around", [SPRING_WEEK_BEFORE, AUTUMN_WEEK_BEFORE], ids=["spring", "autumn"])
@pytest.mark.parametrize("key", ["mri_whole_spine_1w", "mri_whole_spine_24h", "rt_start_24h"])
def test_it_computes_the_same_due_time_as_the_clock(around, key):
    starts = starts_around(around + dt.timedelta(days=1))
    for start in starts:
        CaseFactory(suspected_diagnosis_at=start)

    rows = Case.objects.annotate(due=due_expression(target(key), "suspected_diagnosis_at")).values_list(
        "suspected_diagnosis_at", "due"
    )

    # Compared as UTC instants: Python never calls a time in the repeated hour equal to one in another zone.
    wrong = [(start, due) for start, due in rows if due.astimezone(dt.UTC) != target(key).due(start).astimezone(dt.UTC)]
    assert len(rows) == len(starts) and not wrong


def test_a_week_is_seven_calendar_days_in_local_time_across_the_spring_change():
    CaseFactory(suspected_diagnosis_at=dt.datetime(2026, 3, 24, 10, 0, tzinfo=LONDON))  # GMT

    due = Case.objects.annotate(due=AddLocalDays(F("suspected_diagnosis_at"), 7)).get().due

    assert due.astimezone(LONDON) == dt.datetime(2026, 3, 31, 10, 0, tzinfo=LONDON)  # BST
    assert due - dt.datetime(2026, 3, 24, 10, 0, tzinfo=LONDON) == dt.timedelta(days=7, hours=-1)


def test_in_the_repeated_autumn_hour_it_takes_the_first_instant_as_the_clock_does():
    start = dt.datetime(2026, 10, 18, 1, 30, tzinfo=LONDON)  # 00:30 UTC; a week later 01:30 happens twice
    CaseFactory(suspected_diagnosis_at=start)

    due = Case.objects.annotate(due=AddLocalDays(F("suspected_diagnosis_at"), 7)).get().due

    assert due.astimezone(dt.UTC) == dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)
    assert target("mri_whole_spine_1w").due(start).astimezone(dt.UTC) == due.astimezone(dt.UTC)
