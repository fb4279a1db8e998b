"""The agenda page and its printed pack flag a score that may be out of date, saying why (HAZ-023)."""

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from django.utils.html import escape

from cases.choices import Modality
from mdt import printing
from mdt.models import Member
from tests.factories import AgendaItemFactory, ScanFactory, clinician
from tests.mdt.agenda_page.helpers import ready_case, url

pytestmark = [pytest.mark.django_db, pytest.mark.hazard("HAZ-023")]

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
FLAG = "May be out of date:"
KARNOFSKY = "Karnofsky changed 90% → 50% on 30 Nov 2026, after this score."
MRI = "The Targeted MRI of 30 Nov 2026 is newer than this score."


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def listed(meeting, radiologist, **fields):
    case = ready_case(radiologist, karnofsky=90, **fields)
    AgendaItemFactory(meeting=meeting, case=case)
    return case


def worse_since(case, frozen) -> None:
    """Hours later: the Karnofsky recorded lower and a targeted MRI performed, both after the scores."""
    frozen.shift(dt.timedelta(hours=3))
    case.karnofsky = 50
    case.save()
    performed = timezone.now() - dt.timedelta(hours=1)
    ScanFactory(case=case, modality=Modality.MRI_TARGETED, requested_at=performed, performed_at=performed)


def blocks(html: str) -> list[str]:
    return re.split(r'class="card mb-4 agenda-block', html)[1:]


def test_the_agenda_flags_each_out_of_date_score_of_a_case_with_its_reasons(client, meeting, radiologist, frozen):
    current = listed(meeting, radiologist)
    stale = listed(meeting, radiologist)
    worse_since(stale, frozen)
    client.force_login(clinician("oncologist", Member.Role.ONCOLOGIST))

    html = client.get(url(meeting)).content.decode()

    by_mrn = {case.pk: block for case in (current, stale) for block in blocks(html) if case.patient.mrn in block}
    assert FLAG not in by_mrn[current.pk]
    stale_block = by_mrn[stale.pk]
    assert stale_block.count(FLAG) == 2  # the SINS and the revised Tokuhashi
    assert escape(MRI) in stale_block
    assert escape(KARNOFSKY) in stale_block
    assert stale_block.count(escape(KARNOFSKY)) == 1  # the SINS does not read the Karnofsky
    assert "A SINS this suggestion reads may be out of date" in stale_block


def test_the_shared_facts_show_the_flag_as_soon_as_the_record_changes(client, meeting, radiologist, frozen):
    case = listed(meeting, radiologist)
    reader = clinician("oncologist", Member.Role.ONCOLOGIST)
    client.force_login(reader)
    assert FLAG not in client.get(url(meeting)).content.decode()  # rendered and kept

    frozen.shift(dt.timedelta(hours=3))
    case.karnofsky = 50
    case.save()
    client.force_login(reader)  # a new session: the first one was idle too long

    assert escape(KARNOFSKY) in client.get(url(meeting)).content.decode()


def test_the_printed_pack_flags_the_score_with_its_reasons(meeting, radiologist, frozen):
    worse_since(listed(meeting, radiologist), frozen)

    html = printing.html_of(printing.source("agenda", meeting.pk), now=timezone.now())

    assert html.count(FLAG) == 2
    assert escape(MRI) in html and escape(KARNOFSKY) in html
