"""VALUE_DIRECTION: the comparator points the wrong way for what the indicator measures
(RULEBOOK 10). Positive indicators — rates to reach, outputs to deliver, people served,
satisfaction, lasting years — take ＝ ≥ ＞; negative ones — costs, time used, complaints,
accidents, errors, leakage — take ＜ ≤. The direction is judged from what the indicator
measures (its 三级 name, its 二级 category, the kind of value), never from the comparator.

`polarity()` is shared with VALUE_IMPLAUSIBLE (a 0 % target only makes sense for a negative rate).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .. import evidence, values
from ..domain import BENEFIT_KEYS, level1_key, level2_key
from ..resources import lexicon
from ..schema import Finding, Indicator, Submission
from . import Context, check

UP = ("≥", ">")
DOWN = ("≤", "<")
SHOW = {"≥": "≥", ">": "＞", "≤": "≤", "<": "＜", "=": "＝"}


@dataclass
class Polarity:
    sign: str  # "+" (more is better) | "-" (less is better)
    what: str  # what the indicator measures, for the message ("要达到的比率")
    strong: bool  # decided by the category or an explicit word of the 三级 name
    cue: str = ""  # the word that decided, if any


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


_CATEGORY_LABEL = re.compile(
    r"(?:产出|效益|满意度)?(?:数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响|(?:服务对象)?满意度)?指标"
    r"|(?:数量|质量|时效|成本|经济效益|社会效益|生态效益|可持续影响|服务对象满意度)"
)


def is_category_label(text: str) -> bool:
    """A 三级 name that only repeats a category ("成本指标", "社会效益指标")."""
    return bool(_CATEGORY_LABEL.fullmatch(_squash(text)))


def _find(words: list[str], text: str) -> str:
    return next((w for w in words if w and w in text), "")


def _subject(indicator: Indicator) -> tuple[str, str]:
    """(name, description) used to read what the row measures. A 三级 name that is only a
    category label ("成本指标", "数量指标") says nothing: the description stands in for it."""
    name = _squash(indicator.level3)
    desc = _squash(indicator.description)
    if not name or is_category_label(name):
        return desc, ""
    return name, desc


def display_name(indicator: Indicator) -> str:
    """The 三级 name to quote in a message; the description when the name is only a category
    label ("社会效益指标")."""
    name = indicator.level3.strip()
    if not name or is_category_label(name):
        return indicator.description.strip() or name
    return name


def _negative(text: str, lex: dict) -> str:
    """The negative word in `text` when nothing in it turns the indicator around."""
    word = _find(lex.get("negative", []), text)
    if word and not _find(lex.get("reversal", []), text):
        return word
    return ""


def polarity(indicator: Indicator) -> Polarity | None:
    """What the indicator measures: more-is-better (+) or less-is-better (-); None when the
    row does not say clearly enough to judge."""
    lex = lexicon("direction")
    value = indicator.parsed or values.parse_value(indicator.value)
    key2 = level2_key(indicator.level2)
    key1 = level1_key(indicator.level1)
    is_cost = key2 == "cost" or (key1 == "cost" and key2 is None)
    name, desc = _subject(indicator)
    named = not is_category_label(indicator.level3) and bool(_squash(indicator.level3))
    kind = value.kind

    if kind == "money":
        word = _find(lex.get("positive_money", []), name)
        if word:
            return Polarity("+", "要实现的收益或节约额", True, word)
        if is_cost:
            return Polarity("-", "成本（支出上限）", True)
        word = _find(lex.get("cost", []), name)
        if word and key2 in BENEFIT_KEYS:
            return Polarity("-", "成本（支出上限）", False, word)
        return None  # money as a 数量/质量/时效 value is VALUE_KIND's

    if kind == "percent":
        if is_cost:
            return None  # 成本控制率 ≤100 % and 预算执行率 ≥95 % are both written; VALUE_KIND's field
        for text, strong in ((name, named), (desc, False)):
            if not text:
                continue
            word = _negative(text, lex)
            if word:
                return Polarity("-", f"要压低的比率（{word}）", strong, word)
            if text == name and key2 == "satisfaction":
                return Polarity("+", "满意度", True, "满意度")
            word = _find(lex.get("positive_rate", []), text)
            if word:
                return Polarity("+", "要达到的比率", strong, word)
            if re.search(r"率|比例|比率|占比|程度|[（(]%[）)]", text):
                return Polarity("+", "要达到的比率", False)
        return None

    if kind == "count":
        for text, strong in ((name, named), (desc, False)):
            word = _negative(text, lex) if text else ""
            if word:
                return Polarity("-", f"要压低的数量（{word}）", strong, word)
        if _find(lex.get("limit", []), name + desc):
            return None
        if key2 == "quantity":
            return Polarity("+", "要完成的数量", True)
        if key2 in BENEFIT_KEYS:
            return Polarity("+", "要实现的效果数量", True)
        return None

    if kind == "duration":
        word = _find(lex.get("lasting", []), name)
        if word:
            return Polarity("+", "要保持的期限", True, word)
        word = _find(lex.get("time_used", []), name)
        if word:
            if _find(lex.get("shorten", []), name):
                return Polarity("+", "要缩短的时间", True, word)
            return Polarity("-", "所用时间", True, word)
        if key2 == "timeliness":
            if _find(lex.get("shorten", []), name):
                return Polarity("+", "要缩短的时间", False)
            return Polarity("-", "所用时间", False)
        return None
    return None


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
                yield ctx.finding(
                    table=table, row=indicator, field="value", variant="negative-floored",
                    evidence=quoted, message=message,
                    suggestion=f"{advice}；反向指标用“≤”或“＜”。",
                    confidence=1.0 if pol.strong else weak_confidence,
                )
