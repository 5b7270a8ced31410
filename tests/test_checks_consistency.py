"""Tricky logic of the consistency checks: CONTRADICTION, YEAR_MISMATCH, TEXT_REUSE.

The rule cases (rules/*.yaml) test each check end to end; these tests pin the helpers and the
behaviour on the real seeds that a reviewer checked by hand."""
from __future__ import annotations

import pytest

from auditor.cases import submission_from_case
from auditor.checks import Context, load_checks
from auditor.checks.contradiction import _same, percents, quantities
from auditor.checks.text_reuse import _lexicon_matcher, _spans, nlp
from auditor.checks.year_mismatch import year_mentions
from auditor.rules import load_rules

CHECKS = load_checks()
RULES = load_rules()


def run(code: str, submission) -> list:
    rule = RULES[code]
    ctx = Context(rule=rule, options=dict(rule.options), submission=submission)
    return list(CHECKS[code].run(submission, ctx))


def where(findings) -> set[tuple]:
    return {(f.table, f.row, f.field) for f in findings}


# ------------------------------------------------------------------------------ YEAR_MISMATCH


def test_year_mentions_read_ranges_and_skip_document_numbers():
    ranges = [(m.year, m.low, m.high) for m in year_mentions("中期目标（2023年—2025年），（2021年1月-2021年10月）")]
    assert ranges == [(2023, 2023, 2025), (2025, 2023, 2025), (2021, 2021, 2021), (2021, 2021, 2021)]
    assert year_mentions("冀组发【2018】14号、文发改字（2019）171号、政府令（2014）9号") == []
    assert [m.year for m in year_mentions("2021-25年规划")] == [2021]
    assert year_mentions("2021-25年规划")[0].high == 2025


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("2024年12月底前", True),
        ("完成2024年度整治任务", True),
        ("较2024年提高5%", False),
        ("2024年以来", False),
        ("截止到2024年10月", False),
        ("支付2024年度工程尾款", False),
        ("到2027年实现全覆盖", False),
        ("2025年—2027年", False),
        ("2018年1月16日印发", False),
        ("完成十三五规划目标", True),
    ],
)
def test_year_in_a_2025_table_cell(text, flagged):
    case = {"submission": {"year": 2025, "tables": [{"project": "示例项目", "indicators": [
        ["产出指标", "时效指标", "完成时间", text, "12月底前", "镇工作计划"]]}]}}
    findings = run("YEAR_MISMATCH", submission_from_case(case))
    assert bool(findings) is flagged, [f.message for f in findings]


def test_part1_history_is_not_a_mismatch_but_a_stale_plan_year_is():
    case = {"submission": {"year": 2023, "part1": {"measures": [
        "截止到2022年10月，全镇共办理低保1528人，2022年以来发放临时救助资金65700元。",
        "2021年完成改厕567座。",
        "2022年，我镇将继续加快建设步伐。",
    ]}, "tables": [{"project": "示例项目"}]}}
    findings = run("YEAR_MISMATCH", submission_from_case(case))
    assert [f.evidence for f in findings] == ["2022年，我镇将继续加快建设步伐"]


def test_year_mismatch_on_the_seeds(seeds):
    found = {name: run("YEAR_MISMATCH", sub) for name, sub in seeds.items()}
    assert where(found["002"]) == {(7, 3, "description")}
    assert {f.evidence for f in found["003"]} == {
        "项目主要目标为2023年用于残疾人资金", "项目主要目标为2024年保障本乡镇安人武、党团妇建设、纪检、宣传经费"}
    assert found["000"] == []  # 2018年1月16日印发, 2023年8月底, 【2019】 …
    # dated wording (outdated boilerplate, medium): 2023 texts still aiming at 小康 and the 19th congress
    assert [(f.table, f.rule, f.evidence, f.severity) for f in found["001"]] == [
        (0, "YEAR_MISMATCH.dated-wording", "为全面建成小康社会", "medium")]
    assert where(found["004"]) == {(16, None, "goal")}
    assert "十九大精神" in found["004"][0].message and "二十大" in found["004"][0].message


@pytest.mark.parametrize(
    ("year", "text", "flagged"),
    [
        (2023, "为全面建成小康社会提供有力支撑", True),
        (2021, "为全面建成小康社会提供有力支撑", False),  # a 2021 budget was drafted in 2020
        (2023, "我镇已全面建成小康社会", False),
        (2023, "在全面建成小康社会的基础上", False),
        (2023, "严格贯彻落实党的十九大精神", True),
        (2022, "严格贯彻落实党的十九大精神", False),
        (2023, "党的十九大以来", False),
        (2023, "深入贯彻党的二十大精神", False),
        (2022, "打赢脱贫攻坚战", True),
        (2023, "巩固拓展脱贫攻坚成果", False),
        (2026, "全面完成十四五规划目标", True),
        (2020, "编制十四五规划", False),
        (2024, "做好常态化疫情防控", True),
    ],
)
def test_dated_wording(year, text, flagged):
    case = {"submission": {"year": year, "part1": {"overall": [text]}, "tables": [{"project": "示例项目"}]}}
    findings = run("YEAR_MISMATCH", submission_from_case(case))
    assert bool(findings) is flagged, [f.message for f in findings]


