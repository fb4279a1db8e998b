"""Delivery from the PAS feed: a procedure message (BAR^P01, PR1 segments) records what was delivered of
the treatment the patient's latest decision chose, through the same service the team uses; a local code
not mapped (or anything the record cannot take) marks the message for a coordinator's review."""

import datetime as dt
import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from config.env import env_map
from integrations.checks import procedure_treatments_known
from integrations.hl7.receive import feed_message_receive
from integrations.models import FeedMessage
from live.delivery import MATCHED, delivery_report
from live.models import Delivery
from mdt.models import Decision
from tests.factories import UserFactory, coordinator_user
from tests.integrations import hl7_messages as hl7

pytestmark = pytest.mark.django_db

# The service's own local codes (invented for the tests: no national code is assumed).
MAPPING = {"RT-PALL": "cebrt", "SX-DECOMP": "surgery_decompression"}


@pytest.fixture
def mapped(settings):
    settings.HL7_PROCEDURE_TREATMENTS = MAPPING


def receive(raw):
    row, ack = feed_message_receive(raw)
    msa = ack.split("\r")[1].split("|")
    return row, msa[1]


def hl7_day(day: dt.date, hour: int = 9) -> str:
    return f"{day:%Y%m%d}{hour:02d}0000"


def decided_days_ago(record, days: int) -> Decision:
    decision = record["decision"]
    Decision.objects.filter(pk=decision.pk).update(decided_at=timezone.now() - dt.timedelta(days=days))
    decision.refresh_from_db()
    return decision


@pytest.mark.hazard("HAZ-123")
def test_a_mapped_procedure_records_the_delivery_of_the_latest_decision_under_the_feed(record, mapped):
    decision = decided_days_ago(record, 3)
    today = timezone.localdate()
    row, code = receive(hl7.procedures("P1", ("rt-pall", hl7_day(today - dt.timedelta(days=1)))))

    assert code == "AA" and row.status == "applied" and not row.needs_review
    delivery = Delivery.objects.get()
    assert (delivery.decision, delivery.treatment, delivery.delivered_on) == (
        decision,
        "cebrt",
        today - dt.timedelta(days=1),
    )
    assert delivery.source == "feed" and delivery.recorded_by is None
    assert delivery.history.get().history_user.username == "pas-feed"
    assert row.patient == record["patient"] and f"against decision {decision.pk}" in row.outcome

    report = delivery_report(timezone.now() - dt.timedelta(days=30), timezone.now() + dt.timedelta(days=1))
    assert report.states[MATCHED] == 1 and report.sources["feed"] == 1
    client = coordinator_client()
    page = client.get("/reports/delivery/").content.decode()
    assert "1 delivered as decided" in page and "0 by the team, 1 from the hospital's PAS feed" in page


def coordinator_client():
    from django.test import Client

    client = Client()
    client.force_login(coordinator_user())
    return client


@pytest.mark.hazard("HAZ-123")
def test_an_unmapped_code_records_nothing_and_the_message_needs_review_logged_by_id_only(record, mapped, caplog):
    decided_days_ago(record, 3)
    with caplog.at_level(logging.INFO, logger="integrations"):
        row, code = receive(hl7.procedures("P2", ("XR-999", hl7_day(timezone.localdate()))))

    assert code == "AA" and row.needs_review and not Delivery.objects.exists()
    assert "procedure code XR-999 is not mapped to a treatment" in row.outcome
    assert FeedMessage.objects.filter(needs_review=True).get() == row
    assert f"hl7 message {row.pk} needs a coordinator's review" in caplog.text
    for detail in ("XR-999", "MRN900001", "9990000018", "DANIELS"):
        assert detail not in caplog.text


