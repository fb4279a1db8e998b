"""The coordinators' lists stay fast on a regional network: constant queries, no full-table count."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Patient
from core.paginators import COUNT_CAP, EstimatedCountPaginator
from tests.factories import CaseFactory, PatientFactory, ScanFactory, coordinator

pytestmark = pytest.mark.django_db

FULL_COUNT = re.compile(r"SELECT COUNT\(\*\)", re.IGNORECASE)


def capture(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in ctx.captured_queries]


def unbounded_counts(queries):
    """COUNT(*) queries that read a whole table: a bounded count has a LIMIT inside."""
    return [sql for sql in queries if FULL_COUNT.search(sql) and "LIMIT" not in sql.upper()]


@pytest.mark.parametrize(
    ("url_name", "query"),
    [
        ("admin:cases_patient_changelist", ""),
        ("admin:cases_patient_changelist", "?primary_site=breast&case_status=imaging"),
        ("admin:cases_patient_changelist", "?pending_mri_review=yes"),
        ("admin:cases_patient_changelist", "?q=Smi"),
        ("admin:cases_case_changelist", ""),
        ("admin:cases_case_changelist", "?status=imaging&pending_mri_review=yes"),
        ("admin:cases_scan_changelist", ""),
        ("admin:cases_scan_changelist", "?state=pending_review"),
    ],
)
def test_it_lists_with_the_same_queries_at_any_size_and_never_counts_a_whole_table(client, url_name, query):
    client.force_login(coordinator())
    url = reverse(url_name) + query
    for _ in range(3):
        ScanFactory(performed=True)
    _, small = capture(client, url)
    for _ in range(40):
        ScanFactory(performed=True, case=CaseFactory(patient=PatientFactory(family_name="Smith")))

    response, large = capture(client, url)

    assert len(large) == len(small), "\n".join(large)
    assert unbounded_counts(large) == []
    assert "cl" in response.context


@pytest.mark.hazard("HAZ-020")
def test_the_patient_list_finds_a_patient_by_nhs_number_typed_with_spaces(client):
    client.force_login(coordinator())
    patient = PatientFactory(nhs_number="9434765919")
    PatientFactory()

    response = client.get(reverse("admin:cases_patient_changelist"), {"q": "943 476 5919"})

    assert list(response.context["cl"].result_list) == [patient]


def test_the_paginator_caps_its_count_instead_of_reading_every_row(monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "count_cap", 5)
    PatientFactory.create_batch(7)

    paginator = EstimatedCountPaginator(Patient.objects.all(), per_page=2)

    assert paginator.count == 5
    assert paginator.count_is_capped
    assert paginator.count_text == "more than 5"
    assert COUNT_CAP == 10_000


def test_the_paginator_counts_exactly_below_the_cap():
    PatientFactory.create_batch(3)
    paginator = EstimatedCountPaginator(Patient.objects.all(), per_page=2)
    assert paginator.count == 3
    assert not paginator.count_is_capped
    assert paginator.num_pages == 2
