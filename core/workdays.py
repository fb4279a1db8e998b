"""Working days: Monday to Friday, except the bank holidays of the part of the UK the service is in.

The bank holidays come from the `holidays` library (pinned in requirements.txt), for the region named by
the BANK_HOLIDAYS setting: `ENG` (England and Wales, the default: the two share their bank holidays),
`SCT` (Scotland), `NIR` (Northern Ireland), or `none` (weekends only). A kept library rather than a list
in configuration: it knows every year a clock or a report may reach (a list would need adding to each
year, and a year forgotten would count its bank holidays as working days, silently), the days moved to
a Monday when a holiday falls at a weekend, and, with each release, the one-off bank holidays that are
announced. A new one-off holiday needs the library upgraded: docs/deploy.md says so.

Every function works on the service's local dates and naive local times (core.timezones converts).
"""

import datetime as dt
from functools import cache

import holidays
from django.conf import settings

REGIONS = {"ENG": "England and Wales", "WLS": "England and Wales", "SCT": "Scotland", "NIR": "Northern Ireland"}
NO_BANK_HOLIDAYS = "none"


@cache
def _bank_holidays(region: str) -> holidays.HolidayBase | None:
    if region == NO_BANK_HOLIDAYS:
        return None
    return holidays.country_holidays("GB", subdiv=region)


def bank_holiday(day: dt.date) -> str:
    """The bank holiday's name on `day` in the service's region, or "" when it is not one."""
    calendar = _bank_holidays(settings.BANK_HOLIDAYS)
    return calendar.get(day, "") if calendar is not None else ""


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and not bank_holiday(day)


def next_working_day(day: dt.date) -> dt.date:
    """The first working day after `day`."""
    day += dt.timedelta(days=1)
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """`days` working days after a naive local time: the same wall-clock time on the `days`-th working
    day after it. A start on a weekend or bank holiday counts from 00:00 on the next working day."""
    if not is_working_day(start.date()):
        start = dt.datetime.combine(next_working_day(start.date()), dt.time())
    day = start.date()
    for _ in range(days):
        day = next_working_day(day)
    return dt.datetime.combine(day, start.time())
