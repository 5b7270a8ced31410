"""Reader for .pdf via pdfplumber: ruled tables become rows, text outside tables becomes
paragraphs, both in reading order page by page. A merged cell comes back as None in the
positions it covers, which we read as empty — the same convention as the other readers.
A table broken across pages continues in the row stream, its parts put back on one column grid.
Cell text is rebuilt from the characters' positions: wrapped lines are re-joined, paragraph
breaks inside a cell are kept, punctuation hanging over a cell border stays in its cell.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

import pdfplumber
from pdfplumber.utils.text import chars_to_textmap

from .rows import Row, paragraph

_LIST_START = re.compile(r"^\s*(?:\d{1,2}\s*[.．、]|[（(]\d{1,2}[）)])")


# Outer edges of two tables closer than this (points) count as the same table width.
_EDGE_TOLERANCE = 2.0
# Text between a table's end and the page break that is no longer than this is page furniture
# (a page number), not content that ends the table.
_FOOTER_MAX_CHARS = 12


@dataclass
class _TableItem:
    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    columns: list[float]  # the x0 of each column pdfplumber used for this table's rows
    cells: list[list[str | None]]
    grid: list[float] | None = None  # the column x0s shared with the table's other pages


@dataclass
class _TextItem:
    page: int
    top: float
    text: str


def read_pdf(data: bytes) -> tuple[list[Row], list[str]]:
    warnings: list[str] = []
    pages: list[list[_TableItem | _TextItem]] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            keyed: list[tuple[float, int, _TableItem | _TextItem]] = []
            tables = page.find_tables()
            boxes = [t.bbox for t in tables]
            for order, table in enumerate(tables):
                x0, top, x1, bottom = table.bbox
                columns = sorted({cell[0] for cell in table.cells})
                item = _TableItem(number, top, bottom, x0, x1, columns, _extract_cells(page, table))
                keyed.append((top, order, item))
            outside = page.filter(lambda obj, boxes=boxes: not _inside(obj, boxes))
            for line in outside.extract_text_lines(return_chars=False):
                text = line["text"].strip()
                if text:
                    keyed.append((line["top"], 10_000, _TextItem(number, line["top"], text)))
            pages.append([item for _, _, item in sorted(keyed, key=lambda k: (k[0], k[1]))])
            if not page.chars and not tables:
                warnings.append(f"第{number}页没有可提取的文字（可能是扫描件，需要先做文字识别）")
    _share_columns_across_pages(pages)
    rows: list[Row] = []
    for items in pages:
        for item in items:
            if isinstance(item, _TextItem):
                rows.append(paragraph(item.text, origin=f"第{item.page}页", outside_table=True))
                continue
            for cells in _on_grid(item):
                if any(c for c in cells):
                    rows.append(Row([c or "" for c in cells], origin=f"第{item.page}页"))
    return rows, warnings


def _share_columns_across_pages(pages: list[list[_TableItem | _TextItem]]) -> None:
    """A table broken by a page break is found as one table per page, and pdfplumber derives
    each part's columns from the lines on that page alone: when every row on the next page
    spans two of the first page's columns (绩效指标描述 drawn over two grid columns), that page
    comes back one column short and its cells shift left under the wrong headers. Parts of one
    table (the last table on a page, the first on the next, same width, nothing but a page
    number between them) are put back on one column grid: the union of their column edges."""
    chains: list[list[_TableItem]] = []
    previous: _TableItem | None = None
    for index, items in enumerate(pages):
        tables = [i for i in items if isinstance(i, _TableItem)]
        if not tables:
            previous = None
            continue
        first = tables[0]
        if previous is not None and _continues(previous, first, pages[index - 1], items):
            chains[-1].append(first)
        else:
            chains.append([first])
        for table in tables[1:]:
            chains.append([table])
        previous = tables[-1]
    for chain in chains:
        if len(chain) < 2:
            continue
        grid: list[float] = []
        for table in chain:
            for x in table.columns:
                if all(abs(x - g) > _EDGE_TOLERANCE for g in grid):
                    grid.append(x)
        grid.sort()
        for table in chain:
            table.grid = grid


def _continues(before: _TableItem, after: _TableItem, before_page: list, after_page: list) -> bool:
    if after.page != before.page + 1:
        return False
    if abs(before.x0 - after.x0) > _EDGE_TOLERANCE or abs(before.x1 - after.x1) > _EDGE_TOLERANCE:
        return False
    below = [i for i in before_page if isinstance(i, _TextItem) and i.top >= before.bottom]
    above = [i for i in after_page if isinstance(i, _TextItem) and i.top < after.top]
    return all(len(i.text) <= _FOOTER_MAX_CHARS for i in below) and not above


def _on_grid(table: _TableItem) -> list[list[str | None]]:
    """The table's rows, widened to the shared column grid (positions a cell spans: None)."""
    if table.grid is None or len(table.grid) == len(table.columns):
        return table.cells
    slots = [min(range(len(table.grid)), key=lambda k: abs(table.grid[k] - x)) for x in table.columns]
    widened = []
    for cells in table.cells:
        out: list[str | None] = [None] * len(table.grid)
        for slot, text in zip(slots, cells):
            out[slot] = text
        widened.append(out)
    return widened


