"""Formatting for the service audit's templates, and the navbar's Reports link."""

import datetime as dt
from typing import Any

from django import template

from reports import access

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """A share as "88.9%", or an em dash when there is no denominator."""
    return "—" if value is None else f"{value:.1f}%"


@register.filter
def span(value: dt.timedelta | None) -> str:
    """A length of time as "2 d 4 h", "3 h 20 min" or "12 min" (unsigned)."""
    if value is None:
        return "—"
    seconds = abs(int(value.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, minutes = rest // 3600, rest % 3600 // 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


@register.simple_tag
def late_by(case: Any, now: dt.datetime) -> dt.timedelta:
    """How late a breached clock is: from its due time to when it stopped, or to now while it still runs."""
    return (case.stopped_at or now) - case.due


@register.simple_tag(takes_context=True)
def reports_link_shown(context: Any) -> bool:
    """For the navbar: whether the user may open the service audit (no query after sign-in; see reports.access)."""
    request = context.get("request")
    return request is not None and access.may_view_reports(request)
