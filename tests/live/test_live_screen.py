"""The live meeting: who drives and who follows, stepping through the agenda, the state the followers
poll (304 while nothing changed), the outcome recorded from the live screen, attendance as it happens."""

import contextlib
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from live import selectors, services
from live.models import CaseTiming, CheckIn, LiveSession
from mdt.models import AgendaItem, Attendance, Decision, Meeting
from mdt.services import agenda as agenda_services
from mdt.services import decisions as decision_services
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

    assert (
        services.live_step(
            meeting_id=r.meeting.pk, user=r.coordinator, action="next", from_item_id=first
        ).current_item_id
        == second
    )
    assert (
        services.live_step(
            meeting_id=r.meeting.pk, user=r.coordinator, action="jump", from_item_id=second, to_item_id=third
        ).current_item_id
        == third
    )
    assert (
        services.live_step(
            meeting_id=r.meeting.pk, user=r.coordinator, action="back", from_item_id=third
        ).current_item_id
        == second
    )
    services.live_step(
        meeting_id=r.meeting.pk, user=r.coordinator, action="jump", from_item_id=second, to_item_id=first
    )
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


def test_the_state_answers_304_while_nothing_changes_and_the_new_case_when_it_does(
    client, django_assert_max_num_queries
):
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


def test_the_page_before_the_start_and_after_it(client):
    r = room(2)
    client.force_login(r.coordinator)
    page = client.get(reverse("live:page", args=[r.meeting.pk]))
    assert "Start the meeting on the live screen" in page.content.decode()
    client.post(reverse("live:start", args=[r.meeting.pk]))
    page = client.get(reverse("live:page", args=[r.meeting.pk]))
    assert "GRIFFITHS, Alys" in page.content.decode()


def _post(client, meeting, name, **data):
    return client.post(reverse(f"live:{name}", args=[meeting.pk]), data)


DECISION = {
    "treatments": ["cebrt"],
    "intent": "palliative",
    "rationale": "Radiosensitive primary: radiotherapy alone.",
    "patient_preferences_considered": "yes",
    "fu-TOTAL_FORMS": "0",
    "fu-INITIAL_FORMS": "0",
    "fu-MIN_NUM_FORMS": "0",
    "fu-MAX_NUM_FORMS": "10",
    "action": "save",
    "trial_considered": "no",
    "trial_why_not": "No trial open for this primary",
}


def test_the_outcome_is_recorded_from_the_live_screen_and_followers_see_it_being_recorded_then_the_result(client):
    r = room(2)
    follower = Client()
    follower.force_login(r.radiologist)
    client.force_login(r.coordinator)
    _post(client, r.meeting, "start")
    first = r.items[0]
    etag = follower.get(state_url(r.meeting))["ETag"]

    _post(client, r.meeting, "recording", from_item=first.pk)

    being = follower.get(state_url(r.meeting), headers={"if-none-match": etag})
    assert being.status_code == 200
    assert "Outcome being recorded" in being.content.decode()
    page = client.get(reverse("live:page", args=[r.meeting.pk])).content.decode()
    assert "Save the outcome" in page and 'name="rationale"' in page

    responsible = [r.oncologist.member.pk, r.surgeon.member.pk]
    response = _post(client, r.meeting, "outcome", from_item=first.pk, responsible=responsible, **DECISION)

    assert response.status_code == 302
    decision = Decision.objects.get(agenda_item=first)  # through mdt's decision service: the item is discussed
    assert decision.recorded_by == r.coordinator and sorted(
        decision.signoffs.values_list("member_id", flat=True)
    ) == sorted(responsible)
    first.refresh_from_db()
    assert first.status == AgendaItem.Status.DISCUSSED
    result = follower.get(state_url(r.meeting), headers={"if-none-match": being["ETag"]}).content.decode()
    assert "Outcome recorded" in result and "Radiosensitive primary: radiotherapy alone." in result
    assert "Outcome being recorded" not in result


