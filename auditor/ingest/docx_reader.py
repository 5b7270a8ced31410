"""Reader for .docx via python-docx, walking the body in document order.

Merged cells are read the way Word's own text export shows them: a horizontally merged cell
once, a vertically merged continuation as an empty cell. python-docx's `row.cells` repeats a
merged cell for every grid column it spans (and for every row of a vertical merge), so cells
are taken from the underlying `<w:tc>` elements instead of from `row.cells`.
"""
from __future__ import annotations

import io

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from .rows import Row, paragraph, strip_markup


def read_docx(data: bytes) -> list[Row]:
    document = Document(io.BytesIO(data))
    rows: list[Row] = []
    for element in _body_blocks(document.element.body):
        if element.tag == qn("w:p"):
            text = strip_markup(Paragraph(element, document).text)
            if text.strip():
                rows.append(paragraph(text.strip(), outside_table=True))
        elif element.tag == qn("w:tbl"):
            rows.extend(_table_rows(Table(element, document)))
    return rows


def _body_blocks(body):
    for child in body.iterchildren():
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag == qn("w:sdt"):  # content controls (a TOC) wrap ordinary paragraphs
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_blocks(content)


def _table_rows(table: Table) -> list[Row]:
    rows: list[Row] = []
    for index, tr in enumerate(table._tbl.tr_lst):
        cells: list[str] = []
        for tc in tr.tc_lst:
            if tc.vMerge == "continue":
                cells.append("")  # continuation of a vertical merge: empty, as Word prints it
            else:
                cells.append(_cell_text(_Cell(tc, table)))
        rows.append(Row(cells, origin=f"表格第{index + 1}行"))
    return rows


def _cell_text(cell: _Cell) -> str:
    parts = [strip_markup(p.text) for p in cell.paragraphs]
    for nested in cell.tables:  # rare: a table inside a cell; keep its words
        parts.extend("\t".join(_cell_text(c) for c in row.cells) for row in nested.rows)
    return "\n".join(parts).strip("\n")
