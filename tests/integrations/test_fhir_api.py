"""The FHIR R4 read API: every resource it returns is valid FHIR, searches page by keyset,
tokens are checked (401/403, never a sign-in redirect) and every read is recorded."""

from typing import Any

import pytest
from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class

from accounts.models import AccessRecord
from integrations.models import ApiClient
from tests.factories import PatientFactory
from tests.integrations.conftest import issue

pytestmark = pytest.mark.django_db

TYPES = ["Patient", "Condition", "ImagingStudy", "Observation", "CarePlan", "Encounter"]


def get(client: Any, path: str, token: str | None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.get(f"/fhir/{path}", **headers)


def valid(data: dict[str, Any]) -> dict[str, Any]:
    """Validate a response against the R4B models, and each Bundle entry against its own type."""
    get_fhir_model_class(data["resourceType"]).model_validate(data)
    for entry in data.get("entry", []):
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert entry["fullUrl"].endswith(f"/fhir/{resource['resourceType']}/{resource['id']}")
    return data


def search(client: Any, path: str, token: str) -> list[dict[str, Any]]:
    response = get(client, path, token)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    data = valid(response.json())
    assert data["type"] == "searchset"
    return [entry["resource"] for entry in data.get("entry", [])]


def test_every_resource_type_is_searched_and_read_as_valid_fhir(client, api, record):
    _, token = api
    patient = record["patient"].pk
    for resource_type in TYPES:
        found = search(client, f"{resource_type}?patient={patient}" if resource_type != "Patient" else "Patient", token)
        assert found, resource_type
        for resource in found:
            response = get(client, f"{resource_type}/{resource['id']}", token)
            assert response.status_code == 200, (resource_type, resource["id"])
            assert valid(response.json()) == resource


def test_the_patient_carries_the_nhs_number_the_uk_core_way_and_the_mrn(client, api, record):
    (found,) = search(client, "Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9990000018", api[1])
    assert {"system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9990000018"} in found["identifier"]
    mrn = next(i for i in found["identifier"] if i.get("type", {}).get("coding", [{}])[0].get("code") == "MR")
    assert mrn["value"] == "MRN900001"
    assert search(client, "Patient?identifier=MRN900001", api[1])[0]["id"] == found["id"]
    assert search(client, "Patient?identifier=999 000 0018", api[1])[0]["id"] == found["id"]
    assert search(client, "Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9990000026", api[1]) == []


def test_conditions_are_the_primary_cancer_and_the_spinal_metastases(client, api, record):
    found = search(client, f"Condition?patient=Patient/{record['patient'].pk}", api[1])
    ids = {resource["id"] for resource in found}
    assert ids == {f"primary-{record['patient'].pk}", f"metastases-{record['case'].pk}"}


def test_observations_carry_scores_with_components_escc_frankel_and_performance_status(client, api, record):
    found = {o["id"]: o for o in search(client, f"Observation?patient={record['patient'].pk}", api[1])}
    case = record["case"].pk
    sins = found[f"score-{record['sins'].pk}"]
    assert sins["valueInteger"] == 9 and len(sins["component"]) == 6
    assert sins["interpretation"][0]["coding"][0]["code"] == "potentially_unstable"
    incomplete = found[f"score-{record['incomplete'].pk}"]
    assert "valueInteger" not in incomplete and incomplete["status"] == "preliminary"
    assert incomplete["dataAbsentReason"]["coding"][0]["code"] == "unknown"
    assert found[f"escc-{record['scan'].pk}"]["valueCodeableConcept"]["coding"][0]["code"] == "2"
    assert found[f"frankel-{case}"]["valueCodeableConcept"]["coding"][0]["code"] == "D"
    ecog = found[f"ecog-{case}"]
    assert ecog["code"]["coding"][0] == {
        "system": "http://loinc.org", "code": "89247-1", "display": "ECOG Performance Status score"
    }  # fmt: skip
    assert ecog["valueInteger"] == 2
    assert found[f"karnofsky-{case}"]["code"]["coding"][0]["code"] == "89243-0"


def test_imaging_study_is_found_by_accession_number_and_study_uid(client, api, record):
    (by_accession,) = search(client, "ImagingStudy?identifier=ACC1001", api[1])
    (by_uid,) = search(client, "ImagingStudy?identifier=urn:dicom:uid|urn:oid:1.2.826.0.1.99.1", api[1])
    assert by_accession["id"] == by_uid["id"] == str(record["scan"].pk)
    assert by_accession["modality"][0]["code"] == "MR"


def test_the_mdt_decision_is_a_care_plan_of_a_multidisciplinary_assessment_at_the_encounter(client, api, record):
    (plan,) = search(client, f"CarePlan?patient={record['patient'].pk}", api[1])
    assert plan["category"][0]["coding"][0]["code"] == "312384001"
    assert plan["encounter"]["reference"] == f"Encounter/{record['item'].pk}"
    (encounter,) = search(client, f"Encounter?patient={record['patient'].pk}", api[1])
    assert encounter["status"] == "finished"
    assert encounter["identifier"][0]["value"] == str(record["meeting"].pk)


def test_search_pages_follow_next_links_by_keyset_until_every_patient_is_seen_once(client, api):
    patients = PatientFactory.create_batch(7)
    seen: list[str] = []
    path = "Patient?_count=3"
    for _ in range(5):
        response = get(client, path, api[1])
        data = valid(response.json())
        seen += [entry["resource"]["id"] for entry in data.get("entry", [])]
        following = [link["url"] for link in data["link"] if link["relation"] == "next"]
        if not following:
            break
        assert "_count=3" in following[0] and "after=" in following[0]
        path = following[0].split("/fhir/", 1)[1]
    assert seen == [str(p.pk) for p in patients]


def test_last_updated_filters_by_the_record_change_time(client, api):
    old, new = PatientFactory(), PatientFactory()
    from cases.models import Patient

    Patient.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timezone.timedelta(days=10))
    since = (timezone.now() - timezone.timedelta(days=1)).date().isoformat()
    assert [p["id"] for p in search(client, f"Patient?_lastUpdated=ge{since}", api[1])] == [str(new.pk)]
    assert [p["id"] for p in search(client, f"Patient?_lastUpdated=lt{since}", api[1])] == [str(old.pk)]


