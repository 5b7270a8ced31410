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
from auditor.checks.goal_dup import canonical_synonyms, duplicate_kind
from auditor.checks.goal_echo import echo_kind
from auditor.engine import dedupe
from auditor.rules import load_rule
from auditor.schema import Indicator
from auditor.values import parse_value

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
        # the same 三级 name twice in one table (refused by the national system on save)
        ("000", 3, 6, "indicator"),  # 公共基础设施建设情况 (row 1)
        ("000", 6, 2, "indicator"),  # 重修砖拱结构何西桥等3座桥梁 (row 1)
        ("001", 24, 6, "indicator"),  # 资金使用标准 (row 5)
    }
    dup_names = [f for sub in seeds.values() for f in run("DUP_WORD", sub) if f.rule == "DUP_WORD.dup-name"]
    assert len(dup_names) == 3 and all(f.severity == "medium" for f in dup_names)
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
    # the same aim in interchangeable boilerplate words
    synonyms = canonical_synonyms(options("GOAL_DUP")["synonyms"])
    o = options("GOAL_DUP")
    assert duplicate_kind("提高人员的干事热情", "提高人员的工作积极性", o["trivial_words"], o["min_ratio"],
                          o["max_diff_chars"], synonyms) == "synonym"
    assert duplicate_kind("保障人员的合法权益", "提高人员的工作积极性", o["trivial_words"], o["min_ratio"],
                          o["max_diff_chars"], synonyms) is None


def test_goal_dup_one_finding_per_group():
    sub = submission_from_case({"table": {"goals": ["甲目标内容一致", "乙目标另有所指", "甲目标内容一致",
                                                    "丙目标明确可考", "丙目标明确可考"]}})
    found = run("GOAL_DUP", sub)
    assert len(found) == 2
    assert {"1、3", "4、5"} == {f.message[4:7] for f in found}


def test_goal_dup_on_seeds(seeds):
    tables = {name: sorted(f.table for f in run("GOAL_DUP", sub)) for name, sub in seeds.items()}
    assert tables["000"] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert tables["001"] == [2, 15, 19, 24]  # 19: 干事热情 / 工作积极性
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
    # the purpose of the fund use copied, with slogans around it ("以上级的…" is no "以上" target)
    assert _echo("认真贯彻党的路线、方针、政策，以上级的军事、政治工作指示为依据，圆满完成民兵组织建设、民兵征集、"
                 "军事训练、有计划、有步骤地完成征兵工作。", "武装工作经费",
                 "主要用于完成民兵组织建设、民兵征集、军事训练、有计划、有步骤地完成征兵工作。")[0] == "contains-fund-use"
    assert _echo("治理散乱污企业，提升人居环境", "“散乱污”企业深度整治行动经费", "治理散乱污企业")[0] == "contains-fund-use"
    # clause by clause: a restatement plus generic words; synonyms folded (环境保护 = 环保)
    assert _echo("保障日常办公需要，维持环保工作正常运转。", "环保经费",
                 "主要用于保障全镇49个村环境质量，维持环保工作正常运转。")[0] == "restated"
    assert _echo("做好环保工作力度，做好环境保护工作。", "环保工作经费", "用于保障环保工作的日常运转")[0] == "restated"
    # a payment standard of its own, or an effect reached through the payment, is not a bare echo
    assert _echo("及时足额发放占地补偿款，维护社会稳定。", "老漳河东岸土地补偿", "发放占地补偿款") is None
    assert _echo("通过补偿款的发放，使失地群众基本生活得到保障。", "农村公路PPP项目乡道改建工程新增土地补偿",
                 "发放土地补偿款") is None


def test_goal_echo_generic_goal_of_a_generic_fund():
    o = options("GOAL_ECHO")
    kw = dict(max_new=o["max_new_chars"], min_share=o["min_share"], min_ratio=o["min_ratio"], min_cover=o["min_cover"])
    assert echo_kind("做好经费保障工作，保障工作正常运行。", "石门镇日常工作经费", "主要用于石门镇日常工作经费",
                     unit="石门镇人民政府", **kw)[0] == "generic"
    # the same words for a specific project are GOAL_PLACEHOLDER's business, not an echo
    assert echo_kind("做好经费保障工作，保障工作正常运行。", "乡镇经济普查工作经费", "用于经济普查工作的日常运转",
                     unit="张王疃乡人民政府", **kw) is None


def test_goal_echo_once_per_distinct_goal_and_alongside_goal_dup(seeds):
    found = run("GOAL_ECHO", seeds["000"])
    assert sorted(f.table for f in found) == [1, 2, 3, 4, 5, 6, 7, 8]
    assert all(f.rule == "GOAL_ECHO.same-as-fund-use" and f.confidence == 1.0 for f in found)
    assert not any(f.table in (1, 2, 3, 6, 7, 8, 9, 12, 14, 15, 16, 18, 19, 20, 23) for f in run("GOAL_ECHO", seeds["001"]))
    assert run("GOAL_ECHO", seeds["003"]) == []
    # PDF layout: "预算数…。主要用于X。" and the goal repeats X
    assert {1, 2, 3, 4, 6, 10, 14} <= {f.table for f in run("GOAL_ECHO", seeds["004"])}
    assert not {5, 7, 9, 11, 12, 13, 16, 17} & {f.table for f in run("GOAL_ECHO", seeds["004"])}


