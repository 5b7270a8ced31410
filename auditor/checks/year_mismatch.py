"""YEAR_MISMATCH: a year (or dated wording) that contradicts the submission's budget year
(RULEBOOK 18): "2024年" in a 2025 submission's tables, a Part 1 item "项目主要目标为2023年…" in a
2025 text, a project code whose year digits say 22 in a 2023 submission.

Not flagged (legitimate other years): document numbers (冀组发【2018】14号: `values` never reads
them as years), ranges that include the budget year ("2023年—2025年"), a service period in the
budget year ("（2021年1月-2021年10月）"), historical statements ("截止到2020年10月",
"较2022年提高", "2020年以来"), multi-year targets ("到2025年"), carry-over items ("2022年结转",
"2022年度工程尾款"), the issue date of a basis document ("2018年1月16日印发"). Part 1 is prose
about past and future alike, so there a year only counts when it is framed as the plan year
("2024年，我镇将…", "项目主要目标为2023年…", "确保完成2022年度各项目标任务").

Dated wording (variant dated-wording, medium): political and planning wording tied to a period,
written as a current aim outside it — "为全面建成小康社会" after 2021, "贯彻落实党的十九大精神" after
2022, "完成十三五规划目标" after 2020 (rules/lexicons/dated_phrases.yaml, with the valid years and
the current wording to suggest); history ("已全面建成小康社会", "十九大以来") is not flagged.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from .. import evidence
from ..resources import lexicon
from ..schema import Finding, Indicator, ProjectTable, Submission
from ..values import normalize_text
from . import Context, check

_CN_DIGITS = {"〇": "0", "零": "0", "○": "0", "Ｏ": "0", "一": "1", "二": "2", "三": "3", "四": "4",
              "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}

# a year written as a year: "2023年", "2023 年度", "2021-2025年" (both ends), a full date
# "2023-12-31", "二〇二三年". Bracketed document-number years never match (no 年 follows).
_YEAR_RE = re.compile(
    r"""
    (?<![\d.])(?P<y>(?:19|20)\d{2})(?=\s*(?:年|[-—–~～至到]\s*(?:(?:19|20)\d{2}\s*年|\d{1,2}\s*年)))
  | (?<![\d.])(?P<dy>20\d{2})[-/.](?:1[0-2]|0?[1-9])[-/.](?:3[01]|[12]\d|0?[1-9])(?![\d.])
  | (?P<cn>二[〇零○Ｏ][一二三四五六七八九〇零○Ｏ]{2})(?=\s*年)
    """,
    re.X,
)
# a year range around a mention: "2023年—2025年", "2021-2025年", "2021年1月-2021年10月"
_RANGE_AFTER = re.compile(r"^\s*年?度?(?:\d{1,2}\s*月(?:份|底|末)?(?:\d{1,2}\s*日)?)?\s*[-—–~～至到]\s*(?P<y>(?:19|20)\d{2})")
_RANGE_BEFORE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*年?度?(?:\d{1,2}\s*月(?:份|底|末)?(?:\d{1,2}\s*日)?)?\s*[-—–~～至到]\s*$")
# 2-digit range end: "2021-25年"
_SHORT_RANGE_AFTER = re.compile(r"^\s*[-—–~～至到]\s*(?P<yy>\d{2})\s*年")

_CLAUSE_SPLIT = re.compile(r"[，,。；;！!？?\n]")

# 2-digit year inside a budget-system project code: 6-digit region code + year + P…
_CODE_RE = re.compile(r"^(?P<region>[1-6]\d{5})(?P<yy>\d{2})[0-9A-Z]")



@dataclass(frozen=True)
class DatedPhrase:
    label: str
    pattern: re.Pattern[str]
    low: int | None
    high: int | None
    unless: re.Pattern[str] | None
    why: str
    instead: str
    confidence: float


@lru_cache(maxsize=1)
def dated_phrases() -> tuple[DatedPhrase, ...]:
    """rules/lexicons/dated_phrases.yaml: wording tied to a period (a plan period, a congress,
    a goal that has been reached)."""
    found = []
    for spec in lexicon("dated_phrases").get("phrases") or ():
        found.append(DatedPhrase(
            label=str(spec["label"]), pattern=re.compile(str(spec["pattern"])),
            low=int(spec["from"]) if spec.get("from") is not None else None,
            high=int(spec["until"]) if spec.get("until") is not None else None,
            unless=re.compile(str(spec["unless"])) if spec.get("unless") else None,
            why=str(spec.get("why", "")), instead=str(spec.get("instead", "")),
            confidence=float(spec.get("confidence", 0.85)),
        ))
    return tuple(found)


@dataclass
class DatedHit:
    phrase: DatedPhrase
    start: int
    end: int
    text: str


@dataclass
class Mention:
    start: int  # offsets in the normalised text
    end: int
    year: int
    low: int  # the range this mention belongs to (== year when alone)
    high: int
    label: str = ""  # how to name it in a message when it is not a plain year ("十三五")


def _int_year(match: re.Match[str]) -> int:
    if match.group("cn"):
        return int("".join(_CN_DIGITS[c] for c in match.group("cn")))
    return int(match.group("y") or match.group("dy"))


def year_mentions(text: str) -> list[Mention]:
    """Every year written as a year in `text` (already normalised), with the range it sits in."""
    found: list[Mention] = []
    for m in _YEAR_RE.finditer(text):
        year = _int_year(m)
        low = high = year
        after = text[m.end(): m.end() + 20]
        before = text[max(0, m.start() - 20): m.start()]
        ra = _RANGE_AFTER.match(after)
        if ra:
            other = int(ra.group("y"))
            low, high = min(year, other), max(year, other)
        else:
            sa = _SHORT_RANGE_AFTER.match(after)
            if sa:
                other = year // 100 * 100 + int(sa.group("yy"))
                low, high = min(year, other), max(year, other)
        rb = _RANGE_BEFORE.search(before)
        if rb:
            other = int(rb.group("y"))
            low, high = min(low, other), max(high, other)
        found.append(Mention(m.start(), m.end(), year, low, high))
    return found


def _clause(text: str, start: int, end: int) -> str:
    """The clause (between punctuation) that holds text[start:end]."""
    left = max((m.end() for m in _CLAUSE_SPLIT.finditer(text, 0, start)), default=0)
    right_m = _CLAUSE_SPLIT.search(text, end)
    right = right_m.start() if right_m else len(text)
    return text[left:right].strip()


class _Rules:
    """The option regexes, compiled once per run."""

    def __init__(self, ctx: Context):
        self.historical_before = re.compile(f"(?:{ctx.option('historical_before')})\\s*$")
        self.historical_after = re.compile(f"^\\s*(?:{ctx.option('historical_after')})")
        self.target_before = re.compile(f"(?:{ctx.option('target_before')})\\s*$")
        self.carry_over = re.compile(ctx.option("carry_over_words"))
        self.document_after = re.compile(f"^\\s*(?:{ctx.option('document_after')})")
        self.forward_before = re.compile(f"(?:{ctx.option('part1_forward_before')})\\s*$")
        self.forward_after = re.compile(f"^\\s*(?:{ctx.option('part1_forward_after')})")
        self.title_after = re.compile(f"^\\s*(?:{ctx.option('part1_title_after')})")

    def legitimate(self, text: str, mention: Mention, budget_year: int, basis: bool) -> bool:
        """True when a year other than the budget year is used legitimately at this place."""
        if mention.low <= budget_year <= mention.high:
            return True  # a range that covers the budget year
        before = text[max(0, mention.start - 12): mention.start]
        after = text[mention.end: mention.end + 16]
        clause = _clause(text, mention.start, mention.end)
        if self.document_after.search(after) or "《" in before[-6:]:
            return True  # "2018年1月16日印发", "《…2019年…》"
        if mention.high < budget_year:
            if basis:
                return True  # a basis may cite past documents and statistics
            if self.historical_before.search(before) or self.historical_after.search(after):
                return True
            if self.carry_over.search(clause):
                return True
        else:  # a later year
            if self.target_before.search(before):
                return True  # "到2025年" — a multi-year target
        return False

    def forward(self, text: str, mention: Mention) -> bool:
        """Part 1: is this year framed as the plan year?"""
        before = text[max(0, mention.start - 12): mention.start]
        clause_start = max((m.end() for m in _CLAUSE_SPLIT.finditer(text, 0, mention.start)), default=0)
        if re.search(r"已|了|曾|过去", text[clause_start: mention.start]):
            return False  # "已完成2022年度…", "完成了2022年度…": a report on the past
        after = text[mention.end: mention.end + 24]
        if self.forward_before.search(before) or self.forward_after.search(after):
            return True
        prefix = text[clause_start: mention.start]
        return bool(self.title_after.search(after)) and (
            not prefix.strip() or bool(re.search(r"(?:镇|乡|政府|单位|局|委|办|所|中心|部门|街道)\s*$", prefix)))


def _replace_years(text: str, wrong: set[int], right: int) -> str:
    return re.sub(r"(?<![\d.])(?:19|20)\d{2}(?![\d.])",
                  lambda m: str(right) if int(m.group(0)) in wrong else m.group(0), text)


@check("YEAR_MISMATCH")
def year_mismatch(submission: Submission, ctx: Context) -> Iterator[Finding]:
    budget_year = submission.year
    if not budget_year:
        return
    rules = _Rules(ctx)
    for table in submission.tables:
        yield from _table_header(table, submission, ctx, rules, budget_year)
        yield from _goals(table, ctx, rules, budget_year)
        yield from _schedule(table, ctx, budget_year)
        for indicator in table.indicators:
            yield from _row(table, indicator, ctx, rules, budget_year)
    yield from _part1(submission, ctx, rules, budget_year)


def _bad_years(raw: str, rules: _Rules, budget_year: int, basis: bool = False) -> tuple[str, list[Mention]]:
    text = normalize_text(raw or "", fold=False)
    bad = [m for m in year_mentions(text) if m.year != budget_year and not rules.legitimate(text, m, budget_year, basis)]
    return text, bad


def _quote(raw: str, text: str, mention: Mention, limit: int = 60) -> str:
    """Verbatim evidence: the whole cell when short, else the clause around the year."""
    squashed = raw.strip()
    if len(text) <= limit:
        return squashed
    return evidence.fragment(raw, _clause(text, mention.start, mention.end))


def _years_label(mentions: list[Mention]) -> str:
    labels = [m.label or f"{m.year}年" for m in sorted(mentions, key=lambda m: m.year)]
    return "、".join(dict.fromkeys(labels))


def _table_header(table: ProjectTable, submission: Submission, ctx: Context, rules: _Rules,
                  budget_year: int) -> Iterator[Finding]:
    # project name (the title repeats it: report once)
    for raw in dict.fromkeys(x for x in (table.project, table.title) if x):
        text, bad = _bad_years(raw, rules, budget_year)
        if bad:
            quoted = evidence.fragment(raw, text) if len(text) <= 80 else _quote(raw, text, bad[0])
            yield ctx.finding(
                table=table, field="budget", variant="project-name", evidence=quoted,
                message=(f"项目名称“{quoted}”中的{_years_label(bad)}与本文本的预算年度{budget_year}年不符。"),
                suggestion=(f"项目名称改为本年度的名称，如“{_replace_years(quoted, {m.year for m in bad if not m.label}, budget_year)}”；"
                            "若确为以前年度结转或欠款项目，应在名称中写明“结转”“欠款”等字样。"),
            )
            break
    # project code: the budget system writes the year into digits 7–8
    carried_over = rules.carry_over.search(_norm_header(table))
    if ctx.option("check_project_code") and table.project_code and not carried_over:
        code = table.project_code.strip()
        m = _CODE_RE.match(code)
        if m:
            code_year = 2000 + int(m.group("yy"))
            if code_year != budget_year and abs(code_year - budget_year) <= ctx.option("code_year_window"):
                older = code_year < budget_year
                yield ctx.finding(
                    table=table, field="budget", variant="project-code", evidence=code,
                    message=(f"项目编码“{code}”第7–8位为“{m.group('yy')}”，即{code_year}年入库的项目，"
                             f"与本文本的预算年度{budget_year}年不符"
                             + ("（若为跨年延续项目请说明）。" if older else "。")),
                    suggestion=(f"核对项目编码是否为{budget_year}年度预算项目的编码；延续项目应在项目名称或"
                                "资金用途中说明，编码有误的按预算系统中的编码更正。"),
                    confidence=ctx.option("code_confidence_older" if older else "code_confidence_newer"),
                )
    if table.fund_use:
        text, bad = _bad_years(table.fund_use, rules, budget_year)
        dated = [] if bad else dated_wording(text, budget_year)
        if dated:
            yield _dated_finding(ctx, table, None, "budget", "资金用途", table.fund_use, text, dated, budget_year)
        if bad:
            quoted = _quote(table.fund_use, text, bad[0])
            yield ctx.finding(
                table=table, field="budget", variant="fund-use", evidence=quoted,
                message=f"资金用途“{quoted}”写的是{_years_label(bad)}，与本文本的预算年度{budget_year}年不符。",
                suggestion=f"改为“{_replace_years(quoted, {m.year for m in bad if not m.label}, budget_year)}”，或删去年份。",
            )


def _norm_header(table: ProjectTable) -> str:
    return normalize_text(f"{table.project} {table.title} {table.fund_use}", fold=False)


def _goals(table: ProjectTable, ctx: Context, rules: _Rules, budget_year: int) -> Iterator[Finding]:
    for index, goal in enumerate(table.goals):
        raw = evidence.goal(table, index)
        text, bad = _bad_years(raw, rules, budget_year)
        if not bad:
            dated = dated_wording(text, budget_year)
            if dated:
                yield _dated_finding(ctx, table, None, "goal", f"绩效目标{index + 1}", raw, text, dated, budget_year)
            continue
        quoted = _quote(raw, text, bad[0], limit=80)
        yield ctx.finding(
            table=table, field="goal", variant="goal", evidence=quoted,
            message=f"绩效目标{index + 1}“{quoted}”写的是{_years_label(bad)}，与本文本的预算年度{budget_year}年不符，"
                    "疑为沿用往年的目标。",
            suggestion=f"按{budget_year}年度的任务重写该目标，如“{_replace_years(quoted, {m.year for m in bad if not m.label}, budget_year)}”。",
        )


def dated_wording(text: str, budget_year: int) -> list[DatedHit]:
    """Wording used as a current aim or task outside its period ("为全面建成小康社会" in a 2023
    text, "完成十三五规划目标" in 2023); history ("已全面建成小康社会", "十九大以来") is not."""
    found: list[DatedHit] = []
    for phrase in dated_phrases():
        if (phrase.low is None or phrase.low <= budget_year) and (phrase.high is None or budget_year <= phrase.high):
            continue
        for m in phrase.pattern.finditer(text):
            if phrase.unless is not None and phrase.unless.search(_clause(text, m.start(), m.end())):
                continue
            if any(h.start < m.end() and m.start() < h.end for h in found):
                continue
            found.append(DatedHit(phrase, m.start(), m.end(), m.group(0)))
            break
    return sorted(found, key=lambda h: h.start)


def _dated_message(hits: list[DatedHit], budget_year: int, quoted: str = "") -> tuple[str, str]:
    """(what is outdated and why, what to write instead); the message follows the quote."""
    first = hits[0].phrase
    said = "、".join(dict.fromkeys(f"“{h.text}”" for h in hits if h.text != quoted.strip()))
    why = "；".join(dict.fromkeys(h.phrase.why for h in hits if h.phrase.why))
    message = (f"{'中的' + said if said else ''}是过时的提法：{why}，{budget_year}年度的文本仍把它写作当前的目标或任务，"
               "疑为沿用往年文本。")
    suggestion = (f"按{budget_year}年的部署改写，如改为“{first.instead}”，并核对同一处的目标、数字是否为本年度的安排。"
                  if first.instead else f"按{budget_year}年的部署改写该处表述。")
    return message, suggestion


def _dated_finding(ctx: Context, table: ProjectTable | None, row: Indicator | None, field: str, label: str,
                   raw: str, text: str, hits: list[DatedHit], budget_year: int) -> Finding:
    quoted = raw.strip() if len(text) <= 40 else evidence.fragment(raw, _clause(text, hits[0].start, hits[0].end))
    message, suggestion = _dated_message(hits, budget_year, quoted)
    return ctx.finding(
        table=table, row=row, field=field, variant="dated-wording", evidence=quoted,
        message=f"{label}“{quoted}”{message}",
        suggestion=suggestion, severity=ctx.option("dated_wording_severity"),
        confidence=min(h.phrase.confidence for h in hits),
    )


def _schedule(table: ProjectTable, ctx: Context, budget_year: int) -> Iterator[Finding]:
    for point in table.schedule:
        for m in year_mentions(point.period):
            if m.year != budget_year:
                yield ctx.finding(
                    table=table, field="schedule", variant="schedule", evidence=point.period,
                    message=f"资金支出计划的时点“{point.period}”是{m.year}年，与预算年度{budget_year}年不符。",
                    suggestion=f"支出时点应在{budget_year}年内，改为“{_replace_years(point.period, {m.year}, budget_year)}”。",
                )
                break


_ROW_FIELDS = (("level3", "indicator", "三级指标"), ("description", "description", "指标描述"),
               ("value", "value", "指标值"), ("basis", "basis", "指标值确定依据"))


def _row(table: ProjectTable, indicator: Indicator, ctx: Context, rules: _Rules,
         budget_year: int) -> Iterator[Finding]:
    for attr, field, label in _ROW_FIELDS:
        raw = evidence.cell(indicator, attr)
        if not raw:
            continue
        text, bad = _bad_years(raw, rules, budget_year, basis=(attr == "basis"))
        if not bad:
            dated = dated_wording(text, budget_year) if attr != "basis" else []
            if dated:
                yield _dated_finding(ctx, table, indicator, field, label, raw, text, dated, budget_year)
                return  # one finding per row
            continue
        quoted = _quote(raw, text, bad[0])
        later = all(m.year > budget_year for m in bad)
        yield ctx.finding(
            table=table, row=indicator, field=field, variant=attr,
            evidence=quoted,
            message=(f"{label}“{quoted}”写的是{_years_label(bad)}，与本文本的预算年度{budget_year}年不符"
                     + ("（依据文件不可能晚于预算年度）。" if attr == "basis" else "，疑为沿用往年表格。")),
            suggestion=(f"改为“{_replace_years(quoted, {m.year for m in bad if not m.label}, budget_year)}”。" if not later or attr != "basis"
                        else "核对依据文件的年份和文号。"),
            confidence=ctx.option("basis_confidence") if attr == "basis" else 1.0,
        )
        return  # one finding per row


def _part1(submission: Submission, ctx: Context, rules: _Rules, budget_year: int) -> Iterator[Finding]:
    narrative = submission.part1
    for paragraph in [*narrative.all_paragraphs, *narrative.other]:
        text = normalize_text(paragraph, fold=False)
        seen: set[str] = set()
        for mention in year_mentions(text):
            if mention.year == budget_year or rules.legitimate(text, mention, budget_year, basis=False):
                continue
            if not rules.forward(text, mention):
                continue
            clause = _clause(text, mention.start, mention.end)
            if len(clause) < 10:  # "2022年，我镇将…": quote on to the end of the next clause
                at = text.find(clause)
                nxt = _CLAUSE_SPLIT.search(text, at + len(clause) + 1)
                clause = text[at: nxt.start() if nxt else len(text)].strip()
            quoted = evidence.fragment(paragraph, clause)
            if quoted in seen:
                continue
            seen.add(quoted)
            yield ctx.finding(
                table=None, field="narrative", variant="part1", evidence=quoted,
                message=(f"第一部分“{quoted}”把{mention.year}年写作本年度，而本文本是{budget_year}年度预算，"
                         "疑为沿用往年文本。"),
                suggestion=f"改为“{_replace_years(quoted, {mention.year}, budget_year)}”，并核对该段其余内容是否为本年度的安排。",
                confidence=ctx.option("part1_confidence"),
            )
        for hit in dated_wording(text, budget_year):
            quoted = evidence.fragment(paragraph, _clause(text, hit.start, hit.end))
            if quoted in seen:
                continue
            seen.add(quoted)
            message, suggestion = _dated_message([hit], budget_year, quoted)
            yield ctx.finding(
                table=None, field="narrative", variant="dated-wording", evidence=quoted,
                message=f"第一部分“{quoted}”{message}", suggestion=suggestion,
                severity=ctx.option("dated_wording_severity"), confidence=hit.phrase.confidence,
            )
