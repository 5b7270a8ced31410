"""Plain data model shared by every stage: ingest fills it, checks read it, reports render it.

Field names that appear in findings.json follow the contract in DESIGN.md exactly; extra
attributes (raw cell text, parsed values) serve the checks and stay out of the contract keys
unless listed in `to_dict`.

The classes a province-sized run holds by the million (indicator rows, parsed values, findings)
are slotted: without a per-instance __dict__ each takes about a third of the memory.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Kinds of quantity an 指标值 can express (DESIGN.md: percent/money/count/duration/date/text).
VALUE_KINDS = ("percent", "money", "count", "duration", "date", "text")


@dataclass(slots=True)
class Money:
    """One money amount found in text, e.g. "≤2.62万元" or "65700元"."""

    raw: str  # the matched text, verbatim
    amount: float  # the number as written
    unit: str  # 元 | 万元 | 亿元 | 元/人 … (normalised spelling)
    yuan: float  # the amount in 元 (per-unit amounts: 元 per that unit)
    per: str | None = None  # "人" for 元/人, None for a plain total
    start: int = 0  # character offsets in the text that was searched
    end: int = 0


@dataclass(slots=True)
class Value:
    """A parsed 指标值. `raw` is what the table says; the rest is what we understood."""

    raw: str
    comparator: str | None = None  # one of ≥ ≤ = > <, normalised
    number: float | None = None
    unit: str | None = None  # normalised: %, 元, 万元, 个, 天, …
    kind: str = "text"  # one of VALUE_KINDS
    yuan: float | None = None  # money kinds: the amount in 元
    per: str | None = None  # money per unit ("人" for 元/人)
    unit_raw: str | None = None  # the unit exactly as written ("百分比")
    deadline: str | None = None  # date kind: normalised deadline ("12月底", "2024年9月30日")
    frequency: str | None = None  # date kind: 按月/按季度/每年 …
    placeholder: bool = False  # template leftovers: "≥**%", "*", "目标内容1"
    quantities: list[tuple[float, str]] = field(default_factory=list)  # every number+unit pair

    @property
    def is_numeric(self) -> bool:
        return self.number is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "comparator": self.comparator,
            "number": self.number,
            "unit": self.unit,
            "kind": self.kind,
        }


@dataclass(slots=True)
class Indicator:
    """One row of the indicator grid (1-based `row` within the table's grid, header excluded)."""

    row: int
    level1: str
    level2: str
    level3: str
    description: str
    value: str
    basis: str
    parsed: Value | None = None
    specificity: float | None = None
    # the row had fewer cells than the grid (e.g. the document was cut off mid-row): blank
    # fields here are missing text, not blanks the submitter left
    incomplete: bool = False
    # verbatim cell text before normalisation (PDF line-wrap spaces etc.), for evidence quoting
    raw: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "level1": self.level1,
            "level2": self.level2,
            "level3": self.level3,
            "description": self.description,
            "value": self.value,
            "basis": self.basis,
            "specificity": self.specificity,
            "value_parsed": self.parsed.to_dict() if self.parsed else None,
        }


@dataclass(slots=True)
class SchedulePoint:
    """One period of the 资金支出计划. Blank periods keep raw == ""."""

    period: str  # normalised label: "3月底"
    raw: str  # the cell as printed ("25%", "2.62", "")
    percent: float | None = None  # when the cell is a percentage
    amount: float | None = None  # when the cell is an amount (table's money unit)

    def to_dict(self) -> dict[str, Any]:
        return {"period": self.period, "raw": self.raw}


@dataclass(slots=True)
class Budget:
    total: float | None = None
    fiscal: float | None = None  # 其中：财政资金
    other: float | None = None  # 其他资金
    raw_total: str = ""
    raw_fiscal: str = ""
    raw_other: str = ""


