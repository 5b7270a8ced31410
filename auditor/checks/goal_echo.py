"""GOAL_ECHO: a 绩效目标 that only repeats the project name or the 资金用途 text, with no target
in it ("创建全国文明县城" for 创建全国文明县城工作经费 whose fund use is "创建全国文明县城";
"幼儿园专项公用经费"; "保障X的正常运转" for a fund "用于X的日常运转").

Reported once per distinct goal text of a table (three identical copies are one GOAL_ECHO; the
copying itself is GOAL_DUP). A goal that adds a target — a percentage, a comparator, a deadline
or a number the name and fund use do not hold — is not an echo, however close its wording.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from rapidfuzz import fuzz

from .. import evidence, textsim
from ..resources import lexicon
from ..schema import Finding, ProjectTable, Submission
from . import Context, check

# "预算数2万元。其中：财政资金2万元。主要用于……" — the amounts are not the use
_FUND_PREFACE = re.compile(r"^\s*(?:预算数|财政资金)[^。]*。(?:\s*其中[^。]*。)?(?:\s*财政资金[^。]*。)?")
_LEAD = re.compile(r"^(?:主要|全部)?用于")
_YEAR = re.compile(r"20\d\d\s*年度?")
_TARGET = re.compile(r"[%％‰≥≤><＞＜]|以上|以下|不低于|不少于|不超过|不高于|达到\d|\d+\s*(?:月底|月\d+日|日前|年底|天|个工作日)|[零一二三四五六七八九十]+月底|年底前|月底前")


@lru_cache(maxsize=1)
def _generic() -> tuple[str, ...]:
    return tuple(lexicon("echo_words").get("goal_generic", []))


def fund_use_text(table: ProjectTable) -> str:
    """The table's 资金用途 without the "预算数…万元。其中…。" preface."""
    return _FUND_PREFACE.sub("", table.fund_use or "").strip()


def echo_kind(goal: str, project: str, fund_use: str, *, max_new: int, min_share: float,
              min_ratio: float, min_cover: float = 0.5) -> tuple[str, str] | None:
    """(variant, what it repeats) when the goal only restates the project name or fund use."""
    g = textsim.comparable(goal)
    if len(g) < 2:
        return None
    # a number the name and fund use do not hold, a percentage, a comparator or a deadline is a
    # target: the goal says something of its own (even when it copies a fund use that has one)
    reference = textsim.comparable(project + fund_use)
    undated = _YEAR.sub("", goal)  # "2021年维护我镇的信访稳定": the budget year is no target
    if _TARGET.search(undated) or any(n not in reference for n in re.findall(r"\d+", textsim.comparable(undated))):
        return None
    fund = textsim.comparable(_LEAD.sub("", fund_use))
    if fund and g == fund:
        return "same-as-fund-use", fund_use
    if g == textsim.comparable(project):
        return "same-as-name", project
    core = textsim.strip_words(undated, _generic())
    if len(core) < 2:
        return None
    if fund and fuzz.ratio(g, fund) >= min_ratio:
        return "restated", fund_use
    new = textsim.residue(core, reference)
    if len(new) > max_new or textsim.char_share(core, reference) < min_share:
        return None
    # … and it must repeat a good part of what it restates, not just share a few characters
    # ("保护农村环境" is a vague aim of a 保洁 project, not a copy of its name)
    covers = {text: textsim.char_share(textsim.strip_words(text, _generic()), core) for text in (fund_use, project) if text}
    best = max(covers, key=covers.get) if covers else ""
    if best and covers[best] >= min_cover:
        return "restated", best
    return None


@check("GOAL_ECHO")
def goal_echo(submission: Submission, ctx: Context) -> Iterator[Finding]:
    max_new = int(ctx.option("max_new_chars"))
    min_share = float(ctx.option("min_share"))
    min_ratio = float(ctx.option("min_ratio"))
    min_cover = float(ctx.option("min_cover"))
    for table in submission.tables:
        fund_use = fund_use_text(table)
        seen: set[str] = set()
        for index, goal in enumerate(table.goals):
            key = textsim.comparable(goal)
            if key in seen:
                continue
            seen.add(key)
            verdict = echo_kind(goal, table.project, fund_use, max_new=max_new, min_share=min_share,
                                min_ratio=min_ratio, min_cover=min_cover)
            if not verdict:
                continue
            variant, repeated = verdict
            what = "资金用途" if repeated == fund_use else "项目名称"
            quote = evidence.goal(table, index)
            how = "照抄了" if variant.startswith("same") else "只是换个说法复述了"
            yield ctx.finding(
                table=table,
                field="goal",
                variant=variant,
                evidence=quote,
                message=(
                    f"绩效目标{index + 1}“{quote}”{how}{what}“{repeated}”，只说了钱用在哪里，"
                    "没有写出要达到的产出或效果，无法据此考核。"
                ),
                suggestion=(
                    "改写为可考核的目标：写明完成的数量、质量标准、时限和预期效果，"
                    f"如“{ctx.option('example')}”，目标中的数量、标准应与下方数量、质量、时效指标一一对应。"
                ),
                confidence=1.0 if variant.startswith("same") else float(ctx.option("restated_confidence")),
            )
