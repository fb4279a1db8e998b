"""The PAS feed applied message by message (the socket is tested in test_hl7_listener.py)."""

import datetime as dt
import logging

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Patient
from cases.signals import patient_died
from integrations.hl7.receive import feed_message_receive
from integrations.models import FeedConflict, FeedMessage
from tests.factories import CaseFactory, PatientFactory, ScanFactory, UserFactory
from tests.integrations import hl7_messages as hl7

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient():
    return PatientFactory(mrn="MRN900001", nhs_number="9990000018", given_name="Nathan", family_name="Daniels")


def receive(raw):
    row, ack = feed_message_receive(raw)
    msa = ack.split("\r")[1].split("|")
    return row, msa[1], msa[3] if len(msa) > 3 else ""


def test_an_a08_updates_demographics_and_the_gp_under_the_feed_user_and_answers_aa(patient):
    receive(hl7.adt("A28", "C0"))  # the PAS's first word on the patient agrees with the record
    row, code, _ = receive(hl7.adt("A08", "C1", family="DANIELS-SMITH", dob="19500518"))

    assert code == "AA" and row.status == "applied" and row.patient == patient
    patient.refresh_from_db()
    assert (patient.family_name, patient.date_of_birth) == ("Daniels-Smith", dt.date(1950, 5, 18))
    assert patient.gp_name == "Dr Alan Jones" and patient.gp_practice == "HIGH STREET SURGERY (B12345)"
    assert patient.history.latest().history_user.username == "pas-feed"
    assert patient.version == 3  # the GP from the first message, then the new name and date of birth


@pytest.mark.hazard("HAZ-001")
def test_the_first_feed_value_that_disagrees_with_what_was_typed_is_flagged_not_applied(patient):
    """A typed record and the PAS disagreeing on first contact may be the wrong patient (a mistyped MRN)."""
    _, code, _text = receive(hl7.adt("A04", "F1", family="SOMEONE", given="ELSE"))
    patient.refresh_from_db()
    assert code == "AA" and (patient.family_name, patient.given_name) == ("Daniels", "Nathan")
    assert set(FeedConflict.objects.values_list("field", flat=True)) == {"family_name", "given_name"}


def test_the_ack_echoes_the_control_id_and_is_addressed_back_to_the_sender(patient):
    _, ack = feed_message_receive(hl7.adt("A31", "CTRL-77"))
    msh, msa = ack.split("\r")
    assert msh.split("|")[2:6] == ["MDT", "RXX01", "PAS", "RXX01"]
    assert msh.split("|")[8] == "ACK^A31^ACK"
    assert msa.split("|")[:3] == ["MSA", "AA", "CTRL-77"]


@pytest.mark.hazard("HAZ-002")
def test_a_field_a_coordinator_corrected_since_the_last_feed_value_is_not_overwritten_but_flagged(patient):
    receive(hl7.adt("A08", "C1"))
    coordinator = UserFactory()
    patient.refresh_from_db()
    patient.given_name = "Nate"  # corrected by a person after the feed's last value
    patient._history_user = coordinator
    patient.save()

    _row, code, text = receive(hl7.adt("A08", "C2", given="NATHANIEL", family="DANIELSON"))

    patient.refresh_from_db()
    assert code == "AA" and patient.given_name == "Nate" and patient.family_name == "Danielson"
    conflict = FeedConflict.objects.get()
    assert (conflict.field, conflict.record_value, conflict.feed_value) == ("given_name", "Nate", "Nathaniel")
    assert "given_name" in text


def test_a_field_the_feed_set_last_is_updated_by_the_next_feed_value(patient):
    receive(hl7.adt("A08", "C1"))
    receive(hl7.adt("A08", "C2", given="NAT"))
    patient.refresh_from_db()
    assert patient.given_name == "Nat" and not FeedConflict.objects.exists()


