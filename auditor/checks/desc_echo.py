"""DESC_ECHO: the 绩效指标描述 repeats the 三级指标 name, or rewords it without saying how the
indicator is measured (RULEBOOK 13): "满意率/满意率", "环境卫生水平/环境卫生水平",
"补偿金额/补偿金额", "资金在规定时间内下达率" twice, "招商维稳经费支出/招商维稳经费的支出",
"发放人数/我单位综合网格员人数", "促进经济发展/发挥职能促进经济发展".

A description that introduces a way of measuring — a ratio ("实际到位补助资金占应到位资金的比例"),
a survey, a standard, a formula, a check — is fine even when it shares most words with the name.
The project's own words (name, fund use) in a description add nothing ("我单位凤还巢大学生村干部
工资发放率" for 工资发放率), except for satisfaction indicators, where naming who is surveyed about
what is the point of the description.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from .. import domain, evidence, textsim
from ..resources import lexicon
from ..schema import Finding, Indicator, ProjectTable, Submission
from . import Context, check


@lru_cache(maxsize=1)
def _words() -> tuple[tuple[str, ...], tuple[re.Pattern[str], ...]]:
    words = lexicon("echo_words")
    return tuple(words.get("filler", [])), tuple(re.compile(p) for p in words.get("measure_markers", []))


def explains_measurement(description: str, name: str) -> bool:
    """Does the description bring a kind of measurement (ratio, survey, formula, standard,
    check …) that the name does not already hold?"""
    _, markers = _words()
    d, n = textsim.comparable(description), textsim.comparable(name)
    return any(m.search(d) and not m.search(n) for m in markers)


def scope_text(submission: Submission, table: ProjectTable) -> str:
    """The project's own words: name, fund use and unit name."""
    return " ".join((table.project, table.fund_use, submission.unit_name))


def judge(ind: Indicator, scope: str, options: dict) -> textsim.Echo | None:
    name, desc = ind.level3 or "", ind.description or ""
    if not textsim.comparable(name) or not textsim.comparable(desc):
        return None
    if textsim.comparable(name) == textsim.comparable(desc):
        return textsim.Echo("same", "", 1.0, 1.0)
    if explains_measurement(desc, name):
        return None
    filler, _ = _words()
    if domain.level2_key(ind.level2) == "satisfaction":
        scope = ""  # who is asked about what is the content of a satisfaction description
    return textsim.echo_of(desc, name, ignore=filler, scope=scope, max_new=options["max_new_chars"],
                           min_share=options["min_share"], min_cover=options["min_cover"], min_scope_run=options["min_scope_run"])


def _how(ind: Indicator) -> str:
    """What a description of this kind of indicator should state."""
    key = domain.level2_key(ind.level2)
    kind = ind.parsed.kind if ind.parsed else "text"
    name = ind.level3.strip()
    if key == "satisfaction":
        return "写明调查对象、调查方式和计算方法，如“通过问卷调查，满意和较满意的人数占有效调查人数的比例”"
    if kind == "percent" or name.endswith("率"):
        return f"写明计算口径，如“{name}＝实际完成数÷计划（应完成）数×100%”，并说明分子、分母各统计什么"
    if key == "cost" or kind == "money":
        return "写明成本包含哪些支出及测算方法，如“单价×数量”或依据的支出标准"
    if key == "timeliness" or kind in ("date", "duration"):
        return "写明时限的判定标准，如“全部资金于12月底前支付完毕，以国库支付记录日期为准”"
    if key == "quantity" or kind == "count":
        unit = (ind.parsed.unit or "") if ind.parsed else ""
        record = {"人": "花名册或发放名单", "户": "花名册或发放名单", "人次": "签到表或台账",
                  "亩": "丈量结果或协议", "平方米": "验收结果", "米": "验收结果", "公里": "验收结果"}.get(unit, "台账或验收记录")
        return f"写明统计对象、统计口径和时点，如“截至12月底实际完成（发放、覆盖）的……数量，以{record}为准”"
    return "写明衡量什么、怎样衡量（统计口径、计算方法或评价标准）"


@check("DESC_ECHO")
def desc_echo(submission: Submission, ctx: Context) -> Iterator[Finding]:
    options = {k: ctx.option(k) for k in ("max_new_chars", "min_share", "min_cover", "min_scope_run")}
    for table in submission.tables:
        scope = scope_text(submission, table)
        for ind in table.indicators:
            echo = judge(ind, scope, options)
            if echo is None:
                continue
            quote = evidence.cell(ind, "description")
            name = evidence.cell(ind, "level3")
            if echo.kind == "same":
                what = f"与三级指标“{name}”完全相同"
            else:
                what = f"只是把三级指标“{name}”换了个说法"
            yield ctx.finding(
                table=table,
                row=ind,
                field="description",
                variant=echo.kind,
                evidence=quote,
                message=f"绩效指标描述“{quote}”{what}，没有说明这个指标怎样统计或计算，年底无法据此核实。",
                suggestion=f"改写描述：{_how(ind)}。",
                confidence=1.0 if echo.kind == "same" else float(ctx.option("reworded_confidence")),
            )
