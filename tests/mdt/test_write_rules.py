"""The rules that keep a decision beside its patient, name who signs, and keep outcomes for the meeting.

Each rule lives in one place (the model or the service) and holds on every path: the pages,
the services and the coordinators' workspace (admin), tested here through each.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.policy import can_sign_decision
from cases.choices import CaseStatus
from mdt.forms.decisions import DecisionForm
from mdt.models import AgendaItem, Attendance, Decision, Meeting, Member, SignOff
from mdt.services import agenda as agenda_services
from mdt.services.decisions import (
    DecisionInput,
    agenda_item_outcome,
    decision_record,
    signoff_respond,
)
from tests.admin_forms import admin_post_data
from tests.factories import AgendaItemFactory, CaseFactory, MeetingFactory, team_user

pytestmark = pytest.mark.django_db

NOT_SIGNING = [Member.Role.PALLIATIVE_CARE, Member.Role.PHYSIOTHERAPIST, Member.Role.NURSE_SPECIALIST]
SIGNING = [Member.Role.ONCOLOGIST, Member.Role.SPINAL_SURGEON, Member.Role.RADIOLOGIST]


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


def data(*users, no_treatment: bool = False) -> DecisionInput:
    return DecisionInput(
        treatments=[] if no_treatment else ["cebrt"],
        no_treatment=no_treatment,
        intent="palliative",
        rationale="Radiosensitive primary, stable spine.",
        patient_preferences_considered=True,
        responsible_member_ids=[user.member.pk for user in users],
    )


@pytest.fixture
def decided(oncologist, surgeon):
    """A case discussed at a meeting under way, with its decision."""
    item = AgendaItemFactory(meeting=MeetingFactory(under_way=True), case=CaseFactory(status=CaseStatus.AWAITING_MDT))
    decision = decision_record(item_id=item.pk, user=oncologist, data=data(oncologist, surgeon))
    item.refresh_from_db()
    return item, decision


def change_page(client, item_or_meeting):
    name = "agendaitem" if isinstance(item_or_meeting, AgendaItem) else "meeting"
    url = reverse(f"admin:mdt_{name}_change", args=[item_or_meeting.pk])
    page = client.get(url)
    assert page.status_code == 200
    return url, page


def form_errors(response) -> str:
    errors = [str(response.context["adminform"].form.errors)]
    for inline in response.context.get("inline_admin_formsets", []):
        errors += [str(e) for e in inline.formset.errors] + [str(inline.formset.non_form_errors())]
    return " ".join(errors)


# --------------------------------------------------------------------------- 1. wrong patient against a decision


@pytest.mark.hazard("HAZ-001")
def test_the_workspace_cannot_put_another_patient_beside_a_decision(workspace, decided):
    item, decision = decided
    other = CaseFactory()
    url, page = change_page(workspace, item)

    assert "case" not in page.context["adminform"].form.fields  # shown read-only

    workspace.post(url, admin_post_data(page, case=other.pk))

    item.refresh_from_db()
    assert item.case_id == decision.case_id != other.pk


@pytest.mark.hazard("HAZ-001")
def test_the_meeting_page_of_the_workspace_cannot_change_a_listed_items_case_either(workspace, decided):
    item, _ = decided
    other = CaseFactory()
    url, page = change_page(workspace, item.meeting)

    response = workspace.post(url, admin_post_data(page, **{"items-0-case": other.pk}))

    assert response.status_code == 200
    assert "The case of a listed item cannot change" in form_errors(response)
    assert AgendaItem.objects.get(pk=item.pk).case_id == item.case_id


@pytest.mark.hazard("HAZ-001")
def test_a_listed_item_cannot_move_to_another_meeting(decided):
    item, _ = decided
    item.meeting = MeetingFactory()

    with pytest.raises(ValidationError) as exc:
        item.full_clean()

    assert "stays on its meeting" in str(exc.value.message_dict["meeting"])


@pytest.mark.hazard("HAZ-001")
@pytest.mark.parametrize("status", ["withdrawn", "listed", "not_discussed"])
def test_the_workspace_cannot_withdraw_or_relist_a_decided_item_of_a_concluded_meeting(workspace, decided, status):
    item, _ = decided
    Meeting.objects.filter(pk=item.meeting_id).update(status=Meeting.Status.CONCLUDED)
    url, page = change_page(workspace, item)

    response = workspace.post(url, admin_post_data(page, status=status, outcome_reason="Typo"))

    assert response.status_code == 200
    assert "This case has a decision recorded: amend the decision instead." in form_errors(response)
    assert AgendaItem.objects.get(pk=item.pk).status == AgendaItem.Status.DISCUSSED


def test_an_undecided_item_of_a_concluded_meeting_keeps_its_outcome(workspace):
    item = AgendaItemFactory(meeting=MeetingFactory(under_way=True), status=AgendaItem.Status.NOT_DISCUSSED)
    Meeting.objects.filter(pk=item.meeting_id).update(status=Meeting.Status.CONCLUDED)
    url, page = change_page(workspace, item)

    response = workspace.post(url, admin_post_data(page, status="withdrawn", outcome_reason="Tidying"))

    assert "This meeting is concluded: its outcomes are final." in form_errors(response)
    with pytest.raises(ValidationError, match="concluded"):
        agenda_item_outcome(
            item_id=item.pk, user=team_user("onc2", Member.Role.ONCOLOGIST), status="withdrawn", reason="Tidying"
        )


def test_the_workspace_cannot_mark_an_item_discussed_without_its_decision(workspace):
    item = AgendaItemFactory(meeting=MeetingFactory(under_way=True))
    url, page = change_page(workspace, item)

    response = workspace.post(url, admin_post_data(page, status="discussed"))

    assert "marked discussed by recording its decision" in form_errors(response)
    assert AgendaItem.objects.get(pk=item.pk).status == AgendaItem.Status.LISTED


@pytest.mark.hazard("HAZ-001")
@pytest.mark.parametrize("status", ["scheduled", "in_progress", "cancelled"])
def test_a_concluded_meeting_cannot_be_set_back(workspace, decided, status):
    item, _ = decided
    Meeting.objects.filter(pk=item.meeting_id).update(status=Meeting.Status.CONCLUDED)
    url, page = change_page(workspace, item.meeting)

    response = workspace.post(url, admin_post_data(page, status=status))

    assert response.status_code == 200
    assert "This meeting is concluded and its record is final" in form_errors(response)
    assert Meeting.objects.get(pk=item.meeting_id).status == Meeting.Status.CONCLUDED


# --------------------------------------------------------------------------- 2. who signs


@pytest.mark.hazard("HAZ-027")
@pytest.mark.parametrize("role", NOT_SIGNING)
def test_a_member_who_advises_may_record_a_decision_but_not_be_named_to_sign_it(oncologist, role):
    adviser = team_user("adviser", role)
    item = AgendaItemFactory(meeting=MeetingFactory(under_way=True))

    with pytest.raises(ValidationError) as exc:
        decision_record(item_id=item.pk, user=adviser, data=data(adviser, no_treatment=True))

    assert "Only an oncologist, a spinal surgeon or a radiologist signs a decision" in str(exc.value)
    assert not Decision.objects.exists()
    decision = decision_record(item_id=item.pk, user=adviser, data=data(oncologist, no_treatment=True))
    assert decision.recorded_by == adviser


@pytest.mark.hazard("HAZ-027")
@pytest.mark.parametrize("role", NOT_SIGNING)
def test_a_member_who_advises_cannot_sign_even_when_named(decided, role):
    _, decision = decided
    adviser = team_user("adviser", role)
    SignOff.objects.create(decision=decision, member=adviser.member)  # named by some older path

    with pytest.raises(PermissionDenied):
        signoff_respond(decision_id=decision.pk, user=adviser, agree=True)

    assert SignOff.objects.get(member=adviser.member).response == SignOff.Response.PENDING


@pytest.mark.hazard("HAZ-027")
@pytest.mark.parametrize("role", SIGNING)
def test_an_oncologist_a_spinal_surgeon_and_a_radiologist_sign(role):
    assert can_sign_decision(team_user("signer", role))


def test_the_decision_form_offers_only_those_who_sign(oncologist, surgeon):
    for n, role in enumerate(NOT_SIGNING):
        team_user(f"adviser{n}", role)

    offered = {member.role for member in DecisionForm().fields["responsible"].queryset}  # type: ignore[attr-defined]

    assert offered == {Member.Role.ONCOLOGIST, Member.Role.SPINAL_SURGEON}


# --------------------------------------------------------------------------- 3. outcomes before the meeting


@pytest.fixture
def next_week():
    return AgendaItemFactory(meeting=MeetingFactory(), case=CaseFactory(status=CaseStatus.AWAITING_MDT))


@pytest.mark.hazard("HAZ-027")
def test_no_decision_is_recorded_before_the_meeting_starts_and_no_clock_stops(next_week, oncologist, surgeon):
    with pytest.raises(ValidationError) as exc:
        decision_record(item_id=next_week.pk, user=oncologist, data=data(oncologist, surgeon))

    assert "outcomes, attendance and sign-off are recorded from then" in str(exc.value)
    assert not Decision.objects.exists()
    next_week.case.refresh_from_db()
    assert next_week.case.treatment_plan_agreed_at is None and next_week.case.status == CaseStatus.AWAITING_MDT


@pytest.mark.hazard("HAZ-027")
def test_the_decision_page_refuses_it_too(client, next_week, oncologist, surgeon):
    client.force_login(oncologist)
    url = reverse("item-decision", args=[next_week.meeting_id, next_week.pk])
    form = {
        "treatments": ["cebrt"], "intent": "palliative", "rationale": "Early", "patient_preferences_considered": "yes",
        "responsible": [oncologist.member.pk, surgeon.member.pk], "fu-TOTAL_FORMS": "0", "fu-INITIAL_FORMS": "0",
    }  # fmt: skip

    response = client.post(url, form)

    assert response.status_code == 200
    assert "recorded from then" in response.content.decode()
    assert not Decision.objects.exists()


def test_not_discussed_waits_for_the_meeting_but_withdrawing_does_not(next_week, oncologist):
    with pytest.raises(ValidationError, match="recorded from then"):
        agenda_item_outcome(item_id=next_week.pk, user=oncologist, status="not_discussed")

    agenda_item_outcome(item_id=next_week.pk, user=oncologist, status="withdrawn", reason="Treated elsewhere")
    assert AgendaItem.objects.get(pk=next_week.pk).status == AgendaItem.Status.WITHDRAWN


@pytest.mark.hazard("HAZ-027")
def test_no_attendance_before_the_meeting_on_any_path(workspace, coordinator, oncologist):
    meeting = MeetingFactory()

    with pytest.raises(ValidationError, match="recorded from then"):
        agenda_services.attendance_record(
            meeting_id=meeting.pk, user=coordinator, present_member_ids=[oncologist.member.pk]
        )
    with pytest.raises(ValidationError, match="recorded from then"):
        Attendance(meeting=meeting, member=oncologist.member).full_clean()
    url, page = change_page(workspace, meeting)
    response = workspace.post(
        url,
        admin_post_data(
            page,
            **{
                "attendances-TOTAL_FORMS": "1",
                "attendances-0-member": oncologist.member.pk,
                "attendances-0-present": "on",
            },
        ),
    )
    assert "recorded from then" in form_errors(response)
    assert not Attendance.objects.exists()


def test_the_workspace_cannot_mark_an_item_not_discussed_or_a_meeting_under_way_before_it_starts(workspace, next_week):
    url, page = change_page(workspace, next_week)
    response = workspace.post(url, admin_post_data(page, status="not_discussed", outcome_reason="Early"))
    assert "recorded from then" in form_errors(response)

    url, page = change_page(workspace, next_week.meeting)
    for status in ("in_progress", "concluded"):
        response = workspace.post(url, admin_post_data(page, status=status))
        assert "only from its start time" in form_errors(response)
    assert Meeting.objects.get(pk=next_week.meeting_id).status == Meeting.Status.SCHEDULED
    assert AgendaItem.objects.get(pk=next_week.pk).status == AgendaItem.Status.LISTED


@pytest.mark.hazard("HAZ-027")
def test_a_decision_on_a_meeting_not_yet_started_cannot_be_signed(next_week, oncologist, surgeon):
    decision = Decision.objects.create(
        case=next_week.case, agenda_item=next_week, treatments=["cebrt"], intent="palliative", rationale="Early",
        recorded_by=oncologist,
    )  # fmt: skip
    SignOff.objects.create(decision=decision, member=oncologist.member)

    with pytest.raises(ValidationError, match="recorded from then"):
        signoff_respond(decision_id=decision.pk, user=oncologist, agree=True)

    assert SignOff.objects.get().response == SignOff.Response.PENDING
    assert Decision.objects.get().status == Decision.Status.AWAITING_SIGNOFF


def test_an_urgent_decision_is_the_path_before_the_meeting(next_week, oncologist, surgeon):
    from mdt.services.decisions import decision_urgent_record

    decision = decision_urgent_record(case_id=next_week.case_id, user=oncologist, data=data(oncologist, surgeon))
    signoff_respond(decision_id=decision.pk, user=surgeon, agree=True)

    assert decision.urgent and SignOff.objects.filter(response="agree").count() == 1
    assert next_week.meeting.starts_at > timezone.now() + dt.timedelta(hours=1)