@pytest.mark.hazard("HAZ-123")
def test_a_procedure_the_record_cannot_take_is_not_applied_but_flagged(record, mapped):
    decided_days_ago(record, 3)
    today = timezone.localdate()
    # a treatment the decision did not choose
    row, _ = receive(hl7.procedures("P3", ("SX-DECOMP", hl7_day(today))))
    assert row.needs_review and "(surgery_decompression) is not a treatment decision" in row.outcome
    # a date before the decision: refused by the delivery service, with its message
    row, _ = receive(hl7.procedures("P4", ("RT-PALL", hl7_day(today - dt.timedelta(days=10)))))
    assert row.needs_review and "cannot be before the decision" in row.outcome
    assert not Delivery.objects.exists()
    # the team's own entry stands
    team = UserFactory()
    Delivery.objects.create(
        decision=record["decision"], treatment="cebrt", reason="patient_choice", source="team", recorded_by=team
    )
    row, _ = receive(hl7.procedures("P5", ("RT-PALL", hl7_day(today))))
    assert row.needs_review and "the team recorded it not delivered: the team's entry stands" in row.outcome
    assert Delivery.objects.get().reason == "patient_choice"


def test_a_patient_without_a_decision_needs_review_and_an_unknown_patient_is_ae(mapped):
    from tests.factories import PatientFactory

    PatientFactory(mrn="MRN900001", nhs_number="9990000018")
    row, code = receive(hl7.procedures("P6", ("RT-PALL", hl7_day(timezone.localdate()))))
    assert code == "AA" and row.needs_review and "the patient has no MDT decision" in row.outcome
    row, code = receive(hl7.procedures("P7", ("RT-PALL", hl7_day(timezone.localdate())), mrn="MRN404", nhs=""))
    assert code == "AE" and row.status == "error"


@pytest.mark.hazard("HAZ-123")
def test_repeats_change_nothing_and_the_earliest_date_is_kept(record, mapped):
    decided_days_ago(record, 5)
    today = timezone.localdate()
    first, second = today - dt.timedelta(days=3), today - dt.timedelta(days=2)
    message = hl7.procedures("P8", ("RT-PALL", hl7_day(second)), ("RT-PALL", hl7_day(first)))
    receive(message)
    delivery = Delivery.objects.get()
    assert delivery.delivered_on == first  # two fractions: the first one's date
    versions = delivery.history.count()

    row, code = receive(message)  # the same message again
    assert code == "AA" and row.status == "duplicate"
    row, code = receive(hl7.procedures("P9", ("RT-PALL", hl7_day(first))))  # resent under a new id
    assert code == "AA" and not row.needs_review and "already recorded: no change" in row.outcome
    receive(hl7.procedures("P10", ("RT-PALL", hl7_day(today))))  # a later fraction
    assert delivery.history.count() == versions and Delivery.objects.get().delivered_on == first

    receive(hl7.procedures("P11", ("RT-PALL", hl7_day(today - dt.timedelta(days=4)))))  # the PAS corrects it
    assert Delivery.objects.get().delivered_on == today - dt.timedelta(days=4)


def test_a_procedure_message_without_procedures_is_rejected(record, mapped):
    raw = hl7.procedures("P12")
    row, code = receive(raw)
    assert code == "AR" and "needs PID and PR1" in row.outcome


def test_the_mapping_is_checked_against_the_apps_treatments(settings):
    settings.HL7_PROCEDURE_TREATMENTS = {"RT-PALL": "cebrt", "OLD-1": "radiotherapy"}
    errors = procedure_treatments_known()
    assert [error.id for error in errors] == ["integrations.E001"] and "OLD-1" in errors[0].msg
    settings.HL7_PROCEDURE_TREATMENTS = MAPPING
    assert procedure_treatments_known() == []


def test_the_mapping_setting_is_read_as_code_equals_treatment_pairs(monkeypatch):
    monkeypatch.setenv("HL7_PROCEDURE_TREATMENTS", " RT-PALL=cebrt , SX-DECOMP=surgery_decompression,")
    assert env_map("HL7_PROCEDURE_TREATMENTS", {}) == MAPPING
    monkeypatch.setenv("HL7_PROCEDURE_TREATMENTS", "RT-PALL")
    with pytest.raises(ImproperlyConfigured, match="is not KEY=value"):
        env_map("HL7_PROCEDURE_TREATMENTS", {})
