"""Tomita score (Tomita 2001): docs/clinical-reference.md §3. A higher score means a worse prognosis."""

from typing import Final

from cases.scoring.machinery import Band, ScoreDefinition, ScoreResult, score

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
    return score(TOMITA, {"primary_growth": primary_growth, "visceral_mets": visceral_mets, "bone_mets": bone_mets})