# ------------------------------------------------------------------------------ TEXT_REUSE


def test_the_private_segmenter_keeps_lexicon_terms_whole_and_leaves_global_jieba_alone():
    words = [t.text for t in nlp()("工资发放后，我单位凤还巢大学生村干部办公效率；公岗满三年工资支出")]
    assert "凤还巢" in words and "公岗" in words
    import jieba

    assert "公岗" not in jieba.dt.FREQ  # textsim's jieba is untouched
    assert [x[1] for x in _spans("用于为各村网格员发放补贴", _lexicon_matcher())] == ["网格员"]
    assert _spans("临时工作任务", _lexicon_matcher()) == []


def test_text_reuse_on_the_seeds(seeds):
    found = {name: run("TEXT_REUSE", sub) for name, sub in seeds.items()}
    assert where(found["001"]) == {(1, 4, "indicator"), (2, 4, "indicator"), (2, 6, "description"), (18, 5, "basis"),
                                   (0, None, "narrative"),  # 现代地方财政: the finance bureau's mission
                                   (11, 4, "indicator"),  # 补偿金额 in a 人大代表联络站 table
                                   (19, 2, "indicator"),  # 工资发放率 in a 交通补贴 table
                                   (24, 4, "description")}  # 工程量 in a printing / office table
    assert {(f.table, f.row): f for f in found["001"]}[(11, 4)].severity == "medium"
    assert {(1, None, "goal"), (2, None, "goal")} <= where(found["002"])  # 自评结论; 基本报酬
    assert (15, 5, "basis") in where(found["004"]) and "表17" in next(
        f.message for f in found["004"] if (f.table, f.row) == (15, 5))  # 税收完成情况 (表17 征地: 增加税收)
    by_place = {(f.table, f.row): f for f in found["001"]}
    assert by_place[(2, 6)].severity == "high" and "表1" in by_place[(2, 6)].message
    assert "表7" in by_place[(1, 4)].message
    assert by_place[(18, 5)].severity == "medium"
    assert (1, 6, "description") in where(found["004"])  # 综治 in 武装工作经费
    assert (0, None, "narrative") in where(found["004"])  # 上报区民政局
    assert {(9, 6, "indicator"), (9, 7, "description"), (3, 6, "indicator")} <= where(found["002"])
    assert where(found["003"]) == {(2, 7, "indicator"), (4, 7, "indicator"), (5, 7, "indicator")}  # 生态平衡
    assert {f.severity for f in found["003"]} == {"medium"}


def test_own_subject_and_related_subject_are_not_reuse():
    case = {"submission": {"year": 2023, "unit_name": "某县某镇人民政府", "tables": [
        {"project": "军队退役人员公益性岗位补贴", "fund_use": "为公益性岗位人员发放工资",
         "goals": ["提高退役士兵工作热情"],
         "indicators": [["产出指标", "数量指标", "发放人数", "我单位公岗人数", "20人", "名单"]]},
        {"project": "退役军人服务站经费", "fund_use": "用于服务站运转",
         "indicators": [["产出指标", "数量指标", "走访优抚对象", "走访优抚对象户数", "120户", "台账"]]},
    ]}}
    assert run("TEXT_REUSE", submission_from_case(case)) == []


def test_a_district_unit_may_speak_of_its_district():
    case = {"submission": {"year": 2023, "unit_name": "唐山市路北区果园街道办事处",
                           "part1": {"overall": ["配合区民政局做好全区低保动态管理。"]},
                           "tables": [{"project": "社区运转经费", "goals": ["做好本街道环保工作"]}]}}
    assert run("TEXT_REUSE", submission_from_case(case)) == []


# ------------------------------------------------------------------------------ CONTRADICTION


def test_number_helpers():
    assert _same(239.262, 239.26) and _same(128.6095, 128.61) and not _same(99, 90)
    assert [p.number for p in percents("满意人数÷调查人数×100%，满意度达到90%以上")] == [90.0]
    qty = quantities("对全部49个行政村")[0]
    assert (qty.number, qty.unit) == (49.0, "村")


