"""Reader for .xlsx budget-system exports via openpyxl.

A merged range keeps its value in the top-left cell; every other cell of the range reads as
empty, exactly like a vertically merged Word cell, so `layout.py` carries 一级/二级 down.
A sheet may hold one table or several stacked tables (each under its own title row).
"""
from __future__ import annotations

import datetime as dt
import io

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
        if "%" in (number_format or ""):
            return f"{value * 100:g}%"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, dt.datetime):
        return f"{value.year}年{value.month}月{value.day}日"
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value).replace("\r\n", "\n").strip()
