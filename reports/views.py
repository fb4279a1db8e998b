"""The service audit: the report page, the cases behind each breach, CSV and PDF exports.

All read-only (GET), never cached, for users with `reports.view_report`. Pages that list
patients record who saw them (accounts.AccessRecord, kind "report").
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts import policy
from accounts.services import access_record_many
from core.forms import errors_text
from core.paginators import Window, page_number
from core.pdf import pdf_from_template, pdf_response, static_text
from reports import charts, exports
from reports.forms import ReportForm, querystring, quick_range_links
from reports.measures import MEASURES, Filters, MeasureKey, Result, measure_cases
from reports.periods import Period
from reports.referrals import referral_report
from reports.selectors import ServiceReport, service_report

PAGE_SIZE = 50
STYLESHEET = "css/reports.css"  # put inside the PDF: the charts' and tables' print rules


def _may_view_reports(user: Any) -> bool:
    if policy.can_view_reports(user):
        return True
    raise PermissionDenied("The service audit is for coordinators, clinicians and auditors.")


class BadFilters(Exception):
    """The query string's period or filters do not hold: the export answers 400 with the form's messages."""

    def __init__(self, form: ReportForm) -> None:
        super().__init__(errors_text(form))
        self.form = form


def report_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """GET only, never cached, `policy.can_view_reports` or 403 (anonymous visitors are sent to sign in first);
    bad filters are a 400 that names them."""

    def answering_bad_filters(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except BadFilters as exc:
            return HttpResponseBadRequest(errors_text(exc.form) or "Check the dates and filters.")

    allowed = user_passes_test(_may_view_reports)(answering_bad_filters)
    return wraps(view)(never_cache(require_safe(allowed)))


def _period_and_filters(request: HttpRequest) -> tuple[Period, Filters]:
    form = ReportForm(request.GET)
    if not form.is_valid():
        raise BadFilters(form)
    return form.report_period, form.report_filters


def _charts(report: ServiceReport) -> dict[str, Any]:
    """The report's charts, the same on the page and in the PDF."""
    return {
        "cards": [(measure, charts.measure_trend(measure)) for measure in report.measures],
        "decisions_chart": charts.decisions_chart(report.activity),
    }


@report_view
def report_page(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.GET)
    if not form.is_valid():
        return render(request, "reports/report.html", {"form": form}, status=400)
    period, filters = form.report_period, form.report_filters
    report = service_report(period=period, filters=filters, now=timezone.now())
    shown = ReportForm({"start": period.first, "end": period.last, **vars(filters)})  # the dates a quick range chose
    return render(
        request,
        "reports/report.html",
        {
            "form": shown,
            "report": report,
            "query": querystring(period, filters),
            "quick_ranges": quick_range_links(filters, period),
            **_charts(report),
            "time_zone": settings.TIME_ZONE,
        },
    )


@report_view
def breaches(request: HttpRequest, measure: str) -> HttpResponse:
    try:
        chosen = MEASURES[MeasureKey(measure)]
    except ValueError as exc:
        raise Http404("No such measure") from exc
    (period, filters), now = _period_and_filters(request), timezone.now()
    cases = (
        measure_cases(chosen, period=period, filters=filters, now=now)
        .filter(result=Result.BREACH.value)
        .select_related("patient")
        .order_by("clock_start", "pk")
    )
    window = Window(cases, page_number(request.GET.get("page")), PAGE_SIZE)
    access_record_many(user=request.user, cases=[(case.patient_id, case.pk) for case in window], kind="report")
    return render(
        request,
        "reports/breaches.html",
        {
            "measure": chosen,
            "page": window,
            "period": period,
            "filters": filters,
            "now": now,
            "query": querystring(period, filters),
            "show_names": policy.can_see_names(request.user),
            "show_mrn": policy.can_see_mrn(request.user),
        },
    )


def _csv_response(lines: Any, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@report_view
def measures_csv(request: HttpRequest) -> HttpResponseBase:
    period, filters = _period_and_filters(request)
    report = service_report(period=period, filters=filters, now=timezone.now())
    rows = exports.measure_rows(report.measures, period, filters)
    return _csv_response(exports.csv_lines(rows), f"service-audit-measures-{period.first}-to-{period.last}.csv")


@report_view
def cases_csv(request: HttpRequest) -> HttpResponseBase:
    period, filters = _period_and_filters(request)
    try:
        measures = exports.measures_for(request.GET.get("measure") or None)
    except ValueError:
        return HttpResponseBadRequest(f"No such measure. Choose one of: {', '.join(MeasureKey)}.")
    rows, seen = exports.case_rows(
        measures, period=period, filters=filters, now=timezone.now(), with_mrn=policy.can_see_mrn(request.user)
    )
    access_record_many(user=request.user, cases=seen, kind="report")
    name = measures[0].key.value if len(measures) == 1 else "all-measures"
    return _csv_response(exports.csv_lines(rows), f"service-audit-cases-{name}-{period.first}-to-{period.last}.csv")


@report_view
def report_pdf(request: HttpRequest) -> HttpResponse:
    """The whole report for a governance meeting: aggregate figures only, no patient identifiers."""
    period, filters = _period_and_filters(request)
    report = service_report(period=period, filters=filters, now=timezone.now())
    pdf = pdf_from_template(
        "pdf/report.html",
        {
            "report": report,
            "stylesheet": static_text(STYLESHEET),
            **_charts(report),
        },
    )
    return pdf_response(pdf, f"service-audit-{period.first}-to-{period.last}.pdf")


@report_view
def referrals_page(request: HttpRequest) -> HttpResponse:
    """The front door: referrals by organisation and month, time to advice and plan, completeness, conversion."""
    form = ReportForm(request.GET)
    if not form.is_valid():
        return render(request, "reports/referrals.html", {"form": form}, status=400)
    period = form.report_period
    return render(
        request,
        "reports/referrals.html",
        {"form": form, "report": referral_report(period=period, now=timezone.now())},
    )
