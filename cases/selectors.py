"""Reads that feed the clinical pages, each shaped to a fixed number of queries."""

import datetime as dt

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from cases import clocks
from cases.choices import Modality, Presentation, TreatmentModality
from cases.clocks import Clock, ClockState
from cases.models import Case, Patient, Scan
from cases.summary import SUMMARY_PREFETCH


def patient_search(*, query: str) -> QuerySet[Patient]:
    return Patient.objects.search(query).order_by("family_name", "given_name", "id")


def patient_with_cases(*, patient_id: int) -> Patient:
    """The patient, their cases newest first, and each case's scans: three queries."""
    scans = Scan.objects.select_related("reviewed_by", "clinician_reviewed_by").order_by("-requested_at", "-id")
    cases = (
        Case.objects.select_related("responsible_clinician")
        .prefetch_related(Prefetch("scans", queryset=scans))
        .order_by("-referred_at", "-id")
    )
    return Patient.objects.prefetch_related(Prefetch("cases", queryset=cases)).get(pk=patient_id)


def case_detail(*, case_id: int) -> Case:
    """The case with everything its page and its summary (scores, NOMS, clocks) read: three queries."""
    return (
        Case.objects.select_related("patient", "responsible_clinician")
        .prefetch_related(*SUMMARY_PREFETCH)
        .get(pk=case_id)
    )


def clocks_needing_attention(*, now: dt.datetime | None = None, limit: int = 25) -> list[Clock]:
    """Open NICE clocks at risk or breached, most urgent first: the dashboard worklist.

    The database narrows the cases to those whose clock could be at risk (started long enough ago
    and not yet stopped) by the rules of cases.clocks: the clock starts at the suspicion time, or
    at the referral when that is blank; only a whole-spine MRI performed at or after the start
    stops it; any radiotherapy in the plan starts the radiotherapy clock; a patient who has died
    is on no worklist. The exact state is then computed by cases.clocks from the loaded rows.
    Two queries whatever the size of the tables.
    """
    now = now or timezone.now()
    clock_start = Coalesce("suspected_diagnosis_at", "referred_at")
    mri_since_start = Scan.objects.filter(
        case=OuterRef("pk"),
        modality=Modality.MRI_WHOLE_SPINE,
        performed_at__isnull=False,
        performed_at__gte=Coalesce(OuterRef("suspected_diagnosis_at"), OuterRef("referred_at")),
    )

    def started_before(key: str) -> dt.datetime:
        target = clocks.target(key)
        # A day-unit target can be an hour longer across a clock change: widen the window by that hour.
        return now - (target.due(now) - now) * target.at_risk_fraction + dt.timedelta(hours=1)

    could_be_late = (
        (
            Q(presentation=Presentation.SUSPECTED_MSCC, clock_start__lte=started_before("mri_whole_spine_24h"))
            & ~Exists(mri_since_start)
        )
        | (
            Q(presentation=Presentation.SUSPECTED_METASTASES, clock_start__lte=started_before("mri_whole_spine_1w"))
            & (~Exists(mri_since_start) | Q(treatment_plan_agreed_at__isnull=True))
        )
        | (
            (Q(treatment_modality=TreatmentModality.RADIOTHERAPY) | Q(radiotherapy_planned=True))
            & Q(decision_to_treat_at__lte=started_before("rt_start_24h"), radiotherapy_started_at__isnull=True)
            & (Q(treatment_start_at__isnull=True) | ~Q(treatment_modality=TreatmentModality.RADIOTHERAPY))
        )
    )
    cases = (
        Case.objects.on_worklists()
        .alias(clock_start=clock_start)
        .filter(could_be_late)
        .select_related("patient")
        .prefetch_related(Prefetch("scans", queryset=Scan.objects.order_by("performed_at")))
    )
    attention = (ClockState.AT_RISK, ClockState.BREACHED)
    late = [
        clock for case in cases for clock in clocks.case_clocks(case, now) if clock.is_open and clock.state in attention
    ]
    return clocks.most_urgent(late)[:limit]


def scans_pending_review() -> QuerySet[Scan]:
    """MRI performed and not yet reviewed, longest waiting first (uses scan_pending_review_idx)."""
    return (
        Scan.objects.pending_review()
        .filter(case__patient__died_on__isnull=True)  # a patient who has died is on no worklist
        .select_related("case__patient")
        .order_by("performed_at", "id")
    )
