"""Attendance and the quorum rule: recorded by coordinators, shown on the meeting page, never silent."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from mdt.models import Attendance, Member
from mdt.services import agenda as services
from tests.factories import AttendanceFactory, MeetingFactory, clinician, coordinator

pytestmark = pytest.mark.django_db


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
        {"present": [team[Member.Role.ONCOLOGIST].pk, team[Member.Role.SPINAL_SURGEON].pk]},
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