@pytest.mark.hazard("HAZ-009")
def test_a_death_from_the_pas_is_recorded_through_the_record_path_and_a_later_alive_does_not_undo_it(patient):
    CaseFactory(patient=patient)
    died_on = timezone.localdate() - dt.timedelta(days=1)
    _row, code, text = receive(hl7.adt("A03", "D1", died_on=died_on.strftime("%Y%m%d"), died="Y"))

    patient.refresh_from_db()
    assert code == "AA" and patient.died_on == died_on and "death recorded" in text
    assert patient.history.latest().history_user.username == "pas-feed"

    _, code, _ = receive(hl7.adt("A08", "D2", died="N"))
    patient.refresh_from_db()
    assert code == "AA" and patient.died_on == died_on
    assert FeedConflict.objects.get().field == "died_on"


@pytest.mark.hazard("HAZ-009")
def test_a_death_from_the_pas_goes_through_the_one_death_service_with_the_feed_as_its_source(patient):
    CaseFactory(patient=patient)
    died_on = timezone.localdate() - dt.timedelta(days=2)
    heard = []

    def listener(sender, **kwargs):
        heard.append((kwargs["patient_id"], kwargs["date_of_death"], kwargs["source"]))

    patient_died.connect(listener, dispatch_uid="test-pas-death")
    try:
        _row, code, _ = receive(hl7.adt("A03", "D3", died_on=died_on.strftime("%Y%m%d"), died="Y"))
    finally:
        patient_died.disconnect(dispatch_uid="test-pas-death")

    assert code == "AA" and heard == [(patient.pk, died_on, "pas")]
    assert patient.history.latest().history_change_reason == "Death recorded from the hospital PAS feed"


def test_a_death_indicator_without_a_date_is_an_error_not_a_guess(patient):
    _, code, text = receive(hl7.adt("A08", "D1", died="Y"))
    patient.refresh_from_db()
    assert code == "AE" and "PID-29" in text and patient.died_on is None


OTHER_DIGITS_DATES = {
    "arabic-indic": "\u0661\u0669\u0665\u0660\u0660\u0665\u0661\u0668",  # 19500518
    "full-width": "\uff11\uff19\uff15\uff10" + "05" + "\uff11\uff18",
    "superscript": "195005\u00b98",
}


@pytest.mark.parametrize("dob", list(OTHER_DIGITS_DATES.values()), ids=list(OTHER_DIGITS_DATES))
def test_a_date_written_in_other_digits_is_ae_naming_the_field_and_nothing_is_saved(patient, dob):
    """Only ASCII digits are a date: other scripts' digits are not read as a date nobody sent."""
    receive(hl7.adt("A08", "G0"))
    _, code, text = receive(hl7.adt("A08", "G1", dob=dob, family="CHANGED"))
    patient.refresh_from_db()
    assert code == "AE" and "PID-7" in text and patient.family_name == "Daniels"


def test_an_unknown_patient_is_ae_and_recorded():
    row, code, text = receive(hl7.adt("A08", "U1", mrn="MRN404", nhs=""))
    assert code == "AE" and row.status == "error" and "MRN404" in text
    assert not Patient.objects.exists()


def test_a_value_the_record_refuses_is_ae_naming_the_field_and_nothing_is_saved(patient):
    future = (timezone.localdate() + dt.timedelta(days=30)).strftime("%Y%m%d")
    receive(hl7.adt("A08", "V0"))
    _, code, text = receive(hl7.adt("A08", "V1", dob=future, family="CHANGED"))
    patient.refresh_from_db()
    assert code == "AE" and "date_of_birth" in text and patient.family_name == "Daniels"


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (hl7.adt("A08", "R1").replace("^~\\&", "#"), "encoding characters"),
        ("\r".join(hl7.adt("A08", "R2").split("\r")[i] for i in (0, 2, 1, 3, 4)), "PID before EVN"),
        (hl7.adt("A08", "R3").replace("EVN|A08|20261130101500\r", ""), "no EVN"),
        (hl7.msh("ADT^A99^ADT_A01", "R4") + "\r" + hl7.pid(), "unsupported trigger"),
        ("PID|1||MRN1", "no MSH"),
        (hl7.merge("R5", "MRN1", "MRN2").replace("\rMRG|MRN2^^^RXX01^MR", ""), "A40 without MRG"),
    ],
)
def test_a_malformed_message_is_rejected_ar_and_recorded_without_touching_the_record(patient, raw, why):
    row, code, _ = receive(raw)
    assert code == "AR", why
    assert row.status == "rejected" and row.raw
    patient.refresh_from_db()
    assert patient.version == 1


