"""Form widgets written out in Python where Django's template-per-option rendering costs too much."""

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


class PlainSelect(forms.Select):
    """A select with the same HTML as Django's, written without a template per option.

    Django renders every option through its own template: a 60-case agenda offers each case's
    presenter from every member of the team, several thousand option templates for one page. This one
    builds the same elements (tests/core/test_widgets.py compares them) in Python, escaped by format_html.
    """

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], flatatt(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            for option in options:
                value, attributes, label = option["value"], flatatt(option["attrs"]), option["label"]
                parts.append(format_html('<option value="{}"{}>{}</option>', value, attributes, label))
            if group_name:
                parts.append(mark_safe("</optgroup>"))
        parts.append(mark_safe("</select>"))
        return mark_safe("".join(parts))  # noqa: S308 - every part escaped above


class PlainTextarea(forms.Textarea):
    """A textarea with the same HTML as Django's, written without a template."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        text = widget["value"] or ""
        return format_html('<textarea name="{}"{}>\n{}</textarea>', widget["name"], flatatt(widget["attrs"]), text)


class PlainHiddenInput(forms.HiddenInput):
    """A hidden input with the same HTML as Django's, written without a template."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else format_html(' value="{}"', str(widget["value"]))
        return format_html('<input type="hidden" name="{}"{}{}>', widget["name"], shown, flatatt(widget["attrs"]))


class SharedOptions:
    """One select's options written once, for many selects on a page offering the same choices.

    A 60-case agenda offers each case's presenter from the same team: the options are the same strings
    in every select but the selected one, so each is escaped once here and each select joins them. The
    HTML is PlainSelect's (tests/core/test_widgets.py compares them).
    """

    def __init__(self, choices: list[tuple[Any, Any]]) -> None:
        self._options = [
            (
                str(value),
                format_html('<option value="{}">{}</option>', value, label),
                format_html('<option value="{}" selected>{}</option>', value, label),
            )
            for value, label in choices
        ]

    def render(self, name: str, value: Any, attrs: dict[str, Any]) -> SafeString:
        """As Select: the first option whose value is `value` (None: the empty choice) is selected."""
        chosen, found = ("" if value is None else str(value)), False
        parts = [format_html('<select name="{}"{}>', name, flatatt(attrs))]
        for key, plain, selected in self._options:
            take = not found and key == chosen
            found = found or take
            parts.append(selected if take else plain)
        parts.append(mark_safe("</select>"))
        return mark_safe("".join(parts))  # noqa: S308 - every part escaped above


class Stencil:
    """One widget's HTML for many fields that differ only in their name, id and value: the widget renders once
    with stand-ins, and each field is that HTML with its own name, id and escaped value put in their places.

    A 60-case agenda writes each case's question and version: building the widget's attributes and escaping
    them again for each costs more than the rest of the field. The HTML is the widget's render()
    (tests/core/test_widgets.py compares them); an empty value (which an input leaves out) is the widget's own.
    """

    _NAME, _ID, _VALUE = "\ue000name\ue000", "\ue000id\ue000", "\ue000value\ue000"
    _SPLIT = re.compile(f"({_NAME}|{_ID}|{_VALUE})")

    def __init__(self, widget: forms.Widget) -> None:
        self._widget = widget
        self._parts = self._SPLIT.split(widget.render(self._NAME, self._VALUE, {"id": self._ID}))

    def render(self, name: str, value: Any, field_id: str) -> SafeString:
        if value is None or value == "":
            return SafeString(self._widget.render(name, value, {"id": field_id}))
        filled = {self._NAME: escape(name), self._ID: escape(field_id), self._VALUE: escape(str(value))}
        return mark_safe("".join(filled.get(part, part) for part in self._parts))  # noqa: S308 - escaped above


class PartStencil:
    """A partial's HTML for many rows that differ only in a few strings (an id, a label, a URL): the partial
    renders once with a stand-in for each string, and each row is that HTML with its own strings, escaped, put
    in their places: Stencil's way, for a whole partial.

    The follow-ups' complete and cancel forms (mdt.templatetags.follow_up_tags: up to 50 on a page, each field
    rendered by crispy) cost more than the rest of the page, and every row is the same markup but for its
    follow-up. A stand-in reaches the HTML only through autoescaping, which escapes a row's string as
    `escape` does (tests/core/test_widgets.py and tests/mdt/test_follow_ups.py compare them).
    """

    def __init__(self, render: Callable[[Mapping[str, str]], str], names: Iterable[str]) -> None:
        stand_ins = {name: f"\ue000{name}\ue000" for name in names}
        self._names = {mark: name for name, mark in stand_ins.items()}
        self._parts = re.split("(" + "|".join(map(re.escape, self._names)) + ")", render(stand_ins))

    def render(self, values: Mapping[str, Any]) -> SafeString:
        filled = (escape(str(values[self._names[part]])) if part in self._names else part for part in self._parts)
        return mark_safe("".join(filled))  # noqa: S308 - each row's string escaped above
