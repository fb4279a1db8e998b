"""`{% follow_up_actions follow_up back_to prefix %}`: complete (with what happened) or cancel (with why) one
follow-up, from whichever page lists it (the follow-up list, the case page, a reminder); the forms are
mdt.forms.follow_ups.action_forms, rendered by templates/mdt/_follow_up_actions.html.

A page lists up to 50: the partial is rendered once per page and each row filled in (core.widgets.PartStencil),
as the rows differ only in the follow-up's id, kind and MRN."""

from typing import Any

from django import template
from django.template.loader import get_template
from django.urls import reverse
from django.utils.safestring import SafeString

from core.widgets import PartStencil
from mdt.forms.follow_ups import action_forms
from mdt.models import FollowUp

register = template.Library()

ROW = ("key", "kind", "mrn", "complete_url", "cancel_url")


def row(follow_up: FollowUp, prefix: str) -> dict[str, str]:
    """What differs from one follow-up's forms to the next (its case and patient loaded)."""
    return {
        "key": f"{prefix}-{follow_up.pk}",
        "kind": follow_up.kind_in_sentence(),
        "mrn": follow_up.case.patient.mrn,
        "complete_url": reverse("follow-up-complete", args=[follow_up.pk]),
        "cancel_url": reverse("follow-up-cancel", args=[follow_up.pk]),
    }


def render_actions(csrf_token: Any, back_to: str, values: dict[str, str]) -> str:
    """The partial for one row's values (or the stencil's stand-ins)."""
    complete, cancel = action_forms(values["key"], values["kind"], values["mrn"], back_to)
    context = {"csrf_token": csrf_token, "complete": complete, "cancel": cancel, **values}
    return get_template("mdt/_follow_up_actions.html").render(context)


@register.simple_tag(takes_context=True)
def follow_up_actions(context: Any, follow_up: FollowUp, back_to: str, prefix: str = "fu") -> SafeString:
    key = (__name__, back_to, prefix)
    stencil = context.render_context.get(key)
    if stencil is None:
        csrf_token = context.get("csrf_token")
        stencil = context.render_context[key] = PartStencil(
            lambda stand_ins: render_actions(csrf_token, back_to, dict(stand_ins)), ROW
        )
    return stencil.render(row(follow_up, prefix))
