"""A meeting happening now, with its agenda and team, for the live meeting's tests."""

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from cases.choices import CaseStatus
from mdt.models import AgendaItem, Meeting, Member
from tests.factories import CaseFactory, PatientFactory, coordinator_user, meeting, team_user

NAMES = [("Griffiths", "Alys"), ("Bowen", "Sian"), ("Pryce", "Owain"), ("Rees", "Megan"), ("Morgan", "Huw")]


@dataclass
class Room:
    meeting: Meeting
    items: list[AgendaItem]
    coordinator: Any
    oncologist: Any
    surgeon: Any
    radiologist: Any


def room(cases: int = 3, *, started_minutes_ago: int = 5, password: str | None = None, prefix: str = "") -> Room:
    """A meeting that started a few minutes ago, `cases` cases listed in order, and its core team."""
    starts = timezone.now() - dt.timedelta(minutes=started_minutes_ago, seconds=len(prefix))
    held = meeting(starts)
    items = []
    for position, (family, given) in enumerate(NAMES[:cases], start=1):
        case = CaseFactory(patient=PatientFactory(family_name=family, given_name=given), status=CaseStatus.AWAITING_MDT)
        items.append(
            AgendaItem.objects.create(meeting=held, case=case, position=position, question=f"Plan for {given}?")
        )
    people = {
        "coordinator": coordinator_user(f"{prefix}live_coordinator"),
        "oncologist": team_user(f"{prefix}live_oncologist", Member.Role.ONCOLOGIST),
        "surgeon": team_user(f"{prefix}live_surgeon", Member.Role.SPINAL_SURGEON),
        "radiologist": team_user(f"{prefix}live_radiologist", Member.Role.RADIOLOGIST),
    }
    for user in people.values():
        user.first_name, user.last_name = user.username.rsplit("_", 1)[1].title(), "Jones"
        if password:
            user.set_password(password)
        user.save()
    return Room(meeting=held, items=items, **people)


def trial_answer_shown(page: str) -> str | None:
    """The trial question's radio button a page shows chosen ("yes", "no"), or None."""
    chosen = re.search(r'<input type="radio"[^>]*name="trial_considered" value="(\w+)"[^>]*\schecked>', page)
    return chosen.group(1) if chosen else None


def error_beside(page: str, field: str) -> str | None:
    """The message a page shows beside a form field (crispy's invalid-feedback, which the field's
    aria-describedby names), or None."""
    if not re.search(rf'<[^>]*name="{field}"[^>]*aria-describedby="id_{field}_error"', page):
        return None
    shown = re.search(
        rf'<div id="id_{field}_error" class="invalid-feedback">\s*<span[^>]*><strong>(.*?)</strong>', page
    )
    return shown.group(1) if shown else None
