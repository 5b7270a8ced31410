"""VALUE_DIRECTION: the comparator points the wrong way for what the indicator measures
(RULEBOOK 10). Positive indicators — rates to reach, outputs to deliver, people served,
satisfaction, lasting years — take ＝ ≥ ＞; negative ones — costs, time used, complaints,
accidents, errors, leakage — take ＜ ≤. The direction is judged from what the indicator
measures (its 三级 name, its 二级 category, the kind of value), never from the comparator.

What an indicator measures is read by `auditor.domain.polarity()` (word lists in
rules/lexicons/direction.yaml), shared with VALUE_IMPLAUSIBLE (a 0 % target only makes sense for a
negative rate). A percentage under 成本 has a direction only when it names something to keep low
("支出是否超标 ≥100%"): cost-control and execution rates are VALUE_KIND's.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from .. import evidence, values
from ..domain import Polarity, display_name, is_category_label, level2_key, polarity
from ..resources import lexicon
from ..schema import Finding, Submission
from . import Context, check

# `polarity`, `Polarity`, `display_name` and `is_category_label` live in auditor.domain (shared
# with VALUE_IMPLAUSIBLE, VALUE_VAGUE and COST_MISMATCH); re-exported here for older imports.
__all__ = ["Polarity", "corrected", "display_name", "is_category_label", "polarity", "value_direction"]

UP = ("≥", ">")
DOWN = ("≤", "<")
SHOW = {"≥": "≥", ">": "＞", "≤": "≤", "<": "＜", "=": "＝"}


def corrected(value_text: str, comparator: str) -> str:
    """The value with its comparator replaced ("≤3人" -> "≥3人")."""
    _, rest = values.parse_comparator(value_text)
    return f"{SHOW[comparator]}{rest}"


@check("VALUE_DIRECTION")
def value_direction(submission: Submission, ctx: Context) -> Iterator[Finding]:
    min_capped = float(ctx.option("min_capped_percent"))
    weak_confidence = float(ctx.option("weak_confidence"))
    for table in submission.tables:
        for indicator in table.indicators:
            value = indicator.parsed
            if indicator.incomplete or value is None or value.placeholder or value.comparator is None:
                continue
            if value.comparator not in UP + DOWN:
                continue
            pol = polarity(indicator)
            if pol is None:
                continue
            quoted = evidence.cell(indicator, "value")
            name = display_name(indicator)
            shown = SHOW[value.comparator]
            if pol.sign == "+" and value.comparator in DOWN:
                listed_rate = pol.cue in lexicon("direction").get("positive_rate", [])
                if value.kind == "percent" and not listed_rate and (value.number or 0) < min_capped:
                    continue  # a low cap on an unlisted rate may be a negative rate we do not know
                if value.kind == "percent" and (value.number or 0) >= 100:
                    fix = corrected(quoted, "=")
                    advice = f"改为“{fix}”或按实际测算写“≥95%”之类的下限"
                else:
                    fix = corrected(quoted, "≥")
                    advice = f"改为“{fix}”（数量确定时写“{corrected(quoted, '=')}”）"
                yield ctx.finding(
                    table=table, row=indicator, field="value", variant="positive-capped",
                    evidence=quoted,
                    message=(
                        f"“{name}”是{pol.what}，属正向指标（越多越好），指标值“{quoted}”却用“{shown}”封顶，"
                        "等于少做也算达标，比较符号方向反了。"
                    ),
                    suggestion=f"{advice}；正向指标用“≥”或“＝”。",
                    confidence=1.0 if pol.strong else weak_confidence,
                )
            elif pol.sign == "-" and value.comparator in UP:
                fix = corrected(quoted, "≤")
                if value.kind == "money":
                    message = (
                        f"“{name}”是{pol.what}，属反向指标，指标值“{quoted}”用“{shown}”，等于要求至少花这么多钱；"
                        "成本应以预算支出标准为上限，比较符号方向反了。"
                    )
                    advice = f"改为“{fix}”（以预算支出标准或测算单价为上限）"
                    said = re.search(r"不超过|不高于|不得超过|控制在|以内", indicator.description)
                    if said:
                        message += f"（描述本身写的就是“{said.group(0)}”。）"
                else:
                    message = (
                        f"“{name}”是{pol.what}，属反向指标（越少越好），指标值“{quoted}”用“{shown}”，"
                        "等于要求至少达到这么多，比较符号方向反了。"
                    )
                    advice = f"改为“{fix}”"
                    if value.kind == "percent" and level2_key(indicator.level2) == "cost":
                        advice = (f"超标、超支应压到零：写“{pol.cue}比例＝0%”，或直接写金额上限"
                                  "（如“≤预算数”），成本指标以金额表述为宜")
                yield ctx.finding(
                    table=table, row=indicator, field="value", variant="negative-floored",
                    evidence=quoted, message=message,
                    suggestion=f"{advice}；反向指标用“≤”或“＜”。",
                    confidence=1.0 if pol.strong else weak_confidence,
                )
