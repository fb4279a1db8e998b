"""Admin helpers for every app's workspace pages: lists that never count a big table, and
filters on a correlated subquery."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Exists, QuerySet
from django.http import Http404, HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from core.paginators import EstimatedCountPaginator


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


class SafeHistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history pages answer a malformed address with a 404, not a 500.

    Its views pass the address's ids straight to the database ("abc" for a number raises ValueError).
    """

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        _require_valid(self.model._meta.pk, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> Any:
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
