"""Turn an admin add or change page into the POST data its form would send, unchanged.

Tests then change one value and post it, as a person in the workspace would: the same
management forms, inline rows, hidden version fields and split date-time inputs.
"""

import re
from typing import Any

from django import forms
from django.contrib.admin import helpers

from core.admin_actions import seen_name, shown_version


def _widget_items(widget: forms.Widget, name: str, value: Any) -> list[tuple[str, str]]:
    while hasattr(widget, "widget") and not isinstance(widget, forms.MultiWidget):  # RelatedFieldWidgetWrapper
        widget = widget.widget
    if isinstance(widget, forms.MultiWidget):
        values = value if isinstance(value, list | tuple) else widget.decompress(value)
        items: list[tuple[str, str]] = []
        for suffix, sub, sub_value in zip(widget.widgets_names, widget.widgets, values, strict=False):
            items += _widget_items(sub, f"{name}{suffix}", sub_value)
        return items
    if isinstance(widget, forms.CheckboxInput):
        return [(name, "on")] if widget.check_test(value) else []
    formatted = widget.format_value(value)
    if isinstance(formatted, list | tuple):
        return [(name, str(v)) for v in formatted if v not in (None, "")]
    if isinstance(value, list | tuple) and isinstance(widget, forms.SelectMultiple | forms.CheckboxSelectMultiple):
        return [(name, str(v)) for v in value]
    return [(name, "" if formatted is None else str(formatted))]


def form_items(form: forms.BaseForm) -> list[tuple[str, str]]:
    items: list[tuple[str, str]] = []
    for name in form.fields:
        bound = form[name]
        items += _widget_items(bound.field.widget, bound.html_name, bound.value())
    return items


def admin_post_items(response: Any) -> list[tuple[str, str]]:
    """The main form, every inline's management form and rows, as (name, value) pairs."""
    context = response.context
    items = form_items(context["adminform"].form)
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        items += form_items(formset.management_form)
        for form in formset.forms:
            items += form_items(form)
    return items


def as_post(items: list[tuple[str, str]], **changes: Any) -> dict[str, Any]:
    """POST data from pairs (several values under one name become a list), with `changes` applied."""
    data: dict[str, Any] = {}
    for name, value in items:
        if name in data:
            data[name] = [*(data[name] if isinstance(data[name], list) else [data[name]]), value]
        else:
            data[name] = value
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def admin_post_data(response: Any, **changes: Any) -> dict[str, Any]:
    return as_post(admin_post_items(response), **changes)


def action_data(action: str, *objs: Any, **extra: Any) -> dict[str, Any]:
    """What a change list opened now posts to run `action` on the ticked `objs`: each row's id and the version
    the list shows it at (read afresh, as the page would), as a person ticking them sends."""
    rows = [type(obj)._base_manager.get(pk=obj.pk) for obj in objs]
    return {
        "action": action,
        helpers.ACTION_CHECKBOX_NAME: [row.pk for row in rows],
        **{seen_name(row.pk): shown_version(row) for row in rows},
        **extra,
    }


SEEN_INPUT = re.compile(r'<input type="hidden" name="(_seen_version-[^"]+)" value="([^"]*)">')


def ticked(page: Any, action: str, *objs: Any, **extra: Any) -> dict[str, Any]:
    """What the change list `page` (a response) posts when the person ticks `objs` and runs `action`: each row's
    id and the version the page wrote beside its tick, whatever happened to the rows since."""
    shown = dict(SEEN_INPUT.findall(page.content.decode()))
    return {
        "action": action,
        helpers.ACTION_CHECKBOX_NAME: [obj.pk for obj in objs],
        **{seen_name(obj.pk): shown[seen_name(obj.pk)] for obj in objs},
        **extra,
    }


def said(response: Any) -> list[str]:
    """The messages the request left for the next page (read without following the redirect)."""
    return [str(message) for message in getattr(response.wsgi_request, "_messages", [])]
