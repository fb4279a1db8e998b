"""Shared by the agenda page tests: a case ready for the MDT and the page's address."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseStatus, EsccGradeChoice
from tests.factories import (
    TOKUHASHI_COMPLETE,
    AssessmentFactory,
    CaseFactory,
    ScanFactory,
)


def ready_case(radiologist, **kwargs):
    """A case with everything the MDT needs: a reported MRI reviewed by a radiologist, SINS and Tokuhashi."""
    case = CaseFactory(status=CaseStatus.AWAITING_MDT, mdt_question="Stabilise T7?", **kwargs)
    now = timezone.now()
    scan = ScanFactory(
        case=case,
        requested_at=now - dt.timedelta(hours=30),
        performed_at=now - dt.timedelta(hours=28),
        reported_at=now - dt.timedelta(hours=27),
        report="Deposit at T7 with cord abutment.",
        escc_grade=EsccGradeChoice.G1C,
        escc_level="T7",
        reviewed_at=now - dt.timedelta(hours=20),
        reviewed_by=radiologist,
    )
    AssessmentFactory(case=case, scan=scan, assessed_by=radiologist)
    AssessmentFactory(
        case=case,
        kind="tokuhashi",
        version="tokuhashi_revised_2005",
        level="",
        components=TOKUHASHI_COMPLETE,
        total=15,
        band="ge12",
        assessed_by=radiologist,
    )
    return case


def url(meeting) -> str:
    return reverse("meeting-detail", args=[meeting.pk])