@dataclass
class ProjectTable:
    number: int  # as printed in the title ("3.xxx绩效目标表" -> 3)
    title: str
    project: str = ""
    project_code: str = ""
    money_unit: str = ""  # 元 | 万元
    budget: Budget = field(default_factory=Budget)
    fund_use: str = ""
    schedule: list[SchedulePoint] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    goals_raw: str = ""  # the whole 绩效目标 cell, verbatim
    indicators: list[Indicator] = field(default_factory=list)
    unit_line: str = ""  # "215001文安县德归镇人民政府…本级"
    warnings: list[str] = field(default_factory=list)
    number_printed: bool = True  # False when the title had no number and we assigned one

    def to_dict(self) -> dict[str, Any]:
        return {
            "table": self.number,
            "title": self.title,
            "project": self.project,
            "project_code": self.project_code,
            "money_unit": self.money_unit,
            "budget": self.budget.total,
            "budget_fiscal": self.budget.fiscal,
            "budget_other": self.budget.other,
            "fund_use": self.fund_use,
            "goals": list(self.goals),
            "schedule": [p.to_dict() for p in self.schedule],
            "indicators": [i.to_dict() for i in self.indicators],
        }


@dataclass
class Narrative:
    """Part 1 prose. Each section keeps its paragraphs in order."""

    overall: list[str] = field(default_factory=list)  # 总体绩效目标
    sub_goals: list[str] = field(default_factory=list)  # 分项绩效目标
    measures: list[str] = field(default_factory=list)  # 工作保障措施
    other: list[str] = field(default_factory=list)  # prose outside those sections (cover, preamble)
    # indicators stated in the prose ("绩效指标：…；…"), rows 1..n of table 0 (ingest/narrative_indicators.py)
    indicators: list[Indicator] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "overall": list(self.overall),
            "sub_goals": list(self.sub_goals),
            "measures": list(self.measures),
            "indicators": [i.to_dict() for i in self.indicators],
        }

    @property
    def all_paragraphs(self) -> list[str]:
        return [*self.overall, *self.sub_goals, *self.measures]


@dataclass
class Submission:
    source: str  # the path as given
    format: str = ""  # word-text | pdf-text | docx | xlsx | pdf | doc
    unit_name: str = ""
    unit_code: str = ""
    year: int | None = None
    year_source: str = ""  # where the year came from (title, project codes, Part 1)
    part1: Narrative = field(default_factory=Narrative)
    tables: list[ProjectTable] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def all_warnings(self) -> list[str]:
        """The submission's parse warnings, then each table's (prefixed with its number)."""
        warnings = list(self.warnings)
        for t in self.tables:
            warnings.extend(f"表{t.number}：{w}" for w in t.warnings)
        return warnings

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "format": self.format,
            "unit_name": self.unit_name,
            "unit_code": self.unit_code,
            "year": self.year,
            "year_source": self.year_source,
            "warnings": self.all_warnings(),
            "part1": self.part1.to_dict(),
            "tables": [t.to_dict() for t in self.tables],
        }


@dataclass(slots=True)
class Finding:
    """One problem an auditor sends back. Field names are the findings.json contract."""

    source: str
    table: int | None  # the table number as printed; 0 = Part 1 prose
    project: str
    row: int | None  # 1-based indicator row in the table's grid; None when not about one row
    field: str  # goal | indicator | value | description | basis | schedule | budget | narrative
    category: str  # a TAXONOMY code
    rule: str  # "<CHECK>.<variant>", e.g. "VALUE_KIND.time-holds-money"
    severity: str  # high | medium | low
    evidence: str  # verbatim text from the document
    message: str  # what is wrong (Chinese, quotes the evidence)
    suggestion: str  # how to fix it (Chinese, concrete)
    confidence: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "table": self.table,
            "project": self.project,
            "row": self.row,
            "field": self.field,
            "category": self.category,
            "rule": self.rule,
            "severity": self.severity,
            "evidence": self.evidence,
            "message": self.message,
            "suggestion": self.suggestion,
            "confidence": self.confidence,
        }

    @property
    def location(self) -> tuple:
        return (self.source, self.table, self.row, self.field)
