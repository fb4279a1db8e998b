"""Attendance and the quorum rule: recorded by coordinators, shown on the meeting page, never silent."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from live import services as live_services
from mdt.models import Attendance, Member
from mdt.services import agenda as services
from tests.factories import AgendaItemFactory, AttendanceFactory, MeetingFactory, clinician, coordinator

STALE = "Someone else changed the attendance after you opened the page, so your changes were not saved."

pytestmark = pytest.mark.django_db


def opened_at(client, meeting) -> str:
    """The version of the attendance the meeting page's form sends (as the page renders it)."""
    page = client.get(reverse("meeting-detail", args=[meeting.pk])).content.decode()
    return re.search(r'<input type="hidden" name="loaded_version" value="(\d+)"', page)[1]


@pytest.fixture
def team():
    return {
        role: clinician(role.value, role).member
        for role in (
            Member.Role.ONCOLOGIST,
            Member.Role.SPINAL_SURGEON,
            Member.Role.RADIOLOGIST,
            Member.Role.PHYSIOTHERAPIST,
        )
    }


def test_a_coordinator_records_who_is_present_and_the_quorum_is_met(team):
    meeting = MeetingFactory(under_way=True)
    present = [team[r].pk for r in (Member.Role.ONCOLOGIST, Member.Role.SPINAL_SURGEON, Member.Role.RADIOLOGIST)]

    quorum = services.attendance_record(meeting_id=meeting.pk, user=coordinator(), present_member_ids=present)

    assert quorum.met
    recorded = dict(meeting.attendances.values_list("member__role", "present"))
    assert recorded[Member.Role.PHYSIOTHERAPIST] is False and recorded[Member.Role.RADIOLOGIST] is True


def test_changing_attendance_keeps_its_history(team):
    meeting = MeetingFactory(under_way=True)
    user = coordinator()
    services.attendance_record(meeting_id=meeting.pk, user=user, present_member_ids=[team[Member.Role.ONCOLOGIST].pk])

    services.attendance_record(meeting_id=meeting.pk, user=user, present_member_ids=[])

    row = Attendance.objects.get(meeting=meeting, member=team[Member.Role.ONCOLOGIST])
    assert row.present is False
    assert [h.present for h in row.history.order_by("history_date")] == [True, False]


def test_only_a_coordinator_records_attendance(team):
    with pytest.raises(services.PermissionDenied):
        services.attendance_record(
            meeting_id=MeetingFactory(under_way=True).pk, user=team[Member.Role.ONCOLOGIST].user, present_member_ids=[]
        )
    assert not Attendance.objects.exists()


@pytest.mark.hazard("HAZ-027")
def test_a_meeting_without_a_radiologist_is_flagged_not_quorate_on_the_page(client, team):
    meeting = MeetingFactory(under_way=True)
    user = coordinator()
    client.force_login(user)

    response = client.post(
        reverse("meeting-attendance", args=[meeting.pk]),
        {
            "present": [team[Member.Role.ONCOLOGIST].pk, team[Member.Role.SPINAL_SURGEON].pk],
            "loaded_version": opened_at(client, meeting),
        },
        follow=True,
    )

    html = response.content.decode()
    assert "Attendance saved, but the meeting is NOT quorate: no radiologist present." in html
    assert "Not quorate: no radiologist present." in html
    assert not response.context["agenda"].quorum.met


def test_a_quorate_meeting_says_so_to_everyone(client, team):
    meeting = MeetingFactory(under_way=True)
    for role in (Member.Role.ONCOLOGIST, Member.Role.SPINAL_SURGEON, Member.Role.RADIOLOGIST):
        AttendanceFactory(meeting=meeting, member=team[role])
    client.force_login(team[Member.Role.PHYSIOTHERAPIST].user)

    html = client.get(reverse("meeting-detail", args=[meeting.pk])).content.decode()

    assert "Quorate: an oncologist, a spinal surgeon and a radiologist are present." in html


