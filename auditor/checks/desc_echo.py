"""DESC_ECHO: the 绩效指标描述 does not define the measure (RULEBOOK 13: "明确定量指标的计算方法或
统计口径、定性指标的衡量内容和衡量方法"). Four shapes:

* same — the description is the 三级指标 name ("满意率/满意率", "补偿金额/补偿金额");
* reworded — it rewords the name, adding only filler or the project's own words
  ("招商维稳经费支出/招商维稳经费的支出", "工资发放率/我单位凤还巢大学生村干部工资发放率",
  "资金在规定时间内下达率/资金在规定时间内下达得10分");
* undefined-rate — it is itself a bare rate name with no base ("运转保障率/执法工作保障率",
  "质量指标/资金覆盖率"): a rate is defined by its numerator and denominator;
* no-definition — the value is a percentage, yet neither the name nor the description says
  which share it is, and the description only rewords the name into a slogan
  ("长期性/长期较好的保持 100%", "保障生态平衡/促进生态平衡发展改善环境质量 >90%").

What counts as a definition depends on the kind of measure. A description that introduces a way
of measuring — a ratio with its base ("实际到位补助资金占应到位资金的比例"), a survey, a standard,
a formula, a check — is fine even when it shares most words with the name. For a count, naming
what is counted and where is the 统计口径 ("发放人数/我单位凤还巢大学生村干部人数",
"印制宣传页数量/乡服务中心印制宣传页数量"); only filler added to a count is an echo
("保障行政村数/保障行政数", "享受服务群众专项的村/享受服务群众专项的一共有多少村"). For a time,
naming the event whose date is measured is the definition ("资金支出时间/该笔资金支出完成时间").
For a satisfaction, naming who is surveyed about what is the point of the description.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from .. import domain, evidence, textsim
from ..resources import lexicon
from ..schema import Finding, Indicator, ProjectTable, Submission
from ..values import normalize_text, parse_value
from . import Context, check


@lru_cache(maxsize=1)
def _words() -> tuple[tuple[str, ...], tuple[re.Pattern[str], ...]]:
    words = lexicon("echo_words")
    return tuple(words.get("filler", [])), tuple(re.compile(p) for p in words.get("measure_markers", []))


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    words = lexicon("echo_words")
    return {
        "noise": re.compile("|".join(f"(?:{p})" for p in words.get("desc_noise", [])) or r"(?!)"),
        "rate_phrase": re.compile(words.get("rate_phrase", r"(?!)")),
        "share": re.compile(words.get("share_words", r"(?!)")),
        "measure_nouns": re.compile(words.get("measure_nouns", r"(?!)")),
        "time_names": re.compile(words.get("time_names", r"(?!)")),
        "time_events": re.compile(words.get("time_events", r"(?!)")),
        "non_rate": re.compile(words.get("non_rate_names", r"(?!)")),
    }


def explains_measurement(description: str, name: str) -> bool:
    """Does the description bring a kind of measurement (ratio, survey, formula, standard,
    check …) that the name does not already hold?"""
    _, markers = _words()
    d, n = textsim.comparable(description), textsim.comparable(name)
    return any(m.search(d) and not m.search(n) for m in markers)


def scope_text(submission: Submission, table: ProjectTable) -> str:
    """The project's own words: name, fund use and unit name."""
    return " ".join((table.project, table.fund_use, submission.unit_name))


def _clean(text: str) -> str:
    """A cell as compared: scoring-sheet text removed, "…的比率" read as "…率"."""
    p = _patterns()
    text = p["noise"].sub("", normalize_text(text or ""))
    return p["rate_phrase"].sub("率", text)


def _kind(ind: Indicator) -> str:
    value = ind.parsed or parse_value(ind.value or "")
    return value.kind


def _is_count(ind: Indicator) -> bool:
    """A count: what is counted (and where) is its 统计口径."""
    kind = _kind(ind)
    return kind == "count" or (domain.level2_key(ind.level2) == "quantity" and kind not in ("percent", "money"))


