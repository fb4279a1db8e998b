"""`{% follow_up_actions follow_up back_to prefix %}`: complete (with what happened) or cancel (with why) one
follow-up, from whichever page lists it; the forms are mdt.forms.follow_ups.action_forms."""

from typing import Any

from django import template

from mdt.forms.follow_ups import action_forms
from mdt.models import FollowUp

register = template.Library()


@register.inclusion_tag("mdt/_follow_up_actions.html", takes_context=True)
def follow_up_actions(context: Any, follow_up: FollowUp, back_to: str, prefix: str = "fu") -> dict[str, Any]:
    complete, cancel = action_forms(follow_up, back_to, prefix)
    return {"csrf_token": context.get("csrf_token"), "f": follow_up, "complete": complete, "cancel": cancel}
