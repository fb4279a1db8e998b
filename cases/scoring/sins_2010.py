"""SINS, the Spinal Instability Neoplastic Score (Fisher 2010), and the spinal levels it is scored at.

Points, bands and the level-to-location helper: docs/clinical-reference.md §1.1-§1.3.
"""

# The en dashes in labels are copied from the clinical reference.
# ruff: noqa: RUF001

import re
from collections.abc import Mapping
from typing import Final

from cases.scoring.machinery import Band, ScoreDefinition, ScoreResult, score

SINS_SURGICAL_OPINION_THRESHOLD: Final = 7
SINS_SURGICAL_OPINION: Final = "Surgical or spinal-oncology opinion advised"

SINS: Final = ScoreDefinition(
    score="sins",
    version="sins_2010",
    components={
        "location": {
            "junctional": (3, "Occiput–C2, C7–T2, T11–L1, L5–S1"),
            "mobile": (2, "C3–C6, L2–L4"),
            "semirigid": (1, "T3–T10"),
            "rigid": (0, "S2–S5"),
        },
        "pain": {
            "mechanical": (3, "Pain eases when lying down and/or comes with movement or spinal loading"),
            "occasional_non_mechanical": (1, "Occasional pain that is not mechanical"),
            "pain_free": (0, "Lesion causes no pain"),
        },
        "bone_lesion": {
            "lytic": (2, "Lytic"),
            "mixed": (1, "Mixed lytic/blastic"),
            "blastic": (0, "Blastic (sclerotic)"),
        },
        "alignment": {
            "subluxation_translation": (4, "Subluxation or translation present"),
            "de_novo_deformity": (2, "New kyphosis or scoliosis"),
            "normal": (0, "Normal alignment"),
        },
        "vertebral_body_collapse": {
            "gt50": (3, "More than 50% collapse"),
            "lt50": (2, "Less than 50% collapse"),
            "no_collapse_gt50_involved": (1, "No collapse, but more than 50% of the body involved"),
            "none": (0, "None of the above"),
        },
        "posterolateral_involvement": {
            "bilateral": (3, "Bilateral facet, pedicle or costovertebral joint involvement"),
            "unilateral": (1, "Unilateral"),
            "none": (0, "None of the above"),
        },
    },
    component_labels={
        "location": "Location",
        "pain": "Pain",
        "bone_lesion": "Bone lesion",
        "alignment": "Radiographic spinal alignment",
        "vertebral_body_collapse": "Vertebral body collapse",
        "posterolateral_involvement": "Posterolateral involvement of spinal elements",
    },
    bands=(
        Band(0, 6, "stable", "Stable"),
        Band(7, 12, "potentially_unstable", "Potentially unstable (indeterminate)", SINS_SURGICAL_OPINION),
        Band(13, 18, "unstable", "Unstable", SINS_SURGICAL_OPINION),
    ),
)


def sins(
    *,
    location: str | None,
    pain: str | None,
    bone_lesion: str | None,
    alignment: str | None,
    vertebral_body_collapse: str | None,
    posterolateral_involvement: str | None,
) -> ScoreResult:
    """SINS for one lesion or level (0-18); 7 or more advises a surgical opinion."""
    return score(
        SINS,
        {
            "location": location,
            "pain": pain,
            "bone_lesion": bone_lesion,
            "alignment": alignment,
            "vertebral_body_collapse": vertebral_body_collapse,
            "posterolateral_involvement": posterolateral_involvement,
        },
    )


def sins_band_reached(result: ScoreResult) -> Band | None:
    """For an incomplete SINS: the unstable band its known components already reach (7 or 13), else None.

    A blank component can only add points, so a level whose known points reach 7 is at least potentially
    unstable, and 13 unstable, whatever the blank (hazard HAZ-010).
    """
    if result.complete or result.known_points < SINS_SURGICAL_OPINION_THRESHOLD:
        return None
    return next(band for band in reversed(SINS.bands) if band.low <= result.known_points)


# --------------------------------------------------------------------------- 1.3 spinal levels


def _numbered(region: str, count: int) -> tuple[str, ...]:
    return tuple(f"{region}{number}" for number in range(1, count + 1))


# Occiput is in SINS's junctional definition; the coccyx is a level with no SINS location.
SPINAL_LEVELS: Final[tuple[str, ...]] = (
    "Occiput",
    *_numbered("C", 7),
    *_numbered("T", 12),
    *_numbered("L", 5),
    *_numbered("S", 5),
    "Coccyx",
)
_LEVEL_BY_UPPER: Final[Mapping[str, str]] = {level.upper(): level for level in SPINAL_LEVELS}


def _span(first: str, last: str) -> tuple[str, ...]:
    return SPINAL_LEVELS[SPINAL_LEVELS.index(first) : SPINAL_LEVELS.index(last) + 1]


SINS_LOCATION_BY_LEVEL: Final[Mapping[str, str | None]] = {
    **dict.fromkeys(_span("Occiput", "C2"), "junctional"),
    **dict.fromkeys(_span("C3", "C6"), "mobile"),
    **dict.fromkeys(_span("C7", "T2"), "junctional"),
    **dict.fromkeys(_span("T3", "T10"), "semirigid"),
    **dict.fromkeys(_span("T11", "L1"), "junctional"),
    **dict.fromkeys(_span("L2", "L4"), "mobile"),
    **dict.fromkeys(_span("L5", "S1"), "junctional"),
    **dict.fromkeys(_span("S2", "S5"), "rigid"),
    "Coccyx": None,  # not covered by the sources: manual entry
}


def normalise_level(level: str) -> str:
    """'t4' -> 'T4'; raises ValueError naming a level that does not exist."""
    known = _LEVEL_BY_UPPER.get(level.strip().upper())
    if known is None:
        raise ValueError(f"{level.strip()!r} is not a spinal level (Occiput, C1-C7, T1-T12, L1-L5, S1-S5 or Coccyx)")
    return known


def sins_location_for_level(level: str) -> str | None:
    """The SINS location option for a level, or None where the reference gives none (coccyx)."""
    return SINS_LOCATION_BY_LEVEL[normalise_level(level)]


_RANGE_DASH: Final = re.compile(r"\s*[-\u2013\u2014]\s*")  # hyphen, en dash, em dash
_SEPARATORS: Final = re.compile(r"[\s,;]+")


def parse_levels(text: str) -> list[str]:
    """'T4, t6-T8' -> ['T4', 'T6', 'T7', 'T8']: ordered top to bottom, without duplicates."""
    indices: set[int] = set()
    for token in _SEPARATORS.split(_RANGE_DASH.sub("-", text.strip())):
        if token:
            indices.update(_token_indices(token))
    return [SPINAL_LEVELS[index] for index in sorted(indices)]


def _token_indices(token: str) -> range:
    ends = token.split("-")
    if len(ends) > 2 or not all(ends):
        raise ValueError(f"{token!r} is not a spinal level or a range such as T4-T6")
    positions = [SPINAL_LEVELS.index(normalise_level(end)) for end in ends]
    return range(min(positions), max(positions) + 1)  # a reversed range ("T6-T4") means the same levels
