"""Spinal-metastasis scores, grading scales and NOMS suggestions.

Every score and suggestion here supports the MDT's decision; none of them makes it.

All keys, points, bands, labels and thresholds come from ../shared/domain.md (sections 1-6).
Rows that the reference marks CONFLICT, PARTIAL or UNVERIFIED carry its warning in the result,
so the UI can show it next to the number. A blank component never counts as 0: the result is
marked incomplete and has no total.

Pure standard library (no Django), so models, forms, templates and tests can all use it.
"""

# The en dashes in labels are copied verbatim from domain.md.
# ruff: noqa: RUF001

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, TypeGuard

MDT_NOTICE: Final = "Suggestion to support the MDT's discussion; the MDT makes the decision."

type Option = tuple[int, str]  # (points, label)


# --------------------------------------------------------------------------- generic score machinery


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    key: str
    label: str
    action: str | None = None


@dataclass(frozen=True)
class ScoreDefinition:
    score: str
    version: str
    components: Mapping[str, Mapping[str, Option]]
    component_labels: Mapping[str, str]
    bands: tuple[Band, ...]
    warnings: tuple[str, ...] = ()
    """Shown with every result of this score."""
    band_warnings: tuple[str, ...] = ()
    """Shown only when a band (and its action text) is shown."""

    @property
    def min_total(self) -> int:
        return sum(min(points for points, _ in options.values()) for options in self.components.values())

    @property
    def max_total(self) -> int:
        return sum(max(points for points, _ in options.values()) for options in self.components.values())


@dataclass(frozen=True)
class ScoreResult:
    score: str
    version: str
    components: dict[str, str | None]
    points: dict[str, int]
    total: int | None
    complete: bool
    missing: tuple[str, ...]
    band: str | None
    band_label: str | None
    action: str | None
    warnings: tuple[str, ...]


def _score(definition: ScoreDefinition, values: Mapping[str, str | None]) -> ScoreResult:
    chosen: dict[str, str | None] = {}
    points: dict[str, int] = {}
    for component, options in definition.components.items():
        choice = values.get(component) or None  # "" from a blank form choice is missing, not 0
        if choice is not None and choice not in options:
            raise ValueError(f"{component}: {choice!r} is not one of {', '.join(options)}")
        chosen[component] = choice
        if choice is not None:
            points[component] = options[choice][0]
    missing = tuple(component for component, choice in chosen.items() if choice is None)
    total = None if missing else sum(points.values())
    band = None if total is None else _band_for(definition, total)
    return ScoreResult(
        score=definition.score,
        version=definition.version,
        components=chosen,
        points=points,
        total=total,
        complete=not missing,
        missing=missing,
        band=band.key if band else None,
        band_label=band.label if band else None,
        action=band.action if band else None,
        warnings=definition.warnings + (definition.band_warnings if band else ()),
    )


def _band_for(definition: ScoreDefinition, total: int) -> Band:
    for band in definition.bands:
        if band.low <= total <= band.high:
            return band
    raise ValueError(f"{definition.version}: total {total} is outside every band")