def test_a_replayed_message_changes_nothing_and_is_acknowledged_again(patient):
    receive(hl7.adt("A28", "C0"))
    receive(hl7.adt("A08", "C1", family="SMITH"))
    patient.refresh_from_db()
    versions = patient.history.count()

    row, code, text = receive(hl7.adt("A08", "C1", family="SMITH"))

    assert code == "AA" and row.status == "duplicate" and "Already applied" in text
    assert patient.history.count() == versions
    assert FeedMessage.objects.filter(control_id="C1", status="applied").count() == 1


def test_a_control_id_reused_for_another_message_is_an_error(patient):
    receive(hl7.adt("A28", "C0"))
    receive(hl7.adt("A08", "C1", family="SMITH"))
    _, code, _ = receive(hl7.adt("A08", "C1", family="JONES"))
    patient.refresh_from_db()
    assert code == "AE" and patient.family_name == "Smith"


@pytest.mark.hazard("HAZ-049")
def test_a_merge_rekeys_the_merged_patient_or_flags_it_when_both_are_in_the_record(patient):
    _, code, _text = receive(hl7.merge("M1", surviving="MRN777", merged="MRN900001"))
    patient.refresh_from_db()
    assert code == "AA" and patient.mrn == "MRN777"

    other = PatientFactory(mrn="MRN888")
    _, code, _ = receive(hl7.merge("M2", surviving="MRN888", merged="MRN777"))
    assert code == "AA" and FeedConflict.objects.get(field="merge").patient == other
    patient.refresh_from_db()
    assert patient.mrn == "MRN777"


def test_a_radiology_report_is_filed_against_the_scan_its_accession_names(patient):
    scan = ScanFactory(case=CaseFactory(patient=patient), accession_number="ACC1001")
    scan.requested_at = timezone.now() - dt.timedelta(days=3)
    scan.save()

    performed, reported = timezone.now() - dt.timedelta(days=2), timezone.now() - dt.timedelta(days=1)
    _, code, text = receive(
        hl7.report(
            "O1", "ACC1001", performed=f"{performed:%Y%m%d%H%M%S}+0000", reported=f"{reported:%Y%m%d%H%M%S}+0000"
        )
    )

    scan.refresh_from_db()
    assert code == "AA", text
    assert scan.report == "No cord compression.\nConclusion: T7 metastasis, ESCC 1b."
    assert scan.performed_at == performed.replace(microsecond=0)
    assert scan.reported_at == reported.replace(microsecond=0)
    assert scan.history.latest().history_user.username == "pas-feed"


@pytest.mark.hazard("HAZ-001")
def test_a_report_naming_another_patients_scan_is_never_filed(patient):
    scan = ScanFactory(case=CaseFactory(patient=patient), accession_number="ACC1001", performed=True)
    PatientFactory(mrn="MRN555")  # the report says MRN555; the record's NHS number matches ours: still not filed

    _, code, text = receive(hl7.report("O2", "ACC1001", mrn="MRN555"))

    scan.refresh_from_db()
    assert code == "AE" and "another patient" in text and scan.report == ""