def _anchor(obj) -> tuple[float, float]:
    """The point that decides which cell a character belongs to: just inside the glyph's left
    edge, not its middle. Chinese typesetting lets closing punctuation hang past the text edge
    into the cell margin ("（次）" with "）" over the cell border); its middle can fall in the
    next cell, its left edge does not."""
    return obj["x0"] + min(1.0, (obj["x1"] - obj["x0"]) / 2), (obj["top"] + obj["bottom"]) / 2


def _within(point: tuple[float, float], bbox) -> bool:
    x0, top, x1, bottom = bbox
    return x0 <= point[0] < x1 and top <= point[1] < bottom


def _inside(obj, boxes) -> bool:
    if obj.get("object_type") != "char":
        return False
    point = _anchor(obj)
    return any(_within(point, box) for box in boxes)


def _extract_cells(page, table) -> list[list[str | None]]:
    """`table.extract()` with two corrections: characters are placed by `_anchor`, and the
    lines of a cell are re-joined by `_cell_text` (wrapped lines joined, paragraphs kept)."""
    chars = [(c, _anchor(c)) for c in page.chars if _within(_anchor(c), table.bbox)]
    out: list[list[str | None]] = []
    for row in table.rows:
        row_chars = [(c, a) for c, a in chars if _within(a, row.bbox)]
        texts: list[str | None] = []
        for cell in row.cells:
            if cell is None:
                texts.append(None)
            else:
                texts.append(_cell_text([c for c, a in row_chars if _within(a, cell)], cell))
        out.append(texts)
    return out


# the most a cell's inner margin is taken to be (Word's default is 0.19 cm = 5.4 pt)
_MAX_CELL_PADDING = 6.0
_CLOSING = set("，。、；：？！）》」』”’】〕,.;:?!)]%％")
_OPENING = set("（《「『“‘【〔([")


def _cell_text(chars: list[dict], cell) -> str:
    """A cell's lines, re-joined. The PDF wrapped the text to the cell width, so each line
    break is either a wrap (join: no space between two digits, a space otherwise — CJK spaces
    go later in `normalize_text`) or the end of a paragraph (keep "\n"). It is a paragraph end
    when the next line's first unbreakable piece would have fitted in the room left on the
    line, or when the next line starts a numbered item (goals "1.…\n2.…")."""
    if not chars:
        return ""
    lines = chars_to_textmap(chars).extract_text_lines(strip=True, return_chars=True)
    lines = [line for line in lines if line["text"].strip()]
    if not lines:
        return ""
    padding = min(max(0.0, min(line["x0"] for line in lines) - cell[0]), _MAX_CELL_PADDING)
    width = cell[2] - cell[0] - 2 * padding
    out = lines[0]["text"]
    for before, after in zip(lines, lines[1:]):
        room = width - (before["x1"] - before["x0"])
        if _LIST_START.match(after["text"]) or room >= _first_piece_width(after["chars"]) + 0.5:
            out += "\n" + after["text"]
        elif _cut_token(before["text"][-1], after["text"][0]):
            out += after["text"]  # "1000" + "0立方米", "QHYZB-2019-" + "649号", "[2014]" + "44号"
        else:
            out += " " + after["text"]
    return out


def _cut_token(last: str, first: str) -> bool:
    """A wrap inside a number or a document code, not at a space: Chinese documents put no
    space inside "10000", "QHYZB-2019-649" or "[2014]44号", English words aside."""
    if last in "-/_":
        return first.isascii() and first.isalnum()
    return first.isascii() and first.isdigit() and (last.isdigit() or last in ".])")


def _first_piece_width(chars: list[dict]) -> float:
    """Width of what a line cannot be broken before: one CJK character or a run of Latin
    letters/digits, with the opening punctuation before it and the closing punctuation after
    it (line-breaking rules carry "（" down with the next character, keep "）" on its line)."""
    visible = [c for c in chars if c["text"].strip()]
    if not visible:
        return 0.0
    end = 0
    while end < len(visible) - 1 and visible[end]["text"] in _OPENING:
        end += 1
    if _latin(visible[end]["text"]):
        while end + 1 < len(visible) and _latin(visible[end + 1]["text"]):
            end += 1
    while end + 1 < len(visible) and visible[end + 1]["text"] in _CLOSING:
        end += 1
    return visible[end]["x1"] - visible[0]["x0"]


def _latin(ch: str) -> bool:
    """Part of a run of Latin letters, digits and the marks inside codes ("-2021", "A-1/2")."""
    return ch.isascii() and (ch.isalnum() or ch in ".-/_")
