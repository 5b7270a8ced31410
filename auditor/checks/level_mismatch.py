"""LEVEL_MISMATCH: the 三级指标/描述 belongs to another 二级 (or the 二级 to another 一级) than
the one it is filed under — a cost-control item under 时效, timing under 成本, a payout rate
as a benefit, satisfaction as 经济效益, employment as an environment benefit.

The decision is the topic model of `auditor.domain.assess_fit` (lexicon and thresholds in
rules/lexicons/topics.yaml + what the parsed 指标值 says); this module only words the finding.

Not here: money as a 数量 (VALUE_KIND's, `domain.value_kind_owns`), and a benefit whose name and
text value are about different fields while the value fits the declared category (CONTRADICTION's)."""
from __future__ import annotations

import re
from collections.abc import Iterator

from .. import domain, evidence
from ..schema import Finding, Indicator, ProjectTable, Submission
from . import Context, check


def _quote(indicator: Indicator, field: str) -> str:
    return evidence.cell(indicator, field)


def _terms(verdict: domain.FitVerdict) -> str:
    seen: list[str] = []
    for term in verdict.terms:
        if term and term not in seen:
            seen.append(term)
    return "、".join(f"“{t}”" for t in seen[:3])


def _topic_label(verdict: domain.FitVerdict) -> str:
    topic = domain.topics().get(verdict.topic)
    return topic.label if topic else domain.category_name(verdict.home)


def _message(table: ProjectTable, ind: Indicator, verdict: domain.FitVerdict) -> tuple[str, str, str]:
    """(evidence, message, suggestion)."""
    declared = domain.category_name(verdict.declared)
    home = domain.category_name(verdict.home)
    name = _quote(ind, "level3")
    plain = ind.level3 or name  # for mentions other than the evidence quote
    example = domain.category_example(verdict.declared)
    rewrite = f"或改写为真正的{declared}（{example}）" if example else f"或改写为真正的{declared}"

    if verdict.variant == "level1":
        level1 = _quote(ind, "level1") or ind.level1
        level2 = _quote(ind, "level2") or ind.level2
        right = domain.LEVEL1_NAMES.get(verdict.home, verdict.home)
        return (
            level2,
            f"二级指标“{level2}”被放在一级指标“{level1}”下，它属于“{right}”。",
            f"把该行移到一级指标“{right}”下；二级、三级指标和指标值随之调整。",
        )
    if verdict.variant == "label":
        desc = _quote(ind, "description")
        extra = f"，描述“{desc}”才像是指标名称" if desc else ""
        return (
            name,
            f"三级指标写成了另一个二级指标的名称“{name}”，却放在“{declared}”下{extra}，表格错位。",
            f"三级指标填具体的考核内容（{example or '写明考核什么'}），不要填二级指标名称；"
            f"若该行确属“{home}”，移至“{home}”下。",
        )
    if verdict.variant == "satisfaction":
        quoted = name or _quote(ind, "description")
        return (
            quoted,
            f"满意度指标“{quoted}”不是满意度调查结果，讲的是{_topic_label(verdict)}（{_terms(verdict)}），"
            f"属于“{home}”。",
            f"移至“{home}”；满意度指标应写服务对象的满意比例，如“受益群众满意度≥90%（问卷调查）”。",
        )
    if verdict.variant == "value":
        value = _quote(ind, "value")
        topics = domain.topics()
        subject = topics[verdict.subject_topic].label if verdict.subject_topic in topics else "另一件事"
        subject_home = domain.category_name(verdict.subject_home)
        return (
            value,
            f"“{declared}”下的“{plain}”讲的是{subject}（属“{subject_home}”），指标值“{value}”却是"
            f"{_topic_label(verdict)}（属“{home}”），指标与指标值不是同一类效益。",
            f"二者择一：指标值改为衡量“{plain}”本身的量化目标（{domain.category_example(verdict.subject_home)}）；"
            f"或把三级指标改为{_topic_label(verdict)}方面的内容，指标值写成可考核的数量或比例。",
        )
    if verdict.variant == "description":
        desc = _quote(ind, "description")
        return (
            desc,
            f"“{declared}”下的“{plain}”，描述却写“{desc}”，讲的是{_topic_label(verdict)}（{_terms(verdict)}），"
            f"属于“{home}”的内容。",
            f"描述改为本指标（{plain}）的计算口径或统计方法；{_topic_label(verdict)}的内容移至“{home}”。",
        )
    # subject / name
    if verdict.field == "description" or not name:
        quoted = _quote(ind, "description") or name
        what = f"描述“{quoted}”"
    else:
        quoted = name
        what = f"三级指标“{quoted}”"
    if verdict.variant == "name":
        return (
            quoted,
            f"{what}讲的是{_topic_label(verdict)}（{_terms(verdict)}），属于“{home}”，"
            f"与所在的“{declared}”及本行的描述、指标值不符。",
            f"三级指标名称改为与描述、指标值一致的{declared}内容；{_topic_label(verdict)}另设于“{home}”。",
        )
    output_as_benefit = verdict.declared in domain.BENEFIT_KEYS and verdict.home in domain.OUTPUT_KEYS
    topic = domain.topics().get(verdict.topic)
    if topic is not None and topic.note and verdict.declared in domain.BENEFIT_KEYS:
        why = f"{topic.note}，"
    elif output_as_benefit:
        why = "是产出，不是效益，"
    else:
        why = ""
    return (
        quoted,
        f"{what}讲的是{_topic_label(verdict)}（{_terms(verdict)}），{why}属于“{home}”，不是“{declared}”。",
        f"移至“{home}”，{rewrite}。",
    )


