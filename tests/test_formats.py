"""The binary readers against the text form: a seed table rebuilt as the .docx / .xlsx / .pdf a
user would submit (tests/format_fixtures.py) must parse to exactly what its text form parses to.

The tables picked cover the hard cases: two 可持续影响 rows and a two-row 满意度 group (000 表4),
eleven rows alternating 数量/成本 (001 表3), a schedule of amounts with blank periods (001 表8),
a blank last period (002 表9) and a table from PDF text whose cells wrapped (004 表8).
Then the shapes of whole documents: a .docx with prose around two tables, an .xlsx with tables
stacked on one sheet or one per sheet, a PDF table running over several pages, whole seeds as
one file; and the traps each format sets (python-docx repeating merged cells, Excel number
formats, PDF punctuation hanging over a cell border, numbers cut by a wrap, paragraphs in a cell).
"""
from __future__ import annotations

import copy
import dataclasses
import io

import pdfplumber
import pytest
from docx import Document

from auditor.ingest import read_submission
from auditor.ingest.docx_reader import read_docx
from auditor.ingest.xlsx_reader import _number_text
from auditor.schema import ProjectTable

from .format_fixtures import build_docx, build_pdf, build_xlsx, table_grid

CASES = [("000", 4), ("001", 3), ("001", 8), ("002", 9), ("004", 8)]
FORMATS = ("docx", "xlsx", "pdf")


def _seed_table(seeds, prefix: str, number: int) -> ProjectTable:
    return next(t for t in seeds[prefix].tables if t.number == number)


def _build(fmt: str, path, tables: list):
    if fmt == "docx":
        return build_docx(path, tables)
    if fmt == "xlsx":
        return build_xlsx(path, [tables])
    return build_pdf(path, tables)


def _facts(table: ProjectTable) -> dict:
    """Everything the audit reads from a table."""
    return {
        "number": table.number,
        "title": table.title,
        "project": table.project,
        "project_code": table.project_code,
        "money_unit": table.money_unit,
        "unit_line": table.unit_line,
        "budget": (table.budget.total, table.budget.fiscal, table.budget.other),
        "fund_use": table.fund_use,
        "schedule": [(p.period, p.raw) for p in table.schedule],
        "goals": list(table.goals),
        "warnings": list(table.warnings),
    }


def _indicators(table: ProjectTable) -> list[tuple]:
    return [(i.level1, i.level2, i.level3, i.description, i.value, i.basis) for i in table.indicators]


def assert_same_table(got: ProjectTable, expected: ProjectTable) -> None:
    assert _facts(got) == _facts(expected)
    got_rows, expected_rows = _indicators(got), _indicators(expected)
    for index, (g, e) in enumerate(zip(got_rows, expected_rows), start=1):
        assert g == e, f"indicator row {index}"
    assert len(got_rows) == len(expected_rows)


# ---------------------------------------------------------------- one table, every format


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("prefix", "number"), CASES, ids=[f"{p}-表{n}" for p, n in CASES])
def test_built_file_parses_like_its_text_form(seeds, tmp_path, prefix, number, fmt):
    expected = _seed_table(seeds, prefix, number)
    path = _build(fmt, tmp_path / f"{prefix}_{number}.{fmt}", [expected])
    submission = read_submission(path)
    assert submission.format == fmt
    assert len(submission.tables) == 1
    assert_same_table(submission.tables[0], expected)
    assert (submission.unit_code, submission.unit_name) == (seeds[prefix].unit_code, seeds[prefix].unit_name)


@pytest.mark.parametrize(("prefix", "fmt"), [("000", "docx"), ("002", "xlsx"), ("004", "pdf")])
def test_whole_seed_as_one_document(seeds, tmp_path, prefix, fmt):
    """Every table of a seed in one file: titles split the tables, and in the PDF a table that
    starts at the top of a page is not taken for the continuation of the one before."""
    tables = seeds[prefix].tables
    submission = read_submission(_build(fmt, tmp_path / f"{prefix}.{fmt}", list(tables)))
    assert [t.number for t in submission.tables] == [t.number for t in tables]
    for got, expected in zip(submission.tables, tables):
        assert_same_table(got, expected)
    assert (submission.unit_code, submission.unit_name) == (seeds[prefix].unit_code, seeds[prefix].unit_name)


# ---------------------------------------------------------------- Word


