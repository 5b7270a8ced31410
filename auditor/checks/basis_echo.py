"""BASIS_ECHO: the 指标值确定依据 repeats the indicator (its name or description) or names no
source at all (RULEBOOK 14): 依据 = 描述 in every row ("社会稳定发展，群众安居乐业",
"按规定时间完成指标"), "满意率/满意率", "群众满意", "保障资金使用质量", "相关文件或方案".

A basis that names any source — a standard, a plan or target, a 文号 or titled document, a
contract, a survey or statistic, history, an authority's decision or arrangement — is accepted
even when weak ("县政府批示", "请示", "走访", "往年经验" = 历史标准, "计划指标" = 计划标准,
"县委、县政府工作安排"); whether it fits the indicator is another matter. A basis that names none
of these is not a source, however official it sounds: "实际工作需要", "统一安排规定",
"规定时间发放", "要求完成时间" (it restates the indicator), "领取奖励金人数" (a measure, not where
its value comes from), "全镇49个村" (the value again). Vocabulary: rules/lexicons/basis_sources.yaml.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from .. import domain, evidence, textsim
from ..resources import lexicon
from ..schema import Finding, Indicator, Submission
from ..values import squash
from . import Context, check
from .desc_echo import scope_text


@lru_cache(maxsize=1)
def _vocabulary() -> dict[str, tuple[re.Pattern[str], ...]]:
    words = lexicon("basis_sources")
    return {key: tuple(re.compile(p) for p in words.get(key, [])) for key in ("strong", "weak", "generic", "aims")}


@lru_cache(maxsize=1)
def _filler() -> tuple[str, ...]:
    return tuple(lexicon("echo_words").get("filler", []))


def names_source(basis: str, strength: str = "strong") -> bool:
    text = squash(basis)
    return any(p.search(text) for p in _vocabulary()[strength])


_VALUE_ONLY = re.compile(r"[≥≤<>=＞＜＝]?\s*\d+(?:\.\d+)?\s*(?:%|％|百分比|百分率|百分数|个|人|次|元|万元|天|年|月|亩|米|平方米|公里)?")


def judge(ind: Indicator, scope: str, options: dict) -> tuple[str, str] | None:
    """(variant, what it repeats or lacks) or None when the basis is a source."""
    basis = ind.basis or ""
    b = textsim.comparable(basis)
    if not b:
        return None
    echoes = []
    for label, text in (("三级指标", ind.level3), ("绩效指标描述", ind.description)):
        if not textsim.comparable(text or ""):
            continue
        echo = textsim.echo_of(basis, text, ignore=_filler(), scope=scope, max_new=options["max_new_chars"],
                               min_share=options["min_share"], min_cover=options["min_cover"], min_scope_run=options["min_scope_run"])
        if echo is not None:
            echoes.append((echo.kind, label))
    if any(kind == "same" for kind, _ in echoes):
        return "echo", next(label for kind, label in echoes if kind == "same")
    strong = names_source(basis, "strong")
    if echoes and not strong:
        return "echo-reworded", echoes[0][1]
    squashed = squash(basis).strip("。；;，,.")
    if any(p.fullmatch(squashed) for p in _vocabulary()["generic"]):
        return "generic", ""
    if _VALUE_ONLY.fullmatch(squashed):
        return "not-a-source", "value"
    if strong:
        return None
    if not names_source(basis, "weak") and any(p.search(squashed) for p in _vocabulary()["aims"]):
        return "not-a-source", "aim"
    numbers = re.findall(r"\d+(?:\.\d+)?", squashed)
    if numbers and ind.parsed is not None and ind.parsed.number is not None and any(
            float(n) == ind.parsed.number for n in numbers):
        return "not-a-source", "value"
    return "not-a-source", "none"


def _source_for(ind: Indicator) -> str:
    """Which standard this kind of indicator usually rests on (RULEBOOK 14)."""
    key = domain.level2_key(ind.level2)
    if key == "satisfaction":
        return "问卷调查或抽样调查（写明调查方式、样本量）"
    if key == "cost":
        return "预算支出标准、定额标准或测算清单（写明文件名称、文号）"
    if key == "quantity":
        return "计划标准：下达任务或工作计划的文件名称、文号，或花名册、台账等统计资料"
    if key in ("quality", "timeliness"):
        return "行业标准、计划标准或历史标准（写明标准名称、文号或前三年平均值）"
    return "计划标准、历史标准（前三年平均值）或统计资料（写明名称、文号或数据来源）"


@check("BASIS_ECHO")
def basis_echo(submission: Submission, ctx: Context) -> Iterator[Finding]:
    options = {k: ctx.option(k) for k in ("max_new_chars", "min_share", "min_cover", "min_scope_run")}
    for table in submission.tables:
        scope = scope_text(submission, table)
        for ind in table.indicators:
            verdict = judge(ind, scope, options)
            if verdict is None:
                continue
            variant, what = verdict
            quote = evidence.cell(ind, "basis")
            if variant.startswith("echo"):
                message = f"指标值确定依据“{quote}”只是重复了{what}，没有说明指标值是根据什么标准或资料确定的。"
                confidence = 1.0 if variant == "echo" else float(ctx.option("reworded_confidence"))
                variant = "echo"
            elif variant == "generic":
                message = f"指标值确定依据“{quote}”是泛泛的套话，没有写明具体是哪份文件、标准或资料。"
                confidence = float(ctx.option("generic_confidence"))
            elif what == "value":
                message = f"指标值确定依据“{quote}”只是把指标值又写了一遍，没有说明这个值从何而来。"
                confidence = float(ctx.option("not_source_confidence"))
            elif what == "none":
                message = (f"指标值确定依据“{quote}”没有指明任何来源：既不是计划标准、行业标准、历史标准或预算支出标准，"
                           "也不是具体的文件文号、合同、调查或统计资料，无从复核指标值是否合理。")
                confidence = float(ctx.option("no_source_confidence"))
            else:
                message = f"指标值确定依据“{quote}”写的是目标或效果，不是确定指标值的依据（标准、文件、调查或统计资料）。"
                confidence = float(ctx.option("not_source_confidence"))
            yield ctx.finding(
                table=table,
                row=ind,
                field="basis",
                variant=variant,
                evidence=quote,
                message=message,
                suggestion=f"改为确定该指标值的具体依据：{_source_for(ind)}。",
                confidence=confidence,
            )
