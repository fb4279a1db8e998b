"""Is a recorded score still current? The one rule behind every "may be out of date" flag (HAZ-023).

A score shown as a case's current one (cases.summary: the case page, the agenda page and its printed
pack, the live screen) is flagged, each reason in words, when

- an MRI of the case was performed after the imaging the score rests on: the performed time of the
  scan the score names, else the time it was assessed ("The Whole-spine MRI of 3 Dec 2026 is newer
  than this score.");
- an input of the record that the score's form pre-fills from (`SCORE_INPUTS`, the fields
  cases.assessment_forms.prefilled_components reads) holds another value now than it held when the
  score was assessed ("Karnofsky changed 70% → 50% on 2 Dec 2026, after this score."). A value changed
  and changed back is not flagged: the record says again what it said then. SINS pre-fills from its own
  level only, so imaging alone dates it.

What the record held then comes from its history (django-simple-history): the newest history row at or
before the assessment time (the first row when the score is dated before the record's first save). A
record saved without history (rows loaded in bulk) has no "then": its inputs give no flag, the MRI
still does. A value now that no history row after the score holds (a write that bypassed history, or a
Karnofsky cleared: a blank is never matched) is flagged without a date.

Cost: no query of its own. The newest MRI is read from the case's scans, which every page showing a
summary has prefetched (cases.summary.summary_prefetch), and what the record held then is annotated on
the assessments those pages prefetch anyway (`with_inputs_then`: correlated subqueries on the history
tables' indexes, one row each, for the scores that read an input). Reading the history per case would
cost a query per case on a sixty-case agenda; one query of the page's changes would have to be loaded
and passed by every page that shows a summary, each adding a query and able to forget it. An
assessment loaded without the annotations (a single one, outside those pages) asks the database itself.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import DateTimeField, JSONField, OuterRef, QuerySet, Subquery, When
from django.db.models.expressions import Case as Choose
from django.db.models.functions import Coalesce, JSONObject

from cases.choices import FrankelGrade, PrimarySite
from cases.models import Assessment, Case, Patient, Scan
from cases.models.assessments import ScoreKind
from core.timezones import local_day


@dataclass(frozen=True)
class RecordInput:
    """A field of the record that a score's form pre-fills from."""

    field: str
    owner: str  # "case" or "patient": the record that holds it
    label: str  # as a reason names it
    choices: Mapping[str, str] | None = None
    unit: str = ""

    def shown(self, value: Any) -> str:
        if value is None or value == "":
            return "not recorded"
        if self.choices is not None:
            return self.choices.get(value, str(value)).split(":")[0]
        return f"{value}{self.unit}"


FRANKEL = RecordInput("frankel_grade", "case", "Frankel grade", dict(FrankelGrade.choices))
KARNOFSKY = RecordInput("karnofsky", "case", "Karnofsky", unit="%")
PRIMARY = RecordInput("primary_site", "patient", "Primary site", dict(PrimarySite.choices))

# What each score's form pre-fills from (cases.assessment_forms.prefilled_components; its tests hold the
# two equal): palsy from Frankel, general condition from Karnofsky, the primary's points and growth.
ALL_INPUTS = (FRANKEL, KARNOFSKY, PRIMARY)
SCORE_INPUTS: dict[str, tuple[RecordInput, ...]] = {
    ScoreKind.SINS: (),
    ScoreKind.TOKUHASHI: (FRANKEL, KARNOFSKY, PRIMARY),
    ScoreKind.TOMITA: (PRIMARY,),
}
OWNERS: dict[str, tuple[type[Case] | type[Patient], str]] = {
    "case": (Case, "case_id"),
    "patient": (Patient, "case__patient_id"),
}


def _kinds_reading(owner: str = "", field: str = "") -> list[str]:
    """The kinds that read any of the owner's inputs, or the one field: the others' rows skip the subquery."""
    return [
        kind
        for kind, inputs in SCORE_INPUTS.items()
        if any(field in (i.field, "") and owner in (i.owner, "") for i in inputs)
    ]


