"""UNIT_NONSTANDARD: nonstandard unit wording in a 指标值 — "100百分比", "≥90百分数", "≥90百分率",
"百分之九十五", a rate given in "个百分点", colloquial "平米", an amount "10万" without 元 in a
成本 row. One finding per row (all spellings of the row in one message).

Percent spellings come from rules/lexicons/units.yaml (the same list values.py parses with):
every spelling that normalises to "%" but is not "%" itself is nonstandard. Full-width "％" is the
same sign in Chinese typesetting and is accepted; "（%）" in a 三级 name is a unit annotation the
budget system itself uses and is not a value, so names are not checked."""
from __future__ import annotations

import re
from collections.abc import Iterator

from .. import domain, evidence
from ..resources import lexicon
from ..schema import Finding, Indicator, Submission
from ..values import squash
from . import Context, check


def _percent_spellings() -> list[str]:
    spellings = lexicon("units").get("percent", {})
    return sorted((s for s, norm in spellings.items() if norm == "%" and s not in ("%", "％")), key=len, reverse=True)


def _problems(ind: Indicator, ctx: Context) -> list[tuple[str, str]]:
    """(written spelling, standard spelling) pairs found in the value cell."""
    raw = evidence.cell(ind, "value")
    text = squash(raw)
    found: list[tuple[str, str]] = []
    for spelling in _percent_spellings():
        if spelling in text:
            found.append((spelling, "%"))
            text = text.replace(spelling, "")
    if "百分之" in text:
        found.append(("百分之", "%"))
    if "百分点" in text and not re.search(ctx.option("change_words"), f"{ind.level3}{ind.description}"):
        spelling = "个百分点" if "个百分点" in text else "百分点"
        found.append((spelling, "%"))
    for spelling, standard in ctx.option("colloquial_units").items():
        if re.search(rf"\d\s*{re.escape(spelling)}(?!米|公里|千米)", text):
            found.append((spelling, standard))
    if domain.level2_key(ind.level2) == "cost" and ind.parsed is not None and ind.parsed.kind == "count":
        unit_raw = ind.parsed.unit_raw or ""
        if ind.parsed.unit is None and unit_raw.rstrip("多余") in ("万", "亿"):
            found.append((unit_raw.rstrip("多余"), unit_raw.rstrip("多余") + "元"))
    return found


def _rewrite(raw: str, pairs: list[tuple[str, str]]) -> str:
    out = raw
    for spelling, standard in pairs:
        if spelling == "百分之":
            out = re.sub(r"百分之\s*百", "100%", out)
            out = re.sub(r"百分之\s*(\d+(?:\.\d+)?)", r"\1%", out)
        elif standard.endswith("元") and spelling in ("万", "亿"):
            out = re.sub(rf"(\d)\s*{spelling}(?!元)", rf"\g<1>{standard}", out)
        else:
            out = out.replace(spelling, standard)
    return out


@check("UNIT_NONSTANDARD")
def unit_nonstandard(submission: Submission, ctx: Context) -> Iterator[Finding]:
    for table in submission.tables:
        for ind in table.indicators:
            pairs = _problems(ind, ctx)
            if not pairs:
                continue
            raw = evidence.cell(ind, "value")
            fixed = _rewrite(raw, pairs)
            written = "、".join(f"“{s}”" for s, _ in pairs)
            standard = "、".join(dict.fromkeys(f"“{t}”" for _, t in pairs))
            if any(s.endswith("百分点") for s, _ in pairs):
                note = "“个百分点”只用于两个比率之差（如“较上年提高2个百分点”），比率本身用“%”"
            else:
                note = f"标准写法是{standard}"
            suggestion = f"改为“{fixed}”。" if fixed != raw and "百分之" not in fixed else f"单位改用{standard}。"
            yield ctx.finding(
                table=table,
                row=ind,
                field="value",
                variant="spelling",
                evidence=raw,
                message=f"指标值“{raw}”的单位写作{written}，不规范：{note}。",
                suggestion=suggestion,
            )
