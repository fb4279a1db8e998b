"""Closing a case (HAZ-029): a closed case leaves every worklist, so closing one says why and, when work is
still open on it, shows that work and closes only once the coordinator confirms having seen it."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseStatus, ClosedReason, Presentation
from cases.closing import open_work
from cases.models import Case
from mdt.models import Member
from tests.admin_forms import admin_post_data
from tests.factories import (
    CaseFactory,
    MeetingFactory,
    PatientFactory,
    ScanFactory,
    clinician,
    coordinator,
    follow_up,
    listed_item,
    mscc_case,
)

pytestmark = [pytest.mark.django_db, pytest.mark.hazard("HAZ-029")]
CHANGE = "admin:cases_case_change"


@pytest.fixture
def workspace(client):
    client.force_login(coordinator())
    return client


def quiet_case(**fields):
    """A case with nothing open on it: known disease, no clock, no scan, no follow-up."""
    fields.setdefault("status", CaseStatus.FOLLOW_UP)
    return CaseFactory(presentation=Presentation.KNOWN_DISEASE_REVIEW, red_flags=["nocturnal_pain"], **fields)


def post_close(client, case, **changes):
    page = client.get(reverse(CHANGE, args=[case.pk]))
    response = client.post(reverse(CHANGE, args=[case.pk]), admin_post_data(page, status=CaseStatus.CLOSED, **changes))
    case.refresh_from_db()
    return response


def errors(response):
    return response.context["adminform"].form.errors


def test_closing_asks_the_reason_and_saves_nothing_without_it(workspace):
    case = quiet_case()
    versions = case.history.count()

    response = post_close(workspace, case, closed_reason="")

    assert response.status_code == 200
    assert errors(response)["closed_reason"] == [
        "Give the reason for closing the case: a closed case leaves every worklist."
    ]
    assert case.status == CaseStatus.FOLLOW_UP and case.history.count() == versions


def test_a_case_with_nothing_open_closes_with_its_reason_kept_in_history_and_shown_on_the_case_page(workspace):
    case = quiet_case()

    response = post_close(workspace, case, closed_reason=ClosedReason.TRANSFERRED, closed_note="To Velindre")

    assert response.status_code == 302
    assert (case.status, case.closed_reason, case.closed_note) == ("closed", "transferred", "To Velindre")
    newest = case.history.first()
    assert newest.status == "closed" and newest.closed_reason == "transferred"
    assert newest.history_user.username == "coordinator"
    page = workspace.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert "Care transferred to another team or hospital. To Velindre" in page


def test_other_needs_a_note_and_died_needs_the_death_recorded_first(workspace):
    case = quiet_case()

    other = post_close(workspace, case, closed_reason=ClosedReason.OTHER, closed_note="  ")
    died = post_close(workspace, case, closed_reason=ClosedReason.DIED)

    assert errors(other)["closed_note"] == ["Say why the case is closed: the reason chosen is Other."]
    assert "Record the date of death on the patient first" in errors(died)["closed_reason"][0]
    assert case.status == CaseStatus.FOLLOW_UP

    case.patient.died_on = timezone.localdate() - dt.timedelta(days=1)
    case.patient.save()
    assert post_close(workspace, case, closed_reason=ClosedReason.DIED).status_code == 302
    assert case.status == CaseStatus.CLOSED


def test_the_open_work_is_listed_and_the_case_closes_only_once_the_coordinator_confirms(workspace):
    olwen = clinician("olwen", Member.Role.ONCOLOGIST)
    case = mscc_case(timezone.now() - dt.timedelta(hours=3), status=CaseStatus.AWAITING_MDT)
    ScanFactory(case=case, requested_at=timezone.now() - dt.timedelta(hours=2), performed_at=None)
    follow_up(olwen, timezone.localdate() + dt.timedelta(days=10), case=case)
    listed_item(MeetingFactory(), case=case)
    versions = case.history.count()

    refused = post_close(workspace, case, closed_reason=ClosedReason.COMPLETED)

    shown = errors(refused)["close_with_open_work"]
    assert shown[0] == "Closing takes the case off every list while this is still open on it:"
    assert any(line.startswith("Whole-spine MRI requested") and line.endswith("not yet performed.") for line in shown)
    assert any(line.startswith("Whole-spine MRI within 24 hours: running, due") for line in shown)
    assert any(line.startswith("Follow-up: Clinic review due") for line in shown)
    assert any(line.startswith("Listed for the MDT meeting of") for line in shown)
    assert case.status == CaseStatus.AWAITING_MDT and case.history.count() == versions

    confirmed = post_close(workspace, case, closed_reason=ClosedReason.COMPLETED, close_with_open_work="on")

    assert confirmed.status_code == 302 and case.status == CaseStatus.CLOSED


def test_the_open_work_ends_when_the_work_does():
    case = mscc_case(timezone.now() - dt.timedelta(hours=30), mri_at=timezone.now() - dt.timedelta(hours=20))
    assert open_work(case) == [
        f"Whole-spine MRI requested {timezone.localtime(case.scans.get().requested_at):%-d %b %Y}: "
        "not yet reviewed by a specialist."
    ]
    case.scans.update(reviewed_at=timezone.now())
    case.steroids_started_at = timezone.now() - dt.timedelta(hours=29)
    assert open_work(case) == [
        f"Dexamethasone started {timezone.localtime(case.steroids_started_at):%-d %b %Y} with no stop recorded."
    ]
    case.steroids_stopped_at = timezone.now()
    assert open_work(case) == []


def test_the_patients_page_cannot_close_a_case_but_reopens_one_clearing_its_reason(workspace):
    patient = PatientFactory()
    open_case = quiet_case(patient=patient, referred_at=timezone.now() - dt.timedelta(days=3))
    closed = quiet_case(patient=patient, status=CaseStatus.CLOSED)
    page = workspace.get(reverse("admin:cases_patient_change", args=[patient.pk]))
    forms = {form.instance.pk: form for form in page.context["inline_admin_formsets"][0].formset.forms}

    assert "closed" not in dict(forms[open_case.pk].fields["status"].choices)
    assert "closed" in dict(forms[closed.pk].fields["status"].choices)
    rows = {form.instance.pk: form.prefix for form in forms.values()}
    refused = workspace.post(
        reverse("admin:cases_patient_change", args=[patient.pk]),
        admin_post_data(page, **{f"{rows[open_case.pk]}-status": "closed"}),
    )
    assert refused.status_code == 200 and Case.objects.get(pk=open_case.pk).status == CaseStatus.FOLLOW_UP

    reopened = workspace.post(
        reverse("admin:cases_patient_change", args=[patient.pk]),
        admin_post_data(page, **{f"{rows[closed.pk]}-status": "follow_up"}),
    )
    assert reopened.status_code == 302
    closed.refresh_from_db()
    assert (closed.status, closed.closed_reason) == ("follow_up", "")


def test_a_case_closed_before_reasons_were_kept_keeps_not_recorded_which_no_form_offers(workspace):
    old = quiet_case(status=CaseStatus.CLOSED, closed_reason=ClosedReason.NOT_RECORDED)
    current = quiet_case()

    def offered(case):
        page = workspace.get(reverse(CHANGE, args=[case.pk]))
        return dict(page.context["adminform"].form.fields["closed_reason"].choices)

    assert "not_recorded" in offered(old) and "not_recorded" not in offered(current)


@pytest.mark.parametrize("path", ["create", "update", "bulk_create"])
def test_the_database_refuses_a_closed_case_without_a_reason_whatever_path_writes_it(path):
    case = quiet_case()
    with pytest.raises(IntegrityError), transaction.atomic():
        if path == "create":
            Case.objects.create(patient=case.patient, presentation=case.presentation, status="closed")
        elif path == "update":
            Case.objects.filter(pk=case.pk).update(status="closed")
        else:
            Case.objects.bulk_create([Case(patient=case.patient, presentation=case.presentation, status="closed")])


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_the_cases_closed_before_it_not_recorded_and_leaves_open_ones_without_a_reason():
    before, after = ("cases", "0036_case_neuro_red_flags_mean_suspected_mscc"), ("cases", "0037_case_closed_reason")
    patient = PatientFactory()
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old_case = executor.loader.project_state(before).apps.get_model("cases", "Case")
    fields = {"patient_id": patient.pk, "presentation": "known_disease_review", "red_flags": ["nocturnal_pain"]}
    closed, still_open = old_case.objects.create(status="closed", **fields), old_case.objects.create(**fields)

    MigrationExecutor(connection).migrate([after])

    assert Case.objects.get(pk=closed.pk).closed_reason == ClosedReason.NOT_RECORDED
    assert Case.objects.get(pk=still_open.pk).closed_reason == ""
