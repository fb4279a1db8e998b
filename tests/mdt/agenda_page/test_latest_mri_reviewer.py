"""The agenda block names one reviewer, the latest MRI's: on the page, in the pack's data and on the live
screen, whoever reviewed the case's other scans (only that reviewer is loaded: mdt.selectors.load_reviewers)."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from cases.choices import Modality
from cases.models import Scan
from live import services as live_services
from mdt.models import Member
from mdt.selectors import meeting_agenda
from tests.factories import AgendaItemFactory, ScanFactory, clinician
from tests.live.makers import room
from tests.mdt.agenda_page.helpers import ready_case, url

pytestmark = pytest.mark.django_db


def named(username: str, role: str, first: str, last: str):
    """The team member `username`, made the first time."""
    user = get_user_model().objects.filter(username=username).first() or clinician(username, role)
    user.first_name, user.last_name = first, last
    user.save()
    return user


def several_scans(case) -> None:
    """Besides the case's MRI (performed 28 hours ago), an older MRI, the latest MRI (requested before that
    one, performed after it) and a CT after them all, each reviewed by someone else."""
    now = timezone.now()
    ScanFactory(
        case=case,
        modality=Modality.MRI_WHOLE_SPINE,
        requested_at=now - dt.timedelta(days=20),
        performed_at=now - dt.timedelta(days=19),
        reviewed_at=now - dt.timedelta(days=18),
        reviewed_by=named("earlier", Member.Role.RADIOLOGIST, "Eira", "Earlier"),
    )
    ScanFactory(
        case=case,
        modality=Modality.MRI_TARGETED,
        requested_at=now - dt.timedelta(hours=40),
        performed_at=now - dt.timedelta(hours=3),
        reported_at=now - dt.timedelta(hours=2),
        report="New collapse at L1.",
        reviewed_at=now - dt.timedelta(hours=1),
        reviewed_by=named("latest", Member.Role.RADIOLOGIST, "Lowri", "Latest"),
    )
    ScanFactory(
        case=case,
        modality=Modality.CT,
        requested_at=now - dt.timedelta(minutes=50),
        performed_at=now - dt.timedelta(minutes=40),
        reviewed_at=now - dt.timedelta(minutes=20),
        reviewed_by=named("ct", Member.Role.SPINAL_SURGEON, "Cai", "Computed"),
    )


def mri_section(html: str) -> str:
    found = re.search(r'<section class="col-lg-6 facts-group facts-mri".*?</section>', html, re.S)
    assert found, "the latest MRI is on the page"
    return found[0]


def test_the_page_names_the_latest_mris_reviewer_and_no_other(client, meeting, radiologist):
    case = ready_case(radiologist)
    several_scans(case)
    AgendaItemFactory(meeting=meeting, case=case)
    client.force_login(clinician("oncologist", Member.Role.ONCOLOGIST))

    response = client.get(url(meeting))

    section = mri_section(response.content.decode())
    assert "Targeted MRI" in section and "New collapse at L1." in section
    assert "by Lowri Latest (Radiologist)" in section
    for other in ("Eira Earlier", "Cai Computed", radiologist.get_full_name()):
        assert other not in section
    [block] = response.context["agenda"].blocks
    assert block.readiness.ready  # the latest MRI reported and reviewed by a radiologist


def test_the_agenda_and_its_pack_load_only_the_latest_mris_reviewer(meeting, radiologist, django_assert_num_queries):
    cases = [ready_case(radiologist) for _ in range(3)]
    for case in cases:
        several_scans(case)  # each case's reviewers: the same four people
        AgendaItemFactory(meeting=meeting, case=case)
    AgendaItemFactory(meeting=meeting, case=ready_case(radiologist))  # reviewed by the radiologist alone

    agenda = meeting_agenda(meeting_id=meeting.pk)  # the page's and the pack's selector

    latest = [block.latest_mri for block in agenda.blocks]
    assert [scan.reviewed_by.username for scan in latest] == ["latest", "latest", "latest", "radiologist"]
    assert latest[0].reviewed_by is latest[1].reviewed_by  # one row per reviewer
    with django_assert_num_queries(0):
        assert [scan.reviewed_by.member.role for scan in latest] == [Member.Role.RADIOLOGIST] * 4
    others = [scan for block in agenda.blocks for scan in block.item.case.scans.all() if scan not in latest]
    assert len(others) == 9 and not any(Scan.reviewed_by.is_cached(scan) for scan in others)  # never loaded


def test_the_live_screen_names_the_latest_mris_reviewer(client):
    r = room(1)
    several_scans(r.items[0].case)
    live_services.live_start(meeting_id=r.meeting.pk, user=r.coordinator)
    client.force_login(r.oncologist)

    body = client.get(reverse("live:state", args=[r.meeting.pk])).content.decode()

    assert "by Lowri Latest (Radiologist)" in body
    assert "Eira Earlier" not in body and "Cai Computed" not in body
