"""The service audit's section on time in meetings: minutes per case, per presentation and per meeting,
and the meetings that over-ran (from the live screen's timings: live.timing)."""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from accounts import policy
from live.timing import meeting_times, presentation_times

PERIODS = {"3": "Last 3 months", "12": "Last 12 months"}


@never_cache
@policy.required(policy.can_view_reports)
def meeting_time_report(request: HttpRequest) -> HttpResponse:
    months = request.GET.get("months", "12")
    months = months if months in PERIODS else "12"
    now = timezone.now()
    start, end = now - dt.timedelta(days=round(int(months) * 30.44)), now + dt.timedelta(days=1)
    meetings = meeting_times(start, end, now)
    timed = [m for m in meetings if m.cases]
    return render(
        request,
        "live/meeting_time_report.html",
        {
            "meetings": meetings,
            "presentations": presentation_times(start, end, now),
            "periods": [(key, label, key == months) for key, label in PERIODS.items()],
            "period_label": PERIODS[months],
            "over_ran": sum(1 for m in meetings if m.over_ran),
            "cases": sum(m.cases for m in timed),
            "case_minutes": sum(m.case_minutes for m in timed),
        },
    )
