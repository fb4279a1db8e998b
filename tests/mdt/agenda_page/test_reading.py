"""Reading the agenda page: who sees what, and the readiness flags."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseStatus
from cases.models import Scan
from cases.services import scan_mark_reviewed
from mdt.models import AgendaItem, Meeting, Member, Preparation
from tests.factories import (
    AgendaItemFactory,
    CaseFactory,
    MeetingFactory,
    clinician,
    coordinator,
    coordinator_user,
    team_user,
)
from tests.mdt.agenda_page.helpers import ready_case, url

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- who sees what


def test_it_sends_anonymous_visitors_to_sign_in(client, meeting):
    for path in (url(meeting), reverse("meeting-pdf", args=[meeting.pk]), reverse("meeting-ics", args=[meeting.pk])):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_answers_404_for_a_meeting_that_does_not_exist(client):
    client.force_login(clinician())

    assert client.get(reverse("meeting-detail", args=[98765])).status_code == 404


def test_a_clinician_reads_the_agenda_without_the_coordinators_controls(client, meeting, radiologist):
    AgendaItemFactory(meeting=meeting, case=ready_case(radiologist))
    CaseFactory(status=CaseStatus.AWAITING_MDT)  # a candidate only coordinators see
    client.force_login(clinician("oncologist", Member.Role.ONCOLOGIST))

    response = client.get(url(meeting))

    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Mark as prepared" in html
    assert "Move up" not in html and "Withdraw" not in html and "Record attendance" not in html
    assert response.context["candidates"] == []
    assert "List a case by its number" in html  # before the agenda closes a clinician may list a case


def test_a_coordinator_sees_the_candidates_and_the_controls_but_cannot_mark_preparation(client, meeting):
    waiting = CaseFactory(status=CaseStatus.AWAITING_MDT)
    AgendaItemFactory(meeting=meeting)
    client.force_login(coordinator())

    response = client.get(url(meeting))

    html = response.content.decode()
    assert [c.case for c in response.context["candidates"]] == [waiting]
    assert f'name="case_ids" value="{waiting.pk}"' in html
    assert "Move up" in html and "Record attendance" in html
    assert "Mark as prepared" not in html


def test_the_block_shows_what_a_clinician_needs_to_prepare(client, meeting, radiologist):
    case = ready_case(radiologist, frankel_grade="D", ecog=2, karnofsky=70, spinal_levels=["T7"])
    earlier = MeetingFactory(starts_at=timezone.now() - dt.timedelta(days=7), status=Meeting.Status.CONCLUDED)
    AgendaItemFactory(meeting=earlier, case=case, status=AgendaItem.Status.DISCUSSED, question="Earlier question")
    AgendaItemFactory(meeting=meeting, case=case, question="Separation surgery then SBRT?")
    client.force_login(clinician("oncologist", Member.Role.ONCOLOGIST))

    html = client.get(url(meeting)).content.decode()

    for text in (
        case.patient.display_name,
        case.patient.mrn,
        "Breast",  # primary
        "Suspected MSCC with neurology",
        "Limb weakness",  # neurological red flag
        "D: motor useful",
        "2: self-caring",
        "70%",
        "Deposit at T7 with cord abutment.",  # the MRI report
        "1c: tumour abuts the cord",
        "Separation surgery then SBRT?",
        "Earlier question",  # previous MDT discussion
        "SINS T7",  # scores from the cases app
        "Pathway clocks (NICE)",
    ):
        assert text in html, text
    assert "Ready</span>" in html


@pytest.mark.hazard("HAZ-014")
def test_items_that_are_not_ready_are_flagged_with_the_reasons(client, meeting):
    AgendaItemFactory(meeting=meeting, question="", case=CaseFactory())
    client.force_login(clinician("oncologist", Member.Role.ONCOLOGIST))

    response = client.get(url(meeting))

    [block] = response.context["agenda"].blocks
    assert [check.key for check in block.readiness.missing] == [
        "mri_reported",
        "question",
        "scores",
        "radiologist_review",
    ]
    html = response.content.decode()
    assert "Not ready: latest MRI not reported; no question for the MDT; no SINS; no complete revised Tokuhashi" in html
    assert "1 not ready for discussion" in html


@pytest.mark.hazard("HAZ-015")
def test_a_scan_reviewed_by_a_surgeon_is_not_a_radiologist_review(client, meeting, radiologist):
    case = ready_case(radiologist)
    scan = case.scans.get()
    Scan.objects.filter(pk=scan.pk).update(reviewed_at=None, reviewed_by=None, reviewer_role="")
    scan_mark_reviewed(scan_id=scan.pk, user=clinician("surgeon", Member.Role.SPINAL_SURGEON))
    AgendaItemFactory(meeting=meeting, case=case)
    client.force_login(radiologist)

    [block] = client.get(url(meeting)).context["agenda"].blocks

    assert [check.key for check in block.readiness.missing] == ["radiologist_review"]


@pytest.mark.hazard("HAZ-015")
def test_readiness_reads_the_role_recorded_at_the_review_not_the_reviewers_role_today(client, meeting, radiologist):
    case = ready_case(radiologist)  # reviewed by the radiologist
    radiologist.member.role = Member.Role.ONCOLOGIST  # who later changes role
    radiologist.member.save()
    AgendaItemFactory(meeting=meeting, case=case)
    client.force_login(radiologist)

    [block] = client.get(url(meeting)).context["agenda"].blocks

    assert block.readiness.ready


@pytest.mark.hazard("HAZ-015")
def test_the_workspace_cannot_name_a_surgeon_as_the_radiologists_review(radiologist):
    scan = ready_case(radiologist).scans.get()
    scan.reviewed_by, scan.reviewer_role = clinician("surgeon", Member.Role.SPINAL_SURGEON), ""

    with pytest.raises(ValidationError) as error:
        scan.full_clean()

    assert "name a radiologist" in error.value.message_dict["reviewed_by"][0]


def test_each_blocks_links_and_forms_go_to_its_case_and_item(client, meeting, radiologist):
    items = [AgendaItemFactory(meeting=meeting, case=ready_case(radiologist)) for _ in range(2)]
    coordinators = ["case-detail", "item-decision", "agenda-item-move", "agenda-item-update", "agenda-item-withdraw"]
    pages = [
        (coordinator_user("coordinator"), coordinators),
        (team_user("oncologist", Member.Role.ONCOLOGIST), ["case-detail", "item-decision", "agenda-item-prepared"]),
    ]
    for user, routes in pages:
        client.force_login(user)
        html = client.get(url(meeting)).content.decode()
        for item in items:
            for route in routes:
                args = [item.case_id] if route == "case-detail" else [meeting.pk, item.pk]
                assert f'="{reverse(route, args=args)}"' in html, (user, route)


def test_each_block_names_who_prepared_it_in_the_order_they_did(client, meeting):
    first, second, _ = (AgendaItemFactory(meeting=meeting, position=n) for n in range(3))
    surgeon = team_user("surgeon", Member.Role.SPINAL_SURGEON)
    surgeon.first_name, surgeon.last_name = "Sofia", "<Marin>"
    surgeon.save()
    oncologist = team_user("oncologist", Member.Role.ONCOLOGIST)
    start = timezone.now() - dt.timedelta(hours=3)
    for minutes, item, user in ((0, first, oncologist), (5, first, surgeon), (10, second, surgeon)):
        Preparation.objects.create(item=item, member=user.member, prepared_at=start + dt.timedelta(minutes=minutes))
    client.force_login(coordinator_user("coordinator"))

    html = client.get(url(meeting)).content.decode()

    named = re.findall(r'<p class="mb-0 small prepared-by">Prepared by: (.*?)</p>', html)
    surgeon_name = "Sofia &lt;Marin&gt; (Spinal surgeon)"
    assert named == [f"{oncologist.get_full_name()} (Oncologist), {surgeon_name}", surgeon_name, "nobody yet"]
