"""The scan list's "mark reviewed" acts only on the scans as the reviewer saw them (HAZ-174): a scan changed
since the list was opened is not reviewed and is named, with who changed what; the others are reviewed."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from cases.models import Scan
from cases.services import scan_mark_reviewed
from core.history import save_as
from mdt.models import Member
from tests.admin_forms import said, ticked
from tests.factories import ScanFactory, UserFactory, team_user

pytestmark = pytest.mark.django_db

SCANS = reverse("admin:cases_scan_changelist")


@pytest.fixture
def radiologist(client):
    """A radiologist with the workspace's scan list (staff, viewing scans, reviewing them)."""
    reviewer = UserFactory(username="radiologist", is_staff=True, first_name="Alun", last_name="Price")
    Member.objects.create(user=reviewer, role=Member.Role.RADIOLOGIST)
    reviewer.user_permissions.add(*Permission.objects.filter(codename__in=["review_scan", "view_scan"]))
    client.force_login(reviewer)
    client.user = reviewer
    return client


def oncologist():
    user = team_user("oncologist", Member.Role.ONCOLOGIST)
    user.first_name, user.last_name = "Dai", "Jones"
    user.save()
    return user


@pytest.mark.hazard("HAZ-174")
def test_a_scan_reviewed_by_someone_else_meanwhile_is_not_reviewed_again_and_is_named_and_the_other_is(radiologist):
    fresh, stale = ScanFactory(performed=True), ScanFactory(performed=True)
    page = radiologist.get(SCANS)
    scan_mark_reviewed(scan_id=stale.pk, user=oncologist())  # the oncologist's own review, which the
    history = stale.history.count()  # radiologist's would go beside: only the version stops it here

    response = radiologist.post(SCANS, ticked(page, "mark_reviewed", fresh, stale))

    assert "1 scan(s) marked reviewed." in said(response)
    [refused] = [m for m in said(response) if "changed since you opened the list" in m]
    assert refused.startswith(f"Scan {stale.pk} ({stale.case.patient.mrn}, Whole-spine MRI requested ")
    assert "(Dai Jones at " in refused and "was not done to it. Reload the list" in refused
    assert "clinician who reviewed: (blank) → Dai Jones" in refused  # a person, not a row id
    assert "role: (blank) → Oncologist" in refused  # a choice as its label
    stale = Scan.objects.get(pk=stale.pk)
    assert stale.reviewed_at is None and stale.clinician_reviewed_by.last_name == "Jones"
    assert stale.history.count() == history
    assert Scan.objects.get(pk=fresh.pk).reviewed_by == radiologist.user


@pytest.mark.hazard("HAZ-174")
def test_a_scan_whose_report_changed_meanwhile_is_not_reviewed_unseen(radiologist):
    scan = ScanFactory(performed=True, report="No cord compression.")
    page = radiologist.get(SCANS)
    scan.report, scan.escc_grade, scan.version = "Cord compression at T7.", 3, scan.version + 1
    save_as(oncologist(), scan)

    response = radiologist.post(SCANS, ticked(page, "mark_reviewed", scan))

    [refused] = said(response)
    assert "report: No cord compression. → Cord compression at T7." in refused
    assert Scan.objects.get(pk=scan.pk).reviewed_at is None
