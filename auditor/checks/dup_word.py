"""DUP_WORD: a word or phrase typed twice, or a copy-paste leftover, anywhere in the submission
("高科技高科技", "保障办公人数数", "经费保障及及时性", "产量和产量", "村；村务公开率", "100%。。",
two adjacent Part-1 headings with the same title), and the same 三级指标 name on two rows of one
table (variant dup-name, medium: the national budget system refuses it on save, RULEBOOK 2).

Chinese repeats on purpose (层层抓, 人人学, 家家户户, 一个个, 研究研究, 雪白雪白), so a doubled
character is reported only when it is not a reduplicating character and one copy belongs to a
neighbouring word (个数 + 数, 及 + 及时) — the signature of a typing slip; a doubled word only
when it is not a colloquial ABAB verb or intensified adjective.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from .. import evidence, textsim
from ..resources import lexicon
from ..schema import Finding, ProjectTable, Submission
from . import Context, check

_HAN = "\u4e00-\u9fff"
_NUMERALS = set("零〇一二三四五六七八九十百千万亿两几")
_DOUBLED = re.compile(f"([{_HAN}]{{1,12}}?)\\1")
_JOINED = re.compile(f"([{_HAN}]{{2,12}})(和|与|及|或|跟|同)\\1")
_CLAUSE_SEP = re.compile(r"[，,；;、。！？!?：:\n]")
_PUNCT_RUN = re.compile(r"([，。；、：！？])\1+")  # Chinese marks only: "::" in a web header is noise
# what may follow the second copy in "X和X": the end of a phrase, not a longer word
# ("学生和学生家长" is two groups of people)
_PHRASE_END = re.compile(r"$|[，,。；;、：:！？!?）)”’\s]|的|等")
_HEADING = re.compile(
    r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]|[一二三四五六七八九十]{1,3}\s*[、.．]|\d{1,2}\s*[、.．](?!\d))\s*"
)


@dataclass
class Repeat:
    start: int  # span of the whole slip in the scanned text
    end: int
    unit: str  # what is repeated
    variant: str  # doubled | joined | fragment | punct
    fixed: str  # the span as it should read


@lru_cache(maxsize=1)
def _allow() -> tuple[frozenset[str], frozenset[str], tuple[str, ...], frozenset[str]]:
    words = lexicon("dup_word_allow")
    chars = frozenset("".join(str(words.get("reduplicating_chars", "")).split()))
    abab = frozenset(str(words.get("abab_words", "")).split())
    relation = tuple(words.get("relation_words", []))
    never = frozenset("".join(str(words.get("particles", "")).split()))
    return chars, abab, relation, never


def _is_han(text: str) -> bool:
    return bool(text) and all("\u4e00" <= ch <= "\u9fff" for ch in text)


def _doubled_char_is_slip(text: str, start: int, char: str) -> bool:
    """`char` stands twice at text[start:start+2]: a slip, or reduplication on purpose?"""
    chars, _, _, never = _allow()
    if char in chars or char in _NUMERALS:
        return False
    end = start + 2
    before = text[start - 1] if start >= 1 else ""
    after = text[end] if end < len(text) else ""
    if after == char:  # three or more in a row: deliberate (哈哈哈) or not a word slip
        return False
    # AABB (清清楚楚, 干干净净) in either half
    if end + 1 < len(text) and text[end] == text[end + 1] and text[end] != char:
        return False
    if start >= 2 and text[start - 2] == text[start - 1] and text[start - 1] != char:
        return False
    if before in _NUMERALS or before == "一":  # 一个个, 一项项
        return False
    # inside a longer dictionary word or idiom (蒸蒸日上, 欣欣向荣)
    window = text[max(0, start - 3) : end + 3]
    if any(len(t) >= 3 and char * 2 in t for t in textsim.tokens(window)):
        return False
    # the typing-slip signature: exactly one copy belongs to a neighbouring word (个数 + 数,
    # 及 + 及时); when both do, the characters are shared by two words (城市市容, 共产党党内)
    left = any(textsim.is_word(text[start + 1 - n : start + 1]) for n in (2, 3, 4) if start + 1 - n >= 0)
    right = any(textsim.is_word(text[start + 1 : start + 1 + n]) for n in (2, 3, 4) if start + 1 + n <= len(text))
    if char in never:  # a particle: the second copy is the particle after a word (目的的)
        return not left
    return left != right


def _doubled_word_is_slip(unit: str) -> bool:
    _, abab, _, _ = _allow()
    if unit in abab or all(ch in _NUMERALS for ch in unit):
        return False
    if unit[0] == "一" and len(unit) == 2:  # 一步一步, 一点一点
        return False
    if len(set(unit)) == 1:  # 层层层层: reduplication of a reduplication
        return False
    return True


def find_repeats(text: str) -> list[Repeat]:
    """Every doubled word, "X和X", clause leftover and doubled punctuation mark in `text`."""
    if not text:
        return []
    found: list[Repeat] = []
    taken: list[tuple[int, int]] = []

    def add(rep: Repeat) -> None:
        if any(rep.start < e and s < rep.end for s, e in taken):
            return
        taken.append((rep.start, rep.end))
        found.append(rep)

    # adjacent doubles: 高科技高科技, 人数数, 及及时性
    for m in _DOUBLED.finditer(text):
        unit = m.group(1)
        if len(unit) == 1:
            if not _doubled_char_is_slip(text, m.start(), unit):
                continue
        else:
            after = text[m.end() : m.end() + len(unit)]
            if after == unit or not _doubled_word_is_slip(unit):
                continue
        add(Repeat(m.start(), m.end(), unit, "doubled", unit))

    # X和X, X与X: 产量和产量 (but 企业与企业之间, 学生和学生家长)
    _, _, relation, _ = _allow()
    for m in _JOINED.finditer(text):
        unit = m.group(1)
        rest = text[m.end() :]
        if rest.startswith(relation) or not _PHRASE_END.match(rest):
            continue
        add(Repeat(m.start(), m.end(), unit, "joined", unit))

    # clause level: "村；村务公开率" (a leftover fragment) and "维护社会稳定；维护社会稳定"
    bounds = [0] + [m.end() for m in _CLAUSE_SEP.finditer(text)]
    clauses = []
    for i, start in enumerate(bounds):
        end = bounds[i + 1] - 1 if i + 1 < len(bounds) else len(text)
        clauses.append((start, end))
    for (s1, e1), (s2, e2) in zip(clauses, clauses[1:]):
        first, second = text[s1:e1].strip(), text[s2:e2].strip()
        if not _is_han(first) or not second:
            continue
        sep = text[e1:s2]
        if first == second and len(first) >= 2:
            add(Repeat(s1, e2, first, "joined", first))
        elif (len(first) <= 3 and second.startswith(first) and len(second) > len(first) and sep.strip() in "；;，,"
              and not (s1 > 0 and text[s1 - 1] == "、")):  # "县、乡、村，村民小组": the end of a list
            add(Repeat(s1, s2 + len(first), first, "fragment", second[: len(first)]))

    # doubled punctuation: "，，" "。。" (three or more may stand for an ellipsis)
    for m in _PUNCT_RUN.finditer(text):
        if len(m.group(0)) == 2:
            add(Repeat(m.start(), m.end(), m.group(1), "punct", m.group(1)))
    return sorted(found, key=lambda r: r.start)


_QUOTE_STOP = re.compile(r"[，,；;。！？!?：:\n“”\"‘’（）()《》【】]")


def _quote_span(text: str, rep: Repeat, max_len: int = 30) -> tuple[int, int]:
    """The slip with its own clause around it (or a window of it when the clause is long), so
    the quote reads as a phrase and can be found in the document."""
    if len(text) <= max_len:
        return 0, len(text)
    start, end = rep.start, rep.end
    if rep.variant == "punct":  # the mark ends a clause: quote what leads up to it
        while start > 0 and rep.start - start < 12 and not _QUOTE_STOP.match(text[start - 1]):
            start -= 1
        while end < len(text) and end - rep.end < 4 and not _QUOTE_STOP.match(text[end]):
            end += 1
        return start, end
    while start > 0 and not _QUOTE_STOP.match(text[start - 1]):
        start -= 1
    while end < len(text) and not _QUOTE_STOP.match(text[end]):
        end += 1
    if end - start > max_len:
        start, end = max(start, rep.start - 8), min(end, rep.end + 4)
    return start, end


_WHAT = {
    "doubled": "“{unit}”连写了两遍",
    "joined": "“{unit}”重复出现",
    "fragment": "残留了多余的“{unit}”",
    "punct": "标点“{unit}”重复",
}


def _finding(ctx: Context, table: ProjectTable | None, field: str, where: str, text: str, raw: str,
             rep: Repeat, row=None) -> Finding:
    start, end = _quote_span(text, rep)
    needle = text[start:end]
    quote = evidence.fragment(raw, needle) if raw else needle
    fixed = text[start : rep.start] + rep.fixed + text[rep.end : end]
    what = _WHAT[rep.variant].format(unit=rep.unit)
    return ctx.finding(
        table=table,
        row=row,
        field=field,
        variant=rep.variant,
        evidence=quote,
        message=f"{where}“{quote}”中{what}，属于录入或复制粘贴错误。",
        suggestion=f"删去重复部分，改为“{fixed}”；如原意不是简单重复，请补全原句。",
        confidence=1.0 if rep.variant in ("doubled", "joined") else ctx.option("fragment_confidence"),
    )


def _headings(paragraphs: list[str]) -> Iterator[tuple[int, str]]:
    for index, paragraph in enumerate(paragraphs):
        m = _HEADING.match(paragraph)
        if m:
            title = re.split(r"[。；;]", paragraph[m.end() :], maxsplit=1)[0].strip()
            # "（一）绩效目标：……" is a label repeated by design, not a section title
            if title and len(title) <= 30 and not re.search(r"[：:]", title):
                yield index, title


def _duplicate_names(table: ProjectTable, ctx: Context) -> Iterator[Finding]:
    """The same 三级指标 name on two rows of one table: the national budget system refuses to
    save it (RULEBOOK 2), and it is usually a row copied without renaming."""
    first: dict[str, object] = {}
    for ind in table.indicators:
        key = textsim.comparable(ind.level3 or "")
        if not key:
            continue
        if key not in first:
            first[key] = ind
            continue
        earlier = first[key]
        name = evidence.cell(ind, "level3")
        descs = "”“".join(d for d in (evidence.cell(earlier, "description"), evidence.cell(ind, "description")) if d)
        hint = f"（参照两行的描述“{descs}”）" if descs else ""
        yield ctx.finding(
            table=table, row=ind, field="indicator", variant="dup-name", evidence=name,
            severity=ctx.option("dup_name_severity"),
            message=(f"第{ind.row}行三级指标“{name}”与第{earlier.row}行同名：同一张表的三级指标名称不能重复，"
                     "预算管理一体化系统保存时不予通过，也说明这一行可能是复制后没有改名。"),
            suggestion=f"按两行各自衡量的内容分别命名{hint}；若两行衡量的是同一件事，删去重复的一行。",
        )


@check("DUP_WORD")
def dup_word(submission: Submission, ctx: Context) -> Iterator[Finding]:
    part1 = submission.part1
    for section, name in ((part1.overall, "总体绩效目标"), (part1.sub_goals, "分项绩效目标"), (part1.measures, "保障措施")):
        for paragraph in section:
            for rep in find_repeats(paragraph):
                yield _finding(ctx, None, "narrative", f"第一部分{name}", paragraph, "", rep)
        # two adjacent numbered headings with the same title: a section pasted twice
        if ctx.option("check_headings"):
            heads = list(_headings(section))
            for (_, t1), (i2, t2) in zip(heads, heads[1:]):
                if t1 == t2 and len(t1) >= ctx.option("min_heading_chars"):
                    quote = section[i2][: section[i2].find(t2) + len(t2)].strip()
                    yield ctx.finding(
                        table=None, field="narrative", variant="heading", evidence=quote,
                        message=f"第一部分{name}中相邻两节标题都是“{t2}”，疑为复制粘贴后未修改。",
                        suggestion=f"核对“{quote}”一节：删去重复的一节，或把标题和内容改为本节实际要写的措施。",
                        confidence=ctx.option("fragment_confidence"),
                    )
    for table in submission.tables:
        yield from _duplicate_names(table, ctx)
        if table.fund_use:
            for rep in find_repeats(table.fund_use):
                yield _finding(ctx, table, "budget", "资金用途", table.fund_use, table.fund_use, rep)
        for index, goal in enumerate(table.goals):
            raw = evidence.goal(table, index)
            for rep in find_repeats(goal):
                yield _finding(ctx, table, "goal", f"绩效目标{index + 1}", goal, raw, rep)
        for ind in table.indicators:
            for attr, field, label in (("level3", "indicator", "三级指标"), ("description", "description", "绩效指标描述"),
                                       ("value", "value", "指标值"), ("basis", "basis", "指标值确定依据")):
                text = getattr(ind, attr) or ""
                for rep in find_repeats(text):
                    yield _finding(ctx, table, field, label, text, evidence.cell(ind, attr), rep, row=ind)