def test_a_bad_outcome_is_refused_with_the_field_named_and_nothing_saved(client):
    r = room(1)
    client.force_login(r.coordinator)
    _post(client, r.meeting, "start")
    _post(client, r.meeting, "recording", from_item=r.items[0].pk)

    response = _post(
        client, r.meeting, "outcome", from_item=r.items[0].pk, responsible=[r.oncologist.member.pk], **DECISION
    )

    assert response.status_code == 200
    assert "A treatment decision needs an oncologist and a spinal surgeon" in response.content.decode()
    assert not Decision.objects.exists()


def test_not_discussed_from_the_live_screen_goes_through_the_outcome_service(client):
    r = room(2)
    client.force_login(r.coordinator)
    _post(client, r.meeting, "start")
    _post(client, r.meeting, "recording", from_item=r.items[0].pk)

    _post(client, r.meeting, "outcome", from_item=r.items[0].pk, action="withdrawn", reason="")
    assert AgendaItem.objects.get(pk=r.items[0].pk).status == AgendaItem.Status.LISTED  # a withdrawal needs a reason

    _post(client, r.meeting, "outcome", from_item=r.items[0].pk, action="not_discussed", reason="Out of time")
    assert AgendaItem.objects.get(pk=r.items[0].pk).status == AgendaItem.Status.NOT_DISCUSSED


def test_a_clinician_may_not_drive_or_record_from_the_live_screen(client):
    r = room(2)
    services.live_start(meeting_id=r.meeting.pk, user=r.coordinator)
    client.force_login(r.oncologist)
    assert _post(client, r.meeting, "step", action="next", from_item=r.items[0].pk).status_code == 403
    assert _post(client, r.meeting, "recording", from_item=r.items[0].pk).status_code == 403
    assert _post(client, r.meeting, "outcome", from_item=r.items[0].pk, **DECISION).status_code == 403
    assert _post(client, r.meeting, "end").status_code == 403
    assert "Drive the meeting" not in client.get(reverse("live:page", args=[r.meeting.pk])).content.decode()
    assert LiveSession.objects.get().current_item_id == r.items[0].pk


def test_attendees_mark_themselves_present_and_count_for_the_quorum_once_the_coordinator_confirms():
    r = room(1)
    services.live_start(meeting_id=r.meeting.pk, user=r.coordinator)
    for user in (r.oncologist, r.surgeon, r.radiologist):
        services.live_check_in(meeting_id=r.meeting.pk, user=user)
    view = selectors.live_view(r.meeting.pk)
    assert not view.quorum.met and len(view.pending) == 3

    with pytest.raises(PermissionDenied):
        services.live_confirm(meeting_id=r.meeting.pk, user=r.oncologist, member_id=r.surgeon.member.pk)
    for user in (r.oncologist, r.surgeon, r.radiologist):
        services.live_confirm(meeting_id=r.meeting.pk, user=r.coordinator, member_id=user.member.pk)

    view = selectors.live_view(r.meeting.pk)
    assert view.quorum.met and not view.pending
    present = set(Attendance.objects.filter(meeting=r.meeting, present=True).values_list("member_id", flat=True))
    assert present == {r.oncologist.member.pk, r.surgeon.member.pk, r.radiologist.member.pk}
    assert CheckIn.objects.filter(confirmed_by=r.coordinator).count() == 3


def test_checking_in_twice_is_one_check_in_and_someone_outside_the_team_cannot():
    r = room(1)
    services.live_start(meeting_id=r.meeting.pk, user=r.coordinator)
    services.live_check_in(meeting_id=r.meeting.pk, user=r.oncologist)
    services.live_check_in(meeting_id=r.meeting.pk, user=r.oncologist)
    assert CheckIn.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.live_check_in(meeting_id=r.meeting.pk, user=read_only_user("live_auditor"))


@pytest.mark.hazard("HAZ-121")
def test_attendance_recorded_on_the_meeting_page_changes_the_state_the_followers_poll(client):
    r = room(1)
    services.live_start(meeting_id=r.meeting.pk, user=r.coordinator)
    before = selectors.state_tag(r.meeting.pk)

    agenda_services.attendance_record(
        meeting_id=r.meeting.pk, user=r.coordinator, present_member_ids=[r.oncologist.member.pk]
    )

    assert selectors.state_tag(r.meeting.pk) != before


