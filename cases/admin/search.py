"""The workspace's patient search: the pages' rule (`Patient.objects.search`) on every list that finds
records by patient, so a search matches the same patients everywhere and uses the indexes.

Django's own search fields would write `UPPER(nhs_number) = UPPER(...)` and similar for every field,
which no index serves: at 100,000 patients the case list read every patient for one MRN. The search
here compares the stored, normalised values (MRN in capitals, NHS number as ten digits) and name
prefixes on their pattern indexes (docs/benchmarks.md).
"""

from typing import Any, cast

from django.contrib.admin.views.main import PAGE_VAR, SEARCH_VAR
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from cases.models import Patient
from cases.models.record import PatientQuerySet
from core.paginators import SearchPaginator


class PatientSearchMixin:
    """For a ModelAdmin whose rows belong to a patient through `patient_path` ("" for Patient itself).

    A search's matches are counted up to SEARCH_COUNT_CAP ("more than 1,000 results"); the patient list
    itself, searched with nothing else chosen (no filter, its name order), reads each page's rows only
    (Patient.objects.search with `first`), not every patient a common prefix matches."""

    patient_path = "patient"

    def other_matches(self, term: str) -> Q | None:
        """Rows matched otherwise (an accession number ...), or None."""
        return None

    def get_search_results(self, request: HttpRequest, queryset: QuerySet[Any], search_term: str) -> tuple[Any, bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        if not self.patient_path:  # the patients themselves: the rule on the list's own rows, no subquery
            return cast(PatientQuerySet, queryset).search(term), False
        patients = Patient.objects.search(term).values("pk")
        condition = Q(**{f"{self.patient_path}__in": patients})
        other = self.other_matches(term)
        return queryset.filter(condition | other if other is not None else condition), False

    def get_paginator(
        self,
        request: HttpRequest,
        queryset: QuerySet[Any],
        per_page: int,
        orphans: int = 0,
        allow_empty_first_page: bool = True,
    ) -> Any:
        term = request.GET.get(SEARCH_VAR, "").strip()
        if not term:
            return super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)  # type: ignore[misc]
        first = None
        if not self.patient_path and set(request.GET) <= {SEARCH_VAR, PAGE_VAR}:
            rows = cast(PatientQuerySet, self.get_queryset(request))  # type: ignore[attr-defined]
            ordering = queryset.query.order_by
            first = lambda n: rows.search(term, first=n).order_by(*ordering)  # noqa: E731
        return SearchPaginator(queryset, per_page, orphans, allow_empty_first_page, first=first)
