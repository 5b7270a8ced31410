"""整改清单.xlsx: an overview sheet (总览) and one sheet per unit that can be sent back as is.

`render_xlsx(submissions, findings)` returns the workbook as bytes; writing it is the caller's job.
"""
from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from copy import copy
from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..schema import Finding, Submission
from ..taxonomy import CATEGORIES
from .common import (
    NO_SCORE,
    UNASSESSABLE_BELOW,
    all_indicators,
    category_label,
    finding_indicator,
    score,
    severity_counts,
    severity_label,
    specificity_stats,
    summaries,
    table_label,
)

OVERVIEW = "总览"
# 指标明确度 is appended: the first ten columns keep the order units and scripts already rely on
HEADER = ("单位", "表号", "项目", "行", "指标", "问题类别", "严重程度", "原文", "问题说明", "整改建议", "指标明确度")
WIDTHS = (20, 8, 24, 5, 18, 24, 8, 32, 46, 46, 10)
OVERVIEW_HEADER = ("单位", "年度", "文件", "表数", "指标行数", "指标明确度均值", "难以考核占比", "高", "中", "低", "问题合计",
                   "主要问题类别")
OVERVIEW_WIDTHS = (30, 7, 36, 7, 9, 13, 12, 6, 6, 6, 9, 48)
CATEGORY_HEADER = ("问题类别", "代码", "高", "中", "低", "合计", "涉及单位数")
SHARED_HEADER = ("被复制最多的文字", "使用单位数", "使用项目数", "出现次数", "通用表述")
COPIED_HEADER = ("单位", "文件", "文本单元数", "复制单元数", "复制占比")
SHARED_SHOWN = 20

SEVERITY_FILLS = {
    "high": PatternFill("solid", fgColor="F4B6B0"),  # red-ish
    "medium": PatternFill("solid", fgColor="FADC9B"),  # amber
    "low": PatternFill("solid", fgColor="D3DEEA"),  # grey-blue
}
HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")
HEADER_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="top", horizontal="center")
CENTERED_COLUMNS = {"表号", "行", "严重程度", "年度", "表数", "指标行数", "高", "中", "低", "问题合计", "代码", "合计", "涉及单位数",
                    "使用单位数", "使用项目数", "出现次数", "通用表述", "文本单元数", "复制单元数", "复制占比",
                    "指标明确度", "指标明确度均值", "难以考核占比", "原指标明确度", "参考指标明确度"}
# numbers stay numbers (they sort and filter in Excel); shown like the HTML pages show them
NUMBER_FORMATS = {"指标明确度": "0.00", "指标明确度均值": "0.00", "原指标明确度": "0.00", "参考指标明确度": "0.00",
                  "难以考核占比": "0%"}

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_MAX = 31


def sheet_names(units: Sequence[str]) -> list[str]:
    """Excel-valid, unique sheet names: ≤31 characters, no []:*?/\\, no leading or trailing
    apostrophe, unique ignoring case, never 总览 or the reserved History."""
    taken = {OVERVIEW.casefold(), "history"}
    names = []
    for unit in units:
        stem = _SHEET_FORBIDDEN.sub("_", unit).strip().strip("'").strip() or "单位"
        candidate, n = stem[:SHEET_MAX], 1
        while candidate.casefold() in taken:
            n += 1
            suffix = f"-{n}"
            candidate = stem[: SHEET_MAX - len(suffix)] + suffix
        taken.add(candidate.casefold())
        names.append(candidate)
    return names


def render_xlsx(
    submissions: Iterable[Submission],
    findings: Iterable[Finding],
    *,
    failures: Sequence[tuple[str, str]] = (),
    check_errors: Sequence[str] = (),
    boilerplate: dict | None = None,
) -> bytes:
    """The workbook as bytes. `failures` are (file, reason) pairs of files that could not be read;
    `boilerplate` is findings.json's "boilerplate" (shown on 总览 when given)."""
    items = summaries(submissions, findings)
    names = sheet_names([s.unit for s in items])
    workbook = Workbook()
    overview = workbook.active
    overview.title = OVERVIEW
    _overview(overview, items, names, failures, check_errors, boilerplate)
    for summary, name in zip(items, names):
        _unit_sheet(workbook.create_sheet(name), summary)
    workbook.properties.creator = "jixiao-auditor"
    workbook.properties.title = "整改清单"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# per workbook: a style combination already set once → openpyxl's style ids for it
