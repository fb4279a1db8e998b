"""The integrations' workspace actions act only on the rows as the coordinator saw them (HAZ-174): a feed
message reviewed, a conflict settled or an API client changed by someone else since the list was opened is
left alone and named; the other rows go ahead."""

import pytest
from django.urls import reverse

from core.history import save_as
from integrations.hl7.conflicts import feed_conflict_resolve
from integrations.hl7.review import feed_message_review
from integrations.models import ApiClient, FeedConflict, FeedMessage
from tests.admin_forms import said, ticked
from tests.factories import PatientFactory, coordinator_user
from tests.integrations.conftest import issue
from tests.stale_edits import superuser, us  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

MESSAGES = reverse("admin:integrations_feedmessage_changelist")
CONFLICTS = reverse("admin:integrations_feedconflict_changelist")
CLIENTS = reverse("admin:integrations_apiclient_changelist")


@pytest.fixture
def coordinator(client):
    client.force_login(coordinator_user())
    return client


@pytest.fixture
def other():
    """The coordinator who acted on a row meanwhile."""
    user = coordinator_user("eira")
    user.first_name, user.last_name = "Eira", "Hughes"
    user.save()
    return user


def message(control_id: str) -> FeedMessage:
    return FeedMessage.objects.create(
        control_id=control_id, message_type="BAR^P01", raw="MSH|^~\\&|PAS", status="applied", ack_code="AA",
        outcome="Procedure 1: code RT-X is not mapped to a treatment.", needs_review=True,
    )  # fmt: skip


def conflict(mrn: str) -> FeedConflict:
    patient = PatientFactory(mrn=mrn, given_name="Nathan")
    return FeedConflict.objects.create(
        model="cases.patient", object_id=patient.pk, patient=patient, field="given_name", record_value="Nathan",
        feed_value="Nat", message=message(f"C-{mrn}"),
    )  # fmt: skip


def refusal(response, label: str) -> str:
    [found] = [m for m in said(response) if m.startswith(f"{label} changed since you opened the list")]
    return found


@pytest.mark.hazard("HAZ-174")
def test_a_feed_message_reviewed_meanwhile_is_named_and_only_the_others_are_asked_about_and_reviewed(
    coordinator, other
):
    first, second = message("P1"), message("P2")
    page = coordinator.get(MESSAGES)
    feed_message_review(message_id=second.pk, user=other, note="Code added to the mapping")

    asked = coordinator.post(MESSAGES, ticked(page, "mark_feed_reviewed", first, second))

    assert asked.status_code == 200 and [m.pk for m in asked.context["waiting"]] == [first.pk]
    assert "(reviewed by Eira Hughes at" in refusal(asked, str(second))
    done = coordinator.post(MESSAGES, ticked(asked, "mark_feed_reviewed", first, review_note="Entered by hand"))

    assert "1 message(s) marked reviewed." in said(done)
    assert FeedMessage.objects.get(pk=first.pk).review_note == "Entered by hand"
    second = FeedMessage.objects.get(pk=second.pk)
    assert (second.review_note, second.reviewed_by) == ("Code added to the mapping", other)


@pytest.mark.hazard("HAZ-174")
def test_a_feed_message_reviewed_while_the_note_was_being_typed_is_not_reviewed_again(coordinator, other):
    first = message("P1")
    asked = coordinator.post(MESSAGES, ticked(coordinator.get(MESSAGES), "mark_feed_reviewed", first))
    feed_message_review(message_id=first.pk, user=other, note="Code added to the mapping")

    done = coordinator.post(MESSAGES, ticked(asked, "mark_feed_reviewed", first, review_note="Entered by hand"))

    assert "(reviewed by Eira Hughes at" in refusal(done, str(first))
    assert FeedMessage.objects.get(pk=first.pk).review_note == "Code added to the mapping"


@pytest.mark.hazard("HAZ-174")
@pytest.mark.parametrize("action", ["keep_record_value", "apply_feed_value"])
def test_a_conflict_settled_meanwhile_is_named_and_left_as_settled_and_the_others_are_settled(
    coordinator, other, action
):
    first, second = conflict("MRN900001"), conflict("MRN900002")
    page = coordinator.get(CONFLICTS)
    feed_conflict_resolve(conflict_id=second.pk, apply_feed_value=False, user=other)
    patient_history = second.patient.history.count()

    response = coordinator.post(CONFLICTS, ticked(page, action, first, second))

    assert "settled by Eira Hughes at" in refusal(response, str(second))
    assert "1 conflict(s) settled." in said(response)
    second = FeedConflict.objects.get(pk=second.pk)
    assert (second.resolved_by, second.resolution) == (other, "kept the record's value")
    assert second.patient.given_name == "Nathan" and second.patient.history.count() == patient_history
    assert FeedConflict.objects.get(pk=first.pk).resolved_at is not None


@pytest.mark.hazard("HAZ-174")
def test_an_api_client_changed_meanwhile_keeps_its_token_and_is_named_and_the_others_get_a_new_one(us):  # noqa: F811
    warehouse, registry = issue("warehouse", scopes=("Patient",))[0], issue("registry")[0]
    page = us.get(CLIENTS)
    changed = ApiClient.objects.get(pk=registry.pk)
    changed.active, changed.version = False, changed.version + 1  # switched off by someone else, on its form
    save_as(superuser("eira", "Eira", "Hughes"), changed)
    history = ApiClient.history.filter(id=registry.pk).count()

    response = us.post(CLIENTS, ticked(page, "issue_new_token", warehouse, registry))

    named = refusal(response, "registry")
    assert "(Eira Hughes at" in named and "active: True → False" in named
    [token] = [m for m in said(response) if m.startswith("The new token for")]
    assert token.startswith("The new token for warehouse ")
    assert ApiClient.objects.get(pk=registry.pk).token_prefix == registry.token_prefix
    assert ApiClient.history.filter(id=registry.pk).count() == history
    assert ApiClient.objects.get(pk=warehouse.pk).token_prefix != warehouse.token_prefix
