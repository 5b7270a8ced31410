"""GOAL_ECHO: a 绩效目标 that only repeats the project name or the 资金用途 text, with no target
in it ("创建全国文明县城" for 创建全国文明县城工作经费 whose fund use is "创建全国文明县城";
"幼儿园专项公用经费"; "保障X的正常运转" for a fund "用于X的日常运转").

Shapes (variants):
* same-as-fund-use / same-as-name — a verbatim copy;
* restated — the fund use or name in other words, or a goal whose every clause either restates
  it or is generic ("保障日常办公需要，维持环保工作正常运转。" for "保障全镇49个村环境质量，维持
  环保工作正常运转");
* contains-fund-use — the goal reproduces the purpose part of the fund use ("主要用于X" → X) and
  only adds slogans or untargeted aims ("认真贯彻党的路线…，圆满完成民兵组织建设、民兵征集…";
  "治理散乱污企业，提升人居环境");
* generic — nothing but generic words ("做好经费保障工作，保障工作正常运行。") for a fund whose
  own purpose is generic operation (日常工作经费): it restates that use. (Generic goals for a
  specific project are GOAL_PLACEHOLDER's.)

Reported once per distinct goal text of a table (three identical copies are one GOAL_ECHO; the
copying itself is GOAL_DUP). A goal that adds a target — a percentage, a comparator, a deadline
or a number the name and fund use do not hold — is not an echo, however close its wording; nor
is one that adds a payment standard of its own ("及时足额发放占地补偿款，…").
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
_PURPOSE = re.compile(r"(?:主要|全部)?用于")
_YEAR = re.compile(r"20\d\d\s*年度?")
_TARGET = re.compile(r"[%％‰≥≤><＞＜]|\d[^，。；,;]{0,4}以[上下]|不低于|不少于|不超过|不高于|达到\d|\d+\s*(?:月底|月\d+日|日前|年底|天|个工作日)|[零一二三四五六七八九十]+月底|年底前|月底前")
_CLAUSES = re.compile(r"[，,；;。！!？?]+")


@lru_cache(maxsize=1)
def _words() -> tuple[tuple[str, ...], dict[str, str], re.Pattern[str]]:
    words = lexicon("echo_words")
    synonyms = {str(k): str(v) for k, v in (words.get("goal_synonyms") or {}).items()}
    qualifiers = re.compile(words.get("goal_qualifiers") or r"(?!)")
    return tuple(words.get("goal_generic", [])), synonyms, qualifiers


def _generic() -> tuple[str, ...]:
    return _words()[0]


def fund_use_text(table: ProjectTable) -> str:
    """The table's 资金用途 without the "预算数…万元。其中…。" preface."""
    return _FUND_PREFACE.sub("", table.fund_use or "").strip()


def purpose_text(fund_use: str) -> str:
    """What the money is for: the part after "主要用于/用于" ("该经费用于X" → X), else all of it."""
    parts = _PURPOSE.split(fund_use, maxsplit=1)
    return parts[-1].strip() if len(parts) > 1 and parts[-1].strip() else fund_use


def _restates(text: str, project: str, fund_use: str, reference: str, *, max_new: int, min_share: float,
              min_cover: float) -> str | None:
    """Which of fund use / project `text` (a goal or one clause of it) restates, or None."""
    core = textsim.strip_words(text, _generic())
    if len(core) < 2:
        return None
    new = textsim.residue(core, reference)
    if len(new) > max_new or textsim.char_share(core, reference) < min_share:
        return None
    # … and it must repeat a good part of what it restates, not just share a few characters
    # ("保护农村环境" is a vague aim of a 保洁 project, not a copy of its name)
    covers = {t: textsim.char_share(textsim.strip_words(t, _generic()), core) for t in (fund_use, project) if t}
    best = max(covers, key=covers.get) if covers else ""
    if best and covers[best] >= min_cover:
        return best
    return None


def _generic_fund(project: str, fund_use: str, unit: str) -> bool:
    """The fund's own purpose is generic operation ("石门镇日常工作经费"): nothing but generic
    words and the unit's name."""
    for text in (project, purpose_text(fund_use)):
        core = textsim.strip_words(text, _generic())
        if unit:
            core = textsim.remove_shared_runs(core, textsim.comparable(unit), min_len=2)
        if len(core) >= 2:
            return False
    return True


