"""Two people saving one decision: a signed decision needs an amendment, and the second save of one version
is refused."""

import pytest
from django.urls import reverse

from mdt.models import Decision
from mdt.services.decisions import signoff_respond
from tests.mdt.decision_pages.helpers import RATIONALE, form_data, html, page

pytestmark = pytest.mark.django_db


def test_it_refuses_editing_a_signed_decision_without_amending(client, agenda, recorded, oncologist, surgeon):
    meeting, items = agenda
    for user in (oncologist, surgeon):
        signoff_respond(decision_id=recorded.pk, user=user, agree=True)
    recorded.refresh_from_db()
    client.force_login(oncologist)

    response = client.post(
        page(meeting, items[0]),
        form_data(oncologist, surgeon, rationale="Changed quietly", loaded_version=recorded.version),
    )

    assert response.status_code == 200
    assert "signed off and locked" in html(response)
    assert f'href="{reverse("decision-detail", args=[recorded.pk])}"' in html(response)
    recorded.refresh_from_db()
    assert recorded.rationale == RATIONALE and recorded.status == Decision.Status.SIGNED
    assert Decision.objects.count() == 1


# --------------------------------------------------------------------------- two people saving at once


@pytest.mark.hazard("HAZ-002")
def test_it_gives_the_second_of_two_saves_from_one_version_a_conflict_and_keeps_the_first(
    client, agenda, recorded, oncologist, surgeon
):
    meeting, items = agenda
    opened = recorded.version
    client.force_login(oncologist)
    first = client.post(
        page(meeting, items[0]), form_data(oncologist, surgeon, rationale="The first save", loaded_version=opened)
    )
    assert first.status_code == 302

    client.force_login(surgeon)
    second = client.post(
        page(meeting, items[0]), form_data(oncologist, surgeon, rationale="The second save", loaded_version=opened)
    )

    assert second.status_code == 200
    [error] = second.context["form"].non_field_errors()
    assert error.startswith("Someone else saved this decision after you opened it")
    assert "Someone else saved this decision after you opened it" in html(second)
    assert Decision.objects.get().rationale == "The first save"


def test_it_shows_what_the_other_person_saved_in_the_conflict_message(client, agenda, recorded, oncologist, surgeon):
    meeting, items = agenda
    opened = recorded.version
    client.force_login(oncologist)
    client.post(
        page(meeting, items[0]),
        form_data(oncologist, surgeon, rationale="Stabilise first, then SBRT", loaded_version=opened),
    )

    client.force_login(surgeon)
    second = client.post(
        page(meeting, items[0]), form_data(oncologist, surgeon, rationale="Mine", loaded_version=opened)
    )

    assert "Someone else saved this decision" in html(second)
    assert "Stabilise first, then SBRT" in html(second)  # the issue: "a conflict message showing what changed"


def test_it_stops_two_people_who_opened_the_case_before_any_decision_overwriting_each_other(
    client, agenda, oncologist, surgeon
):
    meeting, items = agenda
    client.force_login(oncologist)
    opened = client.get(page(meeting, items[0])).context["form"]["loaded_version"].value()
    first = client.post(
        page(meeting, items[0]), form_data(oncologist, surgeon, rationale="The first save", loaded_version=opened or "")
    )
    assert first.status_code == 302

    client.force_login(surgeon)
    second = client.post(
        page(meeting, items[0]),
        form_data(oncologist, surgeon, rationale="The second save", loaded_version=opened or ""),
    )

    assert second.status_code == 200
    assert "Someone else saved this decision after you opened it" in html(second)
    assert Decision.objects.get().rationale == "The first save"
