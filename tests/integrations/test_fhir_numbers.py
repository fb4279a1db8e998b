"""Numbers in the FHIR API's addresses and search parameters are ASCII digits within the id column's range:
"\u00b2", full-width or other scripts' digits, a sign or a number past the column is a 400 naming the parameter
(or a 404 for a read), never a 500 and never read as another patient's id."""

from urllib.parse import quote

import pytest

from tests.integrations.test_fhir_api import get

pytestmark = pytest.mark.django_db

ODD = ["\u00b2", "\uff11\uff12", "-1", "99999999999999999999", "\u0663"]
FULL_WIDTH = {ord(digit): ord(digit) + 0xFEE0 for digit in "0123456789"}  # full-width digits


@pytest.mark.parametrize("raw", ODD)
@pytest.mark.parametrize(
    "template", ["Patient?_count={}", "Patient?after={}", "Patient?_id={}", "Condition?patient={}"]
)
def test_an_odd_number_in_a_search_is_a_400_naming_the_parameter(client, api, record, template, raw):
    response = get(client, template.format(quote(raw)), api[1])
    assert response.status_code == 400, response.content
    outcome = response.json()
    assert outcome["resourceType"] == "OperationOutcome"
    name = template.split("?")[1].split("=")[0]
    assert name.lstrip("_") in outcome["issue"][0]["diagnostics"] or "reference" in outcome["issue"][0]["diagnostics"]


@pytest.mark.parametrize("raw", ODD)
@pytest.mark.parametrize("resource_type", ["Patient", "Encounter", "CarePlan", "ImagingStudy"])
def test_an_odd_number_in_a_read_is_a_404(client, api, record, resource_type, raw):
    assert get(client, f"{resource_type}/{quote(raw)}", api[1]).status_code == 404


def test_full_width_digits_are_not_read_as_the_patients_id(client, api, record):
    pk = record["patient"].pk
    assert get(client, f"Patient/{pk}", api[1]).status_code == 200
    assert get(client, f"Patient/{quote(str(pk).translate(FULL_WIDTH))}", api[1]).status_code == 404
    assert get(client, f"Condition/primary-{quote(str(pk).translate(FULL_WIDTH))}", api[1]).status_code == 404
    response = get(client, f"Condition?patient={quote(str(pk).translate(FULL_WIDTH))}", api[1])
    assert response.status_code == 400
