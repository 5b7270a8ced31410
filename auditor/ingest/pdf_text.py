"""Reader for text extracted from PDF (seed 004).

Shape of the input: a table row is one line with tab-separated cells and a trailing tab;
prose is plain lines separated by blank lines; a page break splits a paragraph in two
(the first half stops mid-sentence); a table of contents uses dot leaders and a tab before
the page number. Words wrapped inside a cell come back joined by spaces — `values.normalize_text`
removes those when `layout.py` cleans each cell.
"""
from __future__ import annotations

import re

from .rows import Row, paragraph, strip_markup

# A paragraph that stops without closing punctuation and is long is a page-broken paragraph.
_SENTENCE_END = "。！？；：…」』”）)!?;:"
_MIN_BROKEN_LINE = 40
_HEADING_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．、]|第[一二三四]部分)")


def read_pdf_text(text: str) -> list[Row]:
    rows: list[Row] = []
    joinable = False  # the previous paragraph was cut by a page break
    for number, line in enumerate(text.splitlines(), start=1):
        line = strip_markup(line)
        if "\t" in line:
            cells = line.split("\t")
            if line.endswith("\t"):
                cells.pop()  # the row terminator, not an empty last cell
            rows.append(Row(cells, line=number))
            joinable = False
        elif not line.strip():
            continue
        elif joinable and rows and rows[-1].paragraph and not _HEADING_RE.match(line):
            rows[-1].cells[0] += line.strip()
            joinable = len(line) >= _MIN_BROKEN_LINE and not line.rstrip().endswith(tuple(_SENTENCE_END))
        else:
            stripped = line.strip()
            rows.append(paragraph(stripped, line=number))
            joinable = len(stripped) >= _MIN_BROKEN_LINE and not stripped.endswith(tuple(_SENTENCE_END))
    return rows
