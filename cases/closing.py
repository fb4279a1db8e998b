"""What closing a case would take off the lists (HAZ-029): asked before a coordinator closes one.

A closed case leaves every worklist: its clocks, its MRI waiting for review, its follow-ups and its
reminders are no longer shown to anyone. So before a case is closed the workspace lists the work still
open on it, and closes it only when the coordinator confirms having seen the list (cases.admin.cases).

Each app names its own open work: `cases` the scans and clocks and steroids below; apps above it (the
MDT's follow-ups and agenda, the referrals) register theirs in their AppConfig.ready(), keeping `cases`
free of imports from them.
"""

from collections.abc import Callable

from django.utils import timezone

from cases.clocks import case_clocks
from cases.models import Case, Scan

OpenWork = Callable[[Case], list[str]]
_CHECKS: list[OpenWork] = []


def register_open_work(check: OpenWork) -> None:
    if check not in _CHECKS:
        _CHECKS.append(check)


def open_work(case: Case) -> list[str]:
    """One line per piece of work still open on the case, as a coordinator reads it."""
    return [line for check in [_scans, _clocks, _steroids, *_CHECKS] for line in check(case)]


def _day(at: object) -> str:
    return timezone.localtime(at).strftime("%-d %b %Y") if at else ""  # type: ignore[arg-type]


def _time(at: object) -> str:
    return timezone.localtime(at).strftime("%-d %b %Y, %H:%M") if at else ""  # type: ignore[arg-type]


def _scans(case: Case) -> list[str]:
    """Scans not yet performed, and MRIs waiting for review as the MRI worklist reads them (Scan.pending_review)."""
    scans = Scan.objects.filter(case=case)
    waiting = set(scans.pending_review().values_list("pk", flat=True))
    lines = []
    for scan in scans.order_by("requested_at", "pk"):
        name = f"{scan.get_modality_display()} requested {_day(scan.requested_at)}"
        if scan.performed_at is None:
            lines.append(f"{name}: not yet performed.")
        elif scan.pk in waiting:
            lines.append(f"{name}: not yet reviewed by a specialist.")
    return lines


def _clocks(case: Case) -> list[str]:
    return [
        f"{clock.target.label}: running, due {_time(clock.due_at)}." for clock in case_clocks(case) if clock.is_open
    ]


def _steroids(case: Case) -> list[str]:
    if case.steroids_started_at and not case.steroids_stopped_at:
        return [f"Dexamethasone started {_day(case.steroids_started_at)} with no stop recorded."]
    return []
