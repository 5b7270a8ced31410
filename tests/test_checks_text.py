"""The text-echo family: GOAL_DUP, GOAL_ECHO, DESC_ECHO, BASIS_ECHO, DUP_WORD (and GOAL_PLACEHOLDER
on the seeds). Unit tests for the tricky logic, invented variants the YAML cases do not cover, and
what the checks must (and must not) report on the five real seeds."""
from __future__ import annotations

import pytest

from auditor import textsim
from auditor.cases import submission_from_case
from auditor.checks import Context, load_checks
from auditor.checks.basis_echo import judge as basis_judge
from auditor.checks.desc_echo import judge as desc_judge
from auditor.checks.dup_word import find_repeats
from auditor.checks.goal_dup import duplicate_kind
from auditor.checks.goal_echo import echo_kind
from auditor.engine import dedupe
from auditor.rules import load_rule
from auditor.schema import Indicator

from .conftest import REPO

CHECKS = load_checks()


def run(code: str, submission):
    """Run one check with its bundled options (independent of the other rules files)."""
    rule = load_rule(REPO / "rules" / f"{code}.yaml")
    ctx = Context(rule=rule, options=dict(rule.options), submission=submission)
    return dedupe(list(CHECKS[code].run(submission, ctx)))


def options(code: str) -> dict:
    return dict(load_rule(REPO / "rules" / f"{code}.yaml").options)


def indicator(level2: str, name: str, desc: str, value: str = "≥90%", basis: str = "计划标准") -> Indicator:
    return Indicator(1, "产出指标", level2, name, desc, value, basis)


# ---------------------------------------------------------------------------------------- DUP_WORD


@pytest.mark.parametrize("text, unit", [
    ("引进高科技高科技、无污染大型项目", "高科技"),
    ("保障办公人数数", "数"),
    ("保障全镇行政村个数数", "数"),
    ("经费保障及及时性", "及"),
    ("提出提高资金使用效益的意见意见；", "意见"),
    ("提高农产品产量和产量，优化结构", "产量"),
    ("积极宣传各种优惠政策政策，加强沟通", "政策"),
    ("做到应保尽保、应纳应纳", "应纳"),
    ("用于环保所购置购置办公用品", "购置"),
    ("上届水平；村；村务公开率", "村"),
    ("发放补偿款，，维护社会稳定", "，"),
    ("分别达到25%、100%。。项目共设", "。"),
    ("提高了了群众满意度", "了"),
    ("维护社会稳定；维护社会稳定", "维护社会稳定"),
    ("组织开展开展活动", "开展"),
])
def test_dup_word_finds_slips(text, unit):
    assert [r.unit for r in find_repeats(text)] == [unit]


@pytest.mark.parametrize("text", [
    "确保安全生产层层抓、层层管、层层负责",
    "形成人人学绩效、处处讲绩效的良好氛围",
    "常常深入基层，天天打扫，年年有余",
    "家家户户用上自来水，干干净净过春节",
    "推进村村通、户户通工程",
    "一个个难题逐步化解，一步一步推进",
    "经济蒸蒸日上，不了了之的问题要追责",
    "大家研究研究再定，组织学习学习",
    "严格执行《中国共产党党内监督条例》",
    "指导城市市容环境治理，各村环境整治治理",
    "直接接触，退职职工，重要要求，团建建设运转",
    "加强企业与企业之间的协作，省级和省级以下单位",
    "学生和学生家长满意度，党员和党员干部",
    "实现目的的途径，的的确确",
    "抓好基层组织，基层组织是战斗力的基础",
    "早中晚三报，面对面服务，一对一帮扶",
    "资金金额拨付，临时工工资发放",
    "合格率达到100%，全年12次",
    "",
])
def test_dup_word_leaves_legitimate_repetition(text):
    assert find_repeats(text) == []


