"""CONTRADICTION: two places of one submission disagree on a fact (RULEBOOK 18, 15).

* Part 1 vs a table: the Part 1 paragraph about a project states another 预算数, other
  资金支出进度 periods ("3月底、6月底、9月底、12月底" while the table says 10月底) or percentages,
  or other indicator values ("经济效益指标--服务群众=95%" while the table says ">90%");
* a goal vs its indicator: "满意率在99%以上" while the 满意度 indicator is "≥90%"; a goal promising
  248名网格员 while 数量 says 230人;
* 指标描述 vs 指标值: "满意度达到90%以上" with value "100%", "全部49个行政村" with value "33个",
  "12月底前完成" with value "10月底前";
* 资金用途 vs 预算数 ("预算数2万元" in a 3万元 table) and 资金用途 vs 数量 ("保障全镇49个村" while
  数量 says 33个);
* timing vs the 资金支出计划: "按季度发放" while the plan is 100% at 3月底; "6月底前支付完毕"
  while the plan is 50% at 6月底; a 10-month service period costed as 12 months;
* the number of villages stated differently in different places (全镇33个行政村 / 34个村), and the
  unit's own headcount (办公人数133人 in one table, 140人 in another);
* within one row, what the 三级 name or the description measures (a rate, a time, a service life,
  a count, an amount — rules/lexicons/measures.yaml) against what the 指标值 is: "及时发放率" with
  "12月底前", "工程完工率" with "3360平方米", a 使用年限 row described as "验收及时率"; a description
  stating a per-unit standard ("村年均标准") whose value is the whole 预算数; a value that states an
  effect in another field ("环境的改善与提升" with "解决全镇200个人口就业问题"). A value of the wrong
  kind for its 二级 is VALUE_KIND's and is not reported again here.

Not here: a comparator pointing the wrong way with the same number (VALUE_DIRECTION), money vs
预算数 arithmetic in cost rows (COST_MISMATCH), a year (YEAR_MISMATCH), a percentage over 100
(VALUE_IMPLAUSIBLE).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from .. import domain, evidence
from ..domain import LEVEL2_NAMES, level2_key
from ..resources import lexicon
from ..schema import Finding, Indicator, ProjectTable, Submission
from ..values import find_money, normalize_text, parse_value, squash, to_yuan
from . import Context, check

# ------------------------------------------------------------------------------------------------
# Small helpers
# ------------------------------------------------------------------------------------------------

_CLAUSE_SPLIT = re.compile(r"[，,。；;！!？?\n]")
_NUM = r"\d+(?:\.\d+)?"
_CMP = (r"(?:大于或等于|大于等于|不低于|不少于|不小于|达到|达|在|为|保持在|高于|超过|大于|≥=?|>=|＞＝|>|＞|＝|=|"
        r"小于或等于|小于等于|不高于|不超过|不多于|低于|小于|少于|≤=?|<=|＜＝|<|＜)")
_PCT_RE = re.compile(rf"(?P<cmp>{_CMP})?\s*(?P<num>{_NUM})\s*(?:%|％|百分比|百分率|百分数)(?P<suffix>及以上|以上|及以下|以下|以内)?")
_FORMULA_BEFORE = re.compile(r"(?:[×xX*＊]|乘以|乘)\s*$")
_SCORE_AFTER = re.compile(r"^\s*(?:的|者)?得\s*\d+\s*分")

_COUNT_UNITS = ("人次", "平方米", "立方米", "公里", "千米", "个村", "名", "人", "户", "亩", "米", "座", "个",
                "村", "次", "场", "家", "处", "件", "台", "套", "所", "盏", "棵", "株", "吨", "份", "张", "辆",
                "条", "项", "批", "间", "栋", "公顷")
_DURATION_UNITS = ("个工作日", "工作日", "个月", "天", "日", "小时")
_COUNT_RE = re.compile(
    rf"(?<![\d.])(?P<num>{_NUM})\s*(?P<unit>{'|'.join(sorted(_COUNT_UNITS + _DURATION_UNITS, key=len, reverse=True))})"
    r"(?P<noun>[\u4e00-\u9fff]{0,6})"
)
_UNIT_NORM = {"名": "人", "个村": "村", "千米": "公里", "日": "天", "个工作日": "工作日"}
_VILLAGE_NOUN = re.compile(r"^(?:行政)?村")


def _norm(text: str) -> str:
    return normalize_text(text or "", fold=True)


def _decimals(x: float) -> int:
    text = repr(float(x))
    if "e" in text or "." not in text:
        return 0
    return len(text.split(".")[1].rstrip("0"))


def _same(a: float, b: float, rel: float = 0.0) -> bool:
    """Equal as written: 239.262 and 239.26 agree (the coarser number's rounding)."""
    tolerance = 0.5 * 10 ** -min(_decimals(a), _decimals(b)) + 1e-9
    return abs(a - b) <= max(tolerance, rel * max(abs(a), abs(b)))


def _fmt(x: float) -> str:
    return f"{x:.4f}".rstrip("0").rstrip(".")


def _clause_at(text: str, start: int, end: int) -> str:
    left = max((m.end() for m in _CLAUSE_SPLIT.finditer(text, 0, start)), default=0)
    right_m = _CLAUSE_SPLIT.search(text, end)
    right = right_m.start() if right_m else len(text)
    return text[left:right].strip()


@dataclass
class Pct:
    number: float
    comparator: str | None
    term: str  # the words right before (the indicator the number is about)
    start: int
    end: int


def percents(text: str) -> list[Pct]:
    """Percentages stated in prose, without formula factors ("×100%") and scoring rubrics."""
    found = []
    for m in _PCT_RE.finditer(text):
        before = text[max(0, m.start() - 3): m.start()]
        if _FORMULA_BEFORE.search(before):
            continue
        try:
            number = float(m.group("num"))
        except ValueError:
            continue
        comparator = m.group("cmp") or ""
        if m.group("suffix") in ("及以上", "以上"):
            comparator = comparator or "≥"
        left = max((c.end() for c in _CLAUSE_SPLIT.finditer(text, 0, m.start())), default=0)
        term = re.sub(r"[\s（(]+$", "", text[max(left, m.start() - 14): m.start()])
        found.append(Pct(number, comparator or None, term, m.start(), m.end()))
    return found


@dataclass
class Qty:
    number: float
    unit: str
    noun: str
    context: str  # the clause around it
    start: int
    end: int


def quantities(text: str) -> list[Qty]:
    found = []
    for m in _COUNT_RE.finditer(text):
        unit = _UNIT_NORM.get(m.group("unit"), m.group("unit"))
        noun = m.group("noun")
        if unit == "个" and _VILLAGE_NOUN.match(noun):
            unit = "村"
        found.append(Qty(float(m.group("num")), unit, noun, _clause_at(text, m.start(), m.end()), m.start(), m.end()))
    return found


def _value_unit(value) -> str | None:
    unit = value.unit_raw or value.unit
    if unit is None:
        return None
    unit = _UNIT_NORM.get(unit, unit)
    return "村" if unit == "村街" else unit


def _row_unit(indicator: Indicator) -> str | None:
    """The unit of a count row; "33个" counting villages is 村."""
    unit = _value_unit(indicator.parsed)
    if unit == "个" and re.search(r"村(?![民干委])", f"{indicator.level3}{indicator.description}"):
        return "村"
    return unit


_GENERIC_BIGRAMS = {"数量", "人数", "个数", "完成", "发放", "全镇", "全乡", "我镇", "我乡", "本镇", "本乡", "保障",
                    "工作", "资金", "项目", "实际", "计划", "全部", "共计", "累计", "其中", "单位", "我单", "总数",
                    "涉及", "年度", "全年", "用于", "达到", "以上", "不少", "少于", "指标", "标准"}


def _bigrams(text: str) -> set[str]:
    chars = re.sub(r"[^\u4e00-\u9fff]", " ", text)
    grams = set()
    for word in chars.split():
        grams.update(word[i:i + 2] for i in range(len(word) - 1))
    return grams - _GENERIC_BIGRAMS


_LEAD_WORDS = re.compile(r"(?:共计|共有|合计|累计|总计|共|约|达到|达|为|了|计|完成|不少于|不低于|不超过|≥|>|≤|<|=|\s)+$")


def _subject_words(text: str, qty: Qty) -> list[str]:
    """The words right next to a stated quantity: "为248名网格员" -> 网格员/网格; "完成改厕800座"
    -> 改厕; "神无线南延217.9亩" -> 南延. What a 数量 row must name to be about the same thing."""
    words = []
    noun = re.match(r"[\u4e00-\u9fff]+", qty.noun or "")
    if noun and len(noun.group(0)) >= 2:
        words += [noun.group(0)[:3], noun.group(0)[:2]]
    prefix = _LEAD_WORDS.sub("", text[max(0, qty.start - 12): qty.start])
    tail = re.search(r"[\u4e00-\u9fff]{2,}$", prefix)
    if tail:
        words += [tail.group(0)[-3:], tail.group(0)[-2:]]
    return [w for w in dict.fromkeys(words) if len(w) >= 2 and w not in _GENERIC_BIGRAMS and w != "行政"]


_ACTIONS = re.compile(r"新建|新增|改建|改造|维修|修缮|维护|培训|发放|清理|清运|硬化|安装|检查|巡查|查处|取缔|宣传|"
                      r"征集|慰问|救助|走访|排查|化解|调解|整治|种植|栽植|植树|绿化|修建|铺设|验收|补偿|拆除|招商")


def _same_action(a: str, b: str) -> bool:
    """False when both texts name what is done and the actions differ (维修 vs 新建)."""
    first, second = set(_ACTIONS.findall(a)), set(_ACTIONS.findall(b))
    return not (first and second and not (first & second))


def _month(deadline: str | None) -> int | None:
    if not deadline:
        return None
    if deadline in ("年底",):
        return 12
    m = re.search(r"(\d{1,2})月", deadline)
    return int(m.group(1)) if m else None


def _schedule_month(period: str) -> int | None:
    m = re.search(r"(\d{1,2})月", period)
    if m:
        return int(m.group(1))
    return {"第一季度": 3, "第一季度末": 3, "上半年": 6, "第二季度": 6, "第二季度末": 6, "第三季度": 9,
            "第三季度末": 9, "第四季度": 12, "第四季度末": 12, "年底": 12, "全年": 12}.get(period)


def _schedule_share(table: ProjectTable, point) -> float | None:
    """Cumulative share (0–100) of the budget at one schedule point."""
    if point.percent is not None:
        return point.percent
    if point.amount is not None and table.budget.total:
        return point.amount / table.budget.total * 100
    return None


def _indicator_label(indicator: Indicator) -> str:
    return f"第{indicator.row}行“{indicator.level3 or indicator.description}”"


def _satisfaction_rows(table: ProjectTable) -> list[Indicator]:
    return [i for i in table.indicators
            if level2_key(i.level2) == "satisfaction" or "满意" in (i.level3 or "")]


# ------------------------------------------------------------------------------------------------
# The check
# ------------------------------------------------------------------------------------------------


@check("CONTRADICTION")
def contradiction(submission: Submission, ctx: Context) -> Iterator[Finding]:
    flagged_goal_texts: set[str] = set()
    for table in submission.tables:
        for finding in _goals_vs_indicators(table, ctx):
            flagged_goal_texts.add(squash(finding.evidence))
            yield finding
        yield from _fund_use_vs_budget(table, ctx)
        yield from _fund_use_vs_indicators(table, ctx)
        done: set[int] = set()
        for finding in _description_vs_value(table, ctx):
            done.add(finding.row)
            yield finding
        yield from _standard_vs_total(table, ctx, done)
        yield from _measure_vs_value(table, ctx, done)
        yield from _value_off_subject(table, ctx, done)
        yield from _timing_vs_schedule(table, ctx)
        yield from _period_vs_monthly_cost(table, ctx)
    yield from _part1_vs_tables(submission, ctx, flagged_goal_texts)
    yield from _village_totals(submission, ctx)
    yield from _unit_headcount(submission, ctx)


# ---- goals vs indicators ------------------------------------------------------------------------


def _percent_rows_for(term: str, table: ProjectTable) -> tuple[str, list[Indicator]]:
    """The indicator rows a goal's percentage is about: 满意 -> 满意度 rows; "居民电子健康档案建档率"
    -> the row whose name holds 建档率 and most of the goal's words (not "高血压患者规范管理率")."""
    if "满意" in term:
        return "满意度", _satisfaction_rows(table)
    m = re.search(r"([\u4e00-\u9fff]{1,12}(?:率|比例|占比))$", term)
    if not m:
        return "", []
    words = m.group(1)
    key = words[-3:]
    wanted = _bigrams(words)
    best: list[Indicator] = []
    for indicator in table.indicators:
        name = indicator.level3 or ""
        if key not in name:
            continue
        have = _bigrams(name)
        if not wanted or not have:
            continue
        if len(wanted & have) / min(len(wanted), len(have)) >= 0.6:
            best.append(indicator)
    return (key, best) if best else ("", [])


def _goals_vs_indicators(table: ProjectTable, ctx: Context) -> Iterator[Finding]:
    for index, _goal in enumerate(table.goals):
        raw = evidence.goal(table, index)
        text = _norm(raw)
        done = False
        for pct in percents(text):
            if pct.number > 100:
                continue
            name, rows = _percent_rows_for(pct.term, table)
            values = [(i, i.parsed) for i in rows if i.parsed and i.parsed.kind == "percent" and i.parsed.number is not None]
            if not values or len(values) != len(rows):
                continue
            if any(_same(pct.number, v.number) for _, v in values):
                continue
            indicator, value = values[0]
            quoted = evidence.fragment(raw, _clause_at(text, pct.start, pct.end))
            yield ctx.finding(
                table=table, field="goal", variant="goal-vs-indicator", evidence=quoted,
                message=(f"绩效目标{index + 1}“{quoted}”承诺{name}{_fmt(pct.number)}%，而{_indicator_label(indicator)}"
                         f"的指标值是“{evidence.cell(indicator, 'value')}”，目标与指标不一致。"),
                suggestion=(f"统一目标和指标：按测算结果把二者都写成同一数值（如“{name}≥{_fmt(value.number)}%”或"
                            f"“≥{_fmt(pct.number)}%”），并在描述中写明计算口径。"),
            )
            done = True
            break
        if done:
            continue
        finding = _quantity_vs_rows(table, raw, text, ctx, field="goal", label=f"绩效目标{index + 1}", index=index) \
            or _deadline_vs_rows(table, raw, text, ctx, index)
        if finding:
            yield finding


_GOAL_DEADLINE = re.compile(r"(?P<m>\d{1,2})\s*月(?:底|末|份|\d{1,2}日)?(?:前|之前|以前)|(?P<eoy>年底前|年末前|年内)")


def _deadline_vs_rows(table: ProjectTable, raw: str, text: str, ctx: Context, index: int) -> Finding | None:
    """"6月底前完成发放" in a goal while the 时效 row about the same work says "12月底前"."""
    m = _GOAL_DEADLINE.search(text)
    if not m:
        return None
    month = int(m.group("m")) if m.group("m") else 12
    clause = _clause_at(text, m.start(), m.end())
    actions = set(_ACTIONS.findall(clause)) | set(_PAYMENT_WORDS.findall(clause))
    subject = _bigrams(_GOAL_DEADLINE.sub("", clause)) - {"月底", "底前", "完工", "时间"}
    rows = []
    for indicator in table.indicators:
        if level2_key(indicator.level2) != "timeliness" or not indicator.parsed:
            continue
        row_month = _month(indicator.parsed.deadline) if indicator.parsed.deadline and (
            "月" in indicator.parsed.deadline or indicator.parsed.deadline == "年底") else None
        if row_month is None:
            continue
        about = f"{indicator.level3}{indicator.description}"
        if actions & (set(_ACTIONS.findall(about)) | set(_PAYMENT_WORDS.findall(about))) or subject & _bigrams(about):
            rows.append((indicator, row_month))
    if not rows or any(row_month == month for _, row_month in rows):
        return None
    indicator, _row_month = rows[0]
    quoted = evidence.fragment(raw, clause)
    cell = evidence.cell(indicator, "value")
    return ctx.finding(
        table=table, field="goal", variant="goal-vs-indicator", evidence=quoted,
        message=(f"绩效目标{index + 1}“{quoted}”的完成时限是{month}月底，而时效指标{_indicator_label(indicator)}"
                 f"的指标值是“{cell}”，目标与指标的时限不一致。"),
        suggestion="按实际进度统一目标和时效指标的完成时限，并与资金支出计划相互印证。",
        confidence=ctx.option("schedule_confidence"),
    )


def _quantity_rows(table: ProjectTable) -> list[Indicator]:
    return [i for i in table.indicators if level2_key(i.level2) == "quantity"
            and i.parsed and i.parsed.kind == "count" and i.parsed.number is not None and not i.parsed.placeholder]


def _quantity_vs_rows(table: ProjectTable, raw: str, text: str, ctx: Context, field: str, label: str,
                      index: int | None = None) -> Finding | None:
    """A count stated in a goal or the fund use vs the 数量 row about the same thing."""
    rows = _quantity_rows(table)
    if not rows:
        return None
    for qty in quantities(text):
        if qty.unit in _DURATION_UNITS or qty.unit in ("天", "工作日", "个月", "小时"):
            continue
        names = _subject_words(text, qty)
        if not names:
            continue
        matching = []
        for indicator in rows:
            unit = _row_unit(indicator)
            if unit is None or unit != qty.unit:
                continue
            about = f"{indicator.level3}{indicator.description}"
            if any(n in about for n in names) and _same_action(qty.context, about):
                matching.append(indicator)
        if len(matching) != 1:
            continue  # nothing about the same thing, or several rows (a breakdown): no claim
        indicator = matching[0]
        number = indicator.parsed.number
        if _same(qty.number, number, rel=ctx.option("relative_tolerance")):
            continue
        if any(_same(q.number, qty.number) for q in quantities(_norm(f"{indicator.level3} {indicator.description}"))):
            continue  # the row itself names the total and counts a part of it
        if len([q for q in quantities(text) if q.unit == qty.unit]) > 1:
            continue  # "共49个村，其中33个…": a total and a part
        quoted = evidence.fragment(raw, qty.context)
        cell = evidence.cell(indicator, "value")
        if field == "goal":
            return ctx.finding(
                table=table, field="goal", variant="goal-vs-indicator", evidence=quoted,
                message=(f"{label}“{quoted}”写的是{_fmt(qty.number)}{qty.unit}，而数量指标{_indicator_label(indicator)}"
                         f"的指标值是“{cell}”，目标与指标不一致。"),
                suggestion=f"核实实际数量，把目标和数量指标统一为同一数值（{_fmt(qty.number)}{qty.unit}或{cell}）。",
            )
        return ctx.finding(
            table=table, row=indicator, field="value", variant="fund-use-vs-indicator", evidence=cell,
            message=(f"{label}写“{quoted}”（{_fmt(qty.number)}{qty.unit}），而{_indicator_label(indicator)}的指标值是"
                     f"“{cell}”，两处数量不一致。"),
            suggestion=f"核实实际数量，把{label}和数量指标统一为同一数值（{_fmt(qty.number)}{qty.unit}或{cell}）。",
        )
    return None


# ---- fund use -----------------------------------------------------------------------------------

_BUDGET_WORDS = re.compile(r"(?:预算数|预算资金|预算安排|年初预算|预算|安排资金|资金总额|总额|共计|合计)(?:为|是|共|：|:)?\s*$")


def _fund_use_vs_budget(table: ProjectTable, ctx: Context) -> Iterator[Finding]:
    if not table.fund_use or not table.budget.total or not table.money_unit:
        return
    budget_yuan = to_yuan(table.budget.total, table.money_unit)
    for money in find_money(table.fund_use):
        if money.per:
            continue
        before = table.fund_use[max(0, money.start - 8): money.start]
        if not _BUDGET_WORDS.search(before):
            continue
        if _same(money.yuan, budget_yuan, rel=ctx.option("relative_tolerance")):
            return
        quoted = evidence.fragment(table.fund_use, _clause_at(table.fund_use, money.start, money.end))
        yield ctx.finding(
            table=table, field="budget", variant="fund-use-vs-budget", evidence=quoted,
            message=(f"资金用途写“{quoted}”，而表头预算数为{table.budget.raw_total or _fmt(table.budget.total)}"
                     f"{table.money_unit}，两处金额不一致。"),
            suggestion=(f"核实预算金额，把资金用途中的金额改为与预算数一致（{table.budget.raw_total or _fmt(table.budget.total)}"
                        f"{table.money_unit}），或更正预算数。"),
        )
        return


def _fund_use_vs_indicators(table: ProjectTable, ctx: Context) -> Iterator[Finding]:
    for raw, label in ((table.project, "项目名称"), (table.fund_use, "资金用途")):
        if not raw:
            continue
        finding = _quantity_vs_rows(table, raw, _norm(raw), ctx, field="value", label=label)
        if finding:
            yield finding
            return


# ---- description vs value -------------------------------------------------------------------------

_RELATIVE_BEFORE = re.compile(r"(?:提高|增长|下降|降低|减少|增加|提升|上升|增幅|降幅|同比|环比|比上年|较上年|较去年)[了约达到为]*\s*$")
_PER_BEFORE = re.compile(r"(?:每|人均|户均|村均|平均)[\u4e00-\u9fff]{0,3}\s*$")
_PER_WORDS = re.compile(r"(?:人均|户均|村均|每人|每户|每村|每个|每亩|每平方米|每米|每份|每张|每月|每年|平均|单价|标准|月均)")


def _description_vs_value(table: ProjectTable, ctx: Context) -> Iterator[Finding]:
    for indicator in table.indicators:
        value = indicator.parsed
        description = _norm(indicator.description)
        if not value or value.placeholder or not indicator.value.strip():
            continue
        if _norm(indicator.value) == description:
            continue
        claim = _description_claim(indicator, value, description, ctx) if description else None
        source, label = "description", "指标描述"
        level3 = _norm(indicator.level3)
        if not claim and level3 and level3 != description:
            claim = _description_claim(indicator, value, level3, ctx)
            source, label = "level3", "三级指标"
        if not claim:
            continue
        stated, what = claim
        quoted_desc = evidence.fragment(evidence.cell(indicator, source), stated)
        cell = evidence.cell(indicator, "value")
        yield ctx.finding(
            table=table, row=indicator, field="value", variant="description-vs-value", evidence=cell,
            message=(f"第{indicator.row}行{label}写“{quoted_desc}”，而指标值是“{cell}”，"
                     f"两处{what}不一致。"),
            suggestion=f"核实后统一描述和指标值（指标值按描述改，或把描述中的{what}改为与指标值一致），描述只写计算口径。",
        )


def _description_claim(indicator: Indicator, value, description: str, ctx: Context) -> tuple[str, str] | None:
    """(the clause of the description that disagrees, what kind of fact) or None."""
    if value.kind == "percent" and value.number is not None:
        levels = [p for p in percents(description) if not _RELATIVE_BEFORE.search(description[max(0, p.start - 6): p.start])]
        stated = [p for p in levels if p.number <= 100 and not _SCORE_AFTER.match(description[p.end:])]
        scored = [p for p in levels if _SCORE_AFTER.match(description[p.end:])]
        stated = stated or scored
        if stated and not any(_same(p.number, value.number) for p in stated):
            p = stated[0]
            return _clause_at(description, p.start, p.end), "百分比"
        return None
    if value.kind == "money" and value.yuan is not None:
        if re.search(r"[×xX*＊]|乘以|乘", description):
            return None  # a calculation: its factors are not claims about the value
        per_value = bool(value.per) or bool(_PER_WORDS.search(indicator.level3 or ""))
        amounts = []
        for money in find_money(description):
            before = description[max(0, money.start - 6): money.start]
            per = bool(money.per) or bool(_PER_WORDS.search(before))
            if per != per_value or (money.per and value.per and money.per != value.per):
                continue
            amounts.append(money)
        if not amounts:
            return None
        rel = ctx.option("relative_tolerance")
        if any(_same_money(m.yuan, m.amount, value) for m in amounts):
            return None
        if len(amounts) > 1 and _same(sum(m.yuan for m in amounts), value.yuan, rel=rel):
            return None
        m = amounts[0]
        return _clause_at(description, m.start, m.end), "金额"
    if value.kind in ("count", "duration") and value.number is not None:
        unit = _row_unit(indicator)
        found = [q for q in quantities(description) if q.unit == unit
                 and not _PER_BEFORE.search(description[max(0, q.start - 6): q.start])]
        if not found or any(_same(q.number, value.number) for q in found):
            return None
        if len(found) > 1 and _same(sum(q.number for q in found), value.number):
            return None
        q = found[0]
        return q.context, "数量"
    if value.kind == "date":
        month = _month(value.deadline)
        desc_value = parse_value(description)
        desc_month = _month(desc_value.deadline) if desc_value.deadline and "月" in desc_value.deadline else None
        if month and desc_month and month != desc_month:
            m = re.search(rf"(?<!\d){desc_month}\s*月", description) or re.search(r"\d{1,2}\s*月", description)
            return (_clause_at(description, m.start(), m.end()) if m else description), "时限"
    return None


def _same_money(yuan: float, amount: float, value) -> bool:
    """128.6095万元 and 128.61万元 agree: compare in the value's unit at its precision."""
    factor = (value.yuan / value.number) if value.number else 1.0
    return _same(yuan / factor, value.number) if factor else False


# ---- what the name, the description and the value measure ----------------------------------------


@dataclass(frozen=True)
class _Measures:
    heads: tuple[tuple[str, str], ...]  # (ending, measure), longest first
    labels: dict[str, str]
    values: dict[str, frozenset[str]]
    not_heads: tuple[str, ...]
    strip_tail: re.Pattern[str]
    score_units: frozenset[str]
    level2_values: dict[str, frozenset[str]]
    per_unit: re.Pattern[str] | None
    change_before: re.Pattern[str] | None
    rate_pattern: re.Pattern[str] | None


@lru_cache(maxsize=1)
def _measures() -> _Measures:
    data = lexicon("measures")
    heads, labels, values = [], {}, {}
    for name, spec in (data.get("measures") or {}).items():
        labels[name] = str(spec.get("label", name))
        values[name] = frozenset(spec.get("values") or ())
        heads += [(str(h), name) for h in spec.get("heads") or ()]
    heads.sort(key=lambda h: -len(h[0]))
    return _Measures(
        heads=tuple(heads), labels=labels, values=values,
        not_heads=tuple(str(h) for h in data.get("not_heads") or ()),
        strip_tail=re.compile(str(data.get("strip_tail") or r"\s+$")),
        score_units=frozenset(str(u) for u in data.get("score_units") or ()),
        level2_values={k: frozenset(v or ()) for k, v in (data.get("level2_values") or {}).items()},
        per_unit=re.compile(str(data["per_unit"])) if data.get("per_unit") else None,
        rate_pattern=re.compile(str(data["rate_pattern"])) if data.get("rate_pattern") else None,
        change_before=re.compile(f"(?:{data['change_before']})[\\u4e00-\\u9fff]{{0,8}}$") if data.get("change_before") else None,
    )


def measure_of(text: str) -> str | None:
    """What a name or description measures, from the words it ends with: "及时发放率" -> rate,
    "该笔资金发放完成的时间" -> time, "验收合格硬化面积" -> count; None when the ending says nothing
    ("经费保障及时性", "资金是否全部用于道路硬化建设", "幸福指数")."""
    m = _measures()
    head = squash(normalize_text(text or "", fold=True))
    previous = None
    while head and head != previous:
        previous = head
        head = m.strip_tail.sub("", head)
    if not head or re.search(r"\d\s*$", head):
        return None  # the text states a number itself ("面积为5358.2平方米")
    if any(head.endswith(n) for n in m.not_heads):
        return None
    if re.search(r"[×xX*＊÷/]|乘以|除以", head):
        return "rate" if re.search(r"100\s*%|百分", head) else None
    if m.rate_pattern and m.rate_pattern.search(head):
        return "rate"  # "合格人数占总人数": a share, though it ends in 人数
    for ending, name in m.heads:
        if head.endswith(ending):
            if name != "rate" and m.change_before and m.change_before.search(head[: len(head) - len(ending)]):
                return None  # "降低运输和出行成本": a change, measured as a rate or an amount
            return name
    return None


def value_measure(value) -> str | None:
    """The kind of the 指标值 in the terms of measures.yaml: percent, date, duration,
    duration_years, count, money; None for text, placeholders, scores and bare numbers."""
    if value is None or value.placeholder:
        return None
    kind = value.kind
    if kind == "duration":
        return "duration_years" if value.unit == "年" else "duration"
    if kind == "count":
        unit = value.unit_raw or value.unit
        if unit is None or unit in _measures().score_units or value.number is None:
            return None
        if value.per in ("日", "天", "周", "月", "季", "季度", "年") or getattr(value, "frequency", None):
            return None  # "1次/月", "每季度1次": a frequency, both a count and a timing
        return "count"
    if kind == "date":
        return "date" if (value.deadline or getattr(value, "frequency", None)) else None
    if kind == "percent":
        return "percent" if value.number is not None else None
    if kind == "money":
        return "money" if value.yuan is not None else None
    return None


_VALUE_LABELS = {"percent": "比率（%）", "date": "日期（时限）", "duration": "时长", "duration_years": "年限",
                 "count": "数量", "money": "金额"}
_EXAMPLES = {"rate": "“≥95%”（并写明分子、分母）", "time": "“12月底前”", "years": "“≥10年”",
             "count": "具体数量（如“≥12次”“3360平方米”）", "money": "金额（如“≤预算数”）"}


# a description is a sentence: "每月按合同支付保洁费用" ends in a money word that is the object of
# an action, not what is measured. Only a rate, a time or a service life read from a description
# is trusted to contradict the name and the value on its own.
_STRONG_DESC = ("rate", "time", "years")


def _compatible(measure: str, kind: str) -> bool:
    return kind in _measures().values.get(measure, frozenset())


def _measure_vs_value(table: ProjectTable, ctx: Context, done: set[int]) -> Iterator[Finding]:
    """The 三级 name (or the description) measures one thing, the 指标值 another: "及时发放率" with
    "12月底前", "完成率" whose description and value are a completion time, "工程完工率" with
    "3360平方米", a 使用年限 row whose description is "验收及时率". A value of the wrong kind for its
    二级 is VALUE_KIND's and is left alone here."""
    m = _measures()
    for indicator in table.indicators:
        if indicator.row in done:
            continue
        kind = value_measure(indicator.parsed)
        if kind is None:
            continue
        declared = level2_key(indicator.level2)
        allowed = m.level2_values.get(declared or "")
        if allowed is not None and kind not in allowed:
            continue  # the value does not fit its 二级: VALUE_KIND reports it
        name_text, desc_text = indicator.level3 or "", indicator.description or ""
        name = measure_of(name_text)
        same_text = _norm(name_text) == _norm(desc_text)
        desc = None if same_text else measure_of(desc_text)
        cell = evidence.cell(indicator, "value")
        vlabel = _VALUE_LABELS[kind]
        if name and not _compatible(name, kind):
            name_cell = evidence.cell(indicator, "level3")
            desc_cell = evidence.cell(indicator, "description")
            if desc and desc == name:
                # name and description agree; the value is of another kind
                yield ctx.finding(
                    table=table, row=indicator, field="value", variant="name-vs-value", evidence=cell,
                    message=(f"第{indicator.row}行三级指标“{name_cell}”和描述“{desc_cell}”衡量的都是"
                             f"{m.labels[name]}，指标值“{cell}”却是{vlabel}，名称与指标值不一致，年终无法按名称考核。"),
                    suggestion=(f"按名称和描述把指标值改为{m.labels[name]}，如{_EXAMPLES[name]}；若要考核的确是"
                                f"“{cell}”，则把三级指标和描述改为与之相符的{vlabel}类名称。"),
                    severity="medium", confidence=ctx.option("measure_confidence"),
                )
                continue
            agrees = bool(desc) and _compatible(desc, kind)
            backing = f"，描述“{desc_cell}”说的也是{m.labels[desc]}" if agrees else ""
            rename = (f"把三级指标改为与指标值一致的名称（如按描述改为“{desc_cell}”）" if agrees
                      else f"把三级指标改为与指标值一致的{vlabel}类名称")
            yield ctx.finding(
                table=table, row=indicator, field="indicator", variant="name-vs-value", evidence=name_cell,
                message=(f"第{indicator.row}行三级指标“{name_cell}”衡量的是{m.labels[name]}，而指标值“{cell}”是"
                         f"{vlabel}{backing}：名称与指标值不一致，年终无法按名称考核。"),
                suggestion=(f"{rename}；若要考核的确是{m.labels[name]}，则把指标值改为{_EXAMPLES[name]}，"
                            "并在描述中写明计算方法。"),
                severity="medium", confidence=ctx.option("measure_confidence"),
            )
            continue
        if name and desc in _STRONG_DESC and desc != name and not _compatible(desc, kind):
            # name and value agree; the description measures something else (pasted from another row)
            name_cell = evidence.cell(indicator, "level3")
            desc_cell = evidence.cell(indicator, "description")
            yield ctx.finding(
                table=table, row=indicator, field="description", variant="description-vs-name",
                evidence=desc_cell,
                message=(f"第{indicator.row}行三级指标“{name_cell}”和指标值“{cell}”衡量的是{m.labels[name]}，"
                         f"描述“{desc_cell}”却是{m.labels[desc]}，疑为从其他行误粘贴，描述与指标不一致。"),
                suggestion=(f"按“{name_cell}”重写描述，写明{m.labels[name]}的统计口径"
                            + ("（如“项目建成后可正常使用的年限”）" if name == "years" else "")
                            + "。"),
                severity="medium", confidence=ctx.option("measure_confidence"),
            )


def _standard_vs_total(table: ProjectTable, ctx: Context, done: set[int]) -> Iterator[Finding]:
    """The description states a standard per unit ("村年均标准", "每人补助标准") while the value is
    the whole budget: 49 villages × the standard cannot be 245万元 = 预算数. A per-unit word in the
    三级 name itself makes the value a standard: COST_MISMATCH multiplies it out (per-unit)."""
    per_unit = _measures().per_unit
    if per_unit is None or not table.budget.total or not table.money_unit:
        return
    budget = to_yuan(table.budget.total, table.money_unit)
    for indicator in table.indicators:
        value = indicator.parsed
        if indicator.row in done or not value or value.kind != "money" or value.per or not value.yuan:
            continue
        if not _same(value.yuan, budget, rel=ctx.option("relative_tolerance")):
            continue
        if per_unit.search(_norm(indicator.level3)):
            continue  # COST_MISMATCH.per-unit
        for attr, label in (("description", "描述"),):
            raw = evidence.cell(indicator, attr)
            text = _norm(raw)
            m = per_unit.search(text)
            if not m or re.search(r"[×xX*＊]|乘以|总|合计|共计|全部|全年", text):
                continue
            cell = evidence.cell(indicator, "value")
            yield ctx.finding(
                table=table, row=indicator, field=attr,
                variant="standard-vs-total", evidence=raw,
                message=(f"第{indicator.row}行{label}“{raw}”说的是单位标准（“{m.group(0)}”），而指标值“{cell}”"
                         f"等于整个项目的预算数{table.budget.raw_total or _fmt(table.budget.total)}{table.money_unit}，"
                         "单位标准与总额混为一谈，两处不一致。"),
                suggestion=(f"二选一并统一：考核单位标准的，指标值写标准本身（预算数÷受益村数/人数，如“≤X万元/村”）；"
                            f"考核总成本的，把{label}改为“项目总成本”并写明构成。"),
                severity="medium", confidence=ctx.option("standard_confidence"),
            )
            done.add(indicator.row)
            break


def _value_off_subject(table: ProjectTable, ctx: Context, done: set[int]) -> Iterator[Finding]:
    """The value states an effect in another field than the indicator: 三级 "环境的改善与提升",
    描述 "居民居住环境明显改善", 指标值 "解决全镇200个人口就业问题"."""
    for indicator in table.indicators:
        value = indicator.parsed
        if indicator.row in done or not value or value.kind not in ("text", "count"):
            continue
        raw_value = _norm(indicator.value)
        if len(re.sub(r"[^\u4e00-\u9fff]", "", raw_value)) < ctx.option("off_subject_min_chars"):
            continue
        if not re.search(r"\d", raw_value):
            continue  # "维持安监工作正常运转": vague words, VALUE_VAGUE's; only a concrete claim counts
        value_ev = _domain_scores(re.sub(ctx.option("off_subject_generic"), "、", raw_value))
        subject_ev = _domain_scores(f"{indicator.level3}，{indicator.description}")
        if not value_ev or not subject_ev:
            continue
        top_value = max(value_ev, key=value_ev.get)
        top_subject = max(subject_ev, key=subject_ev.get)
        if value_ev[top_value] < 2 or subject_ev[top_subject] < 1.5 or set(value_ev) & set(subject_ev):
            continue
        topics = domain.topics()
        cell = evidence.cell(indicator, "value")
        name_cell = evidence.cell(indicator, "level3")
        yield ctx.finding(
            table=table, row=indicator, field="value", variant="value-off-subject", evidence=cell,
            message=(f"第{indicator.row}行三级指标“{name_cell}”说的是{topics[top_subject].label}，指标值“{cell}”"
                     f"却是{topics[top_value].label}方面的内容，指标值与指标说的不是同一件事。"),
            suggestion=(f"按“{name_cell}”写出可考核的指标值（{topics[top_subject].label}方面的比率、数量或分级标准）；"
                        f"若要考核的是“{cell}”，则另设相应的三级指标。"),
            confidence=ctx.option("off_subject_confidence"),
        )


def _domain_scores(text: str) -> dict[str, float]:
    evidence_ = domain.topic_evidence(text)
    topics = domain.topics()
    return {name: score for name, score in evidence_.scores.items()
            if name in topics and topics[name].kind == "domain" and score > 0}


# ---- the unit's headcount ---------------------------------------------------------------------------

_HEADCOUNT_GENERIC = re.compile(r"^(?:保障|我单位|本单位|全镇|全乡|我镇|我乡|本镇|本乡|单位|镇|乡|的|共|计)+")


def _unit_headcount(submission: Submission, ctx: Context) -> Iterator[Finding]:
    """The unit's own headcount ("办公人数") stated differently in two tables: 133人 in 表2,
    "办公人数140人" in 表14."""
    term = re.compile(f"(?P<q>[\\u4e00-\\u9fff]{{0,4}}?)(?P<t>{ctx.option('headcount_terms')})")
    claims: list[tuple[str, int, ProjectTable, Indicator, str]] = []
    for table in submission.tables:
        for indicator in table.indicators:
            value_text = _norm(indicator.value)
            found = None
            for m in term.finditer(value_text):
                n = re.match(r"\s*(?:为|是|共|：|:)?\s*(\d{1,5})\s*(?:人|名)", value_text[m.end():])
                if n:
                    found = (m, int(n.group(1)))
                    break
            if found is None:
                value = indicator.parsed
                about = _norm(f"{indicator.level3}，{indicator.description}")
                m = term.search(about)
                if not m or not value or value.kind != "count" or value.number is None \
                        or _value_unit(value) != "人" or value.number != int(value.number):
                    continue
                found = (m, int(value.number))
            m, number = found
            key = _HEADCOUNT_GENERIC.sub("", m.group("q")) + m.group("t")
            claims.append((key, number, table, indicator, evidence.cell(indicator, "value")))
    by_key: dict[str, list] = {}
    for claim in claims:
        by_key.setdefault(claim[0], []).append(claim)
    for key, group in by_key.items():
        counts = Counter(c[1] for c in group)
        if len(counts) < 2:
            continue
        (top, top_n), (_, second_n) = counts.most_common(2)
        reference = next(c for c in group if c[1] == top) if top_n > second_n else group[0]
        for claim in group:
            if claim[1] == reference[1]:
                continue
            _key, number, table, indicator, cell = claim
            ref_table, ref_row, ref_cell = reference[2], reference[3], reference[4]
            yield ctx.finding(
                table=table, row=indicator, field="value", variant="headcount", evidence=cell,
                message=(f"表{table.number}第{indicator.row}行写{key}{number}人（“{cell}”），而表{ref_table.number}"
                         f"《{ref_table.project}》第{ref_row.row}行同一口径写的是“{ref_cell}”，同一单位的人数前后不一致。"),
                suggestion=f"核实本单位{key}（以人员编制和花名册为准），各表统一为同一数值。",
                severity="medium", confidence=ctx.option("headcount_confidence"),
            )


# ---- timing vs the schedule -----------------------------------------------------------------------

_PAYMENT_WORDS = re.compile(r"资金|支出|拨付|发放|支付|兑付|补贴|补助|经费")


def _timing_vs_schedule(table: ProjectTable, ctx: Context) -> Iterator[Finding]:
    points = [p for p in table.schedule if _schedule_month(p.period)]
    if not points:
        return
    for indicator in table.indicators:
        if level2_key(indicator.level2) != "timeliness":
            continue
        about = f"{indicator.level3}{indicator.description}{indicator.value}"
        if not _PAYMENT_WORDS.search(about):
            continue
        # a frequency (按季度/按月) while the plan pays everything at once in the first period
        for attr in ("value", "description"):
            raw = evidence.cell(indicator, attr)
            text = _norm(raw)
            m = re.search(r"(?:按|每)(季度?|月)", text)
            if not m:
                continue
            first = min(points, key=lambda p: _schedule_month(p.period))
            share = _schedule_share(table, first)
            if share is not None and share >= 99.5 and _schedule_month(first.period) <= 3:
                quoted = evidence.fragment(raw, _clause_at(text, m.start(), m.end()))
                yield ctx.finding(
                    table=table, row=indicator, field=attr, variant="timing-vs-schedule", evidence=quoted,
                    message=(f"第{indicator.row}行写“{quoted}”（分期发放），而资金支出计划{first.period}已支出"
                             f"“{first.raw}”（一次拨付完毕），两处不一致。"),
                    suggestion=("按实际发放方式统一：分期发放的，支出计划按期累计（如3月底25%、6月底50%、9月底75%、"
                                "12月底100%）；一次拨付的，时效指标改为具体完成时限。"),
                    confidence=ctx.option("schedule_confidence"),
                )
                break
        else:
            # a deadline that falls on a schedule period where the plan is not yet complete
            deadline = indicator.parsed.deadline if indicator.parsed else None
            month = _month(deadline) if deadline and "月" in deadline else None
            if not month:
                continue
            at = [p for p in points if _schedule_month(p.period) == month]
            if not at:
                continue
            share = _schedule_share(table, at[0])
            if share is None or share >= 99.5:
                continue
            cell = evidence.cell(indicator, "value")
            yield ctx.finding(
                table=table, row=indicator, field="value", variant="timing-vs-schedule", evidence=cell,
                message=(f"第{indicator.row}行要求“{cell}”完成，而资金支出计划到{at[0].period}只支出“{at[0].raw}”，"
                         "时效指标与支出计划不一致。"),
                suggestion=f"按实际进度统一：或把时效指标改为支出计划达到100%的时点，或调整支出计划使{at[0].period}达到100%。",
                confidence=ctx.option("schedule_confidence"),
            )


# ---- a service period vs a 12-month cost ------------------------------------------------------------

_PERIOD_RE = re.compile(r"(?:(?:19|20)\d{2}\s*年)?\s*(?P<a>\d{1,2})\s*月(?:份)?\s*[-—–~～至到]\s*(?:(?:19|20)\d{2}\s*年)?\s*(?P<b>\d{1,2})\s*月")


def _period_vs_monthly_cost(table: ProjectTable, ctx: Context) -> Iterator[Finding]:
    source = _norm(f"{table.project} {table.fund_use}")
    m = _PERIOD_RE.search(source)
    if not m or not table.budget.total or not table.money_unit:
        return
    months = int(m.group("b")) - int(m.group("a")) + 1
    if not 1 <= months < 12:
        return
    budget = to_yuan(table.budget.total, table.money_unit)
    rel = ctx.option("period_tolerance")
    for indicator in table.indicators:
        value = indicator.parsed
        if not value or value.kind != "money" or not value.yuan:
            continue
        about = f"{indicator.level3}{indicator.description}"
        if not re.search(r"每月|月均|平均每月|每个月|/月", about + (value.per or "")) and value.per != "月":
            continue
        monthly = value.yuan
        if abs(monthly * months - budget) <= rel * budget or abs(monthly * 12 - budget) > rel * budget:
            continue
        cell = evidence.cell(indicator, "value")
        yield ctx.finding(
            table=table, row=indicator, field="value", variant="period-vs-cost", evidence=cell,
            message=(f"项目期为{m.group(0)}（{months}个月），而第{indicator.row}行月均费用“{cell}”按12个月才等于预算数，"
                     "服务期与成本测算不一致。"),
            suggestion=f"按{months}个月测算月均费用（预算数÷{months}），或核实服务期。",
        )


# ---- Part 1 vs the tables ---------------------------------------------------------------------------


@dataclass
class Segment:
    table: ProjectTable
    paragraphs: list[str]


_ITEM_START = re.compile(r"^\s*(?:[（(]?\d{1,2}[）)]|[（(]?[一二三四五六七八九十]{1,3}[）)、.．]|\d{1,2}[、.．])")


def _names(table: ProjectTable) -> list[str]:
    name = normalize_text(table.project or table.title, fold=True)
    names = [name]
    bare = re.sub(r"[（(][^）)]*[）)]", "", name).strip()
    if bare != name:
        names.append(bare)
    names += [inner for inner in re.findall(r"[（(]([^）)]{4,})[）)]", name) if not re.search(r"\d", inner)]
    return [n.strip("“”\"") for n in names if len(n.strip("“”\"")) >= 4]


def _segments(submission: Submission) -> list[Segment]:
    candidates = [(n, t) for t in submission.tables for n in _names(t)]
    segments: list[Segment] = []
    current: Segment | None = None
    for paragraph in submission.part1.all_paragraphs:
        text = normalize_text(paragraph, fold=True).replace("“", "").replace("”", "")
        hits = [(n, t) for n, t in candidates if n.replace("“", "").replace("”", "") in text]
        if hits:
            longest = max(len(n) for n, _ in hits)
            tables = {id(t): t for n, t in hits if len(n) == longest}
            if len(tables) == 1:
                current = Segment(next(iter(tables.values())), [paragraph])
                segments.append(current)
                continue
            current = None
            continue
        if current is not None and not _ITEM_START.match(paragraph):
            current.paragraphs.append(paragraph)
        else:
            current = None
    return segments


_SCHEDULE_CUE = re.compile(r"支出进度|支出计划|资金支出|拨付进度|执行进度|支付进度")
_PERIOD_LIST = re.compile(r"(?P<m>\d{1,2}|十[一二]?|[一二三四五六七八九])\s*月(?:底|末|份)?")
_CN_MONTH = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
             "十一": 11, "十二": 12}
