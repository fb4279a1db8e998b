"""The version of a meeting's attendance as the meeting page's form shows it, and what changed since.

The form records everyone at once (ticked: present; unticked: absent), so a form opened before someone
else recorded attendance (on this page, in the workspace or by confirming a check-in on the live screen)
would set their rows back. Its version is the newest history row of the meeting's attendance rows (every
change to a row writes one; 0 when nothing is recorded), so a row added, changed or removed since moves it.
"""

from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from core.concurrency import edited_by
from mdt.models import Attendance

SHOWN = 20  # the most rows the message lists (the first recording writes one per member of the team)


def _newest_first(meeting: int | OuterRef) -> QuerySet[Any]:
    """The history rows of a meeting's attendance, newest first: the first one's id is the version."""
    return Attendance.history.filter(meeting_id=meeting).order_by("-history_id")


def version_subquery() -> Subquery:
    """The version as an annotation on meetings (None: nothing recorded)."""
    return Subquery(_newest_first(OuterRef("pk")).values("history_id")[:1])


def attendance_version(meeting_id: int) -> int:
    return int(_newest_first(meeting_id).values_list("history_id", flat=True).first() or 0)


def changes_since(meeting_id: int, loaded: int) -> list[str]:
    """Lines like "Carys Evans at 25 Nov 09:14 recorded Ada Okafor (Oncologist) present, Dai Jones (Radiologist)
    absent", one per person and minute, for the history rows after `loaded`."""
    rows = (
        Attendance.history.filter(meeting_id=meeting_id, history_id__gt=loaded)
        .select_related("history_user", "member__user")
        .order_by("history_id")[:SHOWN]
    )
    lines: list[tuple[str, list[str]]] = []
    for row in rows:
        who = edited_by([row.history_user], row.history_date)
        state = "removed" if row.history_type == "-" else "present" if row.present else "absent"
        if not lines or lines[-1][0] != who:
            lines.append((who, []))
        lines[-1][1].append(f"{row.member} {state}")
    return [f"{who} recorded {', '.join(done)}" for who, done in lines]
