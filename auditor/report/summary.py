"""The batch summary (`auditor summary`): units ranked by problems per table and by the
specificity of their indicators, the most common categories, the most copied texts, a bar chart
per unit and a category × unit heat map (inline SVG) — as summary.html and summary.xlsx.

Pure functions of the parsed submissions, the findings and findings.json's "boilerplate".
Specificity is read from `Indicator.specificity` (filled by the model; None until then), never
computed here.
"""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

from markupsafe import Markup
from openpyxl import Workbook
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.utils import get_column_letter

from ..schema import Finding, Submission
from ..taxonomy import CATEGORIES, SEVERITIES, SEVERITY_NAMES
from . import svg
from .common import (
    NO_SCORE,
    SubmissionSummary,
    category_counts,
    report_file_names,
    score,
    severity_counts,
    summaries,
)
from .html import environment
from .xlsx import _header, _print_setup, _row, _widths

SUMMARY_HTML = "summary.html"
SUMMARY_XLSX = "summary.xlsx"
COPIED_SHOWN = 20


@dataclass
class UnitRank:
    """One unit (submission) of the batch with what it is ranked by."""

    summary: SubmissionSummary
    label: str
    href: str
    specificity: float | None = None  # mean Indicator.specificity over the scored rows
    unassessable: float | None = None  # share of scored rows below UNASSESSABLE_BELOW
    scored_rows: int = 0
    copied_share: float | None = None  # boilerplate "units" share of copied cells
    rank: int = 0  # by problems per table (1 = most problems per table)
    specificity_rank: int | None = None  # by mean specificity (1 = least specific)

    @property
    def file_name(self) -> str:
        return PurePath(self.summary.submission.source.replace("\\", "/")).name

    @property
    def problems(self) -> int:
        return len(self.summary.findings)

    @property
    def per_table(self) -> float | None:
        return self.problems / self.summary.tables if self.summary.tables else None

    @property
    def severities(self) -> dict[str, int]:
        return self.summary.severities


def _labels(items: Sequence[SubmissionSummary]) -> list[str]:
    """Unit names; a unit with several submissions in the batch gets its year (or file) added."""
    names = [s.unit for s in items]
    labels = []
    for s in items:
        label = s.unit
        if names.count(s.unit) > 1:
            label += f"（{s.submission.year or s.submission.source}）"
        labels.append(label)
    return labels


def rank_units(units: list[UnitRank]) -> list[UnitRank]:
    """Most problems per table first (then most problems, most 高, name); units without
    tables last. Specificity ranks only the scored units, least specific first."""
    def by_problems(u: UnitRank) -> tuple:
        return (u.per_table is None, -(u.per_table or 0), -u.problems, -u.severities["high"], u.label)

    ordered = sorted(units, key=by_problems)
    for position, unit in enumerate(ordered, start=1):
        unit.rank = position
    scored = sorted((u for u in units if u.specificity is not None),
                    key=lambda u: (u.specificity, -(u.unassessable or 0), u.rank))
    for position, unit in enumerate(scored, start=1):
        unit.specificity_rank = position
    return ordered


@dataclass
class CategoryRow:
    code: str
    name: str
    count: int
    share: float
    units: int
    severities: dict[str, int]


@dataclass
class SummaryView:
    units: list[UnitRank]
    categories: list[CategoryRow]
    copied: list[dict] = field(default_factory=list)
    boilerplate: bool = False
    failures: list[tuple[str, str]] = field(default_factory=list)
    check_errors: list[str] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for u in self.units for f in u.summary.findings]

    @property
    def totals(self) -> dict[str, int]:
        return severity_counts(self.findings)

    @property
    def tables(self) -> int:
        return sum(u.summary.tables for u in self.units)

    @property
    def rows(self) -> int:
        return sum(u.summary.rows for u in self.units)

    @property
    def has_specificity(self) -> bool:
        return any(u.specificity is not None for u in self.units)

    def matrix(self) -> list[list[int]]:
        """counts[unit][category] in the order of `units` and `categories`."""
        codes = [c.code for c in self.categories]
        return [[sum(1 for f in u.summary.findings if f.category == code) for code in codes] for u in self.units]


def build_summary(
    submissions: Sequence[Submission],
    findings: Iterable[Finding],
    *,
    boilerplate: dict | None = None,
    names: dict[str, str] | None = None,
    failures: Sequence[tuple[str, str]] = (),
    check_errors: Sequence[str] = (),
) -> SummaryView:
    """The summary's content. `names` maps source → the unit's report (default: where
    `auditor audit` writes it, `report_file_names`)."""
    names = names or report_file_names(submissions)
    items = summaries(submissions, findings)
    shares = {u["source"]: u["share"] for u in (boilerplate or {}).get("units", [])}
    units = []
    for item, label in zip(items, _labels(items)):
        stats = item.specificity
        units.append(UnitRank(item, label, names[item.submission.source], stats.mean, stats.share, stats.scored,
                              shares.get(item.submission.source)))
    units = rank_units(units)
    everything = [f for u in units for f in u.summary.findings]
    categories = []
    for code, count in category_counts(everything):
        found = [f for f in everything if f.category == code]
        categories.append(CategoryRow(code, CATEGORIES.get(code, code), count, count / len(everything),
                                      len({f.source for f in found}), severity_counts(found)))
    copied = []
    for item in (boilerplate or {}).get("shared_texts", [])[:COPIED_SHOWN]:
        unit_names = list(dict.fromkeys(p.get("unit_name") or p.get("source", "") for p in item.get("places", [])))
        copied.append({**item, "unit_names": unit_names})
    return SummaryView(units, categories, copied, boilerplate is not None, list(failures), list(check_errors))


