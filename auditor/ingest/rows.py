"""The common currency of every reader: a flat stream of rows.

A reader turns its format into `Row`s in reading order — a table row is a list of cell texts,
a prose line is a one-cell row flagged `paragraph`. One interpreter (`layout.py`) then builds
the `Submission`, so every format is understood by the same rules.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

# Word's bookmark markers survive text extraction as "[bookmark: _Toc_4_4_0000000004]".
BOOKMARK_RE = re.compile(r"\[bookmark:[^\]]*\]")
# Field codes survive as " TC 1、xxx绩效目标表 \f C \l 1 " (table-of-contents entries) or
# " PAGEREF _Toc123 \h ". Everything from the field keyword to its last switch is dropped.
FIELD_CODE_RE = re.compile(
    r"""\s+(?:TC|TOC|PAGEREF|HYPERLINK|REF|SEQ)\s        # the field keyword
        (?:[^\\]|\\[“”"'\\])*?                          # its argument (may hold escaped quotes)
        (?:\\[a-zA-Z*]\s*(?:[A-Za-z0-9"\-]+)?\s*)+$      # one or more switches such as \f C \l 1
    """,
    re.VERBOSE,
)


def strip_markup(text: str) -> str:
    """Remove Word artefacts that are not part of the document's words."""
    text = BOOKMARK_RE.sub("", text)
    return FIELD_CODE_RE.sub("", text)


@dataclass
class Row:
    cells: list[str]  # verbatim cell texts (markup removed); paragraphs inside a cell joined by "\n"
    paragraph: bool = False  # prose outside any table
    line: int | None = None  # 1-based source line (text formats) for messages
    origin: str = ""  # e.g. "page 3" or "sheet 表1" for binary formats
    # Word text only: a blank paragraph inside a cell ends the line group early, so this row
    # may be the first piece of a table row whose remaining cells follow
    fragment: bool = False
    # a paragraph the reader knows lies outside every table (a body paragraph of a .docx, text
    # outside the ruled cells of a .pdf): never text that wrapped out of a table cell
    outside_table: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\t".join(self.cells)

    def is_blank(self) -> bool:
        return all(not c.strip() for c in self.cells)


def paragraph(text: str, line: int | None = None, origin: str = "", outside_table: bool = False) -> Row:
    return Row([text], paragraph=True, line=line, origin=origin, outside_table=outside_table)
