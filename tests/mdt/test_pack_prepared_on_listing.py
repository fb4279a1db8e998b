"""Cases just listed on a meeting are laid out for its pack a minute after the listing commits, not at
beat's next 10-minute round: a coordinator who builds next week's agenda and prints it straight away
waits for the cover, not for every case."""

import datetime as dt
import logging

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from kombu.exceptions import OperationalError

from mdt import printing, tasks
from mdt.models import AgendaItem, PrintedSection
from mdt.services.agenda import agenda_add_cases
from tests.factories import CaseFactory, MeetingFactory, coordinator_user

pytestmark = pytest.mark.django_db
REAL_PREPARE_SOON = printing.prepare_soon  # tests/conftest.py replaces it for every other test


@pytest.fixture
def sent(monkeypatch) -> list[tuple[tuple[int, ...], dict]]:
    """The prepare messages published: the real prepare_soon, with the broker replaced by a list."""
    monkeypatch.setattr(printing, "prepare_soon", REAL_PREPARE_SOON)
    messages: list[tuple[tuple[int, ...], dict]] = []
    monkeypatch.setattr(tasks.prepare_pack, "apply_async", lambda args, **options: messages.append((args, options)))
    cache.clear()
    yield messages
    cache.clear()


def listed(meeting, user, *cases):
    return agenda_add_cases(meeting_id=meeting.pk, case_ids=[case.pk for case in cases], user=user)


def test_listing_cases_sends_one_prepare_for_the_meeting_a_minute_after_the_listing_commits(
    sent, django_capture_on_commit_callbacks
):
    meeting, other = MeetingFactory(), MeetingFactory()
    user = coordinator_user()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        listed(meeting, user, CaseFactory())
    assert sent == []  # nothing before the commit: the worker must find the case listed
    for callback in callbacks:
        callback()
    assert sent == [((meeting.pk,), {"countdown": 60, "expires": 60 + tasks.PREPARE_EXPIRES, "retry": False})]

    with django_capture_on_commit_callbacks(execute=True):  # two more listings within the minute
        listed(meeting, user, CaseFactory())
        listed(meeting, user, CaseFactory(), CaseFactory())
    with django_capture_on_commit_callbacks(execute=True):
        listed(other, user, CaseFactory())
    assert [args for args, _ in sent] == [(meeting.pk,), (other.pk,)]  # the first message lays them out too

    cache.clear()  # the minute has passed
    with django_capture_on_commit_callbacks(execute=True):
        listed(meeting, user, CaseFactory())
    assert [args for args, _ in sent] == [(meeting.pk,), (other.pk,), (meeting.pk,)]


def test_a_listing_refused_sends_nothing(sent, django_capture_on_commit_callbacks):
    meeting, case = MeetingFactory(), CaseFactory()
    user = coordinator_user()
    with django_capture_on_commit_callbacks(execute=True):
        listed(meeting, user, case)
    sent.clear()
    cache.clear()

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(ValidationError):
        listed(meeting, user, case)  # already listed: the whole listing is refused

    assert callbacks == [] and sent == []


def test_a_broker_out_of_reach_leaves_the_listing_made_and_logs_one_line(
    sent, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def unreachable(args, **options):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.prepare_pack, "apply_async", unreachable)
    meeting, case, user = MeetingFactory(), CaseFactory(), coordinator_user()

    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        [item] = listed(meeting, user, case)

    assert AgendaItem.objects.get(pk=item.pk).case_id == case.pk
    [record] = [r for r in caplog.records if r.name == "mdt.printing"]
    assert record.levelno == logging.WARNING and record.exc_info is None  # one line, no traceback
    assert f"meeting={meeting.pk}, the broker could not be reached" in record.getMessage()
    assert case.patient.family_name not in caplog.text and case.patient.mrn not in caplog.text

    monkeypatch.setattr(tasks.prepare_pack, "apply_async", lambda args, **options: sent.append((args, options)))
    with django_capture_on_commit_callbacks(execute=True):  # the broker back: the next listing sends at once
        listed(meeting, user, CaseFactory())
    assert [args for args, _ in sent] == [(meeting.pk,)]


@pytest.mark.slow
def test_the_message_lays_out_the_cases_just_listed(sent, django_capture_on_commit_callbacks):
    meeting = MeetingFactory(starts_at=timezone.now() + dt.timedelta(days=3))  # within the week prepared ahead
    with django_capture_on_commit_callbacks(execute=True):
        listed(meeting, coordinator_user(), CaseFactory(), CaseFactory())
    [(args, _)] = sent

    tasks.prepare_pack(*args)  # what the worker runs a minute later

    assert PrintedSection.objects.count() == 2