def test_docx_row_cells_repeat_merged_cells_and_reader_dedupes(seeds, tmp_path):
    """python-docx's `row.cells` repeats a merged cell once per grid column (and once per row
    of a vertical merge); reading `row.cells` would shift every column. The reader must not."""
    table = _seed_table(seeds, "000", 4)
    path = build_docx(tmp_path / "merged.docx", [table])
    word_table = Document(str(path)).tables[0]
    grid = table_grid(table)

    goals_row = word_table.rows[grid.header_row - 1]
    assert len(goals_row.cells) == 7  # "绩效目标" + the goals cell repeated six times …
    assert len({id(c._tc) for c in goals_row.cells}) == 2  # … over only two real cells
    assert all(c._tc is goals_row.cells[1]._tc for c in goals_row.cells[1:])
    assert goals_row.cells[6].text == "1.便道硬化亮化\n2.便道硬化亮化\n3.便道硬化亮化"

    # the second 产出指标 row: its 一级 (and here its 二级) cell continues the merge above
    first, second = word_table.rows[grid.header_row + 1], word_table.rows[grid.header_row + 2]
    assert second.cells[0]._tc is first.cells[0]._tc and second.cells[0].text == "产出指标"
    assert second.cells[1]._tc is first.cells[1]._tc and second.cells[1].text == "数量指标"
    assert len(second.cells) == 7  # 绩效指标描述 spans two grid columns
    assert second.cells[3]._tc is second.cells[4]._tc

    rows = [r.cells for r in read_docx(path.read_bytes()) if not r.paragraph]
    header = grid.header_row
    assert rows[header - 1] == ["绩效目标", "1.便道硬化亮化\n2.便道硬化亮化\n3.便道硬化亮化"]
    assert rows[header] == ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]
    assert rows[header + 2] == ["", "", "占地面积", "硬化面积受否与预算相符", "3360平方米", "文发改字（2019）171号"]
    assert rows[2] == ["预算规模及资金用途", "预算数", "410806.00", "其中：财政资金", "410806.00", "其他资金", ""]
    assert rows[3] == ["", "便道硬化亮化"]


def test_docx_two_tables_with_prose_in_document_order(seeds, tmp_path):
    first, second = _seed_table(seeds, "000", 4), _seed_table(seeds, "000", 5)
    items = [
        "德归镇2022年部门预算绩效目标",
        "第一部分 部门整体绩效目标",
        "一、总体绩效目标",
        "推进镇区基础设施建设，改善群众生产生活条件。",
        "二、工作保障措施",
        "加强预算绩效管理，严格资金审批。",
        "第二部分",
        "预算项目绩效目标",
        first,
        "注：以上指标由项目单位填报。",  # prose between the tables is no part of either
        second,
        "附：填报说明见财政所通知。",
    ]
    submission = read_submission(build_docx(tmp_path / "two.docx", items))
    assert [t.number for t in submission.tables] == [4, 5]
    assert_same_table(submission.tables[0], first)
    assert_same_table(submission.tables[1], second)
    assert submission.part1.overall == ["推进镇区基础设施建设，改善群众生产生活条件。"]
    assert submission.part1.measures == ["加强预算绩效管理，严格资金审批。"]
    assert (submission.year, submission.unit_code) == (2022, "215001")


# ---------------------------------------------------------------- Excel


def test_xlsx_two_tables_stacked_on_one_sheet(seeds, tmp_path):
    first, second = _seed_table(seeds, "001", 3), _seed_table(seeds, "001", 8)
    submission = read_submission(build_xlsx(tmp_path / "stacked.xlsx", [[first, second]]))
    assert [t.number for t in submission.tables] == [3, 8]
    assert_same_table(submission.tables[0], first)
    assert_same_table(submission.tables[1], second)


def test_xlsx_one_table_per_sheet(seeds, tmp_path):
    tables = [_seed_table(seeds, p, n) for p, n in (("002", 9), ("000", 4), ("004", 8))]
    path = build_xlsx(tmp_path / "sheets.xlsx", [[t] for t in tables], sheet_names=["表9", "表4", "表8"])
    submission = read_submission(path)
    assert [t.number for t in submission.tables] == [9, 4, 8]
    for got, expected in zip(submission.tables, tables):
        assert_same_table(got, expected)


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (410806.0, "0.00", "410806.00"),
        (25, "0.00", "25.00"),
        (0.25, "0%", "25%"),
        (0.3, "0.00%", "30.00%"),
        (2123500, "#,##0.00", "2,123,500.00"),
        (2.62, "General", "2.62"),
        (3.0, "General", "3"),
        (2.625, "0.00", "2.625"),  # a format never hides precision the value has
        (45, '"¥"#,##0.00;[Red]-#,##0.00', "45.00"),
    ],
)
def test_xlsx_numbers_read_as_printed(value, number_format, text):
    assert _number_text(value, number_format) == text


# ---------------------------------------------------------------- PDF


def _long_table(table: ProjectTable, copies: int) -> ProjectTable:
    """The table with its 产出 rows repeated (and their descriptions lengthened) until it
    needs several pages; the 产出指标 merge then crosses page breaks."""
    long = copy.deepcopy(table)
    output = [i for i in table.indicators if i.level1 == "产出指标"]
    rest = [i for i in table.indicators if i.level1 != "产出指标"]
    rows = [
        dataclasses.replace(i, level3=f"{i.level3}（第{k}批）", description=i.description * 3)
        for k in range(1, copies + 1)
        for i in output
    ]
    long.indicators = [dataclasses.replace(i, row=n) for n, i in enumerate(rows + rest, start=1)]
    return long


