"""Communication needs: recorded once with history, refused with a message naming the field, and
flagged on every page that shows the patient (banner, agenda, letters)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from cases.communication import communication_needs_record
from cases.models import CommunicationNeeds
from tests.factories import (
    AgendaItemFactory,
    CaseFactory,
    MeetingFactory,
    PatientFactory,
    coordinator_user,
    read_only_user,
)
from tests.letters.makers import decision_at_meeting, letter_for, needs, oncologist

pytestmark = pytest.mark.django_db

BOOLEANS = ["large_print", "screen_reader", "easy_read", "braille", "audio"]


def test_needs_are_recorded_once_and_each_change_is_in_the_history_with_who(client):
    patient = PatientFactory()
    coordinator = coordinator_user()
    client.force_login(coordinator)
    form = {"large_print": "on", "address": "1 High Street\nCardiff"}

    client.post(reverse("letters:needs", args=[patient.pk]), form)
    needs_row = CommunicationNeeds.objects.get(patient=patient)
    client.post(
        reverse("letters:needs", args=[patient.pk]), {**form, "braille": "on", "loaded_version": needs_row.version}
    )

    needs_row.refresh_from_db()
    assert needs_row.large_print and needs_row.braille and needs_row.recorded_by == coordinator
    assert [h.history_type for h in needs_row.history.order_by("history_date")] == ["+", "~"]
    assert all(h.history_user == coordinator for h in needs_row.history.all())
    assert CommunicationNeeds.objects.filter(patient=patient).count() == 1
    page = client.get(reverse("letters:needs", args=[patient.pk])).content.decode()
    assert "History" in page and "Braille" in page


def test_an_interpreter_without_a_language_is_refused_on_the_language_field(client):
    patient = PatientFactory()
    client.force_login(coordinator_user())

    response = client.post(reverse("letters:needs", args=[patient.pk]), {"interpreter": "on", "language": " "})

    assert response.status_code == 200
    assert "Say which language the interpreter is for." in response.content.decode()
    assert not CommunicationNeeds.objects.exists()


def test_a_copy_to_a_carer_needs_their_name_and_address_in_the_service_and_the_database():
    patient = PatientFactory()
    with pytest.raises(ValidationError) as refused:
        communication_needs_record(patient_id=patient.pk, user=coordinator_user(), data={"copy_to_carer": True})
    assert set(refused.value.message_dict) == {"carer_name", "carer_address"}
    with pytest.raises(IntegrityError), transaction.atomic():
        CommunicationNeeds.objects.create(patient=patient, copy_to_carer=True, recorded_by=coordinator_user("c2"))


def test_a_stale_edit_of_the_needs_is_refused_naming_who_changed_them():
    patient = PatientFactory()
    first = needs(patient, large_print=True)
    other = coordinator_user("other")
    communication_needs_record(patient_id=patient.pk, user=other, data={"braille": True}, loaded_version=first.version)

    with pytest.raises(ValidationError, match="changed while you edited them"):
        communication_needs_record(
            patient_id=patient.pk, user=other, data={"audio": True}, loaded_version=first.version
        )


def test_an_auditor_reads_the_needs_but_cannot_record_them(client):
    patient = PatientFactory()
    client.force_login(read_only_user())

    assert client.get(reverse("letters:needs", args=[patient.pk])).status_code == 200
    assert client.post(reverse("letters:needs", args=[patient.pk]), {"large_print": "on"}).status_code == 403
    with pytest.raises(PermissionDenied):
        communication_needs_record(patient_id=patient.pk, user=read_only_user("aud2"), data={})


@hypothesis_settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chosen=st.sets(st.sampled_from(BOOLEANS)))
def test_every_format_chosen_is_flagged_and_only_the_ones_the_app_cannot_make_are_to_arrange(chosen):
    row = CommunicationNeeds(**{name: name in chosen for name in BOOLEANS})

    assert len(row.flags) == len(chosen)
    assert {label.lower() for label in row.to_arrange} == {n.replace("_", " ") for n in chosen} & {
        "easy read",
        "braille",
        "audio",
    }


@pytest.mark.hazard("HAZ-103")
def test_the_needs_are_flagged_on_the_patient_and_case_pages_the_agenda_and_the_letter(client):
    onc = oncologist()
    decision = decision_at_meeting(onc)
    patient = decision.case.patient
    needs(patient, large_print=True, interpreter=True, language="Polish")
    letter = letter_for(decision, onc)
    upcoming = MeetingFactory()
    AgendaItemFactory(meeting=upcoming, case=decision.case)
    client.force_login(onc)

    pages = {
        "patient": reverse("patient-detail", args=[patient.pk]),
        "case": reverse("case-detail", args=[decision.case_id]),
        "agenda": reverse("meeting-detail", args=[upcoming.pk]),
        "letter": reverse("letters:letter", args=[letter.pk]),
        "letters list": reverse("letters:list"),
    }
    for name, address in pages.items():
        html = client.get(address).content.decode()
        assert "Large print" in html and "Interpreter: Polish" in html, f"no flag on the {name} page"


@pytest.mark.hazard("HAZ-103")
def test_the_agenda_pack_prints_the_needs(client):
    from tests.mdt.decision_pages.helpers import pdf_text

    onc = oncologist()
    case = CaseFactory()
    needs(case.patient, braille=True)
    upcoming = MeetingFactory()
    AgendaItemFactory(meeting=upcoming, case=case)
    client.force_login(onc)

    assert "Braille" in pdf_text(client.get(reverse("meeting-pdf", args=[upcoming.pk])))


@pytest.mark.hazard("HAZ-103")
def test_the_agenda_flags_needs_without_a_query_per_patient(client):
    onc = oncologist()
    client.force_login(onc)

    def agenda_queries(count: int) -> int:
        upcoming = MeetingFactory()
        for _ in range(count):
            case = CaseFactory()
            needs(case.patient, audio=True)
            AgendaItemFactory(meeting=upcoming, case=case)
        with CaptureQueriesContext(connection) as queries:
            assert "Audio" in client.get(reverse("meeting-detail", args=[upcoming.pk])).content.decode()
        return len(queries)

    assert agenda_queries(2) == agenda_queries(6)


@pytest.mark.hazard("HAZ-002")
def test_a_needs_form_posted_without_its_version_is_refused_and_changes_nothing(client):
    patient = PatientFactory()
    coordinator = coordinator_user()
    needs(patient, user=coordinator, braille=True)  # recorded, then a form posted without the version it opened
    client.force_login(coordinator)

    response = client.post(reverse("letters:needs", args=[patient.pk]), {"address": "2 Other Road\nNewport"})

    assert response.status_code == 200
    assert "did not send the version of the record it was opened at" in response.content.decode()
    row = CommunicationNeeds.objects.get(patient=patient)
    assert (row.braille, row.address, row.version) == (True, "12 Heol y Felin\nCardiff\nCF14 1AA", 1)
