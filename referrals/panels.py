"""Sections other apps add to a referral's page (the service's, not the referrer's), keeping
`referrals` free of imports from them: the patient's letter after advice (letters) registers here.

An app registers a function from (request, referral, current advice or None) to (template name,
context) in its AppConfig.ready(); the referral's page renders each below the advice (core.panels).
"""

from django.http import HttpRequest
from django.utils.safestring import SafeString

from core.panels import Panel, Panels
from referrals.models import Advice, Referral

PANELS = Panels()


def register_panel(panel: Panel) -> None:
    PANELS.register(panel)


def render_panels(request: HttpRequest, referral: Referral, advice: Advice | None) -> list[SafeString]:
    return PANELS.render(request, {"referral": referral, "advice": advice}, referral, advice)
