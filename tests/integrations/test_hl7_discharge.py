"""Admissions and discharges from the PAS: an A01 updates demographics; an A03 whose discharge
disposition (PV1-36, HL7 table 0112) says the patient died records the death like any other."""

import datetime as dt

import pytest
from django.utils import timezone

from cases.models import Patient
from cases.signals import patient_died
from integrations.hl7.receive import feed_message_receive
from integrations.models import FeedConflict
from tests.factories import CaseFactory, PatientFactory
from tests.integrations import hl7_messages as hl7

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient() -> Patient:
    return PatientFactory(mrn="MRN900001", nhs_number="9990000018", given_name="Nathan", family_name="Daniels")


def receive(raw: str) -> tuple[str, str]:
    """The ACK code (MSA-1) and the outcome kept in the audit (the ACK's text is cut at 80 characters)."""
    row, ack = feed_message_receive(raw)
    return ack.split("\r")[1].split("|")[1], row.outcome


def local(day: dt.date, hour: int, minute: int = 0) -> str:
    """A local wall-clock time as a PAS without zones writes it (HL7 DTM, no offset)."""
    return f"{day:%Y%m%d}{hour:02d}{minute:02d}"


def deaths_heard(raw: str) -> tuple[str, str, list[tuple[int, dt.date, str]]]:
    heard = []

    def listener(sender, **kwargs):
        heard.append((kwargs["patient_id"], kwargs["date_of_death"], kwargs["source"]))

    patient_died.connect(listener, dispatch_uid="test-discharge-death")
    try:
        code, text = receive(raw)
    finally:
        patient_died.disconnect(dispatch_uid="test-discharge-death")
    return code, text, heard


def test_an_a01_admission_updates_demographics_and_answers_aa(patient):
    code, text = receive(hl7.adt("A01", "ADM1"))  # the first admission: the GP the record lacked
    patient.refresh_from_db()
    assert code == "AA" and text == "updated gp_name, gp_practice" and patient.gp_name == "Dr Alan Jones"

    code, text = receive(hl7.adt("A01", "ADM2", family="DANIELS-SMITH", dob="19500518"))  # readmitted

    patient.refresh_from_db()
    assert code == "AA" and text == "updated family_name, date_of_birth"
    assert (patient.family_name, patient.date_of_birth) == ("Daniels-Smith", dt.date(1950, 5, 18))
    assert patient.gp_practice == "HIGH STREET SURGERY (B12345)"
    assert patient.history.latest().history_user.username == "pas-feed" and patient.died_on is None


@pytest.mark.hazard("HAZ-009")
@pytest.mark.parametrize("disposition", ["20", "41"])
def test_a_discharge_whose_disposition_says_the_patient_died_records_the_death_through_the_death_service(
    patient, disposition
):
    """No PID-29/30: PV1-36 alone says the patient died; the date is the discharge's (PV1-45)."""
    CaseFactory(patient=patient)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    raw = hl7.discharge("DIS1", disposition=disposition, discharged=local(yesterday, 23, 40))

    code, text, heard = deaths_heard(raw)

    patient.refresh_from_db()
    assert code == "AA" and patient.died_on == yesterday
    assert heard == [(patient.pk, yesterday, "pas")]
    assert f"death recorded (PV1-36 discharge disposition {disposition}: died" in text
    assert "the date from PV1-45 (discharge date/time)" in text
    assert patient.history.latest().history_change_reason == "Death recorded from the hospital PAS feed"


@pytest.mark.hazard("HAZ-009")
def test_without_a_discharge_time_the_date_is_the_events_and_the_audit_says_which_field_gave_it(patient):
    two_days_ago, today = timezone.localdate() - dt.timedelta(days=2), timezone.localdate()

    code, text = receive(hl7.discharge("DIS2", disposition="20", occurred=local(two_days_ago, 6)))
    patient.refresh_from_db()
    assert code == "AA" and patient.died_on == two_days_ago and "the date from EVN-6 (event occurred)" in text

    other = PatientFactory(mrn="MRN900002", nhs_number="9990000026", given_name="Nathan", family_name="Daniels")
    code, text = receive(hl7.discharge("DIS3", disposition="42", mrn="MRN900002", nhs="9990000026"))
    other.refresh_from_db()
    assert code == "AA" and other.died_on == today and "the date from EVN-2 (recorded date/time)" in text


def test_a_discharge_home_records_no_death(patient):
    code, text = receive(hl7.discharge("DIS4", disposition="01", discharged=local(timezone.localdate(), 9)))

    patient.refresh_from_db()
    assert code == "AA" and patient.died_on is None and "death" not in text


