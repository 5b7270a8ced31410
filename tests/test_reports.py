"""The outputs of `auditor audit`: 整改清单.xlsx, the HTML reports, --format, --fail-on, and the
`auditor rules` / `auditor explain` commands."""
from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

from auditor.cases import submission_from_case
from auditor.cli import app
from auditor.config import Config
from auditor.engine import Engine
from auditor.report.common import report_file_names, score, table_title
from auditor.report.html import render_index_html, render_submission_html
from auditor.report.xlsx import render_xlsx, sheet_names
from auditor.rules import load_rules
from auditor.schema import Finding
from auditor.taxonomy import CATEGORIES, SEVERITIES, SEVERITY_NAMES

from .conftest import CORPUS, REPO, seed_path

runner = CliRunner()

# the ten columns units already work with, in their order; 指标明确度 is appended after them
HEADER = ["单位", "表号", "项目", "行", "指标", "问题类别", "严重程度", "原文", "问题说明", "整改建议", "指标明确度"]
ROW_CELLS = {"value": "value", "description": "description", "basis": "basis", "indicator": "level3"}


@pytest.fixture(scope="module")
def audited(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("audit")
    result = runner.invoke(app, ["audit", str(CORPUS), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    document = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    return out, document


# ---------------------------------------------------------------- xlsx


def _text(value) -> str:
    return "" if value is None else str(value)


def test_xlsx_has_overview_and_one_sheet_per_unit(audited):
    out, document = audited
    workbook = openpyxl.load_workbook(out / "整改清单.xlsx")
    assert workbook.sheetnames[0] == "总览"
    units = [s["unit_name"] for s in document["submissions"]]
    assert workbook.sheetnames[1:] == sheet_names(units)
    assert len(workbook.sheetnames) == 1 + len(document["submissions"])
    for name in workbook.sheetnames:
        assert len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name)
    assert len({n.casefold() for n in workbook.sheetnames}) == len(workbook.sheetnames)
    overview = workbook["总览"]
    values = [_text(c) for row in overview.iter_rows(values_only=True) for c in row]
    for unit in units:
        assert unit in values
    for submission in document["submissions"]:
        assert submission["source"] in values


def test_xlsx_unit_sheets_header_filter_freeze_print(audited):
    out, _ = audited
    workbook = openpyxl.load_workbook(out / "整改清单.xlsx")
    for sheet in workbook.worksheets[1:]:
        assert [c.value for c in sheet[1]] == HEADER
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:K")
        assert sheet.page_setup.orientation == "landscape"
        assert str(sheet.page_setup.paperSize) == "9"  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert int(sheet.page_setup.fitToWidth) == 1 and int(sheet.page_setup.fitToHeight) == 0
        assert sheet.print_title_rows == "$1:$1"
        assert all(sheet.column_dimensions[col].width >= 5 for col in "ABCDEFGHIJK")
        for row in sheet.iter_rows(min_row=2):
            assert row[8].alignment.wrap_text


def test_every_finding_is_a_row_of_its_unit_sheet(audited):
    out, document = audited
    workbook = openpyxl.load_workbook(out / "整改清单.xlsx")
    sheets = dict(zip((s["source"] for s in document["submissions"]), workbook.worksheets[1:]))
    rows = {source: [tuple(_text(c) for c in r) for r in sheet.iter_rows(min_row=2, values_only=True)]
            for source, sheet in sheets.items()}
    for finding in document["findings"]:
        table = "第一部分" if finding["table"] == 0 else _text(finding["table"])
        key = (table, _text(finding["row"]), finding["evidence"])
        found = [r for r in rows[finding["source"]] if (r[1], r[3], r[7]) == key]
        assert found, f"finding not in the sheet: {key}"
        details = (f"{CATEGORIES[finding['category']]}（{finding['category']}）", SEVERITY_NAMES[finding["severity"]],
                   finding["message"], finding["suggestion"])
        assert any((r[5], r[6], r[8], r[9]) == details for r in found), (key, details)
    for source, sheet_rows in rows.items():
        expected = [f for f in document["findings"] if f["source"] == source]
        assert len([r for r in sheet_rows if r[5]]) == len(expected)


def test_xlsx_specificity_column_holds_the_rows_score(audited):
    out, document = audited
    workbook = openpyxl.load_workbook(out / "整改清单.xlsx")
    scores = {(s["source"], t["table"], i["row"]): i["specificity"]
              for s in document["submissions"] for t in s["tables"] for i in t["indicators"]}
    assert any(v is not None for v in scores.values())  # the bundled model scored the corpus
    sheets = dict(zip((s["source"] for s in document["submissions"]), workbook.worksheets[1:]))
    checked = 0
    for source, sheet in sheets.items():
        for row in sheet.iter_rows(min_row=2):
            table, number, value = row[1].value, row[3].value, row[10].value
            if number is None:
                assert value is None  # a finding on no particular row has no row score
                continue
            assert value == pytest.approx(scores[(source, table, number)], abs=0.01)
            assert row[10].number_format == "0.00"
            checked += 1
    assert checked > 100


def test_xlsx_rows_sorted_by_table_row_severity(audited):
    out, _ = audited
    workbook = openpyxl.load_workbook(out / "整改清单.xlsx")
    for sheet in workbook.worksheets[1:]:
        keys = []
        for row in sheet.iter_rows(min_row=2, values_only=True):
            if not row[6]:
                continue
            table = 0 if row[1] == "第一部分" else int(row[1])
            keys.append((table, row[3] or 0, [SEVERITY_NAMES[s] for s in SEVERITIES].index(row[6])))
        assert keys == sorted(keys)


def test_xlsx_indicator_column_names_the_row(audited):
    out, document = audited
    workbook = openpyxl.load_workbook(out / "整改清单.xlsx")
    level3 = {(s["source"], t["table"], i["row"]): i["level3"]
              for s in document["submissions"] for t in s["tables"] for i in t["indicators"]}
    sheets = dict(zip((s["source"] for s in document["submissions"]), workbook.worksheets[1:]))
    for source, sheet in sheets.items():
        for row in sheet.iter_rows(min_row=2, values_only=True):
            if row[3] is None:
                assert not row[4]  # table-level findings have no 指标
            else:
                assert _text(row[4]) == level3.get((source, row[1], row[3]), "")


def test_sheet_names_are_valid_and_unique():
    names = sheet_names(["a" * 40, "a" * 40, "总览", "x[1]:y*?/\\", "History", "", "'引号'", "B" * 31, "b" * 31])
    assert len(set(n.casefold() for n in names)) == len(names)
    for name in names:
        assert 0 < len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name)
        assert name.casefold() not in ("总览", "history") and not name.startswith("'")


# ---------------------------------------------------------------- html


class _Page(HTMLParser):
    """Text, ids, and flagged cells of a page (and the parser raises nothing on a valid page)."""

    VOID = {"meta", "br", "col", "img", "hr", "input", "link"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.elements: dict[str, dict[str, str]] = {}
        self.flags: list[dict[str, str]] = []
        self.links: list[str] = []
        self.stack: list[str] = []
        self.unbalanced: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        self.tags.add(tag)
        if tag not in self.VOID:
            self.stack.append(tag)
        if "id" in attributes:
            self.elements[attributes["id"]] = attributes
        if "flag" in attributes.get("class", "").split():
            self.flags.append(attributes)
        if tag == "a" and "href" in attributes:
            self.links.append(attributes["href"])

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()
        else:
            self.unbalanced.append(tag)

    def handle_data(self, data):
        self.text.append(data)

    @property
    def all_text(self) -> str:
        return "".join(self.text)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    assert page.unbalanced == [] and page.stack == [], (path, page.unbalanced, page.stack)
    return page


def test_html_report_per_submission(audited):
    out, document = audited
    from auditor.api import read_batch

    batch = read_batch([CORPUS])
    names = report_file_names(batch.submissions)
    for submission in batch.submissions:
        path = out / names[submission.source]
        assert path.is_file()
        page = _parse(path)
        text = page.all_text
        assert "script" not in page.tags and "link" not in page.tags  # self-contained
        assert submission.unit_name in text
        for table in submission.tables:
            assert table_title(table) in text
        findings = [f for f in document["findings"] if f["source"] == submission.source]
        for finding in findings:
            assert finding["message"] in text
            assert finding["suggestion"] in text
        positions = {}
        for position, table in enumerate(submission.tables, start=1):
            positions.setdefault(table.number, position)
        for finding in findings:
            if finding["row"] is None or not finding["table"]:
                continue
            cell = ROW_CELLS.get(finding["field"], "level3")
            cell_id = f"t{positions[finding['table']]}-r{finding['row']}-{cell}"
            assert cell_id in page.elements, f"no highlighted cell for {finding}"
            attributes = page.elements[cell_id]
            assert "flag" in attributes["class"].split() and attributes["data-row"] == str(finding["row"])
            assert f"sev-{finding['severity']}" in attributes["class"] or len(findings) > 1


def test_html_index_links_every_report(audited):
    out, document = audited
    page = _parse(out / "index.html")
    reports = sorted((out / "reports").glob("*.html"))
    assert len(reports) == len(document["submissions"])
    for report in reports:
        assert f"reports/{report.name}" in page.links
    for submission in document["submissions"]:
        assert submission["unit_name"] in page.all_text
    assert "findings.json" in page.links and "整改清单.xlsx" in page.links
    assert str(len(document["findings"])) in page.all_text


CASE = {
    "submission": {
        "year": 2023,
        "part1": {"overall": ["提高农产品产量和产量，优化农业产业结构。"]},
        "tables": [{
            "number": 3,
            "project": "环保<工作>经费",
            "money_unit": "万元",
            "budget": 6.0,
            "fund_use": "用于环境整治",
            "schedule": [["3月底", "100%"], ["6月底", "50%"]],
            "goals": ["创建全国文明县城", "完成年度绩效目标"],
            "indicators": [
                ["产出指标", "数量指标", "整治村数", "整治村数", "≤49个", "计划标准"],
                ["", "时效指标", "完成时间", "完成时间", "12万元", "群众满意"],
                ["满意度指标", "服务对象满意度指标", "满意度", "满意度", "有所提高", "问卷调查"],
            ],
        }],
    },
}


def _finding(table, row, field, evidence, severity="high", category="VALUE_VAGUE"):
    return Finding("case", table, "环保<工作>经费" if table else "", row, field, category, f"{category}.test",
                   severity, evidence, f"<script>alert('{field}')</script>问题：{evidence}", "整改 & 建议", 1.0)


def test_html_highlights_every_kind_of_place_and_escapes_text():
    submission = submission_from_case(CASE)
    findings = [
        _finding(0, None, "narrative", "产量和产量", "low", "DUP_WORD"),
        _finding(3, None, "goal", "完成年度绩效目标", "medium", "GOAL_PLACEHOLDER"),
        _finding(3, None, "schedule", "100%", "high", "SCHEDULE_ERROR"),
        _finding(3, None, "budget", "6.0", "high", "COST_MISMATCH"),
        _finding(3, 1, "value", "≤49个", "high", "VALUE_DIRECTION"),
        _finding(3, 2, "basis", "群众满意", "medium", "BASIS_ECHO"),
        _finding(3, 2, "value", "12万元", "high", "VALUE_KIND"),
        _finding(3, 3, "description", "满意度", "medium", "DESC_ECHO"),
        _finding(3, 3, "indicator", "满意度", "low", "LEVEL_MISMATCH"),
        _finding(3, None, "indicator", "", "high", "MISSING_CATEGORY"),
        _finding(9, 1, "value", "x", "low", "VALUE_VAGUE"),  # a table the parse does not have
    ]
    html = render_submission_html(submission, findings)
    assert "<script>" not in html and "环保&lt;工作&gt;经费" in html
    page = _Page()
    page.feed(html)
    assert page.unbalanced == [] and page.stack == []
    flagged = {a["id"]: a for a in page.flags if "id" in a}
    assert page.elements["t1-schedule"]["data-field"] == "schedule"  # the row of amounts …
    assert len([a for a in page.flags if "id" not in a]) == 2  # … with both its cells highlighted
    assert {"t1-goal-2", "t1-budget-total", "t1-r1-value", "t1-r2-basis", "t1-r2-value",
            "t1-r3-description", "t1-r3-level3"} <= set(flagged)
    assert "t1-goal-1" not in flagged
    assert any(a["id"].startswith("p1-") for a in page.flags)  # the Part 1 quote is marked
    assert "sev-high" in flagged["t1-r2-value"]["class"]
    assert flagged["t1-r3-level3"]["data-row"] == "3"
    text = page.all_text
    for finding in findings:
        assert finding.message in text
    assert "3.环保<工作>经费" in text
    assert "其他问题" in text  # the finding on table 9
    # 一级 cells merged down over the rows of their category (row 2 inherits 产出指标)
    assert re.search(r'<td class="label" rowspan="2">产出指标</td>', html)


def test_html_file_names_are_safe_and_unique():
    from auditor.schema import Submission

    submissions = [Submission("a/报告.txt"), Submission("b/报告.txt"), Submission('c/x:y*"z?.docx'), Submission("d/..txt")]
    names = list(report_file_names(submissions).values())
    assert len(set(n.casefold() for n in names)) == len(names)
    assert names[0] == "reports/报告.html" and names[1] == "reports/报告-2.html"
    for name in names:
        assert re.fullmatch(r'reports/[^\\/:*?"<>|]+\.html', name)


# ---------------------------------------------------------------- indicator specificity in the reports

SCORED = {
    "submission": {
        "unit_name": "甲镇人民政府",
        "tables": [
            {"number": 1, "project": "甲项目", "indicators": [
                ["产出指标", "数量指标", f"指标{n}", f"描述{n}", "≥1个", "计划标准"] for n in range(1, 6)]},
            {"number": 2, "project": "乙项目", "indicators": [
                ["产出指标", "数量指标", "指标6", "描述6", "≥1个", "计划标准"],
                ["产出指标", "质量指标", "指标7", "描述7", "100%", "计划标准"]]},
        ],
    },
}
# table 1: 0.2 and 0.399 are 难以考核 (below 0.4); 0.4 is 部分明确, 0.7 明确; table 2 is not scored
TABLE1_SCORES = [0.2, 0.399, 0.4, 0.7, 0.95]


def _scored(scores: list[float | None], source: str = "case"):
    submission = submission_from_case(SCORED, source=source)
    for indicator, value in zip([i for t in submission.tables for i in t.indicators], scores):
        indicator.specificity = value
    return submission


def _plain(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


def _spec_cells(html: str, anchor: str) -> list[tuple[str, str, str]]:
    """(data-specificity, band class, shown text) of each row of one drawn table."""
    section = html[html.index(f'id="{anchor}"'):]
    section = section[:section.index("</section>")]
    return re.findall(r'<td class="spec-cell" data-specificity="([^"]*)"><span class="spec spec-(\w+)"[^>]*>([^<]*)</span>',
                      section)


def test_report_shows_each_rows_score_coloured_by_band():
    html = render_submission_html(_scored([*TABLE1_SCORES, None, None]), [])
    assert _spec_cells(html, "t1") == [("0.2", "low", "0.20"), ("0.399", "low", "0.39"), ("0.4", "mid", "0.40"),
                                       ("0.7", "high", "0.70"), ("0.95", "high", "0.95")]
    assert _spec_cells(html, "t2") == [("", "none", "—"), ("", "none", "—")]
    assert re.search(r"<th[^>]*>明确度</th>", html)  # the column is headed in every drawn table


def test_report_table_and_unit_means_and_unassessable_counts():
    html = render_submission_html(_scored([*TABLE1_SCORES, None, None]), [])
    text = _plain(html)
    mean = sum(TABLE1_SCORES) / 5  # 0.5298
    assert f"本表指标明确度均值 {mean:.2f}，难以考核 2/5 行" in text  # 0.399 counts, 0.4 does not
    assert "本表指标明确度均值 —" in text  # table 2: nothing scored
    assert f"本单位指标明确度均值 {mean:.2f}，难以考核 2/5 行（40%）（另有 2 行未评分）" in text
    # scoring table 2 changes the unit figures, not table 1's
    html = render_submission_html(_scored([*TABLE1_SCORES, 0.1, 0.9]), [])
    text = _plain(html)
    assert f"本表指标明确度均值 {mean:.2f}，难以考核 2/5 行" in text
    assert "本表指标明确度均值 0.50，难以考核 1/2 行" in text
    assert f"本单位指标明确度均值 {(sum(TABLE1_SCORES) + 1.0) / 7:.2f}，难以考核 3/7 行（43%）" in text


def test_report_without_a_model_shows_dashes():
    html = render_submission_html(_scored([]), [])
    text = _plain(html)
    assert set(_spec_cells(html, "t1") + _spec_cells(html, "t2")) == {("", "none", "—")}
    assert "本单位指标明确度均值 —" in text and "本表指标明确度均值 —" in text
    assert "难以考核 0/" not in text and "nan" not in text.lower()


class _Grid(HTMLParser):
    """The width of every row of the drawn form (table.form, not its inner schedule table),
    counting cells that rows above span down into."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # nesting of <table> inside the form
        self.widths: list[int] = []
        self.carried: list[int] = []  # rows still covered by a rowspan, one entry per column
        self.row: list[tuple[int, int]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table":
            self.depth += 1 if self.depth or "form" in (attributes.get("class") or "").split() else 0
        elif self.depth == 1 and tag == "tr":
            self.row = []
        elif self.depth == 1 and tag in ("td", "th"):
            self.row.append((int(attributes.get("colspan") or 1), int(attributes.get("rowspan") or 1)))

    def handle_endtag(self, tag):
        if tag == "table" and self.depth:
            self.depth -= 1
        elif self.depth == 1 and tag == "tr":
            carried = [n for n in self.carried if n > 0]
            self.widths.append(len(carried) + sum(c for c, _ in self.row))
            self.carried = [n - 1 for n in carried if n > 1] + [r - 1 for c, r in self.row for _ in range(c) if r > 1]


def test_drawn_form_keeps_every_row_the_same_width():
    submission = submission_from_case(CASE)
    submission.tables[0].indicators[0].specificity = 0.3
    grid = _Grid()
    grid.feed(render_submission_html(submission, []))
    assert grid.widths and set(grid.widths) == {8}, grid.widths  # 7 columns of the form + 明确度


def test_index_shows_each_units_mean_and_unassessable_share():
    scored, unscored = _scored([*TABLE1_SCORES, 0.1, 0.9], "a.txt"), _scored([], "b.txt")
    unscored.unit_name = "乙镇人民政府"
    html = render_index_html([scored, unscored], [])
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", html[html.index("<tbody>"):html.index("</tfoot>")], re.S):
        cells = [_plain(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        rows[cells[0]] = cells
    header = [_plain(h) for h in re.findall(r"<th>(.*?)</th>", html[:html.index("<tbody>")])]
    column = {name: header.index(name) for name in ("明确度均值", "难以考核占比")}
    mean = (sum(TABLE1_SCORES) + 1.0) / 7
    assert [rows["甲镇人民政府"][column[n]] for n in column] == [f"{mean:.2f}", "43%"]
    assert [rows["乙镇人民政府"][column[n]] for n in column] == ["—", "—"]
    assert [rows["合计"][column[n]] for n in column] == [f"{mean:.2f}", "43%"]  # only scored rows count


def test_xlsx_specificity_in_overview_and_unit_sheets():
    scored, unscored = _scored([*TABLE1_SCORES, 0.1, 0.9], "a.txt"), _scored([], "b.txt")
    unscored.unit_name = "乙镇人民政府"
    findings = [
        Finding("a.txt", 1, "甲项目", 2, "value", "VALUE_VAGUE", "VALUE_VAGUE.x", "medium", "≥1个", "问题", "建议"),
        Finding("a.txt", 1, "甲项目", None, "goal", "GOAL_DUP", "GOAL_DUP.x", "medium", "x", "问题", "建议"),
        Finding("b.txt", 2, "乙项目", 2, "value", "VALUE_VAGUE", "VALUE_VAGUE.x", "medium", "100%", "问题", "建议"),
    ]
    workbook = openpyxl.load_workbook(io.BytesIO(render_xlsx([scored, unscored], findings)))
    overview = workbook["总览"]
    header_row = next(r for r in overview.iter_rows(values_only=True) if r[0] == "单位")
    units = {r[0]: dict(zip(header_row, r)) for r in overview.iter_rows(values_only=True) if r[0] in ("甲镇人民政府", "乙镇人民政府", "合计")}
    mean = (sum(TABLE1_SCORES) + 1.0) / 7
    assert units["甲镇人民政府"]["指标明确度均值"] == pytest.approx(mean, abs=0.005)
    assert units["甲镇人民政府"]["难以考核占比"] == pytest.approx(3 / 7)
    assert (units["乙镇人民政府"]["指标明确度均值"], units["乙镇人民政府"]["难以考核占比"]) == ("—", "—")
    assert units["合计"]["难以考核占比"] == pytest.approx(3 / 7)
    a, b = workbook.worksheets[1:]
    assert [c.value for c in a[1]] == HEADER
    by_row = {r[3]: r for r in a.iter_rows(min_row=2, values_only=True)}
    assert by_row[2][10] == 0.39  # the row's score as the report shows it (0.399 is not rounded up into 部分明确)
    assert by_row[None][10] is None  # a goal finding is about no row
    assert [r[10] for r in b.iter_rows(min_row=2, values_only=True)] == ["—"]  # no model: a dash


# ---------------------------------------------------------------- --format, --fail-on


def test_format_json_writes_only_json(tmp_path):
    result = runner.invoke(app, ["audit", str(seed_path("003")), "--out", str(tmp_path), "-q", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["findings.json"]


def test_format_subset_and_unknown_format(tmp_path):
    result = runner.invoke(app, ["audit", str(seed_path("003")), "--out", str(tmp_path / "a"), "-q", "--format", "xlsx,html"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "a" / "findings.json").exists()
    assert (tmp_path / "a" / "整改清单.xlsx").is_file() and (tmp_path / "a" / "index.html").is_file()
    result = runner.invoke(app, ["audit", str(seed_path("003")), "--out", str(tmp_path / "b"), "--format", "json,pdf"])
    assert result.exit_code == 2
    assert "pdf" in result.output
    assert not (tmp_path / "b").exists()


def test_fail_on(tmp_path, audited):
    _, document = audited
    has_high = any(f["severity"] == "high" for f in document["findings"])
    result = runner.invoke(app, ["audit", str(CORPUS), "--out", str(tmp_path / "a"), "-q", "--fail-on", "high"])
    assert result.exit_code == (3 if has_high else 0), result.output
    assert (tmp_path / "a" / "findings.json").is_file()  # outputs are written anyway

    # only GOAL_PLACEHOLDER (medium) on a seed that has template goals: medium fails, high passes
    only = tmp_path / "only.toml"
    only.write_text('select = ["GOAL_PLACEHOLDER"]\n', encoding="utf-8")
    seed = str(seed_path("003"))
    args = ["audit", seed, "--out", str(tmp_path / "b"), "-q", "--config", str(only)]
    assert runner.invoke(app, [*args, "--fail-on", "medium"]).exit_code == 3
    assert runner.invoke(app, [*args, "--fail-on", "low"]).exit_code == 3
    assert runner.invoke(app, [*args, "--fail-on", "high"]).exit_code == 0
    assert runner.invoke(app, args).exit_code == 0  # --fail-on omitted


def test_fail_on_clean_run_and_bad_value(tmp_path):
    nothing = tmp_path / "nothing.toml"
    codes = sorted(load_rules())
    nothing.write_text(f"ignore = {json.dumps(codes)}\n", encoding="utf-8")
    result = runner.invoke(app, ["audit", str(CORPUS), "--out", str(tmp_path / "a"), "-q",
                                 "--config", str(nothing), "--fail-on", "low"])
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "a" / "findings.json").read_text(encoding="utf-8"))["findings"] == []
    result = runner.invoke(app, ["audit", str(CORPUS), "--out", str(tmp_path / "b"), "--fail-on", "critical"])
    assert result.exit_code == 2
    assert "--fail-on" in result.output


# ---------------------------------------------------------------- rules, explain


def _squash(text: str) -> str:
    return "".join(text.split())


def test_rules_lists_every_rule_yaml(tmp_path):
    result = runner.invoke(app, ["rules"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    for path in sorted((REPO / "rules").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["code"] in result.output
        assert SEVERITY_NAMES[data["severity"]] in result.output
    config = tmp_path / "auditor.toml"
    config.write_text('ignore = ["GOAL_PLACEHOLDER"]\n', encoding="utf-8")
    result = runner.invoke(app, ["rules", "--config", str(config)], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    line = next(l for l in result.output.splitlines() if "GOAL_PLACEHOLDER" in l)
    assert line.rstrip().endswith("否")


def test_explain_shows_rule_and_the_findings_of_its_bad_cases():
    result = runner.invoke(app, ["explain", "GOAL_PLACEHOLDER"])
    assert result.exit_code == 0, result.output
    rule = load_rules()["GOAL_PLACEHOLDER"]
    output = _squash(result.output)
    for text in (rule.title, rule.why, rule.fix, "绩效目标为模板占位（GOAL_PLACEHOLDER）"):
        assert _squash(text) in output
    engine = Engine(Config(select=["GOAL_PLACEHOLDER"]))
    for case in rule.cases:
        assert _squash(case["name"]) in output
        for table in submission_from_case(case).tables:  # the case's table is drawn
            assert _squash(table.project) in output
            for goal in table.goals:
                assert _squash(goal) in output
        if case["kind"] == "bad":
            findings = engine.audit(submission_from_case(case)).findings
            assert findings
            for finding in findings:
                assert _squash(finding.message) in output
                assert _squash(finding.suggestion) in output
    assert "未发现问题" in result.output  # the good case


def test_explain_is_case_insensitive_and_unknown_code_is_a_usage_error():
    assert runner.invoke(app, ["explain", "goal_placeholder"]).exit_code == 0
    result = runner.invoke(app, ["explain", "GOAL_PLACEHOLDR"])
    assert result.exit_code == 2
    assert "GOAL_PLACEHOLDR" in result.output and "GOAL_PLACEHOLDER" in result.output  # did-you-mean


def test_report_lists_part1_statements_with_their_scores(audited):
    """The indicators Part 1 states in prose (findings.json part1.indicators) are drawn in the
    Part 1 section, each with the score findings.json gives it, and summarised apart from the tables."""
    out, document = audited
    names = report_file_names([SimpleNamespace(source=s["source"]) for s in document["submissions"]])
    stated = 0
    for submission in document["submissions"]:
        html = (out / names[submission["source"]]).read_text(encoding="utf-8")
        indicators = submission["part1"]["indicators"]
        if not indicators:
            assert 'id="part1-indicators"' not in html
            continue
        stated += 1
        section = html[html.index('id="part1-indicators"'):]
        section = section[:section.index("</table>")]
        rows = re.findall(r'<tr data-row="(\d+)">.*?<td class="spec-cell" data-specificity="([^"]*)">', section, re.S)
        assert [int(r) for r, _ in rows] == [i["row"] for i in indicators]
        assert [round(float(v), 4) for _, v in rows] == [round(i["specificity"], 4) for i in indicators]
        scores = [i["specificity"] for i in indicators]
        low = sum(1 for v in scores if v < 0.4)
        assert f"第一部分指标明确度均值 {score(sum(scores) / len(scores))}，难以考核 {low}/{len(scores)} 行" in _plain(html)
    assert stated == 3  # 000, 001 and 003 state indicators in Part 1


def test_report_part1_statement_with_only_a_category_and_target():
    case = {"submission": {"part1": {"sub_goals": ["绩效指标：满意度指标：90%以上；群众满意率达到90%"]},
                           "tables": [{"project": "甲项目", "indicators": [["产出指标", "数量指标", "指标1", "描述1", "≥1个", "计划标准"]]}]}}
    html = render_submission_html(submission_from_case(case, source="case"), [])
    section = _plain(html[html.index('id="part1-indicators"'):html.index("</table>", html.index('id="part1-indicators"'))])
    assert "服务对象满意度指标（只写了类别） 90%以上" in section and "群众满意率 达到90%" in section
    assert "<th>二级指标</th>" in html  # one statement names its 二级: the columns are drawn
