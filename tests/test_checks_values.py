"""Tricky logic of the value and money checks: VALUE_DIRECTION, VALUE_VAGUE, VALUE_IMPLAUSIBLE,
COST_MISMATCH, SCHEDULE_ERROR — the helpers on invented rows, and the checks on the seeds
(what a reviewer sends back, and what must stay silent)."""
from __future__ import annotations

import pytest

from auditor import values
from auditor.cases import table_from_case
from auditor.checks.cost_mismatch import project_months
from auditor.checks.schedule_error import period_month
from auditor.checks.value_vague import classify
from auditor.domain import is_category_label, polarity, undefined_percent
from auditor.config import Config
from auditor.engine import Engine
from auditor.schema import Indicator

CODES = ["VALUE_DIRECTION", "VALUE_VAGUE", "VALUE_IMPLAUSIBLE", "COST_MISMATCH", "SCHEDULE_ERROR"]


def row(level2: str, level3: str, value: str, description: str = "", level1: str = "") -> Indicator:
    level1 = level1 or ("满意度指标" if "满意" in level2 else "效益指标" if "效益" in level2 or "可持续" in level2 else "产出指标")
    ind = Indicator(1, level1, level2, level3, description, value, "")
    ind.parsed = values.parse_value(value)
    return ind


@pytest.mark.parametrize(
    ("level2", "level3", "value", "description", "sign"),
    [
        ("数量指标", "发放人数", "≤3人", "", "+"),
        ("质量指标", "工资发放率", "≤100%", "", "+"),
        ("成本指标", "村补助标准", "≥8000元", "平均每村补助金额", "-"),
        ("成本指标", "成本指标", "≥21.23万元", "平均每月卫生保洁费", "-"),
        ("经济效益指标", "带动农户增收", "≥500元/户", "", "+"),
        ("经济效益指标", "挽回经济损失", "≥20万元", "", "+"),
        ("时效指标", "重建工期", "≤90天", "", "-"),
        ("时效指标", "不动产登记办理时限", "≥5个工作日", "", "-"),
        ("可持续影响指标", "桥梁正常使用年限", "≥10年", "", "+"),
        ("社会效益指标", "群众有效投诉次数", "≥2次", "", "-"),
        ("社会效益指标", "投诉办结率", "≥95%", "", "+"),
        ("生态效益指标", "能耗降低率", "≥5%", "", "+"),
        ("质量指标", "设备故障率", "≤2%", "", "-"),
        ("服务对象满意度指标", "群众满意度", "≤95%", "", "+"),
        ("服务对象满意度指标", "居民出行平均缩短时间", "≥0.5小时", "", None),
        ("数量指标", "排查安全隐患处数", "≥120处", "", "+"),
        ("数量指标", "每班学生人数", "≤45人", "", None),
    ],
)
def test_polarity(level2, level3, value, description, sign):
    pol = polarity(row(level2, level3, value, description))
    assert (pol.sign if pol else None) == sign


def test_cost_rates_are_left_to_value_kind():
    assert polarity(row("成本指标", "成本控制率", "≤100%")) is None
    assert polarity(row("成本指标", "预算执行率", "≥95%")) is None


def test_category_label_names_fall_back_to_the_description():
    assert is_category_label("成本指标") and is_category_label("社会效益指标") and is_category_label("数量")
    assert not is_category_label("社会效益增加率")
    pol = polarity(row("社会效益指标", "社会效益指标", "≤100%", "受益群众覆盖率"))
    assert pol is not None and pol.sign == "+" and not pol.strong


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("有很大提高", "vague"), ("及时拨付资金", "vague"), ("社会稳定", "vague"), ("优良", "vague"),
        ("维持单位正常运转", "vague"), ("征兵工作顺利完成", "vague"), ("按统一安排执行", "vague"),
        ("完成税收收入", "vague"), ("符合相关规定", "vague"), ("程度较高", "vague"),
        ("合格", "checkable"), ("验收合格", "checkable"), ("通过验收", "checkable"), ("全覆盖", "checkable"),
        ("达到GB 18918一级B标准", "checkable"), ("Ⅲ类水质", "checkable"), ("达到国家二级标准", "checkable"),
        ("符合《城镇污水处理厂污染物排放标准》", "checkable"), ("未发生重大安全事故", "checkable"),
        ("无安全事故", "checkable"), ("足额发放", "checkable"), ("是", "checkable"),
        ("建成并投入使用", "checkable"), ("全部拨付到位", "checkable"), ("垃圾日产日清", "checkable"),
        ("正常运行", "vague"), ("达到预期", "vague"), ("按合同约定时间完成", "vague"),
        ("安全生产达标", "no-standard"),
    ],
)
def test_vague_classification(text, verdict):
    assert classify(text)[0] == verdict


