"""The text units of a run: every goal, indicator description, value + basis, fund use and Part 1
sentence of every submission, with where it stands and its verbatim text (for evidence).

Also the normalisation every comparison in the index runs on (`key`: values.normalize_text then
textsim.comparable), the word segmentation (a private jieba dictionary that knows the budget
terms of rules/lexicons/budget_terms.yaml) and the character 2–3-gram shingles.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from .. import evidence
from ..resources import lexicon
from ..schema import Submission
from ..textsim import comparable, private_tokenizer
from ..values import normalize_text

# unit kinds and the findings.json `field` a finding on them carries
FIELDS = {
    "goal": "goal",
    "description": "description",
    "value_basis": "basis",
    "fund_use": "budget",  # the report shows a fund-use quote on the 资金用途 cell
    "narrative": "narrative",
}
FIELD_LABELS = {
    "goal": "绩效目标",
    "description": "绩效指标描述",
    "value_basis": "指标值和确定依据",
    "fund_use": "资金用途",
    "narrative": "第一部分",
}
SEPARATOR = "｜"  # between value and basis in a value_basis unit
_SENTENCE_END = re.compile(r"(?<=[。；;！!？?\n])")


@dataclass(frozen=True, slots=True)
class TextUnit:
    """One comparable piece of text and where it stands. Slotted: a province index holds
    millions of them, and a per-instance __dict__ would triple their memory."""

    source: str  # the submission's path as given
    unit_name: str  # the 单位 (organisation) that submitted it
    table: int  # the table number as printed; 0 = Part 1
    project: str
    row: int | None  # 1-based indicator row; None for goals, fund use and Part 1
    kind: str  # goal | description | value_basis | fund_use | narrative
    index: int  # goal number (0-based) or sentence number within Part 1; 0 otherwise
    text: str  # the unit as compared ("value｜basis" for value_basis)
    evidence: str  # verbatim document text to quote (the basis, or the value when it has none)

    @property
    def field(self) -> str:
        return FIELDS[self.kind]

    @property
    def key(self) -> str:
        return normalise(self.text)

    def place(self) -> str:
        """"第5行绩效指标描述", "绩效目标2", "资金用途", "第一部分"."""
        if self.kind == "goal":
            return f"绩效目标{self.index + 1}"
        if self.row is not None:
            return f"第{self.row}行{FIELD_LABELS[self.kind]}"
        return FIELD_LABELS[self.kind]

    def to_dict(self) -> dict:
        return {"source": self.source, "unit_name": self.unit_name, "table": self.table,
                "project": self.project, "row": self.row, "field": self.field, "text": self.evidence}


def normalise(text: str) -> str:
    """The form every comparison runs on: folded, without punctuation, numbering or spaces."""
    return comparable(normalize_text(text or ""))


def sentences(paragraph: str) -> list[str]:
    """A Part 1 paragraph cut at 。；！？ and line breaks (each piece stripped, blanks dropped)."""
    return [s.strip() for s in _SENTENCE_END.split(paragraph or "") if s.strip()]


def extract_units(submission: Submission) -> list[TextUnit]:
    """Every text unit of one submission, in document order; blank cells are left out."""
    return list(_units(submission))


def _units(submission: Submission) -> Iterator[TextUnit]:
    source, org = submission.source, submission.unit_name

    def unit(table, row, kind, index, text, quote=None):
        text = (text or "").strip()
        if text and normalise(text):
            return TextUnit(source, org, table.number if table is not None else 0,
                            (table.project or table.title) if table is not None else "",
                            row, kind, index, text, (quote or text).strip())
        return None

    found: list[TextUnit | None] = []
    number = 0
    for paragraph in submission.part1.all_paragraphs:
        for sentence in sentences(paragraph):
            found.append(unit(None, None, "narrative", number, sentence))
            number += 1
    for table in submission.tables:
        found.append(unit(table, None, "fund_use", 0, table.fund_use))
        for index in range(len(table.goals)):
            found.append(unit(table, None, "goal", index, evidence.goal(table, index)))
        for indicator in table.indicators:
            found.append(unit(table, indicator.row, "description", 0, evidence.cell(indicator, "description")))
            value, basis = evidence.cell(indicator, "value"), evidence.cell(indicator, "basis")
            if value or basis:
                found.append(unit(table, indicator.row, "value_basis", 0, f"{value}{SEPARATOR}{basis}",
                                  basis or value))
    yield from (u for u in found if u is not None)


def fingerprint(submission: Submission, units: Iterable[TextUnit] | None = None) -> str:
    """Identifies a submission by content, whatever path it was read from: a file audited
    against an index that already holds it is matched with its own entry, not with itself."""
    digest = hashlib.sha1()
    digest.update(f"{normalise(submission.unit_name)}|{submission.year}".encode())
    for u in units if units is not None else extract_units(submission):
        digest.update(f"|{u.table}:{u.row}:{u.kind}:{u.index}:{u.key}".encode())
    return digest.hexdigest()


# ------------------------------------------------------------------------------------------------
# Segmentation and shingles
# ------------------------------------------------------------------------------------------------


class Segmenter:
    """jieba with the budget-term dictionary, in a private `jieba.Tokenizer` (the module-level
    jieba other checks use is left untouched). HMM new-word guessing is off, so a phrase
    segments the same way in every cell."""

    def __init__(self, terms: Iterable[str]):
        self._tokenizer = private_tokenizer(terms)

    def words(self, text: str) -> list[str]:
        return [w for w in self._tokenizer.cut(text, HMM=False) if w.strip()]


@lru_cache(maxsize=1)
def segmenter() -> Segmenter:
    return Segmenter(lexicon("budget_terms").get("terms") or ())


def shingles(key: str, sizes: tuple[int, ...] = (2, 3), words: bool = False) -> set[str]:
    """Character n-grams of a normalised text (the whole text when shorter than the smallest
    size); with `words`, also its jieba words of two or more characters."""
    grams: set[str] = set()
    for n in sizes:
        grams.update(key[i : i + n] for i in range(len(key) - n + 1))
    if not grams and key:
        grams.add(key)
    if words and key:
        grams.update("\x00" + w for w in segmenter().words(key) if len(w) >= 2)
    return grams
