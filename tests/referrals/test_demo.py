"""seed_demo includes the front door: referring hospitals, referrers who can sign in, referrals in every state."""

import pytest
from django.core.management import call_command
from django.db.models import Q

from cases.choices import Sex
from cases.clocks import case_clocks
from cases.models import Case, Patient
from mdt.demo.people import GIVEN
from referrals import selectors
from referrals.choices import Status
from referrals.models import Organisation, Referral

pytestmark = pytest.mark.django_db


def test_the_demo_has_referring_hospitals_referrers_and_a_referral_in_every_state(settings, client, capsys):
    settings.DEBUG = True
    call_command("seed_demo")

    assert "referrer     Referrer at Riverside General Hospital" in capsys.readouterr().out
    assert Organisation.objects.filter(is_service=True).count() == 1
    assert set(Referral.objects.values_list("status", flat=True)) == set(Status.values)
    for referral in Referral.objects.all():
        referral.full_clean()  # every demo referral passes the same validation as a typed one
    assert Referral.objects.filter(status=Status.DRAFT).count() == 1
    assert Referral.objects.filter(status=Status.NEW, by_phone=True, referrer__isnull=True).exists()
    assert [shift.coordinator.username for shift in selectors.on_duty()] == ["mscc"]
    accepted = Referral.objects.get(status=Status.ACCEPTED)
    assert accepted.case is not None and accepted.case.status == "awaiting_mdt"
    assert client.login(username="referrer", password="spine-demo-2026")
    assert client.get("/refer/").status_code == 200

    counts = (Organisation.objects.count(), Referral.objects.count())
    call_command("seed_demo")
    assert (Organisation.objects.count(), Referral.objects.count()) == counts


# The demo referrals' own given names, by the sex a reader would take them for; mdt.demo's record names too.
REFERRAL_NAMES = {Sex.FEMALE: {"Eleri", "Nia", "Sian", "Alys"}, Sex.MALE: {"Wyn", "Gareth", "Ifan"}}


def rings_true(given_name: str, sex: str, primary_site: str) -> bool:
    names = REFERRAL_NAMES[Sex(sex)] | set(GIVEN[Sex(sex)])
    wrong_sex = {"breast": Sex.MALE, "prostate": Sex.FEMALE}.get(primary_site)
    return given_name in names and sex != wrong_sex


def test_demo_referrals_and_the_patients_made_from_them_ring_true(settings):
    """Drafts included: a name of the recorded sex, no man with a breast primary, no woman with a prostate one."""
    settings.DEBUG = True
    call_command("seed_demo")

    for referral in Referral.objects.all():
        assert rings_true(referral.given_name, referral.sex, referral.primary_site), (
            referral.pk,
            referral.given_name,
            referral.sex,
            referral.primary_site,
        )
    made = Patient.objects.filter(Q(mrn__startswith="DEMO-R") | Q(cases__referrals__isnull=False)).distinct()
    assert made.count() >= 2  # the letter's patient registered from a referral, the accepted referral's
    for patient in made:
        assert rings_true(patient.given_name, patient.sex, patient.primary_site), patient.pk
    accepted = Referral.objects.select_related("case__patient").get(status=Status.ACCEPTED)
    assert accepted.sex == accepted.case.patient.sex
    # The accepted referral's MRI, done before it was sent, is on the case and meets its MRI clock.
    case = Case.objects.select_related("patient").prefetch_related("scans").get(pk=accepted.case_id)
    assert [str(clock.state) for clock in case_clocks(case) if clock.target.key.startswith("mri_")] == ["met"]