# --------------------------------------------------------------------------- 1. SINS (Fisher 2010)

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
    return _score(
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


# --------------------------------------------------------------------------- 2. Revised Tokuhashi (2005)

TOKUHASHI_VERTEBRAL_CONFLICT: Final = (
    "CONFLICT: vertebral body metastases are scored 3 or more = 0, 2 = 1, 1 = 2; some published tables "
    "give 1–2 / 0 instead. A clinician has not yet checked this against Tokuhashi 2005 (Spine 30:2186)."
)
TOKUHASHI_TREATMENT_PARTIAL: Final = (
    "PARTIAL: the suggested treatment is consistent across secondary sources, but the 2005 paper was not seen."
)

TOKUHASHI_LT_6_MONTHS_TREATMENT: Final = "Conservative treatment; palliative surgery only in selected cases"
TOKUHASHI_GE_6_MONTHS_TREATMENT: Final = (
    "Palliative surgery. Excisional surgery is possible if there is a single lesion and no major-organ metastases"
)

TOKUHASHI_REVISED: Final = ScoreDefinition(
    score="tokuhashi_revised",
    version="tokuhashi_revised_2005",
    components={
        "general_condition": {
            "poor": (0, "Karnofsky 10–40%"),
            "moderate": (1, "Karnofsky 50–70%"),
            "good": (2, "Karnofsky 80–100%"),
        },
        "extraspinal_bone_mets": {
            "ge3": (0, "3 or more extraspinal bone foci"),
            "one_or_two": (1, "1–2 foci"),
            "zero": (2, "None"),
        },
        "vertebral_body_mets": {
            "ge3": (0, "3 or more vertebral metastases"),
            "two": (1, "2"),
            "one": (2, "1"),
        },
        "major_organ_mets": {
            "unremovable": (0, "Metastases to major internal organs that cannot be removed"),
            "removable": (1, "Removable"),
            "none": (2, "No metastases"),
        },
        "primary_site": {
            "p0": (0, "Lung, osteosarcoma, stomach, bladder, oesophagus, pancreas"),
            "p1": (1, "Liver, gallbladder, unidentified primary"),
            "p2": (2, "Others"),
            "p3": (3, "Kidney, uterus"),
            "p4": (4, "Rectum"),
            "p5": (5, "Thyroid, breast, prostate, carcinoid tumour"),
        },
        "palsy": {
            "complete": (0, "Frankel A or B"),
            "incomplete": (1, "Frankel C or D"),
            "none": (2, "Frankel E"),
        },
    },
    component_labels={
        "general_condition": "General condition (Karnofsky)",
        "extraspinal_bone_mets": "Extraspinal bone metastases",
        "vertebral_body_mets": "Vertebral body metastases",
        "major_organ_mets": "Metastases to major internal organs",
        "primary_site": "Primary site of the cancer",
        "palsy": "Palsy (Frankel grade)",
    },
    bands=(
        Band(0, 8, "lt_6_months", "Less than 6 months", TOKUHASHI_LT_6_MONTHS_TREATMENT),
        Band(9, 11, "ge_6_months", "6 months or more", TOKUHASHI_GE_6_MONTHS_TREATMENT),
        Band(12, 15, "ge_12_months", "1 year or more", "Excisional surgery"),
    ),
    warnings=(TOKUHASHI_VERTEBRAL_CONFLICT,),
    band_warnings=(TOKUHASHI_TREATMENT_PARTIAL,),
)


def tokuhashi_revised(
    *,
    general_condition: str | None,
    extraspinal_bone_mets: str | None,
    vertebral_body_mets: str | None,
    major_organ_mets: str | None,
    primary_site: str | None,
    palsy: str | None,
) -> ScoreResult:
    """Revised Tokuhashi (0-15); a higher score means a better prognosis."""
    return _score(
        TOKUHASHI_REVISED,
        {
            "general_condition": general_condition,
            "extraspinal_bone_mets": extraspinal_bone_mets,
            "vertebral_body_mets": vertebral_body_mets,
            "major_organ_mets": major_organ_mets,
            "primary_site": primary_site,
            "palsy": palsy,
        },
    )


# --------------------------------------------------------------------------- 3. Tomita (2001)

TOMITA_BANDS_PARTIAL: Final = (
    "PARTIAL: Tomita strategy bands come from one secondary source; the 2001 paper was not seen."
)

TOMITA: Final = ScoreDefinition(
    score="tomita",
    version="tomita_2001",
    components={
        "primary_growth": {
            "slow": (1, "Slow growth, e.g. breast, thyroid, prostate"),
            "moderate": (2, "Moderate growth, e.g. kidney, uterus"),
            # One review gives 3; the published 2-10 range only works with 4.
            "rapid": (4, "Rapid growth, e.g. lung, stomach; also unknown primary"),
        },
        "visceral_mets": {
            "none": (0, "No visceral metastases"),
            "treatable": (2, "Treatable visceral metastases"),
            "untreatable": (4, "Untreatable visceral metastases"),
        },
        "bone_mets": {
            "solitary": (1, "Solitary or isolated"),
            "multiple": (2, "Multiple"),
        },
    },
    component_labels={
        "primary_growth": "Growth of the primary tumour",
        "visceral_mets": "Visceral metastases",
        "bone_mets": "Bone metastases",
    },
    bands=(
        Band(2, 3, "long_term_local_control", "Long-term local control", "Wide or marginal excision"),
        Band(4, 5, "middle_term_local_control", "Middle-term local control", "Marginal or intralesional excision"),
        Band(6, 7, "short_term_palliation", "Short-term palliation", "Palliative surgery"),
        Band(8, 10, "terminal_care", "Terminal care", "Non-operative supportive care"),
    ),
    band_warnings=(TOMITA_BANDS_PARTIAL,),
)


def tomita(*, primary_growth: str | None, visceral_mets: str | None, bone_mets: str | None) -> ScoreResult:
    """Tomita (2-10); a higher score means a worse prognosis."""
    return _score(TOMITA, {"primary_growth": primary_growth, "visceral_mets": visceral_mets, "bone_mets": bone_mets})


SCORES: Final[Mapping[str, ScoreDefinition]] = {
    definition.version: definition for definition in (SINS, TOKUHASHI_REVISED, TOMITA)
}


def calculate(version: str, components: Mapping[str, str | None]) -> ScoreResult:
    """Score stored components by version key (e.g. "sins_2010"); absent components are missing."""
    definition = SCORES.get(version)
    if definition is None:
        raise ValueError(f"{version!r} is not one of {', '.join(SCORES)}")
    unknown = [key for key in components if key not in definition.components]
    if unknown:
        raise ValueError(f"{version}: unknown component(s) {', '.join(unknown)}")
    return _score(definition, components)


# --------------------------------------------------------------------------- defaults from the primary site

PRIMARY_SITES: Final[tuple[str, ...]] = (
    "lung_nsclc",
    "lung_sclc",
    "breast",
    "colon",
    "rectum",
    "prostate",
    "kidney",
    "thyroid",
    "myeloma",
    "lymphoma",
    "melanoma",
    "unknown_primary",
    "other",
)


@dataclass(frozen=True)
class Suggestion[T]:
    """A suggested default for a clinician-chosen field; value None means the clinician must choose."""

    value: T | None
    warnings: tuple[str, ...] = ()


def _lookup(table: Mapping[str, Suggestion[str]], primary_site: str, what: str) -> Suggestion[str]:
    if primary_site in table:
        return table[primary_site]
    if primary_site in PRIMARY_SITES:
        return Suggestion(None, (f"The reference gives no {what} for {primary_site!r}: the clinician chooses.",))
    return Suggestion(None, (f"{primary_site!r} is not a known primary site: the clinician chooses the {what}.",))


_TOKUHASHI_PRIMARY: Final[Mapping[str, Suggestion[str]]] = {
    "lung_nsclc": Suggestion("p0"),
    "lung_sclc": Suggestion("p0"),
    "breast": Suggestion("p5"),
    "prostate": Suggestion("p5"),
    "thyroid": Suggestion("p5"),
    "kidney": Suggestion("p3"),
    "rectum": Suggestion("p4"),
    "colon": Suggestion(
        "p2", ("UNVERIFIED: colon is not named in the Tokuhashi table; p2 'others' is a default to override.",)
    ),
    "myeloma": Suggestion(
        "p2",
        (
            "UNVERIFIED: myeloma is not named in the Tokuhashi table, and haematological tumours may be "
            "outside the derivation cohort; p2 'others' is a default to override.",
        ),
    ),
    "unknown_primary": Suggestion("p1"),
}


def tokuhashi_primary_option(primary_site_key: str) -> Suggestion[str]:
    """Suggested Tokuhashi primary_site option (domain.md 2.3)."""
    return _lookup(_TOKUHASHI_PRIMARY, primary_site_key, "Tokuhashi primary-site option")


_TOMITA_GROWTH: Final[Mapping[str, Suggestion[str]]] = {
    "breast": Suggestion("slow"),
    "thyroid": Suggestion("slow"),
    "prostate": Suggestion("slow"),
    "kidney": Suggestion("moderate"),
    "lung_nsclc": Suggestion("rapid"),
    "lung_sclc": Suggestion("rapid"),
    "unknown_primary": Suggestion("rapid"),
}


def tomita_growth_default(primary_site_key: str) -> Suggestion[str]:
    """Suggested Tomita primary_growth (domain.md 3.2); the growth rate stays a clinician's choice."""
    return _lookup(_TOMITA_GROWTH, primary_site_key, "Tomita growth rate")


RADIOSENSITIVE: Final = "radiosensitive"
RADIORESISTANT: Final = "radioresistant"
RADIOSENSITIVITY_LABELS: Final[Mapping[str, str]] = {
    RADIOSENSITIVE: "Radiosensitive to cEBRT",
    RADIORESISTANT: "Radioresistant to cEBRT",
}

_PARTIAL_HISTOLOGY: Final = "PARTIAL: this histology's class was checked against one source only."
_RADIOSENSITIVITY: Final[Mapping[str, Suggestion[str]]] = {
    "lymphoma": Suggestion(RADIOSENSITIVE),
    "myeloma": Suggestion(RADIOSENSITIVE),
    "breast": Suggestion(RADIOSENSITIVE, (_PARTIAL_HISTOLOGY,)),
    "prostate": Suggestion(RADIOSENSITIVE, (_PARTIAL_HISTOLOGY,)),
    "lung_sclc": Suggestion(
        RADIOSENSITIVE, ("UNVERIFIED: small-cell lung cancer is not in the radiosensitivity lists.",)
    ),
    "kidney": Suggestion(RADIORESISTANT),
    "melanoma": Suggestion(RADIORESISTANT),
    "thyroid": Suggestion(RADIORESISTANT),
    "colon": Suggestion(RADIORESISTANT),
    "rectum": Suggestion(RADIORESISTANT),
    "lung_nsclc": Suggestion(RADIORESISTANT, (_PARTIAL_HISTOLOGY,)),
}


def radiosensitivity_default(primary_site_key: str) -> Suggestion[str]:
    """Suggested NOMS oncologic class (domain.md 5.2); None (other, unknown primary) means ask the clinician."""
    return _lookup(_RADIOSENSITIVITY, primary_site_key, "radiosensitivity")


# --------------------------------------------------------------------------- 4. ESCC / Bilsky grade


@dataclass(frozen=True)
class EsccGrade:
    key: str
    order: int
    definition: str
    group: str
    note: str | None = None


ESCC_1C_DISPUTED: Final = "ESCC 1c is a grey zone: grouped as low grade here, but its management is disputed."
ESCC_HIGH_GRADE_MIN_ORDER: Final = 4  # grade 2

ESCC_GRADES: Final[Mapping[str, EsccGrade]] = {
    grade.key: grade
    for grade in (
        EsccGrade("0", 0, "Disease confined to bone", "low"),
        EsccGrade("1a", 1, "Epidural tumour without deformation of the thecal sac", "low"),
        EsccGrade("1b", 2, "Thecal sac deformed, spinal cord not touched", "low"),
        EsccGrade(
            "1c",
            3,
            "Thecal sac deformed and tumour touching (abutting) the cord, but the cord is not compressed",
            "low",
            ESCC_1C_DISPUTED,
        ),
        EsccGrade("2", 4, "Cord compressed, CSF still visible around the cord", "high"),
        EsccGrade("3", 5, "Cord compressed, no CSF visible around the cord", "high"),
    )
}


def _escc(key: str) -> EsccGrade:
    grade = ESCC_GRADES.get(key.strip().lower())
    if grade is None:
        raise ValueError(f"ESCC grade {key!r} is not one of {', '.join(ESCC_GRADES)}")
    return grade


def escc_is_high_grade(key: str) -> bool:
    """Grades 2 and 3 are high grade; 1c is low grade with a disputed management."""
    return _escc(key).order >= ESCC_HIGH_GRADE_MIN_ORDER


def escc_order(key: str) -> int:
    """The stored order (0-5) of an ESCC grade key, so grades compare ("worse since the last MRI")."""
    return _escc(key).order


# --------------------------------------------------------------------------- 6. neurology and performance status

FRANKEL_GRADES: Final[Mapping[str, str]] = {
    "A": "Complete: no motor or sensory function below the lesion",
    "B": "Sensory only: some sensation preserved, no motor function",
    "C": "Motor useless: some motor function, but of no practical use",
    "D": "Motor useful: useful motor function (may walk, with or without aids)",
    "E": "Normal motor and sensory function (abnormal reflexes may still be present)",
}

ASIA_GRADES: Final[Mapping[str, str]] = {
    "A": "Complete: no sensory or motor function preserved in sacral segments S4–S5",
    "B": (
        "Sensory incomplete: sensation preserved below the neurological level, including S4–S5, but no motor "
        "function, and no motor function more than 3 levels below the motor level on either side"
    ),
    "C": (
        "Motor incomplete: motor function preserved below the neurological level, and more than half of key "
        "muscles below that level grade less than 3"
    ),
    "D": (
        "Motor incomplete: motor function preserved below the neurological level, and at least half of key "
        "muscles grade 3 or more"
    ),
    "E": (
        "Normal sensory and motor function in a person who previously had deficits. Someone who never had a "
        "spinal cord injury is not given an AIS grade"
    ),
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


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_ecog(value: object) -> int:
    """Return value if it is an ECOG grade 0-5 (COSD's 9, not recorded, is stored as None instead)."""
    if _is_int(value) and value in ECOG_GRADES:
        return value
    raise ValueError(f"ECOG must be a whole number from 0 to 5, not {value!r}")


@dataclass(frozen=True)
class KarnofskyLevel:
    kps: int
    definition: str
    tokuhashi_general_condition: str | None
    ecog_equivalent: int


KPS_ECOG_CONVENTION: Final = (
    "The KPS to ECOG mapping is a convention, not an exact equivalence; published mappings differ slightly."
)

KARNOFSKY_LEVELS: Final[Mapping[int, KarnofskyLevel]] = {
    level.kps: level
    for level in (
        KarnofskyLevel(100, "Normal, no complaints, no evidence of disease", "good", 0),
        KarnofskyLevel(90, "Able to carry on normal activity; minor signs or symptoms", "good", 0),
        KarnofskyLevel(80, "Normal activity with effort; some signs or symptoms", "good", 1),
        KarnofskyLevel(70, "Cares for self; unable to carry on normal activity or active work", "moderate", 1),
        KarnofskyLevel(60, "Needs occasional help, but cares for most personal needs", "moderate", 2),
        KarnofskyLevel(50, "Needs considerable help and frequent medical care", "moderate", 2),
        KarnofskyLevel(40, "Disabled; needs special care and help", "poor", 3),
        KarnofskyLevel(30, "Severely disabled; hospital admission indicated, death not imminent", "poor", 3),
        KarnofskyLevel(20, "Very sick; admission and active supportive treatment needed", "poor", 4),
        KarnofskyLevel(10, "Moribund; fatal processes progressing rapidly", "poor", 4),
        KarnofskyLevel(0, "Dead", None, 5),
    )
}


def validate_karnofsky(value: object) -> int:
    if _is_int(value) and value in KARNOFSKY_LEVELS:
        return value
    raise ValueError("Karnofsky must be a multiple of 10 from 0 to 100")


def tokuhashi_general_condition_from_kps(kps: int) -> str | None:
    """Tokuhashi general_condition for a KPS (80-100 good, 50-70 moderate, 10-40 poor); None for 0."""
    return KARNOFSKY_LEVELS[validate_karnofsky(kps)].tokuhashi_general_condition


def ecog_equivalent_for_kps(kps: int) -> Suggestion[int]:
    """The common ECOG equivalent of a KPS: derived data, flagged as a convention."""
    return Suggestion(KARNOFSKY_LEVELS[validate_karnofsky(kps)].ecog_equivalent, (KPS_ECOG_CONVENTION,))


# --------------------------------------------------------------------------- 5. NOMS suggestion

MDT_DECISION_KEYS: Final[Mapping[str, str]] = {
    # normalised key -> spelling in domain.md 8.2 `mdt_decision`
    "cebrt": "cEBRT",
    "sbrt_srs": "SBRT/SRS",
    "separation_surgery_plus_sbrt": "separation_surgery_plus_SBRT",
    "surgery_stabilisation": "surgery_stabilisation",
    "mis_percutaneous_fixation": "MIS_percutaneous_fixation",
    "vertebroplasty": "vertebroplasty",
    "kyphoplasty": "kyphoplasty",
    "best_supportive_care": "best_supportive_care",
}

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


@dataclass(frozen=True)
class _NomsRow:
    """One row of domain.md 5.3: pathway if fit for surgery, fallback if not, and why."""

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
) -> NomsSuggestion:
    """Default NOMS pathway to put before the MDT (domain.md 5.3 plus the M and S overlays).

    systemically_fit: whether the patient can tolerate surgery. Nothing is suggested until every input is known.
    """
    grade = None if not escc_grade else _escc(escc_grade)
    radiosensitivity = radiosensitivity or None
    _check_noms_inputs(radiosensitivity, sins_total, systemically_fit)
    warnings = (NOMS_PARTIAL,) + ((grade.note,) if grade and grade.note else ())
    group = grade.group if grade else None
    if grade is None or radiosensitivity is None or sins_total is None or systemically_fit is None:
        inputs = {
            "escc_grade": grade,
            "radiosensitivity": radiosensitivity,
            "sins_total": sins_total,
            "systemically_fit": systemically_fit,
        }
        missing = tuple(name for name, value in inputs.items() if value is None)
        waiting = tuple(f"No suggestion until {NOMS_INPUT_LABELS[name]} is recorded." for name in missing)
        return NomsSuggestion(False, missing, group, (), (), waiting, warnings)

    row = _NOMS_TABLE[(grade.group, radiosensitivity)]
    reasons = [row.reason]
    if not systemically_fit:
        reasons.append("Not systemically fit for surgery: falls back to radiation alone or best supportive care.")
    stabilisation: tuple[str, ...] = ()
    if sins_total >= SINS_SURGICAL_OPINION_THRESHOLD and systemically_fit:
        stabilisation = STABILISATION_OPTIONS
        reasons.append(
            f"SINS {sins_total} (7 or more, potentially unstable or unstable): consider stabilisation or cement "
            "augmentation, whatever the ESCC grade or histology; seek the surgical opinion before radiotherapy."
        )
    elif sins_total >= SINS_SURGICAL_OPINION_THRESHOLD:
        reasons.append(
            f"SINS {sins_total} (7 or more): stabilisation would be considered, but the patient is recorded as "
            "not fit for surgery; the MDT decides."
        )
    pathways = row.if_fit if systemically_fit else row.if_not_fit
    return NomsSuggestion(True, (), group, pathways, stabilisation, tuple(reasons), warnings)


def _check_noms_inputs(radiosensitivity: str | None, sins_total: int | None, systemically_fit: bool | None) -> None:
    if radiosensitivity is not None and radiosensitivity not in RADIOSENSITIVITY_LABELS:
        raise ValueError(f"radiosensitivity: {radiosensitivity!r} is not one of {', '.join(RADIOSENSITIVITY_LABELS)}")
    if sins_total is not None and not (_is_int(sins_total) and SINS.min_total <= sins_total <= SINS.max_total):
        raise ValueError(f"sins_total must be a whole number from {SINS.min_total} to {SINS.max_total}")
    if systemically_fit is not None and not isinstance(systemically_fit, bool):
        raise ValueError("systemically_fit must be True, False or None")
