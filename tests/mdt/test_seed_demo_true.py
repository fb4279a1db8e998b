"""Demo data that rings true: names match the recorded sex, referrers match the primary."""

from collections import Counter

import pytest
from django.core.management import call_command

from cases.choices import CaseStatus, Sex
from cases.clocks import case_clocks
from cases.models import Case, Patient, Scan
from mdt.demo.people import ACUTE_REFERRERS, GIVEN, SITE_REFERRERS

pytestmark = pytest.mark.django_db


def test_demo_patients_have_names_of_their_recorded_sex_and_plausible_referrers(settings):
    settings.DEBUG = True
    call_command("seed_demo")

    # The record's patients (a patient registered from a referral has the name the referrer gave).
    for patient in Patient.objects.exclude(mrn__startswith="DEMO-R"):
        assert patient.given_name in GIVEN[Sex(patient.sex)], (patient.given_name, patient.sex)
    assert not Patient.objects.filter(primary_site="breast").exclude(sex=Sex.FEMALE).exists()
    assert not Patient.objects.filter(primary_site="prostate").exclude(sex=Sex.MALE).exists()
    # A case opened from an online referral names its referrer and organisation instead (referrals.demo).
    for case in Case.objects.filter(referrals__isnull=True).select_related("patient"):
        assert case.referrer in [*ACUTE_REFERRERS, SITE_REFERRERS[case.patient.primary_site]], case.referrer


def test_the_demo_dashboard_shows_a_believable_mix_of_clocks_and_statuses_that_match_the_scans(settings):
    settings.DEBUG = True
    call_command("seed_demo")

    live = Counter(
        str(clock.state)
        for case in Case.objects.on_worklists().prefetch_related("scans").select_related("patient")
        for clock in case_clocks(case)
        if clock.started_at is not None and clock.stopped_at is None
    )
    # Mostly on track, a few at risk, a few breached: what a service that mostly keeps its targets sees.
    assert live["running"] > live["at_risk"] + live["breached"], live
    assert live["at_risk"] >= 1 and live["breached"] >= 1, live
    # A reported MRI moves a case on to awaiting the MDT (cases.status): no imaging case has one.
    assert not Scan.objects.filter(case__status=CaseStatus.IMAGING, reported_at__isnull=False).exists()
