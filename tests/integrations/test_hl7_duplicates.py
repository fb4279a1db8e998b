"""The PAS feed registers nobody, but an A08 may change a family name or date of birth to another patient's
(HAZ-020): the message is applied and the possible duplicate flagged on the coordinators' conflict list."""

import datetime as dt

import pytest
from django.urls import reverse

from integrations.hl7.conflicts import feed_conflict_resolve
from integrations.hl7.receive import feed_message_receive
from integrations.models import FeedConflict
from tests.factories import PatientFactory, coordinator_user
from tests.integrations import hl7_messages as hl7

pytestmark = [pytest.mark.django_db, pytest.mark.hazard("HAZ-020")]


@pytest.fixture
def patient():
    return PatientFactory(
        mrn="MRN900001", nhs_number="9990000018", given_name="Nathan", family_name="Daniels",
        date_of_birth=dt.date(1950, 5, 17),
    )  # fmt: skip


@pytest.fixture
def other():
    """Registered from another hospital's number, without an NHS number."""
    return PatientFactory(
        mrn="RX2001", nhs_number=None, given_name="Nathan", family_name="Daniels-Smith",
        date_of_birth=dt.date(1950, 5, 17),
    )  # fmt: skip


def ack_code(raw):
    row, ack = feed_message_receive(raw)
    return row, ack.split("\r")[1].split("|")[1]


def test_a_family_name_changed_to_another_patients_is_applied_and_flagged_for_a_coordinator(client, patient, other):
    feed_message_receive(hl7.adt("A28", "C0"))  # the PAS's first word agrees with the record

    row, code = ack_code(hl7.adt("A08", "C1", family="DANIELS SMITH"))

    assert code == "AA"
    patient.refresh_from_db()
    assert patient.family_name == "Daniels Smith"
    assert "same family name and date of birth as MRN RX2001: flagged for a coordinator" in row.outcome
    conflict = FeedConflict.objects.get(field="possible duplicate")
    assert (conflict.patient, conflict.record_value, conflict.feed_value) == (
        patient,
        "DANIELS-SMITH, Nathan, born 17 May 1950, MRN RX2001",
        "DANIELS SMITH, Nathan, born 17 May 1950, MRN MRN900001",
    )
    client.force_login(coordinator_user())
    listed = client.get(reverse("admin:integrations_feedconflict_changelist") + "?resolved_at__isnull=True")
    assert "possible duplicate" in listed.content.decode()


def test_a_message_that_changes_neither_name_nor_birth_date_flags_nothing_again(patient, other):
    feed_message_receive(hl7.adt("A28", "C0"))
    ack_code(hl7.adt("A08", "C1", family="DANIELS SMITH"))

    row, code = ack_code(hl7.adt("A08", "C2", family="DANIELS SMITH"))

    assert code == "AA" and "flagged" not in row.outcome
    assert FeedConflict.objects.filter(field="possible duplicate").count() == 1


def test_a_possible_duplicate_is_settled_either_way_without_touching_either_record(patient, other):
    feed_message_receive(hl7.adt("A28", "C0"))
    ack_code(hl7.adt("A08", "C1", dob="19500517", family="DANIELS SMITH"))
    conflict = FeedConflict.objects.get(field="possible duplicate")

    settled = feed_conflict_resolve(conflict_id=conflict.pk, apply_feed_value=True, user=coordinator_user())

    assert settled.resolved_at is not None
    other.refresh_from_db()
    assert (other.mrn, other.family_name) == ("RX2001", "Daniels-Smith")
