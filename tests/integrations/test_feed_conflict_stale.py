"""Settling a conflict with the PAS feed from an out-of-date view: the conflict shows the record's value when
it was raised; a person who corrected the record since is not overwritten by "apply the feed's value"."""

import pytest
from django.urls import reverse

from cases.models import Patient
from core.history import save_as
from integrations.hl7.conflicts import ConflictError, feed_conflict_resolve
from integrations.hl7.receive import feed_message_receive
from integrations.models import FeedConflict
from tests.admin_forms import action_data
from tests.factories import PatientFactory, coordinator_user
from tests.integrations import hl7_messages as hl7

pytestmark = pytest.mark.django_db


@pytest.fixture
def conflict() -> FeedConflict:
    PatientFactory(mrn="MRN900001", nhs_number="9990000018", given_name="Nathan", family_name="Daniels")
    feed_message_receive(hl7.adt("A04", "F1", given="ELSE"))  # first contact disagrees: flagged, not applied
    return FeedConflict.objects.get(field="given_name")


def corrected_since(conflict: FeedConflict, value: str) -> Patient:
    patient = Patient.objects.get(pk=conflict.object_id)
    patient.given_name = value
    patient.version += 1
    save_as(coordinator_user("mscc"), patient)
    return patient


@pytest.mark.hazard("HAZ-051")
def test_the_feeds_value_is_not_applied_over_a_correction_made_after_the_conflict_was_raised(conflict):
    corrected_since(conflict, "Nat")

    with pytest.raises(ConflictError, match="changed since this conflict was raised"):
        feed_conflict_resolve(conflict_id=conflict.pk, apply_feed_value=True, user=coordinator_user())

    assert Patient.objects.get(pk=conflict.object_id).given_name == "Nat"
    assert FeedConflict.objects.get(pk=conflict.pk).resolved_at is None


@pytest.mark.hazard("HAZ-051")
def test_the_workspace_action_says_so_and_leaves_the_conflict_open(client, conflict):
    corrected_since(conflict, "Nat")
    client.force_login(coordinator_user())

    response = client.post(
        reverse("admin:integrations_feedconflict_changelist"),
        action_data("apply_feed_value", conflict),
        follow=True,
    )

    text = response.content.decode()
    assert "changed since this conflict was raised" in text and "0 conflict(s) settled." in text
    assert Patient.objects.get(pk=conflict.object_id).given_name == "Nat"


def test_keeping_the_records_value_settles_it_whatever_changed_since(conflict):
    corrected_since(conflict, "Nat")

    feed_conflict_resolve(conflict_id=conflict.pk, apply_feed_value=False, user=coordinator_user())

    assert FeedConflict.objects.get(pk=conflict.pk).resolution == "kept the record's value"
    assert Patient.objects.get(pk=conflict.object_id).given_name == "Nat"


def test_the_feeds_value_applies_when_the_record_still_holds_what_the_conflict_showed(conflict):
    feed_conflict_resolve(conflict_id=conflict.pk, apply_feed_value=True, user=coordinator_user())

    assert Patient.objects.get(pk=conflict.object_id).given_name == "Else"
