"""Sections other apps add to the case page, keeping `cases` free of imports from them.

An app registers a function from (request, case) to (template name, context) in its
AppConfig.ready(); the case page renders each in order below its own sections.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from cases.models import Case

Panel = Callable[[HttpRequest, Case], tuple[str, dict[str, Any]]]
_PANELS: list[Panel] = []


def register_panel(panel: Panel) -> None:
    if panel not in _PANELS:
        _PANELS.append(panel)


def render_panels(request: HttpRequest, case: Case) -> list[SafeString]:
    rendered = []
    for panel in _PANELS:
        template, context = panel(request, case)
        rendered.append(SafeString(render_to_string(template, {"case": case, **context}, request=request)))
    return rendered
