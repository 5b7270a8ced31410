"""GOAL_DUP: two or more numbered 绩效目标 of one table are identical or differ only trivially
("1.创建全国文明县城 2.创建全国文明县城 3.创建全国文明县城"; "保证工作有效迅速开展" twice), or
say the same thing with interchangeable boilerplate words ("提高人员的干事热情" / "提高人员的工作
积极性"; the word groups are the rule's `synonyms` option).

Goals that share a boilerplate clause but state different aims ("及时足额发放占地补偿款，维护社会
稳定" / "…，改善失地群众生活水平") are distinct goals and stay silent; so do goals that differ in a
number ("完成3个村" / "完成5个村"). One finding per group of duplicates.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from rapidfuzz import fuzz

from .. import evidence, textsim
from ..schema import Finding, Submission
from . import Context, check


def _diff(a: str, b: str) -> tuple[str, str]:
    """The differing middles of two strings once their common prefix and suffix are removed."""
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[len(a) - 1 - end] == b[len(b) - 1 - end]:
        end += 1
    return a[start : len(a) - end], b[start : len(b) - end]


def canonical_synonyms(groups) -> dict[str, str]:
    """{word: the first word of its group} for groups of interchangeable goal phrases."""
    mapping: dict[str, str] = {}
    for group in groups or []:
        words = [str(w) for w in group if str(w)]
        for word in words[1:]:
            mapping[word] = words[0]
    return mapping


def duplicate_kind(a: str, b: str, trivial: list[str], min_ratio: float, max_diff: int,
                   synonyms: dict[str, str] | None = None) -> str | None:
    """"identical", "near", "synonym" or None for two goal texts."""
    ca, cb = textsim.comparable(a), textsim.comparable(b)
    if not ca or not cb:
        return None
    if ca == cb:
        return "identical"
    sa, sb = textsim.strip_words(a, trivial), textsim.strip_words(b, trivial)
    if sa and sa == sb:
        return "near"
    if synonyms:
        # the same aim in other words: "提高人员的干事热情" / "提高人员的工作积极性"
        fa = textsim.strip_words(textsim.fold_synonyms(ca, synonyms), trivial)
        fb = textsim.strip_words(textsim.fold_synonyms(cb, synonyms), trivial)
        if fa and fa == fb:
            return "synonym"
    da, db = _diff(ca, cb)
    if re.search(r"\d", da + db):  # a different number is a different target
        return None
    if len(da) <= max_diff and len(db) <= max_diff and fuzz.ratio(ca, cb) >= min_ratio:
        return "near"
    return None


@check("GOAL_DUP")
def goal_dup(submission: Submission, ctx: Context) -> Iterator[Finding]:
    trivial = list(ctx.option("trivial_words"))
    min_ratio = float(ctx.option("min_ratio"))
    max_diff = int(ctx.option("max_diff_chars"))
    synonyms = canonical_synonyms(ctx.option("synonyms"))
    for table in submission.tables:
        goals = table.goals
        parent = list(range(len(goals)))

        def root(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        pair_kinds: dict[tuple[int, int], str] = {}
        for i in range(len(goals)):
            for j in range(i + 1, len(goals)):
                kind = duplicate_kind(goals[i], goals[j], trivial, min_ratio, max_diff, synonyms)
                if kind:
                    pair_kinds[(i, j)] = kind
                    parent[root(j)] = root(i)
        groups: dict[int, list[int]] = {}
        for i in range(len(goals)):
            groups.setdefault(root(i), []).append(i)
        for members in groups.values():
            if len(members) < 2:
                continue
            first = members[0]
            quote = evidence.goal(table, first)
            numbers = "、".join(str(i + 1) for i in members)
            found = {k for (i, j), k in pair_kinds.items() if i in members}
            if found == {"identical"}:
                kind, same = "identical", "完全相同"
            elif "synonym" in found and found <= {"synonym", "identical"}:
                kind, same = "synonym", "只是同一意思换了说法"
            else:
                kind, same = "near", "只有个别字词不同"
            quotes = "”“".join(evidence.goal(table, i) for i in members)
            yield ctx.finding(
                table=table,
                field="goal",
                variant=kind,
                evidence=quote,
                message=(
                    f"绩效目标{numbers}{same}（“{quotes if kind == 'synonym' else quote}”），重复的条目没有提出新的目标，"
                    "等于只写了一条。"
                ),
                suggestion=(
                    f"合并重复的第{numbers}条，另按产出（数量、质量、时效、成本）和效益分别写出不同的目标，"
                    f"每条写明要做到什么程度、何时完成，如“{ctx.option('example')}”，并与下方指标对应。"
                ),
                confidence=float(ctx.option("synonym_confidence")) if kind == "synonym" else 1.0,
            )
