"""The two text layouts, piece by piece, on snippets cut from the real seeds."""
from __future__ import annotations

from auditor.ingest.layout import build_submission, split_goals
from auditor.ingest.pdf_text import read_pdf_text
from auditor.ingest.sniff import text_layout
from auditor.ingest.word_text import read_word_text

from .conftest import seed_path

WORD_TABLE = (
    "[bookmark: _Toc_4_4_0000000004]1.德归镇创建全国文明县城工作经费绩效目标表\n"
    "\t215001文安县德归镇人民政府党政综合办公室本级\n\t单位：元\n\n"
    "\t项目编码\n\t13102622P00237611739E\n\t项目名称\n\t德归镇创建全国文明县城工作经费\n\n"
    "\t预算规模及资金用途\n\t预算数\n\t130000.00\n\t其中：财政    资金\n\t130000.00\n\t其他资金\n\t \n\n"
    "\t\n\t创建全国文明县城\n\n"
    "\t资金支出计划（%）\n\t3月底\n\t6月底\n\t10月底\n\t12月底\n\n"
    "\t\n\t25%\n\t50%\n\t75%\n\t100%\n\n"
    "\t绩效目标\n\t1.创建全国文明县城\n2.创建全国文明县城\n3.创建全国文明县城\n\n\n \n"
    "\t一级指标\n\t二级指标\n\t三级指标\n\t绩效指标描述\n\t指标值\n\t指标值确定依据\n\n"
    "\t产出指标\n\t数量指标\n\t创建数量\n\t创建文明村街数量\n\t22村街\n\t县政府批示\n\n"
    # a blank paragraph inside the description cell splits this row in two
    "\t\n\t质量指标\n\t环境治理达标\n\t环境指标达标\n\n\t100百分比\n\t县政府批示\n\n"
    # a leading empty paragraph inside a cell: the text follows on a line without a tab
    "\t\n\t时效指标\n\t环境整治及时率\n\t\n各村环境治理及时率\n\t100百分比\n\t县政府批示\n\n"
)


def test_word_table_fields():
    submission = build_submission(read_word_text(WORD_TABLE), "t.txt", "word-text")
    (table,) = submission.tables
    assert (table.number, table.project, table.project_code, table.money_unit) == (
        1, "德归镇创建全国文明县城工作经费", "13102622P00237611739E", "元")
    assert (table.budget.total, table.budget.fiscal, table.budget.other) == (130000.0, 130000.0, None)
    assert table.fund_use == "创建全国文明县城"
    assert [(p.period, p.raw, p.percent) for p in table.schedule] == [
        ("3月底", "25%", 25.0), ("6月底", "50%", 50.0), ("10月底", "75%", 75.0), ("12月底", "100%", 100.0)]
    assert table.goals == ["创建全国文明县城"] * 3
    assert [(i.level1, i.level2, i.level3, i.description, i.value, i.basis) for i in table.indicators] == [
        ("产出指标", "数量指标", "创建数量", "创建文明村街数量", "22村街", "县政府批示"),
        ("产出指标", "质量指标", "环境治理达标", "环境指标达标", "100百分比", "县政府批示"),
        ("产出指标", "时效指标", "环境整治及时率", "各村环境治理及时率", "100百分比", "县政府批示"),
    ]
    assert submission.unit_code == "215001"
    assert submission.unit_name == "文安县德归镇人民政府党政综合办公室"
    assert table.warnings == []


def test_field_codes_and_bookmarks_are_not_content(seeds):
    titles = [t.title for t in seeds["002"].tables]
    assert titles[0] == "村级组织办公经费"
    assert titles[6] == "“散乱污”企业深度整治行动经费"
    assert all("TC" not in t and "\\f" not in t for t in titles)
    assert seeds["002"].part1.overall[0].startswith("2021年，我镇将深入贯彻落实")
    row = seeds["001"].tables[7].indicators[0]
    assert row.description == "老漳河东岸占地亩数"  # "[bookmark: _GoBack]" removed


