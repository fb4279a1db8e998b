"""MRI reviews only through the review service; stale edits refused on Scan, Meeting and AgendaItem;
every change to care or access in history, whatever path made it (bulk updates included)."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from accounts.roles import CLINICIAN, COORDINATOR, SCAN_REVIEWER
from cases.services import scan_mark_reviewed
from mdt.models import AgendaItem, Attendance, Decision, FollowUp, Meeting, Member, Preparation
from mdt.services import agenda as agenda_services
from mdt.services.decisions import (
    DecisionInput,
    decision_amend,
    decision_record,
    decision_urgent_record,
    signoff_respond,
)
from tests.admin_forms import action_data, admin_post_data
from tests.factories import AgendaItemFactory, CaseFactory, MeetingFactory, ScanFactory, UserFactory, team_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def oncologist():
    return team_user("oncologist", Member.Role.ONCOLOGIST)


@pytest.fixture
def surgeon():
    return team_user("surgeon", Member.Role.SPINAL_SURGEON)


@pytest.fixture
def coordinator():
    return team_user("coordinator", Member.Role.MDT_COORDINATOR)


@pytest.fixture
def workspace(client, coordinator):
    client.force_login(coordinator)
    return client


def data(*users, follow_ups=()) -> DecisionInput:
    return DecisionInput(
        treatments=["cebrt"],
        no_treatment=False,
        intent="palliative",
        rationale="Radiosensitive primary, stable spine.",
        patient_preferences_considered=True,
        responsible_member_ids=[user.member.pk for user in users],
        follow_ups=list(follow_ups),
    )


def open_change(client, obj):
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200
    return url, page


def all_errors(response) -> str:
    errors = [str(response.context["adminform"].form.errors)]
    for inline in response.context.get("inline_admin_formsets", []):
        errors += [str(e) for e in inline.formset.errors]
    return " ".join(errors)


# --------------------------------------------------------------------------- 4. MRI reviews in the workspace


@pytest.mark.hazard("HAZ-015")
def test_the_workspace_shows_the_review_but_cannot_set_it(workspace, oncologist):
    scan = ScanFactory(performed=True)
    url, page = open_change(workspace, scan)
    assert {"reviewed_at", "reviewed_by"}.isdisjoint(page.context["adminform"].form.fields)

    now = timezone.localtime()
    workspace.post(
        url,
        admin_post_data(
            page, reviewed_by=oncologist.pk, reviewed_at_0=f"{now:%Y-%m-%d}", reviewed_at_1=f"{now:%H:%M:%S}"
        ),
    )

    scan.refresh_from_db()
    assert scan.reviewed_at is None and scan.reviewed_by is None


@pytest.mark.hazard("HAZ-015")
def test_the_case_pages_scan_rows_show_the_review_read_only(workspace):
    scan = ScanFactory(performed=True)
    _, page = open_change(workspace, scan.case)

    [scans] = [i for i in page.context["inline_admin_formsets"] if i.formset.model._meta.model_name == "scan"]

    assert {"reviewed_at", "reviewed_by"}.isdisjoint(scans.formset.forms[0].fields)


@pytest.mark.hazard("HAZ-015")
def test_a_coordinator_has_no_review_action_and_posting_it_reviews_nothing(workspace):
    scan = ScanFactory(performed=True)
    changelist = reverse("admin:cases_scan_changelist")
    assert "mark_reviewed" not in workspace.get(changelist).context["cl"].model_admin.get_actions(
        workspace.get(changelist).wsgi_request
    )

    workspace.post(changelist, action_data("mark_reviewed", scan))

    scan.refresh_from_db()
    assert scan.reviewed_at is None


@pytest.mark.hazard("HAZ-015")
def test_a_reviewer_in_the_workspace_reviews_through_the_worklists_service(client):
    reviewer = UserFactory(username="radiologist", is_staff=True)
    Member.objects.create(user=reviewer, role=Member.Role.RADIOLOGIST)
    reviewer.user_permissions.add(*Permission.objects.filter(codename__in=["review_scan", "view_scan"]))
    client.force_login(reviewer)
    scan, unperformed = ScanFactory(performed=True), ScanFactory()

    response = client.post(
        reverse("admin:cases_scan_changelist"),
        action_data("mark_reviewed", scan, unperformed),
        follow=True,
    )

    scan.refresh_from_db()
    assert scan.reviewed_by == reviewer and scan.history.first().history_user == reviewer
    assert "has not been performed yet" in response.content.decode()
    unperformed.refresh_from_db()
    assert unperformed.reviewed_at is None


# --------------------------------------------------------------------------- 5. stale edits


@pytest.mark.hazard("HAZ-002")
def test_a_typo_fix_opened_before_a_review_does_not_erase_it(workspace):
    scan = ScanFactory(performed=True)
    url, page = open_change(workspace, scan)
    radiologist = team_user("radiologist", Member.Role.RADIOLOGIST)
    scan_mark_reviewed(scan_id=scan.pk, user=radiologist)

    response = workspace.post(url, admin_post_data(page, report="Corrected typo"))

    assert response.status_code == 200
    assert "Someone else saved this record after you opened it" in all_errors(response)
    scan.refresh_from_db()
    assert scan.reviewed_by == radiologist and scan.report != "Corrected typo"


@pytest.mark.hazard("HAZ-002")
def test_the_second_of_two_meeting_edits_from_one_version_is_refused(workspace):
    meeting = MeetingFactory()
    url, first = open_change(workspace, meeting)
    _, second = open_change(workspace, meeting)

    assert workspace.post(url, admin_post_data(first, location="Room 4")).status_code == 302
    response = workspace.post(url, admin_post_data(second, location="Room 9"))

    assert "Someone else saved this record" in all_errors(response) and "Room 4" in all_errors(response)
    assert Meeting.objects.get(pk=meeting.pk).location == "Room 4"


@pytest.mark.hazard("HAZ-002")
def test_an_item_form_opened_before_its_decision_cannot_set_it_back(workspace, oncologist, surgeon):
    item = AgendaItemFactory(meeting=MeetingFactory(under_way=True))
    url, page = open_change(workspace, item)
    decision_record(item_id=item.pk, user=oncologist, data=data(oncologist, surgeon))

    response = workspace.post(url, admin_post_data(page, question="Typo fixed"))

    assert "Someone else saved this record" in all_errors(response)
    item.refresh_from_db()
    assert item.status == AgendaItem.Status.DISCUSSED and item.question != "Typo fixed"


@pytest.mark.hazard("HAZ-002")
def test_the_meeting_pages_item_rows_are_version_checked_too(workspace, coordinator):
    item = AgendaItemFactory(meeting=MeetingFactory())
    url, page = open_change(workspace, item.meeting)
    agenda_services.agenda_item_update(item_id=item.pk, user=coordinator, question="Surgery first?", presenter_id=None)

    response = workspace.post(url, admin_post_data(page, **{"items-0-question": "Older text"}))

    assert "Someone else saved this record" in all_errors(response)
    assert AgendaItem.objects.get(pk=item.pk).question == "Surgery first?"


@pytest.mark.hazard("HAZ-002")
def test_the_agenda_page_refuses_a_stale_question_and_keeps_the_newer_one(workspace, coordinator):
    item = AgendaItemFactory(meeting=MeetingFactory())
    page = workspace.get(reverse("meeting-detail", args=[item.meeting_id]))
    loaded = re.search(rf'name="item{item.pk}-loaded_version" value="(\d+)"', page.content.decode())[1]  # as sent
    agenda_services.agenda_item_update(item_id=item.pk, user=coordinator, question="Newer", presenter_id=None)

    response = workspace.post(
        reverse("agenda-item-update", args=[item.meeting_id, item.pk]),
        {f"item{item.pk}-question": "Older", f"item{item.pk}-presenter": "", f"item{item.pk}-loaded_version": loaded},
        follow=True,
    )

    assert "Someone else changed this agenda item after you opened the page" in response.content.decode()
    assert AgendaItem.objects.get(pk=item.pk).question == "Newer"


@pytest.mark.hazard("HAZ-002")
def test_the_agenda_page_refuses_a_question_posted_without_its_version_and_keeps_the_saved_one(workspace):
    item = AgendaItemFactory(meeting=MeetingFactory(), question="Surgery first?")

    response = workspace.post(
        reverse("agenda-item-update", args=[item.meeting_id, item.pk]),
        {f"item{item.pk}-question": "Older", f"item{item.pk}-presenter": ""},  # no loaded_version
        follow=True,
    )

    assert "did not send the version of the record it was opened at" in response.content.decode()
    assert AgendaItem.objects.get(pk=item.pk).question == "Surgery first?"


# --------------------------------------------------------------------------- 6. writes without history


@pytest.mark.hazard("HAZ-013")
def test_ratifying_an_urgent_decision_is_in_its_history(oncologist, surgeon):
    case = CaseFactory()
    urgent = decision_urgent_record(case_id=case.pk, user=oncologist, data=data(oncologist, surgeon))
    item = AgendaItemFactory(meeting=MeetingFactory(under_way=True), case=case)

    meeting_decision = decision_record(item_id=item.pk, user=surgeon, data=data(oncologist, surgeon))

    latest = Decision.objects.get(pk=urgent.pk).history.first()
    assert latest.ratified_by_id == meeting_decision.pk and latest.history_user == surgeon


def test_completing_a_rediscussion_follow_up_is_in_its_history(oncologist, surgeon):
    case = CaseFactory()
    follow_up = FollowUp.objects.create(
        case=case, kind="clinic_review", due_on=timezone.localdate(), owner=surgeon.member, rediscuss=True
    )
    item = AgendaItemFactory(meeting=MeetingFactory(under_way=True), case=case)

    decision_record(item_id=item.pk, user=oncologist, data=data(oncologist, surgeon))

    latest = follow_up.history.first()
    assert latest.completed_at is not None and latest.history_user == oncologist


def test_moving_follow_ups_onto_an_amendment_is_in_their_history(oncologist, surgeon):
    item = AgendaItemFactory(meeting=MeetingFactory(under_way=True))
    due = timezone.localdate() + dt.timedelta(days=30)
    owner = {"kind": "repeat_mri", "due_on": due, "owner_id": surgeon.member.pk, "rediscuss": False, "note": ""}
    original = decision_record(item_id=item.pk, user=oncologist, data=data(oncologist, surgeon, follow_ups=[owner]))
    for user in (oncologist, surgeon):
        signoff_respond(decision_id=original.pk, user=user, agree=True)

    amendment = decision_amend(decision_id=original.pk, user=surgeon, data=data(oncologist, surgeon), reason="Dose")

    latest = FollowUp.objects.get().history.first()
    assert latest.decision_id == amendment.pk and latest.history_user == surgeon


@pytest.mark.hazard("HAZ-013")
def test_renumbering_the_agenda_is_in_each_moved_items_history(coordinator):
    meeting = MeetingFactory()
    first, second = (AgendaItemFactory(meeting=meeting, position=n) for n in (1, 2))

    agenda_services.agenda_item_move(item_id=second.pk, direction="up", user=coordinator)

    for item, position in ((second, 1), (first, 2)):
        latest = AgendaItem.objects.get(pk=item.pk).history.first()
        assert (latest.position, latest.history_user) == (position, coordinator)


def test_attendance_and_scheduled_meetings_name_the_coordinator_in_history(coordinator, oncologist):
    meeting = MeetingFactory(under_way=True)

    for present in ([oncologist.member.pk], []):
        agenda_services.attendance_record(meeting_id=meeting.pk, user=coordinator, present_member_ids=present)
    schedule = agenda_services.WeeklySchedule(
        first_date=timezone.localdate() + dt.timedelta(days=7), starts=dt.time(13, 0), duration=dt.timedelta(hours=2),
        weeks=1, agenda_closes_days_before=1, agenda_closes=dt.time(12, 0),
    )  # fmt: skip
    (created,), _ = agenda_services.meetings_schedule_weekly(schedule=schedule, user=coordinator)

    rows = Attendance.history.filter(member_id=oncologist.member.pk).order_by("history_id")
    assert [(h.history_type, h.present, h.history_user) for h in rows] == [
        ("+", True, coordinator),
        ("~", False, coordinator),
    ]
    assert created.history.get().history_user == coordinator


def test_preparation_marks_keep_history_when_taken_away(oncologist):
    item = AgendaItemFactory(meeting=MeetingFactory())

    agenda_services.agenda_item_set_prepared(item_id=item.pk, user=oncologist, prepared=True)
    agenda_services.agenda_item_set_prepared(item_id=item.pk, user=oncologist, prepared=False)

    history = Preparation.history.order_by("history_date", "history_id")
    assert [(h.history_type, h.history_user) for h in history] == [("+", oncologist), ("-", oncologist)]
    assert not Preparation.objects.exists()


def test_a_role_change_in_the_workspace_is_in_the_member_and_user_history(client, admin_user):
    nurse = team_user("nurse", Member.Role.NURSE_SPECIALIST)
    client.force_login(admin_user)
    url, page = open_change(client, nurse.member)

    assert client.post(url, admin_post_data(page, role=Member.Role.ONCOLOGIST)).status_code == 302

    member = Member.history.filter(id=nurse.member.pk).first()
    assert (member.role, member.history_user) == (Member.Role.ONCOLOGIST, admin_user)
    groups = {g.group.name for g in nurse.history.first().groups.all()}
    assert groups == {CLINICIAN, SCAN_REVIEWER}
    assert nurse.history.first().history_user == admin_user


def test_user_history_keeps_account_changes_but_never_the_password_hash(client, admin_user):
    user = UserFactory(username="leaver")
    client.force_login(admin_user)
    url, page = open_change(client, user)

    assert client.post(url, admin_post_data(page, is_active=None)).status_code == 302

    latest = user.history.first()
    assert latest.is_active is False and latest.history_user == admin_user
    assert not hasattr(latest, "password")
    assert {f.name for f in type(latest)._meta.fields}.isdisjoint({"password", "last_login"})


def test_a_groups_permissions_keep_history(coordinator):
    group = Group.objects.get(name=COORDINATOR)
    group.permissions.remove(Permission.objects.get(codename="view_case"))

    assert "view_case" not in {p.permission.codename for p in group.history.first().permissions.all()}
