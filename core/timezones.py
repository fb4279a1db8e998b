"""Local time: the service runs on one wall clock (settings.TIME_ZONE, Europe/London).

Calendar rules (a target of "7 days", a meeting at 13:00, a follow-up due on a day) follow the
local wall clock across the clock changes; elapsed-hour rules are added in UTC by their callers.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def local_zone() -> ZoneInfo:
    """The service's zone, for database functions and files that need it named (TruncMonth, ICS)."""
    return ZoneInfo(settings.TIME_ZONE)


def local_datetime(day: dt.date, time: dt.time = dt.time.min) -> dt.datetime:
    """`time` on `day` on the local wall clock, as an aware datetime (midnight by default)."""
    return timezone.make_aware(dt.datetime.combine(day, time), timezone.get_current_timezone())


def local_day(at: dt.datetime) -> dt.date:
    """The local calendar day of an aware datetime."""
    return timezone.localtime(at).date()


def add_local_days(at: dt.datetime, days: int, zone: dt.tzinfo | None = None) -> dt.datetime:
    """Calendar days: the same wall-clock time `days` later in the zone (the service's by default).

    A wall-clock time that occurs twice (the autumn change) is taken the first time (fold=0).
    """
    tz = zone or timezone.get_current_timezone()
    naive = at.astimezone(tz).replace(tzinfo=None) + dt.timedelta(days=days)
    return timezone.make_aware(naive, tz)
