"""The Tomita score (reference §3):
written here from docs/clinical-reference.md and checked against cases.scoring.

The tables are copied from the reference, not from the code, so a changed point, band or label in the code
fails here. No database needed.
"""

# The en dashes in expected text are copied verbatim from the clinical reference.

from typing import Any

import pytest

from cases import scoring

# --------------------------------------------------------------------------- Tomita (reference §3)

TOMITA_OPTIONS = [
    ("primary_growth", "slow", 1),
    ("primary_growth", "moderate", 2),
    ("primary_growth", "rapid", 4),
    ("visceral_mets", "none", 0),
    ("visceral_mets", "treatable", 2),
    ("visceral_mets", "untreatable", 4),
    ("bone_mets", "solitary", 1),
    ("bone_mets", "multiple", 2),
]

LONG_TERM = ("long_term_local_control", "Long-term local control", "Wide or marginal excision")
MIDDLE_TERM = ("middle_term_local_control", "Middle-term local control", "Marginal or intralesional excision")
PALLIATION = ("short_term_palliation", "Short-term palliation", "Palliative surgery")
TERMINAL = ("terminal_care", "Terminal care", "Non-operative supportive care")

TOMITA_BANDS = [
    (2, ("slow", "none", "solitary"), LONG_TERM),
    (3, ("slow", "none", "multiple"), LONG_TERM),
    (4, ("moderate", "none", "multiple"), MIDDLE_TERM),
    (5, ("rapid", "none", "solitary"), MIDDLE_TERM),
    (6, ("rapid", "none", "multiple"), PALLIATION),
    (7, ("slow", "untreatable", "multiple"), PALLIATION),
    (8, ("rapid", "treatable", "multiple"), TERMINAL),
    (10, ("rapid", "untreatable", "multiple"), TERMINAL),
]


@pytest.mark.parametrize(("component", "option", "points"), TOMITA_OPTIONS)
def test_it_gives_each_tomita_option_its_points(component: str, option: str, points: int) -> None:
    values: dict[str, Any] = {"primary_growth": "slow", "visceral_mets": "none", "bone_mets": "solitary"}
    values[component] = option

    result = scoring.tomita(**values)

    assert result.points[component] == points


@pytest.mark.parametrize(("total", "options", "band"), TOMITA_BANDS)
def test_it_bands_tomita_totals_on_both_sides_of_each_boundary(
    total: int, options: tuple[str, str, str], band: tuple[str, str, str]
) -> None:
    growth, visceral, bone = options

    result = scoring.tomita(primary_growth=growth, visceral_mets=visceral, bone_mets=bone)

    assert (result.total, result.band, result.band_label, result.action) == (total, *band)
    assert result.version == "tomita_2001"
    assert result.warnings == (scoring.TOMITA_BANDS_PARTIAL,)
    assert "PARTIAL" in scoring.TOMITA_BANDS_PARTIAL


def test_it_spans_tomita_from_2_to_10() -> None:
    assert (scoring.TOMITA.min_total, scoring.TOMITA.max_total) == (2, 10)
