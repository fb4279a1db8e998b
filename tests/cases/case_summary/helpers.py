"""Shared by the case summary tests (and the NOMS safety tests): the frozen time, scores, scans and cases."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Permission

from cases import scoring, selectors
from cases.choices import Modality, PrimarySite
from cases.models.assessments import CURRENT_VERSION
from cases.summary import case_summary
from mdt.models import Member
from tests.factories import (
    AssessmentFactory,
    CaseFactory,
    PatientFactory,
    ScanFactory,
    clinician,
)

LONDON = ZoneInfo("Europe/London")
NOW = dt.datetime(2026, 6, 10, 12, 0, tzinfo=LONDON).astimezone(dt.UTC)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)

SINS_4 = {  # semirigid 1 + occasional 1 + mixed 1 + normal 0 + none 0 + unilateral 1: stable
    "location": "semirigid",
    "pain": "occasional_non_mechanical",
    "bone_lesion": "mixed",
    "alignment": "normal",
    "vertebral_body_collapse": "none",
    "posterolateral_involvement": "unilateral",
}
SINS_9 = {  # semirigid 1 + mechanical 3 + lytic 2 + normal 0 + lt50 2 + unilateral 1: potentially unstable
    **SINS_4,
    "pain": "mechanical",
    "bone_lesion": "lytic",
    "vertebral_body_collapse": "lt50",
}


TOMITA_3 = {"primary_growth": "slow", "visceral_mets": "none", "bone_mets": "multiple"}


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def scored(case, kind: str, components: dict[str, str], *, at: dt.datetime, level: str = ""):
    """A stored assessment whose total, band and completeness match its components."""
    version = CURRENT_VERSION[kind]
    result = scoring.calculate(version, components)
    return AssessmentFactory(
        case=case,
        kind=kind,
        version=version,
        level=level,
        components=components,
        total=result.total,
        band=result.band or "",
        complete=result.complete,
        assessed_at=at,
    )


def graded_scan(case, grade: int | None, performed_at: dt.datetime, modality: str = Modality.MRI_WHOLE_SPINE):
    return ScanFactory(
        case=case,
        modality=modality,
        requested_at=performed_at - HOUR,
        performed_at=performed_at,
        escc_grade=grade,
    )


def summary_of(case):
    """The summary as the case page builds it (case loaded with SUMMARY_PREFETCH)."""
    return case_summary(selectors.case_detail(case_id=case.pk))


def breast_case(**fields):
    return CaseFactory(patient=PatientFactory(primary_site=PrimarySite.BREAST), **fields)


def scorer():
    user = clinician("oncologist", Member.Role.ONCOLOGIST)
    user.user_permissions.add(Permission.objects.get(codename="add_assessment"))
    return user
