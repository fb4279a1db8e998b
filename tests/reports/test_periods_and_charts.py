"""Quick ranges, local-day boundaries, and the SVG chart helper."""

import datetime as dt
import re

import pytest

from reports.charts import Point, bar_chart, trend_chart
from reports.periods import Period, QuickRange, quick_range
from tests.factories import local


@pytest.mark.parametrize(
    ("today", "name", "first", "last"),
    [
        (dt.date(2026, 8, 20), QuickRange.LAST_QUARTER, dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        (dt.date(2026, 1, 15), QuickRange.LAST_QUARTER, dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
        (dt.date(2026, 4, 1), QuickRange.LAST_QUARTER, dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        (dt.date(2026, 8, 20), QuickRange.LAST_12_MONTHS, dt.date(2025, 8, 21), dt.date(2026, 8, 20)),
        (dt.date(2028, 2, 29), QuickRange.LAST_12_MONTHS, dt.date(2027, 3, 1), dt.date(2028, 2, 29)),
        (dt.date(2026, 8, 20), QuickRange.THIS_YEAR, dt.date(2026, 1, 1), dt.date(2026, 8, 20)),
    ],
)
def test_it_resolves_the_quick_ranges(today, name, first, last):
    assert quick_range(name, today) == Period(first, last)


def test_a_period_runs_from_local_midnight_to_local_midnight_after_its_last_day():
    summer = Period(dt.date(2026, 6, 1), dt.date(2026, 6, 30))

    assert summer.starts_at == local(2026, 6, 1, 0, 0) == dt.datetime(2026, 5, 31, 23, 0, tzinfo=dt.UTC)
    assert summer.ends_before == local(2026, 7, 1, 0, 0)
    assert [m.month for m in Period(dt.date(2025, 11, 15), dt.date(2026, 2, 1)).months] == [11, 12, 1, 2]


def test_the_trend_chart_is_accessible_svg_with_a_target_line_and_no_style_or_script():
    points = [
        Point("Apr 26", 100.0, "3 of 3 met"),
        Point("May 26", None, "0 of 0 met"),
        Point("Jun 26", 50.0, "1 of 2"),
    ]

    svg = trend_chart("trend-x", "MRI <24 h> & plan", points)

    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and 'role="img"' in svg
    assert '<title id="trend-x-title">MRI &lt;24 h&gt; &amp; plan</title>' in svg  # escaped
    assert "Apr 26 100% (3 of 3 met); Jun 26 50% (1 of 2)" in svg  # the description says the numbers
    assert 'stroke-dasharray="6 4"' in svg and "Target 100%" in svg
    assert svg.count("<circle") == 2  # no dot for a month with nothing due
    assert "<polyline" not in svg  # the gap in May leaves two single points, no line through it
    assert "style=" not in svg and "<script" not in svg


def test_an_empty_trend_says_so():
    assert "Nothing due in this period" in trend_chart("t", "T", [Point("Apr 26", None, "")])


def test_the_bar_chart_draws_one_bar_per_label_longest_for_the_most():
    svg = bar_chart("bars", "Decisions", [("Radiotherapy", 4), ("Surgery & <fixation>", 2)])

    assert svg.count("<rect") == 2 and "Surgery &amp; &lt;fixation&gt;" in svg
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths[0] == 2 * widths[1]
    assert "No decisions in this period" in bar_chart("b", "D", [])
