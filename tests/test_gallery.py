"""`auditor gallery`: example choice, highlighting, rewrites, good-case references, the pairs
workbook, and the CLI."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from auditor import api
from auditor.cases import submission_from_case
from auditor.cli import app
from auditor.report import gallery
from auditor.rules import load_rules
from auditor.schema import Finding, Submission

from .conftest import CORPUS
from .test_summary import recorded_writes, run_with_a_bad_file  # noqa: F401  (recorded_writes: a fixture)

runner = CliRunner()
ROWS = [
    ["产出指标", "数量指标", "发放人数", "我单位综合网格员人数", "≤248人", "花名册"],
    ["产出指标", "质量指标", "验收合格率", "验收合格率", "100百分比", "验收合格率"],
    ["产出指标", "成本指标", "公岗满三年工资支出", "大学生村干部工资支出情况", "≤11万元", "县委安排"],
    ["效益指标", "社会效益指标", "临时工工资及时发放率", "临时工工资发放及时率", "≥90%", "请示"],
]


@pytest.fixture(scope="module")
def rules():
    return load_rules()


@pytest.fixture(scope="module")
def samples():
    return api.good_cases()


def unit(source: str, name: str, tables: int = 2) -> Submission:
    spec = {"unit_name": name, "year": 2023,
            "tables": [{"project": f"{name}项目{n}", "budget": 130000, "indicators": ROWS} for n in range(1, tables + 1)]}
    return submission_from_case({"submission": spec}, source=source)


def finding(source: str, category: str, row: int, field: str, evidence: str, suggestion: str = "", *,
            table: int = 1, confidence: float = 1.0, severity: str = "medium") -> Finding:
    return Finding(source=source, table=table, project="", row=row, field=field, category=category,
                   rule=f"{category}.x", severity=severity, evidence=evidence, message="问题说明",
                   suggestion=suggestion, confidence=confidence)


def test_pick_at_most_five_varied_examples_highest_confidence_first():
    findings = [finding(source, "VALUE_VAGUE", row, "value", f"{source}{row}{table}", table=table, confidence=confidence)
                for source, row, table, confidence in [
                    ("a", 1, 1, 0.9), ("a", 2, 1, 0.95), ("a", 1, 2, 0.8), ("b", 1, 1, 0.7), ("b", 2, 1, 0.6),
                    ("c", 1, 1, 0.5), ("c", 1, 2, 0.99), ("a", 3, 1, 1.0)]]
    chosen = gallery.pick(findings)
    assert len(chosen) == 5
    assert [f.confidence for f in chosen] == sorted((f.confidence for f in chosen), reverse=True)
    # every unit shows up; within a unit the most confident finding is the one taken first
    assert {f.source for f in chosen} == {"a", "b", "c"}
    assert {(f.source, f.confidence) for f in chosen} >= {("a", 1.0), ("b", 0.7), ("c", 0.99)}
    # the second round prefers a new project (a's table 2, c's table 1) over a's table-1 rows
    assert {(f.source, f.table) for f in chosen} == {("a", 1), ("a", 2), ("b", 1), ("c", 1), ("c", 2)}
    assert gallery.pick(findings[:2]) == sorted(findings[:2], key=lambda f: -f.confidence)


def test_identical_texts_are_not_shown_twice():
    same = [finding(s, "UNIT_NONSTANDARD", 2, "value", "100百分比") for s in "abcdef"]
    other = finding("a", "UNIT_NONSTANDARD", 3, "value", "≥90百分比", table=2)
    chosen = gallery.pick([*same, other])
    assert [f.evidence for f in chosen] == ["100百分比", "≥90百分比"]


def test_evidence_is_highlighted_inside_its_cell(rules, samples):
    submission = unit("a.txt", "甲镇")
    f = finding("a.txt", "DESC_ECHO", 4, "description", "发放及时率")  # part of the cell
    example = gallery.build_example(submission, f, samples, rules)
    description = next(c for c in example.original if c.key == "description")
    assert description.flagged and example.found
    assert [(p.text, p.kind) for p in description.pieces] == [("临时工工资", ""), ("发放及时率", "mark")]
    assert not any(p.kind == "mark" for c in example.original if c.key != "description" for p in c.pieces)


def test_evidence_found_nowhere_is_shown_on_its_own(rules, samples):
    example = gallery.build_example(unit("a.txt", "甲镇"), finding("a.txt", "DESC_ECHO", 1, "description", "不存在的文字"),
                                    samples, rules)
    assert not example.found
    assert example.original[-1].key == "evidence" and example.original[-1].pieces[0].kind == "mark"


@pytest.mark.parametrize("row, field, evidence, suggestion, cell, expected", [
    (2, "value", "100百分比", "改为“100%”。", "value", [("100%", "ins")]),
    (3, "indicator", "公岗满三年工资支出", "改为本项目自己的对象，如把“公岗”改为“大学生村干部”，并逐项核对。", "level3",
     [("大学生村干部", "ins"), ("满三年工资支出", "")]),
    (1, "value", "≤248人", "改为“≥248人”（数量确定时写“＝248人”）；正向指标用“≥”或“＝”。", "value", [("≥248人", "ins")]),
    (3, "value", "≤11万元", "成本指标应填金额，如“≤130000元”，与预算数一致。", "value", [("≤130000元", "ins")]),
])
def test_rewrite_follows_the_suggestion(rules, samples, row, field, evidence, suggestion, cell, expected):
    example = gallery.build_example(unit("a.txt", "甲镇"), finding("a.txt", "X", row, field, evidence, suggestion), samples, rules)
    changed = [c for c in example.rewrite if c.changed]
    assert [c.key for c in changed] == [cell]
    assert [(p.text, p.kind) for p in changed[0].pieces] == expected


def test_moved_row_gets_the_new_level1_and_level2(rules, samples):
    f = finding("a.txt", "LEVEL_MISMATCH", 4, "indicator", "临时工工资及时发放率", "移至“时效指标”，或改写为真正的社会效益指标。")
    example = gallery.build_example(unit("a.txt", "甲镇"), f, samples, rules)
    assert {c.key: c.text for c in example.rewrite if c.changed} == {"level1": "产出指标", "level2": "时效指标"}


@pytest.mark.parametrize("suggestion", [
    "数量指标应填数量；若要考核完成比例，改为“××完成率”放在质量指标下。",  # conditional, and a placeholder
    "改写描述：写明调查对象和计算方法，如“通过问卷调查，满意和较满意的人数占有效调查人数的比例”。",  # a generic example
])
def test_no_rewrite_is_made_up(rules, samples, suggestion):
    example = gallery.build_example(unit("a.txt", "甲镇"), finding("a.txt", "DESC_ECHO", 2, "description", "验收合格率", suggestion),
                                    samples, rules)
    assert example.rewrite is None
    assert example.corrected_from.startswith("规则正例")


def test_reference_is_a_clean_row_of_the_checks_good_cases(rules, samples):
    f = finding("a.txt", "DESC_ECHO", 2, "description", "验收合格率", "改写描述。")
    example = gallery.build_example(unit("a.txt", "甲镇"), f, samples, rules)
    reference = example.reference
    assert reference.rule == "DESC_ECHO" and reference.kind == "row"
    assert reference.indicator.level2 == "质量指标"  # same 二级 as the weak row
    good = [c for c in rules["DESC_ECHO"].cases if c["kind"] == "good" and c["name"] == reference.case]
    assert good, "the reference comes from a good case of rules/DESC_ECHO.yaml"
    clean = submission_from_case(good[0])
    checked = api.Engine().audit(clean).findings
    assert not [x for x in checked if x.row == reference.indicator.row and x.table == 1]


def test_good_samples_leave_out_what_a_check_flags():
    case = submission_from_case({"table": {"project": "示例", "budget": 1000, "goals": ["a", "b"], "indicators": ROWS}})
    flagged = [finding("case", "DESC_ECHO", 2, "description", "验收合格率"), finding("case", "GOAL_DUP", None, "goal", "a")]
    kept = gallery.good_samples("DESC_ECHO", "示例", case, flagged)
    assert sorted(s.indicator.row for s in kept if s.kind == "row") == [1, 3, 4]
    assert not [s for s in kept if s.kind in ("goals", "table")]  # a goal finding has no row: the table is not clean


def test_gallery_sections_examples_and_html(rules, samples):
    submissions = [unit("a.txt", "甲镇", tables=4), unit("b.txt", "乙镇", tables=4)]
    findings = []
    for offset, s in zip((80, 90), submissions):
        for table in s.tables:
            table.indicators[1].value = f"{offset + table.number}百分比"
            findings.append(finding(s.source, "UNIT_NONSTANDARD", 2, "value", table.indicators[1].value,
                                    f"改为“{offset + table.number}%”。", table=table.number))
    findings.append(finding("a.txt", "VALUE_DIRECTION", 1, "value", "≤248人", "改为“≥248人”。", severity="high"))
    view = gallery.build_gallery(submissions, findings, rules, samples)
    assert [s.code for s in view.sections] == ["UNIT_NONSTANDARD", "VALUE_DIRECTION"]  # most frequent first
    assert [len(s.examples) for s in view.sections] == [5, 1]  # eight places, never more than five shown
    first = view.sections[0]
    assert first.what and first.why and first.fix and first.shapes
    page = gallery.render_gallery_html(view)
    assert page.count('<section class="block category"') == 2
    assert len(re.findall(r"<mark>\d\d百分比</mark>", page)) == 5 and len(re.findall(r"<ins>\d\d%</ins>", page)) == 5
    assert page.count('<article class="example') == 6
    assert "@media print" in page and "break-before: page" in page and "<script" not in page


def test_gallery_pairs_xlsx(rules, samples):
    submissions = [unit("a.txt", "甲镇")]
    findings = [finding("a.txt", "UNIT_NONSTANDARD", 2, "value", "100百分比", "改为“100%”。"),
                finding("a.txt", "BASIS_ECHO", 2, "basis", "验收合格率", "改为确定该指标值的具体依据。"),
                finding("a.txt", "GOAL_DUP", None, "goal", "x")]  # not an indicator row: not a pair
    workbook = load_workbook(io.BytesIO(gallery.render_gallery_xlsx(gallery.build_gallery(submissions, findings, rules, samples))))
    assert workbook.sheetnames == ["改写对照", "类别说明"]
    sheet = workbook["改写对照"]
    assert tuple(c.value for c in sheet[1]) == gallery.PAIRS_HEADER
    rows = [dict(zip(gallery.PAIRS_HEADER, (c.value for c in r))) for r in sheet.iter_rows(min_row=2)]
    assert [(r["代码"], r["单位"], r["表号"], r["行"]) for r in rows] == [("BASIS_ECHO", "甲镇", "1", 2), ("UNIT_NONSTANDARD", "甲镇", "1", 2)]
    assert rows[0]["改写（强）"].startswith("（参照正例）") and rows[0]["改写来源"].startswith("规则正例（rules/BASIS_ECHO.yaml")
    assert "指标值：100百分比" in rows[1]["原指标（弱）"] and "指标值：100%" in rows[1]["改写（强）"]
    assert all(r["图集示例"] == "是" for r in rows)
    assert [c.value for c in workbook["类别说明"]["B"]][1:] == ["GOAL_DUP", "BASIS_ECHO", "UNIT_NONSTANDARD"]
    assert all(r["原指标明确度"] == "—" for r in rows)  # the rows were not scored
    assert rows[1]["参考指标明确度"] == "—"  # a rewrite is never scored


# ---------------------------------------------------------------- real strong rows of the batch


def scored(source: str, name: str, quality_scores: list[float | None]) -> Submission:
    """A unit whose tables' 质量指标 rows (row 2) get `quality_scores`, one table each, with a text
    of their own (a row identical to the weak one is never shown as its model)."""
    submission = unit(source, name, tables=len(quality_scores))
    for table, value in zip(submission.tables, quality_scores):
        row = table.indicators[1]
        row.level3, row.description, row.value = f"{name}{table.number}验收合格率", "验收合格数占验收总数的比例", "≥98%"
        row.specificity = value
    return submission


def weak_quality_row(source: str = "a.txt", table: int = 1) -> Finding:
    return finding(source, "UNIT_NONSTANDARD", 2, "value", "100百分比", "改为“100%”。", table=table)


def test_real_strong_row_of_the_same_level2_from_another_unit_is_shown(rules, samples):
    a = unit("a.txt", "甲镇", tables=1)
    a.tables[0].indicators[1].specificity = 0.2
    own = scored("a2.txt", "甲镇", [0.99])  # the same unit (another file of it): only if no other unit has one
    b = scored("b.txt", "乙镇", [0.85, 0.93, 0.97])  # table 3 is flagged below
    c = scored("c.txt", "丙镇", [0.79])  # below 0.8
    for s in (b, c):
        s.tables[0].indicators[0].specificity = 0.99  # 数量指标: another 二级
    findings = [weak_quality_row(), finding("b.txt", "DESC_ECHO", 2, "description", "x", table=3)]
    view = gallery.build_gallery([a, own, b, c], findings, rules, samples)
    example = next(e for s in view.sections if s.code == "UNIT_NONSTANDARD" for e in s.examples)
    assert (example.peer.unit, example.peer.table.number, example.peer.indicator.row) == ("乙镇", 2, 2)
    assert example.corrected_from == "本批次写得好的同类指标：乙镇 表2 第2行，明确度0.93"
    assert example.corrected_text.startswith("（本批次同类指标）") and "乙镇2验收合格率" in example.corrected_text
    page = gallery.render_gallery_html(view)
    assert "本批次写得好的同类指标：乙镇 表2 第2行，明确度0.93" in page
    assert "乙镇2验收合格率" in page and "<ins>100%</ins>" not in page  # the real row, not the rewrite
    assert re.search(r'指标明确度 <span class="spec spec-low"[^>]*>0.20</span>', page)  # the weak row's score
    sheet = load_workbook(io.BytesIO(gallery.render_gallery_xlsx(view)))["改写对照"]
    rows = [dict(zip(gallery.PAIRS_HEADER, (c.value for c in r))) for r in sheet.iter_rows(min_row=2)]
    pair = next(r for r in rows if r["代码"] == "UNIT_NONSTANDARD")
    assert (pair["原指标明确度"], pair["参考指标明确度"]) == (0.2, 0.93)
    assert pair["改写来源"] == example.corrected_from


def test_same_unit_row_when_no_other_unit_has_one_and_highest_first(rules, samples):
    a = scored("a.txt", "甲镇", [0.3, 0.82, 0.9])  # table 1 holds the weak row
    view = gallery.build_gallery([a], [weak_quality_row()], rules, samples)
    example = view.sections[0].examples[0]
    assert (example.peer.unit, example.peer.table.number) == ("甲镇", 3)


def test_examples_of_a_section_show_different_strong_rows(rules, samples):
    a, b = scored("a.txt", "甲镇", [0.1, 0.2]), scored("b.txt", "乙镇", [0.95, 0.9, 0.85])
    copied, original = b.tables[1].indicators[1], b.tables[0].indicators[1]
    copied.level3 = original.level3  # table 2's row is table 1's, copied: the same example twice
    findings = [weak_quality_row(table=1), finding("a.txt", "UNIT_NONSTANDARD", 2, "value", "90百分比", table=2)]
    a.tables[0].indicators[1].value, a.tables[1].indicators[1].value = "100百分比", "90百分比"
    view = gallery.build_gallery([a, b], findings, rules, samples)
    assert sorted(e.peer.table.number for e in view.sections[0].examples) == [1, 3]


@pytest.mark.parametrize("case", ["unscored", "weak", "flagged", "other-level2", "same-text"])
def test_falls_back_to_the_rewrite_without_a_strong_clean_row(rules, samples, case):
    a = unit("a.txt", "甲镇", tables=1)
    b = scored("b.txt", "乙镇", [None if case == "unscored" else 0.79 if case == "weak" else 0.95])
    findings = [weak_quality_row()]
    if case == "flagged":
        findings.append(finding("b.txt", "BASIS_ECHO", 2, "basis", "x"))
    if case == "other-level2":
        b.tables[0].indicators[1].level2 = "时效指标"
    if case == "same-text":  # a copy of the weak row is not a model for it, however well scored
        original = a.tables[0].indicators[1]
        copy = b.tables[0].indicators[1]
        copy.level3, copy.description, copy.value, copy.basis = original.level3, original.description, original.value, original.basis
    view = gallery.build_gallery([a, b], findings, rules, samples)
    example = next(e for s in view.sections if s.code == "UNIT_NONSTANDARD" for e in s.examples)
    assert example.peer is None
    assert example.corrected_from == "按整改建议改写"
    assert "<ins>100%</ins>" in gallery.render_gallery_html(view)


# ---------------------------------------------------------------- CLI


def test_gallery_cli_on_the_corpus(tmp_path, recorded_writes):  # noqa: F811
    result = runner.invoke(app, ["gallery", str(CORPUS), "--out", str(tmp_path), "--quiet"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gallery.html", "gallery_pairs.xlsx"]
    assert sorted(p.name for p in recorded_writes) == ["gallery.html", "gallery_pairs.xlsx"]
    page = (tmp_path / "gallery.html").read_text(encoding="utf-8")
    sections = page.split('<section class="block category"')[1:]
    categories = load_workbook(tmp_path / "gallery_pairs.xlsx")["类别说明"]
    assert len(sections) == categories.max_row - 1 >= 10
    for section in sections:
        examples = section.split('<article class="example')[1:]
        assert 1 <= len(examples) <= 5
        assert all("<mark>" in e for e in examples)
        assert all("<ins>" in e or "参考写法" in e or "本批次写得好的同类指标" in e for e in examples)
    # the corpus has well-written rows: some examples stand beside a real one of the same 二级
    peers = re.findall(r"本批次写得好的同类指标：(.+?) 表(\d+) 第(\d+)行，明确度(0\.\d\d)", page)
    assert len(peers) >= 10 and all(float(score) >= 0.8 for *_, score in peers)
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", page)


def test_gallery_cli_bad_file_is_named_and_the_rest_goes_on(tmp_path):
    result, out = run_with_a_bad_file(tmp_path, "gallery", "000", "空.pdf", b"")
    assert result.exit_code == 1
    assert "空.pdf" in result.output
    assert "文安县德归镇人民政府" in (out / "gallery.html").read_text(encoding="utf-8")
