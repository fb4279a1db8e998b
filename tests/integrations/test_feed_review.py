"""A PAS feed message that needs review, finished by a coordinator in the workspace: marked reviewed with a
note of what was done (who, when and the note kept), the flag cleared; refused without a note or to anyone
else; counted on the coordinators' dashboard in one query."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from integrations.hl7.review import NOTE_NEEDED, feed_message_review
from integrations.models import FeedMessage
from integrations.models.feed import REVIEW_NOTE_MAX
from tests.admin_forms import action_data
from tests.factories import clinician_user, coordinator_user, read_only_user

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:integrations_feedmessage_changelist")


def message(control_id: str, needs_review: bool = True) -> FeedMessage:
    return FeedMessage.objects.create(
        control_id=control_id, message_type="BAR^P01", raw="MSH|^~\\&|PAS", status="applied", ack_code="AA",
        outcome="Procedure 1: code RT-X is not mapped to a treatment.", needs_review=needs_review,
    )  # fmt: skip


def listed(client, review: str) -> set[str]:
    response = client.get(CHANGELIST, {"review": review})
    return {row.control_id for row in response.context["cl"].result_list}


@pytest.mark.hazard("HAZ-123")
def test_a_coordinator_marks_a_message_reviewed_saying_what_was_done_and_the_filter_moves_it(client):
    waiting, fine = message("P1"), message("P3", needs_review=False)
    message("P2")
    coordinator = coordinator_user()
    client.force_login(coordinator)
    assert listed(client, "needed") == {"P1", "P2"} and listed(client, "reviewed") == set()
    action = action_data("mark_feed_reviewed", waiting, fine)

    asked = client.post(CHANGELIST, action)
    assert asked.status_code == 200 and "What was done" in asked.content.decode()
    assert [m.pk for m in asked.context["waiting"]] == [waiting.pk]  # only those needing review

    refused = client.post(CHANGELIST, {**action, "review_note": "   "})
    assert refused.status_code == 200 and NOTE_NEEDED in refused.content.decode()
    waiting.refresh_from_db()
    assert waiting.needs_review and waiting.reviewed_at is None  # nothing saved

    done = client.post(CHANGELIST, {**action, "review_note": " Delivery entered by hand "}, follow=True)
    assert "1 message(s) marked reviewed." in done.content.decode()
    waiting.refresh_from_db()
    assert not waiting.needs_review and waiting.reviewed_by == coordinator and waiting.reviewed_at is not None
    assert waiting.review_note == "Delivery entered by hand"
    assert listed(client, "needed") == {"P2"} and listed(client, "reviewed") == {"P1"}
    page = client.get(reverse("admin:integrations_feedmessage_change", args=[waiting.pk])).content.decode()
    assert "Delivery entered by hand" in page  # the note is kept on the message's page


@pytest.mark.hazard("HAZ-123")
def test_the_review_is_refused_to_anyone_but_a_coordinator_and_without_a_note_on_every_path(client):
    waiting = message("P1")
    for user in (clinician_user(), read_only_user()):
        with pytest.raises(PermissionDenied):
            feed_message_review(message_id=waiting.pk, user=user, note="Done")
    coordinator = coordinator_user()
    for note, text in (("", NOTE_NEEDED), ("x" * (REVIEW_NOTE_MAX + 1), "at most")):
        with pytest.raises(ValidationError) as refused:
            feed_message_review(message_id=waiting.pk, user=coordinator, note=note)
        assert text in str(refused.value.message_dict["review_note"])
    waiting.refresh_from_db()
    assert waiting.needs_review and waiting.review_note == ""

    feed_message_review(message_id=waiting.pk, user=coordinator, note="Code added to the mapping")
    with pytest.raises(ValidationError, match="does not need review"):
        feed_message_review(message_id=waiting.pk, user=coordinator, note="Again")
    other = message("P2")
    with transaction.atomic(), pytest.raises(IntegrityError):  # the database refuses a review without a note
        FeedMessage.objects.filter(pk=other.pk).update(reviewed_at=timezone.now(), needs_review=False)

    client.force_login(read_only_user("auditor2"))
    client.post(CHANGELIST, action_data("mark_feed_reviewed", other, review_note="x"))
    other.refresh_from_db()
    assert other.needs_review and other.reviewed_at is None  # untouched by the auditor


@pytest.mark.hazard("HAZ-123")
def test_the_dashboard_counts_the_messages_needing_review_for_coordinators_in_one_query(client):
    message("P1"), message("P2"), message("P3", needs_review=False)
    client.force_login(coordinator_user())
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("dashboard")).content.decode()
    assert "2 messages from the PAS feed need review" in page
    assert f"{CHANGELIST}?review=needed" in page
    assert sum("integrations_feedmessage" in q["sql"] for q in queries.captured_queries) == 1

    client.force_login(clinician_user())
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("dashboard")).content.decode()
    assert "from the PAS feed" not in page
    assert not any("integrations_feedmessage" in q["sql"] for q in queries.captured_queries)
