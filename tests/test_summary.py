"""`auditor summary`: ranking, specificity, heat map, copied texts, summary.xlsx, and the CLI."""
from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from auditor import api
from auditor.cases import submission_from_case
from auditor.cli import app
from auditor.ingest import ReadResult
from auditor.report import summary as summary_report
from auditor.report.common import report_file_names
from auditor.schema import Finding, Submission

from .conftest import CORPUS, seed_path

runner = CliRunner()
ROW = ["产出指标", "数量指标", "发放人数", "享受补助的人数", "≥3人", "花名册"]


def unit(source: str, name: str, tables: int, scores: list[float | None] | None = None) -> Submission:
    """A submission of `tables` tables of two rows each; `scores` fill Indicator.specificity in order."""
    spec = {"unit_name": name, "year": 2023,
            "tables": [{"project": f"{name}项目{n}", "budget": 10000, "indicators": [ROW, ROW]} for n in range(1, tables + 1)]}
    submission = submission_from_case({"submission": spec}, source=source)
    rows = [i for t in submission.tables for i in t.indicators]
    for indicator, score in zip(rows, scores or []):
        indicator.specificity = score
    return submission


def finding(source: str, category: str, severity: str = "medium", table: int = 1, row: int | None = 1) -> Finding:
    return Finding(source=source, table=table, project="", row=row, field="value", category=category,
                   rule=f"{category}.x", severity=severity, evidence="≥3人", message="问题", suggestion="建议")


@pytest.fixture
def batch():
    """A: 2 tables 6 problems (3/表); B: 1 table 4 problems (4/表); C: 3 tables 3 problems (1/表)."""
    a, b, c = unit("a.txt", "甲镇", 2), unit("b.txt", "乙镇", 1), unit("c.txt", "丙镇", 3)
    findings = ([finding("a.txt", "VALUE_VAGUE")] * 4 + [finding("a.txt", "DESC_ECHO", "high")] * 2
                + [finding("b.txt", "VALUE_VAGUE", "low")] * 4 + [finding("c.txt", "GOAL_DUP")] * 3)
    return [a, b, c], findings


def test_units_ranked_by_problems_per_table(batch):
    submissions, findings = batch
    view = summary_report.build_summary(submissions, findings)
    assert [u.label for u in view.units] == ["乙镇", "甲镇", "丙镇"]
    assert [u.rank for u in view.units] == [1, 2, 3]
    assert [u.per_table for u in view.units] == [4.0, 3.0, 1.0]
    assert [u.problems for u in view.units] == [4, 6, 3]


def test_unit_without_tables_is_ranked_last():
    empty = unit("d.txt", "丁镇", 0)
    view = summary_report.build_summary([empty, unit("e.txt", "戊镇", 1)], [finding("e.txt", "GOAL_DUP")])
    assert [u.label for u in view.units] == ["戊镇", "丁镇"]
    assert view.units[1].per_table is None


def test_specificity_absent_shows_dash_and_ranks_by_problems_only(batch):
    submissions, findings = batch
    view = summary_report.build_summary(submissions, findings)
    assert not view.has_specificity
    assert all(u.specificity is None and u.unassessable is None and u.specificity_rank is None for u in view.units)
    page = summary_report.render_summary_html(view)
    ranking = page[page.index('id="ranking"'):page.index('id="bar-chart"')]
    header = re.findall(r"<th>(.*?)</th>", ranking)
    first_row = [re.sub(r"<[^>]+>", "", cell) for cell in
                 re.findall(r"<td[^>]*>(.*?)</td>", ranking[ranking.index("<tbody>"):], re.S)[:len(header)]]
    assert [first_row[header.index(h)] for h in ("明确度均值", "难以考核占比", "明确度排名")] == ["—"] * 3
    assert "指标明确度评分尚未提供" in page
    sheet = load_workbook(io.BytesIO(summary_report.render_summary_xlsx(view)))["单位排名"]
    header = [c.value for c in sheet[1]]
    assert [sheet.cell(row=2, column=header.index(h) + 1).value for h in ("明确度均值", "难以考核占比", "明确度排名")] == ["—"] * 3


