"""Not discussed and withdrawn items on the decision page, and who may open it."""

import pytest
from django.urls import reverse

from mdt.models import AgendaItem, Decision
from tests.factories import no_role_user, read_only_user
from tests.mdt.decision_pages.helpers import form_data, html, page

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- not discussed, withdrawn


def test_it_carries_a_case_not_discussed_forward_and_opens_the_next_case(client, agenda, oncologist):
    meeting, items = agenda
    client.force_login(oncologist)

    response = client.post(page(meeting, items[0]), {"action": "not_discussed", "reason": ""})

    assert response.status_code == 302 and response["Location"] == page(meeting, items[1])
    items[0].refresh_from_db()
    assert items[0].status == AgendaItem.Status.NOT_DISCUSSED
    assert "Outcome recorded: not discussed: carried forward." in html(client.get(response["Location"]))
    assert "Recorded as not discussed: carried forward." in html(client.get(page(meeting, items[0])))


def test_it_needs_a_reason_to_withdraw_a_case(client, agenda, oncologist):
    meeting, items = agenda
    client.force_login(oncologist)

    refused = client.post(page(meeting, items[1]), {"action": "withdrawn", "reason": " "}, follow=True)

    assert "Give the reason for withdrawing the case." in html(refused)
    items[1].refresh_from_db()
    assert items[1].status == AgendaItem.Status.LISTED

    response = client.post(page(meeting, items[1]), {"action": "withdrawn", "reason": "Died before the meeting"})

    assert response.status_code == 302 and response["Location"] == page(meeting, items[2])
    items[1].refresh_from_db()
    assert (items[1].status, items[1].outcome_reason) == (AgendaItem.Status.WITHDRAWN, "Died before the meeting")
    assert "Case 2 of 2" in html(client.get(page(meeting, items[2])))  # withdrawn cases leave the count


def test_it_goes_back_to_the_agenda_after_withdrawing_the_last_case(client, agenda, oncologist):
    meeting, items = agenda
    client.force_login(oncologist)

    response = client.post(page(meeting, items[2]), {"action": "withdrawn", "reason": "Treated elsewhere"})

    assert response.status_code == 302 and response["Location"] == reverse("meeting-detail", args=[meeting.pk])


# --------------------------------------------------------------------------- who may record


@pytest.mark.parametrize("make", [read_only_user, no_role_user])
def test_it_refuses_users_who_do_not_record_decisions(client, agenda, make, oncologist, surgeon):
    meeting, items = agenda
    client.force_login(make())

    assert client.get(page(meeting, items[0])).status_code == 403
    assert client.post(page(meeting, items[0]), form_data(oncologist, surgeon)).status_code == 403
    assert client.post(page(meeting, items[0]), {"action": "not_discussed"}).status_code == 403
    assert not Decision.objects.exists()
    items[0].refresh_from_db()
    assert items[0].status == AgendaItem.Status.LISTED


def test_it_sends_anonymous_visitors_to_sign_in(client, agenda, recorded):
    meeting, items = agenda
    for path in (
        page(meeting, items[0]),
        reverse("decision-detail", args=[recorded.pk]),
        reverse("decision-letter", args=[recorded.pk]),
        reverse("meeting-outcomes-pdf", args=[meeting.pk]),
    ):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
