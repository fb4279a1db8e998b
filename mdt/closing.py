"""The MDT's open work on a case, listed before the case is closed (cases.closing; HAZ-029)."""

from django.utils import timezone

from cases.models import Case
from mdt.models import AgendaItem, Decision, FollowUp, Meeting


def open_mdt_work(case: Case) -> list[str]:
    lines = [
        f"Follow-up: {follow_up.get_kind_display()} due {follow_up.due_on:%-d %b %Y} "
        f"(owner {follow_up.owner.user.get_full_name()})."
        for follow_up in FollowUp.objects.open().filter(case=case).select_related("owner__user")
    ]
    listed = AgendaItem.objects.filter(
        case=case,
        status=AgendaItem.Status.LISTED,
        meeting__status__in=[Meeting.Status.SCHEDULED, Meeting.Status.IN_PROGRESS],
    ).select_related("meeting")
    lines += [
        f"Listed for the MDT meeting of {timezone.localtime(item.meeting.starts_at):%-d %b %Y}, not yet discussed."
        for item in listed
    ]
    decisions = Decision.objects.current().filter(case=case)
    if decisions.filter(status=Decision.Status.AWAITING_SIGNOFF).exists():
        lines.append("A decision is still awaiting its sign-offs.")
    if decisions.urgent_unratified().exists():
        lines.append("An urgent decision is still to be ratified by the MDT.")
    return lines