@pytest.mark.parametrize(
    "path",
    ["Patient?identifer=123", "Patient?_lastUpdated=yesterday", "Patient?_count=0", "Observation?patinet=1",
     "Condition?identifier=1",
     "Patient?identifier=http://other.example|1", "Patient?_lastUpdated=ge2026-11-30T09:00:00"],
)  # fmt: skip
@pytest.mark.hazard("HAZ-048")
def test_a_bad_search_is_a_400_naming_the_parameter_never_everything(client, api, path):
    PatientFactory()
    response = get(client, path, api[1])
    assert response.status_code == 400
    data = valid(response.json())
    assert data["resourceType"] == "OperationOutcome" and data["issue"][0]["code"] == "invalid"


def test_an_unknown_id_is_a_404_operation_outcome(client, api):
    response = get(client, "Patient/424242", api[1])
    assert response.status_code == 404
    assert valid(response.json())["issue"][0]["code"] == "not-found"


@pytest.mark.parametrize("resource_type", TYPES)
@pytest.mark.hazard("HAZ-007")
def test_no_token_or_an_unknown_one_is_401_and_never_a_sign_in_redirect(client, record, resource_type):
    for token in (None, "mdt_not-a-real-token"):
        response = get(client, f"{resource_type}?patient={record['patient'].pk}", token)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert "canary" not in response.content.decode().lower()


def test_a_signed_in_session_is_not_a_token(client, admin_user, record):
    client.force_login(admin_user)
    assert get(client, f"Patient/{record['patient'].pk}", None).status_code == 401


@pytest.mark.hazard("HAZ-007")
def test_a_token_without_the_scope_is_403_and_a_withdrawn_one_401(client, record):
    api_client, token = issue("imaging only", scopes=("ImagingStudy",))
    assert get(client, f"ImagingStudy/{record['scan'].pk}", token).status_code == 200
    response = get(client, f"Patient/{record['patient'].pk}", token)
    assert response.status_code == 403 and valid(response.json())["issue"][0]["code"] == "forbidden"
    ApiClient.objects.filter(pk=api_client.pk).update(active=False)
    assert get(client, f"ImagingStudy/{record['scan'].pk}", token).status_code == 401


def test_the_token_is_stored_hashed_and_its_system_user_cannot_sign_in(api):
    api_client, token = api
    stored = ApiClient.objects.values_list("token_hash", "token_prefix").get(pk=api_client.pk)
    assert token not in stored[0] and token.startswith(stored[1])
    assert not api_client.user.is_active and not api_client.user.has_usable_password()


def test_every_resource_read_is_recorded_against_the_system(client, api, record):
    api_client, token = api
    PatientFactory.create_batch(2)
    search(client, "Patient", token)
    get(client, f"ImagingStudy/{record['scan'].pk}", token)
    rows = AccessRecord.objects.filter(user=api_client.user, kind="api_read")
    assert rows.count() == 4
    assert rows.filter(patient_id=record["patient"].pk, case_id=record["case"].pk).count() == 1


def test_a_page_of_100_patients_costs_a_fixed_number_of_queries(client, api, django_assert_num_queries):
    PatientFactory.create_batch(100)
    get(client, "Patient?_count=10", api[1])  # last_used_at is written at most once a minute
    # the client by token hash; the page of 101 rows; the access records (one INSERT)
    with django_assert_num_queries(3):
        response = get(client, "Patient?_count=100", api[1])
    assert len(response.json()["entry"]) == 100


def test_the_capability_statement_and_openapi_are_public_and_describe_every_type(client):
    data = valid(client.get("/fhir/metadata").json())
    assert data["fhirVersion"] == "4.0.1"
    assert {r["type"] for r in data["rest"][0]["resource"]} == set(TYPES)
    openapi = client.get("/fhir/openapi.json").json()
    assert {f"/{t}" for t in TYPES} | {f"/{t}/{{id}}" for t in TYPES} <= set(openapi["paths"])


def test_an_amended_decision_revokes_the_care_plan_it_replaces(client, api, record):
    from mdt.models import Decision

    original = record["decision"]
    Decision.objects.filter(pk=original.pk).update(status=Decision.Status.SUPERSEDED)
    amendment = Decision.objects.create(
        case=original.case, agenda_item=original.agenda_item, treatments=["sbrt_srs"], intent="palliative",
        rationale="Radioresistant", recorded_by=original.recorded_by, amends=original, amendment_reason="New MRI",
    )  # fmt: skip
    plans = {plan["id"]: plan for plan in search(client, f"CarePlan?patient={record['patient'].pk}", api[1])}
    assert plans[str(original.pk)]["status"] == "revoked"
    assert plans[str(amendment.pk)]["replaces"] == [{"reference": f"CarePlan/{original.pk}"}]
    assert plans[str(amendment.pk)]["activity"][0]["detail"]["code"]["coding"][0]["code"] == "sbrt_srs"
