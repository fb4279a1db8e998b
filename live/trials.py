"""Clinical trials considered: the local list of open trials matched to each case on the agenda by their
simple rules (primary site, ESCC grade, SINS, ECOG, previous radiotherapy), and what each decision records:
trial considered yes or no, which, and why not.

A rule the record cannot answer (no graded MRI, no complete SINS, no ECOG, previous radiotherapy to the
spine not known) is shown as *to check*, never taken as met.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import policy
from cases.choices import EsccGradeChoice, PreviousRadiotherapy, PrimarySite
from cases.models import Case
from cases.summary import CaseSummary
from core.fields import validate_only
from core.history import save_as
from core.numbers import MAX_ID, whole_number
from live.forms import TrialAnswerForm
from live.models import Trial, TrialConsideration
from mdt.models import Decision


@dataclass(frozen=True)
class TrialMatch:
    trial: Trial
    failed: tuple[str, ...]  # rules the case does not meet
    unknown: tuple[str, ...]  # rules the record cannot answer

    @property
    def verdict(self) -> str:
        if self.failed:
            return "Not eligible"
        return "To check" if self.unknown else "May be eligible"


def _range(label: str, value: int | None, low: int | None, high: int | None, shown: Any = str) -> tuple[str, str]:
    """("failed" or "unknown" or "", the reason) for a value against an inclusive range."""
    if low is None and high is None:
        return "", ""
    if value is None:
        return "unknown", f"{label} not recorded"
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"{shown(low) if low is not None else '…'} to {shown(high) if high is not None else '…'}"
        return "failed", f"{label} {shown(value)}, the trial takes {bounds}"
    return "", ""


def _escc(value: int | None) -> str:
    return EsccGradeChoice(value).label.split(":")[0] if value is not None else ""


def match(trial: Trial, case: Case, summary: CaseSummary) -> TrialMatch:
    """One trial's rules against one case (no query: `summary` is cases.summary.case_summary(case))."""
    failed: list[str] = []
    unknown: list[str] = []
    site = case.patient.primary_site
    if trial.primary_sites and site not in trial.primary_sites:
        failed.append(f"primary {PrimarySite(site).label.lower() if site else 'not recorded'}, not one the trial takes")
    escc = summary.escc_scan.escc_grade if summary.escc_scan else None
    sins_line = summary.worst_sins
    sins = sins_line.result.total if sins_line is not None and sins_line.result.complete else None
    for outcome, reason in (
        _range("ESCC grade", escc, trial.escc_min, trial.escc_max, _escc),
        _range("SINS", sins, trial.sins_min, trial.sins_max),
        _range("ECOG", case.ecog, None, trial.ecog_max),
    ):
        (failed if outcome == "failed" else unknown if outcome == "unknown" else []).append(reason)
    outcome, reason = _previous_radiotherapy(trial, case.previous_spinal_rt)
    (failed if outcome == "failed" else unknown if outcome == "unknown" else []).append(reason)
    return TrialMatch(trial, tuple(failed), tuple(unknown))


def _previous_radiotherapy(trial: Trial, had: str) -> tuple[str, str]:
    """The trial's rule on previous radiotherapy against the case's answer (yes, no, not known)."""
    rule = trial.previous_radiotherapy
    if rule == Trial.PreviousRadiotherapy.ANY:
        return "", ""
    if had not in (PreviousRadiotherapy.YES, PreviousRadiotherapy.NO):
        return "unknown", f"previous radiotherapy to the spine not known (the trial: {rule}): check the history"
    if (rule == Trial.PreviousRadiotherapy.REQUIRED) != (had == PreviousRadiotherapy.YES):
        done = "had" if had == PreviousRadiotherapy.YES else "no"
        return "failed", f"{done} previous radiotherapy to the spine, the trial: {rule}"
    return "", ""


def matches(case: Case, summary: CaseSummary, trials: list[Trial]) -> list[TrialMatch]:
    """Every open trial against the case: may be eligible first, then to check, then not eligible."""
    found = [match(trial, case, summary) for trial in trials]
    return sorted(found, key=lambda m: (bool(m.failed), bool(m.unknown), m.trial.name))


def open_trials() -> list[Trial]:
    return list(Trial.objects.filter(open=True).order_by("name"))


@transaction.atomic
def consideration_record(
    *, decision_id: int, user: Any, considered: bool, trial_id: int | None, why_not: str = ""
) -> TrialConsideration:
    """Record (or correct) whether a trial was considered for the decision, which, and why not."""
    if not policy.can_record_decision(user):
        raise PermissionDenied("Only members of the MDT record decisions.")
    decision = Decision.objects.select_for_update().get(pk=decision_id)
    if decision.status == Decision.Status.SUPERSEDED:
        raise ValidationError({"decision": "This decision was amended: record trials on the amendment."})
    trial = Trial.objects.filter(pk=trial_id).first() if trial_id and 0 < trial_id <= MAX_ID else None
    if considered and trial is None:
        raise ValidationError({"trial": "Choose the trial that was considered."})
    if considered and trial is not None and not trial.open:
        raise ValidationError({"trial": f"{trial.name} is not recruiting."})
    if not considered and not why_not.strip():
        raise ValidationError({"why_not": "Say why no trial was considered."})
    row = TrialConsideration.objects.filter(decision=decision).first() or TrialConsideration(decision=decision)
    row.considered, row.trial, row.why_not = considered, trial if considered else None, why_not.strip()
    row.recorded_by, row.recorded_at = user, timezone.now()
    validate_only(row, "why_not")  # its maximum length, on every path
    save_as(user, row)
    return row


def posted_answer(posted: Any) -> dict[str, str]:
    """The trial answer as the form posts it (trial_considered, trial, trial_why_not)."""
    return {key: str(posted.get(f"trial_{key}" if key != "trial" else "trial", "")) for key in ANSWER_KEYS}


ANSWER_KEYS = ("considered", "trial", "why_not")


# The service's field names as the decision form's trial question names its fields (TrialAnswerForm).
FORM_FIELD = {"considered": "trial_considered", "trial": "trial", "why_not": "trial_why_not"}


def record_posted(decision: Decision, user: Any, posted: Any) -> TrialConsideration:
    """The trial answer posted with a decision, through `consideration_record` (its checks and messages); a
    refusal is keyed by the form's field names, so the page shows each message beside its field."""
    answer = posted_answer(posted)
    try:
        return consideration_record(
            decision_id=decision.pk,
            user=user,
            considered=answer["considered"] == "yes",
            trial_id=whole_number(answer["trial"]),
            why_not=answer["why_not"],
        )
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError({FORM_FIELD.get(name, name): errors for name, errors in exc.error_dict.items()}) from exc


def part_context(case: Case, summary: CaseSummary, posted: Any, current: Decision | None) -> dict[str, Any]:
    """The trial question on the outcome page (mdt.decision_parts): the open trials matched to the case, and
    the form: bound to what was posted (shown again after a refusal), or else the current decision's answer."""
    found = matches(case, summary, open_trials())
    if posted is not None:
        return {"trials": found, "trial_form": TrialAnswerForm(posted, matches=found), "key": "form"}
    row = TrialConsideration.objects.filter(decision=current).first() if current else None
    return {
        "trials": found,
        "trial_form": TrialAnswerForm(initial=TrialAnswerForm.initial_from(row), matches=found),
        "key": "form",
    }
