"""Admin helpers for every app's workspace pages: lists that never count a big table, filters on a
correlated subquery, and (core.admin_actions) actions only on the rows as the person saw them."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Exists, QuerySet
from django.http import Http404, HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from core.admin_actions import SeenVersionsMixin
from core.drafts import offer_kept_post
from core.paginators import EstimatedCountPaginator

# Where a change form's kept post waits between `changeform_view` and `get_form` (one request).
KEPT_ON_REQUEST = "_kept_post_for_form"


def name_controls(form: Any) -> None:
    """A tabular inline's controls named by their field's label: Django's table heads each column but
    labels no control, so a screen reader would announce a bare list (axe-core: select-name)."""
    for field in form.fields.values():
        field.widget.attrs.setdefault("aria-label", str(field.label))


class FastChangelistMixin:
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50


class ExistsFilter(admin.SimpleListFilter):
    """A yes-style filter on a correlated subquery, so the list needs no DISTINCT."""

    options: list[tuple[str, str]] = []

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return self.options

    def subquery(self, value: str) -> QuerySet[Any]:
        raise NotImplementedError

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any] | None:
        value = self.value()
        if value is None:
            return None
        return queryset.filter(Exists(self.subquery(value)))


class SafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget looks up the submitted value to show it again beside the form's
    errors, passing "abc" for a number straight to the database (a 500); values that cannot be ids
    are left out of that lookup (the field's own error already names them)."""

    def optgroups(self, name: str, value: Any, attr: Any = None) -> Any:
        target = self.field.remote_field.model._meta.get_field(
            getattr(self.field.remote_field, "field_name", None) or self.field.remote_field.model._meta.pk.name
        )
        usable = []
        for raw in value:
            try:
                _require_valid(target, raw)
            except Http404:
                continue
            usable.append(raw)
        return super().optgroups(name, usable, attr)


class SafeAutocompleteMixin:
    """For every admin and inline with autocomplete fields: the widget above instead of Django's."""

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
        if formfield is not None and type(formfield.widget) is AutocompleteSelect:
            formfield.widget.__class__ = SafeAutocompleteSelect
        return formfield


# The most rows an inline of the workspace takes in one post (a meeting's agenda is 20 to 60 cases, a
# patient has a few cases, a case a few dozen scans). Django's own bound is 1,000 forms past max_num: a
# post claiming more (a mangled or hostile TOTAL_FORMS) made the page build and render that many forms.
INLINE_ABSOLUTE_MAX = 300


class BoundedInlineMixin:
    """For every inline: a post's management form can ask for INLINE_ABSOLUTE_MAX forms at most; above
    that the formset answers "Please submit at most ... forms" and nothing is saved."""

    def get_max_num(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        return super().get_max_num(request, obj, **kwargs) or INLINE_ABSOLUTE_MAX  # type: ignore[misc]

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        kwargs.setdefault("absolute_max", INLINE_ABSOLUTE_MAX)
        return super().get_formset(request, obj, **kwargs)  # type: ignore[misc]


class SafeHistoryAdmin(SeenVersionsMixin, SafeAutocompleteMixin, SimpleHistoryAdmin):
    """SimpleHistoryAdmin with its history read-only, and answering a malformed address with a 404; its change
    list's actions act only on rows still as shown (`core.admin_actions.SeenVersionsMixin`).

    - Its version page saves a POST ("revert") for anyone allowed to *view* history, so a read-only
      auditor could rewrite a record, and a revert sets fields the change form shows read-only (an
      MRI review) and skips the services' rules. Reverting is refused: a correction is a new change
      on the change form, under the same rules as any other (SIMPLE_HISTORY_REVERT_DISABLED hides the
      button as well).
    - Its views pass the address's ids straight to the database ("abc" for a number raises ValueError).
    """

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> Any:
        # No lost work (core.drafts): a form posted after the session ended comes back filled in, with
        # its inlines, to be checked and saved; the stale-edit check runs on that save as on any other.
        setattr(request, KEPT_ON_REQUEST, offer_kept_post(request))
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)
        kept = getattr(request, KEPT_ON_REQUEST, None)
        return form_class if kept is None else _bound_to(form_class, kept)

    def get_formset_kwargs(self, request: HttpRequest, obj: Any, inline: Any, prefix: str) -> dict[str, Any]:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        kept = getattr(request, KEPT_ON_REQUEST, None)
        if kept is not None and "data" not in kwargs:
            kwargs["data"] = kept
        return kwargs

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        _require_valid(self.model._meta.pk, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> Any:
        if request.method != "GET":
            raise PermissionDenied("History is read-only: make the correction on the record's change form.")
        _require_valid(self.model._meta.pk, unquote(object_id))
        _require_valid(self.model.history.model._meta.pk, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


def _require_valid(field: Any, raw: str) -> None:
    try:
        value = field.to_python(raw)
        field.run_validators(value)
        field.get_db_prep_value(value, connection, prepared=False)
    except (ValidationError, ValueError, TypeError, OverflowError) as exc:
        raise Http404("No such record") from exc
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        raise Http404("No such record")


def _bound_to(form_class: Any, kept: Any) -> Any:
    """The admin's form class, bound to the kept data when the admin builds it unbound (a GET)."""

    class KeptForm(form_class):
        def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
            super().__init__(kept if data is None else data, *args, **kwargs)

    KeptForm.__name__ = form_class.__name__
    return KeptForm
