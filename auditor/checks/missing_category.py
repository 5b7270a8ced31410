"""MISSING_CATEGORY: a table lacks a required category — one of 数量/质量/时效/成本 under 产出,
every 效益 二级, or 服务对象满意度 (RULEBOOK 1). One finding per missing category per table.

A table cut off by the end of a truncated document is not judged on the categories that would
have come after the cut (the rows are missing from the file, not from the submission)."""
from __future__ import annotations

from collections.abc import Iterator

from .. import domain
from ..schema import Finding, ProjectTable, Submission
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
        if ctx.option("count_misfiled_rows"):
            # a row filed under the wrong 二级 (LEVEL_MISMATCH reports it, "移至成本指标") already
            # supplies its category: one defect, reported once
            for ind in rows:
                verdict = domain.assess_fit(ind, ctx.option("model"))
                if verdict is not None and verdict.root and verdict.variant in ("subject", "satisfaction"):
                    present.add(verdict.home)
        cut = _cut_off(submission, table, ctx.option("truncation_markers"))
        reached = max(domain.LEVEL2_ORDER.index(k) for k in known)
        project = table.project or table.title
        for group, members in REQUIRED.items():
            if present & set(members):
                continue
            if cut and min(domain.LEVEL2_ORDER.index(k) for k in members) > reached:
                continue  # would have come after the cut
            name = _name(group)
            example = examples[group].replace("{budget}", _budget(table))
            if group in ("quantity", "quality", "timeliness", "cost"):
                why = "产出指标应包括数量、质量、时效、成本四类二级指标"
            elif group == "benefit":
                why = "效益指标反映项目带来的效果，至少应设一项经济效益、社会效益、生态效益或可持续影响指标"
            else:
                why = "满意度指标反映服务对象对项目的认可程度，应设服务对象满意度指标"
            yield ctx.finding(
                table=table,
                field="indicator",
                variant=group,
                evidence=project,
                message=f"“{project}”的绩效指标中没有{name}：{why}。",
                suggestion=f"补充{name}，如{example}。",
                severity=severities[group],
            )
