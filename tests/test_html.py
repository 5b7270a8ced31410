"""HTML exports ("Excel" files that are really <table> pages): rowspan/colspan read like merged
cells elsewhere. The fixture is written from the reviewed golden parse, not from the parser."""
from __future__ import annotations

import html
import json
from pathlib import Path

from auditor.ingest import read_submission

GOLDEN = Path(__file__).parent / "golden"


def _td(text: str, rowspan: int = 1, colspan: int = 1) -> str:
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    body = "<br>".join(html.escape(line) for line in str(text).split("\n"))
    return f"<td{attrs}>{body}</td>"


def _table_html(unit: str, table: dict) -> str:
    total, fiscal, other = table["budget"]
    money = table["money_unit"]
    rows = [
        f"<tr>{_td(unit, colspan=4)}{_td('单位：' + money, colspan=2)}</tr>",
        f"<tr>{_td('项目编码')}{_td(table['project_code'], colspan=2)}{_td('项目名称')}{_td(table['project'], colspan=2)}</tr>",
        f"<tr>{_td('预算规模及资金用途', rowspan=2)}{_td('预算数')}{_td(f'{total:.2f}')}{_td('其中：财政资金')}"
        f"{_td(f'{fiscal:.2f}')}{_td('其他资金')}{_td('' if other is None else other)}</tr>",
        f"<tr>{_td(table['fund_use'], colspan=6)}</tr>",
        "<tr>" + _td("资金支出计划（%）", rowspan=2) + "".join(_td(p) for p, _ in table["schedule"]) + "</tr>",
        "<tr>" + "".join(_td(raw) for _, raw in table["schedule"]) + "</tr>",
        f"<tr>{_td('绩效目标')}{_td(chr(10).join(f'{n}.{g}' for n, g in enumerate(table['goals'], 1)), colspan=6)}</tr>",
    ]
    header = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]
    rows.append("<tr>" + "".join(_td(h) for h in header) + "</tr>")
    indicators = table["indicators"]
    for i, row in enumerate(indicators):
        cells = ""
        if i == 0 or indicators[i - 1][0] != row[0]:
            span = 1
            while i + span < len(indicators) and indicators[i + span][0] == row[0]:
                span += 1
            cells += _td(row[0], rowspan=span)
        cells += "".join(_td(c) for c in row[1:])
        rows.append(f"<tr>{cells}</tr>")
    number = table["table"]
    return f"<p>{number}.{html.escape(table['project'])}绩效目标表</p><table border=1>{''.join(rows)}</table>"


def test_html_export_parses_like_the_text(tmp_path):
    golden = json.loads(next(GOLDEN.glob("001_*.json")).read_text(encoding="utf-8"))
    tables = [golden["tables"][i] for i in (2, 7)]  # 11 rows with alternating 数量/成本; blank periods
    unit = "903001巨鹿县张王疃乡人民政府本级"
    page = "<html><head><meta charset='gbk'><style>td{}</style></head><body><h1>部门预算绩效文本</h1>"
    page += "".join(_table_html(unit, t) for t in tables) + "</body></html>"
    path = tmp_path / "导出.xls"  # what the budget system calls it
    path.write_bytes(page.encode("gb18030"))
    submission = read_submission(path)
    assert submission.format == "html"
    assert any("HTML" in w for w in submission.warnings)
    assert submission.unit_name == "巨鹿县张王疃乡人民政府"
    assert len(submission.tables) == 2
    for got, want in zip(submission.tables, tables):
        assert (got.number, got.project, got.project_code, got.money_unit) == (
            want["table"], want["project"], want["project_code"], want["money_unit"])
        assert [got.budget.total, got.budget.fiscal, got.budget.other] == want["budget"]
        assert got.fund_use == want["fund_use"]
        assert [[p.period, p.raw] for p in got.schedule] == want["schedule"]
        assert got.goals == want["goals"]
        assert [[i.level1, i.level2, i.level3, i.description, i.value, i.basis] for i in got.indicators] == want["indicators"]