def test_part1_sections(seeds):
    part1 = seeds["000"].part1
    assert part1.overall[0].startswith("根据上级党委路线方针政策")
    assert part1.sub_goals[0] == "（一）人大和社会监督方面"
    assert part1.measures[-1].startswith("加强人员培训")
    assert seeds["003"].part1.overall[0] == "玉田县孤树镇人民政府"  # the heading "2025年总体绩效目标" is not content


def test_pdf_toc_is_skipped_and_page_broken_paragraphs_rejoined(seeds):
    submission = seeds["004"]
    assert [t.number for t in submission.tables] == list(range(1, 18))
    overall = submission.part1.overall
    # a page break cut this paragraph after "可行性，"; the two halves are one paragraph again
    joined = next(p for p in overall if "研究接入现有电网可行性，" in p)
    assert "可行性，解决园区电力供应不足问题" in joined
    assert not any("....." in p for p in overall)


def test_pdf_row_cells_and_missing_final_newline():
    text = seed_path("004").read_text(encoding="utf-8")
    assert not text.endswith("\n")
    rows = read_pdf_text(text)
    assert rows[-1].cells == ["满意度指标", "服务对象满意度指标", "被征地户满意度", "征地补偿安置和保障情况", "≥95%", "调查结果"]


def test_layout_sniffing():
    assert text_layout(seed_path("000").read_text(encoding="utf-8")) == "word-text"
    assert text_layout(seed_path("004").read_text(encoding="utf-8")) == "pdf-text"


def test_split_goals():
    assert split_goals("1.甲。\n2.乙。\n3.丙。") == ["甲。", "乙。", "丙。"]
    assert split_goals("1.平均各村投入1.96万元\n2.满意率在99%以上。") == ["平均各村投入1.96万元", "满意率在99%以上。"]
    assert split_goals("1.保障运转；2.提高效率；3.群众满意") == ["保障运转；", "提高效率；", "群众满意"]
    assert split_goals("1. 目标内容 1") == ["目标内容1"]
    assert split_goals("1.维护稳定\n2.2021年维护我镇的信访稳定") == ["维护稳定", "2021年维护我镇的信访稳定"]
    assert split_goals("保护农村环境") == ["保护农村环境"]
    assert split_goals("目标1：聘用人员1人\n目标2：聘用人员在岗率100%") == ["聘用人员1人", "聘用人员在岗率100%"]


def test_unit_line_and_money_unit_on_one_line():
    text = (
        "1. 武装工作经费绩效目标表\n\n906001 石门镇人民政府本级        单位：万元\n\n"
        "项目编码\t13032423P00442810052N\t\t项目名称\t武装工作经费\t\t\n"
        "一级指标\t二级指标\t三级指标\t绩效指标描述\t指标值\t指标值确定依据\t\n"
        "产出指标\t数量指标\t组织宣传发动工作\t宣传发动深入到村个数\t49 个\t全镇 49 各村\t\n"
    )
    submission = build_submission(read_pdf_text(text), "t.txt", "pdf-text")
    (table,) = submission.tables
    assert (table.money_unit, table.unit_line) == ("万元", "906001石门镇人民政府本级")
    assert submission.unit_name == "石门镇人民政府"


def test_goals_in_rows_of_their_own():
    text = (
        "1.测试项目绩效目标表\n\t100001测试县测试镇人民政府本级\n\t单位：元\n\n"
        "\t项目名称\n\t测试项目\n\n"
        "\t绩效目标\n\t1.完成培训50人次\n\n\t\n\t2.培训合格率≥95%\n\n\t\n\t3.12月底前完成\n\n"
        "\t一级指标\n\t二级指标\n\t三级指标\n\t绩效指标描述\n\t指标值\n\t指标值确定依据\n\n"
        "\t产出指标\n\t数量指标\n\t培训人次\n\t全年培训人次\n\t≥50人次\n\t培训计划\n\n"
    )
    (table,) = build_submission(read_word_text(text), "t.txt", "word-text").tables
    assert table.goals == ["完成培训50人次", "培训合格率≥95%", "12月底前完成"]
    assert not any("未识别" in w for w in table.warnings)
