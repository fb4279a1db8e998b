"""The live meeting: who drives and who follows, stepping through the agenda, the state the followers
poll (304 while nothing changed), the outcome recorded from the live screen, attendance as it happens."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from live import services
from live.models import CaseTiming, CheckIn, LiveSession
from mdt.models import AgendaItem, Attendance, Decision, Meeting
from tests.factories import no_role_user, read_only_user
from tests.live.makers import room
from tests.referrals.makers import referrer_user

pytestmark = pytest.mark.django_db


def state_url(meeting):
    return reverse("live:state", args=[meeting.pk])


def test_the_coordinator_starts_on_the_first_case_and_steps_next_back_and_jump():
    r = room(3)
    first, second, third = (item.pk for item in r.items)

    session = services.live_start(meeting_id=r.meeting.pk, user=r.coordinator)
    assert session.current_item_id == first
    r.meeting.refresh_from_db()
    assert r.meeting.status == Meeting.Status.IN_PROGRESS

    assert services.live_step(meeting_id=r.meeting.pk, user=r.coordinator, action="next", from_item_id=first).current_item_id == second
    assert services.live_step(meeting_id=r.meeting.pk, user=r.coordinator, action="jump", from_item_id=second, to_item_id=third).current_item_id == third
    assert services.live_step(meeting_id=r.meeting.pk, user=r.coordinator, action="back", from_item_id=third).current_item_id == second
    services.live_step(meeting_id=r.meeting.pk, user=r.coordinator, action="jump", from_item_id=second, to_item_id=first)
    with pytest.raises(ValidationError, match="This is the first case"):
        services.live_step(meeting_id=r.meeting.pk, user=r.coordinator, action="back", from_item_id=first)
    timings = list(CaseTiming.objects.filter(meeting=r.meeting).values_list("item_id", flat=True))
    assert timings == [first, second, third, second, first]
    assert CaseTiming.objects.filter(meeting=r.meeting, ended_at__isnull=True).count() == 1


def test_a_clinician_follows_but_does_not_drive_unless_they_chair():
    r = room(2)
    services.live_start(meeting_id=r.meeting.pk, user=r.coordinator)
    first = r.items[0].pk
    with pytest.raises(PermissionDenied):
        services.live_step(meeting_id=r.meeting.pk, user=r.oncologist, action="next", from_item_id=first)

    Meeting.objects.filter(pk=r.meeting.pk).update(chair=r.oncologist.member)

    moved = services.live_step(meeting_id=r.meeting.pk, user=r.oncologist, action="next", from_item_id=first)
    assert moved.current_item_id == r.items[1].pk


@pytest.mark.hazard("HAZ-120")
def test_a_step_or_an_outcome_from_a_screen_showing_another_case_changes_nothing():
    r = room(3)
    services.live_start(meeting_id=r.meeting.pk, user=r.coordinator)
    first, second = r.items[0].pk, r.items[1].pk
    services.live_step(meeting_id=r.meeting.pk, user=r.coordinator, action="next", from_item_id=first)

    # A second coordinator's screen still shows the first case.
    with pytest.raises(ValidationError, match="moved to another case"):
        services.live_step(meeting_id=r.meeting.pk, user=r.coordinator, action="next", from_item_id=first)
    with pytest.raises(ValidationError, match="moved to another case"):
        services.live_record_item_outcome(
            meeting_id=r.meeting.pk, user=r.coordinator, from_item_id=first, status="not_discussed", reason=""
        )

    assert LiveSession.objects.get(meeting=r.meeting).current_item_id == second
    assert AgendaItem.objects.get(pk=first).status == AgendaItem.Status.LISTED


def test_only_signed_in_staff_allowed_to_see_the_meeting_follow_it(client):
    r = room(1)
    url = reverse("live:page", args=[r.meeting.pk])
    assert client.get(url).status_code == 302  # anonymous: to sign in
    assert client.get(state_url(r.meeting)).status_code == 302
    for user, status in [
        (r.oncologist, 200),
        (read_only_user("live_auditor"), 200),
        (no_role_user("live_nobody"), 200),
        (referrer_user("live_referrer"), 403),
    ]:
        client.force_login(user)
        assert client.get(url).status_code == status, user
        assert client.get(state_url(r.meeting)).status_code == status, user
    assert client.get(reverse("live:state", args=[r.meeting.pk + 1000])).status_code in (403, 404)


def test_the_state_answers_304_while_nothing_changes_and_the_new_case_when_it_does(client, django_assert_max_num_queries):
    r = room(2)
    services.live_start(meeting_id=r.meeting.pk, user=r.coordinator)
    client.force_login(r.oncologist)
    first = client.get(state_url(r.meeting))
    assert first.status_code == 200
    assert "GRIFFITHS" in first.content.decode().upper()
    etag = first["ETag"]

    with django_assert_max_num_queries(3):  # the session, the user, the state: nothing else is read
        again = client.get(state_url(r.meeting), headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""

    services.live_step(meeting_id=r.meeting.pk, user=r.coordinator, action="next", from_item_id=r.items[0].pk)
    moved = client.get(state_url(r.meeting), headers={"if-none-match": etag})
    assert moved.status_code == 200
    assert moved["ETag"] != etag
    body = moved.content.decode()
    assert "BOWEN" in body.upper() and "GRIFFITHS" not in body.upper()
    assert f'data-item-id="{r.items[1].pk}"' in body