_LEVEL2_STATEMENT = re.compile(
    rf"(?P<level>数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续(?:发展|影响|性发展)?|服务对象满意度|满意度)指标"
    rf"\s*[-—–:：]+\s*(?P<name>[^，,；;。\-—]{{1,20}}?)\s*(?P<cmp>>=|<=|≥|≤|>|<|=)\s*(?P<num>{_NUM})\s*%"
)


def _month_of(token: str) -> int:
    return int(token) if token.isdigit() else _CN_MONTH.get(token, 0)


def _part1_vs_tables(submission: Submission, ctx: Context, flagged_goals: set[str]) -> Iterator[Finding]:
    used: set[str] = set()
    for segment in _segments(submission):
        table = segment.table
        for paragraph in segment.paragraphs:
            text = _norm(paragraph)
            yield from _part1_budget(table, paragraph, text, ctx, used)
            yield from _part1_schedule(table, paragraph, text, ctx, used)
            yield from _part1_values(table, paragraph, text, ctx, flagged_goals, used)


def _part1_quote(paragraph: str, text: str, start: int, end: int, used: set[str]) -> str:
    """Verbatim Part 1 text for a fact at text[start:end]: the clause that states it, extended
    backwards one clause at a time when an earlier finding already quotes the same words (two
    projects' paragraphs often repeat one sentence; the engine would merge equal evidence)."""
    left = max((m.end() for m in _CLAUSE_SPLIT.finditer(text, 0, start)), default=0)
    right_m = _CLAUSE_SPLIT.search(text, max(end, start + 1))
    right = right_m.start() if right_m else len(text)
    quoted = evidence.fragment(paragraph, text[left:right].strip())
    while quoted in used and left > 0:
        left = max((m.end() for m in _CLAUSE_SPLIT.finditer(text, 0, left - 1)), default=0)
        quoted = evidence.fragment(paragraph, text[left:right].strip())
    used.add(quoted)
    return quoted


