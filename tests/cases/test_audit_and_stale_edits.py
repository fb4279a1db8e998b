"""Nothing clinical is silently overwritten or lost: stale edits are refused, every change leaves history."""

import pytest
from django.contrib.auth.models import Permission
from django.db import DatabaseError, connection, transaction
from django.db.transaction import TransactionManagementError
from django.urls import reverse

from cases.assessment_forms import NomsInputsForm
from cases.models import Case, Patient
from tests.cases.admin_bad_input.helpers import patient_form
from tests.factories import CaseFactory, PatientFactory, ScanFactory, clinician, coordinator

pytestmark = pytest.mark.django_db


def edit_patient(client, patient, loaded_version, **changes):
    data = patient_form(  # the whole form as the page shows it, then the person's changes
        mrn=patient.mrn,
        nhs_number=patient.nhs_number or "",
        given_name=patient.given_name,
        family_name=patient.family_name,
        gp_name=patient.gp_name,
        gp_practice=patient.gp_practice,
        loaded_version=str(loaded_version),
    )
    data.update(changes)
    return client.post(reverse("admin:cases_patient_change", args=[patient.pk]), data)


@pytest.mark.hazard("HAZ-002")
def test_the_later_of_two_edits_from_the_same_version_is_refused_and_says_what_changed(client):
    patient = PatientFactory(family_name="Byron", given_name="Ada")
    opened_at = patient.version  # both coordinators open the page now
    first, second = coordinator("carys"), coordinator("priya")
    first.first_name, first.last_name = "Carys", "Evans"
    first.save()

    client.force_login(first)
    assert edit_patient(client, patient, opened_at, gp_name="Dr A. Pritchard").status_code == 302
    client.force_login(second)
    response = edit_patient(client, patient, opened_at, gp_name="Dr M. Begum")

    assert response.status_code == 200
    [message] = response.context["adminform"].form.non_field_errors()
    assert "Someone else saved this record after you opened it" in message
    assert "Carys Evans" in message
    assert "GP name: (blank) → Dr A. Pritchard" in message
    patient.refresh_from_db()
    assert patient.gp_name == "Dr A. Pritchard"  # the first edit stands
    assert patient.version == opened_at + 1


def test_an_edit_from_the_current_version_saves_and_moves_the_version_on(client):
    patient = PatientFactory()
    client.force_login(coordinator())

    edit_patient(client, patient, patient.version, gp_name="Dr J. Holt")
    patient.refresh_from_db()
    edit_patient(client, patient, patient.version, gp_practice="Valley Practice")

    patient.refresh_from_db()
    assert (patient.gp_name, patient.gp_practice, patient.version) == ("Dr J. Holt", "Valley Practice", 3)


def test_a_stale_noms_judgement_on_the_case_page_is_refused(client):
    case = CaseFactory()
    user = clinician("oncologist", "oncologist")
    user.user_permissions.add(Permission.objects.get(codename="add_assessment"))
    client.force_login(user)
    url = reverse("noms-inputs-update", args=[case.pk])
    opened_at = case.version

    client.post(
        url, {"radiosensitivity_override": "radioresistant", "fit_for_surgery": "true", "loaded_version": opened_at}
    )
    response = client.post(
        url,
        {"radiosensitivity_override": "radiosensitive", "fit_for_surgery": "false", "loaded_version": opened_at},
        follow=True,
    )

    case.refresh_from_db()
    assert (case.radiosensitivity_override, case.fit_for_surgery) == ("radioresistant", True)
    assert "Someone else saved this record" in response.content.decode()


@pytest.mark.hazard("HAZ-002")
@pytest.mark.django_db(transaction=True)
def test_a_stale_edit_check_outside_a_transaction_is_refused_on_every_database():
    # The check locks the row until the save: PostgreSQL refuses that lock outside a transaction
    # (a 500 in production), SQLite ignores it; the form refuses on both, so tests find such a view.
    case = CaseFactory()
    data = {"radiosensitivity_override": "radioresistant", "fit_for_surgery": "true", "loaded_version": case.version}

    with pytest.raises(TransactionManagementError, match=r"inside transaction\.atomic"):
        NomsInputsForm(data, instance=case).is_valid()
    with transaction.atomic():
        form = NomsInputsForm(data, instance=case)
        assert form.is_valid(), form.errors
        form.save()

    case.refresh_from_db()
    assert case.radiosensitivity_override == "radioresistant"


@pytest.mark.hazard("HAZ-029")
def test_an_admin_edit_leaves_exactly_one_history_entry_naming_the_editor(client):
    patient = PatientFactory()
    editor = coordinator()
    client.force_login(editor)
    before = patient.history.count()

    edit_patient(client, patient, patient.version, gp_name="Dr J. Holt")

    assert patient.history.count() == before + 1
    latest = patient.history.first()
    assert (latest.history_user, latest.history_type, latest.gp_name) == (editor, "~", "Dr J. Holt")


def test_a_scan_review_from_the_dashboard_leaves_one_history_entry_naming_the_reviewer(client):
    scan = ScanFactory(performed=True)
    reviewer = clinician()
    client.force_login(reviewer)
    before = scan.history.count()

    client.post(reverse("scan-review", args=[scan.pk]))

    assert scan.history.count() == before + 1
    assert scan.history.first().history_user == reviewer


def test_the_case_page_shows_the_timeline_of_who_changed_what(client):
    case = CaseFactory(karnofsky=70)
    editor = coordinator()
    client.force_login(editor)
    case.karnofsky = 50
    case._history_user = editor
    case.save()

    response = client.get(reverse("case-detail", args=[case.pk]))

    timeline = response.context["timeline"]
    assert [entry.action for entry in timeline if entry.subject == "Case"] == ["created", "changed"]
    change = next(entry for entry in timeline if entry.action == "changed")
    assert change.user == editor
    assert [(c.field, c.old, c.new) for c in change.changes] == [("Karnofsky performance status", "70", "50")]
    assert "Karnofsky performance status: 70 → 50" in response.content.decode()


@pytest.mark.hazard("HAZ-005")
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's (CI runs it)")
@pytest.mark.parametrize("model", [Patient, Case])
def test_history_rows_cannot_be_changed_or_deleted_on_postgresql(model):
    obj = CaseFactory() if model is Case else PatientFactory()
    record = obj.history.first()

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        type(record).objects.filter(pk=record.pk).update(history_change_reason="tampered")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        type(record).objects.filter(pk=record.pk).delete()
    assert obj.history.count() == 1