_STYLES: WeakKeyDictionary[Workbook, dict[tuple, StyleArray]] = WeakKeyDictionary()


def _style(cell: Cell, key: tuple, **styles: object) -> None:
    """Set `styles` on `cell`. A combination seen before in the workbook is copied as openpyxl's
    style ids (its documented way of copying a style): assigning style objects hashes them
    every time, a fifth of a small workbook's time."""
    known = _STYLES.setdefault(cell.parent.parent, {})
    ids = known.get(key)
    if ids is None:
        for name, value in styles.items():
            setattr(cell, name, value)
        known[key] = copy(cell._style)
    else:
        cell._style = copy(ids)


def _header(sheet: Worksheet, row: int, titles: Sequence[str]) -> None:
    for column, title in enumerate(titles, start=1):
        cell = sheet.cell(row=row, column=column, value=title)
        _style(cell, ("header",), font=HEADER_FONT, fill=HEADER_FILL, border=BORDER, alignment=CENTER)


def _row(sheet: Worksheet, row: int, values: Sequence, titles: Sequence[str], fills: dict[int, PatternFill] | None = None) -> None:
    """One data row; `fills`: a background for some columns (by 1-based number)."""
    for column, (value, title) in enumerate(zip(values, titles), start=1):
        cell = sheet.cell(row=row, column=column, value=_cell_value(value))
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"  # document text such as "=100%" stays text, never a formula
        styles: dict[str, object] = {"border": BORDER, "alignment": CENTER if title in CENTERED_COLUMNS else WRAP}
        if title in NUMBER_FORMATS and isinstance(cell.value, (int, float)):
            styles["number_format"] = NUMBER_FORMATS[title]
        fill = (fills or {}).get(column)
        if fill is not None:
            styles["fill"] = fill
        _style(cell, ("row", title in CENTERED_COLUMNS, styles.get("number_format"), fill and fill.fgColor.rgb), **styles)


_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def score_value(value: float | None) -> float | str:
    """A specificity for a cell: the figure the HTML pages show, as a number; "—" when not scored."""
    return NO_SCORE if value is None else float(score(value))


def _share_value(value: float | None) -> float | str:
    return NO_SCORE if value is None else value


def _cell_value(value):
    """Control characters are not allowed in the XML; everything else goes in as it is."""
    if isinstance(value, str):
        value = _ILLEGAL_XML.sub("", value)
    return value


def _widths(sheet: Worksheet, widths: Sequence[int]) -> None:
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width


def _print_setup(sheet: Worksheet, header_rows: str) -> None:
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_LANDSCAPE
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = header_rows
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    sheet.oddHeader.center.text = "&A"


def _unit_sheet(sheet: Worksheet, summary) -> None:
    _header(sheet, 1, HEADER)
    _widths(sheet, WIDTHS)
    submission = summary.submission
    row = 1
    for finding in summary.findings:
        row += 1
        indicator = finding_indicator(submission, finding)
        _row(sheet, row, [
            summary.unit,
            finding.table if finding.table else table_label(finding.table),
            finding.project,
            finding.row,
            indicator.level3 if indicator else "",
            category_label(finding.category),
            severity_label(finding.severity),
            finding.evidence,
            finding.message,
            finding.suggestion,
            score_value(indicator.specificity) if indicator else None,  # blank: not about one row
        ], HEADER, {HEADER.index("严重程度") + 1: SEVERITY_FILLS[finding.severity]}
            if finding.severity in SEVERITY_FILLS else None)
    if not summary.findings:
        row += 1
        _row(sheet, row, [summary.unit, "", "", None, "", "", "", "", "未发现问题", "", None], HEADER)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HEADER))}{row}"
    _print_setup(sheet, "1:1")


