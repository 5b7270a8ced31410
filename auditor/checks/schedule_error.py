"""SCHEDULE_ERROR: the 资金支出计划 (cumulative share or amount at 3月底/6月底/9或10月底/12月底)
does not work as a cumulative plan (RULEBOOK 17). One finding per problem per table (field
"schedule", row None):

* ``decreasing`` (high): a later cumulative figure below an earlier one.
* ``over`` (high): above 100 % or above the 预算数.
* ``not-cumulative`` (high): the periods add up to the whole (25/25/25/25): per-period figures
  written where cumulative ones belong, so 12月底 shows only a quarter.
* ``short`` (high): the plan never reaches 100 % / the 预算数 (incl. a missing 12月底 after 75 %).
* ``front-loaded`` (medium, heuristic): everything spent by the first period (3月底 100 %) for
  a recurring expense — an unrealistic plan; a missing 12月底 is named in the same finding.
* ``blank`` (medium): periods left blank (or the 12月底 column missing) after the plan started,
  or the whole plan blank. A cumulative plan carries its figure to 12月底; blanks before the
  first filled period mean nothing spent yet and are fine.

Amounts or percentages are read from the cells: "%" means percent; plain numbers are amounts in
the table's unit (a "（%）" header over 2.50/5.00/8.00/11.00 with 预算数 11 is a correct plan in
万元) unless they end at 100 with a 预算数 that is not 100 (percent without the sign).
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from ..schema import Finding, ProjectTable, SchedulePoint, Submission
from ..values import squash
from . import Context, check

_QUARTER = {"一": 3, "二": 6, "三": 9, "四": 12}


def period_month(label: str) -> int | None:
    """The month a period ends in: "3月底" -> 3, "第二季度" -> 6, "上半年" -> 6, "全年" -> 12."""
    text = squash(label)
    m = re.search(r"(?:20\d{2}年)?(1[0-2]|[1-9])月", text)
    if m:
        return int(m.group(1))
    m = re.search(r"第?([一二三四])季度", text)
    if m:
        return _QUARTER[m.group(1)]
    if "上半年" in text:
        return 6
    if any(w in text for w in ("下半年", "全年", "年底", "年末")):
        return 12
    return None


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


class _Plan:
    def __init__(self, table: ProjectTable, tolerance: float):
        self.table = table
        points = list(table.schedule)
        months = [period_month(p.period) for p in points]
        if all(m is not None for m in months):
            order = sorted(range(len(points)), key=lambda i: months[i])
            points = [points[i] for i in order]
            months = [months[i] for i in order]
        self.points = points
        self.months = months
        self.filled = [(p, m) for p, m in zip(points, months) if p.raw.strip()]
        budget = table.budget.total
        numbers = [self._number(p) for p, _ in self.filled]
        self.ok = all(n is not None for n in numbers) and bool(numbers)
        self.values = [n for n in numbers if n is not None]
        self.percent = any(p.percent is not None or "%" in p.raw or "％" in p.raw for p, _ in self.filled)
        if self.ok and not self.percent:
            last = self.values[-1]
            if budget and abs(last - budget) <= budget * tolerance:
                self.percent = False
            elif abs(last - 100) <= 100 * tolerance and max(self.values) <= 100 + tolerance:
                self.percent = budget is None or budget > 100 * (1 + tolerance) or budget < 100 * (1 - tolerance)
        if self.ok and not self.percent and budget:
            last = self.values[-1]
            for scale in (1e4, 1e-4):  # amounts written in 万元 under a 元 table, or the reverse
                if abs(last * scale - budget) <= budget * tolerance and abs(last - budget) > budget * tolerance:
                    self.values = [v * scale for v in self.values]
                    break
        self.target = 100.0 if self.percent else budget
        self.unit = "%" if self.percent else (table.money_unit or "")

    @staticmethod
    def _number(point: SchedulePoint) -> float | None:
        if point.percent is not None:
            return point.percent
        if point.amount is not None:
            return point.amount
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*[%％]?\s*", point.raw)
        return float(m.group(1)) if m else None

    def show(self, value: float) -> str:
        return f"{_num(value)}{self.unit}"

    def year_end_missing(self) -> bool:
        return not any(m is not None and m >= 12 for m in self.months)

    def blank_after_start(self) -> list[str]:
        """Blank periods after the first filled one."""
        blanks = []
        started = False
        for p in self.points:
            if p.raw.strip():
                started = True
            elif started:
                blanks.append(p.period)
        return blanks

    def gaps(self) -> str:
        """"10月底、12月底未填写" / "表中没有12月底一栏" / ""."""
        parts = []
        blanks = self.blank_after_start()
        if blanks:
            parts.append(f"{'、'.join(blanks)}未填写")
        if self.year_end_missing() and self.months and all(m is not None for m in self.months):
            parts.append("表中没有12月底一栏")
        return "，".join(parts)


@check("SCHEDULE_ERROR")
def schedule_error(submission: Submission, ctx: Context) -> Iterator[Finding]:
    tolerance = float(ctx.option("tolerance"))
    front_confidence = float(ctx.option("front_loaded_confidence"))
    exempt = list(ctx.option("front_loaded_exempt"))
    for table in submission.tables:
        if not table.schedule:
            continue  # layouts without a 资金支出计划 (other provinces' forms)
        plan = _Plan(table, tolerance)
        if not plan.filled:
            yield ctx.finding(
                table=table, field="schedule", variant="blank",
                evidence=table.schedule[0].period,
                message="资金支出计划各期全部空白，无法据此跟踪预算执行进度。",
                suggestion=_fill_advice(plan), severity="medium",
            )
            continue
        if not plan.ok or plan.target is None:
            continue
        yield from _judge(ctx, table, plan, tolerance, front_confidence, exempt)


def _fill_advice(plan: _Plan) -> str:
    total = "100%" if plan.percent or plan.target is None else plan.show(plan.target)
    return f"按累计数填写每一期（如3月底25%、6月底50%、10月底75%、12月底100%），12月底应达到{total}。"


def _judge(ctx, table, plan: _Plan, tolerance: float, front_confidence: float, exempt: list[str]):
    values = plan.values
    filled = plan.filled
    target = plan.target
    eps = target * tolerance
    findings = []

    drops = [i for i in range(1, len(values)) if values[i] < values[i - 1] - eps]
    sums_to_target = len(values) >= 2 and abs(sum(values) - target) <= max(eps, 0.01) and values[-1] < target - eps
    if sums_to_target and not all("月" in p.period for p in plan.points):
        return findings  # quarterly forms (第一季度…) may ask for per-quarter figures
    if sums_to_target:
        findings.append(ctx.finding(
            table=table, field="schedule", variant="not-cumulative",
            evidence=filled[-1][0].raw,
            message=(
                f"资金支出计划各期（{'、'.join(f'{p.period}{p.raw}' for p, _ in filled)}）相加正好是"
                f"{plan.show(target)}，填的是当期数而不是累计数，按累计口径到{filled[-1][0].period}只有"
                f"{plan.show(values[-1])}。"
            ),
            suggestion=_cumulative_advice(plan),
        ))
        return findings
    if drops:
        i = drops[0]
        findings.append(ctx.finding(
            table=table, field="schedule", variant="decreasing",
            evidence=filled[i][0].raw,
            message=(
                f"资金支出计划是累计数，{filled[i - 1][0].period}为“{filled[i - 1][0].raw}”，"
                f"{filled[i][0].period}却是“{filled[i][0].raw}”，累计数不应下降。"
            ),
            suggestion=_cumulative_advice(plan),
        ))
    over = [i for i, v in enumerate(values) if v > target + eps]
    if over:
        i = over[0]
        limit = "100%" if plan.percent else f"预算数{plan.show(target)}"
        findings.append(ctx.finding(
            table=table, field="schedule", variant="over",
            evidence=filled[i][0].raw,
            message=f"资金支出计划{filled[i][0].period}为“{filled[i][0].raw}”，超过{limit}。",
            suggestion=_cumulative_advice(plan),
        ))
    last_point, last_month = filled[-1]
    gaps = plan.gaps()
    if values[-1] < target - eps and not over:
        missing = f"，{gaps}" if gaps else ""
        whole = "100%" if plan.percent else f"预算数{plan.show(target)}"
        findings.append(ctx.finding(
            table=table, field="schedule", variant="short",
            evidence=last_point.raw,
            message=(
                f"资金支出计划最后一期（{last_point.period}）累计只有“{last_point.raw}”{missing}，"
                f"全年计划未达到{whole}，与预算数对不上。"
            ),
            suggestion=_cumulative_advice(plan),
        ))
        return findings
    if findings:
        return findings

    first_point, first_month = filled[0]
    text = squash(table.project + table.title + table.fund_use)
    if (values[0] >= target - eps and first_month is not None and first_month <= 3
            and len(plan.points) > 1 and not any(w in text for w in exempt)):
        paced = _paced_payment(table)
        note = f"；表中还写明“{paced}”，与一季度全部支出矛盾" if paced else ""
        gap = f"；另外{gaps}" if gaps else ""
        findings.append(ctx.finding(
            table=table, field="schedule", variant="front-loaded",
            evidence=first_point.raw,
            message=(
                f"资金支出计划{first_point.period}即达到“{first_point.raw}”，全年经费在一季度全部支出，"
                f"不符合按进度均衡支出的实际{note}{gap}。"
            ),
            suggestion=(
                "按实际用款进度填写累计支出计划（如3月底25%、6月底50%、10月底75%、12月底100%）；"
                "确需一次性支付的，在资金用途中说明原因。"
            ),
            severity="medium", confidence=front_confidence,
        ))
        return findings
    if gaps:
        whole = "100%" if plan.percent else plan.show(target)
        findings.append(ctx.finding(
            table=table, field="schedule", variant="blank",
            evidence=last_point.raw,
            message=(
                f"资金支出计划在{last_point.period}已达“{last_point.raw}”，但{gaps}；"
                "支出计划是累计数，之后各期（直到12月底）应延续已支出的累计额。"
            ),
            suggestion=f"把{last_point.period}之后各期都填为累计{whole}（12月底应为{whole}）。",
            severity="medium",
        ))
    return findings


def _cumulative_advice(plan: _Plan) -> str:
    if plan.percent:
        return "按累计数填写：各期逐期不减，最大不超过100%，12月底为100%（如25%、50%、75%、100%）。"
    total = plan.show(plan.target)
    return f"按累计金额填写：各期逐期不减，最大不超过预算数，12月底为{total}。"


def _paced_payment(table: ProjectTable) -> str:
    """Wording in the table that spreads payment over the year ("按季度发放")."""
    texts = [*table.goals, table.fund_use]
    for ind in table.indicators:
        texts += [ind.value, ind.description]
    for text in texts:
        m = re.search(r"(?:按|每)(?:个)?(?:季度|季|月)(?:及时)?(?:发放|拨付|支付|兑付)?", squash(text))
        if m and len(m.group(0)) >= 3:
            return m.group(0)
    return ""