# ---------------------------------------------------------------------------------------- DESC_ECHO


def _desc(level2, name, desc, scope=""):
    return desc_judge(indicator(level2, name, desc), scope, options("DESC_ECHO"))


def _desc_value(level2, name, desc, value, scope=""):
    ind = indicator(level2, name, desc, value=value)
    ind.parsed = parse_value(value)
    return desc_judge(ind, scope, options("DESC_ECHO"))


def test_desc_echo_same_and_reworded():
    assert _desc("质量指标", "满意率", "满意率").kind == "same"
    # the name is itself a formula: copying it is still no description
    assert _desc("质量指标", "实际支出资金占计划支出资金的比率", "实际支出资金占计划支出资金的比率").kind == "same"
    assert _desc("时效指标", "临时工工资及时发放率", "临时工工资发放及时率").kind == "reworded"
    assert _desc("成本指标", "招商维稳经费支出", "招商维稳经费的支出").kind == "reworded"
    assert _desc("经济效益指标", "促进经济发展", "发挥职能促进经济发展").kind == "reworded"
    # a rate with the project's population added is still only the rate's name
    assert _desc("质量指标", "工资发放率", "我单位综合网格员工资发放率",
                 scope="“综合网格员”补贴 用于为各村网格员发放补贴").kind == "reworded"
    # a count with nothing but filler added
    assert _desc_value("数量指标", "保障行政村数", "保障全镇行政村个数数", "49个").kind == "reworded"
    assert _desc_value("数量指标", "享受服务群众专项的村", "享受服务群众专项的一共有多少村", "33个").kind == "reworded"
    # scoring-sheet text is no description
    assert _desc("时效指标", "资金在规定时间内下达率", "资金在规定时间内下达得10分").kind == "reworded"
    assert _desc("生态效益指标", "绿化完好率", "绿化完好的比率大于等于90%得25分").kind == "reworded"


def test_desc_echo_undefined_rate_and_no_definition():
    assert _desc_value("质量指标", "运转保障率", "执法工作保障率", "100%").kind == "undefined-rate"
    assert _desc_value("质量指标", "质量指标", "资金覆盖率", "≥95%").kind == "undefined-rate"
    assert _desc_value("可持续影响指标", "长期性", "长期较好的保持", "100%").kind == "no-definition"
    assert _desc_value("生态效益指标", "保障生态平衡", "促进生态平衡发展改善环境质量", ">90%").kind == "no-definition"
    assert _desc_value("成本指标", "财政投入", "全镇投入资金", "100%").kind == "no-definition"
    # a rate name in the description of a time or a count contradicts the name; not an echo
    assert _desc_value("时效指标", "该笔资金支出完成时间", "人大代表开展活动质量达标率", "≥95%") is None
    assert _desc_value("可持续影响指标", "项目（工程）使用年限", "项目（工程）验收及时率", "≥15年") is None
    # listing the components, or naming the numerator event ("通过验收的比率"), is content
    assert _desc_value("质量指标", "完成环境综合整治预期目标", "环境整治、河道清理、卫片整治完成率", "≥96%") is None
    # a percentage for a named count is VALUE_KIND's, and a stated ratio base or ceiling defines it
    assert _desc_value("数量指标", "创建数量", "创建文明村街数量", "100%") is None
    assert _desc_value("时效指标", "垃圾清理及时情况", "各村产生的垃圾清理时间与周时间比", "100%") is None
    assert _desc_value("时效指标", "及时完成项目资金拨付", "完成项目的成本控制在预算资金内", ">90%") is None
    assert _desc_value("数量指标", "保障幼儿园教师工资的正常发放", "全额保障教师工资发放做到无拖欠", "100%") is None
    # a row the document cuts off before its value: the slogan is still no definition
    cut = indicator("生态效益指标", "保障生态平衡", "促进生态平衡发展改善环境质量", value="", basis="")
    cut.incomplete = True
    assert desc_judge(cut, "", options("DESC_ECHO")).kind == "no-definition"
    cut.incomplete = False
    assert desc_judge(cut, "", options("DESC_ECHO")) is None