def test_contradiction_on_the_seeds(seeds):
    found = {name: run("CONTRADICTION", sub) for name, sub in seeds.items()}
    assert where(found["000"]) == {(3, 10, "value"),  # 满意度达到90%以上 vs 100百分比
                                   (4, 1, "indicator"),  # 工程完工率 vs 3360平方米
                                   (7, 7, "description")}  # 使用年限 / ≥15年 vs 描述“验收及时率”
    assert where(found["002"]) == {(1, None, "goal")}  # 满意率在99%以上 vs ≥90百分率
    # 239.262亩 vs 239.26亩 is rounding; 及时发放率 / 完成率 with 12月底前, 支出完成时间 with ≥95%
    assert where(found["001"]) == {(7, 3, "indicator"), (10, 2, "indicator"), (10, 3, "indicator"),
                                   (19, 3, "indicator")}
    assert {f.rule for f in found["001"]} == {"CONTRADICTION.name-vs-value"}
    assert {f.severity for f in found["001"]} == {"medium"}
    part1 = [f for f in found["003"] if f.field == "narrative"]
    assert len(part1) == 9 and len({f.evidence for f in part1}) == 9  # never merged by the engine
    assert {f.rule for f in found["003"] if f.field != "narrative"} == set()
    assert where(found["004"]) == {(7, 3, "description"),  # 按季度 vs 3月底 100%
                                   (8, 4, "description"),  # 村年均标准 vs 245万元 = 预算数
                                   (8, 5, "value"),  # 环境的改善 vs 解决200人就业
                                   (14, 1, "value")}  # 办公人数140人 vs 表2 133人
    # 人均6400元 = 预算数 is COST_MISMATCH.per-unit; 维持安监工作正常运转 is VALUE_VAGUE's


@pytest.mark.parametrize(
    ("name", "description", "value", "level2", "flagged"),
    [
        ("及时发放率", "该笔资金发放完成的时间", "12月底前", "时效指标", True),
        ("资金拨付及时率", "按期拨付金额÷应拨付金额×100%", "≥95%", "时效指标", False),
        ("完成时间", "工程完工验收的时间", "≥95%", "时效指标", True),
        ("完成时间", "工程完工验收的时间", "10月底前", "时效指标", False),
        ("硬化面积", "验收合格硬化面积", "3360平方米", "数量指标", False),
        ("发放人数", "应发放人数", "100%", "数量指标", False),  # VALUE_KIND's: percent as 数量
        ("巡查频率", "每月巡查次数", "2次/月", "时效指标", False),
        ("降低出行成本", "群众出行成本较上年降低的比例", "≥10%", "经济效益指标", False),
        ("使用年限", "项目建成后正常使用的年限", "≥15年", "可持续影响指标", False),
        ("使用年限", "项目验收及时率", "≥15年", "可持续影响指标", True),
        ("群众满意度", "满意人数÷调查人数×100%", "≥90分", "服务对象满意度指标", False),
    ],
)
def test_name_description_and_value_measure_the_same(name, description, value, level2, flagged):
    level1 = "满意度指标" if "满意" in level2 else "效益指标" if "效益" in level2 or "可持续" in level2 else "产出指标"
    case = {"table": {"project": "示例项目", "indicators": [[level1, level2, name, description, value, "计划标准"]]}}
    findings = run("CONTRADICTION", submission_from_case(case))
    assert bool(findings) is flagged, [f.message for f in findings]


def test_project_code_year():
    def codes(code, project="卫生院门诊楼维修项目"):
        case = {"submission": {"year": 2024, "tables": [{"project": project, "project_code": code}]}}
        return [(f.rule, f.confidence) for f in run("YEAR_MISMATCH", submission_from_case(case))]

    assert codes("13112523P00012345678A") == [("YEAR_MISMATCH.project-code", 0.7)]
    assert codes("13112525P00012345678A") == [("YEAR_MISMATCH.project-code", 0.9)]
    assert codes("13112524P00012345678A") == []
    assert codes("13112523P00012345678A", project="2023年结转门诊楼维修项目") == []  # carried over
    assert codes("QHYZB-2019-649") == []


@pytest.mark.parametrize(
    ("sentence", "flagged"),
    [
        ("我镇圆满完成了2022年度各项目标任务。", False),
        ("已完成2022年度绩效自评。", False),
        ("做好2022年度部门预算绩效自评工作。", False),
        ("编制2024年部门预算。", False),
        ("确保完成2022年度各项目标任务。", True),
        ("项目主要目标为2022年保障人大工作经费。", True),
        ("2022年，我镇将继续推进农村人居环境整治。", True),
        ("孤树镇2022年乡镇公用经费年初预算共分为五项。", True),
        ("石门镇2022年部门预算绩效文本", True),
    ],
)
def test_part1_years_in_a_2023_text(sentence, flagged):
    case = {"submission": {"year": 2023, "part1": {"measures": [sentence]}, "tables": [{"project": "示例项目"}]}}
    assert bool(run("YEAR_MISMATCH", submission_from_case(case))) is flagged
