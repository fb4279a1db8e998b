"""The MRN is one identifier whatever its letter case: stored in capitals on every path, unique so."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from cases.models import Patient
from tests.factories import PatientFactory, coordinator

pytestmark = pytest.mark.django_db


@pytest.mark.hazard("HAZ-001")
def test_a_lower_case_duplicate_is_refused_in_the_workspace(client):
    PatientFactory(mrn="DEMO0001")
    client.force_login(coordinator())
    page = client.get(reverse("admin:cases_patient_add"))
    from tests.admin_forms import admin_post_data

    data = admin_post_data(
        page, mrn=" demo0001 ", given_name="Ann", family_name="Other", date_of_birth="1950-01-01", sex="female",
        primary_site="breast",
    )  # fmt: skip
    response = client.post(reverse("admin:cases_patient_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["mrn"] == ["A patient with this MRN already exists."]
    assert Patient.objects.count() == 1


@pytest.mark.hazard("HAZ-013")
def test_every_path_stores_the_mrn_in_capitals_and_finds_it_in_any_case():
    created = Patient.objects.create(**{**_fields(), "mrn": "rxh-0042"})
    built = PatientFactory.build(mrn="abc/7")
    built.full_clean()
    Patient.objects.bulk_create([PatientFactory.build(mrn="bulk9")])

    assert created.mrn == "RXH-0042" and built.mrn == "ABC/7"
    assert set(Patient.objects.values_list("mrn", flat=True)) == {"RXH-0042", "BULK9"}
    assert Patient.objects.get(mrn="Rxh-0042") == created
    assert list(Patient.objects.search("rxh-0042")) == [created]


@pytest.mark.hazard("HAZ-001")
def test_a_second_patient_differing_only_in_case_cannot_be_created_on_any_path():
    PatientFactory(mrn="DEMO0001")

    with pytest.raises(IntegrityError), transaction.atomic():
        Patient.objects.create(**{**_fields(), "mrn": "demo0001"})


@pytest.mark.hazard("HAZ-013")
def test_the_database_refuses_a_lower_case_mrn_written_around_the_application():
    patient = PatientFactory(mrn="DEMO0002")

    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE cases_patient SET mrn = %s WHERE id = %s", ["demo0002", patient.pk])


@pytest.mark.parametrize("mrn", ["DEMO 1", "ß123", "-12", "A\u0130"])
def test_an_mrn_is_ascii_letters_and_digits(mrn):
    with pytest.raises(Exception, match="An MRN is letters and digits"):
        PatientFactory.build(mrn=mrn).full_clean()


def _fields() -> dict:
    built = PatientFactory.build()
    return {f.name: getattr(built, f.name) for f in Patient._meta.concrete_fields if f.name not in ("id",)}
