"""Open cases on no agenda for too long (HAZ-028): the rule (mdt.unlisted) and the coordinators' list of it
on the meetings page, with the meeting page's own form to add a case to the next agenda."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.choices import CaseStatus
from mdt.models import AgendaItem, Meeting, Member
from mdt.unlisted import unlisted_cases
from tests.factories import CaseFactory, MeetingFactory, PatientFactory, clinician, coordinator, meeting

pytestmark = [pytest.mark.django_db, pytest.mark.hazard("HAZ-028")]

DAY = dt.timedelta(days=1)


def ago(days: float, now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - days * DAY


def discussed(case, days_ago: float, now: dt.datetime | None = None, **fields) -> AgendaItem:
    """An item on a meeting held `days_ago`: discussed unless said otherwise."""
    held = meeting(ago(days_ago, now), status=fields.pop("meeting_status", Meeting.Status.CONCLUDED))
    return AgendaItem.objects.create(meeting=held, case=case, status=fields.pop("status", "discussed"), **fields)


def shown(**kwargs) -> list[int]:
    return [case.pk for case in unlisted_cases(days=14, **kwargs).cases]


def test_a_case_discussed_recently_is_not_listed_but_one_whose_only_item_was_long_ago_is():
    recent = CaseFactory(referred_at=ago(60), status=CaseStatus.AWAITING_MDT)
    discussed(recent, days_ago=5)
    forgotten = CaseFactory(referred_at=ago(60), status=CaseStatus.AWAITING_MDT)
    item = discussed(forgotten, days_ago=30)

    [case] = unlisted_cases(days=14).cases

    assert case.pk == forgotten.pk
    assert case.last_discussed == item.meeting.starts_at
    assert case.days_waiting == 30


@pytest.mark.parametrize("status", [CaseStatus.DECIDED, CaseStatus.TREATMENT, CaseStatus.FOLLOW_UP])
def test_a_case_with_a_decision_is_not_listed_however_long_since_its_last_discussion(status):
    """Its plan is made; a follow-up asking for the MDT or a new MRI report brings it back (the candidates)."""
    decided = CaseFactory(referred_at=ago(200), status=status)
    discussed(decided, days_ago=150)
    waiting = CaseFactory(referred_at=ago(200), status=CaseStatus.REFERRED)

    assert shown() == [waiting.pk]


def test_a_case_never_discussed_waits_from_its_referral():
    waiting = CaseFactory(referred_at=ago(20), status=CaseStatus.AWAITING_MDT)
    CaseFactory(referred_at=ago(10), status=CaseStatus.AWAITING_MDT)  # not yet 14 days

    [case] = unlisted_cases(days=14).cases

    assert (case.pk, case.last_discussed, case.days_waiting) == (waiting.pk, None, 20)


def test_a_case_listed_on_a_meeting_to_come_or_listed_recently_is_on_an_agenda():
    to_come = CaseFactory(referred_at=ago(40))
    MeetingFactory().items.create(case=to_come)
    not_discussed_lately = CaseFactory(referred_at=ago(40))
    discussed(not_discussed_lately, days_ago=6, status=AgendaItem.Status.NOT_DISCUSSED)
    withdrawn = CaseFactory(referred_at=ago(40))
    MeetingFactory().items.create(case=withdrawn, status=AgendaItem.Status.WITHDRAWN)
    on_cancelled = CaseFactory(referred_at=ago(40))
    discussed(on_cancelled, days_ago=3, status=AgendaItem.Status.LISTED, meeting_status=Meeting.Status.CANCELLED)

    # A withdrawn item, or one on a cancelled meeting, puts a case on no agenda.
    assert set(shown()) == {withdrawn.pk, on_cancelled.pk}


def test_closed_cases_and_patients_whose_death_is_recorded_are_left_out():
    CaseFactory(referred_at=ago(40), status=CaseStatus.CLOSED)
    died = PatientFactory(died_on=timezone.localdate() - DAY)
    CaseFactory(patient=died, referred_at=ago(40))
    alive = CaseFactory(referred_at=ago(40))

    assert shown() == [alive.pk]


def test_the_longest_waiting_come_first_and_the_list_says_when_more_are_waiting():
    cases = [CaseFactory(referred_at=ago(days)) for days in (20, 90, 45)]
    discussed(cases[1], days_ago=30)  # waiting 30 days since its discussion, not 90 since its referral

    found = unlisted_cases(days=14, limit=2)

    assert [case.pk for case in found.cases] == [cases[2].pk, cases[1].pk]
    assert found.more
    assert not unlisted_cases(days=14, limit=3).more


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(setting=st.integers(min_value=1, max_value=60), days=st.integers(min_value=0, max_value=90))
def test_a_case_is_listed_exactly_when_its_last_discussion_is_more_than_the_setting_days_ago(setting, days):
    now = timezone.now()
    with transaction.atomic():
        case = CaseFactory(referred_at=ago(days + 10, now))
        discussed(case, days_ago=days, now=now)

        found = unlisted_cases(now=now, days=setting).cases

        assert [c.pk for c in found] == ([case.pk] if days > setting else [])
        transaction.set_rollback(True)


@override_settings(UNLISTED_CASE_DAYS=21)
def test_the_setting_is_the_default():
    case = CaseFactory(referred_at=ago(25))
    CaseFactory(referred_at=ago(18))

    found = unlisted_cases()

    assert (found.days, [c.pk for c in found.cases]) == (21, [case.pk])


# --------------------------------------------------------------------------- the page


def responsible() -> object:
    user = clinician("dr-lovelace", Member.Role.ONCOLOGIST)
    user.first_name, user.last_name = "Ada", "Lovelace"
    user.save()
    return user


def test_a_coordinator_sees_the_list_with_a_button_adding_each_case_to_the_next_open_agenda(client):
    closed = MeetingFactory(agenda_closes_at=timezone.now() - dt.timedelta(hours=1))
    next_open = MeetingFactory()
    case = CaseFactory(referred_at=ago(30), responsible_clinician=responsible())
    client.force_login(coordinator())

    html = client.get(reverse("meeting-list")).content.decode()

    assert "Cases waiting for a decision, on no agenda for more than 14 days" in html
    assert case.patient.mrn in html and case.patient.display_name in html and "Ada Lovelace" in html
    assert reverse("case-detail", args=[case.pk]) in html
    assert f'action="{reverse("agenda-add", args=[next_open.pk])}"' in html
    assert reverse("agenda-add", args=[closed.pk]) not in html
    assert f'name="case_number" value="{case.pk}"' in html

    response = client.post(reverse("agenda-add", args=[next_open.pk]), {"case_number": case.pk})

    assert response.status_code == 302
    assert next_open.items.filter(case=case, status=AgendaItem.Status.LISTED).exists()
    assert case.pk not in shown()


def test_without_an_open_agenda_the_list_has_no_add_button(client):
    case = CaseFactory(referred_at=ago(30))
    client.force_login(coordinator())

    html = client.get(reverse("meeting-list")).content.decode()

    assert case.patient.mrn in html and "No meeting with an open agenda is scheduled" in html
    assert 'name="case_number"' not in html


def test_a_clinician_does_not_get_the_coordinators_list(client):
    case = CaseFactory(referred_at=ago(30))
    client.force_login(clinician())

    response = client.get(reverse("meeting-list"))

    assert response.context["unlisted"] is None
    assert case.patient.mrn not in response.content.decode()


def test_the_list_runs_the_same_queries_for_one_row_or_four(client):
    MeetingFactory()
    client.force_login(coordinator())
    someone = responsible()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("meeting-list"))
        return len(captured), len(response.context["unlisted"].cases)

    CaseFactory(referred_at=ago(30), responsible_clinician=someone)
    one = queries()
    for days in (40, 50):
        discussed(CaseFactory(referred_at=ago(days + 30), responsible_clinician=someone), days_ago=days)
    CaseFactory(referred_at=ago(35))
    four = queries()

    assert (one[1], four[1]) == (1, 4)
    assert one[0] == four[0]


def test_a_coordinators_dashboard_counts_the_waiting_cases_and_links_the_list(client):
    for days in (20, 30):
        CaseFactory(referred_at=ago(days))
    client.force_login(coordinator())

    html = client.get(reverse("dashboard")).content.decode()

    assert "2 cases waiting for a decision on no agenda for more than 14 days" in html
    assert f"{reverse('meeting-list')}#unlisted-heading" in html


def test_a_clinicians_dashboard_has_no_count(client):
    CaseFactory(referred_at=ago(30))
    client.force_login(clinician())

    response = client.get(reverse("dashboard"))

    assert response.context["unlisted"] is None
    assert "on no agenda" not in response.content.decode()
