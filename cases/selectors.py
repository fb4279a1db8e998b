"""Reads that feed the clinical pages, each shaped to a fixed number of queries."""

import datetime as dt
from typing import Any

from django.db.models import DateTimeField, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from accounts import policy
from cases import clocks
from cases.choices import Modality, Presentation, TreatmentModality
from cases.clocks import Clock, ClockState
from cases.models import Case, Patient, Scan
from cases.models.record import CLOCK_START_SQL, RADIOTHERAPY_IN_PLAN
from cases.summary import SUMMARY_PREFETCH
from core.paginators import sorted_not_walked

PATIENT_ORDER = ["family_name", "given_name", "id"]  # served by patient_name_order_idx
# A search sorts its matches, found by the pattern indexes, instead of walking the name order (pages and
# workspace; core.paginators.sorted_not_walked). Same values, same order.
PATIENT_SEARCH_ORDER: list[str | Combinable] = [sorted_not_walked("family_name"), "given_name", "id"]


def patient_search(*, query: str, first: int | None = None, after: int | None = None) -> QuerySet[Patient]:
    """Patients matching `query` in name order; with `first`, narrowed to the first `first` after patient
    `after` (a page: Patient.objects.search)."""
    return Patient.objects.search(query, first=first, after=after).order_by(*PATIENT_ORDER)


def patient_with_cases(*, patient_id: int) -> Patient:
    """The patient, their cases newest first, and each case's scans: three queries."""
    scans = Scan.objects.select_related("reviewed_by", "clinician_reviewed_by").order_by("-requested_at", "-id")
    cases = (
        Case.objects.select_related("responsible_clinician")
        .prefetch_related(Prefetch("scans", queryset=scans))
        .order_by("-referred_at", "-id")
    )
    # The communication needs with the patient: the banner flags them (cases/_communication_flag.html).
    patients = Patient.objects.select_related("communication_needs")
    return patients.prefetch_related(Prefetch("cases", queryset=cases)).get(pk=patient_id)


def case_detail(*, case_id: int) -> Case:
    """The case with everything its page and its summary (scores, NOMS, clocks) read: three queries."""
    return (
        Case.objects.select_related("patient__communication_needs", "responsible_clinician")
        .prefetch_related(*SUMMARY_PREFETCH)
        .get(pk=case_id)
    )


# A day-unit target is an hour longer or shorter across a clock change, so the database's order (by
# start) can differ from the exact due order for clocks started within the same hour: fetch a few
# more rows than shown, and let cases.clocks order them exactly.
ORDER_SLACK = 10
# Each clock: the Case field it starts from. Their order is the order of case_clocks.
CLOCK_STARTS = {
    "mri_whole_spine_24h": "suspected_diagnosis_at",
    "mri_whole_spine_1w": "suspected_diagnosis_at",
    "rt_start_24h": "decision_to_treat_at",
}


# Where the MRI clocks start (cases.clocks.clock_start): the suspicion time, or the referral when blank.
CLOCK_START = CLOCK_START_SQL


def whole_spine_mris_since_start() -> QuerySet[Scan]:
    """The outer case's whole-spine MRIs performed at or after its clock start: only these stop an MRI clock
    (cases.clocks.first_whole_spine_mri)."""
    return Scan.objects.filter(
        case=OuterRef("pk"),
        modality=Modality.MRI_WHOLE_SPINE,
        performed_at__isnull=False,
        performed_at__gte=Coalesce(OuterRef("suspected_diagnosis_at"), OuterRef("referred_at")),
    )


def first_whole_spine_mri_at(or_later: Any = None) -> Subquery:
    """The first whole-spine MRI performed at or after the clock start (cases.clocks.first_whole_spine_mri);
    with `or_later` (a non-null field of the outer case), the later of that MRI and it (NULL without an MRI)."""
    first = whole_spine_mris_since_start().order_by("performed_at")
    if or_later is None:
        return Subquery(first.values("performed_at")[:1])
    later = Greatest("performed_at", OuterRef(or_later.name), output_field=DateTimeField())
    return Subquery(first.annotate(later=later).values("later")[:1])


