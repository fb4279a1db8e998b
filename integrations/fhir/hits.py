"""What a search or a read finds: each resource with the patient and case ids its access record needs,
and a page of them with the cursor of the next page."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Hit:
    resource: dict[str, Any]
    patient_id: int
    case_id: int | None = None


@dataclass(frozen=True)
class Page:
    hits: list[Hit]
    next_after: int | None = None
