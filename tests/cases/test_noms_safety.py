"""NOMS and readiness cannot hide a compressed cord or an unstable spine (HAZ-010, HAZ-014), and clinicians
read labels, never keys (HAZ-019).

From the clinical side (docs/clinical-reference.md §1.2, §4, §5.3): ESCC 2-3 is high grade whatever scan
came after; SINS 7 or more calls for stabilisation or cement augmentation whatever the ESCC grade, the
histology or the fitness for open surgery; a blank SINS component can only add points.
"""

import datetime as dt

import pytest
from django.urls import reverse

from cases import scoring
from cases.choices import EsccGradeChoice, Modality
from mdt.agenda import scores_recorded
from tests.cases.case_summary.helpers import (
    NOW,
    SINS_4,
    SINS_9,
    breast_case,
    frozen,  # noqa: F401  (autouse: the time these tests run at)
    graded_scan,
    scored,
    scorer,
    summary_of,
)
from tests.factories import TOKUHASHI_11

pytestmark = pytest.mark.django_db

DAY, HOUR = dt.timedelta(days=1), dt.timedelta(hours=1)

# SINS components whose known points already reach 7 and 13, with the rest blank.
KNOWN_7 = {"location": "junctional", "pain": "mechanical", "bone_lesion": "mixed", "alignment": None}  # 3+3+1
KNOWN_13 = {
    "location": "junctional",
    "pain": "mechanical",
    "alignment": "subluxation_translation",
    "vertebral_body_collapse": "gt50",
    "posterolateral_involvement": None,
    "bone_lesion": None,
}  # 3+3+4+3


# --------------------------------------------------------------------------- the worst ESCC grade (HAZ-010)


@pytest.mark.hazard("HAZ-010")
def test_a_later_lower_grade_mri_does_not_hide_an_earlier_compressed_cord():
    case = breast_case(fit_for_surgery=True)
    compressed = graded_scan(case, EsccGradeChoice.G3, NOW - 3 * DAY)
    graded_scan(case, EsccGradeChoice.G1A, NOW - DAY, modality=Modality.MRI_TARGETED)  # the later, targeted MRI

    summary = summary_of(case)

    assert summary.escc_scan == compressed
    assert summary.noms.escc_group == "high"


@pytest.mark.hazard("HAZ-010")
def test_the_case_page_says_which_scan_and_level_the_worst_grade_came_from(client):
    case = breast_case()
    scan = graded_scan(case, EsccGradeChoice.G2, NOW - 3 * DAY)
    scan.escc_level = "T9"
    scan.save()
    graded_scan(case, EsccGradeChoice.G0, NOW - DAY)
    client.force_login(scorer())

    html = client.get(reverse("case-detail", args=[case.pk])).content.decode()

    assert "2: cord compressed, CSF visible</span> at T9, on the Whole-spine MRI of" in html


# --------------------------------------------------------------------------- unfinished SINS (HAZ-010, HAZ-014)


@pytest.mark.hazard("HAZ-010")
def test_an_unfinished_sins_is_named_as_an_unfinished_noms_input_with_its_level_and_missing_components():
    case = breast_case(fit_for_surgery=True)
    graded_scan(case, EsccGradeChoice.G1B, NOW - DAY)
    scored(case, "sins", SINS_4, at=NOW - HOUR, level="T4")
    scored(case, "sins", {**SINS_4, "pain": None, "bone_lesion": None}, at=NOW - HOUR, level="L2")

    noms = summary_of(case).noms

    assert "SINS at L2 is unfinished: missing Pain, Bone lesion." in noms.warnings


@pytest.mark.hazard("HAZ-010")
@pytest.mark.parametrize(
    ("components", "band", "label"),
    [(KNOWN_7, "potentially_unstable", "Potentially unstable"), (KNOWN_13, "unstable", "Unstable")],
)
@pytest.mark.hazard("HAZ-010")
def test_a_level_whose_known_sins_components_reach_7_or_13_is_flagged_whatever_the_blank(components, band, label):
    case = breast_case(fit_for_surgery=True)
    graded_scan(case, EsccGradeChoice.G1B, NOW - DAY)
    scored(case, "sins", components, at=NOW - HOUR, level="T11")

    summary = summary_of(case)

    [line] = summary.sins
    assert not line.result.complete
    assert line.band_reached.key == band
    assert any(
        message.startswith("SINS at T11 is unfinished") and label.lower() in message.lower()
        for message in summary.noms.warnings
    )
    assert summary.noms.stabilisation == scoring.STABILISATION_OPTIONS


