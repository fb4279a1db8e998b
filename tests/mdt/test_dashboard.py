import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.choices import Modality
from mdt.selectors import WORKLIST_SIZE
from tests.factories import CaseFactory, ScanFactory, clinician

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/"


def test_it_lists_performed_mri_waiting_for_review_longest_waiting_first(client):
    client.force_login(clinician())
    now = timezone.now()
    older = ScanFactory(requested_at=now - dt.timedelta(days=3), performed_at=now - dt.timedelta(days=2))
    newer = ScanFactory(requested_at=now - dt.timedelta(days=1), performed_at=now - dt.timedelta(hours=2))
    ScanFactory()  # requested, not performed
    ScanFactory(modality=Modality.CT, performed=True)  # not an MRI
    reviewed = ScanFactory(performed=True)
    reviewed.reviewed_at, reviewed.reviewed_by = timezone.now(), clinician("other")
    reviewed.save()

    response = client.get(reverse("dashboard"))

    assert response.context["pending_review"].rows == [older, newer]
    assert older.case.patient.mrn in response.content.decode()
    assert b"Mark reviewed" in response.content  # the radiologist can act from the worklist


def test_it_shows_a_bounded_worklist_in_a_constant_number_of_queries(client, django_assert_max_num_queries):
    client.force_login(clinician())
    for _ in range(WORKLIST_SIZE + 3):
        ScanFactory(performed=True)
    for hours in (20, 30, 40):  # suspected MSCC with no MRI yet: at risk, then breached
        CaseFactory(suspected_diagnosis_at=timezone.now() - dt.timedelta(hours=hours))

    # session, user, MRI worklist with patients (JOIN), clock candidates with patients (JOIN),
    # their scans, next meetings with case counts, my reminders (reminders.selectors), member (navbar),
    # user and group permissions, awaiting my signature, my follow-up counts
    with django_assert_max_num_queries(12):
        response = client.get(reverse("dashboard"))

    assert len(response.context["clocks_attention"]) == 3

    assert len(response.context["pending_review"].rows) == WORKLIST_SIZE
    assert response.context["pending_review"].more
    assert b"More scans are waiting" in response.content


def test_it_says_so_when_nothing_waits(client):
    client.force_login(clinician())
    assert b"No MRI scan is waiting for review" in client.get(reverse("dashboard")).content
