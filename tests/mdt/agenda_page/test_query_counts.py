"""The agenda page and its PDF run the same queries for 5 or 60 cases."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseStatus, EsccGradeChoice
from mdt.models import AgendaItem, Meeting, Member, Preparation
from tests.factories import (
    AgendaItemFactory,
    CaseFactory,
    MeetingFactory,
    ScanFactory,
    clinician,
    coordinator,
)
from tests.mdt.agenda_page.helpers import ready_case, url

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- speed


def build_agenda(meeting, count: int, radiologist) -> None:
    earlier = MeetingFactory(starts_at=timezone.now() - dt.timedelta(days=7), status=Meeting.Status.CONCLUDED)
    preparers = [clinician(f"prep{n}", Member.Role.ONCOLOGIST).member for n in range(2)]
    presenter = radiologist.member
    for n in range(count):
        case = ready_case(radiologist)
        # An earlier MRI graded 2: the grades differ and the worst is high grade (HAZ-010), from the rows loaded.
        days_ago = timezone.now() - dt.timedelta(days=5)
        ScanFactory(
            case=case, requested_at=days_ago, performed_at=days_ago, escc_grade=EsccGradeChoice.G2, escc_level="T7"
        )
        if n % 2:  # its Tokuhashi out of date: read from the record's history with the assessments, no query
            case.karnofsky = 60
            case.save()
        AgendaItemFactory(meeting=earlier, case=case, status=AgendaItem.Status.DISCUSSED)
        item = AgendaItemFactory(meeting=meeting, case=case, presenter=presenter)
        for member in preparers:
            Preparation.objects.create(item=item, member=member)
    AgendaItemFactory(meeting=meeting, status=AgendaItem.Status.WITHDRAWN)
    CaseFactory(status=CaseStatus.AWAITING_MDT)  # one candidate


# Clinician: session, user with member (navbar and role), meeting with chair, items (case, patient,
# responsible clinician, presenter joined), scans, assessments (+ scorer and scan), earlier agenda
# items (+ meetings), preparations, the members who prepared (+ user: one row per member, not one per
# preparation), the latest MRIs' reviewers (+ role: one row per reviewer, not one per scan of every
# case), attendance, one INSERT recording who viewed which patients (accounts.AccessRecord, bulk), and
# the user's and groups' permissions (the "Record outcome" links).
CLINICIAN_QUERIES = 14
# Coordinator: the same, plus active members (presenter choices and attendance form), the previous
# meeting, the five candidate sources (on PostgreSQL between a SET and a RESET: core.db.serial_plans),
# and the candidate cases.
COORDINATOR_QUERIES = CLINICIAN_QUERIES + 10


@pytest.mark.hazard("HAZ-010", "HAZ-023")
@pytest.mark.parametrize("count", [5, 60])
def test_the_agenda_page_runs_the_same_queries_for_5_or_60_cases(
    client, meeting, radiologist, count, django_assert_max_num_queries
):
    build_agenda(meeting, count, radiologist)
    client.force_login(clinician("oncologist", Member.Role.ONCOLOGIST))

    with django_assert_max_num_queries(CLINICIAN_QUERIES):
        response = client.get(url(meeting))

    html = response.content.decode()
    assert len(response.context["agenda"].blocks) == count
    assert len(re.findall(r'class="card mb-4 agenda-block', html)) == count
    assert html.count("ESCC grades differ between this case") == count
    assert html.count("high-grade-flag") == count
    assert html.count("Karnofsky changed not recorded → 60%") == count // 2


@pytest.mark.parametrize("count", [5, 60])
def test_the_coordinators_agenda_page_runs_the_same_queries_for_5_or_60_cases(
    client, meeting, radiologist, count, django_assert_max_num_queries
):
    build_agenda(meeting, count, radiologist)
    client.force_login(coordinator())

    with django_assert_max_num_queries(COORDINATOR_QUERIES):
        response = client.get(url(meeting))

    assert len(response.context["agenda"].blocks) == count
    assert len(response.context["candidates"]) == 1


@pytest.mark.parametrize("count", [5, 60])
def test_the_pdf_runs_the_same_queries_for_5_or_60_cases(
    client, meeting, radiologist, count, django_assert_max_num_queries
):
    build_agenda(meeting, count, radiologist)
    client.force_login(clinician("oncologist", Member.Role.ONCOLOGIST))
    with time_machine.travel(timezone.now(), tick=False):  # the same cache window (mdt.printing)
        client.get(reverse("meeting-pdf", args=[meeting.pk]))  # built (by the worker; in tests, in the request)

        # session, user, meeting with chair, items, scans, assessments, earlier items, preparations and their
        # members, the latest MRIs' reviewers, attendance (the HTML whose digest names the PDF), the PDF built
        # from it, access records (one INSERT)
        with django_assert_max_num_queries(13):
            response = client.get(reverse("meeting-pdf", args=[meeting.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
