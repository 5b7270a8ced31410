"""GOAL_PLACEHOLDER: template filler left where a goal should be ("目标内容1",
"完成年度绩效目标", "完成2025年绩效目标", "*")."""
from __future__ import annotations

import re
from collections.abc import Iterator

from .. import evidence
from ..schema import Finding, Submission
from . import Context, check


def _patterns(ctx: Context) -> list[re.Pattern[str]]:
    return [re.compile(p) for p in ctx.option("patterns")]


@check("GOAL_PLACEHOLDER")
def goal_placeholder(submission: Submission, ctx: Context) -> Iterator[Finding]:
    patterns = _patterns(ctx)
    for table in submission.tables:
        for index, goal in enumerate(table.goals):
            text = re.sub(r"\s+", "", goal).rstrip("。；;.：:")
            if any(p.fullmatch(text) for p in patterns):
                quoted = evidence.goal(table, index)
                yield ctx.finding(
                    table=table,
                    field="goal",
                    variant="template",
                    evidence=quoted,
                    message=f"绩效目标{index + 1}“{quoted}”是模板占位文字，没有写出本项目要达到的目标。",
                    suggestion=(
                        f"按“做什么、做到什么程度、何时完成”改写，如“{ctx.option('example')}”，"
                        "并与下方产出、效益指标一一对应。"
                    ),
                )