def _part1_budget(table: ProjectTable, paragraph: str, text: str, ctx: Context, used: set[str]) -> Iterator[Finding]:
    if not table.budget.total or not table.money_unit:
        return
    budget = to_yuan(table.budget.total, table.money_unit)
    for money in find_money(text):
        if money.per or not _BUDGET_WORDS.search(text[max(0, money.start - 8): money.start]):
            continue
        if _same(money.yuan, budget, rel=ctx.option("relative_tolerance")):
            return
        quoted = _part1_quote(paragraph, text, money.start, money.end, used)
        yield ctx.finding(
            table=None, field="narrative", variant="part1-vs-table", evidence=quoted,
            message=(f"第一部分“{quoted}”与表{table.number}《{table.project}》的预算数"
                     f"{table.budget.raw_total or _fmt(table.budget.total)}{table.money_unit}不一致。"),
            suggestion=f"核实预算金额，使第一部分与表{table.number}的预算数一致。",
        )
        return


def _part1_schedule(table: ProjectTable, paragraph: str, text: str, ctx: Context, used: set[str]) -> Iterator[Finding]:
    cue = _SCHEDULE_CUE.search(text)
    if not cue or not table.schedule:
        return
    sentence_end = re.search(r"[。；;]", text[cue.end():])
    sentence = text[cue.start(): cue.end() + (sentence_end.start() if sentence_end else len(text))]
    months = [_month_of(m.group("m")) for m in _PERIOD_LIST.finditer(sentence)]
    share_text = sentence.split("分别", 1)[1] if "分别" in sentence else ""
    shares = [float(m.group("num")) for m in _PCT_RE.finditer(share_text)]
    table_points = [(p, _schedule_month(p.period)) for p in table.schedule]
    table_months = [m for _, m in table_points if m]
    if not months or not table_months:
        return
    quoted = _part1_quote(paragraph, text, cue.start(), cue.start() + len(sentence), used)
    table_text = "、".join(f"{p.period}{('“' + p.raw + '”') if p.raw else '（空白）'}" for p, _ in table_points)
    if sorted(set(months)) != sorted(set(table_months)):
        ours = "、".join(f"{m}月底" for m in months if m not in table_months) or "（无）"
        theirs = "、".join(f"{m}月底" for m in table_months if m not in months) or "（无）"
        yield ctx.finding(
            table=None, field="narrative", variant="part1-vs-table", evidence=quoted,
            message=(f"第一部分写支出进度时点为“{'、'.join(f'{m}月底' for m in months)}”，而表{table.number}"
                     f"《{table.project}》的资金支出计划为{table_text}：第一部分的{ours}在表中为{theirs}，两处不一致。"),
            suggestion=f"按表{table.number}的资金支出计划（或按实际）统一第一部分的支出时点和进度。",
        )
        return
    if len(shares) == len(months):
        mismatched = []
        for month, share in zip(months, shares):
            if share > 100:
                continue  # a typo over 100 % is VALUE_IMPLAUSIBLE's, not a disagreement
            point = next((p for p, m in table_points if m == month), None)
            table_share = _schedule_share(table, point) if point else None
            if table_share is not None and not _same(share, round(table_share, 2), rel=0.005):
                mismatched.append(f"{month}月底第一部分{_fmt(share)}%、表中{point.raw}")
        if mismatched:
            yield ctx.finding(
                table=None, field="narrative", variant="part1-vs-table", evidence=quoted,
                message=(f"第一部分的支出进度与表{table.number}《{table.project}》的资金支出计划不一致："
                         f"{'；'.join(mismatched)}。"),
                suggestion=f"按表{table.number}的资金支出计划（或按实际）统一第一部分的支出进度。",
            )


