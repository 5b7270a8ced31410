"""VALUE_VAGUE: a 指标值 that cannot be checked at year end (RULEBOOK 9, 12).

Four variants, one finding per row:
* ``words``: the value is words only — no number, no date or period, no named standard and not a
  yes/no outcome a reviewer can verify ("有很大提高", "及时拨付", "社会稳定", "维持正常运转").
  What counts as checkable is data: rules/lexicons/vague.yaml.
* ``placeholder``: a template leftover ("*", "≥**%", "XX", "/", "待定").
* ``blank``: the 指标值 cell is empty (rows cut off by a truncated document are skipped).
* ``percent-undefined``: a percentage attached to an abstract state, where neither the 三级 nor
  the 描述 names a share to compute ("保障社会稳定 >90%", "社会影响力 ≥90%", "水质提升效率
  ≥90%") — `auditor.domain.undefined_percent`, word lists `percent_undefined` in vague.yaml.
  VALUE_IMPLAUSIBLE leaves these rows alone (one defect, one category).
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from .. import evidence
from ..domain import display_name, is_category_label, level2_key, undefined_percent
from ..resources import lexicon
from ..schema import Finding, Indicator, ProjectTable, Submission
from ..values import compact_words, squash, word_targets
from . import Context, check


def classify(text: str) -> tuple[str, str]:
    """For a value in words only: ("checkable" | "vague" | "no-standard", the vague word)."""
    lex = word_targets()
    compact = compact_words(text)
    if any(p.search(compact) for p in lex.standard):
        return "checkable", ""
    if any(p.fullmatch(compact) for p in lex.checkable):
        return "checkable", ""
    word = next((w for w in lex.vague_words if w in compact), "")
    if not word and lex.no_standard.search(compact):
        return "no-standard", lex.no_standard.search(compact).group(0)
    return "vague", word


def _suggestion(ctx: Context, table: ProjectTable, indicator: Indicator) -> str:
    key = level2_key(indicator.level2) or "other"
    name = indicator.level3.strip()
    templates = ctx.option("suggestions")
    if key != "cost" and re.search(r"率|比例|占比|[（(]%[）)]", name):
        return f"“{name}”是比率，改为百分比目标值（如“≥95%”），并在描述中写明分子、分母的统计口径。"
    text = templates.get(key) or templates["other"]
    if key == "cost" and table.budget.total is not None and table.money_unit:
        amount = f"{table.budget.total:g}{table.money_unit}"
        text = text.replace("{budget}", amount)
    return text.replace("{budget}", "预算数")


def _is_zero_word(indicator: Indicator) -> bool:
    """"无" for a negative indicator (安全事故 — 无) is a target of zero, not a leftover."""
    if squash(indicator.value) not in ("无", "零", "0"):
        return False
    negative = lexicon("direction").get("negative", [])
    name = squash(indicator.level3 + indicator.description)
    return any(w in name for w in negative)


@check("VALUE_VAGUE")
def value_vague(submission: Submission, ctx: Context) -> Iterator[Finding]:
    no_standard_confidence = float(ctx.option("no_standard_confidence"))
    for table in submission.tables:
        for indicator in table.indicators:
            if indicator.incomplete:
                continue
            value = indicator.parsed
            raw = evidence.cell(indicator, "value")
            name = display_name(indicator)
            if not raw.strip():
                if not (indicator.level3.strip() or indicator.description.strip()):
                    continue
                quoted = evidence.cell(indicator, "level3")
                if not quoted or is_category_label(quoted):
                    quoted = evidence.cell(indicator, "description") or quoted
                yield ctx.finding(
                    table=table, row=indicator, field="value", variant="blank",
                    evidence=quoted,
                    message=f"“{name}”的指标值为空，年终没有可对照的目标值。",
                    suggestion=_suggestion(ctx, table, indicator),
                )
                continue
            if value is None:
                continue
            if value.placeholder:
                if _is_zero_word(indicator):
                    continue
                yield ctx.finding(
                    table=table, row=indicator, field="value", variant="placeholder",
                    evidence=raw,
                    message=f"“{name}”的指标值“{raw}”是模板占位符，没有填写实际目标值。",
                    suggestion=_suggestion(ctx, table, indicator),
                )
                continue
            undefined = undefined_percent(indicator)
            if undefined:
                state = undefined.state
                if undefined.change:
                    why = (f"只说“{undefined.change}”，而“{state}”本身没有可计量的基数，"
                           "提高或降低了多少无从计算")
                else:
                    why = f"三级指标和描述都没有说明是什么占什么的比例，“{state}”本身没有可计算的百分比"
                yield ctx.finding(
                    table=table, row=indicator, field="value", variant="percent-undefined",
                    evidence=raw,
                    message=f"“{name}”的指标值“{raw}”是百分比，但{why}，年终无法核对是否达到。",
                    suggestion=(
                        f"把“{state}”落到可统计的比率或数量上，并在描述中写明分子、分母和数据来源，"
                        "如“矛盾纠纷化解率≥95%（化解件数/受理件数）”“环境卫生检查合格村数占比≥95%”"
                        "“受益人口≥5100人”；确实只能定性的，采用分级分档并写明每档的评判标准。"
                    ),
                    confidence=float(ctx.option("percent_undefined_confidence")),
                )
                continue
            if value.kind != "text" or value.quantities or value.deadline or value.frequency:
                continue
            if re.search(r"\d", raw):
                continue  # a number the parser could not place is still a number (VALUE_KIND's)
            verdict, word = classify(raw)
            if verdict == "checkable":
                continue
            if verdict == "no-standard":
                yield ctx.finding(
                    table=table, row=indicator, field="value", variant="words",
                    evidence=raw,
                    message=f"指标值“{raw}”只说“{word}”，没有写明达到哪项标准或什么比率，年终无法核对。",
                    suggestion=(
                        "写明所依据的标准及等级（如“达到《安全生产标准化基本规范》三级”），"
                        "或改为比率，如“安全检查覆盖率≥95%”“事故起数＝0起”。"
                    ),
                    confidence=no_standard_confidence,
                )
                continue
            why = f"（“{word}”之类的说法）" if word and word != raw.strip() else ""
            yield ctx.finding(
                table=table, row=indicator, field="value", variant="words",
                evidence=raw,
                message=(
                    f"“{name}”的指标值“{raw}”是描述性文字{why}，没有数量、比率、时限或分级标准，"
                    "年终无法判断是否达到。"
                ),
                suggestion=_suggestion(ctx, table, indicator),
            )

