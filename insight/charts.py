"""Server-rendered SVG charts: no script, no library to pin, printable.

Each chart is decorative beside the table of its numbers, which is the
accessible version (``role="img"`` with a title that says what it shows and
points at the table). Colours meet 3:1 against white and are told apart by
position and label, never by colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

PALETTE = ("#1d70b8", "#00703c", "#d4351c", "#6f3c97", "#505a5f")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = step * magnitude
        if top >= value:
            return float(top)
    return float(10 * magnitude)  # pragma: no cover


def stacked_bars(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    table_id: str,
    width: int = 720,
    height: int = 240,
) -> Markup:
    """Bars per label, each stacked from ``series`` (counts)."""
    left, bottom, top = 44, 28, 12
    plot_w, plot_h = width - left - 8, height - bottom - top
    totals = [sum((s.values[i] or 0) for s in series) for i in range(len(labels))]
    ymax = _nice_max(max(totals, default=0))
    n = max(len(labels), 1)
    slot = plot_w / n
    bar = max(1.0, slot * 0.8)
    parts = [_frame(title, table_id, width, height)]
    parts.append(_y_axis(left, top, plot_w, plot_h, ymax))
    for i, label in enumerate(labels):
        x = left + i * slot + (slot - bar) / 2
        y: float = top + plot_h
        for k, s in enumerate(series):
            v = s.values[i] or 0
            h = plot_h * v / ymax
            y -= h
            colour = PALETTE[k % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{escape(label)}: {escape(s.name)} {v:g}</title></rect>'
            )
    parts.append(_x_labels(labels, left, slot, top + plot_h))
    parts.append(_legend([s.name for s in series], left, width, height + 14))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()


def lines(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    table_id: str,
    percent: bool = False,
    width: int = 720,
    height: int = 240,
) -> Markup:
    """One line per series over ``labels`` (gaps where a value is None)."""
    left, bottom, top = 44, 28, 12
    plot_w, plot_h = width - left - 8, height - bottom - top
    values = [v for s in series for v in s.values if v is not None]
    ymax = 1.0 if percent else _nice_max(max(values, default=0))
    n = max(len(labels), 1)
    slot = plot_w / n
    parts = [_frame(title, table_id, width, height)]
    parts.append(_y_axis(left, top, plot_w, plot_h, ymax, percent=percent))
    for k, s in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        path: list[str] = []
        for i, v in enumerate(s.values):
            if v is None:
                if path:
                    parts.append(_polyline(path, colour, k))
                path = []
                continue
            x = left + i * slot + slot / 2
            y = top + plot_h - plot_h * min(v, ymax) / ymax
            path.append(f"{x:.1f},{y:.1f}")
        if path:
            parts.append(_polyline(path, colour, k))
    parts.append(_x_labels(labels, left, slot, top + plot_h))
    parts.append(_legend([s.name for s in series], left, width, height + 14))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()


def bars(
    title: str,
    labels: Sequence[str],
    values: Sequence[float],
    *,
    table_id: str,
    width: int = 720,
) -> Markup:
    """One horizontal bar per label (a ranking: the longest first), its value at its end."""
    left, row, top = 230, 22, 6
    height = top * 2 + row * max(len(labels), 1)
    vmax = max(values, default=0) or 1
    plot_w = width - left - 60
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)} (chart; the numbers are in the table that follows)" '
        f'data-table="{escape(table_id)}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="Helvetica, Arial, sans-serif" font-size="12">'
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * row
        w = plot_w * value / vmax
        parts.append(
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" fill="#0b0c0c">'
            f"{escape(label)}</text>"
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 6}" '
            f'fill="{PALETTE[0]}"><title>{escape(label)}: {value:g}</title></rect>'
            f'<text x="{left + w + 6:.1f}" y="{y + 15}" fill="#0b0c0c">{value:g}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text in it went through escape()


def _polyline(points: list[str], colour: str, k: int) -> str:
    dash = ' stroke-dasharray="6 3"' if k % 2 else ""
    if len(points) == 1:
        x, y = points[0].split(",")
        return f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}"/>'
    return (
        f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" '
        f'stroke-width="2.5"{dash}/>'
    )


def _frame(title: str, table_id: str, width: int, height: int) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height + 24}" role="img" '
        f'aria-label="{escape(title)} (chart; the numbers are in the table that follows)" '
        f'data-table="{escape(table_id)}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="Helvetica, Arial, sans-serif" font-size="12">'
    )


def _y_axis(
    left: int, top: int, plot_w: float, plot_h: float, ymax: float, *, percent: bool = False
) -> str:
    parts = []
    for step in range(5):
        value = ymax * step / 4
        y = top + plot_h - plot_h * step / 4
        text = f"{value:.0%}" if percent else f"{value:g}"
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w:.1f}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#b1b4b6" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#0b0c0c">{text}</text>'
        )
    return "".join(parts)


def _x_labels(labels: Sequence[str], left: int, slot: float, y: float) -> str:
    every = max(1, len(labels) // 8)
    parts = []
    for i, label in enumerate(labels):
        if i % every:
            continue
        x = left + i * slot + slot / 2
        parts.append(
            f'<text x="{x:.1f}" y="{y + 16:.1f}" text-anchor="middle" fill="#0b0c0c">'
            f"{escape(label)}</text>"
        )
    return "".join(parts)


def _legend(names: Sequence[str], left: int, width: int, y: int) -> str:
    parts = []
    x = left
    for k, name in enumerate(names):
        colour = PALETTE[k % len(PALETTE)]
        parts.append(
            f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="{y}" fill="#0b0c0c">{escape(name)}</text>'
        )
        x += 24 + 7 * len(name)
        if x > width - 60:
            break
    return f'<g class="chart-legend">{"".join(parts)}</g>'
