"""Sections other apps add to a page, keeping the page's app free of imports from them (cases.panels for
the case page, referrals.panels for a referral's page).

An app registers a function from (request, *the page's objects) to (template name, context) in its
AppConfig.ready(); the page renders each in the order registered, with its own objects in the context.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

Panel = Callable[..., tuple[str, dict[str, Any]]]


class Panels:
    def __init__(self) -> None:
        self._panels: list[Panel] = []

    def register(self, panel: Panel) -> None:
        if panel not in self._panels:
            self._panels.append(panel)

    def render(self, request: HttpRequest, page: dict[str, Any], *arguments: Any) -> list[SafeString]:
        """Each panel called with the request and `arguments`, its template rendered with `page` (the
        page's own objects by name) and the panel's context."""
        rendered = []
        for panel in self._panels:
            template, context = panel(request, *arguments)
            rendered.append(SafeString(render_to_string(template, {**page, **context}, request=request)))
        return rendered
