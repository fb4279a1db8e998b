"""The national cancer datasets from the MDT record: the Cancer Outcomes and Services Dataset's
MDT and treatment items, and the cancer waiting times' decision-to-treat and first-treatment dates.

One row per case listed at an MDT meeting in the month (local dates) that was discussed, reviewed against
an agreed standard of care, or not discussed (carried forward): the review column says which, and a case
not discussed has no decision or treatment items to report, so they are not counted as missing. Headers are the national
item identifiers where docs/integration.md ("National datasets") gives one (CR0010 and CR0100, confirmed; CR3190,
CR0460, CR0470, CR0510 and CR1450, still to be confirmed against the COSD user guide) and the NHS Data
Dictionary item names elsewhere; each item keeps its readable name (`name`), shown on the data-quality page.
That section lists each item, its source in the record and what is to be confirmed before a submission.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, DateField, Prefetch
from django.db.models.functions import TruncMonth
from django.utils import timezone

from core.timezones import local_zone
from mdt.models import AgendaItem, Decision

DISCUSSION_TYPE = {
    AgendaItem.Source.AWAITING_MDT: "first",
    AgendaItem.Source.NEW_MRI_REPORT: "first",
    AgendaItem.Source.ADDED: "first",
    AgendaItem.Source.CARRIED_FORWARD: "rediscussion",
    AgendaItem.Source.FOLLOW_UP: "rediscussion",
    AgendaItem.Source.RATIFICATION: "ratification",
}


def _date(value: dt.datetime | None) -> str:
    return timezone.localtime(value).date().isoformat() if value else ""


def _decision(item: AgendaItem) -> Decision | None:
    current = [d for d in item.decisions.all() if d.status != Decision.Status.SUPERSEDED]
    return current[0] if current else None


def _treated(item: AgendaItem) -> bool:
    decision = _decision(item)
    return bool(decision and not decision.no_treatment)


def _discussed(item: AgendaItem) -> bool:
    """Discussed (fully or against a standard of care): a case not discussed has no decision to report."""
    return item.status == AgendaItem.Status.DISCUSSED


@dataclass(frozen=True)
class Item:
    header: str  # the CSV's header: the national item identifier where the docs give one, else `name`
    meaning: str
    value: Callable[[AgendaItem], str]
    required: Callable[[AgendaItem], bool] = lambda item: True
    of_decision: bool = False  # a decision or treatment item: left blank, and not required, when not discussed
    name: str = ""  # the NHS Data Dictionary item name, when the header is an identifier

    @property
    def label(self) -> str:
        """The item's readable name (what the data-quality report lists as missing)."""
        return self.name or self.header


NOT_DISCUSSED, STANDARD_OF_CARE, FULL_DISCUSSION = "not discussed", "standard of care", "full discussion"


def _review(item: AgendaItem) -> str:
    """Not discussed (carried forward), a review against an agreed standard of care (live.StandardOfCare),
    or a full discussion."""
    if not _discussed(item):
        return NOT_DISCUSSED
    listed = getattr(item, "standard_of_care", None)
    return STANDARD_OF_CARE if listed is not None and listed.withdrawn_at is None else FULL_DISCUSSION


def _modality(item: AgendaItem) -> str:
    decision = _decision(item)
    return decision.modality if decision else ""


ITEMS: tuple[Item, ...] = (
    Item("CR0010", "NHS number", lambda i: i.case.patient.nhs_number or "", name="NHS NUMBER"),
    Item("LOCAL PATIENT IDENTIFIER", "hospital number (MRN)", lambda i: i.case.patient.mrn),
    Item("CR0100", "date of birth", lambda i: i.case.patient.date_of_birth.isoformat(), name="PERSON BIRTH DATE"),
    Item("MULTIDISCIPLINARY TEAM DISCUSSION DATE (CANCER)", "the meeting's date", lambda i: _date(i.meeting.starts_at)),
    Item("CR3190", "first discussion, re-discussion or ratification (local codes)",
         lambda i: DISCUSSION_TYPE.get(AgendaItem.Source(i.source), ""), name="MULTIDISCIPLINARY TEAM MEETING TYPE"),
    Item("MDT REVIEW (LOCAL)",
         "full discussion, reviewed against an agreed standard of care, or not discussed (local codes)", _review),
    Item("CR0460", "the decision's intent (local codes)",
         lambda i: d.intent if (d := _decision(i)) else "", of_decision=True, name="CANCER CARE PLAN INTENT"),
    Item("CR0470", "the decision's modality (local codes)", _modality, of_decision=True,
         name="PLANNED CANCER TREATMENT TYPE"),
    Item("CR0510", "ECOG 0 to 4", lambda i: "" if i.case.ecog is None else str(i.case.ecog),
         name="PERFORMANCE STATUS (ADULT)"),
    Item("CR1450", "treating site (ODS code)",
         lambda i: i.case.provider_site or str(settings.DATASET_PROVIDER_SITE), _treated, True,
         name="ORGANISATION SITE IDENTIFIER (OF PROVIDER)"),
    Item("DATE OF DECISION TO TREAT (CANCER WAITING TIMES)", "the case's decision to treat",
         lambda i: _date(i.case.decision_to_treat_at), _treated, True),
    Item("TREATMENT START DATE (CANCER)", "first treatment (the waiting times' first definitive treatment)",
         lambda i: _date(i.case.treatment_start_at), _treated, True),
)  # fmt: skip


@dataclass
class Row:
    case_id: int
    patient_id: int
    mrn: str
    discussed: bool = True
    values: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)


REPORTED = (AgendaItem.Status.DISCUSSED, AgendaItem.Status.NOT_DISCUSSED)


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime(year, month, 1))
    following = dt.datetime(year + month // 12, month % 12 + 1, 1)
    return start, timezone.make_aware(following)


def rows(year: int, month: int) -> list[Row]:
    """The month's cases discussed or not discussed, each with its items and what is missing: two queries."""
    start, end = month_bounds(year, month)
    items = (
        AgendaItem.objects.filter(status__in=REPORTED, meeting__starts_at__gte=start, meeting__starts_at__lt=end)
        .select_related("case__patient", "meeting", "standard_of_care")
        .prefetch_related(Prefetch("decisions", queryset=Decision.objects.order_by("-decided_at", "-id")))
        .order_by("meeting__starts_at", "meeting_id", "position", "id")
    )
    found = []
    for item in items:
        discussed = _discussed(item)
        row = Row(case_id=item.case_id, patient_id=item.case.patient_id, mrn=item.case.patient.mrn, discussed=discussed)
        for spec in ITEMS:
            if spec.of_decision and not discussed:
                row.values[spec.header] = ""
                continue
            row.values[spec.header] = spec.value(item)
            if not row.values[spec.header] and spec.required(item):
                row.missing.append(spec.label)
        found.append(row)
    return found


def months() -> list[tuple[dt.date, int]]:
    """Each month (local) with a case to report, newest first, and how many cases it has: one query."""
    month = TruncMonth("meeting__starts_at", output_field=DateField(), tzinfo=local_zone())
    counted = AgendaItem.objects.filter(status__in=REPORTED).annotate(month=month).values("month")
    return list(counted.annotate(cases=Count("id")).order_by("-month").values_list("month", "cases"))


def as_csv_rows(found: list[Row]) -> list[list[Any]]:
    return [[spec.header for spec in ITEMS], *[[row.values[spec.header] for spec in ITEMS] for row in found]]
