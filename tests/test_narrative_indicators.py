"""Indicators stated in Part 1 prose (table 0): read from the real seed text, split into subject
and target, and scored like grid rows."""
from __future__ import annotations

import pytest

from auditor.cases import submission_from_case
from auditor.config import Config
from auditor.engine import Engine
from auditor.ingest.narrative_indicators import narrative_indicators, split_statement
from auditor.schema import Narrative


def _rows(submission) -> list[tuple[str, str, str]]:
    return [(i.level2, i.level3, i.value) for i in submission.part1.indicators]


def test_statement_counts_per_seed(seeds):
    # counted by hand in the seeds' Part 1: 000 has eleven "绩效指标：" lines, one with two
    # sentences; 001 six lists (one stray "村；" is not an item); 003 five projects of seven
    # labelled items; 002 and 004 state goals only
    assert {prefix: len(s.part1.indicators) for prefix, s in seeds.items()} == {
        "000": 12, "001": 46, "002": 0, "003": 35, "004": 0}
    for submission in seeds.values():
        assert [i.row for i in submission.part1.indicators] == list(range(1, len(submission.part1.indicators) + 1))


def test_a_list_paragraph_gives_one_row_per_item(seeds):
    rows = _rows(seeds["001"])
    assert rows[:5] == [("", "各项工作群众满意率", "大于90%"), ("", "工作完成率", "高于95%"), ("", "党员队伍壮大", ""),
                        ("", "完成党组织换届任务", ""), ("", "意识形态工作提升", "")]
    # an ASCII comma after a target separates two items run together
    assert ("", "新农合参合率", "高于95%") in rows and ("", "城乡居民低保保障率", "高达100%") in rows
    assert all(level3 != "村" for _, level3, _ in rows)


def test_labelled_items_carry_their_second_level(seeds):
    submission = seeds["003"]
    assert _rows(submission)[:7] == [
        ("数量指标", "残疾人保障率", ">=90%"), ("质量指标", "保障金使用质量", ">90%"), ("时效指标", "完成率", ">90%"),
        ("社会效益指标", "社会影响力水平", ">90%"), ("生态效益指标", "保护生态平衡", ">90%"),
        ("可持续影响指标", "长效机制", ">90%"), ("服务对象满意度指标", "群众满意率", ">90%")]
    assert submission.part1.indicators[6].level1 == "满意度指标"  # satisfaction has its own 一级
    first = submission.part1.indicators[0]
    assert (first.level1, first.parsed.kind, first.parsed.comparator, first.parsed.number) == ("产出指标", "percent", "≥", 90)
    # "可持续性发展指标--建立长效机制平衡发展>=95%" is the 可持续影响 category spelled another way
    assert ("可持续影响指标", "建立长效机制平衡发展", ">=95%") in _rows(submission)


@pytest.mark.parametrize("item, expected", [
    ("提高粮食机收率上升10%", ("提高粮食机收率", "上升10%")),  # the opening verb stays in the subject
    ("土地流转比去年提高5%", ("土地流转", "比去年提高5%")),
    ("群众幸福指数较去年同期水平提高", ("群众幸福指数", "较去年同期水平提高")),
    ("使群众满意度幸福指数提高", ("使群众满意度幸福指数", "提高")),  # a change word ending the statement
    ("公共文化服务水平不断提高，促进文化影响力日益扩大", ("公共文化服务水平不断提高，促进文化影响力日益扩大", "")),
    ("群众满意度90%以上", ("群众满意度", "90%以上")),
    ("党员队伍壮大", ("党员队伍壮大", "")),
    ("残疾人保障率>=90%", ("残疾人保障率", ">=90%")),
    ("90%以上", ("90%以上", "")),  # no subject: the item is kept whole
    ("2023年群众满意率达到90%以上", ("2023年群众满意率", "达到90%以上")),  # a year is part of the subject
    ("PM2.5平均浓度低于35微克", ("PM2.5平均浓度", "低于35微克")),
])
def test_split_statement(item, expected):
    assert split_statement(item) == expected


def test_only_indicator_paragraphs_are_read():
    assert narrative_indicators(Narrative(sub_goals=["绩效目标：群众满意率达到90%以上。", "完成率达到95%，保障工作正常开展。",
                                                     "具体为：按时完成数量指标的填报。"])) == []


def test_part1_statements_reach_findings_json_with_a_score():
    case = {"submission": {"part1": {"sub_goals": ["绩效指标：群众满意率达到90%以上；加强服务型政府建设。"]},
                           "tables": [{"project": "示例项目", "indicators": [
                               ["产出指标", "数量指标", "培训人次", "参加培训的人次", "≥300人次", "培训方案"]]}]}}
    submission = submission_from_case(case)
    result = Engine(Config(select=["VALUE_VAGUE"])).audit(submission)
    document = submission.to_dict()
    part1 = document["part1"]["indicators"]
    assert [(i["level3"], i["value"]) for i in part1] == [("群众满意率", "达到90%以上"), ("加强服务型政府建设", "")]
    measurable, vague = (i["specificity"] for i in part1)
    # the engine's scores run Part 1 first, then the tables' rows
    assert measurable > vague and result.scores == [measurable, vague, document["tables"][0]["indicators"][0]["specificity"]]