def echo_kind(goal: str, project: str, fund_use: str, *, max_new: int, min_share: float,
              min_ratio: float, min_cover: float = 0.5, min_fund_cover: float = 0.8,
              unit: str = "") -> tuple[str, str] | None:
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
    _, synonyms, qualifiers = _words()
    # a payment standard of its own ("及时足额发放") is a (weak) target
    if any(m.group(0) not in reference for m in qualifiers.finditer(g)):
        return None
    folded = textsim.fold_synonyms(undated, synonyms)
    f_project, f_fund = textsim.fold_synonyms(project, synonyms), textsim.fold_synonyms(fund_use, synonyms)
    f_reference = textsim.comparable(f_project + f_fund)
    core = textsim.strip_words(folded, _generic())
    if len(core) < 2:
        # nothing but "保障、做好、正常运转": restates a generic operating fund
        return ("generic", project) if _generic_fund(project, fund_use, unit) else None
    if fund and fuzz.ratio(g, fund) >= min_ratio:
        return "restated", fund_use
    options = {"max_new": max_new, "min_share": min_share, "min_cover": min_cover}
    whole = _restates(folded, f_project, f_fund, f_reference, **options)
    if whole:
        return "restated", fund_use if whole == f_fund else project
    # the purpose of the fund use reproduced, with only slogans or untargeted aims around it
    purpose = purpose_text(fund_use)
    if len(textsim.comparable(purpose)) >= 4 and textsim.run_cover(purpose, goal, 3) >= min_fund_cover:
        return "contains-fund-use", purpose
    # clause by clause: each restates the fund use or name, or is generic
    clauses = [c for c in _CLAUSES.split(folded) if textsim.comparable(c)]
    if len(clauses) > 1:
        kinds = []
        for clause in clauses:
            if len(textsim.strip_words(clause, _generic())) < 2:
                kinds.append("generic")
            elif _restates(clause, f_project, f_fund, f_reference, **options):
                kinds.append("echo")
            else:
                kinds.append("other")
        if "echo" in kinds and "other" not in kinds:
            return "restated", fund_use
    return None


@check("GOAL_ECHO")
def goal_echo(submission: Submission, ctx: Context) -> Iterator[Finding]:
    max_new = int(ctx.option("max_new_chars"))
    min_share = float(ctx.option("min_share"))
    min_ratio = float(ctx.option("min_ratio"))
    min_cover = float(ctx.option("min_cover"))
    min_fund_cover = float(ctx.option("min_fund_cover"))
    for table in submission.tables:
        fund_use = fund_use_text(table)
        seen: set[str] = set()
        for index, goal in enumerate(table.goals):
            key = textsim.comparable(goal)
            if key in seen:
                continue
            seen.add(key)
            verdict = echo_kind(goal, table.project, fund_use, max_new=max_new, min_share=min_share,
                                min_ratio=min_ratio, min_cover=min_cover, min_fund_cover=min_fund_cover,
                                unit=submission.unit_name)
            if not verdict:
                continue
            variant, repeated = verdict
            quote = evidence.goal(table, index)
            if variant == "generic":
                message = (f"绩效目标{index + 1}“{quote}”只有“保障、做好、正常运转”一类的套话，等于复述了"
                           f"“{table.project}”这笔运转经费的用途，没有写出要达到的产出或效果，无法据此考核。")
                confidence = float(ctx.option("generic_confidence"))
            else:
                what = "项目名称" if repeated == table.project else "资金用途"
                if variant.startswith("same"):
                    how = "照抄了"
                elif variant == "contains-fund-use":
                    how = "重复了"
                else:
                    how = "只是换个说法复述了"
                extra = "，其余只是口号或没有目标值的提法" if variant == "contains-fund-use" else ""
                message = (f"绩效目标{index + 1}“{quote}”{how}{what}“{repeated}”{extra}，只说了钱用在哪里，"
                           "没有写出要达到的产出或效果，无法据此考核。")
                confidence = 1.0 if variant.startswith("same") else float(ctx.option("restated_confidence"))
            yield ctx.finding(
                table=table,
                field="goal",
                variant=variant,
                evidence=quote,
                message=message,
                suggestion=(
                    "改写为可考核的目标：写明完成的数量、质量标准、时限和预期效果，"
                    f"如“{ctx.option('example')}”，目标中的数量、标准应与下方数量、质量、时效指标一一对应。"
                ),
                confidence=confidence,
            )