def test_schedule_period_months():
    assert [period_month(p) for p in ("3月底", "6 月底", "10月末", "12月", "第一季度", "上半年", "全年", "年底")] == [
        3, 6, 10, 12, 3, 6, 12, 12]
    assert period_month("其他") is None


def test_project_months_from_the_project_period():
    table = table_from_case({"project": "农村环境卫生保洁服务费（2021年1月-2021年10月）"})
    assert project_months(table) == 10
    assert project_months(table_from_case({"project": "环保所建设"})) == 12
    assert project_months(table_from_case({"project": "冬季清雪", "fund_use": "用于3个月的清雪作业"})) == 3


def audit(submission, *codes):
    return Engine(Config(select=list(codes or CODES))).audit(submission).findings


def at(findings, table, row=None, code=None):
    return [f for f in findings if f.table == table and (row is None or f.row == row)
            and (code is None or f.category == code)]


def test_seed_directions(seeds):
    found = audit(seeds["001"], "VALUE_DIRECTION")
    assert {(f.table, f.row) for f in found} == {(1, 1), (1, 2), (2, 1), (2, 2), (4, 1), (6, 5), (7, 1), (19, 1)}
    found = audit(seeds["002"], "VALUE_DIRECTION")
    assert {(f.table, f.row) for f in found} == {(1, 4), (2, 4), (3, 4), (6, 4), (7, 4), (9, 4)}
    assert all(f.rule == "VALUE_DIRECTION.negative-floored" for f in found)
    # a cost "是否超标" asked to be ≥100 %
    assert [(f.table, f.row) for f in audit(seeds["000"], "VALUE_DIRECTION")] == [(5, 5)]
    for seed in ("003", "004"):
        assert audit(seeds[seed], "VALUE_DIRECTION") == []


def test_seed_money(seeds):
    found = audit(seeds["000"], "COST_MISMATCH")
    assert [(f.table, f.row, f.rule) for f in found] == [(6, 5, "COST_MISMATCH.over-budget")]
    found = audit(seeds["004"], "COST_MISMATCH")
    assert [(f.table, f.row, f.rule) for f in found] == [(9, 4, "COST_MISMATCH.per-unit")]
    # 1.96万元×33村, 8000元×33, 4166元×12月, 3600元×39人, 3.24万元×33, 21.23万元×10个月: all add up
    assert audit(seeds["002"], "COST_MISMATCH") == []
    # 50盏×1200元 + 3600㎡×178元 + 500米×600元 = 100.08万元 > 100万元: 800元 over, reported at medium;
    # 5元/份×4000 + 1元/张×30000 = 5万元 exactly
    found = audit(seeds["001"], "COST_MISMATCH")
    assert [(f.table, f.row, f.rule, f.severity) for f in found] == [(3, 2, "COST_MISMATCH.sum-over", "medium")]
    assert "1000800元" in found[0].message and "多出800元" in found[0].message and found[0].confidence < 1


def test_seed_schedules(seeds):
    found = audit(seeds["004"], "SCHEDULE_ERROR")
    by_table = {f.table: f.rule for f in found}
    assert by_table == {
        3: "SCHEDULE_ERROR.short", 5: "SCHEDULE_ERROR.short", 16: "SCHEDULE_ERROR.short",
        7: "SCHEDULE_ERROR.front-loaded", 14: "SCHEDULE_ERROR.front-loaded", 15: "SCHEDULE_ERROR.front-loaded",
        11: "SCHEDULE_ERROR.blank",
    }
    assert all(f.row is None and f.field == "schedule" for f in found)
    # amounts under a "（%）" header that end at the 预算数 are a correct cumulative plan
    assert {f.table for f in audit(seeds["001"], "SCHEDULE_ERROR")} == {8, 9, 12, 14, 16, 20, 23}
    assert [(f.table, f.rule) for f in audit(seeds["002"], "SCHEDULE_ERROR")] == [(9, "SCHEDULE_ERROR.blank")]
    assert audit(seeds["000"], "SCHEDULE_ERROR") == [] and audit(seeds["003"], "SCHEDULE_ERROR") == []