def _part1_values(table: ProjectTable, paragraph: str, text: str, ctx: Context,
                  flagged_goals: set[str], used: set[str]) -> Iterator[Finding]:
    mismatched: list[str] = []
    first: tuple[int, int] | None = None
    statements = list(_LEVEL2_STATEMENT.finditer(text))
    for m in statements:
        key = level2_key(m.group("level").replace("可持续性发展", "可持续").replace("可持续发展", "可持续"))
        if key is None:
            continue
        number = float(m.group("num"))
        if number > 100:
            continue
        rows = [i for i in table.indicators if level2_key(i.level2) == key]
        values = [i.parsed for i in rows if i.parsed and i.parsed.kind == "percent" and i.parsed.number is not None]
        if not rows or len(values) != len(rows):
            continue
        if any(_same(number, v.number) for v in values):
            continue
        shown = "、".join(f"“{evidence.cell(i, 'value')}”" for i in rows[:2])
        mismatched.append(f"{LEVEL2_NAMES.get(key, m.group('level'))}第一部分“{m.group(0).split('--')[-1].strip('-—: ：')}”、表中{shown}")
        first = first or (m.start(), m.end())
    if not statements:
        # free prose: "满意率在99%以上" about this project
        for pct in percents(text):
            if "满意" not in pct.term or pct.number > 100:
                continue
            clause = _clause_at(text, pct.start, pct.end)
            if squash(clause) in {squash(g) for g in flagged_goals} or any(
                squash(clause) in g or g in squash(clause) for g in flagged_goals
            ):
                continue  # the same sentence is a goal of the table, reported there
            rows = _satisfaction_rows(table)
            values = [i.parsed for i in rows if i.parsed and i.parsed.kind == "percent" and i.parsed.number is not None]
            if not rows or len(values) != len(rows) or any(_same(pct.number, v.number) for v in values):
                continue
            mismatched.append(f"满意度第一部分“{clause}”、表中“{evidence.cell(rows[0], 'value')}”")
            first = (pct.start, pct.end)
            break
    if not mismatched or first is None:
        return
    quoted = _part1_quote(paragraph, text, *first, used)
    yield ctx.finding(
        table=None, field="narrative", variant="part1-vs-table", evidence=quoted,
        message=(f"第一部分对《{table.project}》所写的指标值与表{table.number}不一致："
                 f"{'；'.join(mismatched)}。"),
        suggestion=f"以测算后的指标值为准，统一第一部分和表{table.number}的指标值。",
    )


