"""Charts of the group dashboard, drawn on the server as inline SVG: no JavaScript, no CDN, readable
without a network, printable; every bar and point carries its exact figure in a tooltip, and each
chart sits next to the table holding the same figures."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = [
    "#1f6fb2", "#e07b22", "#3a9b4f", "#c2413b", "#7b5ab0", "#8c6a4f",
    "#d16aa6", "#6d6d6d", "#a6a52f", "#2aa5b8",
]  # fmt: skip
WIDTH, HEIGHT = 760, 280
LEFT, RIGHT, TOP, BOTTOM = 78, 16, 14, 46
Number = Decimal | int


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Number]
    href: str = ""  # where clicking the series leads (drill-down)


def _px(value: Number) -> float:
    """A figure as a coordinate: pixel geometry only, never a money figure (those stay Decimal in the
    tooltips, the tables and the exports)."""
    return float(value)  # float-ok: pixel geometry


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / ticks if span > 0 else 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _fmt(value: float | Decimal | int) -> str:
    """An axis tick's label (rounded for the eye; every bar's tooltip shows the exact Decimal)."""
    number = float(value)  # float-ok: axis geometry and tick labels, never a money figure
    if abs(number) >= 1_000_000:
        return f"{number / 1_000_000:.1f} M"
    if abs(number) >= 10_000:
        return f"{number / 1000:.0f} k"
    if number == int(number):
        return f"{int(number)}"
    return f"{number:.2f}"


class _Frame:
    def __init__(self, low: float, high: float) -> None:
        low, high = min(0.0, low), max(0.0, high)
        if low == high:
            high = 1.0
        step = _nice_step(high - low)
        self.low = math.floor(low / step) * step
        self.high = math.ceil(high / step) * step
        self.step = step

    def y(self, value: float) -> float:
        inner = HEIGHT - TOP - BOTTOM
        return TOP + inner * (self.high - value) / (self.high - self.low)

    def grid(self, unit: str) -> list[str]:
        out = []
        value = self.low
        while value <= self.high + self.step / 2:
            y = self.y(value)
            out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
            out.append(
                f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{escape(_fmt(value))}</text>'
            )
            value += self.step
        out.append(
            f'<text x="4" y="{TOP + 4}" font-size="11" fill="#555">{escape(unit)}</text>'
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{self.y(0):.1f}" y2="{self.y(0):.1f}" stroke="#888"/>'
        )
        return out


def _x_labels(categories: Sequence[str], slot: float) -> list[str]:
    every = max(1, math.ceil(len(categories) / 14))
    return [
        f'<text x="{LEFT + slot * (i + 0.5):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
        f'font-size="11">{escape(label)}</text>'
        for i, label in enumerate(categories)
        if i % every == 0
    ]


def _legend(series: Sequence[Series]) -> str:
    items = []
    for i, s in enumerate(series):
        # A drawn square rather than a styled span: the Content-Security-Policy allows no inline style.
        swatch = (
            f'<svg class="swatch" viewBox="0 0 1 1" aria-hidden="true">'
            f'<rect width="1" height="1" fill="{PALETTE[i % len(PALETTE)]}"/></svg>'
        )
        name = f'<a href="{escape(s.href)}">{escape(s.name)}</a>' if s.href else escape(s.name)
        items.append(f"<li>{swatch}{name}</li>")
    return f'<ul class="legend">{"".join(items)}</ul>'


def _svg(title: str, body: list[str]) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def columns(
    *, title: str, categories: Sequence[str], series: Sequence[Series], unit: str, stacked: bool = True
) -> SafeString:
    """Columns per category, the series stacked (positives up, negatives down) or side by side."""
    if not categories or not series:
        return mark_safe("")
    if stacked:
        tops = [sum(_px(s.values[i]) for s in series if s.values[i] > 0) for i in range(len(categories))]
        bottoms = [sum(_px(s.values[i]) for s in series if s.values[i] < 0) for i in range(len(categories))]
    else:
        tops = [max(_px(s.values[i]) for s in series) for i in range(len(categories))]
        bottoms = [min(_px(s.values[i]) for s in series) for i in range(len(categories))]
    frame = _Frame(min(bottoms), max(tops))
    slot = (WIDTH - LEFT - RIGHT) / len(categories)
    body = frame.grid(unit)
    for i, category in enumerate(categories):
        up = down = 0.0
        for j, s in enumerate(series):
            value = _px(s.values[i])
            if value == 0:
                continue
            if stacked:
                width, x = slot * 0.7, LEFT + slot * i + slot * 0.15
                start = up if value > 0 else down
                end = start + value
                if value > 0:
                    up = end
                else:
                    down = end
            else:
                width = slot * 0.8 / len(series)
                x, start, end = LEFT + slot * i + slot * 0.1 + width * j, 0.0, value
            y0, y1 = frame.y(start), frame.y(end)
            tip = f"{s.name} · {category}: {s.values[i]} {unit}"
            bar = (
                f'<rect x="{x:.1f}" y="{min(y0, y1):.1f}" width="{width:.1f}" height="{abs(y1 - y0):.1f}" '
                f'fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(tip)}</title></rect>'
            )
            body.append(f'<a href="{escape(s.href)}">{bar}</a>' if s.href else bar)
    body += _x_labels(categories, slot)
    return mark_safe(f'<figure class="chart">{_svg(title, body)}{_legend(series)}</figure>')  # noqa: S308 - escaped above


def lines(*, title: str, categories: Sequence[str], series: Sequence[Series], unit: str) -> SafeString:
    """One line per series over the categories (months), a dot with its tooltip at every point."""
    if not categories or not series:
        return mark_safe("")
    values = [_px(v) for s in series for v in s.values]
    frame = _Frame(min(values), max(values))
    slot = (WIDTH - LEFT - RIGHT) / len(categories)
    body = frame.grid(unit)
    for j, s in enumerate(series):
        colour = PALETTE[j % len(PALETTE)]
        points = [(LEFT + slot * (i + 0.5), frame.y(_px(v))) for i, v in enumerate(s.values)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        body.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for (x, y), category, value in zip(points, categories, s.values, strict=True):
            tip = f"{s.name} · {category}: {value} {unit}"
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"><title>{escape(tip)}</title></circle>'
            )
    body += _x_labels(categories, slot)
    return mark_safe(f'<figure class="chart">{_svg(title, body)}{_legend(series)}</figure>')  # noqa: S308 - escaped above
