"""The agenda page and its pack say when a case's MRIs disagree on the ESCC grade, and flag a high-grade worst
grade with the readiness list, however ready the case otherwise is (HAZ-010; docs/clinical-reference.md §4)."""

import datetime as dt
import html as html_lib
import re

import pytest
import time_machine

from cases.choices import EsccGradeChoice
from cases.scoring.escc import ESCC_HIGH_GRADE_MANAGEMENT
from mdt.pdf import _sections, pack_context
from mdt.selectors import meeting_agenda
from tests.factories import AgendaItemFactory, ScanFactory, clinician
from tests.mdt.agenda_page.helpers import ready_case, url

pytestmark = [pytest.mark.django_db, pytest.mark.hazard("HAZ-010")]

NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
DIFFER = (
    "ESCC grades differ between this case's MRIs: 3 (T7, 25 Nov 2026) and 1c (T7, 29 Nov 2026); "
    "the worst, 3 (T7, 25 Nov 2026), is used."
)
FLAG = (
    "High-grade ESCC (grade 3, T7, 25 Nov 2026): cord compressed, no CSF visible around the cord. "
    + ESCC_HIGH_GRADE_MANAGEMENT
)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def earlier_grade_3(case) -> None:
    """A whole-spine MRI five days ago, grade 3 at T7: before the case's reported grade 1c MRI (ready_case's)."""
    ScanFactory(
        case=case,
        requested_at=NOW - dt.timedelta(days=5, hours=2),
        performed_at=NOW - dt.timedelta(days=5),
        escc_grade=EsccGradeChoice.G3,
        escc_level="T7",
    )


@pytest.fixture
def listed(meeting, radiologist):
    """Two ready cases: the first's earlier MRI was grade 3, the second has only its grade 1c MRI."""
    compressed, abutting = ready_case(radiologist), ready_case(radiologist)
    earlier_grade_3(compressed)
    for position, case in enumerate((compressed, abutting)):
        AgendaItemFactory(meeting=meeting, case=case, position=position)
    return compressed, abutting


def blocks_of(html: str) -> list[str]:
    return re.findall(r'<article id="item-.*?</article>', html, re.S)


def test_the_agenda_warns_of_differing_grades_and_flags_the_high_grade_in_the_readiness_block(client, meeting, listed):
    client.force_login(clinician("oncologist"))
    page = client.get(url(meeting)).content.decode()

    compressed, abutting = (html_lib.unescape(block) for block in blocks_of(page))
    contents = re.search(r'<nav class="card mb-3 agenda-contents".*?</nav>', page, re.S)
    assert contents and contents[0].count("High-grade ESCC</span>") == 1  # the one case, in the contents too

    facts = compressed[compressed.index("ESCC (Bilsky), worst grade") :]
    assert f"⚠ {DIFFER}</li>" in facts  # beside the ESCC line of the scores
    readiness = re.search(r'<p class="[^"]*high-grade-flag">⚠ (.*?)</p>\s*<ul[^>]*readiness-list', compressed, re.S)
    assert readiness and readiness[1] == FLAG
    assert "High-grade ESCC</span>" in compressed  # the badge in the block's header, beside "Ready"
    assert "not-ready-badge" not in compressed  # a flag, not a missing check: the case is ready
    assert "ESCC grades differ" not in abutting
    assert "High-grade ESCC" not in abutting  # 1c is low grade (its management disputed)


def test_the_pack_prints_the_warning_and_the_flag(meeting, listed):
    context = pack_context(meeting_agenda(meeting_id=meeting.pk), page_url="https://mdt.example.org/", now=NOW)

    _, (compressed, abutting) = _sections(context)

    compressed = html_lib.unescape(compressed)
    assert f'<p class="flag high-grade-flag">{FLAG}</p>' in compressed
    assert DIFFER in compressed
    assert "High-grade ESCC" not in abutting
    assert "ESCC grades differ" not in abutting