# ---- the number of villages -------------------------------------------------------------------------

_VILLAGE_TOTAL = re.compile(
    r"(?:全镇|全乡|我镇|我乡|本镇|本乡|辖区内?|所辖|管辖|全部|共有|共辖|下辖|辖)(?:共有|共|的|内)?\s*(?P<num>\d{1,3})\s*个?\s*(?:行政村|村街|村(?![民干委级内务集庄]))"
)
_TOTAL_ROW = re.compile(r"全镇|全乡|全部|所有|辖区|管辖|所辖|全域|行政村")
_SUBSET_ROW = re.compile(r"涉及|享受|覆盖|完成|创建|示范|试点|重点|开展|参与|受益|达标|新增|改造|整治|建设|规划")


@dataclass
class VillageClaim:
    number: int
    table: ProjectTable | None
    indicator: Indicator | None
    field: str
    evidence: str
    where: str


def _village_totals(submission: Submission, ctx: Context) -> Iterator[Finding]:
    claims: list[VillageClaim] = []
    for paragraph in submission.part1.all_paragraphs:
        text = _norm(paragraph)
        for m in _VILLAGE_TOTAL.finditer(text):
            claims.append(VillageClaim(int(m.group("num")), None, None, "narrative",
                                       evidence.fragment(paragraph, _clause_at(text, m.start(), m.end())), "第一部分"))
    for table in submission.tables:
        for raw, field in ((table.fund_use, "budget"),):
            text = _norm(raw)
            for m in _VILLAGE_TOTAL.finditer(text):
                claims.append(VillageClaim(int(m.group("num")), table, None, field,
                                           evidence.fragment(raw, _clause_at(text, m.start(), m.end())),
                                           f"表{table.number}资金用途"))
        for indicator in table.indicators:
            about = f"{indicator.level3}{indicator.description}"
            value = indicator.parsed
            if value and value.kind == "count" and value.number and value.number == int(value.number) \
                    and _value_unit(value) in ("个", "村", "村街") and "村" in about \
                    and _TOTAL_ROW.search(about) and not _SUBSET_ROW.search(about):
                claims.append(VillageClaim(int(value.number), table, indicator, "value", evidence.cell(indicator, "value"),
                                           f"表{table.number}{_indicator_label(indicator)}"))
                continue
            desc = _norm(indicator.description)
            for m in _VILLAGE_TOTAL.finditer(desc):
                claims.append(VillageClaim(int(m.group("num")), table, indicator, "description",
                                           evidence.fragment(evidence.cell(indicator, "description"),
                                                             _clause_at(desc, m.start(), m.end())),
                                           f"表{table.number}第{indicator.row}行描述"))
    counts = Counter(c.number for c in claims)
    if len(counts) < 2:
        return
    (majority, top), (_second, runner) = counts.most_common(2)
    if top == runner:
        return  # no majority: we cannot tell which is right
    example = next(c for c in claims if c.number == majority)
    reported: set[tuple] = set()
    for claim in claims:
        if claim.number == majority:
            continue
        key = (claim.table.number if claim.table else 0, claim.indicator.row if claim.indicator else None, claim.field)
        if key in reported:
            continue
        reported.add(key)
        yield ctx.finding(
            table=claim.table, row=claim.indicator, field=claim.field, variant="village-count", evidence=claim.evidence,
            message=(f"{claim.where}写全镇（乡）行政村{claim.number}个，而{example.where}等{top}处写的是{majority}个"
                     f"（“{example.evidence}”），同一文本中行政村数量不一致。"),
            suggestion=f"核实辖区行政村数量，统一为同一数值（多数处写的是{majority}个）。",
            confidence=ctx.option("village_confidence"),
        )
