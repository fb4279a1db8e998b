"""The meetings list and the dashboard's "Next meetings"."""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mdt import selectors
from mdt.models import AgendaItem, Meeting, Member, quorum_of
from tests.factories import AgendaItemFactory, AttendanceFactory, MeetingFactory, clinician

pytestmark = pytest.mark.django_db


def past(days_ago: int, **kwargs) -> Meeting:
    return MeetingFactory(
        starts_at=timezone.now() - dt.timedelta(days=days_ago), status=Meeting.Status.CONCLUDED, **kwargs
    )


def test_it_lists_upcoming_meetings_soonest_first_and_past_ones_latest_first_with_counts(client):
    later, sooner = MeetingFactory(), MeetingFactory()
    later.starts_at, later.ends_at = sooner.starts_at + dt.timedelta(weeks=1), sooner.ends_at + dt.timedelta(weeks=1)
    later.agenda_closes_at = later.starts_at - dt.timedelta(days=1)
    later.save()
    older, newer = past(14), past(7)
    AgendaItemFactory(meeting=newer, status=AgendaItem.Status.DISCUSSED)
    AgendaItemFactory(meeting=newer, status=AgendaItem.Status.DISCUSSED)
    AgendaItemFactory(meeting=newer, status=AgendaItem.Status.NOT_DISCUSSED)
    AgendaItemFactory(meeting=newer, status=AgendaItem.Status.WITHDRAWN)
    client.force_login(clinician())

    response = client.get(reverse("meeting-list"))

    assert response.context["upcoming"] == [sooner, later]
    rows = list(response.context["past"])
    assert rows == [newer, older]
    assert (rows[0].case_count, rows[0].outcome_count) == (3, 2)
    assert "2 of 3" in response.content.decode()


def test_past_meetings_show_whether_they_were_quorate(client):
    meeting = past(7)
    for role in (Member.Role.ONCOLOGIST, Member.Role.SPINAL_SURGEON, Member.Role.RADIOLOGIST):
        AttendanceFactory(meeting=meeting, member=clinician(role.value, role).member)
    not_quorate = past(14)
    client.force_login(clinician("nurse", Member.Role.NURSE_SPECIALIST))

    rows = list(client.get(reverse("meeting-list")).context["past"])

    assert [(row, row.quorate) for row in rows] == [(meeting, True), (not_quorate, False)]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.sampled_from([role for role, _ in Member.Role.choices]), st.booleans()), min_size=0, max_size=6
    )
)
def test_quorum_on_the_list_is_the_rooms_quorum_rule_for_any_attendance(rows):
    """The list counts the quorum roles present in the database: the same answer as quorum_of."""
    with transaction.atomic():
        meeting = past(7)
        for number, (role, present) in enumerate(rows):
            member = clinician(f"m{number}", role).member
            AttendanceFactory(meeting=meeting, member=member, present=present)

        (row,) = selectors.meetings_past()
        assert row.quorate == quorum_of(role for role, present in rows if present).met
        transaction.set_rollback(True)


def test_the_list_runs_the_same_queries_for_few_or_many_meetings(client, django_assert_max_num_queries):
    client.force_login(clinician())
    for days in range(1, 4):
        past(days * 7)
    MeetingFactory()

    # session, user, upcoming with counts, a page of past meetings with counts and quorum, member (navbar)
    with django_assert_max_num_queries(5):
        client.get(reverse("meeting-list"))
    for days in range(4, 30):
        meeting = past(days * 7)
        AgendaItemFactory(meeting=meeting, status=AgendaItem.Status.DISCUSSED)
        AgendaItemFactory(meeting=meeting, status=AgendaItem.Status.WITHDRAWN)
        MeetingFactory()
    with django_assert_max_num_queries(5):
        response = client.get(reverse("meeting-list"))
    rows = response.context["past"]
    assert len(rows) == 20 and rows.has_next
    assert [(row.case_count, row.outcome_count) for row in rows][3:] == [(1, 1)] * 17  # the 4th week onwards


def test_the_dashboard_shows_the_next_meetings_without_cancelled_ones(client):
    first = MeetingFactory()
    MeetingFactory(status=Meeting.Status.CANCELLED)
    AgendaItemFactory(meeting=first)
    past(7)
    client.force_login(clinician())

    response = client.get(reverse("dashboard"))

    assert response.context["next_meetings"] == [first]
    html = response.content.decode()
    assert "Next meetings" in html and "1 case listed" in html
    assert reverse("meeting-detail", args=[first.pk]) in html


def test_the_dashboard_says_when_no_meeting_is_scheduled(client):
    client.force_login(clinician())

    assert "No meeting is scheduled." in client.get(reverse("dashboard")).content.decode()
