"""HTML reports: one page per submission (each table drawn like the paper form, flagged cells
highlighted, findings beside the table) and an index page linking them.

Pure functions returning `str`; the caller writes the files. Pages are self-contained (inline
CSS, no scripts, no web fonts) and every piece of document text is escaped by Jinja2's
autoescape.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .. import __version__
from ..schema import Finding, Indicator, ProjectTable, Submission
from ..taxonomy import CATEGORIES, SEVERITIES, SEVERITY_NAMES
from .common import (
    FIELD_NAMES,
    HEADER_NAMES,
    SPECIFIC_FROM,
    SPECIFICITY_LEVELS,
    UNASSESSABLE_BELOW,
    SpecificityStats,
    all_indicators,
    category_label,
    category_counts,
    find_table,
    finding_order,
    goal_index,
    header_cell,
    report_file_names,
    score,
    severity_counts,
    severity_rank,
    specificity_level,
    specificity_stats,
    summaries,
    table_title,
    unit_display_name,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"
# finding.field → the grid cell of its row that is highlighted
BOILERPLATE_SHOWN = 20  # most copied texts listed on the index page
ROW_CELLS = {"value": "value", "description": "description", "basis": "basis", "indicator": "level3"}


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every template, whatever its suffix: document text is untrusted
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(SEVERITIES=SEVERITIES, SEVERITY_NAMES=SEVERITY_NAMES, version=__version__, score=score,
                       spec_level=specificity_level, SPECIFICITY_LEVELS=SPECIFICITY_LEVELS,
                       UNASSESSABLE_BELOW=UNASSESSABLE_BELOW, SPECIFIC_FROM=SPECIFIC_FROM)
    return env


# ---------------------------------------------------------------- view model


@dataclass
class FindingView:
    number: int
    finding: Finding
    target: str | None = None  # id of the highlighted cell, when there is one
    section: str = ""  # Part 1: the section whose text the evidence was found in
    place: str = ""  # what the finding points at, when more precise than its field

    @property
    def severity_name(self) -> str:
        return SEVERITY_NAMES.get(self.finding.severity, self.finding.severity)

    @property
    def category(self) -> str:
        return category_label(self.finding.category)

    @property
    def category_name(self) -> str:
        return CATEGORIES.get(self.finding.category, self.finding.category)

    @property
    def location(self) -> str:
        f = self.finding
        if f.table == 0:
            return " · ".join(p for p in ("第一部分", self.section) if p)
        parts = [f"表{f.table}" if f.table is not None else ""]
        if f.row is not None:
            parts.append(f"第{f.row}行")
        parts.append(self.place or FIELD_NAMES.get(f.field, f.field))
        return " · ".join(p for p in parts if p)


@dataclass
class Flag:
    """A highlighted cell: its id, the worst severity of the findings on it, their numbers."""

    id: str
    row: int | None = None
    kind: str = ""  # the finding field the cell stands for (value, goal, schedule …)
    findings: list[FindingView] = field(default_factory=list)

    @property
    def severity(self) -> str:
        return min((v.finding.severity for v in self.findings), key=severity_rank)

    @property
    def numbers(self) -> list[int]:
        return [v.number for v in self.findings]

    @property
    def tooltip(self) -> str:
        return "\n".join(f"[{v.number}] {v.severity_name}：{v.finding.message}" for v in self.findings)


@dataclass
class GridRow:
    indicator: Indicator
    level1_span: int  # 0: merged into the cell above
    level2_span: int


@dataclass
class TableView:
    position: int
    table: ProjectTable
    anchor: str
    findings: list[FindingView] = field(default_factory=list)
    flags: dict[str, Flag] = field(default_factory=dict)
    rows: list[GridRow] = field(default_factory=list)

    @property
    def title(self) -> str:
        return table_title(self.table)

    @property
    def severities(self) -> dict[str, int]:
        return severity_counts(v.finding for v in self.findings)

    @property
    def specificity(self) -> SpecificityStats:
        return specificity_stats(self.table.indicators)

    @property
    def schedule_label(self) -> str:
        if self.table.schedule and all(p.percent is None for p in self.table.schedule if p.raw):
            return f"资金支出计划（{self.table.money_unit or '金额'}）"
        return "资金支出计划（%）"

    def flag(self, key: str) -> Flag | None:
        return self.flags.get(key)

    def cell_id(self, key: str) -> str:
        return f"{self.anchor}-{key}"

    def add_flag(self, key: str, view: FindingView, row: int | None = None, field_name: str = "") -> str:
        flag = self.flags.get(key)
        if flag is None:
            flag = self.flags[key] = Flag(self.cell_id(key), row, field_name)
        flag.findings.append(view)
        return flag.id


@dataclass
class Segment:
    text: str
    flag: Flag | None = None


@dataclass
class Part1View:
    sections: list[tuple[str, list[list[Segment]]]] = field(default_factory=list)
    findings: list[FindingView] = field(default_factory=list)
    unplaced: list[FindingView] = field(default_factory=list)  # evidence not found in the prose
    # the indicators Part 1 states in prose (table 0), each with its specificity score
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def specificity(self) -> SpecificityStats:
        return specificity_stats(self.indicators)

    @property
    def severities(self) -> dict[str, int]:
        return severity_counts(v.finding for v in self.findings)

    @property
    def has_text(self) -> bool:
        return any(paragraphs for _, paragraphs in self.sections)


@dataclass
class ReportView:
    submission: Submission
    unit: str
    findings: list[FindingView]
    part1: Part1View
    tables: list[TableView]
    others: list[FindingView]
    warnings: list[str]
    index_href: str

    @property
    def severities(self) -> dict[str, int]:
        return severity_counts(v.finding for v in self.findings)

    @property
    def indicator_rows(self) -> int:
        return sum(len(t.table.indicators) for t in self.tables)

    @property
    def specificity(self) -> SpecificityStats:
        return specificity_stats(all_indicators([self.submission]))

    @property
    def categories(self) -> list[tuple[str, str, int]]:
        return [(code, CATEGORIES.get(code, code), n) for code, n in category_counts(v.finding for v in self.findings)]


def _spans(keys: list[tuple[str, ...]]) -> list[int]:
    """Row spans for cells merged down: equal non-blank keys in consecutive rows share one
    cell (the first row gets the span, the others 0)."""
    spans = [0] * len(keys)
    start = 0
    for index in range(1, len(keys) + 1):
        if index < len(keys) and keys[index] == keys[start] and keys[start][-1]:
            continue
        if keys:
            spans[start] = index - start
        start = index
    return spans


def _grid(indicators: list[Indicator]) -> list[GridRow]:
    """一级/二级 cells merged down over consecutive rows, like the paper form."""
    level1 = _spans([(i.level1,) for i in indicators])
    level2 = _spans([(i.level1, i.level2) for i in indicators])
    return [GridRow(i, a, b) for i, a, b in zip(indicators, level1, level2)]


def _place_in_table(view: TableView, item: FindingView) -> None:
    f = item.finding
    table = view.table
    targets: list[str] = []
    indicator = next((i for i in table.indicators if i.row == f.row), None) if f.row is not None else None
    if indicator is not None:
        cell = ROW_CELLS.get(f.field, "level3")
        targets.append(view.add_flag(f"r{f.row}-{cell}", item, f.row, f.field if f.field in ROW_CELLS else "indicator"))
    evidence = "".join(f.evidence.split())
    header = header_cell(table, evidence) if f.row is None and f.field not in ("goal", "schedule") else None
    if header:
        targets.append(view.add_flag(header, item, None, f.field))
        item.place = HEADER_NAMES[header]
    elif f.field == "goal":
        index = goal_index(table, f)
        key = f"goal-{index + 1}" if index is not None else "goals"
        targets.append(view.add_flag(key, item, None, "goal"))
    elif f.field == "schedule":
        targets.append(view.add_flag("schedule", item, None, "schedule"))
    elif f.field == "budget":
        budget = table.budget
        key = "budget-total"
        if evidence and evidence == "".join(budget.raw_fiscal.split()) and evidence != "".join(budget.raw_total.split()):
            key = "budget-fiscal"
        elif evidence and evidence == "".join(budget.raw_other.split()):
            key = "budget-other"
        targets.append(view.add_flag(key, item, None, "budget"))
    item.target = targets[0] if targets else None


def _segments(text: str, marks: list[tuple[str, Flag]]) -> list[Segment]:
    """Split a paragraph so each quoted evidence is its own (highlighted) segment."""
    spans: list[tuple[int, int, Flag]] = []
    for evidence, flag in marks:
        start = text.find(evidence) if evidence else -1
        if start >= 0 and not any(s < start + len(evidence) and start < e for s, e, _ in spans):
            spans.append((start, start + len(evidence), flag))
    spans.sort(key=lambda s: s[0])
    segments, at = [], 0
    for start, end, flag in spans:
        if start > at:
            segments.append(Segment(text[at:start]))
        segments.append(Segment(text[start:end], flag))
        at = end
    if at < len(text):
        segments.append(Segment(text[at:]))
    return segments


def _part1(submission: Submission, items: list[FindingView]) -> Part1View:
    narrative = submission.part1
    view = Part1View(findings=items, indicators=list(narrative.indicators))
    sections = [("总体绩效目标", narrative.overall), ("分项绩效目标", narrative.sub_goals),
                ("工作保障措施", narrative.measures)]
    if narrative.other and not narrative.all_paragraphs:
        sections.append(("其他", narrative.other))
    flags: dict[tuple[tuple[int, int], str], Flag] = {}
    marks: dict[tuple[int, int], list[tuple[str, Flag]]] = {}
    for item in items:
        evidence = item.finding.evidence
        where = next(((s, p) for s, (_, paragraphs) in enumerate(sections)
                      for p, text in enumerate(paragraphs) if evidence and evidence in text), None)
        if where is None:
            view.unplaced.append(item)
            continue
        key = (where, evidence)
        flag = flags.get(key)
        if flag is None:
            flag = flags[key] = Flag(f"p1-{where[0]}-{where[1]}-{len(flags) + 1}", None, item.finding.field)
            marks.setdefault(where, []).append((evidence, flag))
        flag.findings.append(item)
        item.target = flag.id
        item.section = sections[where[0]][0]
    for s, (title, paragraphs) in enumerate(sections):
        view.sections.append((title, [_segments(text, marks.get((s, p), [])) for p, text in enumerate(paragraphs)]))
    return view


def build_view(submission: Submission, findings: Iterable[Finding], index_href: str = "../index.html") -> ReportView:
    findings = sorted((f for f in findings if f.source == submission.source), key=finding_order)
    tables = [TableView(position, table, f"t{position}", rows=_grid(table.indicators))
              for position, table in enumerate(submission.tables, start=1)]
    by_table: dict[int, TableView] = {id(v.table): v for v in tables}
    part1_findings: list[Finding] = []
    others: list[Finding] = []
    for f in findings:
        if f.table == 0:
            part1_findings.append(f)
            continue
        table = find_table(submission, f)
        if table is None:
            others.append(f)
        else:
            by_table[id(table)].findings.append(FindingView(0, f))
    number = 0
    part1_views = []
    for f in part1_findings:
        number += 1
        part1_views.append(FindingView(number, f))
    for view in tables:
        for item in view.findings:
            number += 1
            item.number = number
            _place_in_table(view, item)
    other_views = []
    for f in others:
        number += 1
        other_views.append(FindingView(number, f))
    part1 = _part1(submission, part1_views)
    all_views = [*part1_views, *(i for v in tables for i in v.findings), *other_views]
    return ReportView(
        submission=submission, unit=unit_display_name(submission), findings=all_views, part1=part1,
        tables=tables, others=other_views, warnings=submission.to_dict()["warnings"], index_href=index_href,
    )


# ---------------------------------------------------------------- rendering


def render_submission_html(submission: Submission, findings: Iterable[Finding], *, index_href: str | None = "../index.html") -> str:
    """One submission's report page."""
    view = build_view(submission, findings, index_href or "")
    return environment().get_template("report.html").render(report=view, show_index=bool(index_href))