def test_a_started_meeting_with_no_attendance_is_flagged(client):
    meeting = MeetingFactory(status="in_progress")
    client.force_login(clinician())

    assert (
        "Not quorate: no attendance recorded."
        in client.get(reverse("meeting-detail", args=[meeting.pk])).content.decode()
    )


def test_the_workspace_lists_meetings_with_their_quorum(client, team):
    meeting = MeetingFactory(under_way=True)
    AttendanceFactory(meeting=meeting, member=team[Member.Role.ONCOLOGIST])
    user = coordinator()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="mdt"))
    client.force_login(user)

    listing = client.get(reverse("admin:mdt_meeting_changelist"))

    [row] = listing.context["cl"].result_list
    assert listing.status_code == 200
    assert row.case_count == 0
    assert not listing.context["cl"].model_admin.quorate(row)


# --------------------------------------------------------------------------- stale attendance


@pytest.mark.hazard("HAZ-002")
def test_attendance_from_a_page_opened_before_someone_else_recorded_it_is_refused_and_says_what_they_did(client, team):
    meeting = MeetingFactory(under_way=True)
    client.force_login(coordinator())
    loaded = opened_at(client, meeting)
    other = coordinator("mscc")
    core = [team[r].pk for r in (Member.Role.ONCOLOGIST, Member.Role.SPINAL_SURGEON, Member.Role.RADIOLOGIST)]
    services.attendance_record(meeting_id=meeting.pk, user=other, present_member_ids=core)

    response = client.post(
        reverse("meeting-attendance", args=[meeting.pk]),
        {"present": [team[Member.Role.PHYSIOTHERAPIST].pk], "loaded_version": loaded},
        follow=True,
    )

    html = response.content.decode()
    assert STALE in html
    radiologist = team[Member.Role.RADIOLOGIST]
    assert f"{other.get_full_name()} at " in html and f"{radiologist.display_name} (Radiologist) present" in html
    assert set(meeting.attendances.filter(present=True).values_list("member_id", flat=True)) == set(core)


@pytest.mark.hazard("HAZ-002")
def test_attendance_posted_without_the_version_of_the_page_is_refused(client, team):
    meeting = MeetingFactory(under_way=True)
    client.force_login(coordinator())

    response = client.post(
        reverse("meeting-attendance", args=[meeting.pk]), {"present": [team[Member.Role.ONCOLOGIST].pk]}, follow=True
    )

    assert "did not send the version of the record it was opened at" in response.content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.hazard("HAZ-002")
def test_a_confirmation_on_the_live_screen_refuses_attendance_from_a_page_opened_before_it(client, team):
    meeting = MeetingFactory(under_way=True)
    user = coordinator()
    client.force_login(user)
    oncologist = team[Member.Role.ONCOLOGIST]
    AgendaItemFactory(meeting=meeting)
    live_services.live_start(meeting_id=meeting.pk, user=user)
    live_services.live_check_in(meeting_id=meeting.pk, user=oncologist.user)
    loaded = opened_at(client, meeting)

    live_services.live_confirm(meeting_id=meeting.pk, user=coordinator("mscc"), member_id=oncologist.pk)

    response = client.post(
        reverse("meeting-attendance", args=[meeting.pk]), {"present": [], "loaded_version": loaded}, follow=True
    )
    assert STALE in response.content.decode()
    assert Attendance.objects.get(meeting=meeting, member=oncologist).present is True


@pytest.mark.hazard("HAZ-002")
def test_attendance_from_a_fresh_page_saves_and_moves_the_version_the_page_sends(client, team):
    meeting = MeetingFactory(under_way=True)
    client.force_login(coordinator())
    first = opened_at(client, meeting)
    oncologist = team[Member.Role.ONCOLOGIST]

    client.post(reverse("meeting-attendance", args=[meeting.pk]), {"present": [oncologist.pk], "loaded_version": first})
    second = opened_at(client, meeting)
    client.post(reverse("meeting-attendance", args=[meeting.pk]), {"present": [], "loaded_version": second})

    row = Attendance.objects.get(meeting=meeting, member=oncologist)
    assert int(second) > int(first) and row.present is False and row.version == 2
