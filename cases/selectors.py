"""Reads that feed the clinical pages, each shaped to a fixed number of queries."""

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
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
    and not yet stopped); the exact state is then computed by cases.clocks from the loaded rows.
    Two queries whatever the size of the tables.
    """
    now = now or timezone.now()
    whole_spine_mri = Scan.objects.filter(
        case=OuterRef("pk"), modality=Modality.MRI_WHOLE_SPINE, performed_at__isnull=False
    )

    def started_before(key: str) -> dt.datetime:
        target = clocks.target(key)
        # A day-unit target can be an hour longer across a clock change: widen the window by that hour.
        return now - (target.due(now) - now) * target.at_risk_fraction + dt.timedelta(hours=1)

    could_be_late = (
        (
            Q(
                presentation=Presentation.SUSPECTED_MSCC,
                suspected_diagnosis_at__lte=started_before("mri_whole_spine_24h"),
            )
            & ~Exists(whole_spine_mri)
        )
        | (
            Q(
                presentation=Presentation.SUSPECTED_METASTASES,
                suspected_diagnosis_at__lte=started_before("mri_whole_spine_1w"),
            )
            & (~Exists(whole_spine_mri) | Q(treatment_plan_agreed_at__isnull=True))
        )
        | Q(
            treatment_modality=TreatmentModality.RADIOTHERAPY,
            decision_to_treat_at__lte=started_before("rt_start_24h"),
            treatment_start_at__isnull=True,
        )
    )
    cases = (
        Case.objects.open()
        .filter(could_be_late)
        .select_related("patient")
        .prefetch_related(Prefetch("scans", queryset=Scan.objects.order_by("performed_at")))
    )
    attention = (ClockState.AT_RISK, ClockState.BREACHED)
    late = [
        clock for case in cases for clock in clocks.case_clocks(case, now) if clock.is_open and clock.state in attention
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
