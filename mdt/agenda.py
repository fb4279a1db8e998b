"""Rules about one agenda item, computed from rows already loaded (no queries here).

- readiness: is the case ready for discussion (MRI reported, question set, scores recorded,
  imaging reviewed by a radiologist)? With it, what the MDT must not miss whatever else is ready: a
  high-grade ESCC (HAZ-010).
- urgency: the default agenda order (suspected MSCC first, then the most urgent NICE clock
  from cases.clocks, then the coordinator's order).

Both read `item.case.scans.all()` (and readiness the case summary's assessments), so callers
prefetch them (see mdt.selectors.agenda_items).
"""

import datetime as dt
from dataclasses import dataclass

from cases.choices import Presentation, ReviewerRole
from cases.clocks import case_clocks, most_urgent
from cases.models import Case, Scan
from cases.summary import CaseSummary
from mdt.models import AgendaItem

FAR_FUTURE = dt.datetime.max.replace(tzinfo=dt.UTC)
NO_CLOCK = 4  # after cases.clocks' ranks (breached 0, at risk 1, running 2, met or not started 3)


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    ok: bool
    reason: str = ""  # why it is not met


@dataclass(frozen=True)
class Readiness:
    checks: tuple[Check, ...]
    high_grade: str = ""  # the case's worst ESCC is 2 or 3: said with the checks, never a check that fails

    @property
    def ready(self) -> bool:
        return all(check.ok for check in self.checks)

    @property
    def missing(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]


def latest_mri(case: Case) -> Scan | None:
    """The most recently performed MRI of the case, else the most recently requested one."""
    mris = [scan for scan in case.scans.all() if scan.is_mri]
    performed = [scan for scan in mris if scan.performed_at]
    if performed:
        return max(performed, key=lambda scan: (scan.performed_at, scan.pk))
    return max(mris, key=lambda scan: (scan.requested_at, scan.pk), default=None)


def _reviewed_by_radiologist(scan: Scan) -> bool:
    """The role recorded at the review, not the reviewer's role today (a later change of role cannot alter it)."""
    return bool(scan.reviewed_at and scan.reviewer_role == ReviewerRole.RADIOLOGIST)


def scores_recorded(summary: CaseSummary) -> Check:
    """A complete SINS at every level of the case and a complete revised Tokuhashi, or what is missing."""
    if summary.has_scores:
        return Check("scores", "Scores recorded", True)
    missing = []
    if not summary.sins and not summary.unscored_levels:
        missing.append("no SINS")
    missing += [line.rstrip(".") for line in summary.sins_unfinished]
    if summary.tokuhashi is None or not summary.tokuhashi.result.complete:
        missing.append("no complete revised Tokuhashi")
    return Check("scores", "Scores recorded", False, "; ".join(missing))


def _check(key: str, label: str, ok: bool, reason: str) -> Check:
    return Check(key, label, ok, "" if ok else reason)


def patient_alive(case: Case) -> Check:
    """A death recorded after the case was listed: flagged on the agenda for the coordinator to withdraw."""
    died_on = case.patient.died_on
    reason = f"the patient died on {died_on:%d %b %Y}: withdraw this item" if died_on else ""
    return Check("alive", "Patient alive", died_on is None, reason)


def readiness(item: AgendaItem, summary: CaseSummary) -> Readiness:
    """Needs `summary` = cases.summary.case_summary(item.case) (scans and assessments prefetched)."""
    mri = latest_mri(item.case)
    return Readiness(
        (
            patient_alive(item.case),
            _check("mri_reported", "MRI reported", bool(mri and mri.reported_at), "latest MRI not reported"),
            _check("question", "Question set", bool(item.question.strip()), "no question for the MDT"),
            scores_recorded(summary),
            _check(
                "radiologist_review",
                "Imaging reviewed by a radiologist",
                mri is not None and _reviewed_by_radiologist(mri),
                "latest MRI not reviewed by a radiologist",
            ),
        ),
        high_grade=summary.escc_high_grade,
    )


def clock_urgency(case: Case) -> tuple[int, dt.datetime]:
    """The case's most urgent NICE clock: breached, then at risk, then running, each by due time."""
    clocks = most_urgent(case_clocks(case))
    return clocks[0].urgency if clocks else (NO_CLOCK, FAR_FUTURE)


def urgency_key(item: AgendaItem) -> tuple[int, tuple[int, dt.datetime], int, int]:
    """Suspected MSCC first, then clock urgency, then the coordinator's order."""
    mscc_first = 0 if item.case.presentation == Presentation.SUSPECTED_MSCC else 1
    return (mscc_first, clock_urgency(item.case), item.position, item.pk or 0)
