"""Reader for HTML tables: budget systems often export "Excel" files that are really HTML
(`.xls` containing `<table>`), and Word's "save as web page" gives an HTML `.doc`.

rowspan/colspan follow the same convention as the other readers: the text sits in the first
position of the span, every other covered position reads as an empty cell.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

from .rows import Row, paragraph

_BLOCK_TAGS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "title", "section", "article", "header"}
_SKIP_TAGS = {"script", "style", "head"}


def looks_like_html(text: str) -> bool:
    head = text.lstrip("\ufeff \r\n\t")[:2000].lower()
    return head.startswith("<") and ("<table" in text[:200000].lower() or "<html" in head)


class _TableHTMLParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[Row] = []
        self._text: list[str] = []  # prose outside tables
        self._tables: list[dict] = []  # stack (a cell may hold a nested table)
        self._skip = 0

    # ---- prose
    def _flush_text(self) -> None:
        text = re.sub(r"[ \t\r\f\v]+", " ", "".join(self._text)).strip()
        self._text = []
        for line in text.split("\n"):
            if line.strip():
                self.rows.append(paragraph(line.strip(), outside_table=True))

    # ---- events
    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag == "table":
            if not self._tables:
                self._flush_text()
            self._tables.append({"grid": {}, "row": -1, "col": 0, "cell": None})
        elif tag == "tr" and self._tables:
            table = self._tables[-1]
            table["row"] += 1
            table["col"] = 0
        elif tag in ("td", "th") and self._tables:
            table = self._tables[-1]
            row = max(table["row"], 0)
            table["row"] = row
            while (row, table["col"]) in table["grid"]:  # skip positions covered by a rowspan
                table["col"] += 1
            span_rows = _int(attributes.get("rowspan"))
            span_cols = _int(attributes.get("colspan"))
            col = table["col"]
            cell = {"parts": []}
            for r in range(row, row + span_rows):
                for c in range(col, col + span_cols):
                    table["grid"][(r, c)] = cell if (r, c) == (row, col) else None
            table["cell"] = cell
            table["col"] += span_cols
        elif tag == "br" or tag in _BLOCK_TAGS:
            self._newline()

    def handle_endtag(self, tag):
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag == "table" and self._tables:
            table = self._tables.pop()
            rows = _grid_rows(table["grid"])
            if self._tables:  # nested: its words go into the enclosing cell
                outer = self._tables[-1]["cell"]
                if outer is not None:
                    outer["parts"].append("\n".join("\t".join(r) for r in rows))
            else:
                self.rows.extend(Row(cells) for cells in rows if any(c.strip() for c in cells))
        elif tag in ("td", "th") and self._tables:
            self._tables[-1]["cell"] = None
        elif tag in _BLOCK_TAGS:
            self._newline()

    def handle_data(self, data):
        if self._skip:
            return
        if self._tables:
            cell = self._tables[-1]["cell"]
            if cell is not None:
                cell["parts"].append(data)
        else:
            self._text.append(data)

    def _newline(self) -> None:
        if self._tables:
            cell = self._tables[-1]["cell"]
            if cell is not None:
                cell["parts"].append("\n")
        else:
            self._text.append("\n")

    def close(self) -> None:
        super().close()
        while self._tables:  # unclosed tables in broken HTML
            self.handle_endtag("table")
        self._flush_text()


def _int(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 500))
    except ValueError:
        return 1


def _grid_rows(grid: dict) -> list[list[str]]:
    if not grid:
        return []
    height = max(r for r, _ in grid) + 1
    width = max(c for _, c in grid) + 1
    rows = []
    for r in range(height):
        cells = []
        for c in range(width):
            cell = grid.get((r, c))
            text = "".join(cell["parts"]) if cell else ""
            text = re.sub(r"[ \t\r\f\v\xa0]+", " ", text)
            cells.append("\n".join(line.strip() for line in text.split("\n") if line.strip()))
        rows.append(cells)
    return rows


def read_html(text: str) -> list[Row]:
    parser = _TableHTMLParser()
    parser.feed(text)
    parser.close()
    return parser.rows
