"""VALUE_IMPLAUSIBLE: a 指标值 outside a sane range, or unrealistic on its face (RULEBOOK 8, 11).

Variants (one finding per row, the first that applies):
* ``over-100`` (high): a rate above 100 % ("325%", "＞100%") — impossible. Also a percentage above
  100 % in a progress or rate statement of Part 1 ("资金支出进度…分别达到325%、50%…"), field
  ``narrative``.
* ``satisfaction-100`` (medium): a satisfaction target of 100 % / ≥100 % — a survey never gets
  there; 100 % is not a credible target (RULEBOOK 8).
* ``at-least-100`` (medium): any other rate written "≥100%" — only exactly 100 % can meet it; the
  "≥" asks for the impossible. (Cost rows are left to VALUE_KIND: their percentage is the wrong
  kind of value altogether.)
* ``effect-claim`` (medium, heuristic): a claimed improvement or reduction of ≥ `effect_claim_percent`
  within the year ("办公效率提高≥50%", "重点污染物降低率≥90%"), or a return of that size
  ("群众收益率≥97%"). A percentage that nothing defines, on an abstract state ("居住环境提高
  100%", "社会效益增加率≥90%"), is VALUE_VAGUE's (`domain.undefined_percent`), not reported here.
* ``compensation-income`` (medium, heuristic): a one-off compensation for land or houses taken
  (占地/征地/拆迁补偿) claimed to raise the recipients' income ("增收的比例≥20%"): it replaces
  what was lost, it is not an income increase. Word lists: `compensation` in lexicons/money.yaml.
* ``fraction`` (medium): a rate or satisfaction written as a bare fraction ("≥0.9"): read as a
  percentage it is absurdly low; it means 90 %.
* ``zero-target`` (medium): a rate to reach set at 0 %, or an output count of 0.
Deadlines outside the budget year are YEAR_MISMATCH's, not reported here.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from .. import evidence, values
from ..domain import display_name, level1_key, level2_key, polarity, undefined_percent
from ..resources import lexicon
from ..schema import Finding, Indicator, ProjectTable, Submission
from ..values import squash
from . import Context, check

# a 三级 name that is the size of a change: "办公效率提高比例", "教学水平提高率", "重点污染物降低率",
# "增收幅度" — not a verb phrase with some other rate behind it ("改善群众出行" measured as 利用率)
_GROWTH = re.compile(
    r"(?:提高|提升|增长|增加|增收|降低|下降|减少|缩短|节约|节省|改善)的?(?:比例|比率|幅度|百分比|效率|水平|程度|率)"
    r"|增幅|降幅|增速"
)
_COMPARED = re.compile(
    r"(?:与.{0,14}相比|较.{0,8}(?:上年|去年|同期|往年|以前|之前|前)|同比|环比|比上年|比去年).{0,24}?"
    r"(?:提高|提升|增长|增加|增收|降低|下降|减少|缩短|改善)"
    r"|(?:提高|提升|增长|增加|增收|降低|下降|减少|改善)的?(?:比率|比例|幅度|百分比|百分点)"
)


def is_satisfaction(indicator: Indicator) -> bool:
    name = squash(indicator.level3)
    if "不满意" in name:
        return False
    return level2_key(indicator.level2) == "satisfaction" or "满意" in name


# a return on money, which a year's project does not raise by half ("群众收益率≥97%")
_RETURN = re.compile(r"收益率|回报率|利润率|盈利率|增收率|收入增长率|收入增幅")


def change_claim(indicator: Indicator) -> tuple[str, bool]:
    """The wording that makes the row a claimed change (improvement/reduction) or a return, or
    "". The second element is kept for callers of the older signature (always True: a benefit
    merely named by a verb, "居住环境提高 100%", is a percentage nothing defines — VALUE_VAGUE)."""
    name = squash(indicator.level3)
    m = _GROWTH.search(name)
    if m:
        return m.group(0), True
    description = squash(indicator.description)
    m = _COMPARED.search(description)
    if m:
        return m.group(0), True
    m = _RETURN.search(name) or _RETURN.search(description)
    if m:
        return m.group(0), True
    return "", False


def compensation_claim(table: ProjectTable, indicator: Indicator) -> tuple[str, str]:
    """(the compensation wording of the project, the income claim of the row) when a project
    that compensates for land or houses taken claims an income increase; else ("", "")."""
    spec = lexicon("money").get("compensation") or {}
    project = squash(f"{table.project}{table.title}{table.fund_use}")
    paid = next((w for w in spec.get("project_words", []) if w in project), "")
    if not paid:
        return "", ""
    row = squash(f"{indicator.level3}{indicator.description}")
    claim = next((w for w in spec.get("income_claims", []) if w in row), "")
    return (paid, claim) if claim else ("", "")


@check("VALUE_IMPLAUSIBLE")
def value_implausible(submission: Submission, ctx: Context) -> Iterator[Finding]:
    effect_limit = float(ctx.option("effect_claim_percent"))
    effect_confidence = float(ctx.option("effect_claim_confidence"))
    yield from _part1(submission, ctx)
    for table in submission.tables:
        for indicator in table.indicators:
            value = indicator.parsed
            if indicator.incomplete or value is None or value.placeholder or value.number is None:
                continue
            finding = _judge(ctx, indicator, effect_limit, effect_confidence)
            if finding is None:
                finding = _compensation(ctx, table, indicator)
            if finding:
                variant, severity, message, suggestion, confidence = finding
                yield ctx.finding(
                    table=table, row=indicator, field="value", variant=variant,
                    evidence=evidence.cell(indicator, "value"), message=message, suggestion=suggestion,
                    severity=severity, confidence=confidence,
                )


def _judge(ctx: Context, indicator: Indicator, effect_limit: float, effect_confidence: float):
    value = indicator.parsed
    quoted = evidence.cell(indicator, "value")
    name = display_name(indicator)
    key2 = level2_key(indicator.level2)
    is_cost = key2 == "cost" or (key1_is_cost(indicator) and key2 is None)
    number = value.number
    comparator = value.comparator

    if value.kind == "percent" and value.unit == "%" and not is_cost:
        claim = "" if is_satisfaction(indicator) else change_claim(indicator)[0]
        if claim and not undefined_percent(indicator):
            if comparator in ("≤", "<") or number < effect_limit:
                return None
            if _RETURN.fullmatch(claim):
                message = (f"“{name}”把{claim}定为“{quoted}”，一个项目一年内带来这么高的收益率不切实际，"
                           "年终也难以测算核实。")
            else:
                message = (f"“{name}”把一年内的{_kind_of_change(claim)}幅度定为“{quoted}”，幅度不切实际，"
                           "年终也难以测算核实。")
            return (
                "effect-claim", "medium", message,
                "按历史数据或测算写一个可实现、可统计的幅度（如较上年提高5%），并在描述中写明基数、"
                "计算方法和数据来源；无法测算的效果不要用百分比硬凑。",
                effect_confidence,
            )
        if number > 100 or (number >= 100 and comparator == ">"):
            return (
                "over-100", "high",
                f"“{name}”是比率，指标值“{quoted}”超过100%，不可能达到。",
                "比率应在0–100%之间，按实际测算改写（如“≥95%”或“＝100%”）。",
                1.0,
            )
        if is_satisfaction(indicator) and number >= 100 and comparator in (None, "=", "≥"):
            return (
                "satisfaction-100", "medium",
                f"满意度指标值“{quoted}”要求百分之百满意，问卷调查几乎不可能达到，不是可信的目标值。",
                "按以往调查结果设定，一般写“≥90%”或“≥95%”，并在描述中写明“满意和较满意人数/调查总人数”的口径。",
                1.0,
            )
        if number >= 100 and comparator == "≥":
            return (
                "at-least-100", "medium",
                f"“{name}”指标值“{quoted}”要求不低于100%，比率不可能超过100%，“≥”在这里没有意义。",
                "改为“＝100%”，或按实际测算写“≥95%”之类可实现的下限。",
                1.0,
            )
    rate_like = is_satisfaction(indicator) or bool(re.search(r"率|比例|比重|占比", squash(indicator.level3)))
    if (value.kind == "count" and value.unit is None and not value.unit_raw and 0 < number <= 1
            and rate_like and not is_cost):
        share = f"{number * 100:g}%"
        return (
            "fraction", "medium",
            f"“{name}”是比率，指标值“{quoted}”没有百分号，按百分比读只有{_num(number)}%，显然是把{share}写成了小数。",
            f"改为“{(comparator or '')}{share}”这样带百分号的写法，并在描述中写明计算口径。".replace("“>", "“＞"),
            0.9,
        )
    if number == 0 and comparator in (None, "=", "≥", ">"):
        pol = polarity(indicator)
        if pol is not None and pol.sign == "+" and pol.strong:
            if value.kind == "percent" or (value.kind == "count" and key2 == "quantity"):
                return (
                    "zero-target", "medium",
                    f"“{name}”是{pol.what}，指标值却是“{quoted}”，等于不设目标，什么都不做也能达标。",
                    "按本年计划写出要完成的数量或比率（如“≥95%”“12次”）。",
                    1.0,
                )
    return None


def _compensation(ctx: Context, table: ProjectTable, indicator: Indicator):
    value = indicator.parsed
    if value.kind not in ("percent", "money") or not value.number or value.number <= 0:
        return None
    if value.comparator in ("≤", "<") or level2_key(indicator.level2) not in (
            "economic", "social", "ecological", "sustainable"):
        return None
    paid, claim = compensation_claim(table, indicator)
    if not claim:
        return None
    quoted = evidence.cell(indicator, "value")
    name = display_name(indicator)
    return (
        "compensation-income", "medium",
        f"本项目是“{paid}”，补偿的是被占用的土地或房屋，只是弥补损失，不是群众的新增收入；"
        f"“{name}”却把补偿带来的“{claim}”定为“{quoted}”，这样的效果不切实际，年终也无从测算。",
        "效益指标改为补偿本身能说明的效果，如“补偿款足额兑付率100%”“因补偿引发的信访0起”"
        "“失地群众按时领到补偿款的比例≥95%”；不要把补偿款当作增收。",
        float(ctx.option("compensation_confidence")),
    )


# a percentage in a Part 1 statement of progress or of a rate ("资金支出进度…分别达到325%")
_PART1_CONTEXT = re.compile(r"进度|支出|达到|完成率|执行率|满意度|合格率|覆盖率|到位率|发放率")
_PART1_CHANGE = re.compile(r"增长|增加|提高|提升|同比|较上年|超过|翻")
_CLAUSE = re.compile(r"[，,。；;：:！!？?\n]")


def _part1(submission: Submission, ctx: Context) -> Iterator[Finding]:
    narrative = submission.part1
    seen: set[str] = set()
    for paragraph in [*narrative.all_paragraphs, *narrative.other]:
        text = values.normalize_text(paragraph, fold=False)
        for m in re.finditer(r"(\d+(?:\.\d+)?)\s*[%％]", text):
            if float(m.group(1)) <= 100:
                continue
            if not _PART1_CONTEXT.search(text[max(0, m.start() - 40): m.start()]):
                continue
            if _PART1_CHANGE.search(text[max(0, m.start() - 8): m.start()]):
                continue  # "增长120%" is a change, not a share
            start = max((c.end() for c in _CLAUSE.finditer(text, 0, m.start())), default=0)
            end = _CLAUSE.search(text, m.end())
            clause = text[start: end.start() if end else len(text)].strip()
            quoted = evidence.fragment(paragraph, clause)
            if quoted in seen:
                continue
            seen.add(quoted)
            yield ctx.finding(
                table=None, field="narrative", variant="over-100", severity="high",
                evidence=quoted,
                message=f"第一部分“{quoted}”中的“{m.group(0)}”超过100%，进度或比率不可能超过100%。",
                suggestion="核对原意（如“25%”误写为“325%”），改为0–100%之间的数值，并与绩效目标表中的同一数据一致。",
            )


def _num(x: float) -> str:
    return f"{x:.4f}".rstrip("0").rstrip(".")


def _kind_of_change(claim: str) -> str:
    return "下降" if re.search(r"降低|下降|减少|缩短|节约|节省|降幅", claim) else "提升"


def key1_is_cost(indicator: Indicator) -> bool:
    return level1_key(indicator.level1) == "cost"