@pytest.mark.parametrize("paragraph, expected", [
    # a numbered opening, labelled items inside a list, a line break between items, list numbering
    ("一、绩效指标为：1、数量指标：培训人数100人；2、质量指标：合格率达到95%\n工作完成率高于95%.",
     [("产出指标", "数量指标", "培训人数", "100人"), ("产出指标", "质量指标", "合格率", "达到95%"),
      ("", "", "工作完成率", "高于95%")]),
    # satisfaction sits under its own 一级
    ("具体为：满意度指标--群众满意率>=95%。", [("满意度指标", "服务对象满意度指标", "群众满意率", ">=95%")]),
    ("绩效指标：详见各项目绩效目标表", []),  # a pointer, not an indicator
    # a labelled item with only a target: no subject, the target is its value
    ("绩效指标：满意度指标：90%以上；质量指标：≥95%", [("满意度指标", "服务对象满意度指标", "", "90%以上"),
                                                   ("产出指标", "质量指标", "", "≥95%")]),
    # ... also when the target is a word: a checkable outcome or vague words only (vague.yaml)
    ("绩效指标：质量指标：合格；时效指标：按时完成。数量指标：全覆盖；质量指标：良好。",
     [("产出指标", "质量指标", "", "合格"), ("产出指标", "时效指标", "", "按时完成"),
      ("产出指标", "数量指标", "", "全覆盖"), ("产出指标", "质量指标", "", "良好")]),
    ("具体为：1、时效指标--按时 完成；2、数量指标--足额发放。",
     [("产出指标", "时效指标", "", "按时 完成"), ("产出指标", "数量指标", "", "足额发放")]),
    # subjects that contain such a word stay subjects; so does a word with no 二级 label
    ("具体为：社会效益指标--社会稳定，数量指标--完成党组织换届任务，质量指标--保障金使用质量>90%",
     [("效益指标", "社会效益指标", "社会稳定", ""), ("产出指标", "数量指标", "完成党组织换届任务", ""),
      ("产出指标", "质量指标", "保障金使用质量", ">90%")]),
    ("绩效指标：党员队伍壮大；按时完成。", [("", "", "党员队伍壮大", ""), ("", "", "按时完成", "")]),
    # "达标", a conformance, a deadline or frequency the value parser reads, and 按计划 (vague.yaml)
    ("绩效指标：质量指标：达标；质量指标：符合国家标准；时效指标：年底前完成；时效指标：按季度发放；时效指标：按计划完成；"
     "质量指标：提高服务质量",
     [("产出指标", "质量指标", "", "达标"), ("产出指标", "质量指标", "", "符合国家标准"),
      ("产出指标", "时效指标", "", "年底前完成"), ("产出指标", "时效指标", "", "按季度发放"),
      ("产出指标", "时效指标", "", "按计划完成"), ("产出指标", "质量指标", "提高服务质量", "")]),
])
def test_list_and_label_shapes(paragraph, expected):
    got = [(i.level1, i.level2, i.level3, i.value) for i in narrative_indicators(Narrative(sub_goals=[paragraph]))]
    assert got == expected


