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


def test_flat_budget_system_export(tmp_path):
    """One row per indicator, project columns merged down, value split into sign|number|unit
    (the layout of Sichuan's 部门预算项目绩效目标申报表 export)."""
    head = ["单位名称", "项目名称", "预算数", "年度目标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重"]
    body = [
        ["820-马踏镇部门", "", "8,827,620.53", "", "", "", "", "", "", "", ""],
        ["820001-井研县马踏镇人民政府", "村组干部报酬", "3,309,840.00", "按时发放村组干部报酬",
         "效益指标", "社会效益指标", "维护社会稳定", "≥", "95", "%", "10"],
        ["", "", "", "", "产出指标", "时效指标", "维持时效", "≥", "1", "年", "20"],
        ["", "", "", "", "", "数量指标", "村组干部230人", "≥", "230", "个", "10"],
        ["", "基层组织活动经费", "660,000.00", "包括必要的办公用品费、水电费等村社区办公经费。",
         "满意度指标", "服务对象满意度指标", "辖区内群众满意度", "≥", "95", "%", "10"],
        ["", "", "", "", "产出指标", "数量指标", "行政村数量", "=", "11", "个", "10"],
    ]
    rows = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in [head, *body])
    page = f"<html><body><table><tr><td colspan=11>部门预算项目绩效目标申报表(2023年度)</td></tr>" \
           f"<tr><td colspan=11>金额单位:元</td></tr>{rows}</table></body></html>"
    path = tmp_path / "export.xls"
    path.write_text(page, encoding="utf-8")
    submission = read_submission(path)
    assert [(t.number, t.project, t.budget.total, t.money_unit) for t in submission.tables] == [
        (1, "村组干部报酬", 3309840.0, "元"), (2, "基层组织活动经费", 660000.0, "元")]
    first, second = submission.tables
    assert first.goals == ["按时发放村组干部报酬"]
    assert [(i.level1, i.level2, i.level3, i.value) for i in first.indicators] == [
        ("效益指标", "社会效益指标", "维护社会稳定", "≥95%"),
        ("产出指标", "时效指标", "维持时效", "≥1年"),
        ("产出指标", "数量指标", "村组干部230人", "≥230个"),
    ]
    assert [(i.level1, i.value) for i in second.indicators] == [("满意度指标", "≥95%"), ("产出指标", "=11个")]
    assert first.indicators[0].parsed.kind == "percent"
    assert (submission.unit_name, submission.unit_code, submission.year) == ("井研县马踏镇人民政府", "820001", 2023)
