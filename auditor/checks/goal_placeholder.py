"""GOAL_PLACEHOLDER: filler left where a goal should be. Three shapes:

* template — template text ("目标内容1", "完成年度绩效目标", "完成2025年绩效目标", "*");
* slogan — a political slogan instead of a goal, in a table or in Part 1 ("绩效目标：既要金山银山，
  更要绿水青山", "为百姓谋福利，为群众办实事");
* generic — every goal of a table is an all-purpose 套话 ("提高工作效率", "保障机关正常运转",
  "保障必要的工作条件") and none names the project's subject (a 经济普查 fund). For a fund whose
  purpose is itself generic operation (办公运转经费, 日常工作经费) such goals restate the fund use:
  GOAL_ECHO's, not reported here.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from .. import evidence, textsim
from ..schema import Finding, Submission
from ..values import squash
from . import Context, check
from .goal_echo import _generic, fund_use_text, purpose_text

_CLAUSES = re.compile(r"[，,；;。！!？?、\s]+")
_LABEL = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十\d]{1,3}[）)、.．]\s*)?(?:(?:总体|分项|年度)?绩效目标|目标)\s*[:：]\s*")


def _patterns(ctx: Context, name: str = "patterns") -> list[re.Pattern[str]]:
    return [re.compile(p) for p in ctx.option(name)]


def _clauses(text: str) -> list[str]:
    return [c for c in _CLAUSES.split(text.replace("的", "")) if c]


def _all_match(text: str, patterns: list[re.Pattern[str]]) -> bool:
    """Every clause of `text` is one of `patterns` (the 的 particles ignored)."""
    clauses = _clauses(text)
    return bool(clauses) and all(any(p.fullmatch(c) for p in patterns) for c in clauses)


def _subject(project: str, fund_use: str, unit: str) -> str:
    """What the project is about once generic words and the unit's own name are removed
    ("乡镇经济普查工作经费" → "经济普查"); "" for a generic operating fund."""
    parts = []
    for text in (project, purpose_text(fund_use)):
        core = textsim.strip_words(text, _generic())
        if unit:
            core = textsim.remove_shared_runs(core, textsim.comparable(unit), min_len=2)
        parts.append(core)
    return " ".join(p for p in parts if len(p) >= 2)


@check("GOAL_PLACEHOLDER")
def goal_placeholder(submission: Submission, ctx: Context) -> Iterator[Finding]:
    patterns = _patterns(ctx)
    slogans = _patterns(ctx, "slogans")
    generic = _patterns(ctx, "generic_aims")
    example = ctx.option("example")
    for table in submission.tables:
        reported = False
        for index, goal in enumerate(table.goals):
            text = squash(goal).rstrip("。；;.：:")
            quoted = evidence.goal(table, index)
            if any(p.fullmatch(text) for p in patterns):
                variant = "template"
                message = f"绩效目标{index + 1}“{quoted}”是模板占位文字，没有写出本项目要达到的目标。"
            elif _all_match(text, slogans):
                variant = "slogan"
                message = f"绩效目标{index + 1}“{quoted}”是口号，不是本项目要达到的目标，年底无从考核。"
            else:
                continue
            reported = True
            yield ctx.finding(
                table=table, field="goal", variant=variant, evidence=quoted, message=message,
                suggestion=f"按“做什么、做到什么程度、何时完成”改写，如“{example}”，并与下方产出、效益指标一一对应。",
            )
        if reported or not table.goals:
            continue
        # every goal an all-purpose 套话 that never names what this project is about
        subject = _subject(table.project, fund_use_text(table), submission.unit_name)
        if not subject:
            continue  # a generic operating fund: generic goals restate its use (GOAL_ECHO)
        if all(_all_match(g, generic + slogans) for g in table.goals) and not any(
                textsim.shares_run(g, subject, 2, ignore=_generic()) for g in table.goals):
            quotes = "”“".join(evidence.goal(table, i) for i in range(len(table.goals)))
            yield ctx.finding(
                table=table, field="goal", variant="generic", evidence=evidence.goal(table, 0),
                message=(f"绩效目标“{quotes}”都是任何单位、任何项目都能写的通用套话，没有一条说到"
                         f"“{table.project}”本身要完成什么、达到什么效果，无法据此考核。"),
                suggestion=f"围绕本项目的产出和效果改写目标，如“{example}”，并与下方产出、效益指标一一对应。",
                confidence=float(ctx.option("generic_confidence")),
            )
    # Part 1: a 绩效目标 that is only a slogan ("绩效目标：既要金山银山，更要绿水青山")
    for paragraph in [*submission.part1.overall, *submission.part1.sub_goals]:
        label = _LABEL.match(paragraph)
        body = paragraph[label.end():] if label else paragraph
        body = squash(body).rstrip("。；;.")
        if body and _all_match(body, slogans):
            quote = paragraph.strip()
            yield ctx.finding(
                table=None, field="narrative", variant="slogan", evidence=quote,
                message=f"第一部分“{quote}”用口号代替绩效目标，没有可考核的内容。",
                suggestion=("写明这一方面当年要完成的事项、数量或标准和时限，如“全年完成大气污染源排查"
                            "整治≥30处，PM2.5年均浓度较上年下降5%”，并与项目表中的指标对应。"),
            )
