"""Sections other apps add to the case page, keeping `cases` free of imports from them.

An app registers a function from (request, case) to (template name, context) in its
AppConfig.ready(); the case page renders each in order below its own sections (core.panels).
"""

from django.http import HttpRequest
from django.utils.safestring import SafeString

from cases.models import Case
from core.panels import Panel, Panels

PANELS = Panels()


def register_panel(panel: Panel) -> None:
    PANELS.register(panel)


def render_panels(request: HttpRequest, case: Case) -> list[SafeString]:
    return PANELS.render(request, {"case": case}, case)
