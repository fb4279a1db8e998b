"""Demo data that rings true: names match the recorded sex, referrers match the primary."""

import pytest
from django.core.management import call_command

from cases.choices import Sex
from cases.models import Case, Patient
from mdt.demo.people import ACUTE_REFERRERS, GIVEN, SITE_REFERRERS

pytestmark = pytest.mark.django_db


def test_demo_patients_have_names_of_their_recorded_sex_and_plausible_referrers(settings):
    settings.DEBUG = True
    call_command("seed_demo")

    for patient in Patient.objects.all():
        assert patient.given_name in GIVEN[Sex(patient.sex)], (patient.given_name, patient.sex)
    assert not Patient.objects.filter(primary_site="breast").exclude(sex=Sex.FEMALE).exists()
    assert not Patient.objects.filter(primary_site="prostate").exclude(sex=Sex.MALE).exists()
    # A case opened from an online referral names its referrer and organisation instead (referrals.demo).
    for case in Case.objects.filter(referrals__isnull=True).select_related("patient"):
        assert case.referrer in [*ACUTE_REFERRERS, SITE_REFERRERS[case.patient.primary_site]], case.referrer
