"""What the MDT needs at a glance about one case: latest scores, the NOMS suggestion, the clocks.

Built from a case whose `scans`, `assessments` and `patient` are already loaded
(see SUMMARY_PREFETCH), so a page listing sixty cases costs no query per case.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from cases import score_age, scoring
from cases.choices import ESCC_KEYS
from cases.clocks import Clock, case_clocks, most_urgent
from cases.models import Assessment, Case, Scan
from cases.models.assessments import ScoreKind
from cases.worst_escc import graded_scans, grades_differ, high_grade_flag, worst_of


def assessments_shown() -> QuerySet[Assessment]:
    """The assessments a summary reads, newest first, with scorer and scan, and what the record held when each
    was assessed (the out-of-date flags read it: cases.score_age): prefetch these, never plain rows."""
    return score_age.with_inputs_then(Assessment.objects.select_related("assessed_by", "scan").latest_first())


def summary_prefetch(prefix: str = "") -> tuple[Prefetch, Prefetch]:
    """For prefetch_related() on a Case queryset, or with prefix "case__" on a queryset of rows with a case."""
    return (
        Prefetch(
            f"{prefix}scans",
            queryset=Scan.objects.select_related("reviewed_by", "clinician_reviewed_by").order_by(
                "-requested_at", "-id"
            ),
        ),
        Prefetch(f"{prefix}assessments", queryset=assessments_shown()),
    )


SUMMARY_PREFETCH = summary_prefetch()


@dataclass(frozen=True)
class ScoreLine:
    assessment: Assessment
    result: scoring.ScoreResult
    out_of_date: tuple[str, ...] = ()  # why it may be out of date (cases.score_age), in words

    @property
    def kind_label(self) -> str:
        return self.assessment.get_kind_display()

    @property
    def band_reached(self) -> scoring.Band | None:
        """For an unfinished SINS whose known components already reach 7 or 13: that band."""
        return scoring.sins_band_reached(self.result) if self.assessment.kind == ScoreKind.SINS else None


@dataclass
class CaseSummary:
    case: Case
    sins: list[ScoreLine] = field(default_factory=list)  # the latest per level, in spinal order
    tokuhashi: ScoreLine | None = None
    tomita: ScoreLine | None = None
    escc_scan: Scan | None = None  # the worst ESCC grade of the case's imaging (latest among equals)
    escc_differ: str = ""  # the warning when the case's graded scans disagree (cases.worst_escc.grades_differ)
    escc_high_grade: str = ""  # the flag when the worst grade is 2 or 3 (cases.worst_escc.high_grade_flag)
    radiosensitivity: scoring.Suggestion[str] | None = None
    radiosensitivity_overridden: bool = False
    noms: scoring.NomsSuggestion | None = None
    clocks: list[Clock] = field(default_factory=list)
    unscored_levels: list[str] = field(default_factory=list)  # involved levels with no SINS at all

    @property
    def lines(self) -> list[ScoreLine]:
        """Every score shown as current."""
        return [*self.sins, *(line for line in (self.tokuhashi, self.tomita) if line is not None)]

    @property
    def sins_out_of_date(self) -> bool:
        """A SINS the NOMS suggestion reads may be out of date (its mechanical overlay says so)."""
        return any(line.out_of_date for line in self.sins)

    @property
    def worst_sins(self) -> ScoreLine | None:
        complete = [line for line in self.sins if line.result.complete]
        return max(complete, key=lambda line: line.result.total or 0, default=None)

    @property
    def sins_unfinished(self) -> list[str]:
        """Each SINS input still to finish, naming the level and the missing components by label."""
        lines = [f"No SINS at {level} yet." for level in self.unscored_levels]
        for line in self.sins:
            if not line.result.complete:
                level = line.assessment.level or "an unnamed level"
                missing = ", ".join(line.result.missing_labels)
                reached = line.band_reached
                flag = f" Its known components already make it {reached.label.lower()}." if reached else ""
                lines.append(f"SINS at {level} is unfinished: missing {missing}.{flag}")
        return lines

    @property
    def mechanical_sins(self) -> int | None:
        """The SINS the NOMS mechanical overlay acts on: the highest complete total, or what an unfinished
        level already reaches when that is 7 or more (instability is never hidden behind a blank)."""
        totals = [line.result.total for line in self.sins if line.result.total is not None]
        totals += [line.result.known_points for line in self.sins if line.band_reached is not None]
        return max(totals, default=None)

    @property
    def has_scores(self) -> bool:
        """Every SINS level complete (and at least one), and a complete revised Tokuhashi: what the MDT expects."""
        return (
            self.worst_sins is not None
            and not self.sins_unfinished
            and self.tokuhashi is not None
            and self.tokuhashi.result.complete
        )


def _line(assessment: Assessment, case: Case, mri: Scan | None) -> ScoreLine:
    return ScoreLine(assessment, assessment.result(), score_age.out_of_date(assessment, case, mri))


def _latest(assessments: list[Assessment], kind: str, case: Case, mri: Scan | None) -> ScoreLine | None:
    for assessment in assessments:  # newest first
        if assessment.kind == kind:
            return _line(assessment, case, mri)
    return None


def case_summary(case: Case, now: dt.datetime | None = None) -> CaseSummary:
    assessments = list(case.assessments.all())
    summary = CaseSummary(case=case)
    mri = score_age.newest_mri(case.scans.all())
    latest_by_level: dict[str, ScoreLine] = {}
    for assessment in assessments:
        if assessment.kind == ScoreKind.SINS and assessment.level not in latest_by_level:
            latest_by_level[assessment.level] = _line(assessment, case, mri)
    order = {level: index for index, level in enumerate(scoring.SPINAL_LEVELS)}
    summary.sins = sorted(latest_by_level.values(), key=lambda line: order.get(line.assessment.level, 99))
    summary.unscored_levels = [level for level in case.spinal_levels if level not in latest_by_level]
    summary.tokuhashi = _latest(assessments, ScoreKind.TOKUHASHI, case, mri)
    summary.tomita = _latest(assessments, ScoreKind.TOMITA, case, mri)
    graded = graded_scans(case)
    summary.escc_scan = worst_of(graded)
    summary.escc_differ = grades_differ(graded)
    summary.escc_high_grade = high_grade_flag(summary.escc_scan)

    if case.radiosensitivity_override:
        summary.radiosensitivity = scoring.Suggestion(case.radiosensitivity_override, ())
        summary.radiosensitivity_overridden = True
    else:
        summary.radiosensitivity = scoring.radiosensitivity_default(case.patient.primary_site)
    summary.noms = scoring.noms_suggestion(
        escc_grade=ESCC_KEYS[summary.escc_scan.escc_grade] if summary.escc_scan else None,  # type: ignore[index]
        radiosensitivity=summary.radiosensitivity.value,
        sins_total=summary.mechanical_sins,
        systemically_fit=case.fit_for_surgery,
        unfinished=tuple(summary.sins_unfinished),
    )
    summary.clocks = most_urgent(case_clocks(case, now))
    return summary