def test_specificity_mean_and_unassessable_share_come_from_the_indicators():
    a = unit("a.txt", "甲镇", 2, [0.2, 0.6, 0.9, None])  # the unscored row is left out
    b = unit("b.txt", "乙镇", 1, [0.8, 0.9])
    c = unit("c.txt", "丙镇", 1)  # not scored at all
    view = summary_report.build_summary([a, b, c], [finding("a.txt", "GOAL_DUP")])
    by_name = {u.label: u for u in view.units}
    assert by_name["甲镇"].specificity == pytest.approx((0.2 + 0.6 + 0.9) / 3)
    assert by_name["甲镇"].unassessable == pytest.approx(1 / 3)
    assert by_name["甲镇"].scored_rows == 3
    assert by_name["乙镇"].unassessable == 0
    # least specific first; the unscored unit gets no specificity rank
    assert (by_name["甲镇"].specificity_rank, by_name["乙镇"].specificity_rank, by_name["丙镇"].specificity_rank) == (1, 2, None)
    page = summary_report.render_summary_html(view)
    assert "0.57" in page and "33%" in page and "评分尚未提供" not in page


def test_unassessable_is_counted_as_in_every_other_report():
    """Below 0.4 is 难以考核 in the summary exactly as in the per-unit report, index and 整改清单
    (the summary once used its own 0.5)."""
    from auditor.report.html import render_submission_html

    a = unit("a.txt", "甲镇", 2, [0.45, 0.4, 0.399, 0.1])
    view = summary_report.build_summary([a], [])
    assert view.units[0].unassessable == pytest.approx(2 / 4)  # 0.45 and 0.4 are 部分明确, not 难以考核
    page = summary_report.render_summary_html(view)
    assert "低于 0.4 计为“难以考核”" in page and "50%" in page
    report = re.sub(r"<[^>]+>", "", render_submission_html(a, []))
    assert "难以考核 2/4 行（50%）" in report


def test_heat_map_has_one_cell_per_category_and_unit(batch):
    submissions, findings = batch
    view = summary_report.build_summary(submissions, findings)
    svg = str(summary_report.category_heat_map(view))
    cells = re.findall(r'<rect class="cell" data-row="(\d+)" data-column="(\w+)" data-count="(\d+)"', svg)
    assert len(cells) == len(view.categories) * len(view.units) == 3 * 3
    counts = {(view.units[int(row)].label, column): int(count) for row, column, count in cells}
    assert counts[("甲镇", "VALUE_VAGUE")] == 4 and counts[("甲镇", "DESC_ECHO")] == 2
    assert counts[("丙镇", "VALUE_VAGUE")] == 0 and counts[("丙镇", "GOAL_DUP")] == 3
    assert "WenQuanYi Micro Hei" in svg and "Noto Sans CJK SC" in svg


def test_bar_chart_has_a_linked_bar_per_unit(batch):
    submissions, findings = batch
    view = summary_report.build_summary(submissions, findings)
    svg = str(summary_report.unit_bar_chart(view))
    assert svg.count('<g class="bar">') == 3
    names = report_file_names(submissions)
    assert re.findall(r'<a href="([^"]+)">', svg) == [names["b.txt"], names["a.txt"], names["c.txt"]]
    assert "4.0 条/表" in svg


def test_most_common_categories_and_copied_texts(batch):
    submissions, findings = batch
    boilerplate = {"shared_texts": [{"text": "群众满意数量占总数的比例", "units": 2, "projects": 5, "places_total": 6,
                                     "common_formula": False,
                                     "places": [{"unit_name": "甲镇", "source": "a.txt"}, {"unit_name": "乙镇", "source": "b.txt"}]}],
                   "units": [{"source": "a.txt", "share": 0.25}]}
    view = summary_report.build_summary(submissions, findings, boilerplate=boilerplate)
    assert [(c.code, c.count, c.units) for c in view.categories] == [("VALUE_VAGUE", 8, 2), ("GOAL_DUP", 3, 1), ("DESC_ECHO", 2, 1)]
    page = summary_report.render_summary_html(view)
    copied = page[page.index('id="copied"'):]
    assert "群众满意数量占总数的比例" in copied and "甲镇；乙镇" in copied
    assert "25%" in page  # 甲镇's share of copied cells
    without = summary_report.render_summary_html(summary_report.build_summary(submissions, findings))
    assert "没有复制粘贴统计" in without


