"""Build .docx / .xlsx / .pdf files that look like real users' 项目绩效目标表 from a parsed table.

The seeds in corpus/ are text extracted from Word and PDF. These builders turn one parsed
`ProjectTable` (plus its unit line) back into the document a user would have submitted, with
real merged cells, so the binary readers can be checked against the text form:

* one layout (`table_grid`) — a 7-column grid of placed cells with row/column spans — shared by
  all three formats, following the budget-system template:

      [unit line ............................. | 单位：元 ......]
      [项目编码 | code .......... | 项目名称 | name ...........]
      [预算规模及资金用途 | 预算数 | x | 其中：财政资金 | y | 其他资金 | z]
      [(merged from above) | fund use ..........................]
      [资金支出计划（%） | 3月底 ...... | 6月底 | 10月底 | 12月底 ..]
      [(merged from above) | values, aligned under the periods ..]
      [绩效目标 | 1.xxx / 2.yyy (one paragraph each) ..............]
      [一级指标 | 二级指标 | 三级指标 | 绩效指标描述 ... | 指标值 | 指标值确定依据]
      [产出指标 (merged down its group) | 数量指标 (merged over equal neighbours) | …]

* `build_docx` — python-docx, title paragraph then one Word table, merges made with
  `cell.merge()` (so `row.cells` repeats merged cells, as in real files);
* `build_xlsx` — openpyxl, `merge_cells`, several tables stacked on a sheet or one per sheet;
  budget figures and schedule values are written as numbers with a number format, as the
  budget system exports them;
* `build_pdf` — reportlab, a ruled table (GRID + SPAN), CJK text in the built-in CID font
  STSong-Light, Paragraph-wrapped cells; title and unit line as text above the table; long
  tables flow onto further pages.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from auditor.schema import ProjectTable

NCOLS = 7
# indicator grid: column index and span of each field (绩效指标描述 spans two grid columns)
INDICATOR_COLUMNS = (
    ("level1", 0, 1, "一级指标"),
    ("level2", 1, 1, "二级指标"),
    ("level3", 2, 1, "三级指标"),
    ("description", 3, 2, "绩效指标描述"),
    ("value", 5, 1, "指标值"),
    ("basis", 6, 1, "指标值确定依据"),
)
# 资金支出计划: the usual four periods spread over the six grid columns right of the label
SCHEDULE_SPANS = ((1, 2), (3, 1), (4, 1), (5, 2))


def _schedule_spans(count: int) -> list[tuple[int, int]]:
    if count == len(SCHEDULE_SPANS):
        return list(SCHEDULE_SPANS)
    if not 0 < count <= NCOLS - 1:
        raise ValueError(f"cannot lay out {count} schedule periods in {NCOLS - 1} columns")
    spans = [(col, 1) for col in range(1, count)]
    return [*spans, (count, NCOLS - count)]  # the last period takes the remaining columns


# ---------------------------------------------------------------- the shared layout


@dataclass
class Placed:
    """One cell of the grid: top-left position, spans, and its paragraphs."""

    row: int
    col: int
    paragraphs: list[str]
    rowspan: int = 1
    colspan: int = 1
    numeric: str | None = None  # xlsx: write as a number with this number format


@dataclass
class Grid:
    title: str  # "4.xxx绩效目标表"
    unit_line: str
    money_unit: str
    cells: list[Placed] = field(default_factory=list)
    nrows: int = 0
    header_row: int = 0  # index of the indicator header row (一级指标 | 二级指标 | …)

    def add(self, row: int, col: int, text: str | list[str], rowspan: int = 1, colspan: int = 1,
            numeric: str | None = None) -> None:
        paragraphs = text if isinstance(text, list) else (text.split("\n") if text else [""])
        self.cells.append(Placed(row, col, paragraphs, rowspan, colspan, numeric))
        self.nrows = max(self.nrows, row + rowspan)


def title_of(table: ProjectTable) -> str:
    return f"{table.number}.{table.title}绩效目标表"


def table_grid(table: ProjectTable, unit_line: str | None = None, *, unit_in_table: bool = True) -> Grid:
    """The table as the budget system prints it. `unit_in_table=False` leaves the unit line and
    money unit out of the grid (PDF prints them as text above the table)."""
    unit_line = table.unit_line if unit_line is None else unit_line
    grid = Grid(title_of(table), unit_line, table.money_unit)
    r = 0
    if unit_in_table:
        grid.add(r, 0, unit_line, colspan=5)
        grid.add(r, 5, f"单位：{table.money_unit}", colspan=2)
        r += 1
    grid.add(r, 0, "项目编码")
    grid.add(r, 1, table.project_code, colspan=2)
    grid.add(r, 3, "项目名称")
    grid.add(r, 4, table.project, colspan=3)
    r += 1
    grid.add(r, 0, "预算规模及资金用途", rowspan=2)
    budget = table.budget
    for col, text in enumerate(
        ("预算数", budget.raw_total, "其中：财政资金", budget.raw_fiscal, "其他资金", budget.raw_other), start=1
    ):
        label = col % 2 == 1
        grid.add(r, col, text if label else text.strip(), numeric=None if label else _number_format(text))
    grid.add(r + 1, 1, table.fund_use, colspan=6)
    r += 2
    grid.add(r, 0, "资金支出计划（%）", rowspan=2)
    points = table.schedule or []
    for (col, span), point in zip(_schedule_spans(len(points)) if points else [], points):
        grid.add(r, col, point.period, colspan=span)
        grid.add(r + 1, col, point.raw, colspan=span, numeric=_number_format(point.raw))
    r += 2
    grid.add(r, 0, "绩效目标")
    goals = [f"{i}.{goal}" for i, goal in enumerate(table.goals, start=1)] or table.goals_raw.split("\n")
    grid.add(r, 1, goals, colspan=6)
    r += 1
    grid.header_row = r
    for _key, col, span, label in INDICATOR_COLUMNS:
        grid.add(r, col, label, colspan=span)
    r += 1
    indicators = table.indicators
    start = r
    # 一级指标 merged down each run of equal level1; 二级 merged over equal neighbours within it
    for key in ("level1", "level2"):
        i = 0
        while i < len(indicators):
            j = i + 1
            while (
                j < len(indicators)
                and getattr(indicators[j], key) == getattr(indicators[i], key)
                and indicators[j].level1 == indicators[i].level1
            ):
                j += 1
            col = 0 if key == "level1" else 1
            grid.add(start + i, col, getattr(indicators[i], key), rowspan=j - i)
            i = j
    for offset, indicator in enumerate(indicators):
        for key, col, span, _label in INDICATOR_COLUMNS[2:]:
            grid.add(start + offset, col, getattr(indicator, key), colspan=span)
    grid.nrows = max(grid.nrows, start + len(indicators))
    return grid


def _number_format(raw: str) -> str | None:
    """'410806.00' -> '0.00', '25%' -> '0%', '30.00%' -> '0.00%', '0' -> '0'; text -> None."""
    m = re.fullmatch(r"\s*(\d+)(?:\.(\d+))?\s*(%?)\s*", raw or "")
    if not m:
        return None
    decimals = len(m.group(2) or "")
    return ("0." + "0" * decimals if decimals else "0") + m.group(3)


def _number_value(raw: str) -> float:
    text = raw.strip()
    if text.endswith("%"):
        return float(text[:-1]) / 100
    return float(text)


# ---------------------------------------------------------------- Word


def build_docx(path: str | Path, items: list) -> Path:
    """`items`: `ProjectTable`s (or `(ProjectTable, unit_line)` pairs) and prose strings, in order."""
    from docx import Document
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.size = Pt(10)
    for item in items:
        if isinstance(item, str):
            document.add_paragraph(item)
            continue
        table, unit_line = item if isinstance(item, tuple) else (item, None)
        grid = table_grid(table, unit_line)
        document.add_paragraph(grid.title)
        add_docx_table(document, grid)
        document.add_paragraph("")  # Word keeps an empty paragraph after a table
    path = Path(path)
    document.save(path)
    return path


def add_docx_table(document, grid: Grid):
    word_table = document.add_table(rows=grid.nrows, cols=NCOLS)
    word_table.style = "Table Grid"
    # merge first (merging concatenates the cells' paragraphs), then write the text
    for placed in grid.cells:
        if placed.rowspan > 1 or placed.colspan > 1:
            top_left = word_table.cell(placed.row, placed.col)
            bottom_right = word_table.cell(placed.row + placed.rowspan - 1, placed.col + placed.colspan - 1)
            top_left.merge(bottom_right)
    for placed in grid.cells:
        cell = word_table.cell(placed.row, placed.col)
        cell.text = placed.paragraphs[0]
        for extra in placed.paragraphs[1:]:
            cell.add_paragraph(extra)
    return word_table


# ---------------------------------------------------------------- Excel


def build_xlsx(path: str | Path, sheets: list[list], sheet_names: list[str] | None = None) -> Path:
    """`sheets`: one list of tables per sheet; tables on one sheet are stacked with a blank row
    between them, each under its own (merged) title row."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    workbook = Workbook()
    workbook.remove(workbook.active)
    for index, tables in enumerate(sheets):
        name = sheet_names[index] if sheet_names else f"表{index + 1}"
        sheet = workbook.create_sheet(name)
        top = 1
        for item in tables:
            table, unit_line = item if isinstance(item, tuple) else (item, None)
            grid = table_grid(table, unit_line)
            sheet.cell(row=top, column=1, value=grid.title)
            sheet.merge_cells(start_row=top, start_column=1, end_row=top, end_column=NCOLS)
            top += 1
            for placed in grid.cells:
                text = "\n".join(placed.paragraphs)
                cell = sheet.cell(row=top + placed.row, column=placed.col + 1)
                if placed.numeric and text.strip():
                    cell.value = _number_value(text)
                    cell.number_format = placed.numeric
                else:
                    cell.value = text if text.strip() else None
                cell.alignment = Alignment(wrap_text=True, vertical="center")
                if placed.rowspan > 1 or placed.colspan > 1:
                    sheet.merge_cells(
                        start_row=top + placed.row,
                        start_column=placed.col + 1,
                        end_row=top + placed.row + placed.rowspan - 1,
                        end_column=placed.col + placed.colspan,
                    )
            top += grid.nrows + 1  # one blank row before the next table
    path = Path(path)
    workbook.save(path)
    return path


