import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from cases.choices import CaseStatus, PrimarySite
from cases.models import Case, Patient, Scan, ScanState
from mdt.models import Member

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # seeds the whole demo service


@pytest.mark.hazard("HAZ-034")
def test_it_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert Patient.objects.count() == 0


def test_it_builds_a_whole_demo_service(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")

    out = capsys.readouterr().out
    assert "spine-demo-2026" in out  # the demo logins are printed on creation
    assert set(Member.objects.values_list("role", flat=True)) == set(Member.Role.values)
    # The record's 40, and the patient registered from a referral to write the advice letter to (letters.demo).
    assert Patient.objects.exclude(mrn__startswith="DEMO-R").count() == 40
    assert Patient.objects.filter(mrn__startswith="DEMO-R").count() == 1
    assert set(Patient.objects.values_list("primary_site", flat=True)) == set(PrimarySite.values)
    assert set(Case.objects.values_list("status", flat=True)) == set(CaseStatus.values)
    assert {scan.state for scan in Scan.objects.all()} == set(ScanState)
    assert Scan.objects.pending_review().exists()
    for patient in Patient.objects.all():
        patient.full_clean()  # every demo row passes the same validation as a typed one
    for scan in Scan.objects.all():
        scan.full_clean()


def test_it_changes_nothing_when_run_again(settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (get_user_model().objects.count(), Patient.objects.count(), Case.objects.count(), Scan.objects.count())
    capsys.readouterr()

    call_command("seed_demo")

    assert (
        get_user_model().objects.count(),
        Patient.objects.count(),
        Case.objects.count(),
        Scan.objects.count(),
    ) == counts
    assert "spine-demo-2026" not in capsys.readouterr().out  # passwords are printed once, at creation


def test_its_clinicians_can_sign_in_and_review_and_coordinators_can_use_the_admin(settings, client):
    settings.DEBUG = True
    call_command("seed_demo")

    assert client.login(username="radiologist", password="spine-demo-2026")
    assert get_user_model().objects.get(username="radiologist").has_perm("cases.review_scan")
    coordinator = get_user_model().objects.get(username="coordinator")
    assert coordinator.is_staff and coordinator.has_perm("cases.change_patient")
    assert not coordinator.has_perm("cases.review_scan")
