"""Reads that feed the clinical pages, each shaped to a fixed number of queries."""

from django.db.models import Prefetch, QuerySet

from cases.models import Case, Patient, Scan


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
    scans = Scan.objects.select_related("reviewed_by").order_by("-requested_at", "-id")
    return (
        Case.objects.select_related("patient", "responsible_clinician")
        .prefetch_related(Prefetch("scans", queryset=scans))
        .get(pk=case_id)
    )


def scans_pending_review() -> QuerySet[Scan]:
    """MRI performed and not yet reviewed, longest waiting first (uses scan_pending_review_idx)."""
    return Scan.objects.pending_review().select_related("case__patient").order_by("performed_at", "id")
