"""Workspace actions act only on what the person saw (core.concurrency's rule, for the change lists' actions).

A coordinator ticks rows of a change list and runs an action (mark reviewed, approve, resend, delete...);
meanwhile someone else changed one of those rows. Without a version the action would run on a record the
coordinator never saw in its new state. So:

- Each row shown carries the version it was shown at (`shown_version`): a Versioned record's `version`; a
  record with history but no version column (Django's user and group, the scores) its newest history row, a
  save that changed nothing the history keeps being no change, as on its form; any other record (the reminder
  outbox, the PAS feed's messages and conflicts, written by the sweep and the feed without history) a keyed
  digest of every column of its row.
- The change list writes it as a hidden input beside the row's tick (`_seen_version-<pk>`): no new column,
  nothing visible.
- An action's post is checked before the action runs, in one transaction with the ticked rows locked
  (select_for_update; on SQLite the IMMEDIATE transaction serialises writers): a row whose version differs is
  left out and named, with who changed what where the record says; the other rows go ahead. A post missing a
  version for any ticked row (an old tab, a script) does nothing at all. "Select all N" across pages is
  refused (rows never shown carry no version), and the change list does not offer it
  (templates/admin/actions.html).
- An action that asks something on a page of its own first (delete's confirmation, the feed review's note)
  has the checked versions in that page's context (`seen_versions`); its template sends them back
  (`admin/seen_versions.html`) and the second post is checked again.

Every ModelAdmin with actions has `SeenVersionsMixin` (`core.admin.SafeHistoryAdmin` includes it);
tests/core/test_seen_versions.py fails on one without it.
"""

import enum
import logging
import re
from collections.abc import Iterable
from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import model_format_dict
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.crypto import salted_hmac
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import capfirst

from core.concurrency import MAX_VERSION, Versioned, changes_since, history_changes_since, newest_history_id
from core.numbers import whole_number

log = logging.getLogger(__name__)

SEEN_PREFIX = "_seen_version-"
_STAMP = "_shown_version"  # a change list's rows with history: their versions, read for the page in one query
_DIGEST = re.compile(r"[0-9a-f]{20}")


class Kind(enum.Enum):
    VERSION = "version column"
    HISTORY = "newest history row"
    DIGEST = "digest of the row"


def version_kind(model: type[models.Model]) -> Kind:
    if issubclass(model, Versioned):
        return Kind.VERSION
    if getattr(model._meta, "simple_history_manager_attribute", None):
        return Kind.HISTORY
    return Kind.DIGEST


def seen_name(pk: Any) -> str:
    """The hidden input beside a row's tick: `_seen_version-12`."""
    return f"{SEEN_PREFIX}{pk}"


def row_digest(obj: models.Model) -> str:
    """Every column of the row, keyed with the site's secret (the page shows nothing it could be read back from)."""
    values = [(field.attname, repr(field.value_from_object(obj))) for field in obj._meta.concrete_fields]
    return salted_hmac("core.admin_actions.row", repr(values), algorithm="sha256").hexdigest()[:20]


def shown_version(obj: models.Model) -> str:
    """The version a change list shows `obj` at, as its hidden input's value."""
    stamped = getattr(obj, _STAMP, None)
    if stamped is not None:
        return str(stamped)
    kind = version_kind(type(obj))
    if kind is Kind.VERSION:
        return str(obj.version)  # type: ignore[attr-defined]
    if kind is Kind.HISTORY:
        return str(newest_history_id(obj))
    return row_digest(obj)


def stamp_history_versions(rows: Iterable[models.Model]) -> list[models.Model]:
    """A page of rows with history but no version column, each with its newest history row: one query."""
    rows = list(rows)
    if not rows:
        return rows
    model = type(rows[0])
    pk = model._meta.pk.attname
    history = getattr(model, model._meta.simple_history_manager_attribute).model  # type: ignore[attr-defined]
    newest = dict(
        history.objects.filter(**{f"{pk}__in": [row.pk for row in rows]})
        .values_list(pk)
        .annotate(newest=Max("history_id"))
        .order_by()
    )
    for row in rows:
        setattr(row, _STAMP, newest.get(row.pk, 0))
    return rows


def posted_version(model: type[models.Model], raw: str | None) -> str | None:
    """The version a post says it saw, as `shown_version` writes it; None when missing or not one."""
    if raw is None:
        return None
    if version_kind(model) is Kind.DIGEST:
        return raw if _DIGEST.fullmatch(raw) else None
    number = whole_number(raw, low=0, high=MAX_VERSION)
    return None if number is None else str(number)


def changed_since(obj: models.Model, seen: str) -> list[str] | None:
    """None when the locked row is still as shown at `seen`; else the lines saying who changed what (possibly
    none: a row with no history says nothing more than that it changed)."""
    kind = version_kind(type(obj))
    if kind is Kind.VERSION:
        return None if int(seen) == obj.version else changes_since(obj, int(seen))  # type: ignore[attr-defined]
    if kind is Kind.HISTORY:
        return history_changes_since(obj, int(seen))
    return None if seen == row_digest(obj) else []


def _posted_pk(model: type[models.Model], raw: str) -> Any:
    field = model._meta.pk
    if isinstance(field, models.IntegerField | models.AutoField):
        return whole_number(raw)
    try:
        return field.to_python(raw)
    except ValidationError:
        return None