# ---------------------------------------------------------------- PDF

PDF_FONT = "STSong-Light"  # reportlab's built-in CID font: needs no font file, pdfplumber reads it
_font_registered = False


def _register_font() -> None:
    global _font_registered
    if not _font_registered:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
        _font_registered = True


# column widths in points: 490 of A4's 510 between 1.5 cm margins
PDF_COL_WIDTHS = (62, 62, 78, 72, 72, 62, 82)


def build_pdf(path: str | Path, items: list, pagesize=None, font_size: float = 9, page_numbers: bool = False) -> Path:
    """`items`: `ProjectTable`s (or `(table, unit_line)` pairs) and prose strings, in order;
    `page_numbers` prints "- N -" at the foot of every page.

    A table taller than the page continues on the next one. Word cuts a vertically merged cell
    at the page break (the rest continues, empty, on the next page); reportlab cannot split
    inside a SPAN, so the document is laid out once to learn where the pages break and then
    again with each merge cut there (repeated until the breaks stop moving)."""
    # first pass: no vertical merges at all, so the table may break after any row
    data, cuts = _render_pdf(items, None, pagesize, font_size, page_numbers)
    for _attempt in range(5):
        data, breaks = _render_pdf(items, cuts, pagesize, font_size, page_numbers)
        if all(found <= cuts.get(index, set()) for index, found in breaks.items()):
            break
        for index, found in breaks.items():
            cuts.setdefault(index, set()).update(found)
    else:  # pragma: no cover - the breaks always settle within a pass or two
        raise RuntimeError("PDF page breaks did not settle")
    path = Path(path)
    path.write_bytes(data)
    return path


