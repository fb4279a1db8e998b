"""The NOMS suggestion: nothing until its inputs are known, then the treatment the framework gives."""

import pytest

from cases import scoring
from cases.choices import EsccGradeChoice
from tests.cases.case_summary.helpers import DAY, NOW, SINS_9, breast_case, graded_scan, scored, summary_of

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- the NOMS suggestion


def noms_ready_case(**fields):
    """ESCC 2 (stored as 4), breast (radiosensitive), SINS 9 at T7, fit for surgery: every input known."""
    case = breast_case(**{"fit_for_surgery": True, **fields})
    graded_scan(case, EsccGradeChoice.G2, NOW - 2 * DAY)
    scored(case, "sins", SINS_9, at=NOW - DAY, level="T7")
    return case


def test_it_suggests_nothing_until_escc_sins_and_fitness_are_known():
    summary = summary_of(breast_case())

    assert summary.noms.complete is False
    assert summary.noms.missing == ("escc_grade", "sins_total", "systemically_fit")
    assert summary.noms.reasons == (
        "No suggestion until the ESCC grade (from a graded MRI) is recorded.",
        "No suggestion until a complete SINS is recorded.",
        "No suggestion until the clinicians' judgement of fitness for surgery is recorded.",
    )
    assert (summary.noms.pathways, summary.noms.stabilisation) == ((), ())


@pytest.mark.parametrize("missing", ["escc_grade", "sins_total", "systemically_fit"])
def test_it_names_the_one_noms_input_still_missing(missing):
    case = breast_case(fit_for_surgery=None if missing == "systemically_fit" else True)
    if missing != "escc_grade":
        graded_scan(case, EsccGradeChoice.G2, NOW - 2 * DAY)
    if missing != "sins_total":
        scored(case, "sins", SINS_9, at=NOW - DAY, level="T7")

    noms = summary_of(case).noms

    assert noms.complete is False
    assert noms.missing == (missing,)
    assert noms.reasons[0] == f"No suggestion until {scoring.NOMS_INPUT_LABELS[missing]} is recorded."
    # A SINS of 9 is shown as instability whatever else is missing (HAZ-010).
    assert noms.stabilisation == (() if missing == "sins_total" else scoring.STABILISATION_OPTIONS)


def test_it_suggests_cebrt_with_stabilisation_for_high_grade_escc_radiosensitive_sins_9_and_fit():
    noms = summary_of(noms_ready_case()).noms

    assert noms.complete is True
    assert noms.missing == ()
    assert noms.escc_group == "high"
    assert noms.pathways == ("cebrt",)
    assert noms.stabilisation == scoring.STABILISATION_OPTIONS
    assert noms.reasons[0].startswith("High-grade ESCC but radiosensitive histology: cEBRT")
    assert noms.reasons[1].startswith("SINS 9 (7 or more")
    assert noms.notice == scoring.MDT_NOTICE


def test_it_suggests_separation_surgery_once_the_clinicians_judge_the_histology_radioresistant():
    noms = summary_of(noms_ready_case(radiosensitivity_override="radioresistant")).noms

    assert noms.pathways == ("separation_surgery_plus_sbrt",)


def test_it_falls_back_to_radiation_or_supportive_care_when_not_fit_for_surgery():
    noms = summary_of(noms_ready_case(fit_for_surgery=False)).noms

    assert noms.complete is True
    assert noms.pathways == ("cebrt", "best_supportive_care")
    # Instability still calls for stabilisation: the percutaneous options remain for the unfit (HAZ-010).
    assert noms.stabilisation == scoring.PERCUTANEOUS_OPTIONS
