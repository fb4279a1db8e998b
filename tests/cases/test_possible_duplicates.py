"""Possible duplicate patients (HAZ-020, cases.duplicates): the same family name and date of birth, whatever the
case, accents, spaces and punctuation; asked by the workspace's patient form before it registers anyone."""

import datetime as dt
import string
import unicodedata

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from cases.duplicates import possible_duplicates
from cases.models import Patient
from tests.cases.admin_bad_input.helpers import form_errors, patient_form
from tests.factories import PatientFactory, coordinator

pytestmark = [pytest.mark.django_db, pytest.mark.hazard("HAZ-020")]

BORN = dt.date(1950, 1, 1)
ACCENTS = [chr(mark) for mark in range(0x300, 0x370)]  # the combining diacritical marks


@st.composite
def spellings(draw, name: str) -> str:
    """`name` as someone might type it: any case, accents on any letter, spaces, hyphens or apostrophes between."""
    typed = []
    for letter in name:
        typed.append(letter.upper() if draw(st.booleans()) else letter.lower())
        typed += draw(st.lists(st.sampled_from(ACCENTS), max_size=2))
        typed.append(draw(st.sampled_from(["", "", " ", "-", "'"])))
    text = "".join(typed).strip(" -'") or name
    return unicodedata.normalize(draw(st.sampled_from(["NFC", "NFD"])), text)


@given(data=st.data(), name=st.text(alphabet=string.ascii_letters, min_size=1, max_size=12))
def test_a_family_name_typed_with_other_case_accents_or_spaces_finds_the_registered_patient(data, name):
    with transaction.atomic():
        registered = PatientFactory(family_name=data.draw(spellings(name)), date_of_birth=BORN, nhs_number=None)
        typed = Patient(family_name=data.draw(spellings(name)), date_of_birth=BORN)
        found = [patient.pk for patient in possible_duplicates(typed)]
        transaction.set_rollback(True)

    assert found == [registered.pk]


def test_another_date_of_birth_or_family_name_is_not_a_possible_duplicate():
    PatientFactory(family_name="Griffiths", date_of_birth=BORN, nhs_number=None)

    assert possible_duplicates(Patient(family_name="Griffiths", date_of_birth=dt.date(1950, 1, 2))) == []
    assert possible_duplicates(Patient(family_name="Griffith", date_of_birth=BORN)) == []


def test_the_patient_itself_and_one_with_another_nhs_number_are_not_possible_duplicates():
    registered = PatientFactory(family_name="Griffiths", date_of_birth=BORN, nhs_number="9434765919")
    twin = PatientFactory(family_name="Griffiths", date_of_birth=BORN, nhs_number=None)

    assert possible_duplicates(registered) == [twin]
    assert possible_duplicates(Patient(family_name="Griffiths", date_of_birth=BORN, nhs_number="9434765870")) == [twin]
    assert possible_duplicates(Patient(family_name="Griffiths", date_of_birth=BORN)) == [registered, twin]


def test_the_check_is_one_query_however_many_share_the_birthday(django_assert_num_queries):
    PatientFactory.create_batch(6, date_of_birth=BORN, nhs_number=None)
    PatientFactory(family_name="Griffiths", date_of_birth=BORN, nhs_number=None)

    with django_assert_num_queries(1):
        found = possible_duplicates(Patient(family_name="GRIFFITHS", date_of_birth=BORN))

    assert [patient.family_name for patient in found] == ["Griffiths"]


# --------------------------------------------------------------------------- the workspace's patient form


@pytest.fixture
def coordinator_client(client):
    client.force_login(coordinator())
    return client


def add(client, **overrides):
    data = patient_form(
        **{"family_name": "Griffiths", "given_name": "Alys", "date_of_birth": "01/01/1950", **overrides}
    )
    return client.post(reverse("admin:cases_patient_add"), data)


def test_the_add_form_names_the_possible_duplicate_and_saves_nothing_until_ticked(coordinator_client):
    registered = PatientFactory(
        mrn="RX2001", family_name="Griffiths", given_name="Alys", date_of_birth=BORN, nhs_number=None
    )

    refused = add(coordinator_client, family_name="gríffiths ", mrn="RX100200")

    (shown, ask) = form_errors(refused)["different_person"]
    assert shown.startswith("Possible duplicate: GRIFFITHS, Alys, born 1 Jan 1950, MRN RX2001 (<a href=")
    assert f'href="/patients/{registered.pk}/"' in shown
    assert "tick \u201cThis is a different person\u201d" in ask
    page = refused.content.decode()
    assert 'name="different_person"' in page
    assert f'<a href="/patients/{registered.pk}/" target="_blank" rel="noopener">open their record</a>' in page
    assert list(Patient.objects.values_list("mrn", flat=True)) == ["RX2001"]


def test_ticking_a_different_person_registers_the_patient_and_the_history_says_so(coordinator_client):
    PatientFactory(mrn="RX2001", family_name="Griffiths", date_of_birth=BORN, nhs_number=None)

    saved = add(coordinator_client, mrn="RX100200", different_person="on")

    assert saved.status_code == 302
    new = Patient.objects.get(mrn="RX100200")
    assert new.history.get().history_change_reason == "Checked: a different person from MRN RX2001"


def test_the_tick_is_not_asked_of_a_patient_with_no_possible_duplicate(coordinator_client):
    blank = coordinator_client.get(reverse("admin:cases_patient_add")).content.decode()
    saved = add(coordinator_client, mrn="RX100200")

    assert 'name="different_person"' not in blank
    assert saved.status_code == 302
    assert Patient.objects.get(mrn="RX100200").history.get().history_change_reason is None


def test_changing_a_family_name_to_another_patients_asks_the_same_question(coordinator_client):
    PatientFactory(mrn="RX2001", family_name="Griffiths", date_of_birth=BORN, nhs_number=None)
    other = PatientFactory(mrn="RX2002", family_name="Jones", given_name="Alys", date_of_birth=BORN, nhs_number=None)
    url = reverse("admin:cases_patient_change", args=[other.pk])
    data = patient_form(
        mrn="RX2002",
        given_name="Alys",
        family_name="Griffiths",
        date_of_birth="01/01/1950",
        loaded_version=other.version,
    )

    refused = coordinator_client.post(url, data)

    assert list(form_errors(refused)) == ["different_person"]
    other.refresh_from_db()
    assert other.family_name == "Jones"