def test_an_mrn_the_pas_sends_in_lower_case_is_the_patient_stored_in_capitals(patient):
    # The record stores MRNs in capitals: the feed finds the patient, and files a report against
    # the patient's scan, whatever case the MRN arrives in.
    scan = ScanFactory(case=CaseFactory(patient=patient), accession_number="ACC1001", performed=True)

    receive(hl7.adt("A28", "U0", mrn="mrn900001"))  # the PAS's first word agrees with the record
    row, code, text = receive(hl7.adt("A08", "U1", mrn="mrn900001", family="DANIELS-SMITH"))
    assert code == "AA" and row.patient == patient, text
    _, code, text = receive(hl7.report("U2", "ACC1001", mrn="mrn900001"))

    scan.refresh_from_db()
    patient.refresh_from_db()
    assert code == "AA" and scan.report.startswith("No cord compression."), text
    assert (patient.mrn, patient.family_name) == ("MRN900001", "Daniels-Smith")
    assert not FeedConflict.objects.filter(patient=patient).exists()


def test_a_preliminary_report_is_not_filed(patient):
    scan = ScanFactory(case=CaseFactory(patient=patient), accession_number="ACC1001", performed=True)
    _, code, _ = receive(hl7.report("O3", "ACC1001", status="P"))
    scan.refresh_from_db()
    assert code == "AA" and scan.report == ""


@pytest.mark.hazard("HAZ-025")
def test_the_log_names_the_row_type_and_code_never_patient_details(patient, caplog):
    with caplog.at_level(logging.INFO, logger="integrations"):
        receive(hl7.adt("A08", "L0"))
        receive(hl7.adt("A08", "L1", family="LOGGEDNAME"))
        receive(hl7.adt("A08", "L2", mrn="MRN404", nhs=""))
    text = caplog.text
    assert "hl7 message" in text
    for detail in ("LOGGEDNAME", "Loggedname", "MRN900001", "9990000018", "MRN404", "19500517"):
        assert detail not in text


def test_a_coordinator_settles_a_conflict_by_applying_the_feed_value_with_history(patient):
    from django.core.exceptions import PermissionDenied

    from integrations.hl7.conflicts import feed_conflict_resolve
    from tests.factories import clinician_user, coordinator_user

    receive(hl7.adt("A04", "F1", given="ELSE"))
    conflict = FeedConflict.objects.get()
    with pytest.raises(PermissionDenied):
        feed_conflict_resolve(conflict_id=conflict.pk, apply_feed_value=True, user=clinician_user())
    coordinator = coordinator_user()

    feed_conflict_resolve(conflict_id=conflict.pk, apply_feed_value=True, user=coordinator)

    patient.refresh_from_db()
    conflict.refresh_from_db()
    assert patient.given_name == "Else" and patient.history.latest().history_user == coordinator
    assert conflict.resolved_by == coordinator and conflict.resolution == "applied the feed's value"


@given(
    st.one_of(
        st.text(max_size=300),
        st.builds(lambda tail: "MSH|^~\\&|PAS|RXX01|MDT|RXX01|20261130||" + tail, st.text(max_size=300)),
        st.builds(
            lambda i, junk: "\r".join(hl7.adt("A08", "H1").split("\r")[:i]) + junk,
            st.integers(min_value=1, max_value=5),
            st.text(alphabet="|^~\\&\rPIDEVNMSH0123", max_size=40),
        ),
    )
)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_input_gets_an_ack_and_an_audit_row_never_an_exception(patient, raw):
    row, ack = feed_message_receive(raw)
    assert ack.startswith("MSH|") and ack.split("\r")[1].split("|")[1] in {"AA", "AE", "AR"}
    assert FeedMessage.objects.filter(pk=row.pk).exists() and row.ack_code == ack.split("\r")[1].split("|")[1]


HOME = "12 HEOL Y FELIN^FLAT 2^CARDIFF^^CF14 1AA^GBR^H"


