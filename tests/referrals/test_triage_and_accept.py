"""Triage inbox, advice with amendments, decline, and one click from a referral to a case."""

import datetime as dt

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseStatus, Presentation
from cases.models import Case, Patient
from referrals import selectors
from referrals.choices import Outcome, Precautions, Status
from referrals.models import Advice, Referral
from referrals.services import accept, triage
from tests.factories import CaseFactory, PatientFactory, read_only_user
from tests.referrals import makers

pytestmark = pytest.mark.django_db

ADVICE = {
    "outcome": Outcome.LIST_FOR_MDT,
    "advice": "Flat bed rest, log roll. Dexamethasone 16 mg.",
    "precautions": Precautions.FLAT_LOG_ROLL,
    "stability_cleared_by": "",
    "stability_cleared_at": None,
    "steroid_advice": "",
}


@pytest.mark.hazard("HAZ-038")
def test_the_inbox_lists_neurology_first_then_the_longest_waiting(referrer, mscc):
    start = timezone.now() - dt.timedelta(hours=3)
    with time_machine.travel(start, tick=False):
        pain_old = makers.submitted(referrer, red_flags=["nocturnal_pain"], neurology_detail="")
    with time_machine.travel(start + dt.timedelta(hours=1), tick=False):
        neuro_new = makers.submitted(referrer, red_flags=["limb_weakness"])
    with time_machine.travel(start + dt.timedelta(minutes=30), tick=False):
        neuro_old = makers.submitted(referrer, red_flags=["bladder_bowel_dysfunction"])
    makers.draft(referrer)  # drafts are not on the inbox

    rows = selectors.inbox()

    assert [row.referral.pk for row in rows] == [neuro_old.pk, neuro_new.pk, pain_old.pk]


def test_the_inbox_is_one_query_however_many_referrals(referrer, django_assert_num_queries):
    for _ in range(5):
        makers.submitted(referrer)

    # 1: referrals with their organisation and case joined, the first advice time aggregated.
    with django_assert_num_queries(1):
        rows = selectors.inbox()
        [row.advice.state for row in rows] + [row.plan.state for row in rows]


def test_the_inbox_page_shows_the_clocks_and_the_status_counts(client, referrer, mscc):
    makers.submitted(referrer)
    client.force_login(mscc)

    page = client.get(reverse("referrals:inbox")).content.decode()

    assert "Running" in page and "MSCC-" in page and "Neurology" in page


@pytest.mark.hazard("HAZ-040")
def test_advice_stops_the_advice_clock_and_an_amendment_keeps_the_first(referrer, mscc, surgeon):
    referral = makers.submitted(referrer)
    triage.referral_take(referral_id=referral.pk, user=mscc)
    first = triage.advice_give(referral_id=referral.pk, user=mscc, fields=ADVICE)

    amended = triage.advice_give(
        referral_id=referral.pk,
        user=surgeon,
        fields={**ADVICE, "outcome": Outcome.URGENT_SURGICAL_OPINION},
        amends_id=first.pk,
        reason="Surgical review of the MRI: unstable T10.",
    )

    referral.refresh_from_db()
    assert referral.status == Status.ADVICE_GIVEN
    assert list(Advice.objects.filter(referral=referral).order_by("id")) == [first, amended]
    assert list(Advice.objects.current()) == [amended]
    assert amended.amends == first and amended.given_by == surgeon
    clock = selectors.inbox(status=Status.ADVICE_GIVEN)[0].advice
    assert clock.stopped_at == first.given_at


@pytest.mark.hazard("HAZ-040")
def test_an_amendment_needs_a_reason_and_a_stale_one_is_refused(referrer, mscc):
    referral = makers.submitted(referrer)
    first = triage.advice_give(referral_id=referral.pk, user=mscc, fields=ADVICE)

    with pytest.raises(ValidationError) as no_reason:
        triage.advice_give(referral_id=referral.pk, user=mscc, fields=ADVICE, amends_id=first.pk)
    with pytest.raises(ValidationError, match="Someone else gave or amended the advice"):
        triage.advice_give(referral_id=referral.pk, user=mscc, fields=ADVICE, amends_id=None)

    assert "amendment_reason" in no_reason.value.message_dict
    assert Advice.objects.count() == 1


def test_cleared_precautions_need_who_cleared_them_and_when(referrer, mscc):
    referral = makers.submitted(referrer)

    with pytest.raises(ValidationError) as caught:
        triage.advice_give(referral_id=referral.pk, user=mscc, fields={**ADVICE, "precautions": Precautions.CLEARED})

    assert "stability_cleared_by" in caught.value.message_dict


def test_advice_that_is_the_plan_confirms_it(referrer, mscc):
    referral = makers.submitted(referrer)

    triage.advice_give(referral_id=referral.pk, user=mscc, fields={**ADVICE, "outcome": Outcome.RADIOTHERAPY_LOCALLY})

    referral.refresh_from_db()
    assert referral.plan_confirmed_at is not None


def test_a_referrer_and_an_auditor_cannot_advise(referrer):
    referral = makers.submitted(referrer)
    for user in (referrer, read_only_user()):
        with pytest.raises(PermissionDenied):
            triage.advice_give(referral_id=referral.pk, user=user, fields=ADVICE)


def test_declining_needs_a_reason_the_referrer_reads(client, referrer, mscc):
    referral = makers.submitted(referrer)
    client.force_login(mscc)

    refused = client.post(reverse("referrals:decline", args=[referral.pk]), {"reason": " "})
    assert refused.status_code == 400
    client.post(reverse("referrals:decline", args=[referral.pk]), {"reason": "Not MSCC: degenerative disease."})

    referral.refresh_from_db()
    assert (referral.status, referral.decline_reason) == (Status.DECLINED, "Not MSCC: degenerative disease.")
    client.force_login(referrer)
    assert "degenerative disease" in client.get(reverse("refer:detail", args=[referral.pk])).content.decode()


