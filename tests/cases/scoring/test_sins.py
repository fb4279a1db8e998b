"""SINS (reference §1):
written here from docs/clinical-reference.md and checked against cases.scoring.

The tables are copied from the reference, not from the code, so a changed point, band or label in the code
fails here. No database needed.
"""

# The en dashes in expected text are copied verbatim from the clinical reference.

import pytest

from cases import scoring
from cases.scoring import ScoreResult

# --------------------------------------------------------------------------- SINS (reference §1)

SINS_LOWEST: dict[str, str | None] = {
    "location": "rigid",
    "pain": "pain_free",
    "bone_lesion": "blastic",
    "alignment": "normal",
    "vertebral_body_collapse": "none",
    "posterolateral_involvement": "none",
}

SINS_OPTIONS = [
    ("location", "junctional", 3),
    ("location", "mobile", 2),
    ("location", "semirigid", 1),
    ("location", "rigid", 0),
    ("pain", "mechanical", 3),
    ("pain", "occasional_non_mechanical", 1),
    ("pain", "pain_free", 0),
    ("bone_lesion", "lytic", 2),
    ("bone_lesion", "mixed", 1),
    ("bone_lesion", "blastic", 0),
    ("alignment", "subluxation_translation", 4),
    ("alignment", "de_novo_deformity", 2),
    ("alignment", "normal", 0),
    ("vertebral_body_collapse", "gt50", 3),
    ("vertebral_body_collapse", "lt50", 2),
    ("vertebral_body_collapse", "no_collapse_gt50_involved", 1),
    ("vertebral_body_collapse", "none", 0),
    ("posterolateral_involvement", "bilateral", 3),
    ("posterolateral_involvement", "unilateral", 1),
    ("posterolateral_involvement", "none", 0),
]

SURGICAL_OPINION = "Surgical or spinal-oncology opinion advised"

SINS_BANDS = [
    # total, changes from SINS_LOWEST, band, label, action
    (0, {}, "stable", "Stable", None),
    (6, {"location": "junctional", "pain": "mechanical"}, "stable", "Stable", None),
    (
        7,
        {"location": "junctional", "pain": "mechanical", "bone_lesion": "mixed"},
        "potentially_unstable",
        "Potentially unstable (indeterminate)",
        SURGICAL_OPINION,
    ),
    (
        12,
        {
            "location": "junctional",
            "pain": "mechanical",
            "bone_lesion": "lytic",
            "alignment": "de_novo_deformity",
            "vertebral_body_collapse": "lt50",
        },
        "potentially_unstable",
        "Potentially unstable (indeterminate)",
        SURGICAL_OPINION,
    ),
    (
        13,
        {
            "location": "junctional",
            "pain": "mechanical",
            "bone_lesion": "lytic",
            "alignment": "de_novo_deformity",
            "vertebral_body_collapse": "lt50",
            "posterolateral_involvement": "unilateral",
        },
        "unstable",
        "Unstable",
        SURGICAL_OPINION,
    ),
    (
        18,
        {
            "location": "junctional",
            "pain": "mechanical",
            "bone_lesion": "lytic",
            "alignment": "subluxation_translation",
            "vertebral_body_collapse": "gt50",
            "posterolateral_involvement": "bilateral",
        },
        "unstable",
        "Unstable",
        SURGICAL_OPINION,
    ),
]


def sins_with(**changes: str | None) -> ScoreResult:
    return scoring.sins(**{**SINS_LOWEST, **changes})


@pytest.mark.parametrize(("component", "option", "points"), SINS_OPTIONS)
def test_it_gives_each_sins_option_its_points(component: str, option: str, points: int) -> None:
    result = sins_with(**{component: option})

    assert result.points[component] == points
    assert result.total == points
    assert result.components[component] == option


@pytest.mark.parametrize(("total", "changes", "band", "label", "action"), SINS_BANDS)
def test_it_bands_sins_totals_on_both_sides_of_each_boundary(
    total: int, changes: dict[str, str], band: str, label: str, action: str | None
) -> None:
    result = sins_with(**changes)

    assert (result.total, result.band, result.band_label, result.action) == (total, band, label, action)
    assert result.complete
    assert result.missing == ()
    assert (result.score, result.version) == ("sins", "sins_2010")


def test_it_spans_sins_from_0_to_18() -> None:
    assert (scoring.SINS.min_total, scoring.SINS.max_total) == (0, 18)