@pytest.mark.hazard("HAZ-100")
def test_the_pas_address_in_pid_11_is_kept_on_the_patient_with_its_history_and_an_empty_one_changes_nothing(
    patient,
):
    row, code, _ = receive(hl7.adt("A08", "AD1", address=HOME))

    assert code == "AA" and "address" in row.outcome
    patient.refresh_from_db()
    assert patient.pas_address == "12 HEOL Y FELIN\nFLAT 2\nCARDIFF\nCF14 1AA"
    assert patient.pas_address_received_at == row.received_at
    latest = patient.history.latest()
    assert latest.history_user.username == "pas-feed" and latest.pas_address == patient.pas_address

    receive(hl7.adt("A08", "AD2"))  # no PID-11: no change
    receive(hl7.adt("A08", "AD3", address="7 FFORDD Y BONT^^SWANSEA^^SA1 1AA^^H"))

    patient.refresh_from_db()
    assert patient.pas_address == "7 FFORDD Y BONT\nSWANSEA\nSA1 1AA"
    assert [h.pas_address.split("\n")[0] for h in patient.history.order_by("history_date") if h.pas_address] == [
        "12 HEOL Y FELIN",
        "7 FFORDD Y BONT",
    ]
    assert FeedConflict.objects.count() == 0  # the PAS is the address's only source: nothing to settle


@pytest.mark.parametrize(
    ("repetitions", "kept"),
    [
        ([HOME, "PO BOX 9^^CARDIFF^^CF10 9ZZ^^M"], "PO BOX 9"),  # the mailing address first
        (["1 OLD ROAD^^NEWPORT^^NP1 1AA^^BA", HOME], "12 HEOL Y FELIN"),  # one marked bad is never used
        (["1 OLD ROAD^^NEWPORT^^NP1 1AA^^BA"], None),
        (["3 TEMP STREET^^BARRY^^CF62 1AA^^C", "4 UNTYPED LANE^^PENARTH^^CF64 1AA"], "4 UNTYPED LANE"),
        (["3 TEMP STREET^^BARRY^^CF62 1AA^^C"], "3 TEMP STREET"),
    ],
)
def test_the_address_kept_is_the_mailing_one_else_home_and_never_one_marked_bad(patient, repetitions, kept):
    receive(hl7.adt("A08", "AD4", address="~".join(repetitions)))

    patient.refresh_from_db()
    assert (patient.pas_address.split("\n")[0] if patient.pas_address else None) == kept


def test_escaped_characters_in_the_address_are_read_as_text(patient):
    receive(hl7.adt("A08", "AD5", address="FLAT 1\\T\\2 MILL LANE^^CARDIFF^^CF1 1AA^^H"))

    patient.refresh_from_db()
    assert patient.pas_address.startswith("FLAT 1&2 MILL LANE")


@pytest.mark.hazard("HAZ-100")
def test_the_pas_address_is_read_only_in_the_workspace(client, patient):
    from tests.cases.admin_bad_input.helpers import patient_form
    from tests.factories import coordinator_user

    receive(hl7.adt("A08", "AD6", address=HOME))
    patient.refresh_from_db()
    client.force_login(coordinator_user("addr-coord"))

    page = client.get(reverse("admin:cases_patient_change", args=[patient.pk])).content.decode()
    form = patient_form(
        mrn=patient.mrn, nhs_number=patient.nhs_number, given_name=patient.given_name,
        family_name=patient.family_name, date_of_birth=patient.date_of_birth.strftime("%d/%m/%Y"),
        sex=patient.sex, primary_site=patient.primary_site, loaded_version=str(patient.version),
        pas_address="1 Typed Road", pas_address_received_at="",
    )  # fmt: skip
    response = client.post(reverse("admin:cases_patient_change", args=[patient.pk]), form)

    assert "Address held by the PAS" in page and "12 HEOL Y FELIN" in page and 'name="pas_address"' not in page
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.pas_address.startswith("12 HEOL Y FELIN")
