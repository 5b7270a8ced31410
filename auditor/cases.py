"""Build a `Submission` from a rules-YAML case, so a check's bad/good examples run through the
same code as real documents (tests, `auditor explain`, the training gallery).

A case holds either `table:` (one table) or `submission:` with `tables:` and optionally `year`,
`unit_name` and `part1: {overall: [...], sub_goals: [...], measures: [...]}`. A table:

    table:
      number: 1                       # default: its position
      project: 环保工作经费
      money_unit: 万元                 # default 元
      budget: 6.0                     # or [total, fiscal, other]
      fund_use: 用于……
      schedule: [[3月底, 25%], [6月底, 50%], [10月底, 75%], [12月底, 100%]]
      goals: [……, ……]
      indicators:
        - [产出指标, 数量指标, 三级指标, 绩效指标描述, 指标值, 指标值确定依据]
"""
from __future__ import annotations

from typing import Any

from . import values
from .ingest.layout import schedule_point
from .ingest.narrative_indicators import narrative_indicators
from .schema import Budget, Indicator, Narrative, ProjectTable, Submission

FIELDS = ("level1", "level2", "level3", "description", "value", "basis")


def submission_from_case(case: dict[str, Any], source: str = "case") -> Submission:
    spec = {"tables": [case["table"]]} if "table" in case else dict(case.get("submission") or {})
    part1 = spec.get("part1", {})
    submission = Submission(
        source=source,
        format="case",
        unit_name=spec.get("unit_name", "示例镇人民政府"),
        unit_code=spec.get("unit_code", "000001"),
        year=spec.get("year", 2023),
        part1=Narrative(
            overall=list(part1.get("overall", [])),
            sub_goals=list(part1.get("sub_goals", [])),
            measures=list(part1.get("measures", [])),
        ),
    )
    submission.part1.indicators = narrative_indicators(submission.part1)
    for position, table_spec in enumerate(spec.get("tables", []), start=1):
        submission.tables.append(table_from_case(table_spec, position))
    return submission


def table_from_case(spec: dict[str, Any], position: int = 1) -> ProjectTable:
    budget = spec.get("budget")
    total, fiscal, other = (list(budget) + [None, None])[:3] if isinstance(budget, list) else (budget, budget, None)
    table = ProjectTable(
        number=spec.get("number", position),
        title=spec.get("project", "示例项目"),
        project=spec.get("project", "示例项目"),
        project_code=spec.get("project_code", ""),
        money_unit=spec.get("money_unit", "元"),
        budget=Budget(total=_float(total), fiscal=_float(fiscal), other=_float(other),
                      raw_total=_text(total), raw_fiscal=_text(fiscal), raw_other=_text(other)),
        fund_use=spec.get("fund_use", ""),
        schedule=[schedule_point(str(period), _text(raw)) for period, raw in spec.get("schedule", [])],
        goals=[str(g) for g in spec.get("goals", [])],
        unit_line=spec.get("unit_line", ""),
    )
    table.goals_raw = "\n".join(f"{n}.{g}" for n, g in enumerate(table.goals, start=1))
    level1 = level2 = ""
    for number, cells in enumerate(spec.get("indicators", []), start=1):
        cells = [_text(c) for c in cells] + [""] * (6 - len(cells))
        level1 = cells[0] or level1
        level2 = cells[1] or level2
        indicator = Indicator(number, level1, level2, *cells[2:6], raw=dict(zip(FIELDS, cells)))
        indicator.parsed = values.parse_value(indicator.value)
        table.indicators.append(indicator)
    return table


def _float(value: Any) -> float | None:
    return None if value is None or value == "" else values.parse_amount(str(value))


def _text(value: Any) -> str:
    return "" if value is None else str(value)