def test_pdf_table_spanning_pages(seeds, tmp_path):
    table = _long_table(_seed_table(seeds, "001", 3), copies=4)  # 35 rows
    path = build_pdf(tmp_path / "long.pdf", [table], page_numbers=True)
    with pdfplumber.open(io.BytesIO(path.read_bytes())) as pdf:
        parts = [t for page in pdf.pages for t in page.find_tables()]
        assert len(pdf.pages) >= 2 and len(parts) >= 2
        # every row on a continuation page spans the description's two grid columns, so
        # pdfplumber finds one column fewer there: the reader must realign the parts
        assert len({len(p.extract()[0]) for p in parts}) > 1
        assert "- 1 -" in pdf.pages[0].extract_text()  # a page number sits between the parts
    submission = read_submission(path)
    assert len(submission.tables) == 1
    assert_same_table(submission.tables[0], table)


# PDF wrapping, as Chinese typesetting does it (the text form has none of this). Each case
# names a cell as pdfplumber's own `extract()` returns it, to show the trap is really there.
PDF_WRAP_CASES = [
    ("001", 4, "企业环保检查（次"),  # the "）" hangs over the cell border and lands next door
    ("003", 4, "用于党团妇、纪检\n宣传经费"),  # the "、" after 纪检 hangs over the border
    ("004", 15, "清理垃圾1000\n0立方米、清\n理河道30公里、\n卫片整治13处"),  # a number cut by the wrap
    ("001", 17, "按时完成工作后，办公效率提高的\n比率\n保证单位正常运转的天数占全年总\n天数的比例"),
    # ^ two paragraphs in one 绩效指标描述: the break between them is kept, the wraps are not
]


@pytest.mark.parametrize(
    ("prefix", "number", "naive"), PDF_WRAP_CASES, ids=[f"{p}-表{n}" for p, n, _ in PDF_WRAP_CASES]
)
def test_pdf_wrapped_cells(seeds, tmp_path, prefix, number, naive):
    expected = _seed_table(seeds, prefix, number)
    path = build_pdf(tmp_path / "wrap.pdf", [expected])
    with pdfplumber.open(io.BytesIO(path.read_bytes())) as pdf:
        assert naive in [c for t in pdf.pages[0].find_tables() for r in t.extract() for c in r if c]
    submission = read_submission(path)
    assert_same_table(submission.tables[0], expected)


def test_pdf_two_tables_with_prose(seeds, tmp_path):
    first, second = _seed_table(seeds, "004", 8), _seed_table(seeds, "002", 9)
    items = ["石门镇2023年部门预算绩效目标", "第二部分", "预算项目绩效目标", first, "注：指标值按年度计划填报。", second]
    submission = read_submission(build_pdf(tmp_path / "two.pdf", items))
    assert [t.number for t in submission.tables] == [8, 9]
    assert_same_table(submission.tables[0], first)
    assert_same_table(submission.tables[1], second)


def test_pdf_text_is_extractable_cjk(seeds, tmp_path):
    """The built-in CID font (no font file) is enough for pdfplumber to read the Chinese back."""
    path = build_pdf(tmp_path / "font.pdf", [_seed_table(seeds, "000", 4)])
    with pdfplumber.open(io.BytesIO(path.read_bytes())) as pdf:
        text = pdf.pages[0].extract_text()
    assert "4.德归镇集贸市场便道硬化亮化工程项目资金绩效目标表" in text
    assert "单位：元" in text and "受益群众满意度" in text and "≥98百分比" in text


@pytest.mark.skipif(
    __import__("auditor.ingest.legacy", fromlist=["soffice_path"]).soffice_path() is None,
    reason="LibreOffice (soffice) is not installed: .doc/.wps conversion cannot run here",
)
def test_legacy_doc_through_libreoffice(tmp_path):
    """A real .doc: made from a .docx fixture by LibreOffice itself, then read back through it."""
    import subprocess

    from auditor.ingest import read_submission
    from auditor.ingest.legacy import soffice_path

    from .conftest import seed_path

    text_parse = read_submission(seed_path("000"))
    docx = tmp_path / "seed.docx"
    build_docx(docx, [(text_parse.tables[3], text_parse.tables[3].unit_line)])
    subprocess.run([soffice_path(), "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "doc", "--outdir", str(tmp_path), str(docx)],
                   check=True, capture_output=True, timeout=300)
    doc = tmp_path / "seed.doc"
    before = doc.read_bytes()
    submission = read_submission(doc)
    assert doc.read_bytes() == before  # converted in a scratch folder, input untouched
    (table,) = submission.tables
    want = text_parse.tables[3]
    assert [(i.level3, i.value) for i in table.indicators] == [(i.level3, i.value) for i in want.indicators]