@dataclass
class IndexEntry:
    summary: object
    href: str


def render_index_html(
    submissions: Sequence[Submission],
    findings: Iterable[Finding],
    *,
    names: dict[str, str] | None = None,
    failures: Sequence[tuple[str, str]] = (),
    check_errors: Sequence[str] = (),
    other_files: Sequence[tuple[str, str]] = (),
    boilerplate: dict | None = None,
) -> str:
    """The index page: one line per submission linking its report (and, with `boilerplate` —
    findings.json's "boilerplate" — the county's most copied texts and each unit's share). `names` maps source →
    relative report path (default: `report_file_names`); `other_files` are (label, href) of
    the run's other outputs (findings.json, 整改清单.xlsx)."""
    findings = list(findings)
    names = names or report_file_names(submissions)
    items = summaries(submissions, findings)
    entries = [IndexEntry(s, names[s.submission.source]) for s in items]
    all_findings = [f for s in items for f in s.findings]
    categories = []
    for code, count in category_counts(all_findings):
        found = [f for f in all_findings if f.category == code]
        categories.append({
            "code": code, "name": CATEGORIES.get(code, code), "count": count,
            "severities": severity_counts(found), "units": len({f.source for f in found}),
        })
    return environment().get_template("index.html").render(
        entries=entries,
        totals=severity_counts(all_findings),
        total=len(all_findings),
        tables=sum(s.tables for s in items),
        rows=sum(s.rows for s in items),
        specificity=specificity_stats(all_indicators(submissions)),
        categories=categories,
        failures=list(failures),
        check_errors=list(check_errors),
        other_files=list(other_files),
        boilerplate=boilerplate,
        shared_shown=BOILERPLATE_SHOWN,
    )


def render_html_reports(
    submissions: Sequence[Submission],
    findings: Iterable[Finding],
    *,
    failures: Sequence[tuple[str, str]] = (),
    check_errors: Sequence[str] = (),
    other_files: Sequence[tuple[str, str]] = (),
    boilerplate: dict | None = None,
) -> dict[str, str]:
    """Every page of the HTML output: {relative path: html}, "index.html" included."""
    findings = list(findings)
    names = report_file_names(submissions)
    pages = {"index.html": render_index_html(submissions, findings, names=names, failures=failures,
                                             check_errors=check_errors, other_files=other_files,
                                             boilerplate=boilerplate)}
    for submission in submissions:
        depth = names[submission.source].count("/")
        pages[names[submission.source]] = render_submission_html(submission, findings, index_href="../" * depth + "index.html")
    return pages