def _names_time_event(name: str, desc: str) -> bool:
    """A time indicator whose description names the event whose date is measured."""
    p = _patterns()
    n, d = textsim.comparable(name), textsim.comparable(desc)
    if not p["time_names"].search(n):
        return False
    return any(m.group(0) not in n for m in p["time_events"].finditer(d))


def _related(name: str, desc: str, filler) -> bool:
    """The description talks about the name's subject (or the name is only a category label)."""
    if domain.category_label(name):
        return True
    return textsim.shares_run(name, desc, 2) or textsim.shares_run(name, desc, 2, ignore=filler)


def _undefined_rate(ind: Indicator, name: str, desc: str, options: dict) -> bool:
    """The description is just another rate name ("执法工作保障率"): no numerator, no base."""
    p = _patterns()
    raw = p["noise"].sub("", normalize_text(desc))
    if re.search(r"[，,；;。:：、\n]", raw.strip("。")) or re.search(r"\d", raw):
        return False  # a sentence, a list of components or a number: says something of its own
    d = textsim.comparable(raw)
    # "…的比率" names the event counted ("通过验收的比率"); a compound "…率" names nothing
    if not d.endswith("率") or p["rate_phrase"].search(d[-3:]) or len(d) > int(options["max_rate_chars"]):
        return False
    if p["non_rate"].search(textsim.comparable(name)):
        return False  # a time, count or money name described by a rate: a contradiction
    return _related(name, desc, _words()[0])


def _no_definition(ind: Indicator, name: str, desc: str, options: dict) -> bool:
    """A percentage whose name and description never say which share it is, and whose
    description only rewords the name ("长期性/长期较好的保持", "财政投入/全镇投入资金")."""
    cut_off = ind.incomplete and not (ind.value or "").strip()  # the document ends inside this row
    if _kind(ind) != "percent" and not cut_off:
        return False
    p = _patterns()
    if any(p[key].search(text) for key in ("share", "measure_nouns") for text in (name, desc)):
        return False  # a share or a countable measure is named
    n, d = textsim.comparable(name), textsim.comparable(_clean(desc))
    if not n or not d or len(d) > int(options["max_slogan_chars"]):
        return False
    return textsim.shares_run(name, desc, 2) and textsim.char_share(n, d) >= float(options["min_slogan_cover"])


def judge(ind: Indicator, scope: str, options: dict) -> textsim.Echo | None:
    name, desc = ind.level3 or "", ind.description or ""
    if not textsim.comparable(name) or not textsim.comparable(desc):
        return None
    if textsim.comparable(name) == textsim.comparable(desc):
        return textsim.Echo("same", "", 1.0, 1.0)
    if explains_measurement(desc, name):
        return None
    filler, _ = _words()
    key = domain.level2_key(ind.level2)
    max_new = options["max_new_chars"]
    if key == "satisfaction":
        scope = ""  # who is asked about what is the content of a satisfaction description
    elif _is_count(ind):
        # the counted population, object or place is the count's 统计口径: it is content
        scope, max_new = "", options["count_max_new_chars"]
    elif _names_time_event(name, desc):
        return None
    rate_phrase = _patterns()["rate_phrase"]
    if rate_phrase.search(textsim.comparable(desc)) and not rate_phrase.search(textsim.comparable(name)):
        # "X的比率" states what the numerator counts: anything X adds to the name is an attempt
        # at a definition ("工程验收合格率/工程验收时通过验收的比率")
        max_new = min(max_new, options["rate_phrase_max_new_chars"])
    kw = dict(ignore=filler, max_new=max_new, min_share=options["min_share"], min_cover=options["min_cover"],
              min_scope_run=options["min_scope_run"])
    echo = textsim.echo_of(_clean(desc), _clean(name), scope=scope, **kw)
    if echo is not None:
        if echo.kind == "same":  # equal only once scoring text and "的比率" are read away
            echo = textsim.Echo("reworded", "", 1.0, 1.0)
        elif scope and textsim.echo_of(_clean(desc), _clean(name), **kw) is None:
            # an echo only once the project's own words are set aside ("老漳河东岸土地补偿金额"):
            # it names the project's object, which some reviewers accept as a scope
            echo.residue = "scope"
        return echo
    if _undefined_rate(ind, name, desc, options):
        return textsim.Echo("undefined-rate", "", 0.0, 0.0)
    if _no_definition(ind, name, desc, options):
        return textsim.Echo("no-definition", "", 0.0, 0.0)
    return None


