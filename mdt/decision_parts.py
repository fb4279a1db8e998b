"""Questions other apps add to the outcome page's decision form, keeping `mdt` free of imports from them.

An app registers a `DecisionPart` in its AppConfig.ready(). `context(case, summary, posted, current)`
gives the part's template what it shows: what was posted (shown again after a refusal), or the current
decision's answer. `save(decision, user, posted)` records the answer through the app's own service with
the decision, in the same transaction: a refusal (ValidationError keyed by the part's form's field names)
saves neither, and `render_parts` shows each message beside its field.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, QueryDict
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from cases.models import Case
from cases.summary import CaseSummary
from core.forms import add_service_errors
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
    request: HttpRequest,
    case: Case,
    summary: CaseSummary,
    posted: QueryDict | None,
    current: Decision | None,
    *,
    refused: ValidationError | None = None,
    shown: Sequence[forms.BaseForm] = (),
) -> list[SafeString]:
    """The parts as the page shows them. `refused`: the refusal of a save (the decision's service or a
    part's), each message put beside its field: on the page's own forms (`shown`, the decision form first),
    else on a part's form; a message no form has a field for goes at the top of the decision form."""
    contexts = [part.context(case, summary, posted, current) for part in _PARTS]
    if refused is not None and shown:
        part_forms = [value for context in contexts for value in context.values() if isinstance(value, forms.BaseForm)]
        add_service_errors(shown[0], refused, *shown[1:], *part_forms)
    return [
        SafeString(render_to_string(part.template, context, request=request))
        for part, context in zip(_PARTS, contexts, strict=True)
    ]


def save_parts(decision: Decision, user: Any, posted: QueryDict) -> None:
    """Call inside the decision's transaction."""
    for part in _PARTS:
        part.save(decision, user, posted)
