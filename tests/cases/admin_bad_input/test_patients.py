"""Bad input on the patient form: NHS numbers, dates of birth, duplicate MRNs."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Patient
from tests.cases.admin_bad_input.helpers import form_errors, patient_form, typed_date
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


VALID_NHS = "9434765919"


def add_patient(client, **overrides):
    return client.post(reverse("admin:cases_patient_add"), patient_form(**overrides))


# --------------------------------------------------------------------------- the forms as rendered


def test_it_renders_the_add_forms_with_the_inline_prefixes_these_tests_post(coordinator_client):
    patient_page = coordinator_client.get(reverse("admin:cases_patient_add")).content.decode()
    case_page = coordinator_client.get(reverse("admin:cases_case_add")).content.decode()

    assert 'name="cases-TOTAL_FORMS"' in patient_page
    assert 'name="scans-TOTAL_FORMS"' in case_page
    assert 'name="referred_at_0"' in case_page
    assert 'name="referred_at_1"' in case_page


# --------------------------------------------------------------------------- patient


def test_it_saves_a_complete_patient(coordinator_client):
    response = add_patient(coordinator_client, nhs_number=VALID_NHS)

    assert response.status_code == 302
    patient = Patient.objects.get(mrn="RX100200")
    assert (patient.family_name, patient.date_of_birth, patient.nhs_number) == (
        "Byron",
        dt.date(1950, 5, 17),
        VALID_NHS,
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9434765918", "This is not a valid NHS number: its check digit is wrong. Check it was typed correctly."),
        ("943476591", "An NHS number has 10 digits; this one has 9."),
        ("94347659190", "An NHS number has 10 digits; this one has 11."),
        ("943 476 591", "An NHS number has 10 digits; this one has 9."),
        (
            "943476591A",
            "An NHS number has digits only (spaces and dashes are fine): 943476591A has other characters.",
        ),
    ],
)
def test_it_refuses_a_patient_with_a_bad_nhs_number(coordinator_client, typed, message):
    response = add_patient(coordinator_client, nhs_number=typed)

    errors = form_errors(response)
    assert errors == {"nhs_number": [message]}
    assert Patient.objects.count() == 0


def test_it_refuses_an_nhs_number_with_a_superscript_digit_instead_of_failing(coordinator_client):
    # "²" passes str.isdigit() but int("²") raises ValueError: a validator trusting isdigit() gives a server error.
    response = add_patient(coordinator_client, nhs_number="943 476 591²")

    assert list(form_errors(response)) == ["nhs_number"]
    assert Patient.objects.count() == 0


@pytest.mark.parametrize("typed", ["943 476 5919", "943-476-5919", " 943 476 5919 "])
def test_it_accepts_an_nhs_number_typed_with_spaces_or_dashes_and_stores_10_digits(coordinator_client, typed):
    response = add_patient(coordinator_client, nhs_number=typed)

    assert response.status_code == 302
    assert Patient.objects.get(mrn="RX100200").nhs_number == VALID_NHS


def test_it_never_stores_an_nhs_number_in_other_scripts_digits(coordinator_client):
    # Full-width digits (pasted from some documents) pass str.isdigit(): if stored as they are, the same NHS
    # number can be recorded twice and no search by the ASCII digits finds it.
    PatientFactory(mrn="RX000001", nhs_number=VALID_NHS)
    full_width = "".join(chr(0xFF10 + int(digit)) for digit in VALID_NHS)  # FULLWIDTH DIGIT ZERO is U+FF10

    add_patient(coordinator_client, nhs_number=full_width)

    assert list(Patient.objects.order_by("nhs_number").values_list("nhs_number", flat=True)) == [VALID_NHS]


def test_it_refuses_a_date_of_birth_in_the_future(coordinator_client):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    response = add_patient(coordinator_client, date_of_birth=typed_date(tomorrow))

    assert form_errors(response) == {"date_of_birth": ["Date of birth cannot be in the future."]}
    assert Patient.objects.count() == 0


def test_it_accepts_a_date_of_birth_of_today(coordinator_client):
    response = add_patient(coordinator_client, date_of_birth=typed_date(timezone.localdate()))

    assert response.status_code == 302
    assert Patient.objects.count() == 1


@pytest.mark.parametrize("typed", ["31/12/1899", "17/05/1850"])
def test_it_refuses_a_date_of_birth_before_1900(coordinator_client, typed):
    response = add_patient(coordinator_client, date_of_birth=typed)

    assert form_errors(response) == {"date_of_birth": ["Date of birth cannot be before 1900."]}
    assert Patient.objects.count() == 0


@pytest.mark.hazard("HAZ-001")
def test_it_refuses_a_second_patient_with_the_same_mrn(coordinator_client):
    PatientFactory(mrn="RX100200")

    response = add_patient(coordinator_client, mrn="RX100200")

    assert form_errors(response) == {"mrn": ["A patient with this MRN already exists."]}
    assert Patient.objects.count() == 1


@pytest.mark.hazard("HAZ-020")
@pytest.mark.parametrize("typed", [VALID_NHS, "943 476 5919", "943-476-5919"])
def test_it_refuses_a_second_patient_with_the_same_nhs_number_however_it_is_typed(coordinator_client, typed):
    PatientFactory(mrn="RX000001", nhs_number=VALID_NHS)

    response = add_patient(coordinator_client, nhs_number=typed)

    assert form_errors(response) == {"nhs_number": ["A patient with this NHS number already exists."]}
    assert Patient.objects.count() == 1


def test_it_saves_patients_whose_nhs_number_is_not_known(coordinator_client):
    first = add_patient(coordinator_client, mrn="RX000001", nhs_number="")
    second = add_patient(coordinator_client, mrn="RX000002", nhs_number="   ", family_name="Lovelace")

    assert (first.status_code, second.status_code) == (302, 302)
    assert list(Patient.objects.order_by("mrn").values_list("mrn", "nhs_number")) == [
        ("RX000001", None),
        ("RX000002", None),
    ]


def test_it_refuses_a_bad_nhs_number_on_the_change_form_and_keeps_the_old_one(coordinator_client):
    patient = PatientFactory(mrn="RX100200", nhs_number=VALID_NHS, family_name="Byron")

    response = coordinator_client.post(
        reverse("admin:cases_patient_change", args=[patient.pk]),
        # the edit form carries the version it was opened at (stale-edit protection)
        patient_form(nhs_number="9434765918", family_name="Changed", loaded_version=str(patient.version)),
    )

    assert list(form_errors(response)) == ["nhs_number"]
    patient.refresh_from_db()
    assert (patient.nhs_number, patient.family_name) == (VALID_NHS, "Byron")
