"""Reads that feed the clinical pages, each shaped to a fixed number of queries."""

import datetime as dt
from typing import Any

from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from accounts import policy
from accounts.choices import MemberRole
from cases import clocks
from cases.choices import Modality, Presentation, TreatmentModality
from cases.clocks import Clock, ClockState
from cases.models import Case, Patient, Scan
from cases.summary import SUMMARY_PREFETCH


def patient_search(*, query: str) -> QuerySet[Patient]:
    return Patient.objects.search(query).order_by("family_name", "given_name", "id")


def patient_with_cases(*, patient_id: int) -> Patient:
    """The patient, their cases newest first, and each case's scans: three queries."""
    scans = Scan.objects.select_related("reviewed_by").order_by("-requested_at", "-id")
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


def first_whole_spine_mri_at() -> Subquery:
    return Subquery(
        Scan.objects.filter(case=OuterRef("pk"), modality=Modality.MRI_WHOLE_SPINE, performed_at__isnull=False)
        .order_by("performed_at")
        .values("performed_at")[:1]
    )


def could_be_late(key: str, now: dt.datetime) -> Q:
    """Cases whose clock `key` is open and could be at risk or breached by `now`: a superset, the exact
    state is for cases.clocks. With CaseQuerySet.open(), served by case_open_clock_start_idx and
    case_open_rt_idx.
    """
    target = clocks.target(key)
    # A day-unit target can be an hour longer across a clock change: widen the window by that hour.
    started_before = now - (target.due(now) - now) * target.at_risk_fraction + dt.timedelta(hours=1)
    whole_spine_mri = Scan.objects.filter(
        case=OuterRef("pk"), modality=Modality.MRI_WHOLE_SPINE, performed_at__isnull=False
    )
    if key == "mri_whole_spine_24h":
        return Q(
            ~Exists(whole_spine_mri),
            presentation=Presentation.SUSPECTED_MSCC,
            suspected_diagnosis_at__lte=started_before,
        )
    if key == "mri_whole_spine_1w":
        return Q(
            Q(~Exists(whole_spine_mri)) | Q(treatment_plan_agreed_at__isnull=True),
            presentation=Presentation.SUSPECTED_METASTASES,
            suspected_diagnosis_at__lte=started_before,
        )
    return Q(
        treatment_modality=TreatmentModality.RADIOTHERAPY,
        decision_to_treat_at__lte=started_before,
        treatment_start_at__isnull=True,
    )


def late_clock_cases(key: str, now: dt.datetime) -> QuerySet[Case]:
    """Open cases whose clock `key` could be late, earliest start (so earliest due) first, annotated
    with their first whole-spine MRI so cases.clocks needs no scans. PostgreSQL walks
    case_open_clock_start_idx (or case_open_rt_idx) in order and stops at the slice."""
    start = CLOCK_STARTS[key]
    return (
        Case.objects.open()
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


# Who is expected to review which waiting MRI, as the reminders escalate (README, Reminders): the
# radiologists every scan; an oncologist or spinal surgeon the scans of the patients they are the
# responsible clinician for. Everyone else (coordinators chase, the rest of the team reads) sees all.
OWN_PATIENTS_ROLES = frozenset({MemberRole.ONCOLOGIST, MemberRole.SPINAL_SURGEON})


def review_scope(user: Any) -> str:
    """ "mine" when the user is expected to review only their own patients' scans, else "all"."""
    member = policy.member_of(user)
    role = member.role if member is not None and member.active else None
    return "mine" if role in OWN_PATIENTS_ROLES else "all"


def scans_pending_review(*, user: Any = None, everyone: bool = True) -> QuerySet[Scan]:
    """MRI performed and not yet reviewed, most urgent first (Scan.objects.by_urgency()); with
    `everyone` False, only those `user` is expected to review (see review_scope)."""
    scans = Scan.objects.pending_review().select_related("case__patient").by_urgency()
    if not everyone and review_scope(user) == "mine":
        scans = scans.filter(case__responsible_clinician=user)
    return scans