def test_document_text_is_escaped_in_the_page_and_the_charts():
    hostile = unit("x.txt", "<script>alert(1)</script>镇", 1)
    page = summary_report.render_summary_html(summary_report.build_summary([hostile], [finding("x.txt", "GOAL_DUP")]))
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_summary_xlsx_sheets_and_headers(batch):
    submissions, findings = batch
    workbook = load_workbook(io.BytesIO(summary_report.render_summary_xlsx(summary_report.build_summary(submissions, findings))))
    assert workbook.sheetnames == ["单位排名", "问题类别", "类别×单位", "复制最多的文字"]
    ranking = workbook["单位排名"]
    assert tuple(c.value for c in ranking[1]) == summary_report.RANK_HEADER
    assert [ranking.cell(row=r, column=2).value for r in (2, 3, 4)] == ["乙镇", "甲镇", "丙镇"]
    assert ranking.cell(row=2, column=len(summary_report.RANK_HEADER)).hyperlink.target.startswith("reports/")
    assert tuple(c.value for c in workbook["问题类别"][1]) == summary_report.CATEGORY_HEADER
    heat = workbook["类别×单位"]
    assert [c.value for c in heat[1]][1:] == ["指标值无法考核", "绩效目标重复", "指标描述照抄指标名称"]
    assert [c.value for c in heat[3]] == ["甲镇", 4, 0, 2]
    assert tuple(c.value for c in workbook["复制最多的文字"][1]) == summary_report.COPIED_HEADER


def test_summary_links_the_other_outputs_present(batch):
    submissions, findings = batch
    run = api.AuditRun(api.BatchResult([ReadResult(s.source, s) for s in submissions]), findings)
    files = api.render_summary_outputs(run, present=["findings.json"])
    assert {"summary.html", "summary.xlsx", "index.html"} <= set(files)
    assert set(report_file_names(submissions).values()) <= set(files)
    for page in ("summary.html", "index.html"):
        assert 'href="findings.json"' in files[page].decode() and 'href="整改清单.xlsx"' not in files[page].decode()
    assert 'href="summary.html"' in files["index.html"].decode()


# ---------------------------------------------------------------- CLI


@pytest.fixture
def recorded_writes(monkeypatch):
    """Every path written through io_utils.write_atomic (the CLI must write nothing else)."""
    written: list[Path] = []
    original = api.write_atomic

    def spy(path, data):
        written.append(Path(path))
        original(path, data)

    monkeypatch.setattr(api, "write_atomic", spy)
    return written


def test_summary_cli_on_the_corpus(tmp_path, recorded_writes):
    result = runner.invoke(app, ["summary", str(CORPUS), "--out", str(tmp_path), "--quiet"])
    assert result.exit_code == 0, result.output
    produced = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    assert {"summary.html", "summary.xlsx", "index.html"} <= produced
    assert len([p for p in produced if p.startswith("reports/")]) == 5
    assert produced == {p.relative_to(tmp_path).as_posix() for p in recorded_writes}  # all atomic, no temp files left
    page = (tmp_path / "summary.html").read_text(encoding="utf-8")
    links = re.findall(r'href="(reports/[^"#]+)"', page)
    assert len(set(links)) == 5 and all((tmp_path / link).is_file() for link in links)
    assert page.count('<rect class="cell"') == 5 * len(re.findall(r'<tr>\s*<td>[^<]+</td><td><code>', page))
    assert load_workbook(tmp_path / "summary.xlsx").sheetnames[0] == "单位排名"


def run_with_a_bad_file(tmp_path: Path, command: str, seed: str, bad: str, content: bytes):
    """`auditor COMMAND` on a folder holding one real seed and one unreadable file."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(seed_path(seed), inputs / f"{seed}.txt")
    (inputs / bad).write_bytes(content)
    out = tmp_path / "out"
    return runner.invoke(app, [command, str(inputs), "--out", str(out), "--quiet"]), out


def test_summary_cli_bad_file_is_named_and_the_rest_goes_on(tmp_path):
    result, out = run_with_a_bad_file(tmp_path, "summary", "002", "损坏.docx", b"PK\x03\x04 broken")
    assert result.exit_code == 1
    assert "损坏.docx" in result.output
    page = (out / "summary.html").read_text(encoding="utf-8")
    assert "顺平县腰山镇人民政府" in page and "损坏.docx" in page and "未能读取" in page
    assert (out / "reports" / "002.html").is_file()