def posted_versions(model: type[models.Model], request: HttpRequest, selected: list[str]) -> dict[Any, str] | None:
    """{pk: version seen} for every ticked row; None if any ticked row came without a version (or a bad id)."""
    seen = {}
    for raw in selected:
        pk, version = _posted_pk(model, raw), posted_version(model, request.POST.get(seen_name(raw)))
        if pk is None or version is None:
            return None
        seen[pk] = version
    return seen


MISSING_VERSIONS = "the list did not send the version of each row it showed (an old tab, or a script)"


def missing_versions(description: str) -> str:
    return f"“{description}” was not done: {MISSING_VERSIONS}, so nothing was changed. Reload the list and try again."


def across_pages(description: str) -> str:
    return (
        f"“{description}” was not done: “select all” takes rows on other pages that you have not seen, and an "
        "action here acts only on rows you saw. Tick the rows on this page (filter the list to bring others onto "
        "it) and run it again."
    )


def changed_row(label: str, changes: list[str], description: str) -> str:
    detail = f" ({'; '.join(changes)})" if changes else ""
    return (
        f"{label} changed since you opened the list{detail}: “{description}” was not done to it. "
        "Reload the list and try again."
    )


class SeenVersionsMixin:
    """For every ModelAdmin with actions: each row's version in the change list, and actions only on rows
    still at the version shown (the module's docstring)."""

    model: Any
    opts: Any
    delete_selected_confirmation_template: ClassVar[Any] = "admin/delete_selected_seen.html"

    def action_row_label(self, obj: Any) -> str:
        """How a refused row is named on the page: by what the list shows of it."""
        return str(obj)

    def action_change_detail(self, obj: Any) -> list[str]:
        """For a record with no version and no history: who changed it and when, where the row says."""
        return []

    def action_checkbox(self, obj: Any) -> SafeString:
        tick = super().action_checkbox(obj)  # type: ignore[misc]
        return format_html('{}<input type="hidden" name="{}" value="{}">', tick, seen_name(obj.pk), shown_version(obj))

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> Any:
        response = super().changelist_view(request, extra_context)  # type: ignore[misc]
        context = getattr(response, "context_data", None) or {}
        if context.get("action_form") is not None and version_kind(self.model) is Kind.HISTORY:
            context["cl"].result_list = stamp_history_versions(context["cl"].result_list)
        return response

    def _chosen_action(self, request: HttpRequest, location: admin.ActionLocation) -> Any:
        """The action the post runs (as Django's response_action picks it), or None."""
        index = whole_number(request.POST.get("index", "0"), low=0) or 0
        prefix = "" if location == admin.ActionLocation.CHANGE_LIST else f"{location.value}-"
        names = request.POST.getlist(f"{prefix}action")
        name = names[index] if index < len(names) else None
        return self.get_actions(request, action_location=location).get(name)  # type: ignore[attr-defined]

    def response_action(
        self, request: HttpRequest, queryset: Any, action_location: Any = admin.ActionLocation.CHANGE_LIST
    ) -> Any:
        action = self._chosen_action(request, action_location)
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if action is None or not selected:  # Django's own answer: no action chosen, or nothing ticked
            return super().response_action(request, queryset, action_location)  # type: ignore[misc]
        description = str(action.description) % model_format_dict(self.opts)
        across = forms.BooleanField(required=False).to_python(request.POST.get("select_across"))
        if across and action_location == admin.ActionLocation.CHANGE_LIST:
            messages.error(request, across_pages(description))
            return None
        seen = posted_versions(self.model, request, selected)
        if seen is None:
            messages.error(request, missing_versions(description))
            return None
        with transaction.atomic(using=router.db_for_write(self.model)):
            fresh = self._still_as_shown(request, seen, description)
            if not fresh:
                return None
            response = super().response_action(request, queryset.filter(pk__in=fresh), action_location)  # type: ignore[misc]
        if isinstance(response, TemplateResponse) and response.context_data is not None:
            response.context_data["seen_versions"] = [(seen_name(pk), seen[pk]) for pk in fresh]
        return response

    def _still_as_shown(self, request: HttpRequest, seen: dict[Any, str], description: str) -> list[Any]:
        """The ticked rows, locked until the action's transaction ends: those still as shown; the others named."""
        locked = self.model._base_manager.select_for_update().filter(pk__in=list(seen)).order_by("pk")
        rows = {obj.pk: obj for obj in locked}
        fresh, refused = [], []
        for pk, version in seen.items():
            obj = rows.get(pk)
            if obj is None:
                refused.append(pk)
                messages.error(
                    request,
                    f"{capfirst(self.opts.verbose_name)} {pk} was deleted since you opened the list: "
                    f"“{description}” was not done to it.",
                )
                continue
            changes = changed_since(obj, version)
            if changes is None:
                fresh.append(pk)
                continue
            refused.append(pk)
            if version_kind(self.model) is Kind.DIGEST:
                changes = self.action_change_detail(obj)
            messages.error(request, changed_row(self.action_row_label(obj), changes, description))
        if refused:
            log.info(
                "admin action on %s: rows %s changed since the list was shown, left out (user %s)",
                self.opts.label_lower, refused, request.user.pk,
            )  # fmt: skip
        return fresh
