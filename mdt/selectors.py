from dataclasses import dataclass

from cases.models import Scan
from cases.selectors import scans_pending_review

WORKLIST_SIZE = 25


@dataclass(frozen=True)
class Worklist:
    rows: list[Scan]
    more: bool  # more rows exist than are shown


def pending_review_worklist(limit: int = WORKLIST_SIZE) -> Worklist:
    rows = list(scans_pending_review()[: limit + 1])
    return Worklist(rows=rows[:limit], more=len(rows) > limit)
