"""A search pages through its matches in name order, whatever the names: the search sorts by an
expression no index serves (core.paginators.sorted_not_walked, so a narrow search on a large table
does not walk the name index), and must give exactly the order and pages of the plain columns. On
PostgreSQL a page is read from candidates the name indexes give (cases.patient_search): the same pages."""

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

NAMES = st.sampled_from(
    ["Smith", "smith", "Smithson", "SMITH", "Smyth", "Jones", "Smith-Jones", "Ó Smith", "Sm", "Sm_th", "Smi%", "ANN"]
)
QUERIES = [
    "smi",
    "Smith",
    "sm",
    "jones",
    "smith, a",
    "smith,",
    ", ann",
    "ann",
    "Ó",
    "sm_",
    "smi%",
    "ann smith",
    "smith ann",
]


def pages(query: str, page_size: int) -> list[int]:
    """Every page as the patient list reads it: the page's first matches (+1) after the last one shown."""
    seen, after = [], None
    while True:
        matches = Patient.objects.search(query, first=page_size + 1, after=after)
        window = Keyset(matches, PATIENT_ORDER, after, page_size, sort=PATIENT_SEARCH_ORDER)
        seen += [patient.pk for patient in window]
        if not window.has_next:
            return seen
        after = window.next_after


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    people=st.lists(st.tuples(NAMES, st.sampled_from(["Ann", "ann", "Bob", "Smith", "Zoë", "Ann-Marie"])), max_size=14),
    query=st.sampled_from(QUERIES),
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


# --------------------------------------------------------------------------- the workspace's patient list


def workspace_pages(client, params: dict) -> tuple[list[int], str]:
    """Every page of the workspace's patient list for `params`, and the first page's HTML."""
    seen, number, first_html = [], 1, ""
    url = reverse("admin:cases_patient_changelist")
    while True:
        response = client.get(url, params | {"p": str(number)})
        assert response.status_code == 200
        first_html = first_html or response.content.decode()
        seen += [patient.pk for patient in response.context["cl"].result_list]
        if number >= response.context["cl"].paginator.num_pages:
            return seen, first_html
        number += 1


@pytest.mark.parametrize(
    "params",
    [{"q": "smi"}, {"q": "ann"}, {"q": "smith, a"}, {"q": "smi", "primary_site": "breast"}, {"q": "smi", "o": "-4"}],
)
def test_the_workspace_pages_a_search_in_the_lists_order_with_every_match_once(client, monkeypatch, params):
    monkeypatch.setattr("cases.admin.record.PatientAdmin.list_per_page", 7)
    client.force_login(coordinator())
    for number in range(40):
        family = ["Smith", "smith", "Smithson", "SMITH", "Smyth", "Jones"][number % 6]
        PatientFactory(
            family_name=family,
            given_name=["Ann", "Bob", "ann"][number % 3],
            primary_site=["breast", "lung"][number % 2],
        )

    seen, _ = workspace_pages(client, params)

    admin_list = client.get(reverse("admin:cases_patient_changelist"), params | {"all": ""}).context["cl"]
    assert seen == [patient.pk for patient in admin_list.result_list]  # "Show all": every match, sorted in full
    assert len(seen) == len(set(seen)) > 7


def test_the_workspace_says_more_than_the_cap_when_a_search_matches_more(client, monkeypatch):
    monkeypatch.setattr("core.paginators.SearchPaginator.count_cap", 5)
    client.force_login(coordinator())
    for _ in range(7):
        PatientFactory(family_name="Smith")
    url = reverse("admin:cases_patient_changelist")

    html = client.get(url, {"q": "smi"}).content.decode()
    assert "more than 5 results" in html and "more than 5 patients" in html

    PatientFactory.reset_sequence(0)
    html = client.get(url, {"q": "smith, "}).content.decode()
    assert "more than 5 results" in html


def test_the_workspace_counts_a_search_below_the_cap_exactly(client):
    client.force_login(coordinator())
    for _ in range(3):
        PatientFactory(family_name="Smith")

    html = client.get(reverse("admin:cases_patient_changelist"), {"q": "smi"}).content.decode()

    assert "3 results" in html and "3 patients" in html and "more than" not in html


def test_a_search_page_runs_the_same_queries_and_counts_once_for_few_or_many_matches(client):
    client.force_login(coordinator())
    url = reverse("admin:cases_patient_changelist")
    PatientFactory(family_name="Smith")
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"q": "smi", "p": "1"})
    for _ in range(60):
        PatientFactory(family_name="Smith")
    with CaptureQueriesContext(connection) as many:
        client.get(url, {"q": "smi", "p": "2"})

    # session, user, user and group permissions, the count (capped), the page
    assert len(many) == len(few) == 6, [q["sql"] for q in many]
    assert sum("COUNT(" in q["sql"] for q in many) == 1
    if connection.vendor == "postgresql":  # the page from the name indexes' candidates (cases.patient_search)
        assert "= ANY(ARRAY(WITH RECURSIVE" in many[-1]["sql"]


def test_the_patient_list_runs_the_same_queries_for_few_or_many_matches(client, django_assert_num_queries):
    client.force_login(clinician_user())
    PatientFactory(family_name="Smith")
    # session, user, the page (no count)
    with django_assert_num_queries(3):
        client.get(reverse("patient-list"), {"q": "smi"})
    for _ in range(60):
        PatientFactory(family_name="Smith")
    with django_assert_num_queries(3):
        response = client.get(reverse("patient-list"), {"q": "smi"})
    assert len(response.context["page"]) == 50
