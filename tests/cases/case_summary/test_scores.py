"""The summary's scores: the latest of each kind, the worst SINS and ESCC, the radiosensitivity."""

import pytest

from cases import scoring
from cases.choices import EsccGradeChoice, Modality, PrimarySite
from tests.cases.case_summary.helpers import (
    DAY,
    HOUR,
    NOW,
    SINS_4,
    SINS_9,
    TOMITA_3,
    breast_case,
    graded_scan,
    scored,
    summary_of,
)
from tests.factories import (
    TOKUHASHI_11,
    CaseFactory,
    PatientFactory,
    ScanFactory,
)

pytestmark = pytest.mark.django_db


SINS_11 = {**SINS_9, "location": "junctional"}  # at a junctional level
SINS_14 = {  # semirigid 1 + mechanical 3 + lytic 2 + de novo deformity 2 + gt50 3 + bilateral 3: unstable
    **SINS_9,
    "alignment": "de_novo_deformity",
    "vertebral_body_collapse": "gt50",
    "posterolateral_involvement": "bilateral",
}
TOKUHASHI_8 = {**TOKUHASHI_11, "general_condition": "poor", "extraspinal_bone_mets": "ge3", "palsy": "complete"}


TOMITA_8 = {"primary_growth": "rapid", "visceral_mets": "treatable", "bone_mets": "multiple"}


# --------------------------------------------------------------------------- latest scores


def test_it_keeps_the_latest_sins_of_each_level_in_spinal_order():
    case = breast_case()
    scored(case, "sins", SINS_14, at=NOW - 3 * DAY, level="T7")  # older: ignored
    newer_t7 = scored(case, "sins", SINS_4, at=NOW - DAY, level="T7")
    l1 = scored(case, "sins", SINS_11, at=NOW - 2 * DAY, level="L1")
    c5 = scored(case, "sins", {"location": "mobile"}, at=NOW - HOUR, level="C5")  # incomplete

    summary = summary_of(case)

    assert [line.assessment for line in summary.sins] == [c5, newer_t7, l1]
    assert [line.result.total for line in summary.sins] == [None, 4, 11]


def test_it_takes_the_worst_sins_from_the_highest_complete_latest_score():
    case = breast_case()
    scored(case, "sins", SINS_14, at=NOW - 3 * DAY, level="T7")  # superseded at T7, so not the worst
    scored(case, "sins", SINS_4, at=NOW - DAY, level="T7")
    l1 = scored(case, "sins", SINS_11, at=NOW - 2 * DAY, level="L1")
    scored(case, "sins", {**SINS_14, "pain": None}, at=NOW - HOUR, level="T9")  # incomplete: no total

    worst = summary_of(case).worst_sins

    assert worst.assessment == l1
    assert (worst.result.total, worst.result.band) == (11, "potentially_unstable")


def test_it_has_no_worst_sins_when_every_sins_is_incomplete():
    case = breast_case()
    scored(case, "sins", {"location": "semirigid"}, at=NOW - HOUR, level="T7")

    summary = summary_of(case)

    assert len(summary.sins) == 1
    assert summary.worst_sins is None
    assert summary.noms.complete is False
    assert "sins_total" in summary.noms.missing


def test_it_takes_the_latest_tokuhashi_and_tomita():
    case = breast_case()
    scored(case, "tokuhashi", TOKUHASHI_11, at=NOW - 3 * DAY)
    latest_tokuhashi = scored(case, "tokuhashi", TOKUHASHI_8, at=NOW - DAY)
    latest_tomita = scored(case, "tomita", TOMITA_3, at=NOW - 2 * DAY)
    scored(case, "tomita", TOMITA_8, at=NOW - 4 * DAY)

    summary = summary_of(case)

    assert summary.tokuhashi.assessment == latest_tokuhashi
    assert (summary.tokuhashi.result.total, summary.tokuhashi.result.band) == (8, "lt_6_months")
    assert summary.tokuhashi.kind_label == "Revised Tokuhashi"
    assert summary.tomita.assessment == latest_tomita
    assert (summary.tomita.result.total, summary.tomita.result.band) == (3, "long_term_local_control")


def test_it_has_no_scores_for_an_unscored_case():
    summary = summary_of(breast_case())

    assert (summary.sins, summary.tokuhashi, summary.tomita, summary.worst_sins) == ([], None, None, None)
    assert summary.has_scores is False


# --------------------------------------------------------------------------- ESCC and radiosensitivity


def test_it_takes_the_worst_escc_grade_of_the_performed_scans():
    case = breast_case()
    graded_scan(case, EsccGradeChoice.G1B, NOW - 5 * DAY)
    latest_graded = graded_scan(case, EsccGradeChoice.G2, NOW - 3 * DAY, modality=Modality.MRI_TARGETED)
    graded_scan(case, None, NOW - DAY)  # newer, but not graded
    ScanFactory(case=case, requested_at=NOW - HOUR)  # requested, not performed

    summary = summary_of(case)

    assert summary.escc_scan == latest_graded
    assert summary.noms.escc_group == "high"


def test_it_defaults_the_radiosensitivity_from_the_primary():
    summary = summary_of(breast_case())

    assert summary.radiosensitivity.value == scoring.RADIOSENSITIVE
    assert summary.radiosensitivity_overridden is False
    assert summary.radiosensitivity.warnings == (
        "PARTIAL: this histology's class was checked against one source only.",
    )


def test_it_uses_the_clinicians_radiosensitivity_over_the_default():
    summary = summary_of(breast_case(radiosensitivity_override="radioresistant"))

    assert summary.radiosensitivity.value == scoring.RADIORESISTANT
    assert summary.radiosensitivity_overridden is True
    assert summary.radiosensitivity.warnings == ()


def test_it_leaves_the_radiosensitivity_to_the_clinicians_for_an_other_primary():
    summary = summary_of(CaseFactory(patient=PatientFactory(primary_site=PrimarySite.OTHER)))

    assert summary.radiosensitivity.value is None
    assert "radiosensitivity" in summary.noms.missing
