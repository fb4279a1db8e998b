"""NOMS suggestion (Laufer 2013): docs/clinical-reference.md §5.3 plus the mechanical and systemic overlays."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from cases.scoring.escc import escc_grade as grade_for_key
from cases.scoring.machinery import MDT_NOTICE, is_whole_number
from cases.scoring.primary_defaults import RADIORESISTANT, RADIOSENSITIVE, RADIOSENSITIVITY_LABELS
from cases.scoring.sins_2010 import SINS, SINS_SURGICAL_OPINION_THRESHOLD

PATHWAY_LABELS: Final[Mapping[str, str]] = {
    "cebrt": "Conventional external beam radiotherapy (cEBRT)",
    "sbrt_srs": "Stereotactic radiosurgery / SBRT",
    "separation_surgery_plus_sbrt": "Separation surgery (decompression), then SRS/SBRT",
    "surgery_stabilisation": "Open surgical stabilisation",
    "mis_percutaneous_fixation": "Percutaneous (minimally invasive) fixation",
    "vertebroplasty": "Vertebroplasty (cement augmentation)",
    "kyphoplasty": "Kyphoplasty (cement augmentation)",
    "best_supportive_care": "Best supportive care",
    # No 8.2 key: the reference's systemic fallback names no radiation technique.
    "radiation_alone": "Radiation alone (technique for the MDT)",
}

STABILISATION_OPTIONS: Final = ("surgery_stabilisation", "mis_percutaneous_fixation", "vertebroplasty", "kyphoplasty")
# Instability calls for stabilisation whatever the fitness for open surgery (reference §5.3, M overlay):
# for a patient not fit for open surgery, percutaneous fixation and cement augmentation remain.
PERCUTANEOUS_OPTIONS: Final = ("mis_percutaneous_fixation", "vertebroplasty", "kyphoplasty")


type Keys = tuple[str, ...]


@dataclass(frozen=True)
class _NomsRow:
    """One row of docs/clinical-reference.md §5.3: pathway if fit for surgery, fallback if not, and why."""

    if_fit: tuple[str, ...]
    if_not_fit: tuple[str, ...]
    reason: str


_NOMS_TABLE: Final[Mapping[tuple[str, str], _NomsRow]] = {
    ("low", RADIOSENSITIVE): _NomsRow(
        ("cebrt",), ("cebrt", "best_supportive_care"), "Low-grade ESCC and radiosensitive histology: cEBRT."
    ),
    ("low", RADIORESISTANT): _NomsRow(
        ("sbrt_srs",),
        ("sbrt_srs", "best_supportive_care"),
        "Low-grade ESCC and radioresistant histology: stereotactic radiosurgery / SBRT.",
    ),
    ("high", RADIOSENSITIVE): _NomsRow(
        ("cebrt",),
        ("cebrt", "best_supportive_care"),
        "High-grade ESCC but radiosensitive histology: cEBRT, with surgery held back for failure or deterioration.",
    ),
    ("high", RADIORESISTANT): _NomsRow(
        ("separation_surgery_plus_sbrt",),
        ("radiation_alone", "best_supportive_care"),
        "High-grade ESCC and radioresistant histology: separation surgery (decompression), then SRS/SBRT, "
        "if the patient is systemically fit.",
    ),
}

NOMS_PARTIAL: Final = (
    "PARTIAL: NOMS rules follow a simplified secondary version of Laufer 2013; the full text was not read."
)


@dataclass(frozen=True)
class NomsSuggestion:
    complete: bool
    missing: tuple[str, ...]
    escc_group: str | None
    pathways: tuple[str, ...]
    """Radiation/surgery pathway keys from the 5.3 table, after the systemic fallback."""
    stabilisation: tuple[str, ...]
    """Mechanical overlay: stabilisation or cement-augmentation keys to consider (empty if SINS < 7)."""
    reasons: tuple[str, ...]
    warnings: tuple[str, ...]
    notice: str = MDT_NOTICE

    @property
    def pathway_labels(self) -> tuple[str, ...]:
        return tuple(PATHWAY_LABELS[key] for key in self.pathways)

    @property
    def stabilisation_labels(self) -> tuple[str, ...]:
        return tuple(PATHWAY_LABELS[key] for key in self.stabilisation)


NOMS_INPUT_LABELS: Final[Mapping[str, str]] = {
    "escc_grade": "the ESCC grade (from a graded MRI)",
    "radiosensitivity": "the radiosensitivity of the primary",
    "sins_total": "a complete SINS",
    "systemically_fit": "the clinicians' judgement of fitness for surgery",
}


def noms_suggestion(
    *,
    escc_grade: str | None,
    radiosensitivity: str | None,
    sins_total: int | None,
    systemically_fit: bool | None,
    unfinished: tuple[str, ...] = (),
) -> NomsSuggestion:
    """Default NOMS pathway to put before the MDT (docs/clinical-reference.md §5.3 plus the M and S overlays).

    sins_total: the highest SINS of the case (or what an unfinished level already reaches, if 7 or more).
    systemically_fit: whether the patient can tolerate surgery. unfinished: the SINS inputs still to
    complete (e.g. "SINS at T5 is unfinished: missing Pain"), shown as warnings. No radiation or surgery
    pathway is suggested until every input is known; the mechanical overlay (stabilisation at SINS 7 or
    more) is shown as soon as the SINS is known, whatever else is missing, so instability is never hidden.
    """
    grade = None if not escc_grade else grade_for_key(escc_grade)
    radiosensitivity = radiosensitivity or None
    _check_noms_inputs(radiosensitivity, sins_total, systemically_fit)
    warnings = (NOMS_PARTIAL,) + ((grade.note,) if grade and grade.note else ()) + unfinished
    group = grade.group if grade else None
    stabilisation, mechanical = _mechanical_overlay(sins_total, systemically_fit)
    if grade is None or radiosensitivity is None or sins_total is None or systemically_fit is None:
        inputs = {
            "escc_grade": grade,
            "radiosensitivity": radiosensitivity,
            "sins_total": sins_total,
            "systemically_fit": systemically_fit,
        }
        missing = tuple(name for name, value in inputs.items() if value is None)
        waiting = tuple(f"No suggestion until {NOMS_INPUT_LABELS[name]} is recorded." for name in missing)
        return NomsSuggestion(False, missing, group, (), stabilisation, waiting + mechanical, warnings)

    row = _NOMS_TABLE[(grade.group, radiosensitivity)]
    reasons: tuple[str, ...] = (row.reason,)
    if not systemically_fit:
        reasons += ("Not systemically fit for surgery: falls back to radiation alone or best supportive care.",)
    pathways = row.if_fit if systemically_fit else row.if_not_fit
    return NomsSuggestion(True, (), group, pathways, stabilisation, reasons + mechanical, warnings)


def _mechanical_overlay(
    sins_total: int | None, systemically_fit: bool | None
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Stabilisation options and the reason for them: at SINS 7 or more, fit for open surgery or not."""
    if sins_total is None or sins_total < SINS_SURGICAL_OPINION_THRESHOLD:
        return (), ()
    opening = (
        f"SINS {sins_total} (7 or more, potentially unstable or unstable): consider stabilisation or cement "
        "augmentation, whatever the ESCC grade or histology; seek the surgical opinion before radiotherapy."
    )
    if systemically_fit is False:
        caveat = (
            "Recorded as not fit for surgery: open stabilisation is not offered, but percutaneous fixation and cement "
            "augmentation (vertebroplasty, kyphoplasty) remain options; the MDT judges what the patient can tolerate."
        )
        return PERCUTANEOUS_OPTIONS, (opening, caveat)
    if systemically_fit is None:
        caveat = "Fitness for surgery not yet judged: open stabilisation needs it; percutaneous options may not."
        return STABILISATION_OPTIONS, (opening, caveat)
    return STABILISATION_OPTIONS, (opening,)


def _check_noms_inputs(radiosensitivity: str | None, sins_total: int | None, systemically_fit: bool | None) -> None:
    if radiosensitivity is not None and radiosensitivity not in RADIOSENSITIVITY_LABELS:
        raise ValueError(f"radiosensitivity: {radiosensitivity!r} is not one of {', '.join(RADIOSENSITIVITY_LABELS)}")
    if sins_total is not None and not (is_whole_number(sins_total) and SINS.min_total <= sins_total <= SINS.max_total):
        raise ValueError(f"sins_total must be a whole number from {SINS.min_total} to {SINS.max_total}")
    if systemically_fit is not None and not isinstance(systemically_fit, bool):
        raise ValueError("systemically_fit must be True, False or None")
