import datetime as dt

from django import template

from cases import duplicates
from cases.choices import RED_FLAG_LABELS
from cases.models import Patient
from referrals.completeness import GAP_LABELS

register = template.Library()


@register.filter
def red_flag_label(key: str) -> str:
    return RED_FLAG_LABELS.get(key, key)


@register.filter
def possible_duplicate(patient: Patient) -> str:
    """A registered patient the referral's may be: "GRIFFITHS, Alys, born 1 Jan 1950, MRN RX2001", linked."""
    return duplicates.linked(patient)


@register.filter
def gap_label(key: str) -> str:
    return GAP_LABELS.get(key, key)


@register.filter
def waited(value: dt.timedelta | None) -> str:
    """An elapsed time as "45 min", "3 h 10 min" or "2 d 4 h"."""
    if value is None:
        return ""
    seconds = max(int(value.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {rest // 60} min"
    return f"{rest // 60} min"


@register.filter
def get_count(counts: dict[str, int], key: str) -> int:
    return counts.get(key, 0)


@register.filter
def add_measure(first: object, second: object) -> list[object]:
    """`{% for m in a|add_measure:b %}`: two measures side by side."""
    return [first, second]
