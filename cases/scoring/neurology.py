"""Frankel grade and performance status (ECOG, Karnofsky): docs/clinical-reference.md §6."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from cases.scoring.machinery import is_whole_number

FRANKEL_GRADES: Final[Mapping[str, str]] = {
    "A": "Complete: no motor or sensory function below the lesion",
    "B": "Sensory only: some sensation preserved, no motor function",
    "C": "Motor useless: some motor function, but of no practical use",
    "D": "Motor useful: useful motor function (may walk, with or without aids)",
    "E": "Normal motor and sensory function (abnormal reflexes may still be present)",
}

TOKUHASHI_PALSY_BY_FRANKEL: Final[Mapping[str, str]] = {
    "A": "complete",
    "B": "complete",
    "C": "incomplete",
    "D": "incomplete",
    "E": "none",
}


def tokuhashi_palsy_from_frankel(grade: str) -> str:
    """Tokuhashi palsy option for a Frankel grade: A/B complete, C/D incomplete, E none."""
    palsy = TOKUHASHI_PALSY_BY_FRANKEL.get(grade.strip().upper())
    if palsy is None:
        raise ValueError(f"Frankel grade {grade!r} is not one of {', '.join(FRANKEL_GRADES)}")
    return palsy


ECOG_GRADES: Final[Mapping[int, str]] = {
    0: "Fully active; can do everything they could before the disease, without restriction",
    1: "Restricted in strenuous physical activity, but walking about and able to do light or sedentary work",
    2: "Walking about and able to care for self, but unable to work; up and about more than 50% of waking hours",
    3: "Only limited self-care; in bed or chair more than 50% of waking hours",
    4: "Completely disabled; no self-care; confined to bed or chair",
    5: "Dead",
}


@dataclass(frozen=True)
class KarnofskyLevel:
    kps: int
    definition: str
    tokuhashi_general_condition: str | None


KARNOFSKY_LEVELS: Final[Mapping[int, KarnofskyLevel]] = {
    level.kps: level
    for level in (
        KarnofskyLevel(100, "Normal, no complaints, no evidence of disease", "good"),
        KarnofskyLevel(90, "Able to carry on normal activity; minor signs or symptoms", "good"),
        KarnofskyLevel(80, "Normal activity with effort; some signs or symptoms", "good"),
        KarnofskyLevel(70, "Cares for self; unable to carry on normal activity or active work", "moderate"),
        KarnofskyLevel(60, "Needs occasional help, but cares for most personal needs", "moderate"),
        KarnofskyLevel(50, "Needs considerable help and frequent medical care", "moderate"),
        KarnofskyLevel(40, "Disabled; needs special care and help", "poor"),
        KarnofskyLevel(30, "Severely disabled; hospital admission indicated, death not imminent", "poor"),
        KarnofskyLevel(20, "Very sick; admission and active supportive treatment needed", "poor"),
        KarnofskyLevel(10, "Moribund; fatal processes progressing rapidly", "poor"),
        KarnofskyLevel(0, "Dead", None),
    )
}


def validate_karnofsky(value: object) -> int:
    if is_whole_number(value) and value in KARNOFSKY_LEVELS:
        return value
    raise ValueError("Karnofsky must be a multiple of 10 from 0 to 100")


def tokuhashi_general_condition_from_kps(kps: int) -> str | None:
    """Tokuhashi general_condition for a KPS (80-100 good, 50-70 moderate, 10-40 poor); None for 0."""
    return KARNOFSKY_LEVELS[validate_karnofsky(kps)].tokuhashi_general_condition
