"""Reader for .xlsx budget-system exports via openpyxl.

A merged range keeps its value in the top-left cell; every other cell of the range reads as
empty, exactly like a vertically merged Word cell, so `layout.py` carries 一级/二级 down.
A sheet may hold one table or several stacked tables (each under its own title row).
Numbers read as the sheet prints them (number format "0.00" -> "410806.00", "0.00%" -> "30.00%"),
so a schedule cell's raw text is the same as in the Word or PDF version of the table.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import re

from openpyxl import load_workbook

from .rows import Row


def read_xlsx(data: bytes) -> list[Row]:
    workbook = load_workbook(io.BytesIO(data), data_only=True)
    rows: list[Row] = []
    for sheet in workbook.worksheets:
        for index, excel_row in enumerate(sheet.iter_rows(), start=1):
            # keep the sheet's full width: a row's trailing empty cells are real (blank basis)
            cells = [_cell_text(c.value, c.number_format) for c in excel_row]
            if any(c.strip() for c in cells):
                rows.append(Row(cells, origin=f"工作表“{sheet.title}”第{index}行"))
    return rows


def _cell_text(value, number_format: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return _number_text(value, number_format or "General")
    if isinstance(value, dt.datetime):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value).replace("\r\n", "\n").strip()


# the digit part of a number format: "#,##0.00", "0%", "0.0"
_DIGITS_FORMAT_RE = re.compile(r"[#0?][#0?,]*(?:\.(?P<decimals>[#0?]+))?")
_FORMAT_LITERAL_RE = re.compile(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]')


def _number_text(value: int | float, number_format: str) -> str:
    """The number as the sheet shows it: "0.00" keeps two decimals ("410806.00"), "0%" and
    "0.00%" print a percentage ("25%", "30.00%"), "#,##0" groups thousands. A format never
    hides precision the value has (2.625 under "0.00" stays "2.625"): the audit needs the
    number, and the printed digits are only its spelling. "General" prints the plain number."""
    if not math.isfinite(value):
        return str(value)
    section = _FORMAT_LITERAL_RE.sub("", number_format.split(";")[0])
    percent = "%" in section
    digits = _DIGITS_FORMAT_RE.search(section) if section.lower() != "general" else None
    number = float(value) * 100 if percent else float(value)
    shown = (digits.group("decimals") or "").count("0") if digits else 0
    needed = _decimals_needed(number)
    decimals = max(shown, needed)
    grouping = "," if digits and "," in digits.group(0).split(".")[0] else ""
    text = f"{number:{grouping}.{decimals}f}"
    return f"{text}%" if percent else text


def _decimals_needed(number: float) -> int:
    text = f"{round(number, 10):.10f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0
