"""The ESCC grade a case is judged by, across its scans (docs/clinical-reference.md §4; HAZ-010).

One grade is stored per scan (its worst level). A case can have several graded MRIs (a whole-spine MRI,
then a targeted one): the case is judged by the worst grade of them, never by the latest, and when the
grades disagree the pages say so in words, naming each scan's grade, level and day, so that a later
lower grade is read beside the earlier higher one and not instead of it.

Everything here reads `case.scans.all()`, which the pages prefetch (cases.summary.SUMMARY_PREFETCH,
mdt.selectors.agenda_items): no query per case.
"""

from collections.abc import Sequence

from cases.models import Case, Scan
from cases.scoring.escc import ESCC_HIGH_GRADE_MANAGEMENT, escc_grade
from core.timezones import local_day

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def graded_scans(case: Case) -> list[Scan]:
    """The case's performed scans that carry an ESCC grade, in the order they were performed."""
    graded = [scan for scan in case.scans.all() if scan.escc_grade is not None and scan.performed_at]
    return sorted(graded, key=lambda scan: (scan.performed_at, scan.pk or 0))


def worst_of(graded: Sequence[Scan]) -> Scan | None:
    """The scan with the highest grade; the latest of equal grades (it says where it came from).

    Not the latest scan: a later targeted or lower-grade MRI must not hide a compressed cord (HAZ-010).
    """
    return max(graded, key=lambda scan: (scan.escc_grade, scan.performed_at), default=None)


def scan_place(scan: Scan) -> str:
    """Where and when a grade was given, as the warnings write it: "T7, 3 Dec 2026" (the day on the local clock)."""
    assert scan.performed_at is not None  # a graded scan is a performed one (Scan.clean)
    performed = local_day(scan.performed_at)
    # As the template filter's "j M Y" writes it, without its machinery: a sixty-case agenda writes hundreds.
    day = f"{performed.day} {MONTHS[performed.month - 1]} {performed.year}"
    return f"{scan.escc_level}, {day}" if scan.escc_level else day


def _one(scan: Scan) -> str:
    return f"{scan.escc_key} ({scan_place(scan)})"


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def grades_differ(graded: Sequence[Scan]) -> str:
    """A warning when the graded scans do not all have the same grade, else "".

    `graded` as `graded_scans` gives them (performed, in the order performed). The warning names every
    graded scan's grade, level and day in that order, and the worst, which the case is judged by.
    """
    if len({scan.escc_grade for scan in graded}) < 2:
        return ""
    worst = worst_of(graded)
    assert worst is not None
    kind = "MRIs" if all(scan.is_mri for scan in graded) else "scans"
    listed = _listed([_one(scan) for scan in graded])
    return f"ESCC grades differ between this case's {kind}: {listed}; the worst, {_one(worst)}, is used."


def high_grade_flag(worst: Scan | None) -> str:
    """When the case's worst grade is high (2 or 3): the grade, where, what it means and its usual management
    in the reference's words (§4), else ""."""
    if worst is None or not worst.escc_high_grade:
        return ""
    grade = escc_grade(worst.escc_key)
    meaning = grade.definition[0].lower() + grade.definition[1:]
    return f"High-grade ESCC (grade {grade.key}, {scan_place(worst)}): {meaning}. {ESCC_HIGH_GRADE_MANAGEMENT}"
