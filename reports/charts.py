"""Small server-rendered SVG charts: no JavaScript, a few hundred bytes each, readable at 360 px."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from reports.selectors import Completion

BAR_HEIGHT = 18
GAP = 6
LABEL_WIDTH = 140
CHART_WIDTH = 560


def completion_bars(rows: Sequence[Completion]) -> SafeString:
    """One horizontal bar per unit: the required-course completion rate, with the figure at its end."""
    if not rows:
        return mark_safe("")
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    span = CHART_WIDTH - LABEL_WIDTH - 50
    parts = [
        f'<svg class="report-chart" viewBox="0 0 {CHART_WIDTH} {height}" role="img" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, row in enumerate(rows):
        y = GAP + index * (BAR_HEIGHT + GAP)
        rate = row.completion_rate
        width = round(span * (rate or 0) / 100)
        level = "low" if (rate or 0) < 60 else "mid" if (rate or 0) < 90 else "high"
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="end" class="label">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" class="track"></rect>'
                '<rect x="{}" y="{}" width="{}" height="{}" class="bar {}"><title>{}: {}</title></rect>'
                '<text x="{}" y="{}" class="value">{}</text>',
                LABEL_WIDTH - 6,
                y + BAR_HEIGHT - 5,
                row.label[:12],
                LABEL_WIDTH,
                y,
                span,
                BAR_HEIGHT,
                LABEL_WIDTH,
                y,
                width,
                BAR_HEIGHT,
                level,
                row.label,
                "—" if rate is None else f"{rate}%",
                LABEL_WIDTH + width + 4,
                y + BAR_HEIGHT - 5,
                "—" if rate is None else f"{rate}%",
            )  # fmt: skip
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every dynamic part went through format_html


def weekly_trend(trend: Sequence[tuple[date, int]]) -> SafeString:
    """Completions per week as columns, the week's first day under each."""
    if not trend:
        return mark_safe("")
    top = max(n for _, n in trend) or 1
    width, height, base = CHART_WIDTH, 160, 130
    step = width / len(trend)
    parts = [
        f'<svg class="report-chart" viewBox="0 0 {width} {height}" role="img" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, (week, count) in enumerate(trend):
        bar = round((base - 14) * count / top)
        x = round(index * step + 4)
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" class="bar high"><title>{}: {}</title></rect>'
                '<text x="{}" y="{}" text-anchor="middle" class="value">{}</text>'
                '<text x="{}" y="{}" text-anchor="middle" class="label">{}</text>',
                x,
                base - bar,
                round(step - 8),
                bar,
                week.isoformat(),
                count,
                round(x + (step - 8) / 2),
                base - bar - 3,
                count or "",
                round(x + (step - 8) / 2),
                base + 16,
                f"{week.month}/{week.day}",
            )  # fmt: skip
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every dynamic part went through format_html
