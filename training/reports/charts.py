"""Small charts as inline SVG, made on the server (no script, no CDN).

Each chart is decorative for screen readers (``aria-hidden``): the page shows the same
numbers in a table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

WIDTH = 640
HEIGHT = 220
LEFT = 40
BOTTOM = 30
TOP = 10


def _axis(max_value: int | float, suffix: str) -> SafeString:
    plot_h = HEIGHT - BOTTOM - TOP
    ticks = [0, max_value / 2, max_value]
    return format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" class="chart-grid"/>'
        '<text x="{}" y="{}" class="chart-tick" text-anchor="end">{}{}</text>',
        (
            (
                LEFT,
                WIDTH,
                TOP + plot_h - plot_h * tick / max_value,
                TOP + plot_h - plot_h * tick / max_value,
                LEFT - 4,
                TOP + plot_h - plot_h * tick / max_value + 4,
                round(tick),
                suffix,
            )
            for tick in ticks
        ),
    )


def _labels(labels: Sequence[str], step: float) -> SafeString:
    return format_html_join(
        "",
        '<text x="{}" y="{}" class="chart-label" text-anchor="middle">{}</text>',
        (
            (LEFT + step * i + step / 2, HEIGHT - 10, label[-3:])
            for i, label in enumerate(labels)
            if i % 2 == len(labels) % 2 or len(labels) <= 8
        ),
    )


def bar_chart(labels: Sequence[str], values: Sequence[int], *, chart_id: str) -> SafeString:
    """Bars for whole numbers (completions per week)."""
    top = max([*values, 1])
    plot_h = HEIGHT - BOTTOM - TOP
    step = (WIDTH - LEFT) / max(len(values), 1)
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" class="chart-bar" data-value="{}"/>',
        (
            (
                round(LEFT + step * i + step * 0.15, 1),
                round(TOP + plot_h - plot_h * v / top, 1),
                round(step * 0.7, 1),
                round(plot_h * v / top, 1),
                v,
            )
            for i, v in enumerate(values)
        ),
    )
    return format_html(
        '<svg id="{}" class="report-chart" viewBox="0 0 {} {}" width="100%" '
        'aria-hidden="true" focusable="false">{}{}{}</svg>',
        chart_id,
        WIDTH,
        HEIGHT,
        _axis(top, ""),
        bars,
        _labels(labels, step),
    )


def line_chart(labels: Sequence[str], values: Sequence[int | None], *, chart_id: str) -> SafeString:
    """A line of percentages (0–100); missing values leave a gap."""
    plot_h = HEIGHT - BOTTOM - TOP
    step = (WIDTH - LEFT) / max(len(values), 1)
    points = [
        (round(LEFT + step * i + step / 2, 1), round(TOP + plot_h - plot_h * v / 100, 1), v)
        for i, v in enumerate(values)
        if v is not None
    ]
    polyline = " ".join(f"{x},{y}" for x, y, _v in points)
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="3.5" class="chart-dot" data-value="{}"/>',
        points,
    )
    return format_html(
        '<svg id="{}" class="report-chart" viewBox="0 0 {} {}" width="100%" '
        'aria-hidden="true" focusable="false">{}<polyline points="{}" class="chart-line"/>'
        "{}{}</svg>",
        chart_id,
        WIDTH,
        HEIGHT,
        _axis(100, " %"),
        polyline,
        dots,
        _labels(labels, step),
    )
