"""The follow-up list: mine or the team's, overdue, due or done, in one query a page."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from accounts import policy
from mdt.models import FollowUp

SCOPES = {"mine": "Mine", "team": "The team's"}
STATES = {"open": "Overdue and due", "overdue": "Overdue", "due": "Due", "done": "Done or cancelled"}


@dataclass(frozen=True)
class FollowUpFilter:
    scope: str
    state: str

    @classmethod
    def from_query(cls, user: Any, query: Any) -> "FollowUpFilter":
        """Anything odd in the address falls back to the default: a clinician's own open follow-ups
        (a coordinator, or anyone who owns none, sees the team's)."""
        member = policy.member_of(user)
        default_scope = "mine" if member and not policy.role_is_coordinator(member.role) else "team"
        scope = query.get("scope") if query.get("scope") in SCOPES else default_scope
        state = query.get("state") if query.get("state") in STATES else "open"
        return cls(scope=scope, state=state)


def follow_ups_for(user: Any, chosen: FollowUpFilter, *, today: dt.date | None = None) -> QuerySet[FollowUp]:
    """Open ones by due date (the most overdue first); done ones latest first."""
    today = today or timezone.localdate()
    rows = FollowUp.objects.select_related("case__patient", "owner__user", "decision", "completed_by", "cancelled_by")
    if chosen.scope == "mine":
        member = policy.member_of(user)
        rows = rows.filter(owner_id=member.pk if member else None)
    if chosen.state == "done":
        return rows.closed().order_by("-due_on", "-id")
    rows = rows.open()
    if chosen.state == "overdue":
        rows = rows.filter(due_on__lt=today)
    elif chosen.state == "due":
        rows = rows.filter(due_on__gte=today)
    return rows.order_by("due_on", "id")
