"""Bad input on the case form: performance status, spinal levels, red flags and neurology."""

import pytest
from django.urls import reverse

from cases.choices import Presentation
from cases.models import Case
from tests.cases.admin_bad_input.helpers import case_form, form_errors
from tests.factories import CaseFactory, PatientFactory

pytestmark = pytest.mark.django_db


def add_case(client, patient, **overrides):
    return client.post(reverse("admin:cases_case_add"), case_form(patient, **overrides))


# --------------------------------------------------------------------------- case


def test_it_saves_a_complete_case(coordinator_client):
    patient = PatientFactory()

    response = add_case(coordinator_client, patient, karnofsky="60", ecog="2", spinal_levels="T4, T6-T8")

    assert response.status_code == 302
    case = Case.objects.get(patient=patient)
    assert case.karnofsky == 60
    assert case.ecog == 2
    assert case.spinal_levels == ["T4", "T6", "T7", "T8"]
    assert case.red_flags == ["limb_weakness", "nocturnal_pain"]


@pytest.mark.parametrize("typed", ["55", "105", "110"])
def test_it_refuses_a_karnofsky_that_is_not_a_multiple_of_10_up_to_100(coordinator_client, typed):
    patient = PatientFactory()

    response = add_case(coordinator_client, patient, karnofsky=typed)

    assert form_errors(response) == {
        "karnofsky": [f"Karnofsky performance status is a multiple of 10 from 0 to 100; {typed} is not."]
    }
    assert Case.objects.count() == 0


@pytest.mark.hazard("HAZ-013")
def test_it_refuses_ecog_6(coordinator_client):
    patient = PatientFactory()

    response = add_case(coordinator_client, patient, ecog="6")

    errors = form_errors(response)
    assert list(errors) == ["ecog"]
    assert "6 is not one of the available choices" in errors["ecog"][0]
    assert Case.objects.count() == 0


@pytest.mark.parametrize(("typed", "bad_level"), [("T13", "T13"), ("L6", "L6"), ("T4, L6", "L6"), ("T11-T13", "T13")])
def test_it_refuses_a_spinal_level_that_does_not_exist_naming_it(coordinator_client, typed, bad_level):
    patient = PatientFactory()

    response = add_case(coordinator_client, patient, spinal_levels=typed)

    errors = form_errors(response)
    assert list(errors) == ["spinal_levels"]
    assert f"'{bad_level}' is not a spinal level" in errors["spinal_levels"][0]
    assert Case.objects.count() == 0


@pytest.mark.hazard("HAZ-017")
def test_it_refuses_suspected_metastases_without_neurology_when_a_neurological_red_flag_is_ticked(
    coordinator_client,
):
    patient = PatientFactory()

    response = add_case(
        coordinator_client,
        patient,
        presentation=Presentation.SUSPECTED_METASTASES,
        red_flags=["nocturnal_pain", "limb_weakness"],
    )

    assert form_errors(response) == {
        "presentation": [
            "Neurological red flags are recorded (limb weakness): this is suspected MSCC with neurology, "
            "not suspected spinal metastases without neurology. "
            "Choose 'Suspected MSCC with neurology' so the 24-hour whole-spine MRI clock runs."
        ]
    }
    assert Case.objects.count() == 0


def test_it_accepts_suspected_metastases_without_neurology_with_pain_red_flags_only(coordinator_client):
    patient = PatientFactory()

    response = add_case(
        coordinator_client,
        patient,
        presentation=Presentation.SUSPECTED_METASTASES,
        red_flags=["nocturnal_pain", "pain_on_straining"],
    )

    assert response.status_code == 302
    assert Case.objects.get().presentation == Presentation.SUSPECTED_METASTASES


def test_it_refuses_a_bad_karnofsky_on_the_change_form_and_keeps_the_old_value(coordinator_client):
    case = CaseFactory(karnofsky=70)

    response = coordinator_client.post(
        reverse("admin:cases_case_change", args=[case.pk]),
        case_form(case.patient, karnofsky="65", loaded_version=str(case.version)),
    )

    assert list(form_errors(response)) == ["karnofsky"]
    case.refresh_from_db()
    assert case.karnofsky == 70
