"""Spinal levels (reference §1.3):
written here from docs/clinical-reference.md and checked against cases.scoring.

The tables are copied from the reference, not from the code, so a changed point, band or label in the code
fails here. No database needed.
"""

# The en dashes in expected text are copied verbatim from the clinical reference.
# ruff: noqa: RUF001

import pytest

from cases import scoring

# --------------------------------------------------------------------------- spinal levels (reference §1.3)

LEVEL_LOCATIONS = [
    *[(level, "junctional") for level in ("Occiput", "C1", "C2")],
    *[(level, "mobile") for level in ("C3", "C4", "C5", "C6")],
    *[(level, "junctional") for level in ("C7", "T1", "T2")],
    *[(f"T{n}", "semirigid") for n in range(3, 11)],
    *[(level, "junctional") for level in ("T11", "T12", "L1")],
    *[(level, "mobile") for level in ("L2", "L3", "L4")],
    *[(level, "junctional") for level in ("L5", "S1")],
    *[(f"S{n}", "rigid") for n in range(2, 6)],
    ("Coccyx", None),
]


@pytest.mark.parametrize(("level", "location"), LEVEL_LOCATIONS)
def test_it_fills_the_sins_location_for_every_level(level: str, location: str | None) -> None:
    assert scoring.sins_location_for_level(level) == location
    assert scoring.sins_location_for_level(level.lower()) == location


def test_it_orders_every_level_from_occiput_to_coccyx() -> None:
    assert tuple(level for level, _ in LEVEL_LOCATIONS) == scoring.SPINAL_LEVELS
    assert len(scoring.SPINAL_LEVELS) == 1 + 7 + 12 + 5 + 5 + 1


@pytest.mark.parametrize("level", ["T13", "L6", "X1", "C8", "S6", "C0", ""])
def test_it_rejects_a_level_that_does_not_exist_naming_it(level: str) -> None:
    with pytest.raises(ValueError, match=f"^'{level}' is not a spinal level"):
        scoring.sins_location_for_level(level)


@pytest.mark.parametrize(
    ("text", "levels"),
    [
        ("T4, T5", ["T4", "T5"]),
        ("T4-T6", ["T4", "T5", "T6"]),
        ("t4 - t6", ["T4", "T5", "T6"]),
        ("T4–T6", ["T4", "T5", "T6"]),
        ("T6-T4", ["T4", "T5", "T6"]),
        ("L1 T12,T12;  C7-T2", ["C7", "T1", "T2", "T12", "L1"]),
        ("T5, T4-T6, T5", ["T4", "T5", "T6"]),
        ("L5-S1", ["L5", "S1"]),
        ("occiput-c2, S5-coccyx", ["Occiput", "C1", "C2", "S5", "Coccyx"]),
        ("", []),
        (" , ", []),
    ],
)
def test_it_parses_lists_and_ranges_of_levels_in_spinal_order(text: str, levels: list[str]) -> None:
    assert scoring.parse_levels(text) == levels


@pytest.mark.parametrize(
    ("text", "bad"),
    [("T4, X1", "'X1'"), ("T12-T13", "'T13'"), ("L6", "'L6'"), ("T4-", "'T4-'"), ("T4-T5-T6", "'T4-T5-T6'")],
)
def test_it_rejects_a_bad_token_naming_it(text: str, bad: str) -> None:
    with pytest.raises(ValueError, match=bad):
        scoring.parse_levels(text)


def test_it_round_trips_parsed_levels() -> None:
    levels = scoring.parse_levels("Occiput-Coccyx")

    assert levels == list(scoring.SPINAL_LEVELS)
    assert scoring.parse_levels(", ".join(levels)) == levels