@pytest.mark.parametrize("paragraphs, expected", [
    # labelled items run together with a comma inside a numbered item
    (["绩效指标：", "1、数量指标--残疾人保障率>=90%，质量指标--保障金使用质量>90%"],
     [("数量指标", "残疾人保障率", ">=90%"), ("质量指标", "保障金使用质量", ">90%")]),
    # （1） items end at the next project's （二） heading (000's layout)
    (["（一）人大和社会监督方面", "绩效指标：", "（1）群众满意率达到90%以上", "（2）会议保障率100%",
      "（二）政府工作运转方面", "绩效指标：公文办理及时率100%"],
     [("", "群众满意率", "达到90%以上"), ("", "会议保障率", "100%"), ("", "公文办理及时率", "100%")]),
    # two levels: 一级 sub-headings, items numbered afresh under each
    (["绩效指标：", "（一）产出指标", "1、培训人数达到100人", "2、培训合格率不低于95%", "（二）效益指标", "1、群众满意率达到90%以上"],
     [("", "培训人数", "达到100人"), ("", "培训合格率", "不低于95%"), ("", "群众满意率", "达到90%以上")]),
    # a 二级 sub-heading labels the items under it
    (["绩效指标：", "（一）数量指标", "1、培训人数达到100人", "（二）质量指标", "1、合格率不低于95%"],
     [("数量指标", "培训人数", "达到100人"), ("质量指标", "合格率", "不低于95%")]),
    # after items with targets, a same-style paragraph without one is the text after the list
    (["绩效指标：", "1、群众满意率达到90%以上", "2、培训人数100人", "3、加强组织领导，确保各项工作落实。"],
     [("", "群众满意率", "达到90%以上"), ("", "培训人数", "100人")]),
    # unnumbered items, while each states a target
    (["绩效指标：", "群众满意率达到90%以上", "培训人数100人", "做好各项工作。"],
     [("", "群众满意率", "达到90%以上"), ("", "培训人数", "100人")]),
    # a wrapped item joins its next line
    (["绩效指标：", "1、全年完成农村道路硬化里程不少于", "10公里；", "2、群众满意率达到90%以上"],
     [("", "全年完成农村道路硬化里程", "不少于10公里"), ("", "群众满意率", "达到90%以上")]),
    # other numberings and openings
    (["绩效指标：", "①群众满意率达到90%", "②培训人数100人"], [("", "群众满意率", "达到90%"), ("", "培训人数", "100人")]),
    (["绩效指标如下：", "1）群众满意率达到90%"], [("", "群众满意率", "达到90%")]),
    (["绩效指标：。", "（1）群众满意率达到90%"], [("", "群众满意率", "达到90%")]),
    # a decimal is not item numbering
    (["绩效指标：", "2.5万元用于购置设备"], []),
    # a labelled deadline is a target, not a subject
    (["绩效指标：时效指标--2023年12月底前完成"], [("时效指标", "", "2023年12月底前完成")]),
])
def test_list_paragraph_shapes(paragraphs, expected):
    got = [(i.level2, i.level3, i.value) for i in narrative_indicators(Narrative(sub_goals=paragraphs))]
    assert got == expected


@pytest.mark.parametrize("paragraphs, expected", [
    # a 一级 sub-heading gives its items that 一级, and no 二级
    (["绩效指标：", "（一）产出指标", "1、培训人数不少于100人次", "2、培训合格率达到95%", "（二）效益指标", "1、群众知晓率提高到90%"],
     [("产出指标", "", "培训人数", "不少于100人次"), ("产出指标", "", "培训合格率", "达到95%"),
      ("效益指标", "", "群众知晓率", "提高到90%")]),
    # "效果指标" is 效益; a 二级 heading or label below a 一级 says more; the next 一级 heading clears
    # the 二级; "（三）满意度指标" numbered like the 一级 headings is the 一级 满意度
    (["绩效指标：", "（一）产出指标", "1、数量指标", "（1）培训人数100人", "2、质量指标", "（1）合格",
      "（二）效果指标", "1、群众知晓率提高到90%", "2、满意度指标：95%以上", "（三）满意度指标", "1、群众满意率≥90%"],
     [("产出指标", "数量指标", "培训人数", "100人"), ("产出指标", "质量指标", "", "合格"),
      ("效益指标", "", "群众知晓率", "提高到90%"), ("效益指标", "服务对象满意度指标", "", "95%以上"),
      ("满意度指标", "服务对象满意度指标", "群众满意率", "≥90%")]),
    # a 二级 heading in another spelling ("可持续性发展指标") is a 二级, not a 一级
    (["绩效指标：", "（一）产出指标", "1、培训人数100人", "（二）效益指标", "1、社会效益指标", "（1）知晓率90%",
      "2、可持续性发展指标", "（1）设施使用年限10年"],
     [("产出指标", "", "培训人数", "100人"), ("效益指标", "社会效益指标", "知晓率", "90%"),
      ("效益指标", "可持续影响指标", "设施使用年限", "10年")]),
    # a 一级 does not make a statement without a target an item: the list still ends there
    (["绩效指标：", "（一）产出指标", "1、培训人数达到100人", "2、培训合格率不低于95%", "3、加强组织领导，确保各项工作落实。"],
     [("产出指标", "", "培训人数", "达到100人"), ("产出指标", "", "培训合格率", "不低于95%")]),
])
def test_first_level_sub_headings(paragraphs, expected):
    got = [(i.level1, i.level2, i.level3, i.value) for i in narrative_indicators(Narrative(overall=paragraphs))]
    assert got == expected


def test_a_list_opening_alone_on_its_line_takes_the_numbered_paragraphs_after_it():
    narrative = Narrative(sub_goals=["一、绩效指标：", "1、群众满意率达到90%以上；", "2、数量指标：培训人数100人。",
                                     "二、工作保障措施完善。", "3、此段不属于指标列表。"],
                          overall=["绩效指标：", "（1）完成率高于95%"])
    got = [(i.row, i.level2, i.level3, i.value) for i in narrative_indicators(narrative)]
    assert got == [(1, "", "完成率", "高于95%"), (2, "", "群众满意率", "达到90%以上"), (3, "数量指标", "培训人数", "100人")]
