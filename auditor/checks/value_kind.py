"""VALUE_KIND: the 指标值 is a quantity of the wrong kind for its 二级 (RULEBOOK 3–8) — money
in 时效/数量/质量, a bare percentage as 成本 or 数量, a headcount in 时效, a count or a time
for 满意度, a date as 成本 or as a benefit.

Vague text values are VALUE_VAGUE's, placeholders ("≥**%") are not judged here, and when the
subject of the row itself belongs to another category (LEVEL_MISMATCH, the root cause) this
check stays silent — except for money as a 数量 ("资金成本 | 10万元"), reported here whatever the
subject says (RULEBOOK 3, `domain.value_kind_owns`)."""
from __future__ import annotations

import re
from collections.abc import Iterator

from .. import domain, evidence
from ..schema import Finding, Indicator, ProjectTable, Submission, Value
from . import Context, check

KIND_NAMES = {"percent": "百分比", "money": "金额", "count": "计数", "duration": "时长", "date": "日期/时限"}
SHORT = {"quantity": "quantity", "quality": "quality", "timeliness": "time", "cost": "cost",
         "economic": "benefit", "social": "benefit", "ecological": "benefit", "sustainable": "benefit",
         "satisfaction": "satisfaction"}


def _number(x: float) -> str:
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _budget(table: ProjectTable) -> str | None:
    total = table.budget.total if table.budget.total is not None else table.budget.fiscal
    if total is None or total <= 0:
        return None
    return f"{_number(total)}{table.money_unit or '元'}"


def _wrong(declared: str, value: Value, ctx: Context) -> bool:
    """Is this kind of value wrong for the declared 二级?"""
    kind = value.kind
    has_unit = value.unit is not None
    if declared == "cost":
        if kind == "count":
            return has_unit  # "2.62" alone may be money in the table's unit
        return kind in ("percent", "duration", "date")
    if declared == "quantity":
        return kind in ("percent", "money", "date")
    if declared == "timeliness":
        if kind == "count":
            # a headcount or an amount of work is not a time ("3人"); a frequency ("1次/月") is
            frequency = value.frequency or (value.per and value.per in ctx.option("time_units"))
            return has_unit and not frequency
        return kind == "money"
    if declared == "quality":
        return kind in ("money", "date")
    if declared == "satisfaction":
        if kind == "count":
            # "≥95" without % is a missing sign, not a count
            return has_unit or (value.number is not None and value.number > 100)
        return kind in ("money", "duration", "date")
    if declared in domain.BENEFIT_KEYS:
        return kind == "date"
    return False


def _exempt(declared: str, ind: Indicator, value: Value, ctx: Context) -> bool:
    """Accepted practice: a cost-saving rate as 成本 ("成本节约率≥3%")."""
    if declared == "cost" and value.kind == "percent":
        subject = f"{ind.level3}{ind.description}"
        return any(term in subject for term in ctx.option("cost_rate_exempt"))
    return False


def _names_a_rate(ind: Indicator) -> bool:
    return bool(re.search(r"率|比例|比率|占比", ind.level3 or ""))


def _suggestion(declared: str, table: ProjectTable, ind: Indicator, value: Value, ctx: Context) -> str:
    raw = evidence.cell(ind, "value")
    if declared == "cost":
        budget = _budget(table)
        per_unit = re.search(r"人均|单价|单位成本|每|标准", f"{ind.level3}{ind.description}")
        if per_unit:
            return "成本指标应填金额：这里考核单位成本，写成“≤××元/人”“≤××元/平方米”，按预算数÷数量测算；比率、日期不是成本。"
        if budget:
            return f"成本指标应填金额，如“≤{budget}”，与预算数一致；控制比率、日期不是成本。"
        return "成本指标应填金额，如“≤××万元”，与预算数一致；控制比率、日期不是成本。"
    if declared == "quantity":
        tail = "；金额属于成本指标" if value.kind == "money" else "；若要考核完成比例，改为“××完成率”放在质量指标下"
        return f"数量指标应填实际产出的数量和计量单位（个、人、次、平方米等），如“≥12次”“49个”{tail}。"
    if declared == "timeliness":
        moved = "金额属于成本指标，核对预算数后移入成本指标" if value.kind == "money" else "人数、工作量属于数量指标"
        return f"时效指标应填完成时限或及时率，如“12月底前”“≤90天”“及时率≥95%”；“{raw}”{moved}。"
    if declared == "quality":
        return "质量指标应填达到的标准或合格率、达标率，如“验收合格率≥95%”；金额属于成本指标，时限属于时效指标。"
    if declared == "satisfaction":
        return "满意度指标应填问卷调查的满意比例，如“≥90%”，描述写明“满意和较满意人数/调查总人数”。"
    return "效益指标应填可衡量的效果（比率、数量、年限），如“受益人口≥5100人”；日期属于时效指标。"


@check("VALUE_KIND")
def value_kind(submission: Submission, ctx: Context) -> Iterator[Finding]:
    for table in submission.tables:
        for ind in table.indicators:
            declared = domain.level2_key(ind.level2)
            value = ind.parsed
            if declared is None or value is None or value.placeholder or not (ind.value or "").strip():
                continue
            if value.kind == "text" or not _wrong(declared, value, ctx) or _exempt(declared, ind, value, ctx):
                continue
            verdict = domain.assess_fit(ind)
            if verdict is not None and verdict.root and not domain.value_kind_owns(ind):
                continue  # the subject itself is misfiled: LEVEL_MISMATCH reports the row
            raw = evidence.cell(ind, "value")
            name = evidence.cell(ind, "level3")
            category = domain.category_name(declared)
            expected = ctx.option("expected")[declared]
            kind = KIND_NAMES.get(value.kind, value.kind)
            confidence = 1.0
            if value.kind == "percent" and declared in ("quantity", "cost") and _names_a_rate(ind):
                # "完成率"/"成本控制率" as 数量/成本: a rate the name announces — weak but common practice
                confidence = ctx.option("named_rate_confidence")
            yield ctx.finding(
                table=table,
                row=ind,
                field="value",
                variant=f"{SHORT[declared]}-holds-{value.kind}",
                evidence=raw,
                message=f"{category}“{name}”的指标值“{raw}”是{kind}，{category}应填{expected}。",
                suggestion=_suggestion(declared, table, ind, value, ctx),
                confidence=confidence,
            )
