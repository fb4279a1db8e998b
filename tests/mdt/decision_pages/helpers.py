"""Shared by the decision page tests: today's meeting and its agenda, the form's data, the service's input,
the pages' text."""

import datetime as dt
import re
import shutil
import subprocess

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseStatus
from mdt.models import AgendaItem, Meeting
from mdt.services.decisions import DecisionInput
from tests.factories import AgendaItemFactory, CaseFactory, MeetingFactory, team_user

RATIONALE = "Radiosensitive primary and a stable spine: radiotherapy alone."


def named(username: str, role: str, first: str, last: str):
    user = team_user(username, role)
    user.first_name, user.last_name = first, last
    user.save()
    return user


def todays_meeting(items: int = 3) -> tuple[Meeting, list[AgendaItem]]:
    starts = timezone.now() - dt.timedelta(minutes=1)
    meeting = MeetingFactory(
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=2),
        agenda_closes_at=starts - dt.timedelta(days=2),
        status=Meeting.Status.IN_PROGRESS,
    )
    listed = [
        AgendaItemFactory(meeting=meeting, position=n, case=CaseFactory(status=CaseStatus.AWAITING_MDT))
        for n in range(1, items + 1)
    ]
    return meeting, listed


def page(meeting, item) -> str:
    return reverse("item-decision", args=[meeting.pk, item.pk])


def form_data(
    *users,
    treatments=("cebrt", "steroids"),
    no_treatment=False,
    rationale=RATIONALE,
    follow_ups=(),
    action="save_next",
    loaded_version="",
) -> dict:
    """What the browser posts: follow_ups are (kind, due_on, owner user, rediscuss) rows."""
    data = {
        "treatments": list(treatments),
        "intent": "palliative",
        "rationale": rationale,
        "patient_preferences_considered": "yes",
        "patient_preferences_note": "Wants to stay at home.",
        "responsible": [user.member.pk for user in users],
        "loaded_version": loaded_version,
        "action": action,
        "fu-TOTAL_FORMS": str(max(2, len(follow_ups))),
        "fu-INITIAL_FORMS": "0",
        "fu-MIN_NUM_FORMS": "0",
        "fu-MAX_NUM_FORMS": "10",
        "trial_considered": "no",
        "trial_why_not": "No trial open for this primary",
    }
    if no_treatment:
        data["no_treatment"] = "on"
    for n, (kind, due_on, owner, rediscuss) in enumerate(follow_ups):
        data.update({f"fu-{n}-kind": kind, f"fu-{n}-due_on": due_on.isoformat(), f"fu-{n}-owner": owner.member.pk})
        if rediscuss:
            data[f"fu-{n}-rediscuss"] = "on"
    return data


def service_input(*users, rationale=RATIONALE, follow_ups=()) -> DecisionInput:
    return DecisionInput(
        treatments=["cebrt", "steroids"],
        no_treatment=False,
        intent="palliative",
        rationale=rationale,
        patient_preferences_considered=True,
        responsible_member_ids=[user.member.pk for user in users],
        follow_ups=list(follow_ups),
    )


def html(response) -> str:
    return response.content.decode()


def in_six_weeks() -> dt.date:
    return timezone.localdate() + dt.timedelta(weeks=6)


def pdf_text(response) -> str:
    """The PDF's text, spaces collapsed: pdftotext when installed, else WeasyPrint's own layout of the same HTML."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        out = subprocess.run([pdftotext, "-", "-"], input=response.content, capture_output=True, check=True)  # noqa: S603 - fixed arguments
        text = out.stdout.decode()
    else:
        import weasyprint

        def box_text(box) -> str:
            return (getattr(box, "text", "") or "") + " ".join(box_text(c) for c in getattr(box, "children", []))

        [template] = [t.name for t in response.templates if t.name.startswith("pdf/")]
        document = weasyprint.HTML(string=render_to_string(template, response.context.flatten())).render()
        text = " ".join(box_text(p._page_box) for p in document.pages)
    return re.sub(r"\s+", " ", text)
