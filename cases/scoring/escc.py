"""ESCC (Bilsky) grade of epidural spinal cord compression: docs/clinical-reference.md §4."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class EsccGrade:
    key: str
    order: int
    definition: str
    group: str
    note: str | None = None


ESCC_1C_DISPUTED: Final = "ESCC 1c is a grey zone: grouped as low grade here, but its management is disputed."
ESCC_HIGH_GRADE_MIN_ORDER: Final = 4  # grade 2
# The management of high-grade disease as the reference summarises it (docs/clinical-reference.md §4, [S12]).
ESCC_HIGH_GRADE_MANAGEMENT: Final = (
    "When the spine is mechanically stable, high-grade disease usually needs surgical decompression before "
    "radiation unless the tumour is highly radiosensitive."
)

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


def escc_grade(key: str) -> EsccGrade:
    grade = ESCC_GRADES.get(key.strip().lower())
    if grade is None:
        raise ValueError(f"ESCC grade {key!r} is not one of {', '.join(ESCC_GRADES)}")
    return grade


def escc_is_high_grade(key: str) -> bool:
    """Grades 2 and 3 are high grade; 1c is low grade with a disputed management."""
    return escc_grade(key).order >= ESCC_HIGH_GRADE_MIN_ORDER
