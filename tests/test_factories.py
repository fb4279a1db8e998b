"""The test data itself: a staff member's name can never contain a patient's, so a test that checks a
patient's name is absent cannot fail because a clinician happens to share it."""

import factory

from tests.factories import STAFF_FAMILY_NAMES, STAFF_GIVEN_NAMES, PatientFactory, UserFactory


def patient_name_pool() -> set[str]:
    """Every given and family name Faker can give a PatientFactory patient (factory_boy's locale)."""
    (person,) = [p for p in factory.Faker._get_faker().providers if "providers.person" in type(p).__module__]
    return set(person.first_names) | set(person.last_names)


def test_no_name_a_patient_can_be_given_is_part_of_a_staff_members_name() -> None:
    patient_names = patient_name_pool()
    assert {"Thomas", "Megan"} <= patient_names
    clashes = {
        (patient, staff)
        for staff in STAFF_GIVEN_NAMES + STAFF_FAMILY_NAMES
        for patient in patient_names
        if patient.lower() in staff.lower() or staff.lower() in patient.lower()
    }
    assert clashes == set()


def test_patients_take_their_names_from_that_pool_and_staff_from_theirs() -> None:
    patient = PatientFactory.build()
    user = UserFactory.build()
    assert {patient.given_name, patient.family_name} <= patient_name_pool()
    assert user.first_name in STAFF_GIVEN_NAMES and user.last_name in STAFF_FAMILY_NAMES
