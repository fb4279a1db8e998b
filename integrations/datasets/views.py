"""The national dataset export (CSV), its data-quality report and the list of months, for coordinators."""

import csv

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts import policy
from accounts.services import access_record_many
from integrations.datasets import cosd


def _check_month(year: int, month: int) -> None:
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise Http404("No such month")


@require_safe
@policy.required(policy.can_export_dataset)
def index(request: HttpRequest) -> HttpResponse:
    """The months there is something to report, each with its export and its data-quality report."""
    return render(request, "integrations/datasets.html", {"months": cosd.months(), "items": cosd.ITEMS})


@require_safe
@policy.required(policy.can_export_dataset)
def export_csv(request: HttpRequest, year: int, month: int) -> HttpResponse:
    _check_month(year, month)
    found = cosd.rows(year, month)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cosd-mdt-{year}-{month:02d}.csv"'
    csv.writer(response).writerows(cosd.as_csv_rows(found))
    access_record_many(user=request.user, cases=[(row.patient_id, row.case_id) for row in found], kind="report")
    return response


@require_safe
@policy.required(policy.can_export_dataset)
def quality(request: HttpRequest, year: int, month: int) -> HttpResponse:
    _check_month(year, month)
    found = cosd.rows(year, month)
    incomplete = [row for row in found if row.missing]
    access_record_many(user=request.user, cases=[(row.patient_id, row.case_id) for row in incomplete], kind="report")
    return render(
        request,
        "integrations/dataset_quality.html",
        {
            "year": year,
            "month": month,
            "total": len(found),
            "not_discussed": sum(1 for row in found if not row.discussed),
            "incomplete": incomplete,
            "items": cosd.ITEMS,
        },
    )
