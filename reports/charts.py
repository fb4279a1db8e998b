"""Small server-side SVG charts: no script, no style attributes, the same markup on screen and in the PDF.

Colours and fonts are SVG presentation attributes (fill=, stroke=, font-size=), which the Content
Security Policy allows and WeasyPrint draws; static/css/reports.css only sizes the charts. Each chart
has a <title> and <desc> for screen readers, and the page shows the same numbers in a table.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reports.measures import MeasureReport
from reports.selectors import Activity

FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
INK, MUTED, GRID = "#212529", "#5c636a", "#dee2e6"
LINE, TARGET, BAR = "#0b5ed7", "#b02a37", "#0b5ed7"


@dataclass(frozen=True)
class Point:
    label: str  # e.g. "Aug 26"
    value: float | None  # percent; None when nothing was due that month
    detail: str  # e.g. "8 of 9 met"


def _svg(chart_id: str, title: str, desc: str, width: int, height: int, body: list[str]) -> SafeString:
    chart_id = escape(chart_id)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every interpolated text is escaped


def _segments(points: Sequence[Point], x: Callable[[int], float], y: Callable[[float], float]) -> list[list[str]]:
    """The line's runs of "x,y": it breaks over months with nothing due rather than drawing through them."""
    segment: list[str] = []
    segments: list[list[str]] = []
    for index, point in enumerate(points):
        if point.value is None:
            if segment:
                segments.append(segment)
            segment = []
        else:
            segment.append(f"{x(index):.1f},{y(point.value):.1f}")
    if segment:
        segments.append(segment)
    return segments


def trend_chart(chart_id: str, title: str, points: Sequence[Point], *, target: float = 100.0) -> SafeString:
    """Percentage met per month (a line with a dot per month) against the target (a dashed line)."""
    width, height = 600, 200
    left, right, top, bottom = 44, 84, 14, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(points) - 1, 1)

    def x(index: int) -> float:
        return left + (index * step if len(points) > 1 else plot_w / 2)

    def y(percent: float) -> float:
        return top + plot_h * (1 - percent / 100)

    body = []
    for tick in (0, 25, 50, 75, 100):
        body.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="{GRID}" '
            'stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11" fill="{MUTED}" {FONT}>'
            f"{tick}%</text>"
        )
    body.append(
        f'<line class="chart-target" x1="{left}" x2="{width - right}" y1="{y(target):.1f}" y2="{y(target):.1f}" '
        f'stroke="{TARGET}" stroke-width="2" stroke-dasharray="6 4"/>'
        f'<text x="{width - right + 6}" y="{y(target) + 4:.1f}" font-size="12" fill="{TARGET}" '
        f"{FONT}>Target {target:g}%</text>"
    )
    # Label every month up to a year, then every n-th so that the labels never overlap.
    every = max(1, -(-len(points) // 12))
    for index, point in enumerate(points):
        if index % every == 0:
            body.append(
                f'<text x="{x(index):.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="11" '
                f'fill="{MUTED}" {FONT}>{escape(point.label)}</text>'
            )
    for line in _segments(points, x, y):
        if len(line) > 1:
            body.append(f'<polyline points="{" ".join(line)}" fill="none" stroke="{LINE}" stroke-width="2.5"/>')
    for index, point in enumerate(points):
        if point.value is not None:
            body.append(
                f'<circle cx="{x(index):.1f}" cy="{y(point.value):.1f}" r="4" fill="{LINE}">'
                f"<title>{escape(point.label)}: {point.value:.0f}% ({escape(point.detail)})</title></circle>"
            )
    if all(point.value is None for point in points):
        body.append(
            f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h / 2:.1f}" text-anchor="middle" font-size="13" '
            f'fill="{MUTED}" {FONT}>Nothing due in this period</text>'
        )
    shown = [f"{p.label} {p.value:.0f}% ({p.detail})" for p in points if p.value is not None]
    desc = "Share met by month of the clock start. " + ("; ".join(shown) if shown else "Nothing due in the period.")
    return _svg(chart_id, title, desc, width, height, body)


def bar_chart(chart_id: str, title: str, bars: Sequence[tuple[str, int]]) -> SafeString:
    """Horizontal bars, one per label, with the count at the end of each bar."""
    label_w, bar_h, gap, top = 250, 18, 8, 8
    width = 560
    plot_w = width - label_w - 48
    height = top * 2 + max(len(bars), 1) * (bar_h + gap)
    most = max((count for _, count in bars), default=0) or 1
    body = []
    for index, (label, count) in enumerate(bars):
        y = top + index * (bar_h + gap)
        length = plot_w * count / most
        body.append(
            f'<text x="{label_w - 8}" y="{y + bar_h - 5}" text-anchor="end" font-size="12" fill="{INK}" {FONT}>'
            f"{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="{bar_h}" fill="{BAR}"/>'
            f'<text x="{label_w + length + 6:.1f}" y="{y + bar_h - 5}" font-size="12" fill="{INK}" {FONT}>'
            f"{count}</text>"
        )
    if not bars:
        body.append(
            f'<text x="{width / 2}" y="{top + bar_h}" text-anchor="middle" font-size="13" fill="{MUTED}" '
            f"{FONT}>No decisions in this period</text>"
        )
    desc = "; ".join(f"{label}: {count}" for label, count in bars) or "No decisions in this period."
    return _svg(chart_id, title, desc, width, height, body)


def measure_trend(report: MeasureReport) -> SafeString:
    """A measure's monthly trend against its target."""
    points = [
        Point(f"{month:%b %y}", counts.percent, f"{counts.met} of {counts.denominator} met")
        for month, counts in report.months
    ]
    title = f"{report.measure.target.label}: share met by month"
    return trend_chart(f"trend-{report.key}", title, points)


def decisions_chart(activity: Activity) -> SafeString:
    """Current decisions in the period by treatment chosen (only the treatments chosen at least once)."""
    bars = [(label, count) for _, label, count in activity.by_treatment if count]
    if activity.decisions_no_treatment:
        bars.append(("No active treatment", activity.decisions_no_treatment))
    return bar_chart("decisions-by-treatment", "Decisions by treatment", bars)
