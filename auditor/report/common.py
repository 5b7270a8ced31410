"""Helpers every report shares: where a finding points in its submission, counts, labels.

All functions are pure: they read the parsed submissions and the findings, never the disk.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePath
from statistics import fmean

from ..schema import Finding, Indicator, ProjectTable, Submission
from ..taxonomy import CATEGORIES, SEVERITIES, SEVERITY_NAMES
from ..values import squash

FIELD_NAMES = {
    "goal": "绩效目标",
    "indicator": "三级指标",
    "value": "指标值",
    "description": "绩效指标描述",
    "basis": "指标值确定依据",
    "schedule": "资金支出计划",
    "budget": "预算数",
    "narrative": "第一部分",
}
HEADER_NAMES = {"project-code": "项目编码", "project-name": "项目名称", "fund-use": "资金用途"}

# Indicator.specificity (0–1, from the model; None when no model is installed). Every report
# counts "难以考核" with this one threshold, so a unit's share agrees across pages and sheets.
UNASSESSABLE_BELOW = 0.4  # below: 难以考核
SPECIFIC_FROM = 0.7  # from here: 明确; in between: 部分明确
SPECIFICITY_LEVELS = {"low": "难以考核", "mid": "部分明确", "high": "明确"}
NO_SCORE = "—"  # shown wherever there is no score


def category_label(code: str) -> str:
    """"指标值无法考核（VALUE_VAGUE）"; an unknown code is shown as it is."""
    name = CATEGORIES.get(code)
    return f"{name}（{code}）" if name else code


def severity_label(severity: str) -> str:
    return SEVERITY_NAMES.get(severity, severity)


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def table_label(number: int | None) -> str:
    """What the 表号 column shows: 0 is Part 1 of the submission."""
    if number is None:
        return ""
    return "第一部分" if number == 0 else str(number)


def finding_order(finding: Finding) -> tuple:
    """Rows of a 整改清单: by 表号, 行 (table-level findings first), severity."""
    return (
        finding.table if finding.table is not None else -1,
        finding.row if finding.row is not None else 0,
        severity_rank(finding.severity),
        finding.rule,
        finding.evidence,
    )


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    counts = Counter(f.severity for f in findings)
    return {s: counts.get(s, 0) for s in SEVERITIES}


def category_counts(findings: Iterable[Finding]) -> list[tuple[str, int]]:
    """(category code, count), most frequent first, ties in TAXONOMY order."""
    counts = Counter(f.category for f in findings)
    order = list(CATEGORIES)
    return sorted(counts.items(), key=lambda kv: (-kv[1], order.index(kv[0]) if kv[0] in order else len(order), kv[0]))


def findings_by_source(submissions: Iterable[Submission], findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    """Each submission's findings (by `source`), in report order; findings of an unknown source
    are dropped here (a report is about the submissions it was given)."""
    grouped: dict[str, list[Finding]] = {s.source: [] for s in submissions}
    for finding in findings:
        if finding.source in grouped:
            grouped[finding.source].append(finding)
    for items in grouped.values():
        items.sort(key=finding_order)
    return grouped


def find_table(submission: Submission, finding: Finding) -> ProjectTable | None:
    """The table a finding is about: same printed number (and project when numbers repeat)."""
    if not finding.table:
        return None
    candidates = [t for t in submission.tables if t.number == finding.table]
    if len(candidates) > 1:
        same_project = [t for t in candidates if t.project == finding.project]
        candidates = same_project or candidates
    return candidates[0] if candidates else None


def find_indicator(table: ProjectTable | None, row: int | None) -> Indicator | None:
    if table is None or row is None:
        return None
    return next((i for i in table.indicators if i.row == row), None)


def finding_indicator(submission: Submission, finding: Finding) -> Indicator | None:
    """The indicator row a finding is about (None for table-level findings)."""
    return find_indicator(find_table(submission, finding), finding.row)


def specificity_level(value: float | None) -> str | None:
    """"low" (难以考核) | "mid" (部分明确) | "high" (明确); None when not scored."""
    if value is None:
        return None
    if value < UNASSESSABLE_BELOW:
        return "low"
    return "mid" if value < SPECIFIC_FROM else "high"


def score(value: float | None, percent: bool = False) -> str:
    """A specificity figure as shown: two decimals (or a whole percent), "—" when not scored.
    A figure just under a band boundary is not rounded up onto it (0.396 → "0.39"), so the
    number never reads as the band its colour says it is not in."""
    if value is None:
        return NO_SCORE
    if percent:
        return f"{value * 100:.0f}%"
    shown = round(value, 2)
    for bound in (UNASSESSABLE_BELOW, SPECIFIC_FROM):
        if value < bound <= shown:
            shown = bound - 0.01
    return f"{shown:.2f}"


@dataclass(frozen=True)
class SpecificityStats:
    """Specificity over a set of indicator rows (a table, a unit, a batch). Rows without a score
    are counted in `rows` only, so an unscored set has mean and share None."""

    rows: int
    scored: int
    unassessable: int  # scored rows below UNASSESSABLE_BELOW
    mean: float | None

    @property
    def share(self) -> float | None:
        """Share of the scored rows that are 难以考核."""
        return self.unassessable / self.scored if self.scored else None

    @property
    def level(self) -> str | None:
        return specificity_level(self.mean)


def specificity_stats(indicators: Iterable[Indicator]) -> SpecificityStats:
    indicators = list(indicators)
    scores = [i.specificity for i in indicators if i.specificity is not None]
    return SpecificityStats(len(indicators), len(scores), sum(1 for s in scores if s < UNASSESSABLE_BELOW),
                            fmean(scores) if scores else None)


def all_indicators(submissions: Iterable[Submission]) -> list[Indicator]:
    """The rows of the 绩效目标表, which the unit and table scores summarise. Part 1's prose
    statements are scored too (findings.json `part1.indicators`) but are not rows of a table."""
    return [i for s in submissions for t in s.tables for i in t.indicators]


def goal_index(table: ProjectTable, finding: Finding) -> int | None:
    """Which numbered goal (0-based) a goal finding quotes, when it can be told."""
    evidence = squash(finding.evidence)
    if not evidence:
        return None
    goals = [squash(g) for g in table.goals]
    for index, goal in enumerate(goals):
        if goal and goal == evidence:
            return index
    for index, goal in enumerate(goals):
        if goal and (evidence in goal or goal in evidence):
            return index
    return None


def header_cell(table: ProjectTable, evidence: str) -> str | None:
    """A table-level finding that quotes the project code, the project name or the fund use
    is shown on that cell (checks file these under `budget`/`indicator`, having no field of
    their own)."""
    if not evidence:
        return None
    if evidence == "".join(table.project_code.split()):
        return "project-code"
    name = "".join((table.project or table.title).split())
    if evidence == name or (len(evidence) >= 4 and evidence in name):
        return "project-name"
    budget_cells = {"".join(x.split()) for x in (table.budget.raw_total, table.budget.raw_fiscal, table.budget.raw_other)}
    if evidence not in budget_cells and len(evidence) >= 4 and evidence in "".join(table.fund_use.split()):
        return "fund-use"
    return None


def table_title(table: ProjectTable) -> str:
    """"N.项目名称", as the table is titled in the submission."""
    name = table.project or table.title
    return f"{table.number}.{name}"


def unit_display_name(submission: Submission) -> str:
    return submission.unit_name or PurePath(submission.source).stem or "（单位未识别）"


_UNSAFE_FILE_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def safe_stem(source: str) -> str:
    """A file-name-safe stem from a source path (keeps Chinese; drops path separators and
    characters Windows refuses)."""
    stem = PurePath(source.replace("\\", "/")).stem
    stem = _UNSAFE_FILE_CHARS.sub("_", stem).strip(" ._") or "submission"
    return stem[:80]


def unique_names(stems: Iterable[str], *, casefold: bool = True) -> list[str]:
    """Make names unique by appending -2, -3 … (case-insensitively by default, as on Windows
    and macOS file systems and in Excel sheet names)."""
    seen: set[str] = set()
    result: list[str] = []
    for stem in stems:
        candidate, n = stem, 1
        while (candidate.casefold() if casefold else candidate) in seen:
            n += 1
            candidate = f"{stem}-{n}"
        seen.add(candidate.casefold() if casefold else candidate)
        result.append(candidate)
    return result


def report_file_names(submissions: Iterable[Submission]) -> dict[str, str]:
    """source → "reports/<stem>.html", unique within the run."""
    submissions = list(submissions)
    names = unique_names(safe_stem(s.source) for s in submissions)
    return {s.source: f"reports/{name}.html" for s, name in zip(submissions, names)}


@dataclass
class SubmissionSummary:
    """One line of an overview: a submission and its counts."""

    submission: Submission
    findings: list[Finding] = field(default_factory=list)

    @property
    def unit(self) -> str:
        return unit_display_name(self.submission)

    @property
    def tables(self) -> int:
        return len(self.submission.tables)

    @property
    def rows(self) -> int:
        return sum(len(t.indicators) for t in self.submission.tables)

    @property
    def severities(self) -> dict[str, int]:
        return severity_counts(self.findings)

    @property
    def categories(self) -> list[tuple[str, int]]:
        return category_counts(self.findings)

    @property
    def warnings(self) -> list[str]:
        return self.submission.to_dict()["warnings"]

    @cached_property
    def specificity(self) -> SpecificityStats:
        return specificity_stats(all_indicators([self.submission]))

    def top_categories(self, limit: int = 3) -> str:
        return "；".join(f"{CATEGORIES.get(c, c)} {n}" for c, n in self.categories[:limit])


def summaries(submissions: Iterable[Submission], findings: Iterable[Finding]) -> list[SubmissionSummary]:
    submissions = list(submissions)
    grouped = findings_by_source(submissions, findings)
    return [SubmissionSummary(s, grouped[s.source]) for s in submissions]
