"""The patient's communication needs are flagged wherever the live meeting shows the patient: the shared
screen's case panel (and the followers' screens as soon as the needs are recorded), the delivery and
trials pages of a decision, the standard-of-care and agenda-trials pages of a meeting."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from live import services
from tests.factories import decision
from tests.letters.makers import needs
from tests.live.makers import room

pytestmark = pytest.mark.django_db

FLAG = 'aria-label="Communication needs"'  # templates/cases/_communication_flag.html


def flagged(html: str) -> bool:
    return FLAG in html and "Large print" in html and "Interpreter: Polish" in html


@pytest.mark.hazard("HAZ-103")
def test_the_needs_are_flagged_on_the_live_panel_and_the_delivery_trials_and_standard_of_care_pages(client):
    r = room(2)
    case = r.items[0].case
    needs(case.patient, large_print=True, interpreter=True, language="Polish")
    services.live_start(meeting_id=r.meeting.pk, user=r.coordinator)
    made = decision(case, timezone.now() - dt.timedelta(days=1), ["cebrt"])
    client.force_login(r.oncologist)

    pages = {
        "live screen": reverse("live:page", args=[r.meeting.pk]),
        "followers' panel": reverse("live:state", args=[r.meeting.pk]),
        "delivery": reverse("live:delivery", args=[made.pk]),
        "trials": reverse("live:trials", args=[made.pk]),
        "standard of care": reverse("live:standard-of-care", args=[r.meeting.pk]),
        "agenda trials": reverse("live:agenda-trials", args=[r.meeting.pk]),
    }
    for name, address in pages.items():
        assert flagged(client.get(address).content.decode()), f"no flag on the {name} page"
    other = client.get(reverse("live:standard-of-care", args=[r.meeting.pk])).content.decode()
    assert other.count(FLAG) == 1  # the other patient has none recorded


@pytest.mark.hazard("HAZ-103")
def test_needs_recorded_during_the_meeting_reach_the_followers_screens(client):
    r = room(1)
    services.live_start(meeting_id=r.meeting.pk, user=r.coordinator)
    follower = Client()
    follower.force_login(r.radiologist)
    state = reverse("live:state", args=[r.meeting.pk])
    first = follower.get(state)
    assert FLAG not in first.content.decode()

    needs(r.items[0].case.patient, large_print=True, interpreter=True, language="Polish")
    again = follower.get(state, headers={"if-none-match": first["ETag"]})

    assert again.status_code == 200 and flagged(again.content.decode())