def test_dup_word_on_seeds_reports_exactly_the_slips(seeds):
    found = {(name, f.table, f.row, f.field, f.evidence) for name, sub in seeds.items() for f in run("DUP_WORD", sub)}
    assert {(n, t, r, fld) for n, t, r, fld, _ in found} == {
        ("000", 0, None, "narrative"),  # 高科技高科技 / 产量和产量
        ("001", 0, None, "narrative"),  # 村；村
        ("001", 12, None, "goal"),  # ，，
        ("002", 0, None, "narrative"),  # 应纳应纳
        ("002", 3, None, "budget"),  # 购置购置
        ("003", 0, None, "narrative"),  # 政策政策 / 100%。。
        ("004", 0, None, "narrative"),  # 意见意见 / repeated heading
        ("004", 2, 1, "indicator"),  # 保障办公人数数
        ("004", 3, 1, "description"),  # 保障全镇行政村个数数
        ("004", 8, 3, "indicator"),  # 经费保障及及时性
        ("004", 14, 3, "indicator"),
    }
    quotes = "|".join(e for *_, e in found)
    for slip in ("高科技高科技", "产量和产量", "村；村", "，，", "应纳应纳", "购置购置", "政策政策", "。。",
                 "意见意见", "人数数", "个数数", "及 及时"):
        assert slip in quotes, slip


# ---------------------------------------------------------------------------------------- GOAL_DUP


def _dup(a: str, b: str):
    o = options("GOAL_DUP")
    return duplicate_kind(a, b, o["trivial_words"], o["min_ratio"], o["max_diff_chars"])


def test_goal_dup_kinds():
    assert _dup("1.创建全国文明县城", "2、创建全国文明县城。") == "identical"
    assert _dup("维护社会的稳定", "维护社会稳定") == "near"
    assert _dup("全镇河道常年保持水面清洁，无垃圾漂浮物", "全镇河道常年保持水面清洁，无垃圾飘浮物") == "near"
    # a shared boilerplate clause with different aims is two goals
    assert _dup("及时足额发放占地补偿款，维护社会稳定。", "及时足额发放占地补偿款，改善失地群众生活水平。") is None
    assert _dup("增加大留庄村基础设施建设费用，能更好的改善大留庄村内的基础设施。",
                "增加大留庄村基础设施建设费用，能使大留庄村内人居环境得到整治提升。") is None
    # a different number is a different target
    assert _dup("6月底前完成3个村道路硬化", "6月底前完成5个村道路硬化") is None


def test_goal_dup_one_finding_per_group():
    sub = submission_from_case({"table": {"goals": ["甲目标内容一致", "乙目标另有所指", "甲目标内容一致",
                                                    "丙目标明确可考", "丙目标明确可考"]}})
    found = run("GOAL_DUP", sub)
    assert len(found) == 2
    assert {"1、3", "4、5"} == {f.message[4:7] for f in found}


def test_goal_dup_on_seeds(seeds):
    tables = {name: sorted(f.table for f in run("GOAL_DUP", sub)) for name, sub in seeds.items()}
    assert tables["000"] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert tables["001"] == [2, 15, 24]
    assert tables["002"] == tables["003"] == tables["004"] == []


# ---------------------------------------------------------------------------------------- GOAL_ECHO


def _echo(goal, project, fund_use):
    o = options("GOAL_ECHO")
    return echo_kind(goal, project, fund_use, max_new=o["max_new_chars"], min_share=o["min_share"],
                     min_ratio=o["min_ratio"], min_cover=o["min_cover"])