@pytest.mark.hazard("HAZ-121")
def test_an_outcome_recorded_on_the_outcome_page_changes_the_state_the_followers_poll():
    r = room(1)
    services.live_start(meeting_id=r.meeting.pk, user=r.coordinator)
    before = selectors.state_tag(r.meeting.pk)

    decision_services.agenda_item_outcome(item_id=r.items[0].pk, user=r.coordinator, status="not_discussed")

    assert selectors.state_tag(r.meeting.pk) != before


def test_the_panel_reads_the_same_number_of_queries_for_a_short_and_a_long_agenda(client):
    counts = []
    for size, prefix in ((1, "short_"), (5, "long_")):
        r = room(size, prefix=prefix)
        services.live_start(meeting_id=r.meeting.pk, user=r.coordinator)
        client.force_login(r.oncologist)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(state_url(r.meeting)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert counts[0] <= 20


def test_the_live_screen_opens_an_hour_before_the_meeting_and_never_for_a_cancelled_one():
    r = room(1, started_minutes_ago=-90)
    with pytest.raises(ValidationError, match="opens an hour before the meeting"):
        services.live_start(meeting_id=r.meeting.pk, user=r.coordinator)
    Meeting.objects.filter(pk=r.meeting.pk).update(status=Meeting.Status.CANCELLED)
    with pytest.raises(ValidationError, match="cancelled"):
        services.live_start(meeting_id=r.meeting.pk, user=r.coordinator, now=r.meeting.starts_at)


def test_ending_stops_the_clock_concludes_the_meeting_and_tells_the_followers(client):
    r = room(2)
    services.live_start(meeting_id=r.meeting.pk, user=r.coordinator)
    services.live_end(meeting_id=r.meeting.pk, user=r.coordinator)

    assert not CaseTiming.objects.filter(ended_at__isnull=True).exists()
    assert Meeting.objects.get(pk=r.meeting.pk).status == Meeting.Status.CONCLUDED
    with pytest.raises(ValidationError, match="has ended"):
        services.live_step(meeting_id=r.meeting.pk, user=r.coordinator, action="next", from_item_id=r.items[0].pk)
    client.force_login(r.oncologist)
    body = client.get(state_url(r.meeting)).content.decode()
    assert "The live meeting ended" in body and 'data-ended="1"' in body


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(["next", "back", "jump"]), st.integers(0, 3)), max_size=12))
def test_whatever_the_steps_one_listed_case_is_on_the_screen_and_its_periods_follow_each_other(steps):
    with transaction.atomic():
        r = room(4)
        services.live_start(meeting_id=r.meeting.pk, user=r.coordinator)
        ids = [item.pk for item in r.items]
        for action, index in steps:
            current = LiveSession.objects.get().current_item_id
            with contextlib.suppress(ValidationError):  # before the first or after the last
                services.live_step(
                    meeting_id=r.meeting.pk,
                    user=r.coordinator,
                    action=action,
                    from_item_id=current,
                    to_item_id=ids[index],
                )
            assert LiveSession.objects.get().current_item_id in ids
        periods = list(CaseTiming.objects.order_by("started_at", "id"))
        assert [p.ended_at is None for p in periods].count(True) == 1
        assert periods[-1].item_id == LiveSession.objects.get().current_item_id
        for earlier, later in itertools.pairwise(periods):
            assert earlier.ended_at == later.started_at
        transaction.set_rollback(True)


def test_after_a_change_the_case_is_read_and_rendered_once_and_shared_by_the_next_followers():
    r = room(2)
    services.live_start(meeting_id=r.meeting.pk, user=r.coordinator)
    counts = []
    for user in (r.oncologist, r.surgeon, r.radiologist):
        follower = Client()
        follower.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            body = follower.get(state_url(r.meeting)).content.decode()
        assert "GRIFFITHS, Alys" in body and "Pathway clocks" in body
        counts.append(len(queries))

    assert counts[1] == counts[2] < counts[0] - 5  # no agenda block, scans, scores or decision read again
