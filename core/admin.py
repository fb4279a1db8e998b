"""Admin helpers for every app's workspace pages: lists that never count a big table, and
filters on a correlated subquery."""

from typing import Any

from django.contrib import admin
from django.db.models import Exists, QuerySet
from django.http import HttpRequest

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