# ---------------------------------------------------------------- charts


def unit_bar_chart(view: SummaryView) -> Markup:
    """Problems per table of each unit, stacked by severity, in ranking order."""
    bars = []
    for u in view.units:
        tables = u.summary.tables or 1
        note = (f"{u.per_table:.1f} 条/表" if u.per_table is not None else "无项目表") + f"（共 {u.problems} 条）"
        bars.append(svg.Bar(u.label, {s: u.severities[s] / tables for s in SEVERITIES}, note, u.href,
                            tooltip=f"{u.label}：每表问题数"))
    return svg.bar_chart(bars, colours=svg.SEVERITY_COLOURS, names={s: f"{n}（每表）" for s, n in SEVERITY_NAMES.items()},
                         label="各单位每张项目表的问题数（按严重程度）")


def category_heat_map(view: SummaryView) -> Markup:
    return svg.heat_map([(u.label, u.href) for u in view.units], [(c.code, c.name) for c in view.categories],
                        view.matrix(), label="问题类别 × 单位热力图")


# ---------------------------------------------------------------- outputs


def render_summary_html(view: SummaryView, *, other_files: Sequence[tuple[str, str]] = ()) -> str:
    return environment().get_template("summary.html").render(
        view=view, bar_chart=unit_bar_chart(view), heat_map=category_heat_map(view), other_files=list(other_files),
    )


RANK_HEADER = ("排名", "单位", "年度", "文件", "表数", "指标行数", "问题合计", "高", "中", "低", "每表问题数",
               "明确度均值", "难以考核占比", "明确度排名", "复制占比", "主要问题类别", "逐份报告")
RANK_WIDTHS = (6, 30, 7, 34, 7, 9, 9, 6, 6, 6, 11, 11, 13, 11, 10, 40, 30)
CATEGORY_HEADER = ("问题类别", "代码", "合计", "占比", "高", "中", "低", "涉及单位数")
CATEGORY_WIDTHS = (32, 20, 8, 8, 6, 6, 6, 11)
COPIED_HEADER = ("被复制最多的文字", "使用单位数", "使用项目数", "出现次数", "通用表述", "涉及单位")
COPIED_WIDTHS = (60, 11, 11, 9, 9, 50)


def render_summary_xlsx(view: SummaryView) -> bytes:
    """单位排名, 问题类别, 类别×单位 (a colour scale like the heat map) and 复制最多的文字."""
    workbook = Workbook()
    ranking = workbook.active
    ranking.title = "单位排名"
    _table(ranking, RANK_HEADER, RANK_WIDTHS, [
        (u.rank, u.label, u.summary.submission.year or "", u.summary.submission.source, u.summary.tables,
         u.summary.rows, u.problems, *(u.severities[s] for s in SEVERITIES),
         round(u.per_table, 2) if u.per_table is not None else NO_SCORE,
         round(u.specificity, 3) if u.specificity is not None else NO_SCORE, score(u.unassessable, percent=True),
         u.specificity_rank or NO_SCORE, score(u.copied_share, percent=True), u.summary.top_categories(), u.href)
        for u in view.units])
    for row, unit in enumerate(view.units, start=2):
        ranking.cell(row=row, column=len(RANK_HEADER)).hyperlink = unit.href
    categories = workbook.create_sheet("问题类别")
    _table(categories, CATEGORY_HEADER, CATEGORY_WIDTHS, [
        (c.name, c.code, c.count, f"{c.share * 100:.0f}%", *(c.severities[s] for s in SEVERITIES), c.units)
        for c in view.categories])
    heat = workbook.create_sheet("类别×单位")
    header = ("单位", *(c.name for c in view.categories))
    _table(heat, header, (30, *(12 for _ in view.categories)),
           [(u.label, *counts) for u, counts in zip(view.units, view.matrix())])
    if view.units and view.categories:
        corner = f"B2:{get_column_letter(len(header))}{len(view.units) + 1}"
        heat.conditional_formatting.add(corner, ColorScaleRule(start_type="num", start_value=0, start_color="F4F5F7",
                                                               end_type="max", end_color="E8776D"))
    copied = workbook.create_sheet("复制最多的文字")
    _table(copied, COPIED_HEADER, COPIED_WIDTHS, [
        (t["text"], t["units"], t["projects"], t["places_total"], "是" if t.get("common_formula") else "",
         "；".join(t["unit_names"])) for t in view.copied])
    workbook.properties.creator = "jixiao-auditor"
    workbook.properties.title = "全县汇总"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _table(sheet, header: Sequence[str], widths: Sequence[int], rows: Iterable[Sequence]) -> None:
    """A header row, the rows, frozen header, filter, A4 landscape."""
    _header(sheet, 1, header)
    _widths(sheet, widths)
    last = 1
    for last, values in enumerate(rows, start=2):
        _row(sheet, last, values, header)
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{last}"
    _print_setup(sheet, "1:1")


def render_summary(
    submissions: Sequence[Submission],
    findings: Iterable[Finding],
    *,
    boilerplate: dict | None = None,
    failures: Sequence[tuple[str, str]] = (),
    check_errors: Sequence[str] = (),
    other_files: Sequence[tuple[str, str]] = (),
) -> dict[str, bytes]:
    """{"summary.html": …, "summary.xlsx": …}; links point at the per-unit reports under
    reports/ (as `auditor audit` names them)."""
    view = build_summary(submissions, findings, boilerplate=boilerplate, failures=failures, check_errors=check_errors)
    page = render_summary_html(view, other_files=[*other_files, ("汇总表 summary.xlsx", SUMMARY_XLSX)])
    return {SUMMARY_HTML: page.encode("utf-8"), SUMMARY_XLSX: render_summary_xlsx(view)}
