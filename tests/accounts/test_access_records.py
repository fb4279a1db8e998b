"""Who opened which patient: written by the patient and case pages, read by auditors in the admin."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessRecord
from accounts.services import access_record
from tests.factories import CaseFactory, PatientFactory, clinician_user, coordinator_user, read_only_user

pytestmark = pytest.mark.django_db


@pytest.mark.hazard("HAZ-007")
def test_it_records_who_opened_a_patients_page(client):
    user = clinician_user()
    patient = PatientFactory()
    client.force_login(user)

    assert client.get(reverse("patient-detail", args=[patient.pk])).status_code == 200

    record = AccessRecord.objects.get()
    assert (record.user, record.patient_id, record.case_id, record.kind) == (user, patient.pk, None, "patient_page")
    assert timezone.now() - record.at < dt.timedelta(seconds=10)


def test_it_records_the_patient_and_the_case_when_a_case_page_is_opened(client):
    user = coordinator_user()
    case = CaseFactory()
    client.force_login(user)

    assert client.get(reverse("case-detail", args=[case.pk])).status_code == 200

    record = AccessRecord.objects.get()
    assert (record.user, record.patient_id, record.case_id) == (user, case.patient_id, case.pk)
    assert record.kind == "case_page"


def test_it_records_every_opening_not_just_the_first(client):
    client.force_login(clinician_user())
    patient = PatientFactory()

    for _ in range(3):
        client.get(reverse("patient-detail", args=[patient.pk]))

    assert AccessRecord.objects.filter(patient_id=patient.pk).count() == 3


def test_it_records_nothing_for_a_patient_that_does_not_exist(client):
    client.force_login(clinician_user())

    assert client.get(reverse("patient-detail", args=[999_999])).status_code == 404
    assert client.get(reverse("case-detail", args=[999_999])).status_code == 404
    assert not AccessRecord.objects.exists()


def test_it_refuses_an_unknown_kind():
    with pytest.raises(ValueError):
        access_record(user=clinician_user(), patient_id=1, kind="gossip")


def test_it_keeps_ids_only():
    columns = {field.column for field in AccessRecord._meta.concrete_fields}
    assert columns == {"id", "user_id", "patient_id", "case_id", "referral_id", "kind", "at"}


def test_it_shows_the_records_to_the_read_only_role_in_the_admin(client):
    viewer = clinician_user()
    patient = PatientFactory(given_name="Ffion", family_name="Canary")
    access_record(user=viewer, patient_id=patient.pk, kind="patient_page")
    client.force_login(read_only_user())

    response = client.get(reverse("admin:accounts_accessrecord_changelist"))

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == list(AccessRecord.objects.all())
    assert viewer.username in response.content.decode()
    assert "Canary" not in response.content.decode()  # ids only, no clinical content


@pytest.mark.parametrize("maker", [clinician_user, coordinator_user])
def test_it_hides_the_records_from_everyone_else(client, maker):
    access_record(user=clinician_user("someone"), patient_id=PatientFactory().pk, kind="patient_page")
    client.force_login(maker())

    response = client.get(reverse("admin:accounts_accessrecord_changelist"))

    # Clinicians are not staff (sent to the admin's sign-in); coordinators lack the permission.
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("admin:login"))


def test_it_lets_nobody_add_change_or_delete_a_record_in_the_admin(client, admin_user):
    record = access_record(user=clinician_user(), patient_id=PatientFactory().pk, kind="patient_page")

    for user in (read_only_user(), admin_user):
        client.force_login(user)
        assert client.get(reverse("admin:accounts_accessrecord_add")).status_code == 403
        assert client.get(reverse("admin:accounts_accessrecord_delete", args=[record.pk])).status_code == 403
        change = client.get(reverse("admin:accounts_accessrecord_change", args=[record.pk]))
        assert change.status_code == 200
        assert not change.context["has_change_permission"]
        response = client.post(
            reverse("admin:accounts_accessrecord_change", args=[record.pk]), {"patient_id": 1, "kind": "agenda"}
        )
        assert response.status_code == 403
        changelist = client.get(reverse("admin:accounts_accessrecord_changelist"))
        assert "delete_selected" not in changelist.content.decode()
    record.refresh_from_db()
    assert (record.kind, record.patient_id) != ("agenda", 1)


def test_it_filters_by_user_kind_and_date_and_searches_by_patient_id(client):
    ann, bob = clinician_user("ann"), clinician_user("bob", "oncologist")
    first, second = PatientFactory(), PatientFactory()
    with time_machine.travel(timezone.now() - dt.timedelta(days=40)):
        old = access_record(user=ann, patient_id=first.pk, kind="patient_page")
    today_ann = access_record(user=ann, patient_id=second.pk, case_id=5, kind="case_page")
    today_bob = access_record(user=bob, patient_id=first.pk, kind="patient_page")
    client.force_login(read_only_user())
    url = reverse("admin:accounts_accessrecord_changelist")

    def shown(**params) -> set:
        response = client.get(url, params)
        assert response.status_code == 200
        return set(response.context["cl"].result_list)

    assert shown(user__id__exact=ann.pk) == {old, today_ann}
    assert shown(kind__exact="case_page") == {today_ann}
    assert shown(q=str(first.pk)) == {old, today_bob}
    date_filter = next(f for f in client.get(url).context["cl"].filter_specs if f.field_path == "at")
    past_week = next(c for c in date_filter.choices(client.get(url).context["cl"]) if c["display"] == "Past 7 days")
    response = client.get(url + past_week["query_string"])
    assert set(response.context["cl"].result_list) == {today_ann, today_bob}
    assert shown(q="not-a-number") == set()