def _render_pdf(
    items: list, cuts: dict[int, set[int]] | None, pagesize, font_size: float, page_numbers: bool
) -> tuple[bytes, dict[int, set[int]]]:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_font()

    class RecordingTable(Table):
        """Remembers at which (absolute) row each page break cut the table."""

        origin = 0
        log: set[int] | None = None

        def split(self, availWidth, availHeight):
            parts = super().split(availWidth, availHeight)
            if len(parts) == 2:
                first, second = parts
                first.log = second.log = self.log
                first.origin = self.origin
                second.origin = self.origin + len(first._cellvalues)
                self.log.add(second.origin)
            return parts

    cell_style = ParagraphStyle("cell", fontName=PDF_FONT, fontSize=font_size, leading=font_size * 1.3,
                                wordWrap="CJK")
    text_style = ParagraphStyle("text", fontName=PDF_FONT, fontSize=font_size + 1, leading=(font_size + 1) * 1.5,
                                wordWrap="CJK", spaceAfter=4)
    title_style = ParagraphStyle("title", parent=text_style, fontSize=font_size + 4, leading=(font_size + 4) * 1.5,
                                 alignment=1, spaceAfter=6)
    story = []
    breaks: dict[int, set[int]] = {}
    for index, item in enumerate(items):
        if isinstance(item, str):
            story.append(Paragraph(escape(item), text_style))
            continue
        table, unit_line = item if isinstance(item, tuple) else (item, None)
        grid = table_grid(table, unit_line, unit_in_table=False)
        story.append(Paragraph(escape(grid.title), title_style))
        story.append(Paragraph(escape(grid.unit_line), text_style))
        story.append(Paragraph(escape(f"单位：{grid.money_unit}"), text_style))
        data = [["" for _ in range(NCOLS)] for _ in range(grid.nrows)]
        commands = [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]
        page_breaks = sorted(cuts.get(index, ())) if cuts is not None else range(grid.nrows)
        for placed in grid.cells:
            text = "<br/>".join(escape(p) for p in placed.paragraphs)
            data[placed.row][placed.col] = Paragraph(text, cell_style) if text.strip() else ""
            # a merge crossing a page break becomes one merge per page; the text stays on the first
            first, last = placed.row, placed.row + placed.rowspan - 1
            pieces = [first, *[b for b in page_breaks if first < b <= last], last + 1]
            for top, bottom in zip(pieces, pieces[1:]):
                if bottom - 1 > top or placed.colspan > 1:
                    commands.append(("SPAN", (placed.col, top), (placed.col + placed.colspan - 1, bottom - 1)))
        pdf_table = RecordingTable(data, colWidths=PDF_COL_WIDTHS, splitByRow=1)
        pdf_table.log = breaks.setdefault(index, set())
        pdf_table.setStyle(TableStyle(commands))
        story.append(pdf_table)
        story.append(Spacer(1, 0.8 * cm))
    def footer(canvas, document):
        if page_numbers:
            canvas.setFont(PDF_FONT, font_size)
            canvas.drawCentredString(document.pagesize[0] / 2, 0.8 * cm, f"- {document.page} -")

    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=pagesize or A4, leftMargin=1.5 * cm, rightMargin=1.5 * cm,
                      topMargin=1.5 * cm, bottomMargin=1.5 * cm, title="绩效目标表").build(
        story, onFirstPage=footer, onLaterPages=footer
    )
    return buffer.getvalue(), breaks