def _then(owner: str) -> Choose:
    """The owner's inputs as its history held them when the score was assessed (a JSON object), for the
    kinds that read them: the newest row at or before then, else the first row. (Two subqueries: SQLite
    refuses an outer column in a subquery's ORDER BY.)"""
    model, key = OWNERS[owner]
    rows = model.history.model.objects.filter(id=OuterRef(key))
    fields = JSONObject(**{i.field: i.field for i in ALL_INPUTS if i.owner == owner})
    before = rows.filter(history_date__lte=OuterRef("assessed_at")).order_by("-history_date", "-history_id")
    first = rows.order_by("history_date", "history_id")
    held = Coalesce(
        *(Subquery(found.values(held=fields)[:1], output_field=JSONField()) for found in (before, first)),
        output_field=JSONField(),
    )
    return Choose(When(kind__in=_kinds_reading(owner=owner), then=held), default=None, output_field=JSONField())


def _since(item: RecordInput) -> Choose:
    """When the owner's history first held its value of now after the score was assessed."""
    model, key = OWNERS[item.owner]
    path = "case" if item.owner == "case" else "case__patient"
    rows = model.history.model.objects.filter(
        id=OuterRef(key), history_date__gt=OuterRef("assessed_at"), **{item.field: OuterRef(f"{path}__{item.field}")}
    ).order_by("history_date")
    first = Subquery(rows.values("history_date")[:1], output_field=DateTimeField())
    return Choose(
        When(kind__in=_kinds_reading(field=item.field), then=first), default=None, output_field=DateTimeField()
    )


def with_inputs_then[Q: QuerySet[Assessment]](assessments: Q) -> Q:
    """Assessments with what the record held when each was assessed, and since when it holds its value of now:
    what `out_of_date` reads (no query of their own when the queryset is a page's prefetch)."""
    annotations: dict[str, Any] = {f"inputs_then_{owner}": _then(owner) for owner in OWNERS}
    annotations.update({f"since_{i.field}": _since(i) for i in ALL_INPUTS})
    return assessments.annotate(**annotations)


def _day(at: dt.datetime) -> str:
    day = local_day(at)
    return f"{day.day} {day:%b %Y}"


def newest_mri(scans: Iterable[Scan]) -> Scan | None:
    """The most recently performed MRI among the case's scans."""
    performed = [scan for scan in scans if scan.is_mri and scan.performed_at]
    return max(performed, key=lambda scan: (scan.performed_at, scan.pk), default=None)


def imaging_reason(assessment: Assessment, mri: Scan | None) -> str | None:
    """Why the imaging makes the score out of date: an MRI performed after the scan it rests on, or after it."""
    if mri is None or mri.performed_at is None:
        return None
    scan = assessment.scan if assessment.scan_id else None
    rests_on = scan.performed_at if scan is not None and scan.performed_at else assessment.assessed_at
    if mri.pk == assessment.scan_id or mri.performed_at <= rests_on:
        return None
    newer = f"The {mri.get_modality_display()} of {_day(mri.performed_at)} is newer than"
    if scan is not None and scan.performed_at:
        return f"{newer} the {scan.get_modality_display()} of {_day(scan.performed_at)} this score rests on."
    return f"{newer} this score."


def input_reason(item: RecordInput, then: Any, now: Any, since: dt.datetime | None) -> str | None:
    """Why a change of one input makes the score out of date, or None when it holds what it held then."""
    if then == now:
        return None
    when = f"on {_day(since)}, " if since is not None else ""
    return f"{item.label} changed {item.shown(then)} → {item.shown(now)} {when}after this score."


def _annotated(assessment: Assessment) -> Assessment:
    if hasattr(assessment, "inputs_then_case"):
        return assessment
    return with_inputs_then(Assessment.objects.filter(pk=assessment.pk)).get()


def out_of_date(assessment: Assessment, case: Case, mri: Scan | None) -> tuple[str, ...]:
    """Each reason the score may be out of date (none: current). `mri` is `newest_mri(case.scans.all())`;
    `case` is the assessment's, with its patient loaded."""
    reasons = [imaging_reason(assessment, mri)]
    inputs = SCORE_INPUTS.get(assessment.kind, ())
    if inputs:
        annotated = _annotated(assessment)
        for item in inputs:
            held = getattr(annotated, f"inputs_then_{item.owner}")
            if held is None:  # no history: nothing to compare with
                continue
            now = getattr(case if item.owner == "case" else case.patient, item.field)
            reasons.append(input_reason(item, held.get(item.field), now, getattr(annotated, f"since_{item.field}")))
    return tuple(reason for reason in reasons if reason)