def could_be_late(key: str, now: dt.datetime) -> Q:
    """Cases whose clock `key` is open and could be at risk or breached by `now`: a superset, the exact
    state is for cases.clocks. By its rules: an MRI clock starts at the suspicion time or else the
    referral (CLOCK_START, the expression the open-case index is built on), only a whole-spine MRI since
    the start stops it, and any radiotherapy in the plan starts the radiotherapy clock. It needs no
    annotation from the caller.
    """
    target = clocks.target(key)
    # A day-unit target can be an hour longer across a clock change: widen the window by that hour.
    started_before = now - (target.due(now) - now) * target.at_risk_fraction + dt.timedelta(hours=1)
    mri_since_start = whole_spine_mris_since_start()
    started_in_time = LessThanOrEqual(CLOCK_START, started_before)
    # The cheap tests before the MRI lookup: PostgreSQL evaluates an OR's branches as written, so the
    # lookup runs only for the cases of that presentation started in time (at size L, 1,220 lookups an
    # idle sweep instead of 2,300).
    if key == "mri_whole_spine_24h":
        return Q(Q(presentation=Presentation.SUSPECTED_MSCC), started_in_time, ~Exists(mri_since_start))
    if key == "mri_whole_spine_1w":
        return Q(
            Q(presentation=Presentation.SUSPECTED_METASTASES),
            started_in_time,
            Q(treatment_plan_agreed_at__isnull=True) | Q(~Exists(mri_since_start)),
        )
    return (
        RADIOTHERAPY_IN_PLAN
        & Q(decision_to_treat_at__lte=started_before, radiotherapy_started_at__isnull=True)
        & (Q(treatment_start_at__isnull=True) | ~Q(treatment_modality=TreatmentModality.RADIOTHERAPY))
    )


def late_clock_cases(key: str, now: dt.datetime) -> QuerySet[Case]:
    """Cases on the worklists (open, patient alive) whose clock `key` could be late, earliest start (so
    earliest due) first, annotated with their first whole-spine MRI since the start so cases.clocks
    needs no scans."""
    start = "clock_start" if key in ("mri_whole_spine_24h", "mri_whole_spine_1w") else CLOCK_STARTS[key]
    return (
        Case.objects.on_worklists()
        .alias(clock_start=CLOCK_START)
        .filter(could_be_late(key, now))
        .annotate(**{clocks.FIRST_MRI_ANNOTATION: first_whole_spine_mri_at()})
        .select_related("patient")
        .order_by(start, "id")
    )


def clocks_needing_attention(*, now: dt.datetime | None = None, limit: int = 25) -> list[Clock]:
    """Open NICE clocks at risk or breached, most urgent first: the dashboard worklist.

    Per target, the database picks the open cases whose clock could be late, earliest start first
    (for one target that is earliest due first, and breached clocks are due earliest), and stops
    after `limit` and a little slack; cases.clocks then decides each state exactly from those rows
    alone and the most urgent `limit` of all targets are kept. One query per target however many
    cases are late, and nothing loaded that is not shown.
    """
    now = now or timezone.now()
    attention = (ClockState.AT_RISK, ClockState.BREACHED)
    late = [
        clock
        for key in CLOCK_STARTS
        for case in late_clock_cases(key, now)[: limit + ORDER_SLACK]
        for clock in clocks.case_clocks(case, now)
        if clock.target.key == key and clock.is_open and clock.state in attention
    ]
    return clocks.most_urgent(late)[:limit]


def review_scope(user: Any) -> str:
    """ "mine" when the user is expected to review only their own patients' scans (who is, as the reminders
    escalate, is the policy's: `reviews_own_patients_only`), else "all"."""
    return "mine" if policy.reviews_own_patients_only(user) else "all"


def scans_pending_review(*, user: Any = None, everyone: bool = True) -> QuerySet[Scan]:
    """MRI performed and not yet reviewed, most urgent first (Scan.objects.by_urgency()); with
    `everyone` False, only those `user` is expected to review (see review_scope)."""
    scans = (
        Scan.objects.pending_review()  # of living patients: a patient who has died is on no worklist
        .select_related("case__patient")
        .by_urgency()
    )
    if not everyone and review_scope(user) == "mine":
        scans = scans.filter(case__responsible_clinician=user)
    return scans
