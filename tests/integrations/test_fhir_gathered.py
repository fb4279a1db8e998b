"""Condition and Observation searched like the other types: by _lastUpdated with or without a patient,
a keyset page at a time with next links, every Bundle valid FHIR."""

from typing import Any

import pytest
from django.utils import timezone

from accounts.models import AccessRecord
from cases.models import Assessment, Case, Patient, Scan
from tests.factories import AssessmentFactory, CaseFactory, PatientFactory, ScanFactory
from tests.integrations.test_fhir_api import get, valid

pytestmark = pytest.mark.django_db


def every_page(client: Any, path: str, token: str) -> tuple[list[str], int]:
    """Follow the next links from `path`: every resource id in order, and how many pages it took."""
    seen: list[str] = []
    for pages in range(1, 50):
        response = get(client, path, token)
        assert response.status_code == 200, response.content
        data = valid(response.json())
        assert data["type"] == "searchset"
        seen += [entry["resource"]["id"] for entry in data.get("entry", [])]
        following = [link["url"] for link in data["link"] if link["relation"] == "next"]
        if not following:
            return seen, pages
        path = following[0].split("/fhir/", 1)[1]
    raise AssertionError("the next links never ended")


def graded_case(patient: Patient | None = None) -> Case:
    """A case recording ECOG and Karnofsky (two observations), with a SINS score and a graded scan."""
    case = CaseFactory(patient=patient or PatientFactory(), ecog=1, karnofsky=80, frankel_grade="")
    scan = ScanFactory(case=case, performed=True)
    Scan.objects.filter(pk=scan.pk).update(escc_grade=2, escc_level="T7")
    AssessmentFactory(case=case, scan=scan)
    return case


def test_conditions_without_a_patient_come_a_page_at_a_time_each_seen_once(client, api):
    cases = [CaseFactory() for _ in range(4)]
    expected = {f"primary-{case.patient_id}" for case in cases} | {f"metastases-{case.pk}" for case in cases}

    seen, pages = every_page(client, "Condition?_count=3", api[1])

    assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen)) == 8
    assert pages == 3


def test_observations_without_a_patient_come_a_page_at_a_time_each_seen_once(client, api):
    cases = [graded_case() for _ in range(3)]
    expected = set()
    for case in cases:
        expected |= {f"ecog-{case.pk}", f"karnofsky-{case.pk}"}
        expected |= {f"score-{row.pk}" for row in Assessment.objects.filter(case=case)}
        expected |= {f"escc-{row.pk}" for row in Scan.objects.filter(case=case)}
    CaseFactory(ecog=None, karnofsky=None, frankel_grade="")  # records no observation: adds none

    seen, pages = every_page(client, "Observation?_count=5", api[1])

    assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen)) == 12
    assert pages == 3


def test_a_page_of_one_walks_every_observation_of_a_case_one_at_a_time(client, api):
    case = graded_case()
    seen, pages = every_page(client, f"Observation?patient={case.patient_id}&_count=1", api[1])
    assert len(seen) == len(set(seen)) == 4 and pages == 4


def test_last_updated_without_a_patient_finds_what_changed_and_nothing_else(client, api):
    old, new = graded_case(), graded_case()
    long_ago = timezone.now() - timezone.timedelta(days=10)
    Patient.objects.filter(pk=old.patient_id).update(updated_at=long_ago)
    Case.objects.filter(pk=old.pk).update(updated_at=long_ago)
    Scan.objects.filter(case=old).update(updated_at=long_ago)
    Assessment.objects.filter(case=old).update(created_at=long_ago)
    since = (timezone.now() - timezone.timedelta(days=1)).date().isoformat()

    conditions, _ = every_page(client, f"Condition?_lastUpdated=ge{since}", api[1])
    assert sorted(conditions) == sorted([f"primary-{new.patient_id}", f"metastases-{new.pk}"])
    changed, _ = every_page(client, f"Observation?_lastUpdated=ge{since}", api[1])
    unchanged, _ = every_page(client, f"Observation?_lastUpdated=lt{since}", api[1])
    assert len(changed) == len(unchanged) == 4
    assert all(f"-{new.pk}" in id_ for id_ in changed if id_.startswith(("ecog", "karnofsky")))
    assert {f"ecog-{old.pk}", f"karnofsky-{old.pk}"} <= set(unchanged)


def test_a_patients_search_finds_only_that_patients_resources(client, api):
    mine, other = graded_case(), graded_case()
    seen, _ = every_page(client, f"Observation?subject=Patient/{mine.patient_id}", api[1])
    assert len(seen) == 4 and f"ecog-{other.pk}" not in seen
    conditions, _ = every_page(client, f"Condition?patient={mine.patient_id}", api[1])
    assert sorted(conditions) == sorted([f"primary-{mine.patient_id}", f"metastases-{mine.pk}"])
    assert every_page(client, "Condition?patient=424242", api[1])[0] == []


def test_every_resource_on_a_page_is_recorded_against_the_system_and_nothing_more(client, api):
    graded_case(), graded_case()  # four Conditions: each patient's primary cancer and their case's metastases
    api_client, token = api

    bundle = get(client, "Condition?_count=2", token).json()

    shown = [int(entry["resource"]["subject"]["reference"].split("/")[1]) for entry in bundle["entry"]]
    rows = AccessRecord.objects.filter(user=api_client.user, kind="api_read").order_by("id")
    # the page's two resources, each recorded against its patient; the two not on the page, not at all
    assert len(shown) == 2 and list(rows.values_list("patient_id", flat=True)) == shown


@pytest.mark.parametrize("resource_type,queries", [("Condition", 2), ("Observation", 3)])
def test_a_page_costs_a_query_a_table_however_deep(client, api, django_assert_num_queries, resource_type, queries):
    for _ in range(6):
        graded_case()
    get(client, f"{resource_type}?_count=2", api[1])  # last_used_at is written at most once a minute
    first = get(client, f"{resource_type}?_count=2", api[1]).json()
    deeper = next(link["url"] for link in first["link"] if link["relation"] == "next").split("/fhir/", 1)[1]
    # the client by token hash; one query a table; the access records (one INSERT)
    with django_assert_num_queries(queries + 2):
        assert get(client, deeper, api[1]).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["Condition?identifier=1", "Observation?identifier=1", "Condition?patient=abc", "Observation?_lastUpdated=soon",
     "Condition?after=x"],
)  # fmt: skip
@pytest.mark.hazard("HAZ-048")
def test_a_bad_condition_or_observation_search_is_a_400_never_everything(client, api, path):
    """Neither type has an identifier: searching by one is refused, not answered with every resource."""
    CaseFactory()
    response = get(client, path, api[1])
    assert response.status_code == 400
    assert valid(response.json())["issue"][0]["code"] == "invalid"


def test_encounters_are_found_by_their_meeting_identifier(client, api, record):
    from integrations.fhir import codes
    from mdt.models import AgendaItem

    other = AgendaItem.objects.create(meeting=record["meeting"], case=CaseFactory(), status="discussed", position=2)
    system = codes.meeting_system()
    both, _ = every_page(client, f"Encounter?identifier={system}|{record['meeting'].pk}", api[1])
    assert sorted(both) == sorted([str(record["item"].pk), str(other.pk)])
    assert every_page(client, f"Encounter?identifier={record['meeting'].pk + 1}", api[1])[0] == []
    assert get(client, "Encounter?identifier=http://other.example|1", api[1]).status_code == 400
