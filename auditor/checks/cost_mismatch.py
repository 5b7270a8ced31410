"""COST_MISMATCH: money that does not add up (RULEBOOK 16). All amounts are compared in 元
(`values.to_yuan`), the 预算数 in the table's own unit (元/万元).

Variants:
* ``over-budget``: a total cost target larger than the 预算数 ("128.61万元" in a 640000元 project).
* ``total-vs-budget``: a row that says it is the project's total cost (总成本, 项目资金, 预算数 …)
  and differs from the 预算数 either way.
* ``unit-slip``: the cost is the 预算数's number in the wrong unit ("≤11元" in an 11万元 project)
  or off by exactly 10 000.
* ``per-unit``: a per-unit amount × its count disagrees with the 预算数 — standard × beneficiaries
  ("人均6400元" × 3人 vs 0.64万元), unit price × quantity over the budget.
* ``sum-over``: the table's priced items (unit price × quantity, or several partial costs) add up
  to more than the 预算数 — beyond the rounding of the written amounts, however small the excess
  (a small one at medium severity); reported at the first priced row.
* ``budget-lines``: 财政资金 + 其他资金 ≠ 预算数.

Not here: 资金用途, goals or Part 1 stating another 预算数, and a 10-month service costed as 12
months (CONTRADICTION: two places disagree); a comparator pointing the wrong way on a cost
(VALUE_DIRECTION); money in a 时效/数量 field (VALUE_KIND).

Per-unit amounts (元/人, 平均每村, 每月, 单价) are never compared with the 预算数 directly: they
are multiplied by the matching 数量 row (or by the months of the project period) first. A
per-unit label that only the description carries, on an amount equal to the 预算数, is read as
the total (the description is loose wording, not arithmetic).
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .. import evidence, values
from ..domain import display_name, level1_key, level2_key
from ..resources import lexicon
from ..schema import Finding, Indicator, ProjectTable, Submission
from ..values import squash
from . import Context, check

_GENERIC = re.compile(
    r"的|数量|单价|单位成本|每|平均|标准|资金|金额|成本|费用|经费|支出|投入|指标|面积|长度|个数|人数|总数|情况|[（()）]"
)


@dataclass
class CostRow:
    indicator: Indicator
    yuan: float
    per: str | None  # None: a total; "" : per unit of a paired 数量 row (单价); else the unit
    per_word: str = ""
    per_from: str = ""  # value | name | description
    total_claim: str = ""  # the word claiming it is the project total
    count: float | None = None
    count_row: Indicator | None = None
    multiplier: float = 1.0  # months for 每月
    product: float | None = None
    slack: float = 0.0  # what rounding of the written amount can explain, in 元


def _num(x: float) -> str:
    return f"{x:.4f}".rstrip("0").rstrip(".")


def _fmt(yuan: float) -> str:
    """An amount in 元 for a message: "640000元"."""
    return f"{_num(yuan)}元"


def _both(yuan: float, first: str = "元") -> str:
    """An amount in both units: "640000元（64万元）" or "0.64万元（6400元）"."""
    if first == "万元":
        return f"{_num(yuan / 10000)}万元（{_num(yuan)}元）"
    if yuan >= 10000:
        return f"{_num(yuan)}元（{_num(yuan / 10000)}万元）"
    return f"{_num(yuan)}元"


def _in_table_unit(yuan: float, table: ProjectTable) -> str:
    unit = _unit(table)
    amount = yuan / (10000 if unit == "万元" else 1)
    return f"{amount:.2f}".rstrip("0").rstrip(".") + unit


def _unit(table: ProjectTable) -> str | None:
    unit = squash(table.money_unit)
    if unit in ("元", "万元"):
        return unit
    return None


def budget_yuan(table: ProjectTable) -> float | None:
    unit = _unit(table)
    if unit is None or table.budget.total is None or table.budget.total <= 0:
        return None
    return values.to_yuan(table.budget.total, unit)


def project_months(table: ProjectTable) -> int:
    """Months of the project period when the table states one ("（2021年1月-2021年10月）"), else 12."""
    text = squash(" ".join([table.project, table.title, table.fund_use, *table.goals]))
    m = re.search(r"(?<!\d)(1[0-2]|[1-9])月(?:份)?[-—–~～至到](?:20\d{2}年)?(1[0-2]|[1-9])月", text)
    if m:
        start, end = int(m.group(1)), int(m.group(2))
        if end >= start:
            return end - start + 1
    m = re.search(r"(?<!\d)(1[0-2]|[1-9])个月", text)
    return int(m.group(1)) if m else 12


def _is_cost(indicator: Indicator) -> bool:
    key2 = level2_key(indicator.level2)
    return key2 == "cost" or (key2 is None and level1_key(indicator.level1) == "cost")


def _per_word(text: str, per_unit: dict) -> tuple[str, str | None] | None:
    for word in sorted(per_unit, key=len, reverse=True):
        if word in text:
            return word, per_unit[word]
    return None


def _near(a: float, b: float, tolerance: float, slack: float = 0.0) -> bool:
    return abs(a - b) <= max(abs(b) * tolerance, 0.5) + slack


def _last_digit(value_text: str, factor: float) -> float:
    """One unit of the last written decimal of the amount, in 元 ("1.96万元" -> 100元): what
    rounding or truncating an average can explain. Whole numbers ("1元/张") count as exact."""
    _, rest = values.parse_comparator(value_text)
    m = re.search(r"\d+(?:\.(\d+))?", rest)
    if not m or not m.group(1):
        return 0.0
    return factor * 10 ** (-len(m.group(1)))


def _bigrams(text: str) -> set[str]:
    text = _GENERIC.sub("", squash(text))
    text = re.sub(r"[\d.%]+|[a-zA-Z]+", "", text)
    return {text[i:i + 2] for i in range(len(text) - 1)}


def _overlap(a: str, b: str) -> float:
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / min(len(x), len(y))


def _count_rows(table: ProjectTable) -> list[Indicator]:
    rows = []
    for ind in table.indicators:
        v = ind.parsed
        if ind.incomplete or v is None or v.placeholder or v.kind != "count" or not v.number:
            continue
        if v.per:  # "12次/年" is a frequency, not a count of beneficiaries
            continue
        rows.append(ind)
    return rows


def _pick_count(row: CostRow, table: ProjectTable, counts: list[Indicator], count_units: dict) -> Indicator | None:
    subject = row.indicator.level3 + row.indicator.description
    unit = row.per
    if unit:
        base = unit.split("·")[0]
        if base in ("月", "年"):
            return None
        accepted = count_units.get(base, [base])
        candidates = []
        for ind in counts:
            if ind.parsed.unit not in accepted:
                continue
            if base == "村" and ind.parsed.unit == "个" and "村" not in ind.level3 + ind.description:
                continue
            candidates.append(ind)
    else:  # 单价: the 数量 row about the same thing
        candidates = [ind for ind in counts if level2_key(ind.level2) == "quantity"]
        scored = sorted(((_overlap(subject, c.level3 + c.description), c) for c in candidates),
                        key=lambda sc: -sc[0])
        if not scored or scored[0][0] < 0.3 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
            return None
        return scored[0][1]
    if not candidates:
        return None
    quantity = [c for c in candidates if level2_key(c.level2) == "quantity"] or candidates
    if len({c.parsed.number for c in quantity}) == 1:
        return quantity[0]
    scored = sorted(((_overlap(subject, c.level3 + c.description), c) for c in quantity), key=lambda sc: -sc[0])
    if scored[0][0] >= 0.3 and scored[0][0] > scored[1][0]:
        return scored[0][1]
    return None


def _cost_rows(table: ProjectTable, budget: float | None) -> list[CostRow]:
    lex = lexicon("money")
    per_unit = lex.get("per_unit", {})
    total_name = re.compile(lex.get("total_name", "(?!)"))
    rows = []
    for ind in table.indicators:
        v = ind.parsed
        if ind.incomplete or v is None or v.placeholder or v.kind != "money" or v.yuan is None:
            continue
        if not _is_cost(ind):
            continue
        name, desc = squash(ind.level3), squash(ind.description)
        row = CostRow(ind, float(v.yuan), None)
        if v.per:
            row.per, row.per_word, row.per_from = v.per, f"元/{v.per}", "value"
        else:
            for text, source in ((name, "name"), (desc, "description")):
                hit = _per_word(text, per_unit)
                if hit:
                    row.per_word, row.per = hit[0], hit[1] if hit[1] is not None else ""
                    row.per_from = source
                    break
        equals_budget = budget is not None and _near(row.yuan, budget, 0.0005)
        if row.per is not None and row.per_from == "description" and equals_budget:
            row.per, row.per_word, row.per_from = None, "", ""  # loose wording on the total
        if row.per is None:
            bare = name.replace("指标", "").strip("（）()")
            row.total_claim = bare if total_name.fullmatch(bare) else ""
        rows.append(row)
    return rows


def _resolve(row: CostRow, table: ProjectTable, counts: list[Indicator], count_units: dict) -> None:
    if row.per is None:
        return
    parts = row.per.split("·") if row.per else [""]
    multiplier = 1.0
    count = 1.0
    count_row = None
    if "月" in parts:
        multiplier = float(project_months(table))
    needs_count = [p for p in parts if p not in ("月", "年")]
    if needs_count:
        probe = CostRow(row.indicator, row.yuan, needs_count[0])
        count_row = _pick_count(probe, table, counts, count_units)
        if count_row is None:
            return
        count = float(count_row.parsed.number)
    row.count, row.count_row, row.multiplier = count, count_row, multiplier
    row.product = row.yuan * count * multiplier
    factor = row.yuan / row.indicator.parsed.number if row.indicator.parsed.number else 1.0
    row.slack = _last_digit(evidence.cell(row.indicator, "value"), factor) * count * multiplier


def _formula(row: CostRow) -> str:
    quoted = evidence.cell(row.indicator, "value")
    parts = [f"“{quoted}”"]
    if row.count_row is not None:
        parts.append(f"{row.count:g}{row.count_row.parsed.unit or ''}（“{display_name(row.count_row)}”）")
    if row.multiplier != 1:
        parts.append(f"{row.multiplier:g}个月")
    return "×".join(parts)


@check("COST_MISMATCH")
def cost_mismatch(submission: Submission, ctx: Context) -> Iterator[Finding]:
    tolerance = float(ctx.option("tolerance"))
    under_ratio = float(ctx.option("per_unit_under_ratio"))
    count_units = lexicon("money").get("count_units", {})
    for table in submission.tables:
        yield from _budget_lines(ctx, table, tolerance)
        budget = budget_yuan(table)
        if budget is None:
            continue
        rows = _cost_rows(table, budget)
        if not rows:
            continue
        counts = _count_rows(table)
        shown_budget = f"预算数{_both(budget, _unit(table))}"
        flagged: set[int] = set()
        for row in rows:
            finding = _judge_total(ctx, table, row, budget, shown_budget, tolerance)
            if finding is not None:
                flagged.add(row.indicator.row)
                yield finding
        per_rows = [r for r in rows if r.per is not None]
        for row in per_rows:
            _resolve(row, table, counts, count_units)
        for row in per_rows:
            if row.product is None or row.indicator.row in flagged:
                continue
            if _exceeds(row.product, budget, row.slack):
                flagged.add(row.indicator.row)
                yield _per_unit_finding(ctx, table, row, budget, shown_budget, over=True,
                                        small=row.product <= budget * (1 + tolerance) + row.slack)
        totals = [r for r in rows if r.per is None]
        resolved = [r for r in per_rows if r.product is not None]
        if flagged or totals and any(r.total_claim for r in totals):
            continue
        if len(per_rows) == 1 and resolved and not totals:
            row = resolved[0]
            base = row.per.split("·")[0] if row.per else ""
            beneficiaries = base in ("人", "户", "村", "月")
            if beneficiaries and row.product < budget * (1 - under_ratio) - row.slack:
                yield _per_unit_finding(ctx, table, row, budget, shown_budget, over=False)
            continue
        if any(_near(r.yuan, budget, tolerance) for r in totals):
            continue  # one row already is the whole budget; the others describe parts of it
        # a standard × count that equals a total row is the same money described twice
        resolved = [r for r in resolved if not any(_near(r.product, t.yuan, tolerance) for t in totals)]
        parts = [r.product for r in resolved] + [r.yuan for r in totals]
        unpriced = any(r.product is None for r in per_rows)  # a unit price we could not pair
        if len(parts) >= 2 and not unpriced:
            total = sum(parts)
            slack = sum(r.slack for r in resolved)
            if _exceeds(total, budget, slack):
                small = total <= budget * (1 + tolerance) + slack
                pieces = "＋".join([_formula(r) for r in resolved]
                                  + [f"“{evidence.cell(r.indicator, 'value')}”" for r in totals])
                excess = f"，多出{_fmt(total - budget)}" if small else ""
                # anchored at the first priced row of the sum (where the reviewer starts re-pricing)
                first = min((r.indicator for r in [*resolved, *totals]), key=lambda i: i.row)
                yield ctx.finding(
                    table=table, row=first, field="value", variant="sum-over",
                    evidence=evidence.cell(first, "value"),
                    message=(
                        f"成本指标合计 {pieces} ＝{_fmt(total)}，超过{shown_budget}{excess}，"
                        "各项成本加起来比预算还多。"
                    ),
                    suggestion="核对单价、数量和预算数：要么按预算压减数量或单价，要么如实调整预算数，使各项成本之和不超过预算。",
                    severity=ctx.option("small_excess_severity") if small else None,
                    confidence=float(ctx.option("small_excess_confidence")) if small else 1.0,
                )


def _judge_total(ctx, table, row: CostRow, budget: float, shown_budget: str, tolerance: float):
    if row.per is not None:
        return None
    v = row.indicator.parsed
    quoted = evidence.cell(row.indicator, "value")
    name = display_name(row.indicator)
    unit = _unit(table)
    written_unit = v.unit or ""
    same_number = table.budget.total is not None and v.number is not None and math.isclose(
        v.number, table.budget.total, rel_tol=1e-9, abs_tol=1e-9)
    slip = (same_number and written_unit != unit and written_unit in ("元", "万元")) or any(
        _near(row.yuan, budget * k, 0.0005) for k in (10000, 1e-4))
    if slip and not _near(row.yuan, budget, tolerance):
        return ctx.finding(
            table=table, row=row.indicator, field="value", variant="unit-slip",
            evidence=quoted,
            message=(
                f"成本指标“{quoted}”折合{_fmt(row.yuan)}，与{shown_budget}相差一万倍，"
                "疑为元与万元写混。"
            ),
            suggestion=f"按预算数改为“≤{_in_table_unit(budget, table)}”，注意表头单位是{unit}。",
        )
    if row.total_claim:
        if _near(row.yuan, budget, tolerance):
            return None
        bigger = row.yuan > budget
        return ctx.finding(
            table=table, row=row.indicator, field="value", variant="total-vs-budget",
            evidence=quoted,
            message=(
                f"“{name}”是整个项目的成本，指标值“{quoted}”折合{_fmt(row.yuan)}，"
                f"{'超过' if bigger else '少于'}{shown_budget}，总成本与预算对不上。"
            ),
            suggestion=(
                f"总成本应与预算数一致，改为“≤{_in_table_unit(budget, table)}”；如确有其他资金来源，"
                "应在预算数的“其他资金”中列明。"
            ),
            confidence=1.0 if bigger else 0.8,
        )
    if row.yuan > budget * (1 + tolerance):
        return ctx.finding(
            table=table, row=row.indicator, field="value", variant="over-budget",
            evidence=quoted,
            message=(
                f"成本指标“{name}”为“{quoted}”，折合{_both(row.yuan)}，超过本项目{shown_budget}"
                "，成本目标比预算还多。"
            ),
            suggestion=(
                f"本项目只安排{_both(budget, _unit(table))}，成本应改为“≤{_in_table_unit(budget, table)}”；若工程总造价确为"
                f"{_both(row.yuan)}，应在预算数中如实列出其他资金来源，或把本年度实施内容压缩到预算以内。"
            ),
        )
    return None


def _exceeds(amount: float, budget: float, slack: float) -> bool:
    """Priced items (unit price × quantity) over the 预算数 by more than the rounding of the
    written amounts can explain: a ceiling the budget cannot meet, however small the excess."""
    return amount > budget + slack + 0.5


def _per_unit_finding(ctx, table, row: CostRow, budget: float, shown_budget: str, over: bool,
                      small: bool = False):
    quoted = evidence.cell(row.indicator, "value")
    name = display_name(row.indicator)
    product = row.product or 0.0
    formula = _formula(row)
    message = (
        f"“{name}”是按{row.per_word or '单价'}计的金额，{formula}＝{_fmt(product)}，"
        f"{'超过' if over else '远低于'}{shown_budget}，标准×数量与预算对不上。"
    )
    if _near(row.yuan, budget, 0.0005):
        message += f"“{quoted}”恰好等于预算总额，疑为把总额当成了{row.per_word or '单价'}标准。"
    denominator = (row.count or 1) * row.multiplier
    standard = budget / denominator if denominator else budget
    suggestion = (
        f"核对标准和数量：若“{quoted}”是总额，三级指标改为“补助总额”之类并写“≤{_in_table_unit(budget, table)}”；"
        f"若确为{row.per_word or '单价'}标准，按预算应为约{standard:,.0f}元".replace(",", "")
        + "，或核实数量、预算数后统一。"
    )
    confidence = 1.0 if row.per_from in ("value", "name") and over else 0.8
    if row.count_row is not None and row.per == "":
        confidence = min(confidence, 0.9)
    severity = None
    if small:
        confidence = min(confidence, float(ctx.option("small_excess_confidence")))
        severity = ctx.option("small_excess_severity")
    return ctx.finding(
        table=table, row=row.indicator, field="value", variant="per-unit",
        evidence=quoted, message=message, suggestion=suggestion, confidence=confidence, severity=severity,
    )


def _budget_lines(ctx: Context, table: ProjectTable, tolerance: float) -> Iterator[Finding]:
    b = table.budget
    if b.total is None or b.fiscal is None:
        return
    other = b.other or 0.0
    if b.fiscal == b.total and not other:
        return
    if _near(b.fiscal + other, b.total, tolerance / 10, 0.005):
        return
    unit = _unit(table) or ""
    yield ctx.finding(
        table=table, field="budget", variant="budget-lines",
        evidence=b.raw_total.strip() or f"{b.total:g}",
        message=(
            f"预算数{b.raw_total.strip() or b.total}{unit}不等于财政资金{b.raw_fiscal.strip() or b.fiscal}{unit}"
            f"与其他资金{b.raw_other.strip() or 0}{unit}之和（{b.fiscal + other:g}{unit}）。"
        ),
        suggestion="核对资金来源：预算数＝财政资金＋其他资金，三者应一致。",
    )