def test_desc_echo_accepts_real_descriptions():
    assert _desc("时效指标", "补助资金到位率", "实际到位补助资金占应到位资金的比例") is None
    assert _desc("满意度指标", "群众满意度", "受益群体调查中，满意和较满意的人数占全部人数的比率") is None
    assert _desc("质量指标", "工程验收合格率", "工程验收时通过验收的比率") is None
    assert _desc("数量指标", "补助数量", "老漳河东岸占地亩数", scope="老漳河东岸土地补偿 发放占地补偿款") is None
    assert _desc_value("数量指标", "创建数量", "创建文明村街数量", "22村街", scope="德归镇创建全国文明县城工作经费") is None
    # a count's description naming who or what is counted, and where, gives its 统计口径
    assert _desc_value("数量指标", "发放人数", "我单位综合网格员人数", "＝248人",
                       scope="“综合网格员”补贴 用于为各村网格员发放补贴") is None
    assert _desc_value("数量指标", "印制宣传页数量", "乡服务中心印制宣传页数量", "30000张") is None
    assert _desc_value("数量指标", "组织开展活动次数", "组织开展人大活动的次数", "≥12次") is None
    # a time's description naming the event whose date is measured
    assert _desc_value("时效指标", "资金支出时间", "该笔资金支出完成时间", "12月底前") is None
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
    # the reviewer's rewordings and undefined measures
    rows004 = {(f.table, f.row) for f in run("DESC_ECHO", seeds["004"])}
    assert {(2, 2), (3, 2), (10, 2), (14, 2)} <= rows004  # 运转保障率 / X工作保障率
    rows003 = {(f.table, f.row) for f in run("DESC_ECHO", seeds["003"])}
    assert {(t, r) for t in range(1, 5) for r in (7, 8)} | {(5, 7)} <= rows003  # slogans
    assert (1, 1) not in rows  # 我单位凤还巢大学生村干部人数: says what is counted
    assert (2, 3) not in rows  # 该笔资金支出完成时间: says which event


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
    # sounds like a basis, names no plan, standard, history, document, survey or statistic
    for basis in ("实际工作需要", "统一安排规定", "领取奖励金人数", "税收完成情况"):
        assert _basis("工作完成率", "按计划完成的工作占全部工作的比例", basis) == ("not-a-source", "none"), basis
    ind = indicator("数量指标", "组织宣传发动工作", "宣传发动深入到村个数", value="49个", basis="全镇49各村")
    ind.parsed = parse_value("49个")
    assert basis_judge(ind, "", options("BASIS_ECHO")) == ("not-a-source", "value")


@pytest.mark.parametrize("basis", [
    "县政府批示", "请示", "走访", "往年经验", "历史经验", "资金测算说明", "采购需求",
    "乡政府工作安排", "根据县委、县政府工作安排", "问卷调查", "计划指标", "规定指标", "县工作安排",
    "冀组发【2018】14号文", "QHYZB-2019-649号招标文件", "行业标准", "施工合同", "预算指标",
    "文发改字（2019）171号", "《人口与计划生育法》第七十二条", "行政区划", "上年度拨付台账",
])
def test_basis_echo_accepts_sources_even_weak_ones(basis):
    assert _basis("工作完成率", "按计划完成的工作占全部工作的比例", basis) is None


def test_basis_echo_on_seeds(seeds):
    assert len(run("BASIS_ECHO", seeds["003"])) == 42  # every complete row of 003
    assert run("BASIS_ECHO", seeds["000"]) == []
    found004 = {(f.table, f.row) for f in run("BASIS_ECHO", seeds["004"])}
    assert {(2, 2), (3, 1), (4, 4), (10, 4), (11, 1), (11, 4), (12, 3), (15, 3), (1, 1)} <= found004
    assert not {(2, 5), (2, 6), (4, 5), (14, 1), (14, 2), (17, 1)} & found004  # 往年经验, 历史经验, 规定指标 …
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
    # Part 1 slogans instead of goals
    assert sorted(f.evidence for f in run("GOAL_PLACEHOLDER", seeds["000"])) == [
        "绩效目标：为百姓谋福利，为群众办实事", "绩效目标：既要金山银山，更要绿水青山"]
    # 经济普查: three all-purpose 套话; 办公运转经费 (generic fund, GOAL_ECHO) and 交通补贴 stay silent
    assert [(f.table, f.rule) for f in run("GOAL_PLACEHOLDER", seeds["001"])] == [(18, "GOAL_PLACEHOLDER.generic")]
    assert run("GOAL_PLACEHOLDER", seeds["002"]) == []


def test_jieba_dictionary_fast_load_equals_jiebas_own(tmp_path):
    """textsim reads jieba's cache file whole before unmarshalling it (0.4 s faster per run); the
    dictionary must be the one jieba's own initialize gives — and a damaged cache falls back
    to jieba, which rebuilds it."""
    import subprocess
    import sys

    digest = ("import hashlib; d = jieba.dt; "
              "print(d.initialized, d.total, hashlib.sha1(repr(sorted(d.FREQ.items())).encode()).hexdigest())")
    fast = "from auditor.textsim import jieba_module; jieba = jieba_module(); " + digest
    own = "import jieba; jieba.setLogLevel(60); jieba.dt.initialize(); " + digest
    damaged = (f"import jieba; jieba.dt.tmp_dir = {str(tmp_path)!r}; "
               f"open({str(tmp_path / 'jieba.cache')!r}, 'wb').write(b'not marshal'); "
               "from auditor.textsim import jieba_module; jieba = jieba_module(); " + digest)
    outputs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
               for code in (fast, own, damaged)]
    assert outputs[0] == outputs[1] == outputs[2] and outputs[0].startswith("True ")
    assert (tmp_path / "jieba.cache").stat().st_size > 1_000_000  # jieba rebuilt its cache
