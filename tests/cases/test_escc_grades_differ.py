"""A case whose MRIs disagree on the ESCC grade says so, and a high-grade worst grade is flagged (HAZ-010).

From the clinical side (docs/clinical-reference.md §4): the grade is given per MRI at the level of worst
compression; grades 2 and 3 are high grade (the cord compressed); a later lower grade must be read beside an
earlier higher one, never instead of it.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import dateformat
from hypothesis import given
from hypothesis import strategies as st

from cases.choices import ESCC_KEYS, EsccGradeChoice, Modality
from cases.models import Scan
from cases.scoring.escc import ESCC_GRADES, ESCC_HIGH_GRADE_MANAGEMENT
from cases.worst_escc import grades_differ, high_grade_flag, scan_place
from core.timezones import local_day
from tests.cases.case_summary.helpers import (
    DAY,
    NOW,
    breast_case,
    frozen,  # noqa: F401  (autouse: the time these tests run at)
    graded_scan,
    scorer,
    summary_of,
)

pytestmark = pytest.mark.hazard("HAZ-010")

LONDON = ZoneInfo("Europe/London")
FIRST = dt.datetime(2026, 1, 5, 9, 0, tzinfo=LONDON)
DIFFER = (
    "ESCC grades differ between this case's MRIs: 2 (T7, 3 Jun 2026) and 1a (T7, 10 Jun 2026); "
    "the worst, 2 (T7, 3 Jun 2026), is used."
)

# Each scan: a grade, a level (or none) and its own day (days apart, so the order performed is never a tie).
scan_rows = st.lists(
    st.tuples(st.sampled_from(EsccGradeChoice.values), st.sampled_from(["", "C5", "T7", "L2"])),
    min_size=1,
    max_size=6,
)


def scans_of(rows: list[tuple[int, str]]) -> list[Scan]:
    """Unsaved graded MRIs, performed a day apart in the order given (as cases.worst_escc.graded_scans orders)."""
    return [
        Scan(modality=Modality.MRI_WHOLE_SPINE, escc_grade=grade, escc_level=level, performed_at=FIRST + n * DAY)
        for n, (grade, level) in enumerate(rows)
    ]


@given(rows=scan_rows)
def test_a_warning_is_given_exactly_when_the_grades_differ_and_it_names_the_worst(rows):
    scans = scans_of(rows)

    warning = grades_differ(scans)

    assert bool(warning) == (len({grade for grade, _ in rows}) > 1)
    if warning:
        highest = max(grade for grade, _ in rows)
        worst = [scan for scan in scans if scan.escc_grade == highest][-1]  # the latest of the worst grade
        assert warning.endswith(f"the worst, {ESCC_KEYS[highest]} ({scan_place(worst)}), is used.")
        for scan in scans:  # every scan, in the order performed
            assert f"{scan.escc_key} ({scan_place(scan)})" in warning


@pytest.mark.django_db
def test_the_warning_calls_them_scans_when_a_graded_scan_is_not_an_mri():
    scans = scans_of([(EsccGradeChoice.G1B, "T7"), (EsccGradeChoice.G2, "T7")])
    scans[0].modality = Modality.CT

    assert grades_differ(scans).startswith("ESCC grades differ between this case's scans: 1b (T7, 5 Jan 2026)")


@pytest.mark.parametrize("grade", EsccGradeChoice.values)
def test_the_high_grade_flag_is_given_for_grades_2_and_3_alone_in_the_references_words(grade):
    key = ESCC_KEYS[grade]
    (scan,) = scans_of([(grade, "T7")])

    flag = high_grade_flag(scan)

    assert bool(flag) == (key in {"2", "3"})  # §4: high grade means grade 2 or 3
    if flag:
        definition = ESCC_GRADES[key].definition
        assert flag.startswith(
            f"High-grade ESCC (grade {key}, T7, 5 Jan 2026): {definition[0].lower()}{definition[1:]}."
        )
        assert flag.endswith(ESCC_HIGH_GRADE_MANAGEMENT)


def test_no_high_grade_flag_without_a_graded_scan():
    assert high_grade_flag(None) == ""


@pytest.mark.django_db
def test_the_case_page_warns_beside_the_escc_line_when_its_mris_disagree(client):
    case = breast_case()
    for grade, days_ago in ((EsccGradeChoice.G2, 7), (EsccGradeChoice.G1A, 0)):
        scan = graded_scan(case, grade, NOW - days_ago * DAY)
        scan.escc_level = "T7"
        scan.save()
    client.force_login(scorer())

    html = client.get(reverse("case-detail", args=[case.pk])).content.decode()

    line = html[html.index("ESCC (Bilsky), worst grade") :]
    assert f"⚠ {DIFFER}</li>".replace("'", "&#x27;") in line[: line.index("</ul>")]
    assert summary_of(case).escc_differ == DIFFER


@pytest.mark.django_db
def test_mris_of_one_grade_give_no_warning_on_the_case_page(client):
    case = breast_case()
    graded_scan(case, EsccGradeChoice.G2, NOW - 7 * DAY)
    graded_scan(case, EsccGradeChoice.G2, NOW - DAY, modality=Modality.MRI_TARGETED)
    graded_scan(case, None, NOW)  # not graded: not a disagreement
    client.force_login(scorer())

    html = client.get(reverse("case-detail", args=[case.pk])).content.decode()

    assert "ESCC (Bilsky), worst grade" in html
    assert "ESCC grades differ" not in html


@given(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(dt.UTC)))
def test_the_day_a_grade_was_given_is_written_as_the_pages_write_dates(performed_at):
    """scan_place writes the day without the template filter's machinery (hundreds on an agenda): the same
    text as the filter's "j M Y" on the local clock, for any time."""
    scan = Scan(performed_at=performed_at, escc_level="")
    assert scan_place(scan) == dateformat.format(local_day(performed_at), "j M Y")