@pytest.mark.hazard("HAZ-010")
def test_an_unfinished_sins_below_7_does_not_stand_in_for_a_complete_one():
    case = breast_case(fit_for_surgery=True)
    graded_scan(case, EsccGradeChoice.G1B, NOW - DAY)
    scored(case, "sins", {**SINS_4, "pain": None}, at=NOW - HOUR, level="T5")

    noms = summary_of(case).noms

    assert not noms.complete
    assert noms.missing == ("sins_total",)
    assert noms.stabilisation == ()


# --------------------------------------------------------------------------- stabilisation for the unfit (HAZ-010)


@pytest.mark.hazard("HAZ-010")
@pytest.mark.parametrize(
    ("fit", "options"),
    [
        (True, scoring.STABILISATION_OPTIONS),
        (False, ("mis_percutaneous_fixation", "vertebroplasty", "kyphoplasty")),
        (None, scoring.STABILISATION_OPTIONS),
    ],
)
@pytest.mark.hazard("HAZ-010")
@pytest.mark.parametrize("sins_total", [7, 12, 13, 18])
def test_stabilisation_or_cement_augmentation_is_offered_at_sins_7_or_more_fit_for_open_surgery_or_not(
    fit, options, sins_total
):
    for grade in ("0", "1c", "3"):
        for histology in ("radiosensitive", "radioresistant"):
            noms = scoring.noms_suggestion(
                escc_grade=grade, radiosensitivity=histology, sins_total=sins_total, systemically_fit=fit
            )
            assert noms.stabilisation == options
            assert "Open surgical stabilisation" not in noms.stabilisation_labels or fit is not False
    if fit is False:
        assert any("percutaneous fixation and cement augmentation" in reason for reason in noms.reasons)


# --------------------------------------------------------------------------- readiness (HAZ-014)


def tokuhashi(case):
    scored(case, "tokuhashi", TOKUHASHI_11, at=NOW - HOUR)


@pytest.mark.hazard("HAZ-014")
def test_a_case_with_one_complete_and_one_unfinished_sins_level_is_not_ready_and_says_which():
    case = breast_case()
    tokuhashi(case)
    scored(case, "sins", SINS_9, at=NOW - HOUR, level="T7")
    scored(case, "sins", {**SINS_4, "alignment": None}, at=NOW - HOUR, level="L1")

    check = scores_recorded(summary_of(case))

    assert not check.ok
    assert check.reason == "SINS at L1 is unfinished: missing Radiographic spinal alignment"


@pytest.mark.hazard("HAZ-014")
def test_a_level_involved_on_the_case_with_no_sins_keeps_the_case_not_ready():
    case = breast_case(spinal_levels=["T7", "T9"])
    tokuhashi(case)
    scored(case, "sins", SINS_9, at=NOW - HOUR, level="T7")

    check = scores_recorded(summary_of(case))

    assert not check.ok
    assert check.reason == "No SINS at T9 yet"


@pytest.mark.hazard("HAZ-014")
def test_a_newer_unfinished_sins_at_a_level_is_what_readiness_sees():
    case = breast_case()
    tokuhashi(case)
    scored(case, "sins", SINS_9, at=NOW - DAY, level="T7")
    scored(case, "sins", {**SINS_9, "pain": None}, at=NOW - HOUR, level="T7")  # rescored, unfinished

    assert not scores_recorded(summary_of(case)).ok


@pytest.mark.hazard("HAZ-014")
def test_a_case_is_ready_for_scores_when_every_level_is_complete():
    case = breast_case(spinal_levels=["T7", "L1"])
    tokuhashi(case)
    scored(case, "sins", SINS_9, at=NOW - HOUR, level="T7")
    scored(case, "sins", SINS_4, at=NOW - HOUR, level="L1")

    assert scores_recorded(summary_of(case)).ok


# --------------------------------------------------------------------------- labels, not keys (HAZ-019)


@pytest.mark.hazard("HAZ-019")
def test_the_case_page_shows_missing_components_radiosensitivity_and_primary_site_notes_by_label(client):
    case = breast_case()
    case.patient.primary_site = "other"
    case.patient.save()
    scored(case, "sins", {**SINS_4, "vertebral_body_collapse": None}, at=NOW - HOUR, level="T4")
    client.force_login(scorer())

    html = client.get(reverse("case-detail", args=[case.pk])).content.decode()

    assert "missing Vertebral body collapse" in html
    for key in ("vertebral_body_collapse", "'other'", "primary_site"):
        assert key not in html
    assert "Radiosensitivity: not known: the clinicians judge" in html
    assert "The reference gives no radiosensitivity for this primary site: the clinician chooses." in html
