"""Reader for text extracted from Word documents (seeds 000–003).

Shape of the input: every table cell starts a line with a tab; a table row ends at a blank
line; lines without a leading tab directly under a cell are further paragraphs of that cell;
a merged cell shows up as a lone tab (an empty cell). Blank paragraphs *inside* a cell also
produce blank lines, so a row may arrive in pieces — `layout.py` re-joins pieces of the
indicator grid by the header's width.
"""
from __future__ import annotations

from .rows import Row, paragraph, strip_markup


def read_word_text(text: str) -> list[Row]:
    rows: list[Row] = []
    cells: list[str] = []
    row_line = 0
    cell_open = False  # a non-tab line right under a cell continues that cell

    def close_row() -> None:
        nonlocal cells, cell_open
        if cells:
            rows.append(Row(cells, line=row_line, fragment=True))
        cells = []
        cell_open = False

    for number, line in enumerate(text.splitlines(), start=1):
        line = strip_markup(line)
        if line.startswith("\t"):
            if not cells:
                row_line = number
            # normally one cell per line; extra tabs (rare) are further cells
            cells.extend(line[1:].split("\t"))
            cell_open = True
        elif not line.strip():
            close_row()
        elif cell_open:
            cells[-1] = f"{cells[-1]}\n{line}"
        else:
            close_row()
            rows.append(paragraph(line, line=number))
    close_row()
    return rows
