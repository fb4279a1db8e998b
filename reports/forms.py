"""The report's filters: a date range (or a quick range), the primary site and the presentation."""

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.utils import timezone

from cases.choices import Presentation, PrimarySite
from reports.measures import Filters
from reports.periods import QUICK_RANGE_LABELS, Period, QuickRange, quick_range

# A longer range is almost certainly a typo, and would draw a trend of hundreds of months.
MAX_YEARS = 10


class DateInput(forms.DateInput):
    input_type = "date"


class ReportForm(forms.Form):
    start = forms.DateField(label="From", required=False, widget=DateInput(format="%Y-%m-%d"))
    end = forms.DateField(label="To (included)", required=False, widget=DateInput(format="%Y-%m-%d"))
    primary_site = forms.ChoiceField(
        label="Primary site", required=False, choices=[("", "All primary sites"), *PrimarySite.choices]
    )
    presentation = forms.ChoiceField(
        label="Presentation", required=False, choices=[("", "All presentations"), *Presentation.choices]
    )
    # Set by the quick-range links, not shown as a field: it wins over the dates.
    period = forms.ChoiceField(required=False, choices=[("", ""), *QUICK_RANGE_LABELS.items()])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if data.get("period"):
            chosen = quick_range(QuickRange(data["period"]))
            start, end = chosen.first, chosen.last
        elif start is None and end is None:
            default = quick_range(QuickRange.LAST_12_MONTHS)
            start, end = default.first, default.last
        elif start is None or end is None:
            raise forms.ValidationError("Give both dates, or choose a quick range.")
        if start > end:
            raise forms.ValidationError("The start date is after the end date.")
        if end - start > dt.timedelta(days=366 * MAX_YEARS):
            raise forms.ValidationError(f"Choose a range of at most {MAX_YEARS} years.")
        data["start"], data["end"] = start, end
        return data

    @property
    def report_period(self) -> Period:
        return Period(self.cleaned_data["start"], self.cleaned_data["end"])

    @property
    def report_filters(self) -> Filters:
        return Filters(
            primary_site=self.cleaned_data.get("primary_site") or "",
            presentation=self.cleaned_data.get("presentation") or "",
        )


def querystring(period: Period, filters: Filters, **extra: str) -> str:
    """The resolved dates and filters, for links that must show the same cases (breaches, exports)."""
    params = {"start": period.first.isoformat(), "end": period.last.isoformat()}
    params |= {name: value for name, value in vars(filters).items() if value}
    return urlencode(params | {name: value for name, value in extra.items() if value})


def quick_range_links(filters: Filters, current: Period) -> list[tuple[str, str, bool]]:
    """(label, query string, whether it is the range shown) for each quick range."""
    today = timezone.localdate()
    links = []
    for name, label in QUICK_RANGE_LABELS.items():
        params = {"period": name.value} | {key: value for key, value in vars(filters).items() if value}
        links.append((label, urlencode(params), quick_range(name, today) == current))
    return links
