"""Fixtures for the integration tests: an API client with a token, and a small record to read."""

from typing import Any

import pytest
from django.utils import timezone

from integrations import services
from integrations.models import ApiClient
from integrations.models.api import RESOURCE_TYPES
from mdt.models import AgendaItem, Decision, Meeting
from tests.factories import AssessmentFactory, CaseFactory, PatientFactory, ScanFactory, UserFactory


def issue(name: str = "warehouse", scopes: tuple[str, ...] = RESOURCE_TYPES) -> tuple[ApiClient, str]:
    client = ApiClient(name=name, scopes=list(scopes))
    token = services.api_client_issue(client=client)
    return client, token


@pytest.fixture
def api() -> tuple[ApiClient, str]:
    return issue()


@pytest.fixture
def record() -> dict[str, Any]:
    """A patient with a case, a graded scan with its accession number, scores, a meeting and a decision."""
    patient = PatientFactory(nhs_number="9990000018", mrn="MRN900001", gp_name="Dr Jones", gp_practice="High St")
    case = CaseFactory(
        patient=patient, frankel_grade="D", ecog=2, karnofsky=60, spinal_levels=["T7", "T8"],
        suspected_diagnosis_at=timezone.now() - timezone.timedelta(days=2),
    )  # fmt: skip
    scan = ScanFactory(case=case, performed=True, accession_number="ACC1001", study_instance_uid="1.2.826.0.1.99.1")
    scan.escc_grade, scan.escc_level = 4, "T7"
    scan.save()
    sins = AssessmentFactory(case=case, scan=scan)
    incomplete = AssessmentFactory(
        case=case, kind="tokuhashi", version="tokuhashi_revised_2005", level="", components={"palsy": "incomplete"},
        total=None, band="", complete=False,
    )  # fmt: skip
    now = timezone.now()
    meeting = Meeting.objects.create(
        starts_at=now - timezone.timedelta(hours=3), ends_at=now - timezone.timedelta(hours=2),
        agenda_closes_at=now - timezone.timedelta(days=1),
    )  # fmt: skip
    item = AgendaItem.objects.create(meeting=meeting, case=case, status=AgendaItem.Status.DISCUSSED)
    decision = Decision.objects.create(
        case=case, agenda_item=item, treatments=["cebrt"], intent="palliative", rationale="Radiosensitive, stable",
        recorded_by=UserFactory(username="chair"),
    )  # fmt: skip
    return {"patient": patient, "case": case, "scan": scan, "sins": sins, "incomplete": incomplete,
            "meeting": meeting, "item": item, "decision": decision}  # fmt: skip