def _severity(verdict: domain.FitVerdict, ctx: Context) -> str | None:
    if verdict.variant == "description":
        return ctx.option("cell_severity")
    topic = domain.topics().get(verdict.topic)
    return topic.severity if topic is not None and topic.severity else None


@check("LEVEL_MISMATCH")
def level_mismatch(submission: Submission, ctx: Context) -> Iterator[Finding]:
    flag_satisfaction = ctx.option("satisfaction_in_benefit")
    skip = [re.compile(p) for p in ctx.option("description_skip")]
    for table in submission.tables:
        for ind in table.indicators:
            verdict = domain.assess_fit(ind)
            if verdict is None:
                continue
            if verdict.variant not in ("level1", "label") and domain.value_kind_owns(ind):
                continue  # money as a 数量: VALUE_KIND reports the row
            if verdict.topic == "satisfaction" and verdict.declared in domain.BENEFIT_KEYS and not flag_satisfaction:
                continue
            if verdict.field == "description" and any(p.search(ind.description or "") for p in skip):
                continue  # a scoring rule pasted as description ("…得10分"): not a category question
            quoted, message, suggestion = _message(table, ind, verdict)
            if not quoted:
                continue
            yield ctx.finding(
                table=table,
                row=ind,
                field=verdict.field,
                variant=verdict.variant,
                evidence=quoted,
                message=message,
                suggestion=suggestion,
                severity=_severity(verdict, ctx),
                confidence=verdict.confidence,
            )
    yield from _model_opinions(submission, ctx)


# ------------------------------------------------------------------------------------------------
# The category model's second opinion (issue 5): rows the topic model lets pass but the trained
# classifier, with calibrated confidence above the threshold fixed at training time, puts in
# another 二级.
# ------------------------------------------------------------------------------------------------


def _model_opinions(submission: Submission, ctx: Context) -> Iterator[Finding]:
    # defaults: a province's LEVEL_MISMATCH.yaml written before the model variant lacks these
    if not ctx.option("model_opinion", True) or not ctx.models:
        return
    from ..ml.features import category_key
    from ..ml.scoring import category_opinions

    model = ctx.models[1]
    floor = ctx.option("model_confidence", None)
    threshold = max(model.flag_threshold, float(floor) if floor is not None else 0.0)
    if threshold > 1.0:
        return  # no confidence reaches it (the calibration found none precise enough): skip scoring
    flag_satisfaction = ctx.option("satisfaction_in_benefit")
    placed = [(table, ind, declared) for table in submission.tables for ind in table.indicators
              if (declared := domain.level2_key(ind.level2)) is not None]
    opinions = category_opinions([ind for _table, ind, _declared in placed], model)  # one batch per submission
    for (table, ind, declared), opinion in zip(placed, opinions):
        if opinion is None or opinion.confidence < threshold:
            continue
        home = category_key(opinion.category)
        if home == declared or not domain.open_to_second_opinion(ind, home):
            continue
        if home == "satisfaction" and declared in domain.BENEFIT_KEYS and not flag_satisfaction:
            continue
        name = _quote(ind, "level3") or _quote(ind, "description")
        if not name:
            continue
        declared_name = domain.category_name(declared)
        example = domain.category_example(declared)
        value = f"，指标值“{ind.value}”" if ind.value else ""
        yield ctx.finding(
            table=table, row=ind, field="indicator", variant="model", evidence=name,
            message=(f"“{name}”{value}按其内容更像“{opinion.category}”，而不是所在的“{declared_name}”"
                     f"（分类模型判断，置信度{opinion.confidence:.2f}）。"),
            suggestion=(f"核对该行实际衡量什么：若属“{opinion.category}”，移至该类；否则改写为真正的"
                        f"{declared_name}{f'（{example}）' if example else ''}。"),
            severity=ctx.option("model_severity", "medium"), confidence=round(opinion.confidence, 2),
        )
