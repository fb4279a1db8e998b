import datetime as dt
from typing import Any

from django import template

from cases import scoring
from cases.models import Case, Scan
from cases.services import can_unreview, unreview_deadline
from cases.summary import CaseSummary, case_summary

register = template.Library()


@register.simple_tag
def summarise(case: Case) -> CaseSummary:
    """`{% summarise case as summary %}`: scores, NOMS and clocks; prefetch with SUMMARY_PREFETCH."""
    return case_summary(case)


@register.filter
def duration(value: dt.timedelta | None) -> str:
    """A signed duration as "3 h 20 min" / "2 d 4 h"; overdue values read "... overdue"."""
    if value is None:
        return ""
    seconds = int(value.total_seconds())
    overdue = seconds < 0
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        text = f"{days} d {hours} h"
    elif hours:
        text = f"{hours} h {minutes} min"
    else:
        text = f"{minutes} min"
    return f"{text} overdue" if overdue else f"{text} left"


@register.filter
def unreview_until(scan: Scan, user: Any) -> dt.datetime | None:
    """Until when `user` may take back their review of `scan`, or None (not theirs, or too late)."""
    return unreview_deadline(scan, user) if can_unreview(scan, user) else None


@register.filter
def radiosensitivity_label(value: str | None) -> str:
    """The clinician's words for a radiosensitivity key ("Radiosensitive to cEBRT"), never the key itself."""
    return scoring.RADIOSENSITIVITY_LABELS.get(value or "", "not known")
