"""MISSING_CATEGORY: a table lacks a required category — one of 数量/质量/时效/成本 under 产出,
every 效益 二级, or 服务对象满意度 (RULEBOOK 1). One finding per missing category per table.

The 二级 column decides: a category absent from it is missing even when a row filed under another
二级 holds its content ("资金成本 | 10万元" under 数量指标 — the message names that row); option
`count_misfiled_rows` counts such rows instead.

A table cut off by the end of a truncated document still lacks, as submitted, the categories
that would have come after the cut: they are reported as variant ``cut-off`` at the severity of
option `cut_off_severity` and lower confidence (the reviewer asks for the complete table; the
categories may well exist in the original)."""
from __future__ import annotations

from collections.abc import Iterator

from .. import domain
from ..schema import Finding, Indicator, ProjectTable, Submission
from . import Context, check

# required groups: name -> the 二级 keys any of which satisfies it
REQUIRED = {
    "quantity": ("quantity",),
    "quality": ("quality",),
    "timeliness": ("timeliness",),
    "cost": ("cost",),
    "benefit": domain.BENEFIT_KEYS,
    "satisfaction": ("satisfaction",),
}
GROUP_NAMES = {"benefit": "效益指标（经济/社会/生态效益或可持续影响）"}


def _cut_off(submission: Submission, table: ProjectTable, markers: list[str]) -> bool:
    """The document ended inside this table (truncated file)."""
    is_last = bool(submission.tables) and submission.tables[-1] is table
    if is_last and table.indicators and table.indicators[-1].incomplete:
        return True
    label = f"表{table.number}"
    for warning in [*submission.warnings, *table.warnings]:
        if any(m in warning for m in markers) and (label in warning or (is_last and "表" not in warning)):
            return True
    return False


def _name(group: str) -> str:
    return GROUP_NAMES.get(group) or domain.category_name(group)


def _budget(table: ProjectTable) -> str:
    total = table.budget.total if table.budget.total is not None else table.budget.fiscal
    if total is None or total <= 0:
        return "预算数"
    text = f"{total:.2f}".rstrip("0").rstrip(".")
    return f"{text}{table.money_unit or '元'}"


@check("MISSING_CATEGORY")
def missing_category(submission: Submission, ctx: Context) -> Iterator[Finding]:
    severities = ctx.option("severity")
    examples = ctx.option("examples")
    for table in submission.tables:
        rows = table.indicators
        if len(rows) < ctx.option("min_rows"):
            continue  # no grid parsed: nothing to judge (parse warnings say why)
        keys = [domain.level2_key(i.level2) for i in rows]
        known = [k for k in keys if k]
        if len(known) < ctx.option("min_known_share") * len(rows):
            continue  # an unfamiliar 二级 layout: do not guess
        present = set(known)
        misfiled: dict[str, Indicator] = {}  # category -> first row whose subject belongs there
        for ind in rows:
            verdict = domain.assess_fit(ind)
            if verdict is not None and verdict.root and verdict.variant in ("subject", "satisfaction"):
                misfiled.setdefault(verdict.home, ind)
        if ctx.option("count_misfiled_rows"):
            present |= set(misfiled)
        cut = _cut_off(submission, table, ctx.option("truncation_markers"))
        reached = max(domain.LEVEL2_ORDER.index(k) for k in known)
        project = table.project or table.title
        for group, members in REQUIRED.items():
            if present & set(members):
                continue
            name = _name(group)
            example = examples[group].replace("{budget}", _budget(table))
            if cut and min(domain.LEVEL2_ORDER.index(k) for k in members) > reached:
                # would have come after the cut: the table as submitted is incomplete
                last = rows[-1]
                yield ctx.finding(
                    table=table,
                    field="indicator",
                    variant="cut-off",
                    evidence=project,
                    message=(f"“{project}”的指标表在第{last.row}行中断，表中没有{name}；"
                             "按现有内容，这张表不完整。"),
                    suggestion=f"补全整张绩效目标表，包括{name}，如{example}。",
                    severity=ctx.option("cut_off_severity"),
                    confidence=ctx.option("cut_off_confidence"),
                )
                continue
            if group in ("quantity", "quality", "timeliness", "cost"):
                why = "产出指标应包括数量、质量、时效、成本四类二级指标"
            elif group == "benefit":
                why = "效益指标反映项目带来的效果，至少应设一项经济效益、社会效益、生态效益或可持续影响指标"
            else:
                why = "满意度指标反映服务对象对项目的认可程度，应设服务对象满意度指标"
            members_found = [misfiled[k] for k in members if k in misfiled]
            moved = ""
            if members_found:
                row = members_found[0]
                moved = (f"（第{row.row}行“{domain.display_name(row)}”实为{name}的内容，"
                         f"却填在“{row.level2.strip()}”下，应移入{name}）")
            yield ctx.finding(
                table=table,
                field="indicator",
                variant=group,
                evidence=project,
                message=f"“{project}”的绩效指标中没有{name}{moved}：{why}。",
                suggestion=f"补充{name}，如{example}。",
                severity=severities[group],
            )