@pytest.mark.hazard("HAZ-009")
def test_a_discharge_saying_died_with_a_different_date_recorded_is_flagged_not_changed(patient):
    recorded = timezone.localdate() - dt.timedelta(days=5)
    patient.died_on = recorded
    patient.save()

    code, text = receive(hl7.discharge("DIS5", disposition="20", discharged=local(timezone.localdate(), 1)))

    patient.refresh_from_db()
    conflict = FeedConflict.objects.get()
    assert code == "AA" and patient.died_on == recorded and "flagged for a coordinator" in text
    assert (conflict.field, conflict.feed_value) == ("died_on", timezone.localdate().isoformat())


def test_a_discharge_saying_died_when_pid_30_says_alive_is_an_error_and_changes_nothing(patient):
    raw = hl7.discharge("DIS6", disposition="20", discharged=local(timezone.localdate(), 1), died="N", family="X")

    code, text = receive(raw)

    patient.refresh_from_db()
    assert code == "AE" and "PID-30" in text and "PV1-36" in text
    assert patient.died_on is None and patient.family_name == "Daniels"


def test_a_bad_discharge_time_is_an_error_naming_the_field(patient):
    code, text = receive(hl7.discharge("DIS7", disposition="20", discharged="20261341"))

    patient.refresh_from_db()
    assert code == "AE" and "PV1-45" in text and patient.died_on is None


@pytest.mark.hazard("HAZ-009")
def test_applying_the_feeds_date_of_death_from_a_conflict_goes_through_the_death_service(patient):
    from integrations.hl7.conflicts import ConflictError, feed_conflict_resolve
    from tests.factories import coordinator_user

    recorded, discharged = (timezone.localdate() - dt.timedelta(days=days) for days in (5, 1))
    patient.died_on = recorded
    patient.save()
    receive(hl7.discharge("DIS8", disposition="20", discharged=local(discharged, 23)))
    receive(hl7.adt("A08", "DIS9", died="N"))
    date_conflict, alive_conflict = FeedConflict.objects.order_by("pk")
    coordinator = coordinator_user()

    with pytest.raises(ConflictError, match="alive"):
        feed_conflict_resolve(conflict_id=alive_conflict.pk, apply_feed_value=True, user=coordinator)
    heard = []

    def listener(sender, **kwargs):
        heard.append(kwargs["source"])

    patient_died.connect(listener, dispatch_uid="test-conflict-death")
    try:
        feed_conflict_resolve(conflict_id=date_conflict.pk, apply_feed_value=True, user=coordinator)
    finally:
        patient_died.disconnect(dispatch_uid="test-conflict-death")

    patient.refresh_from_db()
    assert patient.died_on == discharged and heard == ["workspace"]
    latest = patient.history.latest()
    assert latest.history_user == coordinator
    assert latest.history_change_reason == "Death recorded from the coordinators' workspace"


@pytest.mark.hazard("HAZ-061")
def test_a_pas_that_sends_its_own_code_for_a_death_is_read_once_the_deployment_lists_it(patient, settings):
    """NHS discharge destination 79 ("patient died or still birth") in PV1-36: a discharge until the
    deployment says its PAS uses it for deaths, then a death like any other; a code no longer listed is not."""
    CaseFactory(patient=patient)
    yesterday = timezone.localdate() - dt.timedelta(days=1)

    code, text = receive(hl7.discharge("LOC1", disposition="79", discharged=local(yesterday, 22)))
    patient.refresh_from_db()
    assert code == "AA" and patient.died_on is None and "death" not in text

    settings.HL7_DEATH_DISPOSITIONS = ["79"]
    other = PatientFactory(mrn="MRN900002", nhs_number="9990000026", given_name="Nathan", family_name="Daniels")
    code, text = receive(hl7.discharge("LOC2", disposition="20", mrn="MRN900002", nhs="9990000026"))
    other.refresh_from_db()
    assert code == "AA" and other.died_on is None and "death" not in text

    code, text, heard = deaths_heard(hl7.discharge("LOC3", disposition="79", discharged=local(yesterday, 22)))
    patient.refresh_from_db()
    assert code == "AA" and patient.died_on == yesterday and heard == [(patient.pk, yesterday, "pas")]
    assert "death recorded (PV1-36 discharge disposition 79: died" in text


@pytest.mark.hazard("HAZ-061")
@pytest.mark.parametrize("codes", [["20 40"], ["20;40"], ["79", "20|40"]])
def test_a_death_code_list_that_cannot_match_stops_the_start_naming_the_setting(settings, codes):
    from integrations.checks import death_dispositions_are_codes

    settings.HL7_DEATH_DISPOSITIONS = codes

    [error] = death_dispositions_are_codes()

    assert error.id == "integrations.E002" and "HL7_DEATH_DISPOSITIONS" in error.msg


def test_the_standards_death_codes_are_the_default(settings):
    from integrations.checks import death_dispositions_are_codes

    assert settings.HL7_DEATH_DISPOSITIONS == ["20", "40", "41", "42"] and death_dispositions_are_codes() == []
