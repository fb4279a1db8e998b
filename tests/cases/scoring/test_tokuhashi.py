"""The revised Tokuhashi score (reference §2):
written here from docs/clinical-reference.md and checked against cases.scoring.

The tables are copied from the reference, not from the code, so a changed point, band or label in the code
fails here. No database needed.
"""

# The en dashes in expected text are copied verbatim from the clinical reference.

import pytest

from cases import scoring
from cases.scoring import ScoreResult

# --------------------------------------------------------------------------- revised Tokuhashi (reference §2)

TOKUHASHI_LOWEST: dict[str, str | None] = {
    "general_condition": "poor",
    "extraspinal_bone_mets": "ge3",
    "vertebral_body_mets": "ge3",
    "major_organ_mets": "unremovable",
    "primary_site": "p0",
    "palsy": "complete",
}

TOKUHASHI_OPTIONS = [
    ("general_condition", "poor", 0),
    ("general_condition", "moderate", 1),
    ("general_condition", "good", 2),
    ("extraspinal_bone_mets", "ge3", 0),
    ("extraspinal_bone_mets", "one_or_two", 1),
    ("extraspinal_bone_mets", "zero", 2),
    ("vertebral_body_mets", "ge3", 0),
    ("vertebral_body_mets", "two", 1),
    ("vertebral_body_mets", "one", 2),
    ("major_organ_mets", "unremovable", 0),
    ("major_organ_mets", "removable", 1),
    ("major_organ_mets", "none", 2),
    ("primary_site", "p0", 0),
    ("primary_site", "p1", 1),
    ("primary_site", "p2", 2),
    ("primary_site", "p3", 3),
    ("primary_site", "p4", 4),
    ("primary_site", "p5", 5),
    ("palsy", "complete", 0),
    ("palsy", "incomplete", 1),
    ("palsy", "none", 2),
]

LT_6 = ("lt_6_months", "Less than 6 months", "Conservative treatment; palliative surgery only in selected cases")
GE_6 = (
    "ge_6_months",
    "6 months or more",
    "Palliative surgery. Excisional surgery is possible if there is a single lesion and no major-organ metastases",
)
GE_12 = ("ge_12_months", "1 year or more", "Excisional surgery")

TOKUHASHI_BANDS = [
    (0, {}, LT_6),
    (8, {"primary_site": "p5", "general_condition": "good", "extraspinal_bone_mets": "one_or_two"}, LT_6),
    (9, {"primary_site": "p5", "general_condition": "good", "extraspinal_bone_mets": "zero"}, GE_6),
    (
        11,
        {
            "primary_site": "p5",
            "general_condition": "good",
            "extraspinal_bone_mets": "zero",
            "vertebral_body_mets": "one",
        },
        GE_6,
    ),
    (
        12,
        {
            "primary_site": "p5",
            "general_condition": "good",
            "extraspinal_bone_mets": "zero",
            "vertebral_body_mets": "one",
            "major_organ_mets": "removable",
        },
        GE_12,
    ),
    (
        15,
        {
            "primary_site": "p5",
            "general_condition": "good",
            "extraspinal_bone_mets": "zero",
            "vertebral_body_mets": "one",
            "major_organ_mets": "none",
            "palsy": "none",
        },
        GE_12,
    ),
]


def tokuhashi_with(**changes: str | None) -> ScoreResult:
    return scoring.tokuhashi_revised(**{**TOKUHASHI_LOWEST, **changes})


@pytest.mark.parametrize(("component", "option", "points"), TOKUHASHI_OPTIONS)
def test_it_gives_each_tokuhashi_option_its_points(component: str, option: str, points: int) -> None:
    result = tokuhashi_with(**{component: option})

    assert result.points[component] == points
    assert result.total == points


@pytest.mark.parametrize(("total", "changes", "band"), TOKUHASHI_BANDS)
def test_it_bands_tokuhashi_totals_on_both_sides_of_each_boundary(
    total: int, changes: dict[str, str], band: tuple[str, str, str]
) -> None:
    result = tokuhashi_with(**changes)

    assert (result.total, result.band, result.band_label, result.action) == (total, *band)
    assert result.version == "tokuhashi_revised_2005"


def test_it_always_shows_the_tokuhashi_vertebral_conflict_and_the_partial_treatment_note() -> None:
    complete = tokuhashi_with()
    incomplete = tokuhashi_with(palsy=None)

    assert complete.warnings == (scoring.TOKUHASHI_VERTEBRAL_CONFLICT, scoring.TOKUHASHI_TREATMENT_PARTIAL)
    assert "CONFLICT" in scoring.TOKUHASHI_VERTEBRAL_CONFLICT
    assert "PARTIAL" in scoring.TOKUHASHI_TREATMENT_PARTIAL
    assert incomplete.warnings == (scoring.TOKUHASHI_VERTEBRAL_CONFLICT,)  # no treatment text, no treatment note


def test_it_spans_tokuhashi_from_0_to_15() -> None:
    assert (scoring.TOKUHASHI_REVISED.min_total, scoring.TOKUHASHI_REVISED.max_total) == (0, 15)