def test_goal_echo_kinds():
    assert _echo("创建全国文明县城", "德归镇创建全国文明县城工作经费", "创建全国文明县城")[0] == "same-as-fund-use"
    assert _echo("幼儿园专项公用经费", "幼儿园专项公用经费", "保障幼儿园运转")[0] == "same-as-name"
    assert _echo("保证综合服务中心工作的正常运转。", "综合服务中心建设经费", "用于综合服务中心的办公运转")[0] == "restated"
    assert _echo("2021年维护我镇的信访稳定", "维稳及综治专项补助经费", "用于维护我镇的信访稳定")[0] == "restated"
    # a target makes it a goal
    assert _echo("12月底前完成便道硬化5358平方米", "便道硬化工程经费", "便道硬化") is None
    assert _echo("便道硬化验收合格率100%", "便道硬化工程经费", "便道硬化") is None
    assert _echo("提高凤还巢大学生村干部的干事热情。", "“凤还巢”大学生村干部工资及保险",
                 "用于发放凤还巢大学生村干部工资及缴纳保险") is None
    assert _echo("完成2025年绩效目标", "残疾人保障金", "用于残疾人保障金") is None  # GOAL_PLACEHOLDER's
    assert _echo("保护农村环境", "农村环境卫生保洁服务费", "清理清运农村建筑垃圾和生活垃圾") is None  # vague, not a copy


def test_goal_echo_once_per_distinct_goal_and_alongside_goal_dup(seeds):
    found = run("GOAL_ECHO", seeds["000"])
    assert sorted(f.table for f in found) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert all(f.rule == "GOAL_ECHO.same-as-fund-use" and f.confidence == 1.0 for f in found)
    assert not any(f.table in (1, 2, 3, 4, 6, 7, 8, 9, 12, 14, 15, 16, 18, 19, 20, 23) for f in run("GOAL_ECHO", seeds["001"]))
    assert run("GOAL_ECHO", seeds["003"]) == []


# ---------------------------------------------------------------------------------------- DESC_ECHO


def _desc(level2, name, desc, scope=""):
    return desc_judge(indicator(level2, name, desc), scope, options("DESC_ECHO"))


def test_desc_echo_same_and_reworded():
    assert _desc("质量指标", "满意率", "满意率").kind == "same"
    # the name is itself a formula: copying it is still no description
    assert _desc("质量指标", "实际支出资金占计划支出资金的比率", "实际支出资金占计划支出资金的比率").kind == "same"
    assert _desc("时效指标", "临时工工资及时发放率", "临时工工资发放及时率").kind == "reworded"
    assert _desc("成本指标", "招商维稳经费支出", "招商维稳经费的支出").kind == "reworded"
    assert _desc("经济效益指标", "促进经济发展", "发挥职能促进经济发展").kind == "reworded"
    assert _desc("数量指标", "发放人数", "我单位综合网格员人数",
                 scope="“综合网格员”补贴 用于为各村网格员发放补贴").kind == "reworded"


def test_desc_echo_accepts_real_descriptions():
    assert _desc("时效指标", "补助资金到位率", "实际到位补助资金占应到位资金的比例") is None
    assert _desc("满意度指标", "群众满意度", "受益群体调查中，满意和较满意的人数占全部人数的比率") is None
    assert _desc("质量指标", "工程验收合格率", "工程验收时通过验收的比率") is None
    assert _desc("数量指标", "补助数量", "老漳河东岸占地亩数", scope="老漳河东岸土地补偿 发放占地补偿款") is None
    assert _desc("数量指标", "创建数量", "创建文明村街数量", scope="德归镇创建全国文明县城工作经费") is None
    assert _desc("质量指标", "环保检查次数", "去企业检查环评、排污等手续的次数") is None
    # the surveyed population is the content of a satisfaction description
    assert _desc("服务对象满意度指标", "服务对象满意度", "工役制人员对补助发放情况的满意度",
                 scope="工役制补助 主要用于工役制人员补助发放") is None
    assert _desc("质量指标", "", "满意率") is None
    assert _desc("质量指标", "满意率", "") is None


