"""Form widgets written out in Python where Django's template-per-option rendering costs too much."""

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html
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