def _overview(sheet: Worksheet, items, names: Sequence[str], failures, check_errors, boilerplate=None) -> None:
    _widths(sheet, OVERVIEW_WIDTHS)
    total = sum(len(s.findings) for s in items)
    sheet.cell(row=1, column=1, value="预算绩效目标审核 · 整改清单总览").font = TITLE_FONT
    sheet.cell(row=2, column=1, value=f"共 {len(items)} 份文本，{total} 条问题。各单位的问题清单见同名工作表，可直接发回整改。")
    sheet.cell(row=3, column=1, value=f"指标明确度：模型对每行指标可考核程度的评分（0–1），低于 {UNASSESSABLE_BELOW} 计为“难以考核”"
                                      "（占比按已评分的指标行计）；“—”为未评分。")
    header_row = 4
    _header(sheet, header_row, OVERVIEW_HEADER)
    row = header_row
    for summary, name in zip(items, names):
        row += 1
        counts = summary.severities
        stats = summary.specificity
        _row(sheet, row, [
            summary.unit, summary.submission.year, summary.submission.source, summary.tables, summary.rows,
            score_value(stats.mean), _share_value(stats.share),
            counts["high"], counts["medium"], counts["low"], len(summary.findings), summary.top_categories(),
        ], OVERVIEW_HEADER)
        unit = sheet.cell(row=row, column=1)
        unit.hyperlink = f"#'{name}'!A1"
        unit.font = Font(color="1F4E9A", underline="single")
    last_unit_row = row
    all_findings = [f for s in items for f in s.findings]
    counts = severity_counts(all_findings)
    stats = specificity_stats(all_indicators(s.submission for s in items))
    row += 1
    _row(sheet, row, ["合计", None, "", sum(s.tables for s in items), sum(s.rows for s in items),
                      score_value(stats.mean), _share_value(stats.share),
                      counts["high"], counts["medium"], counts["low"], len(all_findings), ""], OVERVIEW_HEADER)
    for column in range(1, len(OVERVIEW_HEADER) + 1):
        sheet.cell(row=row, column=column).font = HEADER_FONT
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(OVERVIEW_HEADER))}{last_unit_row}"

    row += 2
    sheet.cell(row=row, column=1, value="问题类别统计").font = HEADER_FONT
    row += 1
    _header(sheet, row, CATEGORY_HEADER)
    by_category: dict[str, list[Finding]] = {}
    for finding in all_findings:
        by_category.setdefault(finding.category, []).append(finding)
    order = list(CATEGORIES)
    for code in sorted(by_category, key=lambda c: (-len(by_category[c]), order.index(c) if c in order else 99, c)):
        found = by_category[code]
        counts = severity_counts(found)
        row += 1
        _row(sheet, row, [CATEGORIES.get(code, code), code, counts["high"], counts["medium"], counts["low"],
                          len(found), len({f.source for f in found})], CATEGORY_HEADER)
    if not by_category:
        row += 1
        _row(sheet, row, ["未发现问题", "", 0, 0, 0, 0, 0], CATEGORY_HEADER)

    if boilerplate is not None:
        row = _boilerplate(sheet, row, boilerplate)

    if failures:
        row += 2
        sheet.cell(row=row, column=1, value="未能读取的文件").font = HEADER_FONT
        row += 1
        _header(sheet, row, ("文件", "原因"))
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=len(OVERVIEW_HEADER))
        for source, reason in failures:
            row += 1
            _row(sheet, row, [source, reason], ("文件", "原因"))
            sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=len(OVERVIEW_HEADER))
    if check_errors:
        row += 2
        sheet.cell(row=row, column=1, value="检查出错（其余检查照常进行）").font = HEADER_FONT
        for error in check_errors:
            row += 1
            cell = sheet.cell(row=row, column=1, value=_cell_value(error))
            cell.alignment = Alignment(wrap_text=False, vertical="top")
    _print_setup(sheet, f"{header_row}:{header_row}")



def _boilerplate(sheet: Worksheet, row: int, boilerplate: dict) -> int:
    """The 复制粘贴 section of 总览: the most copied texts and each unit's share of copied cells."""
    row += 2
    sheet.cell(row=row, column=1, value="复制粘贴统计：被复制最多的文字").font = HEADER_FONT
    row += 1
    _header(sheet, row, SHARED_HEADER)
    texts = boilerplate.get("shared_texts") or []
    for item in texts[:SHARED_SHOWN]:
        row += 1
        _row(sheet, row, [item["text"], item["units"], item["projects"], item["places_total"],
                          "是" if item.get("common_formula") else ""], SHARED_HEADER)
    if not texts:
        row += 1
        _row(sheet, row, ["没有多个项目共用的文字"], SHARED_HEADER[:1])
    row += 2
    sheet.cell(row=row, column=1, value="复制粘贴统计：各单位复制文字占比").font = HEADER_FONT
    row += 1
    _header(sheet, row, COPIED_HEADER)
    for unit in boilerplate.get("units") or []:
        row += 1
        _row(sheet, row, [unit["unit_name"], unit["source"], unit["cells"], unit["copied_cells"],
                          f"{unit['share']:.0%}"], COPIED_HEADER)
    return row