def test_seed_vague_and_implausible(seeds):
    vague = audit(seeds["004"], "VALUE_VAGUE")
    assert len(vague) == 41 and all(f.field == "value" for f in vague)
    assert not at(vague, 14, 1)  # "办公人数140人，行政村49个" is a count
    assert not at(vague, 8, 5)  # "解决全镇200个人口就业问题" has a number
    assert not at(vague, 9, 3)  # "按季度发放" is a period
    # the cut-off last row is not a blank value; ">90%" of 社会稳定/质量/经济发展 defines no share
    vague = audit(seeds["003"], "VALUE_VAGUE")
    assert vague and all(f.rule == "VALUE_VAGUE.percent-undefined" and f.confidence < 1 for f in vague)
    assert {(t, 6) for t in range(1, 6)} | {(t, 2) for t in range(1, 5)} <= {(f.table, f.row) for f in vague}
    assert not at(vague, 5, 7)
    implausible = audit(seeds["001"], "VALUE_IMPLAUSIBLE")
    rules = sorted((f.rule for f in implausible))
    assert rules.count("VALUE_IMPLAUSIBLE.effect-claim") == 12  # 办公效率提高≥50% …
    # one-off land compensation claimed as 增收 in the six 占地/土地补偿 tables
    assert {(f.table, f.row) for f in implausible if f.rule.endswith("compensation-income")} == {
        (8, 5), (12, 5), (15, 5), (16, 6), (20, 5), (23, 5)}
    # Part 1 of 003: "资金支出进度…分别达到325%、50%、75%、100%"
    [part1] = audit(seeds["003"], "VALUE_IMPLAUSIBLE")
    assert (part1.table, part1.field, part1.severity) == (0, "narrative", "high") and "325%" in part1.evidence
    sat = audit(seeds["004"], "VALUE_IMPLAUSIBLE")
    assert {f.table for f in sat} == {1, 7, 8, 9, 11, 12} and all(f.severity == "medium" for f in sat)


def test_findings_quote_the_document(seeds):
    for seed, submission in seeds.items():
        for finding in audit(submission):
            assert finding.evidence and finding.message and finding.suggestion, (seed, finding)
            assert finding.evidence in finding.message or finding.field == "schedule" or finding.rule.endswith("blank")


def test_unit_slip_and_sum_over_on_invented_tables():
    from auditor.cases import submission_from_case

    case = {"submission": {"tables": [
        {"project": "图书室运行经费", "money_unit": "万元", "budget": 3.0,
         "indicators": [["产出指标", "成本指标", "图书购置总成本", "全年购书支出", "≤30000万元", "预算标准"]]},
        {"project": "每人每月补贴", "budget": 60000,
         "indicators": [["产出指标", "数量指标", "保洁员人数", "聘用保洁员", "10人", "合同"],
                        ["产出指标", "成本指标", "保洁员补贴标准", "每人每月补贴", "≤800元", "县定标准"]]},
    ]}}
    found = audit(submission_from_case(case), "COST_MISMATCH")
    assert [(f.table, f.rule) for f in found] == [(1, "COST_MISMATCH.unit-slip"), (2, "COST_MISMATCH.per-unit")]
    # 800元 × 10人 × 12月 = 96000元 > 60000元
    assert "96000元" in found[1].message


def test_money_described_twice_is_not_added_up():
    from auditor.cases import submission_from_case

    case = {"submission": {"tables": [
        {"project": "大学生村干部工资", "money_unit": "万元", "budget": 11.0,
         "indicators": [["产出指标", "数量指标", "发放人数", "村干部人数", "3人", "安排"],
                        ["产出指标", "成本指标", "工资支出", "全年工资支出", "≤11万元", "安排"],
                        ["产出指标", "成本指标", "人均工资", "人均年工资", "≤3.67万元/人", "标准"]]},
        {"project": "再生资源回收市场管理经费", "money_unit": "万元", "budget": 3.0,
         "indicators": [["产出指标", "成本指标", "出差总成本", "", "＝1万元", ""],
                        ["产出指标", "成本指标", "劳务人员总成本", "", "＝2万元", ""],
                        ["产出指标", "成本指标", "办公费总成本", "", "＝1万元", ""]]},
    ]}}
    found = audit(submission_from_case(case), "COST_MISMATCH")
    # table 1: 3.67万×3 ≈ 11万 is the same money as the 11万 total; table 2: 1+2+1 = 4万 > 3万
    assert [(f.table, f.rule) for f in found] == [(2, "COST_MISMATCH.sum-over")]


def test_schedule_amounts_in_the_other_unit_are_read_as_such():
    from auditor.cases import submission_from_case

    case = {"submission": {"tables": [
        {"project": "文明创建经费", "budget": 130000,
         "schedule": [["3月底", "3.25"], ["6月底", "6.50"], ["10月底", "9.75"], ["12月底", "13.00"]]},
        {"project": "文明创建经费", "budget": 130000,
         "schedule": [["3月底", "32500"], ["6月底", "65000"], ["10月底", "97500"], ["12月底", "120000"]]},
    ]}}
    found = audit(submission_from_case(case), "SCHEDULE_ERROR")
    assert [(f.table, f.rule) for f in found] == [(2, "SCHEDULE_ERROR.short")]


