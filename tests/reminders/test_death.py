"""Recording a death stops the machinery that chases the patient (hazard HAZ-009).

From the family's side: once the death is recorded, nobody is reminded to review, book, chase or
follow up that patient, the NICE clocks stop counting against the service, the patient is on no
worklist, and a future agenda shows the coordinator the item to withdraw. Every path records the
death through cases.services.patient_record_death: a page, the coordinators' workspace, the PAS feed.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.clocks import ClockState, case_clocks
from cases.models import Case, Patient
from cases.selectors import clocks_needing_attention, scans_pending_review
from cases.services import patient_record_death
from mdt.models import FollowUp, Member
from mdt.selectors import my_follow_up_counts
from reminders.kinds.base import DEATH_REASON
from reminders.models import Reminder
from reminders.selectors import my_reminders
from reminders.sweep import cancel_resolved, derive
from tests.cases.admin_bad_input.helpers import patient_form
from tests.factories import (
    DAY,
    HOUR,
    CaseFactory,
    ScanFactory,
    clinician_user,
    coordinator_user,
    follow_up,
    listed_item,
    meeting,
    next_wednesday_at,
    performed_scan,
)

pytestmark = [pytest.mark.django_db, pytest.mark.hazard("HAZ-009")]

TODAY = timezone.localdate


def mscc_case_waiting_for_mri(**fields) -> Case:
    """Suspected MSCC 30 hours ago, MRI requested and not done: its 24-hour clock is breached."""
    suspected = timezone.now() - 30 * HOUR
    case = CaseFactory(suspected_diagnosis_at=suspected, referred_at=suspected, **fields)
    ScanFactory(case=case, requested_at=suspected)
    return case


def record_death(patient: Patient, *, on: dt.date | None = None, source: str = "typed") -> Patient:
    return patient_record_death(
        patient_id=patient.pk, date_of_death=on or TODAY(), user=coordinator_user("mscc-coord"), source=source
    )


def test_it_ends_the_patients_clocks_and_takes_them_off_the_at_risk_worklist():
    case = mscc_case_waiting_for_mri()
    assert case.pk in {clock.case_id for clock in clocks_needing_attention()}

    record_death(case.patient)

    assert case.pk not in {clock.case_id for clock in clocks_needing_attention()}
    case = Case.objects.select_related("patient").get(pk=case.pk)
    [clock] = case_clocks(case)
    assert clock.state == ClockState.ENDED
    assert clock.state_label == "Ended: the patient died"
    assert not clock.is_open
    assert clock.remaining is None


def test_it_takes_the_patients_mri_off_the_review_worklist():
    scan = performed_scan(3 * HOUR)
    assert scan in scans_pending_review()

    record_death(scan.case.patient)

    assert scan not in scans_pending_review()


def test_it_cancels_every_unsent_reminder_about_the_patient_with_the_reason_in_the_outbox(team):
    scan = performed_scan(30 * HOUR, responsible_clinician=team["oncologist"])
    chase = follow_up(team["oncologist"], TODAY() - dt.timedelta(days=2), case=scan.case)
    other = performed_scan(30 * HOUR)
    derive(timezone.now())
    about_patient = Reminder.objects.filter(case=scan.case)
    assert {row.kind for row in about_patient} >= {"mri_review", "follow_up_overdue"}
    assert chase.pk in set(about_patient.values_list("follow_up", flat=True))

    record_death(scan.case.patient)

    assert set(about_patient.values_list("status", "status_reason")) == {("cancelled", DEATH_REASON)}
    assert set(Reminder.objects.filter(case=other.case).values_list("status", flat=True)) == {"pending"}


def test_it_cancels_the_patients_open_follow_ups_with_the_date_and_who_recorded_it(team):
    """A repeat MRI or a clinic owed to a patient who has died is owed no longer: cancelled, with the reason
    on the follow-up and who recorded the death in its history, off every list and count (HAZ-009)."""
    case = CaseFactory(responsible_clinician=team["oncologist"])
    overdue = follow_up(team["oncologist"], TODAY() - dt.timedelta(days=2), case=case)
    later = follow_up(team["oncologist"], TODAY() + dt.timedelta(days=20), case=case)
    done = follow_up(team["oncologist"], TODAY() - dt.timedelta(days=9), case=case)
    follow_ups_complete(done, team["oncologist"])
    another_patient = follow_up(team["oncologist"], TODAY() - dt.timedelta(days=1))
    died_on = TODAY() - dt.timedelta(days=1)
    assert my_follow_up_counts(team["oncologist"]).overdue == 2

    record_death(case.patient, on=died_on)

    for row in (overdue, later):
        row.refresh_from_db()
        assert row.cancelled_at is not None and row.cancelled_by.username == "mscc-coord"
        assert row.cancel_reason == f"The patient's death was recorded (died {died_on:%d %b %Y})."
        assert row.history.latest().history_user.username == "mscc-coord"
    done.refresh_from_db()
    another_patient.refresh_from_db()
    assert done.cancelled_at is None and done.completed_at is not None  # what was done stays done
    assert another_patient.cancelled_at is None
    assert my_follow_up_counts(team["oncologist"]).overdue == 1  # the other patient's only


def follow_ups_complete(row: FollowUp, user) -> None:
    row.completed_at, row.completed_by, row.outcome_note = timezone.now(), user, "Seen in clinic."
    row.save()


def test_no_sweep_after_the_death_creates_or_sends_a_reminder_about_the_patient(team):
    scan = performed_scan(30 * HOUR, responsible_clinician=team["oncologist"])
    follow_up(team["oncologist"], TODAY() + dt.timedelta(days=1), case=scan.case)
    record_death(scan.case.patient)

    derive(timezone.now() + 3 * DAY)
    cancel_resolved(timezone.now() + 3 * DAY)

    assert not Reminder.objects.filter(case=scan.case).exists()
    assert my_reminders(user_id=team["radiologist"].pk, now=timezone.now() + 3 * DAY) == []


def test_a_death_recorded_behind_the_services_back_is_still_caught_by_the_sweep(team):
    """A bulk load or a data fix that sets died_on directly: the sweep's own rule cancels the rows."""
    scan = performed_scan(30 * HOUR)
    derive(timezone.now())
    Patient.objects.filter(pk=scan.case.patient_id).update(died_on=TODAY())

    cancel_resolved(timezone.now())

    assert set(Reminder.objects.filter(case=scan.case).values_list("status", "status_reason")) == {
        ("cancelled", DEATH_REASON)
    }


