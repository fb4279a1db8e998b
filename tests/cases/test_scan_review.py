"""A specialist marks a performed MRI reviewed: it leaves the worklist, and the history names them."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from mdt.models import Member
from tests.factories import ScanFactory, clinician, coordinator

pytestmark = pytest.mark.django_db


def review(client, scan, **data):
    return client.post(reverse("scan-review", args=[scan.pk]), data)


def worklist(client) -> list:
    return client.get(reverse("dashboard")).context["pending_review"].rows


def unchanged(scan) -> bool:
    before = (scan.reviewed_at, scan.reviewed_by_id, scan.history.count())
    scan.refresh_from_db()
    return (scan.reviewed_at, scan.reviewed_by_id, scan.history.count()) == before


@pytest.mark.hazard("HAZ-015")
def test_a_radiologists_review_takes_the_mri_off_the_worklist_and_records_the_role(client):
    radiologist = clinician("specialist", Member.Role.RADIOLOGIST)
    client.force_login(radiologist)
    scan = ScanFactory(performed=True)
    waiting = ScanFactory(performed=True)
    assert worklist(client) == [scan, waiting]
    before = timezone.now()

    response = review(client, scan)

    assert response.status_code == 302
    assert response["Location"] == reverse("case-detail", args=[scan.case_id])
    scan.refresh_from_db()
    assert (scan.reviewed_by, scan.reviewer_role) == (radiologist, "radiologist")
    assert before <= scan.reviewed_at <= timezone.now()
    assert worklist(client) == [waiting]
    latest = scan.history.first()
    assert latest.history_user == radiologist
    assert latest.reviewed_by_id == radiologist.pk


@pytest.mark.hazard("HAZ-015")
@pytest.mark.parametrize("role", [Member.Role.ONCOLOGIST, Member.Role.SPINAL_SURGEON])
def test_an_oncologists_or_surgeons_review_is_recorded_with_the_role_and_the_mri_stays_on_the_worklist(client, role):
    specialist = clinician("specialist", role)
    client.force_login(specialist)
    # their patient's scan: an oncologist's or a surgeon's dashboard lists only those
    scan = ScanFactory(performed=True, case__responsible_clinician=specialist)

    response = review(client, scan)

    assert response.status_code == 302
    scan.refresh_from_db()
    assert (scan.clinician_reviewed_by, scan.clinician_reviewer_role) == (specialist, role)
    assert scan.clinician_reviewed_at is not None
    assert (scan.reviewed_at, scan.reviewed_by, scan.reviewer_role) == (None, None, "")
    assert worklist(client) == [scan]  # still waiting for the radiologist's review
    assert scan.history.first().history_user == specialist


@pytest.mark.hazard("HAZ-015")
def test_the_recorded_role_stands_when_the_reviewer_changes_role_later(client):
    radiologist = clinician("specialist", Member.Role.RADIOLOGIST)
    client.force_login(radiologist)
    scan = ScanFactory(performed=True)
    review(client, scan)
    radiologist.member.role = Member.Role.ONCOLOGIST
    radiologist.member.save()

    scan.refresh_from_db()

    assert scan.reviewer_role == "radiologist"


def test_it_confirms_the_review_and_hides_the_button_on_the_case_page(client):
    client.force_login(clinician())
    scan = ScanFactory(performed=True)

    response = client.post(reverse("scan-review", args=[scan.pk]), follow=True)

    html = response.content.decode()
    assert "Whole-spine MRI marked reviewed." in html
    assert '<span class="badge badge-state-reviewed">Reviewed</span>' in html
    assert reverse("scan-review", args=[scan.pk]) not in html


def test_it_goes_back_to_the_dashboard_when_reviewed_from_there(client):
    client.force_login(clinician())
    scan = ScanFactory(performed=True)

    response = review(client, scan, next="dashboard")

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_it_never_redirects_off_site_after_a_review(client):
    client.force_login(clinician())
    scan = ScanFactory(performed=True)

    response = review(client, scan, next="https://evil.example/")

    assert response["Location"] == reverse("case-detail", args=[scan.case_id])


@pytest.mark.hazard("HAZ-015")
def test_it_forbids_a_coordinator_to_mark_a_scan_reviewed(client):
    client.force_login(coordinator())
    scan = ScanFactory(performed=True)

    response = review(client, scan)

    assert response.status_code == 403
    assert unchanged(scan)
    assert scan.reviewed_at is None
    assert worklist(client) == [scan]


@pytest.mark.parametrize("role", [Member.Role.PHYSIOTHERAPIST, Member.Role.NURSE_SPECIALIST])
def test_it_forbids_other_clinicians_to_mark_a_scan_reviewed(client, role):
    client.force_login(clinician("someone", role))
    scan = ScanFactory(performed=True)

    response = review(client, scan)

    assert response.status_code == 403
    assert unchanged(scan)
    assert scan.reviewed_at is None


def test_it_sends_an_anonymous_visitor_to_sign_in_without_reviewing(client):
    scan = ScanFactory(performed=True)

    response = review(client, scan)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert unchanged(scan)


def test_it_refuses_to_review_a_scan_not_yet_performed(client):
    client.force_login(clinician())
    scan = ScanFactory()

    response = client.post(reverse("scan-review", args=[scan.pk]), follow=True)

    assert response.redirect_chain == [(reverse("case-detail", args=[scan.case_id]), 302)]
    assert "This scan has not been performed yet, so it cannot be reviewed." in response.content.decode()
    assert unchanged(scan)
    assert scan.reviewed_at is None


def test_it_refuses_a_second_review_and_keeps_the_first_reviewer(client):
    first = clinician("first")
    reviewed_at = timezone.now() - dt.timedelta(hours=1)
    scan = ScanFactory(performed=True, reviewed_at=reviewed_at, reviewed_by=first)
    client.force_login(clinician("second"))

    response = client.post(reverse("scan-review", args=[scan.pk]), follow=True)

    assert response.redirect_chain == [(reverse("case-detail", args=[scan.case_id]), 302)]
    assert "This scan was already reviewed." in response.content.decode()
    assert unchanged(scan)
    assert (scan.reviewed_by, scan.reviewed_at) == (first, reviewed_at)


def test_it_does_not_review_on_get(client):
    client.force_login(clinician())
    scan = ScanFactory(performed=True)

    response = client.get(reverse("scan-review", args=[scan.pk]))

    assert response.status_code == 405
    assert unchanged(scan)
    assert scan.reviewed_at is None


def test_it_answers_404_for_a_scan_that_does_not_exist(client):
    client.force_login(clinician())

    assert client.post(reverse("scan-review", args=[987654])).status_code == 404


def test_the_worklist_says_whose_review_takes_a_scan_off_it(client):
    client.force_login(clinician("specialist", Member.Role.RADIOLOGIST))

    html = client.get(reverse("scans-pending-review")).content.decode()

    assert "spinal surgeon's review is recorded, but the scan waits for the radiologist" in html
