"""A search pages through its matches in name order, whatever the names: the search sorts by an
expression no index serves (core.paginators.sorted_not_walked, so a narrow search on a large table
does not walk the name index), and must give exactly the order and pages of the plain columns."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Patient
from cases.selectors import PATIENT_ORDER, PATIENT_SEARCH_ORDER
from core.paginators import Keyset
from tests.factories import PatientFactory, clinician_user, coordinator

pytestmark = pytest.mark.django_db

NAMES = st.sampled_from(["Smith", "smith", "Smithson", "SMITH", "Smyth", "Jones", "Smith-Jones", "Ó Smith", "Sm"])


def pages(query: str, page_size: int) -> list[int]:
    seen, after = [], None
    while True:
        window = Keyset(Patient.objects.search(query), PATIENT_ORDER, after, page_size, sort=PATIENT_SEARCH_ORDER)
        seen += [patient.pk for patient in window]
        if not window.has_next:
            return seen
        after = window.next_after


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    people=st.lists(st.tuples(NAMES, st.sampled_from(["Ann", "ann", "Bob", "Smith", "Zoë"])), max_size=14),
    query=st.sampled_from(["smi", "Smith", "sm", "jones", "smith, a", "ann", "Ó"]),
    page_size=st.integers(min_value=1, max_value=5),
)
def test_paging_a_search_gives_every_match_once_in_name_order(people, query, page_size):
    with transaction.atomic():
        for family, given_name in people:
            PatientFactory(family_name=family, given_name=given_name)
        expected = list(Patient.objects.search(query).order_by(*PATIENT_ORDER).values_list("pk", flat=True))

        assert pages(query, page_size) == expected
        transaction.set_rollback(True)


def order_by_clause(client, params) -> str:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("patient-list"), params).status_code == 200
    (listing,) = [q["sql"] for q in queries if 'FROM "cases_patient"' in q["sql"] and "ORDER BY" in q["sql"]]
    return listing.rsplit("ORDER BY", 1)[1]


def test_a_search_sorts_its_matches_and_the_plain_list_walks_the_name_index(client):
    client.force_login(clinician_user())
    PatientFactory(family_name="Smith", given_name="Ann")

    assert "||" in order_by_clause(client, {"q": "smi"})  # sorted_not_walked: an expression, not the column
    assert "||" not in order_by_clause(client, {})  # the whole list: served by patient_name_order_idx


def test_the_workspace_search_sorts_its_matches_too(client):
    client.force_login(coordinator())
    PatientFactory(family_name="Smith", given_name="Ann")
    url = reverse("admin:cases_patient_changelist")

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"q": "smi"})

    assert [p.family_name for p in response.context["cl"].result_list] == ["Smith"]
    listing = [q["sql"] for q in queries if 'FROM "cases_patient"' in q["sql"] and "LIMIT" in q["sql"]]
    assert listing and all("||" in sql.rsplit("ORDER BY", 1)[1] for sql in listing if "ORDER BY" in sql)
