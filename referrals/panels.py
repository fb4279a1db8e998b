"""Sections other apps add to a referral's page (the service's, not the referrer's), keeping
`referrals` free of imports from them: the patient's letter after advice (letters) registers here.

An app registers a function from (request, referral, current advice or None) to (template name,
context) in its AppConfig.ready(); the referral's page renders each below the advice.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from referrals.models import Advice, Referral

Panel = Callable[[HttpRequest, Referral, Advice | None], tuple[str, dict[str, Any]]]
_PANELS: list[Panel] = []


def register_panel(panel: Panel) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)


def render_panels(request: HttpRequest, referral: Referral, advice: Advice | None) -> list[SafeString]:
    rendered = []
    for panel in _PANELS:
        template, context = panel(request, referral, advice)
        rendered.append(
            SafeString(render_to_string(template, {"referral": referral, "advice": advice, **context}, request=request))
        )
    return rendered
