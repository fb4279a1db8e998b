"""Fixtures for the reminder tests: a team with email addresses, Celery run in-process, the mail sent."""

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from config.celery import app
from mdt.models import Member
from reminders.emails import REMINDER_HEADER
from reminders.models import Reminder
from reminders.sweep import claim_batch
from tests.factories import HOUR, MemberFactory, UserFactory, performed_scan


def team_member(username: str, role: str) -> Any:
    user = UserFactory(username=username, email=f"{username}@example.org")
    MemberFactory(user=user, role=role)
    return user


@pytest.fixture
def team(db: None) -> dict[str, Any]:
    """Two radiologists, an oncologist (the responsible clinician), an MSCC and an MDT coordinator."""
    return {
        "radiologist": team_member("rad1", Member.Role.RADIOLOGIST),
        "radiologist2": team_member("rad2", Member.Role.RADIOLOGIST),
        "oncologist": team_member("onc", Member.Role.ONCOLOGIST),
        "mscc": team_member("mscc", Member.Role.MSCC_COORDINATOR),
        "coordinator": team_member("coord", Member.Role.MDT_COORDINATOR),
    }


@pytest.fixture
def eager() -> Iterator[None]:
    """Tasks run in the publishing thread (after commit), errors propagate."""
    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = before


def sent_per_reminder(messages: list[Any] | None = None) -> Counter[int]:
    """Emails sent (locmem outbox) per reminder id, from the header each one carries."""
    return Counter(int(message.extra_headers[REMINDER_HEADER]) for message in (messages or mail.outbox))


def due_reminder(team, **fields) -> Reminder:
    """An MRI-review reminder for the first radiologist, due an hour ago."""
    scan = performed_scan(30 * HOUR)
    values = {
        "kind": Reminder.Kind.MRI_REVIEW,
        "recipient": team["radiologist"],
        "scan": scan,
        "case": scan.case,
        "due_at": timezone.now() - HOUR,
        "dedupe_key": f"mri-review:{scan.pk}:{team['radiologist'].pk}:0",
    }
    return Reminder.objects.create(**(values | fields))


def claim(reminder: Reminder) -> int:
    """Claim one row without publishing; returns its claim number."""
    # Inside the test's transaction, which never commits: the publish never runs.
    assert claim_batch(timezone.now(), size=10, ids=[reminder.pk]) == 1
    reminder.refresh_from_db()
    return reminder.claims
