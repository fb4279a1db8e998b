"""Condition and Observation searches: each type is gathered from several tables and paged as one keyset.

Searched like the others: by `_lastUpdated`, by patient (`patient` or `subject`) or by neither, a page at a
time with a next link. A resource's place in the order is its key, its row's id times the type's width
plus its slot (which table, and which of the row's resources), so one whole number, the next link's
`after`, marks a place in every table at once. A page asks each table for its rows from that place on,
ordered by id, `_count` + 2 of them (the first may hold only resources already sent): one query a table
however deep. It keeps the `_count` lowest keys; there is a next page when more were found.
Neither type has an identifier of its own, so neither is searched by `identifier`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from cases.models import Assessment, Case, Patient, Scan
from integrations.fhir import observations, record
from integrations.fhir.hits import Hit, Page
from integrations.fhir.search import Search, reference_id


@dataclass(frozen=True)
class Source:
    rows: Callable[[Search], QuerySet[Any]]  # filtered by the search: _lastUpdated, the patient
    resources: Callable[[Any], list[tuple[int, Hit]]]  # a row's resources, each with its slot


def _patient(search: Search, path: str) -> Q:
    raw = search.first("patient") or search.first("subject")
    return Q(**{path: reference_id(raw)}) if raw else Q()


def gather(search: Search, width: int, sources: tuple[Source, ...]) -> Page:
    after = search.after
    start = 0 if after is None else (after + 1) // width  # the first id with a slot after the cursor
    found: list[tuple[int, Hit]] = []
    for source in sources:
        for row in source.rows(search).filter(pk__gte=start).order_by("pk")[: search.count + 2]:
            found += [(row.pk * width + slot, hit) for slot, hit in source.resources(row)]
    found = sorted((item for item in found if after is None or item[0] > after), key=lambda item: item[0])
    kept = found[: search.count]
    return Page([hit for _, hit in kept], kept[-1][0] if len(found) > search.count else None)


# Condition: the primary cancer (one per patient) and the spinal metastases (one per case) ------

CONDITIONS = (
    Source(
        lambda s: Patient.objects.filter(s.updated_q("updated_at"), _patient(s, "pk")),
        lambda row: [(0, Hit(record.primary_condition(row), row.pk))],
    ),
    Source(
        lambda s: Case.objects.filter(s.updated_q("updated_at"), _patient(s, "patient_id")),
        lambda row: [(1, Hit(record.metastases_condition(row), row.patient_id, row.pk))],
    ),
)


def search_conditions(search: Search) -> Page:
    return gather(search, 2, CONDITIONS)


# Observation: scores, ESCC grades of graded scans, and what a case records -------------------

CASE_SLOTS = {"frankel": 2, "frankel-after": 3, "ecog": 4, "karnofsky": 5}
RECORDS_AN_OBSERVATION = (
    Q(frankel_grade__gt="") | Q(frankel_after_treatment__gt="") | Q(ecog__isnull=False) | Q(karnofsky__isnull=False)
)


def _case_observations(row: Case) -> list[tuple[int, Hit]]:
    found = observations.case_observations(row)
    return [(CASE_SLOTS[obs["id"].rsplit("-", 1)[0]], Hit(obs, row.patient_id, row.pk)) for obs in found]


OBSERVATIONS = (
    Source(
        lambda s: Assessment.objects.select_related("case", "assessed_by").filter(
            s.updated_q("created_at"), _patient(s, "case__patient_id")
        ),
        lambda row: [(0, Hit(observations.score(row, row.case.patient_id), row.case.patient_id, row.case_id))],
    ),
    Source(
        lambda s: Scan.objects.select_related("case").filter(
            s.updated_q("updated_at"), _patient(s, "case__patient_id"), escc_grade__isnull=False
        ),
        lambda row: [(1, Hit(observations.escc(row, row.case.patient_id), row.case.patient_id, row.case_id))],
    ),
    Source(
        lambda s: Case.objects.filter(RECORDS_AN_OBSERVATION, s.updated_q("updated_at"), _patient(s, "patient_id")),
        _case_observations,
    ),
)


def search_observations(search: Search) -> Page:
    return gather(search, 6, OBSERVATIONS)
