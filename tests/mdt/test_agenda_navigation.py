"""An agenda you can move around: contents with readiness and outcome, collapsible blocks, the
attendance form first for the coordinator, and "add a case" by MRN, NHS number or name."""

import json

import pytest
from django.urls import reverse

from cases.choices import CaseStatus
from mdt.models import AgendaItem, Member
from tests.factories import AgendaItemFactory, CaseFactory, MeetingFactory, PatientFactory, clinician, coordinator

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting():
    return MeetingFactory()


def page(client, meeting) -> str:
    return client.get(reverse("meeting-detail", args=[meeting.pk])).content.decode()


def test_the_contents_lists_each_case_with_readiness_and_outcome(client, meeting):
    first = AgendaItemFactory(meeting=meeting, case=CaseFactory(patient=PatientFactory(mrn="RX3001")), position=1)
    AgendaItemFactory(
        meeting=meeting,
        case=CaseFactory(patient=PatientFactory(mrn="RX3002")),
        position=2,
        status=AgendaItem.Status.DISCUSSED,
    )
    client.force_login(clinician("onc", Member.Role.ONCOLOGIST))

    text = page(client, meeting)

    contents = text[text.index('id="contents-heading"') : text.index("</nav>", text.index('id="contents-heading"'))]
    assert contents.index("RX3001") < contents.index("RX3002")
    assert f'href="#item-{first.pk}"' in contents
    assert "Not ready" in contents and "No outcome yet" in contents and "Outcome recorded" in contents
    assert "2 cases · 2 not ready · 1 with an outcome" in contents
    assert text.count('<details class="agenda-details" open>') == 2


def test_the_coordinator_finds_the_attendance_form_before_the_cases(client, meeting):
    AgendaItemFactory(meeting=meeting)
    client.force_login(coordinator())
    text = page(client, meeting)
    assert text.index("Record attendance") < text.index("Cases for discussion")


def test_add_a_case_suggests_open_cases_by_mrn_nhs_number_or_name(client, meeting):
    case = CaseFactory(
        patient=PatientFactory(mrn="RX3100", family_name="Llewellyn", given_name="Nia"), status=CaseStatus.AWAITING_MDT
    )
    CaseFactory(patient=PatientFactory(family_name="Llewellyn", given_name="Closed"), status=CaseStatus.CLOSED)
    client.force_login(coordinator())
    url = reverse("agenda-suggest", args=[meeting.pk])

    for query in ("RX3100", "llewellyn", case.patient.nhs_number):
        results = json.loads(client.post(url, {"q": query}).content)["results"]
        assert [r["case_id"] for r in results] == [case.pk], query
        assert "LLEWELLYN, Nia · MRN RX3100" in results[0]["label"]

    assert client.get(url).status_code == 405  # never in the address
    assert json.loads(client.post(url, {"q": "x"}).content)["results"] == []


def test_someone_outside_the_team_gets_no_suggestions(client, meeting):
    from tests.factories import read_only_user

    client.force_login(read_only_user())
    assert client.post(reverse("agenda-suggest", args=[meeting.pk]), {"q": "RX"}).status_code == 403