@pytest.mark.parametrize(
    ("level2", "level3", "description", "value", "state"),
    [
        ("社会效益指标", "保障社会稳定", "社会稳定发展，群众安居乐业", ">90%", "社会稳定"),
        ("社会效益指标", "社会影响力", "工作得到广大受众的充分认可", "≥90百分率", "社会影响力"),
        ("质量指标", "污水的水质提升效率", "全镇33个村污水的水质提升效率", "≥90%", "水质"),
        ("可持续影响指标", "社会稳定水平", "社会稳定水平较去年同期提高的比率", "≥5%", "社会稳定"),
        ("社会效益指标", "社会效益增加率", "社会效益增加率大于等于90%得10分", "≥90%", "社会效益"),
        ("可持续影响指标", "镇容镇貌，方便居民", "力争让全镇村居民方便美化镇区", "100%", "镇容"),
        # a share is named: defined
        ("质量指标", "环境卫生达标率", "检查达标村数占全部村数的比例", "≥95%", None),
        ("生态效益指标", "森林覆盖率", "森林面积占国土面积比例", "≥30%", None),
        ("社会效益指标", "群众安全感", "感到安全的人数占受访人数的比例", "≥95%", None),
        ("质量指标", "提高验收合格率", "验收合格工程占完工工程", "≥95%", None),
        # a change of something measurable is VALUE_IMPLAUSIBLE's to size up, not undefined
        ("社会效益指标", "办公效率提高比例", "经费支出后办公效率提高的比率", "≥50%", None),
        # other categories, other kinds of value, a description that only repeats the name
        ("数量指标", "社会稳定", "社会稳定", "100%", None),
        ("服务对象满意度指标", "社会影响力", "群众评价", "≥90%", None),
        ("社会效益指标", "保障社会稳定", "社会稳定", "社会稳定", None),
        ("生态效益指标", "环境卫生水平", "环境卫生水平", "100%", None),
    ],
)
def test_undefined_percent(level2, level3, description, value, state):
    found = undefined_percent(row(level2, level3, value, description))
    assert (found.state if found else None) == state


def test_one_defect_one_category_for_an_undefined_percentage():
    """"居住环境提高 | 环境提升 | 100%": VALUE_VAGUE's, not also VALUE_IMPLAUSIBLE's."""
    from auditor.cases import submission_from_case

    case = {"table": {"project": "人居环境整治", "budget": 875988, "indicators": [
        ["效益指标", "社会效益指标", "居住环境提高", "环境提升", "100%", "计划"],
        ["效益指标", "社会效益指标", "社会效益增加率", "社会效益增加率大于等于90%得10分", "≥90%", "方案"],
        ["效益指标", "社会效益指标", "办公效率提高比例", "经费支出后办公效率提高的比率", "≥50%", "统计"]]}}
    found = audit(submission_from_case(case), "VALUE_VAGUE", "VALUE_IMPLAUSIBLE")
    assert sorted((f.row, f.rule) for f in found) == [
        (1, "VALUE_VAGUE.percent-undefined"), (2, "VALUE_VAGUE.percent-undefined"),
        (3, "VALUE_IMPLAUSIBLE.effect-claim")]


def test_compensation_is_not_income_but_ecological_compensation_may_be():
    from auditor.cases import submission_from_case

    claim = ["效益指标", "社会效益指标", "补助人群生活改善情况", "补助资金发放后与发放前相比增收的比例", "≥10%", "协议"]
    case = {"submission": {"tables": [
        {"project": "乡卫生院土地补偿", "fund_use": "用于为失地村民发放土地补偿款", "indicators": [claim]},
        {"project": "公益林生态补偿", "fund_use": "发放生态效益补偿资金", "indicators": [claim]},
    ]}}
    found = audit(submission_from_case(case), "VALUE_IMPLAUSIBLE")
    assert [(f.table, f.rule, f.confidence) for f in found] == [(1, "VALUE_IMPLAUSIBLE.compensation-income", 0.7)]


def test_cost_percentages_have_a_direction_only_when_they_name_an_overspend():
    assert polarity(row("成本指标", "幼儿园支出是否超标", "≥100%")).sign == "-"
    assert polarity(row("成本指标", "超支率", "≤5%")).sign == "-"
    assert polarity(row("成本指标", "成本控制率", "≤100%")) is None


def test_value_direction_keeps_its_old_names():
    from auditor.checks import value_direction

    assert value_direction.polarity is polarity and value_direction.is_category_label is is_category_label
