"""Communication needs in the coordinators' workspace: the model's rules shown on the field, the
history naming who changed them, a stale edit refused, and a link from the patient's record."""

import pytest
from django.urls import reverse

from cases.models import CommunicationNeeds
from tests.factories import PatientFactory, coordinator_user, read_only_user
from tests.letters.makers import needs

pytestmark = pytest.mark.django_db

FIELDS = ("language", "carer_name", "carer_address", "address", "notes")


def needs_form(patient, **overrides) -> dict[str, str]:
    """The admin page's form as a coordinator submits it (unticked boxes are simply absent)."""
    return {"patient": str(patient.pk), **{name: "" for name in FIELDS}, **overrides}


def test_a_coordinator_records_needs_in_the_workspace_and_the_history_names_them(client):
    patient = PatientFactory()
    coordinator = coordinator_user("ws-coord")
    client.force_login(coordinator)

    response = client.post(
        reverse("admin:cases_communicationneeds_add"),
        needs_form(patient, large_print="on", address="  Ty Gwyn Care Home\nPenarth  "),
    )

    assert response.status_code == 302
    row = CommunicationNeeds.objects.get(patient=patient)
    assert row.large_print and row.address == "Ty Gwyn Care Home\nPenarth" and row.recorded_by == coordinator
    assert row.history.get().history_user == coordinator
    patient_page = client.get(reverse("admin:cases_patient_change", args=[patient.pk])).content.decode()
    assert "Large print" in patient_page
    assert reverse("admin:cases_communicationneeds_change", args=[row.pk]) in patient_page
    history = client.get(reverse("admin:cases_communicationneeds_history", args=[row.pk]))
    assert history.status_code == 200 and "ws-coord" in history.content.decode()


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"interpreter": "on", "language": "  "}, "language", "Say which language the interpreter is for."),
        ({"copy_to_carer": "on", "carer_address": "1 Stryd Fawr"}, "carer_name", "needs their name"),
        ({"copy_to_carer": "on", "carer_name": "Rhys"}, "carer_address", "needs their address"),
        ({"address": "x" * 501}, "address", "at most 500 characters"),
    ],
)
def test_bad_input_is_refused_with_the_fields_own_message_and_nothing_saved(client, typed, field, message):
    patient = PatientFactory()
    client.force_login(coordinator_user("ws-coord"))

    response = client.post(reverse("admin:cases_communicationneeds_add"), needs_form(patient, **typed))

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors and message in " ".join(errors[field]), errors
    assert message in response.content.decode()
    assert not CommunicationNeeds.objects.exists()


def test_bad_input_on_an_existing_record_leaves_it_as_it_was(client):
    patient = PatientFactory()
    row = needs(patient, interpreter=True, language="Welsh")
    client.force_login(coordinator_user("ws-coord"))

    response = client.post(
        reverse("admin:cases_communicationneeds_change", args=[row.pk]),
        needs_form(patient, interpreter="on", language="", loaded_version=str(row.version)),
    )

    assert response.status_code == 200 and "Say which language the interpreter is for." in response.content.decode()
    row.refresh_from_db()
    assert row.language == "Welsh"


def test_a_stale_edit_in_the_workspace_is_refused_and_the_other_change_kept(client):
    patient = PatientFactory()
    row = needs(patient, large_print=True)
    opened_at = row.version
    needs(patient, large_print=True, braille=True, loaded_version=opened_at)  # someone else, on the letters page
    client.force_login(coordinator_user("ws-coord"))

    response = client.post(
        reverse("admin:cases_communicationneeds_change", args=[row.pk]),
        needs_form(patient, large_print="on", audio="on", address="1 Old Road", loaded_version=str(opened_at)),
    )

    assert response.status_code == 200
    assert "Someone else saved this record after you opened it" in response.content.decode()
    row.refresh_from_db()
    assert row.braille and not row.audio


def test_the_patient_cannot_be_changed_on_an_existing_record(client):
    patient, other = PatientFactory(), PatientFactory()
    row = needs(patient)
    client.force_login(coordinator_user("ws-coord"))

    client.post(
        reverse("admin:cases_communicationneeds_change", args=[row.pk]),
        {**needs_form(other, address="2 New Road"), "loaded_version": str(row.version)},
    )

    row.refresh_from_db()
    assert row.patient == patient and row.address == "2 New Road"


def test_an_auditor_reads_the_needs_in_the_workspace_but_cannot_change_them(client):
    patient = PatientFactory()
    row = needs(patient)
    client.force_login(read_only_user("ws-aud"))

    assert client.get(reverse("admin:cases_communicationneeds_change", args=[row.pk])).status_code == 200
    response = client.post(
        reverse("admin:cases_communicationneeds_change", args=[row.pk]),
        needs_form(patient, address="Elsewhere", loaded_version=str(row.version)),
    )

    assert response.status_code == 403
    row.refresh_from_db()
    assert row.address != "Elsewhere"