def _how(ind: Indicator) -> str:
    """What a description of this kind of indicator should state."""
    key = domain.level2_key(ind.level2)
    kind = ind.parsed.kind if ind.parsed else "text"
    name = ind.level3.strip()
    if key == "satisfaction":
        return "写明调查对象、调查方式和计算方法，如“通过问卷调查，满意和较满意的人数占有效调查人数的比例”"
    if re.search(r"(?:率|比例|比率|比重)\W*$", name):
        return f"写明计算口径，如“{name}＝实际完成数÷计划（应完成）数×100%”，并说明分子、分母各统计什么"
    if kind == "percent":
        return ("写明这个百分比是什么占什么的比例（分子、分母各统计什么，以什么记录为准）；"
                "说不出分子分母的，改设能计量的指标（数量、比率或分级标准）")
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
    options = {k: ctx.option(k) for k in ("max_new_chars", "count_max_new_chars", "rate_phrase_max_new_chars",
                                          "min_share", "min_cover",
                                          "min_scope_run", "max_rate_chars", "max_slogan_chars", "min_slogan_cover")}
    for table in submission.tables:
        scope = scope_text(submission, table)
        for ind in table.indicators:
            echo = judge(ind, scope, options)
            if echo is None:
                continue
            quote = evidence.cell(ind, "description")
            name = evidence.cell(ind, "level3")
            value = evidence.cell(ind, "value")
            if echo.kind == "same":
                message = f"绩效指标描述“{quote}”与三级指标“{name}”完全相同，没有说明这个指标怎样统计或计算，年底无法据此核实。"
                confidence = 1.0
            elif echo.kind == "reworded" and echo.residue == "scope":
                message = (f"绩效指标描述“{quote}”只是在三级指标“{name}”前面加上本项目的名称或对象，"
                           "没有说明这个指标怎样统计或计算，年底无法据此核实。")
                confidence = float(ctx.option("scoped_confidence"))
            elif echo.kind == "reworded":
                message = f"绩效指标描述“{quote}”只是把三级指标“{name}”换了个说法，没有说明这个指标怎样统计或计算，年底无法据此核实。"
                confidence = float(ctx.option("reworded_confidence"))
            elif echo.kind == "undefined-rate":
                message = (f"三级指标“{name}”的描述“{quote}”本身又是一个比率名称，没有说明分子、分母各统计什么，"
                           "年底无法据此计算和核实。")
                confidence = float(ctx.option("undefined_rate_confidence"))
            elif value:
                message = (f"三级指标“{name}”的指标值是“{value}”，描述“{quote}”只是把名称改写成一句口号，"
                           "名称和描述都没有说明这个百分比是什么占什么的比例，年底无法测算。")
                confidence = float(ctx.option("no_definition_confidence"))
            else:
                message = (f"三级指标“{name}”的描述“{quote}”只是把名称改写成一句口号，没有说明衡量什么、"
                           "怎样衡量，年底无法测算。")
                confidence = float(ctx.option("no_definition_confidence"))
            yield ctx.finding(
                table=table,
                row=ind,
                field="description",
                variant=echo.kind,
                evidence=quote,
                message=message,
                suggestion=f"改写描述：{_how(ind)}。",
                confidence=confidence,
            )