# --------------------------------------------------------------------------- one click to a case


def test_accepting_a_new_patient_creates_the_patient_and_the_case_from_the_referral(client, referrer, mscc):
    referral = makers.advised(makers.submitted(referrer), by=mscc)
    client.force_login(mscc)

    response = client.post(reverse("referrals:accept", args=[referral.pk]), {"mrn": "SPN0001"})

    case = Case.objects.get()
    assert response["Location"] == reverse("case-detail", args=[case.pk])
    # The confirmation names the patient by MRN, never by name.
    confirmation = [str(m) for m in get_messages(response.wsgi_request)]
    assert confirmation == [f"Accepted: case {case.pk} for MRN SPN0001."]
    patient = case.patient
    assert (patient.mrn, patient.nhs_number, patient.family_name, patient.date_of_birth) == (
        "SPN0001",
        referral.nhs_number,
        "Thomas",
        dt.date(1958, 3, 14),
    )
    assert case.presentation == Presentation.SUSPECTED_MSCC
    assert case.status == CaseStatus.AWAITING_MDT  # listed: an MDT candidate
    assert (case.red_flags, case.frankel_grade, case.ecog, case.mdt_question) == (
        referral.red_flags,
        "D",
        2,
        referral.question,
    )
    assert case.steroids_started_at == referral.dexamethasone_first_dose_at
    assert referral.reference in case.referrer
    referral.refresh_from_db()
    assert (referral.status, referral.case) == (Status.ACCEPTED, case)
    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert referral.reference in page  # the case shows its referral


def test_the_referrals_answer_on_previous_spinal_radiotherapy_carries_to_the_case(referrer, mscc):
    referral = makers.advised(
        makers.submitted(
            referrer, previous_spinal_rt="yes", previous_rt_levels=["T10", "T11"], previous_rt_dose="20 Gy/5"
        ),
        by=mscc,
    )
    case = accept.referral_accept(referral_id=referral.pk, user=mscc, mrn="SPN0009")
    assert (case.previous_spinal_rt, case.previous_rt_detail) == ("yes", "T10, T11; 20 Gy/5")

    unanswered = makers.advised(makers.submitted(referrer, previous_spinal_rt="", nhs_number="9434765919"), by=mscc)
    assert accept.referral_accept(referral_id=unanswered.pk, user=mscc, mrn="SPN0010").previous_spinal_rt == "unknown"


def test_a_new_patient_needs_a_hospital_number_here(referrer, mscc):
    referral = makers.advised(makers.submitted(referrer), by=mscc)

    with pytest.raises(ValidationError) as caught:
        accept.referral_accept(referral_id=referral.pk, user=mscc, mrn="")

    assert "mrn" in caught.value.message_dict
    assert not Patient.objects.exists()


@pytest.mark.hazard("HAZ-039")
def test_a_patient_found_by_nhs_number_with_a_different_name_is_shown_and_never_silently_merged(client, referrer, mscc):
    referral = makers.advised(makers.submitted(referrer), by=mscc)
    other = PatientFactory(nhs_number=referral.nhs_number, family_name="Thompson", given_name="Megan")
    client.force_login(mscc)

    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()
    assert "whose details differ" in page and "the record says Thompson, the referral Thomas" in page
    refused = client.post(reverse("referrals:accept", args=[referral.pk]), {"mrn": "X1"})

    assert refused.status_code == 400
    assert not Case.objects.exists()
    referral.refresh_from_db()
    assert referral.status == Status.ADVICE_GIVEN
    other.refresh_from_db()
    assert other.family_name == "Thompson"  # the record is never changed by a referral

    case = accept.referral_accept(referral_id=referral.pk, user=mscc, same_person_note="Phoned the ward: married name.")
    referral.refresh_from_db()
    other.refresh_from_db()
    assert case.patient == other and other.family_name == "Thompson"
    assert "Thompson" in referral.identity_note and "married name" in referral.identity_note


@pytest.mark.hazard("HAZ-039")
def test_a_patient_with_an_open_case_gets_the_referral_linked_not_a_second_case(referrer, mscc):
    referral = makers.advised(makers.submitted(referrer), by=mscc)
    patient = PatientFactory(
        nhs_number=referral.nhs_number, family_name="Thomas", given_name="Megan", date_of_birth=dt.date(1958, 3, 14)
    )
    open_case = CaseFactory(patient=patient)

    case = accept.referral_accept(referral_id=referral.pk, user=mscc)

    assert case == open_case
    assert Case.objects.count() == 1


def test_accepting_twice_returns_the_same_case(referrer, mscc):
    referral = makers.advised(makers.submitted(referrer), by=mscc)

    first = accept.referral_accept(referral_id=referral.pk, user=mscc, mrn="SPN0002")
    second = accept.referral_accept(referral_id=referral.pk, user=mscc, mrn="SPN0003")

    assert first == second and Case.objects.count() == 1


def test_advice_that_manages_the_patient_locally_must_be_amended_before_accepting(referrer, mscc):
    referral = makers.advised(makers.submitted(referrer), by=mscc, outcome=Outcome.ADVICE_ONLY)

    with pytest.raises(ValidationError, match="amend the advice"):
        accept.referral_accept(referral_id=referral.pk, user=mscc, mrn="SPN0004")

    assert Referral.objects.get(pk=referral.pk).status == Status.ADVICE_GIVEN
