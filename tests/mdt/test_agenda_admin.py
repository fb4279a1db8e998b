"""Building an agenda in the coordinators' workspace: the same rules, with messages on the form."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseStatus
from mdt.models import AgendaItem, Member
from tests.factories import AgendaItemFactory, CaseFactory, MeetingFactory, PatientFactory, clinician, coordinator

pytestmark = pytest.mark.django_db


@pytest.fixture
def workspace(client):
    user = coordinator()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="mdt"))
    client.force_login(user)
    return client


def change_form(meeting, *cases, late_reason: str = "") -> dict:
    local = timezone.localtime(meeting.starts_at)
    ends = timezone.localtime(meeting.ends_at)
    closes = timezone.localtime(meeting.agenda_closes_at)
    data = {
        "title": meeting.title,
        "starts_at_0": f"{local:%Y-%m-%d}",
        "starts_at_1": f"{local:%H:%M:%S}",
        "ends_at_0": f"{ends:%Y-%m-%d}",
        "ends_at_1": f"{ends:%H:%M:%S}",
        "agenda_closes_at_0": f"{closes:%Y-%m-%d}",
        "agenda_closes_at_1": f"{closes:%H:%M:%S}",
        "status": meeting.status,
        "location": meeting.location,
        "video_link": "",
        "chair": "",
        "items-TOTAL_FORMS": str(len(cases)),
        "items-INITIAL_FORMS": "0",
        "attendances-TOTAL_FORMS": "0",
        "attendances-INITIAL_FORMS": "0",
        "loaded_version": str(meeting.version),  # the version the page was opened at (stale edits)
    }
    for n, case in enumerate(cases):
        data |= {
            f"items-{n}-case": case.pk,
            f"items-{n}-position": n + 1,
            f"items-{n}-status": "listed",
            f"items-{n}-source": "added",
            f"items-{n}-late_reason": late_reason,
        }
    return data


def post(workspace, meeting, *cases, **kwargs):
    return workspace.post(
        reverse("admin:mdt_meeting_change", args=[meeting.pk]), change_form(meeting, *cases, **kwargs)
    )


def errors(response) -> str:
    return " ".join(str(e) for formset in response.context["inline_admin_formsets"] for e in formset.formset.errors)


def test_a_coordinator_lists_a_case_in_the_workspace(workspace):
    meeting = MeetingFactory()
    case = CaseFactory()

    response = post(workspace, meeting, case)

    assert response.status_code == 302
    item = AgendaItem.objects.get()
    assert (item.meeting, item.case, item.added_by.username) == (meeting, case, "coordinator")


def test_the_workspace_refuses_a_closed_case_or_a_patient_who_died(workspace):
    meeting = MeetingFactory()
    closed = CaseFactory(status=CaseStatus.CLOSED)
    died = CaseFactory(patient=PatientFactory(died_on=timezone.localdate()))

    response = post(workspace, meeting, closed, died)

    assert response.status_code == 200
    assert f"Case {closed.pk} is closed" in errors(response)
    assert f"The patient of case {died.pk} has died" in errors(response)
    assert not AgendaItem.objects.exists()


def test_the_workspace_refuses_the_same_case_twice(workspace):
    meeting = MeetingFactory()
    listed = AgendaItemFactory(meeting=meeting).case
    data = change_form(meeting, listed)
    data |= {"items-INITIAL_FORMS": "0"}

    response = workspace.post(reverse("admin:mdt_meeting_change", args=[meeting.pk]), data)

    assert response.status_code == 200
    assert "already on this meeting" in errors(response) or "already exists" in errors(response)
    assert meeting.items.count() == 1


def test_the_workspace_needs_a_reason_after_the_agenda_closed_and_records_it(workspace):
    meeting = MeetingFactory(
        starts_at=timezone.now() + dt.timedelta(days=1), agenda_closes_at=timezone.now() - dt.timedelta(hours=2)
    )
    case = CaseFactory()

    refused = post(workspace, meeting, case)
    accepted = post(workspace, meeting, case, late_reason="Cord compression on today's MRI")

    assert "give a reason for adding this case late" in errors(refused)
    assert accepted.status_code == 302
    item = AgendaItem.objects.get()
    assert item.added_late and item.late_reason == "Cord compression on today's MRI"


def test_the_workspace_refuses_an_agenda_closing_after_the_start(workspace):
    meeting = MeetingFactory()
    data = change_form(meeting)
    after = timezone.localtime(meeting.starts_at + dt.timedelta(hours=1))
    data |= {"agenda_closes_at_0": f"{after:%Y-%m-%d}", "agenda_closes_at_1": f"{after:%H:%M:%S}"}

    response = workspace.post(reverse("admin:mdt_meeting_change", args=[meeting.pk]), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["agenda_closes_at"] == [
        "The agenda must close before the meeting starts."
    ]


def test_clinicians_have_no_access_to_the_meetings_workspace(client):
    client.force_login(clinician("oncologist", Member.Role.ONCOLOGIST))

    assert client.get(reverse("admin:mdt_meeting_changelist")).status_code == 302  # not staff: to the admin login
