"""One click from a referral to a case carries what the referral said: the steroid dose and its reason,
the referrer's MRI (as a performed scan, with the MRI clock it answers), and the rest of the facts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.choices import Modality
from cases.clocks import ClockState, case_clocks
from cases.models import Case, Scan
from referrals.services import accept
from tests.referrals import makers
from tests.sessions import START

pytestmark = pytest.mark.django_db

NOW = START  # the `clock` fixture's instant
REASON = "Progressive weakness despite 16 mg: oncologist advised 24 mg"


# --------------------------------------------------------------------------- the steroid dose


@pytest.mark.hazard("HAZ-012")
def test_a_dose_above_the_usual_loading_dose_is_accepted_with_its_reason_onto_the_case(referrer, mscc):
    referral = makers.advised(
        makers.submitted(referrer, dexamethasone_dose_mg=24, dexamethasone_dose_reason=REASON), by=mscc
    )

    case = accept.referral_accept(referral_id=referral.pk, user=mscc, mrn="SPN0001")

    case.refresh_from_db()
    assert (case.steroid_dose_mg, case.steroid_dose_reason) == (Decimal("24.0"), REASON)
    assert case.steroids_started_at == referral.dexamethasone_first_dose_at


def neurology_step(client, referral, **data):
    fields = {
        "red_flags": ["limb_weakness"],
        "dexamethasone_given": "yes",
        "dexamethasone_first_dose_at": (timezone.localtime() - dt.timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M"),
        **data,
    }
    return client.post(
        reverse("refer:step", args=[referral.pk, "neurology"]),
        {**fields, "loaded_version": type(referral).objects.get(pk=referral.pk).version, "save": "1"},
    )


@pytest.mark.hazard("HAZ-012")
def test_the_referral_form_asks_for_the_reason_of_a_dose_above_the_usual_loading_dose(client, referrer):
    client.force_login(referrer)
    referral = makers.draft(referrer)

    page = client.get(reverse("refer:step", args=[referral.pk, "neurology"])).content.decode()
    assert 'name="dexamethasone_dose_reason"' in page  # asked in the steroids step

    refused = neurology_step(client, referral, dexamethasone_dose_mg="24")
    assert refused.status_code == 200
    assert "above the usual 16 mg needs a reason" in refused.context["form"].errors["dexamethasone_dose_reason"][0]
    referral.refresh_from_db()
    assert referral.dexamethasone_dose_mg == 16  # nothing saved

    saved = neurology_step(client, referral, dexamethasone_dose_mg="24", dexamethasone_dose_reason=REASON)
    assert saved.status_code == 302
    referral.refresh_from_db()
    assert (referral.dexamethasone_dose_mg, referral.dexamethasone_dose_reason) == (Decimal("24.0"), REASON)


@pytest.mark.hazard("HAZ-012")
def test_the_referral_takes_the_services_maximum_dose_not_its_own(client, referrer):
    """The limits are config/clinical_targets.toml's (the case's rule): 40 mg with a reason is a dose the case
    accepts; 160 mg (a tenfold typing error) is refused naming the field and the limit."""
    client.force_login(referrer)
    referral = makers.draft(referrer)

    assert (
        neurology_step(client, referral, dexamethasone_dose_mg="40", dexamethasone_dose_reason=REASON).status_code
        == 302
    )

    refused = neurology_step(client, referral, dexamethasone_dose_mg="160", dexamethasone_dose_reason=REASON)
    assert "above the 100 mg this service accepts" in refused.context["form"].errors["dexamethasone_dose_mg"][0]
    with pytest.raises(ValidationError) as caught:
        makers.draft(referrer, dexamethasone_dose_mg=0)
    assert "greater than 0" in caught.value.message_dict["dexamethasone_dose_mg"][0]


def test_a_referral_submitted_without_the_reason_is_accepted_with_the_coordinators(client, referrer, mscc):
    """A referral submitted before the form asked for the reason is never stuck: accepting asks for it."""
    referral = makers.advised(makers.submitted(referrer), by=mscc)
    type(referral).objects.filter(pk=referral.pk).update(dexamethasone_dose_mg=24)  # as saved before the rule
    client.force_login(mscc)
    url = reverse("referrals:accept", args=[referral.pk])

    refused = client.post(url, {"mrn": "SPN0001"})
    assert refused.status_code == 400
    assert "needs a reason" in refused.context["accept_form"].errors["steroid_dose_reason"][0]
    assert not Case.objects.exists()

    assert client.post(url, {"mrn": "SPN0001", "steroid_dose_reason": REASON}).status_code == 302
    assert Case.objects.get().steroid_dose_reason == REASON


# --------------------------------------------------------------------------- the referrer's MRI


def accepted(referrer, mscc, **fields):
    referral = makers.advised(makers.submitted(referrer, **fields), by=mscc)
    case = accept.referral_accept(referral_id=referral.pk, user=mscc, mrn="SPN0001")
    return referral, Case.objects.select_related("patient").prefetch_related("scans").get(pk=case.pk)


def mri_clock(case, now):
    (clock,) = [c for c in case_clocks(case, now=now) if c.target.key == "mri_whole_spine_24h"]
    return clock


@pytest.mark.hazard("HAZ-200")
def test_the_referrers_whole_spine_mri_becomes_a_performed_scan_and_meets_the_mri_clock(clock, referrer, mscc):
    """Scanned at the referring hospital 6 hours before the referral: the case holds that MRI, and its 24-hour
    MRI clock is met, not shown breached a day later for a scan the patient already had."""
    mri_at = NOW - dt.timedelta(hours=6)
    report = "Metastasis T10 with epidural extension, cord compressed (ESCC 2)."
    referral, case = accepted(
        referrer, mscc, mri_at=mri_at, mri_modality=Modality.MRI_WHOLE_SPINE, mri_report=report, accession_number="RG77"
    )

    scan = Scan.objects.get(case=case)
    assert (scan.modality, scan.performed_at, scan.accession_number, scan.report) == (
        Modality.MRI_WHOLE_SPINE,
        mri_at,
        "RG77",
        report,
    )
    assert scan.reported_at == referral.submitted_at  # the report came with the referral
    assert case.suspected_diagnosis_at == mri_at  # suspected no later than the MRI that showed it
    later = mri_clock(case, NOW + dt.timedelta(days=2))
    assert later.state == ClockState.MET
    assert not later.start_assumed


@pytest.mark.hazard("HAZ-200")
def test_a_patient_not_yet_scanned_shows_the_running_mri_clock_from_the_referral(clock, referrer, mscc):
    _, case = accepted(referrer, mscc, mri_done="no", mri_at=None, images_sent="", accession_number="", mri_where="")

    assert not Scan.objects.filter(case=case).exists()
    assert case.suspected_diagnosis_at == NOW
    assert mri_clock(case, NOW + dt.timedelta(hours=1)).state == ClockState.RUNNING
    assert mri_clock(case, NOW + dt.timedelta(hours=25)).state == ClockState.BREACHED  # chased, not hidden


@pytest.mark.hazard("HAZ-200")
def test_an_mri_not_said_to_cover_the_whole_spine_is_kept_but_never_meets_the_whole_spine_clock(clock, referrer, mscc):
    mri_at = NOW - dt.timedelta(hours=6)
    _, case = accepted(referrer, mscc, mri_at=mri_at, mri_modality="")

    scan = Scan.objects.get(case=case)
    assert (scan.modality, scan.performed_at) == (Modality.MRI_TARGETED, mri_at)
    assert mri_clock(case, NOW).state == ClockState.RUNNING  # 6 h since the MRI: the whole spine still to image
    assert mri_clock(case, NOW + dt.timedelta(hours=19)).state == ClockState.BREACHED


def test_an_accession_number_held_by_another_scan_is_left_on_the_referral_not_refused(referrer, mscc):
    _, first = accepted(referrer, mscc, accession_number="RG77")
    second = makers.advised(makers.submitted(referrer, accession_number="RG77", nhs_number="9434765919"), by=mscc)

    case = accept.referral_accept(referral_id=second.pk, user=mscc, mrn="SPN0002")

    assert Scan.objects.get(case=first).accession_number == "RG77"
    assert Scan.objects.get(case=case).accession_number == ""


@pytest.mark.hazard("HAZ-200")
def test_the_case_page_shows_what_the_referral_said_that_the_case_has_no_field_for(client, referrer, mscc):
    referral, case = accepted(
        referrer,
        mscc,
        symptoms_started_on=timezone.localdate() - dt.timedelta(days=2),
        bloods="Corrected calcium 2.9",
        mri_where="Riverside General",
    )
    client.force_login(mscc)

    page = client.get(reverse("case-detail", args=[case.pk])).content.decode()

    for said in (
        "Power 4/5 both legs, sensory level T10, bladder normal.",
        "Bone (ribs, pelvis)",
        "Letrozole",
        "Corrected calcium 2.9",
        "Riverside General",
        f"{referral.symptoms_started_on:%-d %b %Y}",
    ):
        assert said in page


def test_the_referrals_page_says_what_the_mri_covered_and_why_the_dose_is_higher(client, referrer, mscc):
    referral = makers.submitted(
        referrer, mri_modality=Modality.MRI_WHOLE_SPINE, dexamethasone_dose_mg=24, dexamethasone_dose_reason=REASON
    )
    client.force_login(mscc)

    page = client.get(reverse("referrals:detail", args=[referral.pk])).content.decode()

    assert "Yes, the whole spine at Riverside General" in page
    assert f"24 mg daily ({REASON})" in page
