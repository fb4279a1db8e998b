"""Revised Tokuhashi score (Tokuhashi 2005): docs/clinical-reference.md §2.1-§2.2.

A higher score means a better prognosis. The vertebral-metastases row carries the reference's CONFLICT
notice on every result, and the suggested treatment its PARTIAL notice.
"""

# The en dashes in labels are copied from the clinical reference.
# ruff: noqa: RUF001

from typing import Final

from cases.scoring.machinery import Band, ScoreDefinition, ScoreResult, score

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
    return score(
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
