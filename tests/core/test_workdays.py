"""Working days skip weekends and the bank holidays of the service's part of the UK (BANK_HOLIDAYS,
England and Wales by default): the referral plan clock's "2 working days"."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.clocks import target
from core.workdays import add_working_days, bank_holiday, is_working_day
from referrals.clocks import PLAN
from tests.factories import local


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args)


@pytest.mark.parametrize(
    ("start", "due"),
    [
        # Thursday before Easter 2026: Good Friday and Easter Monday are skipped.
        (at(2026, 4, 2, 10, 0), at(2026, 4, 8, 10, 0)),
        # Christmas Eve 2026: Christmas Day, the weekend and Boxing Day's substitute Monday 28th are skipped.
        (at(2026, 12, 24, 15, 0), at(2026, 12, 30, 15, 0)),
        # On the spring bank holiday itself: counts from 00:00 on Tuesday.
        (at(2026, 5, 25, 2, 0), at(2026, 5, 28, 0, 0)),
        # A Saturday before a bank holiday Monday (May Day 2026): counts from 00:00 on Tuesday.
        (at(2026, 5, 2, 11, 0), at(2026, 5, 7, 0, 0)),
        # An ordinary week: Wednesday to Friday.
        (at(2026, 6, 10, 9, 30), at(2026, 6, 12, 9, 30)),
    ],
)
def test_two_working_days_skip_the_bank_holidays_of_england_and_wales(start, due):
    assert add_working_days(start, 2) == due


def test_the_plan_clock_of_a_referral_made_before_easter_is_due_after_the_bank_holidays():
    assert target(PLAN).due(local(2026, 4, 2, 10, 0)) == local(2026, 4, 8, 10, 0)


def test_the_region_decides_which_days_are_bank_holidays(settings):
    summer_scotland, summer_england = dt.date(2026, 8, 3), dt.date(2026, 8, 31)
    assert bank_holiday(summer_england) == "Late Summer Bank Holiday" and not bank_holiday(summer_scotland)

    settings.BANK_HOLIDAYS = "SCT"
    assert bank_holiday(summer_scotland) and not bank_holiday(summer_england)

    settings.BANK_HOLIDAYS = "none"
    assert add_working_days(at(2026, 4, 2, 10, 0), 2) == at(2026, 4, 6, 10, 0)  # weekends only


starts = st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2035, 12, 31))
counts = st.integers(min_value=1, max_value=15)


@settings(max_examples=300, deadline=None)
@given(start=starts, days=counts)
def test_the_deadline_is_never_on_a_weekend_or_a_bank_holiday(start, days):
    due = add_working_days(start, days)
    assert due.weekday() < 5 and not bank_holiday(due.date())


@settings(max_examples=300, deadline=None)
@given(start=starts, days=counts)
def test_exactly_that_many_working_days_end_on_the_deadline(start, days):
    due = add_working_days(start, days)
    span = (due.date() - start.date()).days
    between = [start.date() + dt.timedelta(days=n) for n in range(1, span + 1)]
    # From a working day, the working days after it; from a weekend or bank holiday, the first one starts the count.
    expected = days if is_working_day(start.date()) else days + 1
    assert sum(map(is_working_day, between)) == expected
    assert due >= start + dt.timedelta(days=days)


@settings(max_examples=300, deadline=None)
@given(start=starts, days=counts)
def test_one_more_working_day_is_always_later(start, days):
    assert add_working_days(start, days + 1) > add_working_days(start, days)


@settings(max_examples=300, deadline=None)
@given(first=starts, second=starts, days=counts)
def test_a_later_start_is_never_due_earlier(first, second, days):
    earlier, later = sorted((first, second))
    assert add_working_days(earlier, days) <= add_working_days(later, days)
