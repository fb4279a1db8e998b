"""Spinal-metastasis scores, grading scales and NOMS suggestions, one module per score.

Every score and suggestion here supports the MDT's decision; none of them makes it. Keys, points,
bands, labels and thresholds come from docs/clinical-reference.md §1-§6; rows the reference marks
CONFLICT, PARTIAL or UNVERIFIED carry its warning in the result, so the UI can show it next to the number.

Pure standard library (no Django), so models, forms, templates and tests can all use it. The names
below are the public interface: `from cases import scoring; scoring.sins(...)`.
"""

from cases.scoring.catalogue import SCORES, calculate
from cases.scoring.escc import (
    ESCC_1C_DISPUTED,
    ESCC_GRADES,
    ESCC_HIGH_GRADE_MIN_ORDER,
    EsccGrade,
    escc_grade,
    escc_is_high_grade,
)
from cases.scoring.machinery import MDT_NOTICE, Band, Option, ScoreDefinition, ScoreResult, is_whole_number, score
from cases.scoring.neurology import (
    ECOG_GRADES,
    FRANKEL_GRADES,
    KARNOFSKY_LEVELS,
    TOKUHASHI_PALSY_BY_FRANKEL,
    KarnofskyLevel,
    tokuhashi_general_condition_from_kps,
    tokuhashi_palsy_from_frankel,
    validate_karnofsky,
)
from cases.scoring.noms import (
    NOMS_INPUT_LABELS,
    NOMS_PARTIAL,
    PATHWAY_LABELS,
    PERCUTANEOUS_OPTIONS,
    STABILISATION_OPTIONS,
    NomsSuggestion,
    noms_suggestion,
)
from cases.scoring.primary_defaults import (
    PRIMARY_SITES,
    RADIORESISTANT,
    RADIOSENSITIVE,
    RADIOSENSITIVITY_LABELS,
    Suggestion,
    radiosensitivity_default,
    tokuhashi_primary_option,
    tomita_growth_default,
)
from cases.scoring.sins_2010 import (
    SINS,
    SINS_LOCATION_BY_LEVEL,
    SINS_SURGICAL_OPINION,
    SINS_SURGICAL_OPINION_THRESHOLD,
    SPINAL_LEVELS,
    normalise_level,
    parse_levels,
    sins,
    sins_band_reached,
    sins_location_for_level,
)
from cases.scoring.tokuhashi_2005 import (
    TOKUHASHI_GE_6_MONTHS_TREATMENT,
    TOKUHASHI_LT_6_MONTHS_TREATMENT,
    TOKUHASHI_REVISED,
    TOKUHASHI_TREATMENT_PARTIAL,
    TOKUHASHI_VERTEBRAL_CONFLICT,
    tokuhashi_revised,
)
from cases.scoring.tomita_2001 import TOMITA, TOMITA_BANDS_PARTIAL, tomita

__all__ = [
    "ECOG_GRADES",
    "ESCC_1C_DISPUTED",
    "ESCC_GRADES",
    "ESCC_HIGH_GRADE_MIN_ORDER",
    "FRANKEL_GRADES",
    "KARNOFSKY_LEVELS",
    "MDT_NOTICE",
    "NOMS_INPUT_LABELS",
    "NOMS_PARTIAL",
    "PATHWAY_LABELS",
    "PERCUTANEOUS_OPTIONS",
    "PRIMARY_SITES",
    "RADIORESISTANT",
    "RADIOSENSITIVE",
    "RADIOSENSITIVITY_LABELS",
    "SCORES",
    "SINS",
    "SINS_LOCATION_BY_LEVEL",
    "SINS_SURGICAL_OPINION",
    "SINS_SURGICAL_OPINION_THRESHOLD",
    "SPINAL_LEVELS",
    "STABILISATION_OPTIONS",
    "TOKUHASHI_GE_6_MONTHS_TREATMENT",
    "TOKUHASHI_LT_6_MONTHS_TREATMENT",
    "TOKUHASHI_PALSY_BY_FRANKEL",
    "TOKUHASHI_REVISED",
    "TOKUHASHI_TREATMENT_PARTIAL",
    "TOKUHASHI_VERTEBRAL_CONFLICT",
    "TOMITA",
    "TOMITA_BANDS_PARTIAL",
    "Band",
    "EsccGrade",
    "KarnofskyLevel",
    "NomsSuggestion",
    "Option",
    "ScoreDefinition",
    "ScoreResult",
    "Suggestion",
    "calculate",
    "escc_grade",
    "escc_is_high_grade",
    "is_whole_number",
    "noms_suggestion",
    "normalise_level",
    "parse_levels",
    "radiosensitivity_default",
    "score",
    "sins",
    "sins_band_reached",
    "sins_location_for_level",
    "tokuhashi_general_condition_from_kps",
    "tokuhashi_palsy_from_frankel",
    "tokuhashi_primary_option",
    "tokuhashi_revised",
    "tomita",
    "tomita_growth_default",
    "validate_karnofsky",
]
