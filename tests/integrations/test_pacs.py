"""PACS: the scan's accession number and study UID, and the "Open images" link built from them."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mdt.models import AgendaItem, Meeting
from tests.factories import CaseFactory, ScanFactory, clinician_user

pytestmark = pytest.mark.django_db

VIEWER = "https://pacs.example/viewer?acc={accession}&uid={study_uid}"
LINK = "https://pacs.example/viewer?acc=ACC%2F1001&amp;uid=1.2.826.0.1.99.1"


@pytest.fixture
def scan():
    return ScanFactory(performed=True, accession_number="ACC/1001", study_instance_uid="1.2.826.0.1.99.1")


def test_the_case_page_links_each_scan_to_the_viewer_with_its_keys_quoted(client, settings, scan):
    settings.PACS_VIEWER_URL = VIEWER
    client.force_login(clinician_user())
    body = client.get(f"/cases/{scan.case_id}/").content.decode()
    assert LINK in body and "Open images" in body and 'rel="noopener noreferrer"' in body


def test_no_viewer_configured_or_no_keys_means_no_link(client, settings, scan):
    client.force_login(clinician_user())
    settings.PACS_VIEWER_URL = ""
    assert "Open images" not in client.get(f"/cases/{scan.case_id}/").content.decode()
    settings.PACS_VIEWER_URL = VIEWER
    bare = ScanFactory(performed=True)
    assert "Open images" not in client.get(f"/cases/{bare.case_id}/").content.decode()


def test_the_agenda_and_the_decision_form_link_the_latest_mri(client, settings, scan):
    settings.PACS_VIEWER_URL = VIEWER
    now = timezone.now()
    meeting = Meeting.objects.create(
        starts_at=now + timezone.timedelta(days=1), ends_at=now + timezone.timedelta(days=1, hours=1),
        agenda_closes_at=now + timezone.timedelta(hours=2),
    )  # fmt: skip
    item = AgendaItem.objects.create(meeting=meeting, case=scan.case)
    client.force_login(clinician_user())
    assert LINK in client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert LINK in client.get(f"/meetings/{meeting.pk}/items/{item.pk}/decision/").content.decode()


def test_a_study_uid_must_be_a_dicom_uid_and_an_accession_names_one_scan(scan):
    bad = ScanFactory.build(case=CaseFactory(), study_instance_uid="1.2.03.x")
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert "study_instance_uid" in error.value.message_dict
    twin = ScanFactory.build(case=scan.case, accession_number="ACC/1001")
    with pytest.raises(ValidationError, match="Another scan has this accession number"):
        twin.full_clean()
