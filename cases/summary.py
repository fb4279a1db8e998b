"""What the MDT needs at a glance about one case: latest scores, the NOMS suggestion, the clocks.

Built from a case whose `scans`, `assessments` and `patient` are already loaded
(see SUMMARY_PREFETCH), so a page listing sixty cases costs no query per case.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch

from cases import scoring
from cases.choices import ESCC_KEYS
from cases.clocks import Clock, case_clocks, most_urgent
from cases.models import Assessment, Case, Scan
from cases.models.assessments import ScoreKind


def summary_prefetch(prefix: str = "") -> tuple[Prefetch, Prefetch]:
    """For prefetch_related() on a Case queryset, or with prefix "case__" on a queryset of rows with a case."""
    return (
        Prefetch(
            f"{prefix}scans", queryset=Scan.objects.select_related("reviewed_by").order_by("-requested_at", "-id")
        ),
        Prefetch(
            f"{prefix}assessments", queryset=Assessment.objects.select_related("assessed_by", "scan").latest_first()
        ),
    )


SUMMARY_PREFETCH = summary_prefetch()


@dataclass(frozen=True)
class ScoreLine:
    assessment: Assessment
    result: scoring.ScoreResult

    @property
    def kind_label(self) -> str:
        return self.assessment.get_kind_display()


@dataclass
class CaseSummary:
    case: Case
    sins: list[ScoreLine] = field(default_factory=list)  # the latest per level, in spinal order
    tokuhashi: ScoreLine | None = None
    tomita: ScoreLine | None = None
    escc_scan: Scan | None = None
    radiosensitivity: scoring.Suggestion[str] | None = None
    radiosensitivity_overridden: bool = False
    noms: scoring.NomsSuggestion | None = None
    clocks: list[Clock] = field(default_factory=list)

    @property
    def worst_sins(self) -> ScoreLine | None:
        complete = [line for line in self.sins if line.result.complete]
        return max(complete, key=lambda line: line.result.total or 0, default=None)

    @property
    def has_scores(self) -> bool:
        """A complete SINS and a complete revised Tokuhashi: the scores the MDT expects before discussion."""
        return self.worst_sins is not None and self.tokuhashi is not None and self.tokuhashi.result.complete


def _latest(assessments: list[Assessment], kind: str) -> ScoreLine | None:
    for assessment in assessments:  # newest first
        if assessment.kind == kind:
            return ScoreLine(assessment, assessment.result())
    return None


def case_summary(case: Case, now: dt.datetime | None = None) -> CaseSummary:
    assessments = list(case.assessments.all())
    summary = CaseSummary(case=case)
    latest_by_level: dict[str, ScoreLine] = {}
    for assessment in assessments:
        if assessment.kind == ScoreKind.SINS and assessment.level not in latest_by_level:
            latest_by_level[assessment.level] = ScoreLine(assessment, assessment.result())
    order = {level: index for index, level in enumerate(scoring.SPINAL_LEVELS)}
    summary.sins = sorted(latest_by_level.values(), key=lambda line: order.get(line.assessment.level, 99))
    summary.tokuhashi = _latest(assessments, ScoreKind.TOKUHASHI)
    summary.tomita = _latest(assessments, ScoreKind.TOMITA)

    graded = [scan for scan in case.scans.all() if scan.escc_grade is not None and scan.performed_at]
    summary.escc_scan = max(graded, key=lambda scan: scan.performed_at or dt.datetime.min, default=None)

    if case.radiosensitivity_override:
        summary.radiosensitivity = scoring.Suggestion(case.radiosensitivity_override, ())
        summary.radiosensitivity_overridden = True
    else:
        summary.radiosensitivity = scoring.radiosensitivity_default(case.patient.primary_site)
    worst = summary.worst_sins
    summary.noms = scoring.noms_suggestion(
        escc_grade=ESCC_KEYS[summary.escc_scan.escc_grade] if summary.escc_scan else None,  # type: ignore[index]
        radiosensitivity=summary.radiosensitivity.value,
        sins_total=worst.result.total if worst else None,
        systemically_fit=case.fit_for_surgery,
    )
    summary.clocks = most_urgent(case_clocks(case, now))
    return summary
