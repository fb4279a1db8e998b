"""Helpers for the service audit tests: cases whose clocks start, stop or run at chosen times."""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from cases.choices import Modality, Presentation, TreatmentModality
from mdt.models import Decision, Intent
from reports.measures import Filters
from reports.periods import Period
from reports.selectors import ServiceReport, service_report
from tests.factories import CaseFactory, ScanFactory, UserFactory

LONDON = ZoneInfo("Europe/London")


def local(*args: int) -> dt.datetime:
    """A London wall-clock time as a UTC datetime, so that adding a timedelta adds elapsed time."""
    return dt.datetime(*args, tzinfo=LONDON).astimezone(dt.UTC)


def whole_spine_mri(case: Any, at: dt.datetime, modality: str = Modality.MRI_WHOLE_SPINE) -> Any:
    return ScanFactory(case=case, modality=modality, requested_at=at - dt.timedelta(hours=1), performed_at=at)


def mscc_case(start: dt.datetime, mri_at: dt.datetime | None = None, **kwargs: Any) -> Any:
    """Suspected MSCC with neurology: the 24-hour MRI clock starts at `start`."""
    case = CaseFactory(presentation=Presentation.SUSPECTED_MSCC, suspected_diagnosis_at=start, **kwargs)
    if mri_at:
        whole_spine_mri(case, mri_at)
    return case


def metastases_case(
    start: dt.datetime, mri_at: dt.datetime | None = None, plan_at: dt.datetime | None = None, **kwargs: Any
) -> Any:
    """Suspected spinal metastases without neurology: the 1-week MRI-and-plan clock starts at `start`."""
    case = CaseFactory(
        presentation=Presentation.SUSPECTED_METASTASES,
        red_flags=["nocturnal_pain"],
        suspected_diagnosis_at=start,
        treatment_plan_agreed_at=plan_at,
        **kwargs,
    )
    if mri_at:
        whole_spine_mri(case, mri_at)
    return case


def radiotherapy_case(decided: dt.datetime, started: dt.datetime | None = None, **kwargs: Any) -> Any:
    """A decision to treat with radiotherapy: the 24-hour start clock."""
    fields = {"presentation": Presentation.KNOWN_DISEASE_REVIEW, "treatment_modality": TreatmentModality.RADIOTHERAPY}
    return CaseFactory(**fields | kwargs, decision_to_treat_at=decided, treatment_start_at=started)


def decision(case: Any, at: dt.datetime, treatments: list[str], **kwargs: Any) -> Decision:
    """An urgent (between-meetings) decision: needs no agenda item."""
    return Decision.objects.create(
        case=case,
        urgent=True,
        treatments=treatments,
        intent=Intent.PALLIATIVE,
        rationale="Test",
        decided_at=at,
        recorded_by=kwargs.pop("recorded_by", None) or UserFactory(),
        **kwargs,
    )


def report_for(first: dt.date, last: dt.date, **filters: str) -> ServiceReport:
    return service_report(period=Period(first, last), filters=Filters(**filters), now=timezone.now())


def totals(report: ServiceReport) -> dict[str, tuple[int, int, int]]:
    """measure key -> (met, breach, pending)."""
    return {m.key: (m.total.met, m.total.breach, m.total.pending) for m in report.measures}
