"""Inline SVG charts for the report pages: a horizontal stacked bar chart and a heat map.

Pure functions returning `Markup` (already escaped SVG) so a page embeds them as they are: no
plotting library, no scripts, nothing fetched. Chinese labels need a CJK font, hence the font
stack ending in the fonts a Linux desktop or server has ("WenQuanYi Micro Hei", "Noto Sans CJK SC").
"""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

FONT_STACK = ("'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Source Han Sans SC', "
              "'WenQuanYi Micro Hei', 'Noto Sans CJK SC', sans-serif")
FONT_SIZE = 13
# the same colours as the pages' severity badges (_style.css --high / --medium / --low)
SEVERITY_COLOURS = {"high": "#b3261e", "medium": "#d69a1c", "low": "#7f97b5"}
HEAT_LOW = (0xFB, 0xF3, 0xE4)  # a count of 1
HEAT_HIGH = (0xB3, 0x26, 0x1E)  # the largest count of the map
HEAT_ZERO = "#f4f5f7"


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Approximate rendered width: CJK characters are one em, Latin about 0.6 em."""
    return sum(size if unicodedata.east_asian_width(ch) in ("W", "F") else size * 0.6 for ch in text)


def clip(text: str, width: float, size: float = FONT_SIZE) -> str:
    """`text` cut to fit `width` (with an ellipsis); the full text goes in the <title>."""
    if text_width(text, size) <= width:
        return text
    out = ""
    for ch in text:
        if text_width(out + ch + "…", size) > width:
            break
        out += ch
    return out + "…"


def _svg_open(css_class: str, width: float, height: float, label: str) -> str:
    return (f'<svg class="chart {css_class}" role="img" '
            f'aria-label="{escape(label)}" viewBox="0 0 {width:.0f} {height:.0f}" '
            f'width="{width:.0f}" height="{height:.0f}" preserveAspectRatio="xMinYMin meet" '
            f'font-family="{FONT_STACK}" font-size="{FONT_SIZE}">')


def _label(text: str, x: float, y: float, width: float, href: str | None = None, anchor: str = "end") -> str:
    shown = escape(clip(text, width))
    body = f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" dominant-baseline="middle">{shown}<title>{escape(text)}</title></text>'
    return f'<a href="{escape(href)}">{body}</a>' if href else body


@dataclass
class Bar:
    """One bar: a label (linked when `href`) and its stacked segments (key → value)."""

    label: str
    segments: dict[str, float]
    note: str = ""  # shown after the bar (e.g. the total)
    href: str | None = None
    tooltip: str = ""

    @property
    def total(self) -> float:
        return sum(self.segments.values())


def bar_chart(bars: Sequence[Bar], *, colours: dict[str, str], names: dict[str, str], label: str,
              label_width: float = 270, bar_width: float = 760, row_height: float = 26) -> Markup:
    """Horizontal stacked bars, one row per item, with a legend of the segment keys."""
    top, note_width = 30, 170
    width = label_width + bar_width + note_width
    height = top + row_height * max(len(bars), 1) + 6
    scale_max = max((b.total for b in bars), default=0) or 1
    parts = [_svg_open("bar-chart", width, height, label)]
    x = label_width
    for key, colour in colours.items():  # legend
        parts.append(f'<rect x="{x:.0f}" y="6" width="12" height="12" fill="{colour}"/>'
                     f'<text x="{x + 16:.0f}" y="12" dominant-baseline="middle">{escape(names.get(key, key))}</text>')
        x += 16 + text_width(names.get(key, key)) + 18
    for index, bar in enumerate(bars):
        y = top + index * row_height
        middle = y + row_height / 2
        parts.append('<g class="bar">')
        parts.append(_label(bar.label, label_width - 8, middle, label_width - 12, bar.href))
        x = label_width
        for key, colour in colours.items():
            value = bar.segments.get(key, 0)
            if value <= 0:
                continue
            w = value / scale_max * bar_width
            parts.append(f'<rect class="segment" data-key="{escape(key)}" x="{x:.1f}" y="{y + 4:.1f}" width="{w:.1f}" '
                         f'height="{row_height - 8:.1f}" fill="{colour}"><title>{escape(bar.tooltip or bar.label)}'
                         f'：{escape(names.get(key, key))} {value:g}</title></rect>')
            x += w
        parts.append(f'<text x="{x + 6:.1f}" y="{middle:.1f}" dominant-baseline="middle" fill="#1f2328">{escape(bar.note)}</text>')
        parts.append("</g>")
    if not bars:
        parts.append(f'<text x="{label_width:.0f}" y="{top + 12}" fill="#5f6b7a">（无数据）</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def heat_colour(count: int, largest: int) -> str:
    """Zero is grey; 1 … largest go from pale to the severity red (square-root scale, so a
    few large counts do not wash out the rest)."""
    if count <= 0 or largest <= 0:
        return HEAT_ZERO
    share = (count / largest) ** 0.5 if largest > 1 else 1.0
    rgb = [round(lo + (hi - lo) * share) for lo, hi in zip(HEAT_LOW, HEAT_HIGH)]
    return "#" + "".join(f"{c:02x}" for c in rgb)


def heat_map(rows: Sequence[tuple[str, str | None]], columns: Sequence[tuple[str, str]],
             counts: Sequence[Sequence[int]], *, label: str, row_label_width: float = 270,
             cell: float = 50, header_height: float = 150) -> Markup:
    """A count per (row, column): `rows` are (label, href), `columns` (key, label); `counts[i][j]`
    belongs to row i and column j. Every pair gets one <rect class="cell">, zeros included.
    Column labels are written at an angle so long Chinese names fit."""
    width = row_label_width + cell * max(len(columns), 1) + header_height * 0.95
    height = header_height + cell * 0.7 * max(len(rows), 1) + 8
    row_h = cell * 0.7
    largest = max((c for line in counts for c in line), default=0)
    parts = [_svg_open("heat-map", width, height, label)]
    for j, (key, name) in enumerate(columns):
        cx = row_label_width + j * cell + cell / 2
        parts.append(f'<text x="{cx:.1f}" y="{header_height - 8:.1f}" transform="rotate(-45 {cx:.1f} {header_height - 8:.1f})">'
                     f'{escape(clip(name, header_height * 1.3))}<title>{escape(name)}（{escape(key)}）</title></text>')
    for i, (name, href) in enumerate(rows):
        y = header_height + i * row_h
        parts.append(_label(name, row_label_width - 8, y + row_h / 2, row_label_width - 12, href))
        for j, (key, column_name) in enumerate(columns):
            count = counts[i][j]
            x = row_label_width + j * cell
            colour = heat_colour(count, largest)
            ink = "#ffffff" if largest and count / largest > 0.45 else "#1f2328"
            parts.append(f'<rect class="cell" data-row="{i}" data-column="{escape(key)}" data-count="{count}" '
                         f'x="{x + 1:.1f}" y="{y + 1:.1f}" width="{cell - 2:.1f}" height="{row_h - 2:.1f}" rx="3" fill="{colour}">'
                         f'<title>{escape(name)} · {escape(column_name)}：{count}</title></rect>')
            if count:
                parts.append(f'<text x="{x + cell / 2:.1f}" y="{y + row_h / 2:.1f}" text-anchor="middle" '
                             f'dominant-baseline="middle" fill="{ink}" font-size="12">{count}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