def test_it_flags_the_patient_on_a_future_agenda_for_the_coordinator_to_withdraw(client):
    case = CaseFactory()
    upcoming = meeting(next_wednesday_at(13))
    listed_item(upcoming, case)
    record_death(case.patient, on=TODAY() - dt.timedelta(days=1))
    client.force_login(coordinator_user("coord2"))

    page = client.get(reverse("meeting-detail", args=[upcoming.pk])).content.decode()

    died = (TODAY() - dt.timedelta(days=1)).strftime("%d %b %Y")
    assert f"the patient died on {died}: withdraw this item" in page


def test_the_workspace_records_a_death_through_the_same_service(client, team):
    scan = performed_scan(30 * HOUR)
    derive(timezone.now())
    patient = scan.case.patient
    client.force_login(coordinator_user("coord3"))
    form = patient_form(
        mrn=patient.mrn,
        given_name=patient.given_name,
        family_name=patient.family_name,
        date_of_birth=patient.date_of_birth.strftime("%d/%m/%Y"),
        sex=patient.sex,
        primary_site=patient.primary_site,
        died_on=TODAY().strftime("%d/%m/%Y"),
        loaded_version=str(patient.version),
    )

    response = client.post(reverse("admin:cases_patient_change", args=[patient.pk]), form)

    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.died_on == TODAY()
    assert patient.history.latest().history_change_reason == "Death recorded from the coordinators' workspace"
    assert set(Reminder.objects.filter(case=scan.case).values_list("status_reason", flat=True)) == {DEATH_REASON}


def test_it_names_who_recorded_the_death_and_from_where():
    case = CaseFactory()

    patient = record_death(case.patient, source="pas")

    latest = patient.history.latest()
    assert (latest.died_on, latest.history_user.username) == (TODAY(), "mscc-coord")
    assert latest.history_change_reason == "Death recorded from the hospital PAS feed"


@pytest.mark.parametrize(
    ("days_from_today", "message"),
    [(1, "Date of death cannot be in the future."), (-40000, "Date of death cannot be before the date of birth.")],
)
def test_it_refuses_an_impossible_date_of_death_and_stops_nothing(team, days_from_today, message):
    scan = performed_scan(30 * HOUR)
    derive(timezone.now())

    with pytest.raises(ValidationError) as error:
        record_death(scan.case.patient, on=TODAY() + dt.timedelta(days=days_from_today))

    assert error.value.message_dict == {"died_on": [message]}
    scan.case.patient.refresh_from_db()
    assert scan.case.patient.died_on is None
    assert Reminder.objects.filter(case=scan.case, status="pending").exists()


def test_it_lets_only_those_who_may_change_the_patient_record_a_death():
    case = CaseFactory()

    with pytest.raises(PermissionDenied):
        patient_record_death(
            patient_id=case.patient_id,
            date_of_death=TODAY(),
            user=clinician_user("rad", Member.Role.RADIOLOGIST),
        )

    case.patient.refresh_from_db()
    assert case.patient.died_on is None
