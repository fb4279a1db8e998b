"""Questions other apps add to the outcome page's decision form, keeping `mdt` free of imports from them.

An app registers a `DecisionPart` in its AppConfig.ready(). `context(case, summary, posted, current)`
gives the part's template what it shows: what was posted (shown again after a refusal), or the current
decision's answer. `save(decision, user, posted)` records the answer through the app's own service with
the decision, in the same transaction: a refusal (ValidationError keyed by field) saves neither.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, QueryDict
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from cases.models import Case
from cases.summary import CaseSummary
from mdt.models import Decision


@dataclass(frozen=True)
class DecisionPart:
    template: str
    context: Callable[[Case, CaseSummary, QueryDict | None, Decision | None], dict[str, Any]]
    save: Callable[[Decision, Any, QueryDict], object]  # what it returns is not used


_PARTS: list[DecisionPart] = []


def register_part(part: DecisionPart) -> None:
    if part not in _PARTS:
        _PARTS.append(part)


def render_parts(
    request: HttpRequest, case: Case, summary: CaseSummary, posted: QueryDict | None, current: Decision | None
) -> list[SafeString]:
    return [
        SafeString(render_to_string(part.template, part.context(case, summary, posted, current), request=request))
        for part in _PARTS
    ]


def save_parts(decision: Decision, user: Any, posted: QueryDict) -> None:
    """Call inside the decision's transaction."""
    for part in _PARTS:
        part.save(decision, user, posted)
