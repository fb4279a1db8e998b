"""Stale edits in the workspace, for every record a person edits there besides the clinical record: team
roles, attendance, referring organisations, referrers, the duty rota, the trials list and API clients.

For each: a change form opened before someone else saved is refused with who changed what, and nothing of
it is saved; a form opened afterwards saves and raises the version. The services that change these
records raise the version too, so a form opened before them cannot put the old values back.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from integrations import services as integration_services
from integrations.models import ApiClient
from live.models import Trial
from mdt.models import Attendance, Member
from mdt.services import agenda as agenda_services
from referrals.models import DutyShift, Referrer
from referrals.services.signup import referrer_approve
from tests import stale_edits
from tests.admin_forms import admin_post_data
from tests.factories import (
    AssessmentFactory,
    AttendanceFactory,
    MeetingFactory,
    MemberFactory,
    UserFactory,
    coordinator_user,
)
from tests.referrals.makers import organisation, referrer_user
from tests.stale_edits import STALE

pytestmark = pytest.mark.django_db


@dataclass
class Record:
    name: str
    make: Callable[[], Any]
    field: str  # a field of the change form
    theirs: Any  # what the other person saves (None: untick a box)
    ours: Any  # what the stale form posts (None: untick a box; "as opened": the form unchanged)
    change: str  # the message's line for their change


def shift() -> DutyShift:
    start = timezone.now().replace(microsecond=0)
    user = coordinator_user("mscc")
    return DutyShift.objects.create(coordinator=user, starts_at=start, ends_at=start + dt.timedelta(hours=12))


def api_client() -> ApiClient:
    client = ApiClient(name="Warehouse", scopes=["Patient"])
    integration_services.api_client_issue(client=client)
    return client


RECORDS = [
    Record("member", lambda: MemberFactory(job_title="Consultant"), "job_title", "Consultant oncologist",
           "Registrar", "job title: Consultant → Consultant oncologist"),
    Record("attendance", lambda: AttendanceFactory(meeting=MeetingFactory(under_way=True)), "present", None,
           "as opened", "present: True → False"),
    Record("organisation", lambda: organisation("Hillside Infirmary"), "region", "South", "East",
           "region: North → South"),
    Record("referrer", lambda: Referrer.objects.get(user=referrer_user()), "job_title", "Consultant",
           "Registrar", "job title: Acute oncology registrar → Consultant"),
    Record("duty shift", shift, "note", "Swapped with Dai", "Bleep 2233", "note: (blank) → Swapped with Dai"),
    Record("trial", lambda: Trial.objects.create(name="SCORAD-IV", contact="Trials unit"), "contact",
           "Research nurse", "Trials office", "contact: Trials unit → Research nurse"),
    Record("API client", api_client, "name", "Data warehouse", "Warehouse 2", "name: Warehouse → Data warehouse"),
]  # fmt: skip


us, them = stale_edits.us, stale_edits.them  # the fixtures


def change_url(obj: Any) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def errors(response: Any) -> str:
    found = [str(response.context["adminform"].form.errors)]
    for inline in response.context.get("inline_admin_formsets", []):
        found += [str(e) for e in inline.formset.errors]
    return " ".join(found)


def posted(page: Any, field: str, value: Any) -> dict[str, Any]:
    return admin_post_data(page) if value == "as opened" else admin_post_data(page, **{field: value})


def saved(obj: Any, field: str) -> Any:
    return type(obj).objects.values_list(field, flat=True).get(pk=obj.pk)


@pytest.mark.hazard("HAZ-002", "HAZ-013")
@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.name)
def test_a_change_form_opened_before_someone_else_saved_is_refused_with_what_they_changed(us, them, record):
    obj = record.make()
    url = change_url(obj)
    ours = us.get(url)
    theirs = them.get(url)
    assert them.post(url, posted(theirs, record.field, record.theirs)).status_code == 302
    after_theirs = saved(obj, record.field)

    response = us.post(url, posted(ours, record.field, record.ours))

    assert response.status_code == 200
    message = errors(response)
    assert STALE in message
    assert "Dai Jones at " in message and record.change in message
    assert saved(obj, record.field) == after_theirs


@pytest.mark.hazard("HAZ-002")
@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.name)
def test_a_change_form_opened_after_the_last_save_saves_and_raises_the_version(us, record):
    obj = record.make()
    url = change_url(obj)
    before = saved(obj, "version")
    page = us.get(url)

    response = us.post(url, posted(page, record.field, record.ours))

    assert response.status_code == 302, errors(response)
    assert saved(obj, "version") == before + 1
    if record.ours != "as opened":
        assert saved(obj, record.field) == record.ours


@pytest.mark.hazard("HAZ-002")
@pytest.mark.parametrize("record", RECORDS, ids=lambda r: r.name)
def test_a_change_form_that_did_not_send_its_version_is_refused(us, record):
    obj = record.make()
    url = change_url(obj)
    before = saved(obj, record.field)
    page = us.get(url)
    value = "changed" if isinstance(before, str) else None

    response = us.post(url, {**posted(page, record.field, value), "loaded_version": ""})

    assert response.status_code == 200 and STALE in errors(response)
    assert saved(obj, record.field) == before


# --------------------------------------------------------------------------- the services raise the version too


@pytest.mark.hazard("HAZ-002")
def test_attendance_recorded_on_the_meeting_page_refuses_an_attendance_form_opened_before(us):
    row = AttendanceFactory(meeting=MeetingFactory(under_way=True))
    url = change_url(row)
    page = us.get(url)
    coordinator = coordinator_user("mscc")

    agenda_services.attendance_record(meeting_id=row.meeting_id, user=coordinator, present_member_ids=[])

    response = us.post(url, admin_post_data(page))
    assert STALE in errors(response)
    assert Attendance.objects.get(pk=row.pk).present is False


@pytest.mark.hazard("HAZ-002")
def test_a_referrer_approved_since_the_form_opened_is_not_edited_unseen(us):
    user = referrer_user(approved=False)
    referrer = Referrer.objects.get(user=user)
    url = change_url(referrer)
    page = us.get(url)

    referrer_approve(referrer_id=referrer.pk, user=coordinator_user("mscc"))

    response = us.post(url, admin_post_data(page, job_title="Consultant"))
    assert STALE in errors(response)
    assert Referrer.objects.get(pk=referrer.pk).job_title == "Acute oncology registrar"


@pytest.mark.hazard("HAZ-002")
def test_a_new_token_issued_since_the_form_opened_refuses_it(us):
    client = api_client()
    url = change_url(client)
    page = us.get(url)

    integration_services.api_client_rotate(client=ApiClient.objects.get(pk=client.pk))

    response = us.post(url, admin_post_data(page, name="Warehouse 2"))
    assert STALE in errors(response)
    assert ApiClient.objects.get(pk=client.pk).name == "Warehouse"


# --------------------------------------------------------------------------- inlines on another record's page


@pytest.mark.hazard("HAZ-002")
def test_the_role_on_a_users_page_is_version_checked(us, them):
    member = MemberFactory(user=UserFactory(username="nurse"), role=Member.Role.NURSE_SPECIALIST)
    url = change_url(member.user)
    ours = us.get(url)
    assert them.post(change_url(member), admin_post_data(them.get(change_url(member)), active=None)).status_code == 302

    response = us.post(url, admin_post_data(ours, **{"member-0-job_title": "Lead nurse"}))

    assert STALE in errors(response) and "active: True → False" in errors(response)
    member.refresh_from_db()
    assert member.active is False and member.job_title != "Lead nurse"


@pytest.mark.hazard("HAZ-002")
def test_the_attendance_rows_on_a_meetings_page_are_version_checked(us, them):
    row = AttendanceFactory(meeting=MeetingFactory(under_way=True))
    url = change_url(row.meeting)
    ours = us.get(url)
    assert them.post(change_url(row), admin_post_data(them.get(change_url(row)), present=None)).status_code == 302

    response = us.post(url, admin_post_data(ours, location="Room 4"))

    assert STALE in errors(response)
    assert Attendance.objects.get(pk=row.pk).present is False


# --------------------------------------------------------------------------- scores: history, no version column


@pytest.mark.hazard("HAZ-002")
def test_a_score_form_opened_before_someone_else_saved_is_refused_and_a_fresh_one_saves(us, them):
    score = AssessmentFactory(note="")
    url = reverse("admin:cases_sinsassessment_change", args=[score.pk])
    ours = us.get(url)
    assert them.post(url, admin_post_data(them.get(url), pain="occasional_non_mechanical")).status_code == 302

    response = us.post(url, admin_post_data(ours, note="Reviewed"))

    assert STALE in errors(response) and "Dai Jones at " in errors(response)
    score.refresh_from_db()
    assert score.components["pain"] == "occasional_non_mechanical" and score.note == ""
    assert us.post(url, admin_post_data(us.get(url), note="Reviewed")).status_code == 302
    score.refresh_from_db()
    assert score.components["pain"] == "occasional_non_mechanical" and score.note == "Reviewed"
