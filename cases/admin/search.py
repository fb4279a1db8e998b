"""The workspace's patient search: the pages' rule (`Patient.objects.search`) on every list that finds
records by patient, so a search matches the same patients everywhere and uses the indexes.

Django's own search fields would write `UPPER(nhs_number) = UPPER(...)` and similar for every field,
which no index serves: at 100,000 patients the case list read every patient for one MRN. The search
here compares the stored, normalised values (MRN in capitals, NHS number as ten digits) and name
prefixes on their pattern indexes (docs/benchmarks.md).
"""

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from cases.models import Patient


class PatientSearchMixin:
    """For a ModelAdmin whose rows belong to a patient through `patient_path` ("" for Patient itself)."""

    patient_path = "patient"

    def other_matches(self, term: str) -> Q | None:
        """Rows matched otherwise (an accession number ...), or None."""
        return None

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any], search_term: str) -> tuple[Any, bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        patients = Patient.objects.search(term).values("pk")
        condition = Q(pk__in=patients) if not self.patient_path else Q(**{f"{self.patient_path}__in": patients})
        other = self.other_matches(term)
        return queryset.filter(condition | other if other is not None else condition), False
