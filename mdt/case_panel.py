"""The MDT's part of the case page: decision history (oldest first), follow-ups, urgent decisions."""

from typing import Any

from django.http import HttpRequest

from accounts import policy
from cases.models import Case
from cases.timeline import register_source
from mdt.models import AgendaItem, Decision, FollowUp, SignOff
from mdt.selectors import decisions_for_display


def decisions_panel(request: HttpRequest, case: Case) -> tuple[str, dict[str, Any]]:
    """Two queries (decisions with their sign-offs and follow-ups) plus the open follow-ups of the case."""
    decisions = decisions_for_display().filter(case=case).order_by("decided_at", "id")
    open_follow_ups = FollowUp.objects.filter(case=case, completed_at__isnull=True).select_related("owner__user")
    member = policy.member_of(request.user)
    return (
        "mdt/_case_decisions.html",
        {
            "decisions": list(decisions),
            "open_follow_ups": list(open_follow_ups),
            "can_urgent": policy.can_record_urgent_decision(request.user),
            "can_complete": policy.can_complete_any_follow_up(request.user),
            "my_member_id": member.pk if member else None,
        },
    )


def register() -> None:
    from cases.panels import register_panel

    register_panel(decisions_panel)
    register_source(
        lambda r: f"Agenda item (MDT {r.meeting.starts_at:%d %b %Y})" if r.meeting_id else "Agenda item",
        lambda case: AgendaItem.history.filter(case_id=case.pk).select_related("meeting"),
    )
    register_source(lambda r: "Decision", lambda case: Decision.history.filter(case_id=case.pk))
    register_source(lambda r: "Sign-off", lambda case: SignOff.history.filter(decision__case_id=case.pk))
    register_source(
        lambda r: f"Follow-up ({r.get_kind_display()})", lambda case: FollowUp.history.filter(case_id=case.pk)
    )
