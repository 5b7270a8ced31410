"""Reader for .pdf via pdfplumber: ruled tables become rows, text outside tables becomes
paragraphs, both in reading order page by page. A merged cell comes back as None in the
positions it covers, which we read as empty — the same convention as the other readers.
A table broken across pages simply continues in the row stream.
"""
from __future__ import annotations

import io
import re

import pdfplumber

from .rows import Row, paragraph

_LIST_START = re.compile(r"^\s*(?:\d{1,2}\s*[.．、]|[（(]\d{1,2}[）)])")


def read_pdf(data: bytes) -> tuple[list[Row], list[str]]:
    rows: list[Row] = []
    warnings: list[str] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            items: list[tuple[float, int, list[Row]]] = []
            tables = page.find_tables()
            boxes = [t.bbox for t in tables]
            for order, table in enumerate(tables):
                table_rows = [
                    Row([_join_wrapped(c) for c in r], origin=f"第{number}页")
                    for r in table.extract()
                    if any(c for c in r)
                ]
                items.append((table.bbox[1], order, table_rows))
            outside = page.filter(lambda obj, boxes=boxes: not _inside(obj, boxes))
            for line in outside.extract_text_lines(return_chars=False):
                text = line["text"].strip()
                if text:
                    items.append((line["top"], 10_000, [paragraph(text, origin=f"第{number}页")]))
            for _, _, block in sorted(items, key=lambda item: (item[0], item[1])):
                rows.extend(block)
            if not page.chars and not tables:
                warnings.append(f"第{number}页没有可提取的文字（可能是扫描件，需要先做文字识别）")
    return rows, warnings


def _inside(obj, boxes) -> bool:
    if obj.get("object_type") != "char":
        return False
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _join_wrapped(cell: str | None) -> str:
    """pdfplumber breaks a cell's text where the PDF wrapped it. Re-join wrapped lines; keep a
    line break only where a new numbered item begins (so goals still split)."""
    if not cell:
        return ""
    lines = cell.split("\n")
    out = lines[0]
    for line in lines[1:]:
        out += ("\n" if _LIST_START.match(line) else " ") + line
    return out