def test_desc_echo_on_seeds(seeds):
    rows = {(f.table, f.row) for f in run("DESC_ECHO", seeds["001"])}
    assert {(3, r) for r in range(1, 9)} <= rows  # table 3 rows 1-8 echo their names
    assert (8, 3) not in rows  # 实际到位补助资金占应到位资金的比例
    assert (2, 6) not in rows  # another project's text: TEXT_REUSE, not an echo
    rows002 = {(f.table, f.row) for f in run("DESC_ECHO", seeds["002"])}
    assert {(1, 7), (2, 7), (3, 7), (8, 7)} <= rows002  # 满意率/满意率 and friends
    assert (5, 6) not in rows002


# ---------------------------------------------------------------------------------------- BASIS_ECHO


def _basis(name, desc, basis, level2="质量指标"):
    return basis_judge(indicator(level2, name, desc, basis=basis), "", options("BASIS_ECHO"))


def test_basis_echo_flags_echoes_and_non_sources():
    assert _basis("群众满意", "群众满意", "群众满意")[0] == "echo"
    assert _basis("保障社会稳定", "社会稳定发展，群众安居乐业", "社会稳定发展，群众安居乐业")[0] == "echo"
    assert _basis("资金使用规范性", "资金使用规范性", "资金使用")[0] == "echo-reworded"
    assert _basis("信访举报办结率", "已办结件占受理件的比例", "相关文件或方案")[0] == "generic"
    assert _basis("矛盾纠纷化解率", "调解成功的纠纷占受理纠纷的比例", "确保社会和谐稳定") == ("not-a-source", "aim")
    assert _basis("矛盾纠纷化解率", "调解成功的纠纷占受理纠纷的比例", "≥90%") == ("not-a-source", "value")


@pytest.mark.parametrize("basis", [
    "县政府批示", "请示", "走访", "往年经验", "历史经验", "实际工作需要", "资金测算说明", "采购需求",
    "乡政府工作安排", "根据县委、县政府工作安排", "问卷调查", "计划指标", "全镇49各村", "领取奖励金人数",
    "冀组发【2018】14号文", "QHYZB-2019-649号招标文件", "行业标准", "施工合同", "税收完成情况",
    "文发改字（2019）171号", "《人口与计划生育法》第七十二条", "行政区划", "上年度拨付台账",
])
def test_basis_echo_accepts_sources_even_weak_ones(basis):
    assert _basis("工作完成率", "按计划完成的工作占全部工作的比例", basis) is None


def test_basis_echo_on_seeds(seeds):
    assert len(run("BASIS_ECHO", seeds["003"])) == 42  # every complete row of 003
    assert run("BASIS_ECHO", seeds["000"]) == []
    assert run("BASIS_ECHO", seeds["004"]) == []
    assert {(f.table, f.row) for f in run("BASIS_ECHO", seeds["001"])} == {(18, 2), (18, 3), (18, 7)}


# ---------------------------------------------------------------------------------------- shared


def test_echo_of_scope_and_filler():
    echo = textsim.echo_of("我单位凤还巢大学生村干部工资发放率", "工资发放率", ignore=["我单位"],
                           scope="用于发放凤还巢大学生村干部工资及缴纳保险")
    assert echo is not None and echo.kind == "reworded"
    assert textsim.echo_of("满意率", "满意率").kind == "same"
    assert textsim.echo_of("", "满意率") is None
    assert textsim.remove_shared_runs("甲乙丙丁", "乙丙", min_len=2) == "甲丁"
    assert textsim.remove_shared_runs("甲乙丙丁", "乙丙", min_len=2, keep="乙丙丁") == "甲乙丙丁"


def test_goal_placeholder_on_seeds(seeds):
    assert sorted(f.table for f in run("GOAL_PLACEHOLDER", seeds["003"])) == [1, 2, 3, 4, 5]
    assert [f.table for f in run("GOAL_PLACEHOLDER", seeds["004"])] == [17]
    for name in ("000", "001", "002"):
        assert run("GOAL_PLACEHOLDER", seeds[name]) == []
