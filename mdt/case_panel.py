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
    open_follow_ups = list(FollowUp.objects.open().filter(case=case).select_related("owner__user", "case__patient"))
    return (
        "mdt/_case_decisions.html",
        {
            "decisions": list(decisions),
            "open_follow_ups": open_follow_ups,
            "actionable": {f.pk for f in open_follow_ups if policy.can_complete_follow_up(request.user, f.owner_id)},
            "can_urgent": policy.can_record_urgent_decision(request.user),
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
