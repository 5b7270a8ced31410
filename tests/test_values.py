"""Tests for auditor.values: the one parser of 指标值, money, years and schedule labels.

Most strings below are copied from the five real seed submissions (bundled in corpus/); the rest are
spellings the rulebook and other provinces' samples show (≤****000元, "44,561", 元/亩·年 …).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from auditor.schema import VALUE_KINDS, Value
from auditor.values import (
    find_money,
    find_years,
    normalize_text,
    parse_amount,
    parse_comparator,
    parse_percent,
    parse_value,
    period_label,
    to_yuan,
)

SEEDS = Path(__file__).resolve().parents[1] / "corpus"  # the bundled copies of the real seeds

# --------------------------------------------------------------------------------------------
# parse_value: (raw, comparator, number, unit, kind)
# --------------------------------------------------------------------------------------------

VALUE_CASES = [
    # percent — every spelling in the seeds
    ("≥95%", "≥", 95.0, "%", "percent"),
    ("100%", None, 100.0, "%", "percent"),
    ("100百分比", None, 100.0, "%", "percent"),
    (">90百分比", ">", 90.0, "%", "percent"),
    ("≥90百分率", "≥", 90.0, "%", "percent"),
    ("≥90百分数", "≥", 90.0, "%", "percent"),
    ("≥100百分比", "≥", 100.0, "%", "percent"),
    ("≤100%", "≤", 100.0, "%", "percent"),
    ("≥ 95 %", "≥", 95.0, "%", "percent"),
    ("95％", None, 95.0, "%", "percent"),
    ("100.00%", None, 100.0, "%", "percent"),
    ("＞90％", ">", 90.0, "%", "percent"),
    ("＝100％", "=", 100.0, "%", "percent"),
    ("百分之百", None, 100.0, "%", "percent"),
    ("100%（历史标准）", None, 100.0, "%", "percent"),
    ("合格率≥95%", "≥", 95.0, "%", "percent"),
    ("合格率达到95%以上", "≥", 95.0, "%", "percent"),
    # comparator spellings
    (">=95%", "≥", 95.0, "%", "percent"),
    ("≥=90%", "≥", 90.0, "%", "percent"),
    ("≧90%", "≥", 90.0, "%", "percent"),
    ("⩾90%", "≥", 90.0, "%", "percent"),
    ("<=10万元", "≤", 10.0, "万元", "money"),
    ("≦5万元", "≤", 5.0, "万元", "money"),
    ("⩽5%", "≤", 5.0, "%", "percent"),
    ("＜5％", "<", 5.0, "%", "percent"),
    ("大于等于90%", "≥", 90.0, "%", "percent"),
    ("不低于95%", "≥", 95.0, "%", "percent"),
    ("不少于10人", "≥", 10.0, "人", "count"),
    ("不小于3次", "≥", 3.0, "次", "count"),
    ("至少3次", "≥", 3.0, "次", "count"),
    ("达到90%", "≥", 90.0, "%", "percent"),
    ("小于等于5万元", "≤", 5.0, "万元", "money"),
    ("不高于10万元", "≤", 10.0, "万元", "money"),
    ("不超过30天", "≤", 30.0, "天", "duration"),
    ("不多于3人", "≤", 3.0, "人", "count"),
    ("控制在10万元以内", "≤", 10.0, "万元", "money"),
    ("大于90%", ">", 90.0, "%", "percent"),
    ("高于80%", ">", 80.0, "%", "percent"),
    ("超过5次", ">", 5.0, "次", "count"),
    ("小于5%", "<", 5.0, "%", "percent"),
    ("低于3%", "<", 3.0, "%", "percent"),
    ("等于100%", "=", 100.0, "%", "percent"),
    ("90%以上", "≥", 90.0, "%", "percent"),
    ("90%及以上", "≥", 90.0, "%", "percent"),
    ("10万元以内", "≤", 10.0, "万元", "money"),
    ("5人以下", "≤", 5.0, "人", "count"),
    ("3次及以下", "≤", 3.0, "次", "count"),
    # money
    ("≤11万元", "≤", 11.0, "万元", "money"),
    ("814000元", None, 814000.0, "元", "money"),
    ("≥1.96万元", "≥", 1.96, "万元", "money"),
    ("9400 万元", None, 9400.0, "万元", "money"),
    ("1,300,000元", None, 1300000.0, "元", "money"),
    ("6400 元", None, 6400.0, "元", "money"),
    ("2 万元", None, 2.0, "万元", "money"),
    ("２ 万元", None, 2.0, "万元", "money"),
    ("2亿元", None, 2.0, "亿元", "money"),
    ("≤500元/人", "≤", 500.0, "元", "money"),
    ("178元/平方米", None, 178.0, "元", "money"),
    ("30元/亩·年", None, 30.0, "元", "money"),
    ("5元/份", None, 5.0, "元", "money"),
    ("1元/张", None, 1.0, "元", "money"),
    ("≥4166元", "≥", 4166.0, "元", "money"),
    ("≤89.28万元", "≤", 89.28, "万元", "money"),
    ("128.61万元", None, 128.61, "万元", "money"),
    ("587.18 万元", None, 587.18, "万元", "money"),
    # count
    ("22村街", None, 22.0, "村街", "count"),
    ("≤3人", "≤", 3.0, "人", "count"),
    ("≥300次", "≥", 300.0, "次", "count"),
    ("3600平方米", None, 3600.0, "平方米", "count"),
    ("18.14亩", None, 18.14, "亩", "count"),
    ("50台", None, 50.0, "台", "count"),
    ("3个临时工", None, 3.0, "个", "count"),
    ("＝42米", "=", 42.0, "米", "count"),
    ("49 个", None, 49.0, "个", "count"),
    ("133 人", None, 133.0, "人", "count"),
    ("1175 亩", None, 1175.0, "亩", "count"),
    ("≥1800件", "≥", 1800.0, "件", "count"),
    ("4000份", None, 4000.0, "份", "count"),
    ("30000张", None, 30000.0, "张", "count"),
    ("0次", None, 0.0, "次", "count"),
    ("34村", None, 34.0, "村", "count"),
    ("≥90辆", "≥", 90.0, "辆", "count"),
    ("=8个", "=", 8.0, "个", "count"),
    ("100余人", ">", 100.0, "人", "count"),
    ("1万多张", ">", 10000.0, "张", "count"),
    ("办公人数 140 人，行 政村 49 个", None, 140.0, "人", "count"),
    ("清理垃圾 10000 立方米、清理河道 30 公里、卫片整治 13 处", None, 10000.0, "立方米", "count"),
    ("2020年完成改厕469座", None, 469.0, "座", "count"),
    ("3-5人", None, 3.0, "人", "count"),  # a range: the low end
    ("90~95%", None, 90.0, "%", "percent"),
    # bare numbers
    ("100", None, 100.0, None, "count"),
    ("= 8", "=", 8.0, None, "count"),
    ("44,561", None, 44561.0, None, "count"),
    ("3,309,840.00", None, 3309840.0, None, "count"),
    ("2.50", None, 2.5, None, "count"),
    # duration
    ("≤90天", "≤", 90.0, "天", "duration"),
    ("≥1年", "≥", 1.0, "年", "duration"),
    ("≥10年", "≥", 10.0, "年", "duration"),
    ("3个月", None, 3.0, "月", "duration"),
    ("≥0.5小时", "≥", 0.5, "小时", "duration"),
    ("≥ 0.5 小时", "≥", 0.5, "小时", "duration"),
    ("30个工作日内", "≤", 30.0, "工作日", "duration"),
    # date
    ("12月底前", None, None, None, "date"),
    ("12月底", None, None, None, "date"),
    ("12月前", None, None, None, "date"),
    ("2023年8月底", None, None, None, "date"),
    ("2024年9月30日前", None, None, None, "date"),
    ("2023年12月31日", None, None, None, "date"),
    ("年底前", None, None, None, "date"),
    ("年内", None, None, None, "date"),
    ("按季度", None, None, None, "date"),
    ("按季度发放", None, None, None, "date"),
    ("每月", None, None, None, "date"),
    ("按月", None, None, None, "date"),
    ("每年", None, None, None, "date"),
    ("按年", None, None, None, "date"),
    ("第三季度末前", None, None, None, "date"),
    # text
    ("优良", None, None, None, "text"),
    ("及时拨付", None, None, None, "text"),
    ("有很大提高", None, None, None, "text"),
    ("社会稳定", None, None, None, "text"),
    ("征兵工作顺利完成", None, None, None, "text"),
    ("按统一安排执行", None, None, None, "text"),
    ("按时间拨付", None, None, None, "text"),
    ("达到国家标准", None, None, None, "text"),
    ("做好日常垃 圾清理工作", None, None, None, "text"),
    ("解决全镇 200 个人口 就业问题", None, None, None, "text"),
    ("完成2025年绩效目标", None, None, None, "text"),
]


@pytest.mark.parametrize(("raw", "comparator", "number", "unit", "kind"), VALUE_CASES, ids=[c[0] for c in VALUE_CASES])
def test_parse_value_table(raw, comparator, number, unit, kind):
    v = parse_value(raw)
    assert isinstance(v, Value)
    assert v.raw == raw
    assert (v.comparator, v.number, v.unit, v.kind) == (comparator, number, unit, kind)
    assert not v.placeholder


def test_value_cases_cover_every_kind_and_comparator():
    assert len(VALUE_CASES) >= 60
    assert {c[4] for c in VALUE_CASES} == set(VALUE_KINDS)
    assert {c[1] for c in VALUE_CASES} == {None, "≥", "≤", ">", "<", "="}


@pytest.mark.parametrize(
    ("raw", "unit_raw"),
    [("100百分比", "百分比"), ("≥90百分率", "百分率"), ("≥90百分数", "百分数"), ("≥95%", "%"), ("3个月", "个月")],
)
def test_unit_raw_keeps_spelling(raw, unit_raw):
    assert parse_value(raw).unit_raw == unit_raw


@pytest.mark.parametrize(
    ("raw", "yuan", "per"),
    [
        ("≤11万元", 110000.0, None),
        ("128.61万元", 1286100.0, None),
        ("2亿元", 2e8, None),
        ("814000元", 814000.0, None),
        ("≤500元/人", 500.0, "人"),
        ("178元/平方米", 178.0, "平方米"),
        ("178元/平米", 178.0, "平方米"),
        ("30元/亩·年", 30.0, "亩·年"),
        ("每人每月500元", 500.0, "人·月"),
        ("0.5万元/人", 5000.0, "人"),
    ],
)
def test_money_yuan_and_per(raw, yuan, per):
    v = parse_value(raw)
    assert v.kind == "money"
    assert v.yuan == yuan
    assert v.per == per


@pytest.mark.parametrize(
    ("raw", "deadline", "frequency"),
    [
        ("12月底前", "12月底", None),
        ("12月底", "12月底", None),
        ("12月末", "12月底", None),
        ("2024年9月30日前", "2024年9月30日", None),
        ("2023年8月底", "2023年8月底", None),
        ("2023年12月31日", "2023年12月31日", None),
        ("2024.9.30", "2024年9月30日", None),
        ("年底前", "年底", None),
        ("年内", "年底", None),
        ("2023年底", "2023年底", None),
        ("第三季度末前", "9月底", None),
        ("上半年", "6月底", None),
        ("2023年", "2023年", None),
        ("1-12月", "12月", None),
        ("2020-2022年", "2022年", None),
        ("（2021年1月-2021年10月）", "2021年10月", None),
        ("按季度", None, "季度"),
        ("按季度发放", None, "季度"),
        ("每月", None, "月"),
        ("按月", None, "月"),
        ("每年", None, "年"),
        ("按年", None, "年"),
    ],
)
def test_dates(raw, deadline, frequency):
    v = parse_value(raw)
    assert v.kind == "date"
    assert (v.deadline, v.frequency) == (deadline, frequency)
    assert v.number is None


def test_deadline_kept_on_numeric_values():
    v = parse_value("12月底前完成50%")
    assert (v.kind, v.number, v.deadline) == ("percent", 50.0, "12月底")


@pytest.mark.parametrize(
    ("raw", "kind", "comparator", "unit"),
    [
        ("*", "text", None, None),
        ("**", "text", None, None),
        ("＊", "text", None, None),
        ("目标内容1", "text", None, None),
        ("xx", "text", None, None),
        ("XX", "text", None, None),
        ("/", "text", None, None),
        ("无", "text", None, None),
        ("—", "text", None, None),
        ("待定", "text", None, None),
        ("完成年度绩效目标", "text", None, None),
        ("≥**%", "percent", "≥", "%"),
        ("XX%", "percent", None, "%"),
        ("≤****000元", "money", "≤", "元"),
        ("**万元", "money", None, "万元"),
        ("≥ ** %", "percent", "≥", "%"),
    ],
)
def test_placeholders(raw, kind, comparator, unit):
    v = parse_value(raw)
    assert v.placeholder is True
    assert v.number is None and v.yuan is None
    assert (v.kind, v.comparator, v.unit) == (kind, comparator, unit)


@pytest.mark.parametrize("raw", ["", "   ", "\n", "\u3000"])
def test_blank_is_text_not_placeholder(raw):
    v = parse_value(raw)
    assert (v.kind, v.placeholder, v.number, v.comparator) == ("text", False, None, None)


def test_quantities_multi_and_incidental():
    v = parse_value("清理垃圾 10000 立方米、清理河道 30 公里、卫片整治 13 处")
    assert v.quantities == [(10000.0, "立方米"), (30.0, "公里"), (13.0, "处")]
    v = parse_value("办公人数 140 人，行 政村 49 个")
    assert v.quantities == [(140.0, "人"), (49.0, "个")]
    v = parse_value("解决全镇 200 个人口 就业问题")
    assert v.kind == "text" and v.number is None
    assert v.quantities == [(200.0, "个")]


def test_years_and_codes_are_not_quantities():
    assert parse_value("完成2025年绩效目标").quantities == []
    assert parse_value("QHYZB-2019-649 号招标文件").quantities == []
    assert parse_value("冀组发【2018】14号文件").quantities == []


def test_count_per_unit_and_scaling():
    v = parse_value("1次/年")
    assert (v.kind, v.number, v.unit, v.per) == ("count", 1.0, "次", "年")
    v = parse_value("10万")
    assert (v.kind, v.number, v.unit, v.unit_raw) == ("count", 100000.0, None, "万")


# --------------------------------------------------------------------------------------------
# parse_comparator
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("≥95%", ("≥", "95%")),
        ("＞90％", (">", "90%")),
        ("≥=90%", ("≥", "90%")),
        ("> = 90%", ("≥", "90%")),
        ("=>90%", ("≥", "90%")),
        ("=<5", ("≤", "5")),
        ("= 8", ("=", "8")),
        ("不低于 95%", ("≥", "95%")),
        ("控制在10万元以内", ("≤", "10万元")),
        ("90%以上", ("≥", "90%")),
        ("≥90%以上", ("≥", "90%")),
        ("5人及以下", ("≤", "5人")),
        ("30天内", ("≤", "30天")),
        ("2023年内", (None, "2023年内")),
        ("达到国家标准", (None, "达到国家标准")),
        ("详见以上", (None, "详见以上")),
        ("", (None, "")),
    ],
)
def test_parse_comparator(text, expected):
    assert parse_comparator(text) == expected


# --------------------------------------------------------------------------------------------
# find_money
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("全镇共发放临时救助资金65700元，发挥了雪中送炭", [("65700元", 65700.0, "元", 65700.0)]),
        (
            "预算数 29.53 万元。其中：财政资金 29.53 万元。",
            [("29.53 万元", 29.53, "万元", 295300.0), ("29.53 万元", 29.53, "万元", 295300.0)],
        ),
        ("每人每月500元", [("500元", 500.0, "元/人·月", 500.0)]),
        ("单价1560元/平米，产权归村", [("1560元/平米", 1560.0, "元/平方米", 1560.0)]),
        ("成本≤2.62万元", [("≤2.62万元", 2.62, "万元", 26200.0)]),
        ("共1,300,000元整", [("1,300,000元", 1300000.0, "元", 1300000.0)]),
        ("总投资1.2亿元", [("1.2亿元", 1.2, "亿元", 1.2e8)]),
        ("3千元", [("3千元", 3.0, "千元", 3000.0)]),
        ("１２３４元", [("１２３４元", 1234.0, "元", 1234.0)]),
        ("预算数\n29.53\n万元", [("29.53\n万元", 29.53, "万元", 295300.0)]),
        ("分别为100元,200元", [("100元", 100.0, "元", 100.0), ("200元", 200.0, "元", 200.0)]),
        ("发放宣传明白纸1万多张", []),
        ("2023年完成率95%，覆盖49个村", []),
        ("建设资金2万，建设面积364平米", []),
        ("1月1日元旦", []),
        ("", []),
    ],
)
def test_find_money(text, expected):
    found = find_money(text)
    assert [(m.raw, m.amount, m.unit, m.yuan) for m in found] == expected
    for m in found:
        assert text[m.start : m.end] == m.raw


def test_find_money_per_field():
    (m,) = find_money("补助标准≤500元/人")
    assert (m.per, m.unit, m.raw) == ("人", "元/人", "≤500元/人")


# --------------------------------------------------------------------------------------------
# to_yuan, parse_amount, parse_percent
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "unit", "yuan"),
    [(2.62, "万元", 26200.0), (1, "元", 1.0), (3, "亿元", 3e8), (5, "千元", 5000.0), (0.5, "万元/人", 5000.0),
     (449.8, "万", 4498000.0), (7, "", 7.0)],
)
def test_to_yuan(amount, unit, yuan):
    assert to_yuan(amount, unit) == yuan


@pytest.mark.parametrize(
    ("text", "expected"),
    [("130000.00", 130000.0), ("89.28", 89.28), (" ", None), ("", None), ("0", 0.0), ("3,309,840.00", 3309840.0),
     ("8,827,620.53", 8827620.53), ("１２３", 123.0), ("29.53万元", 29.53), ("-", None), ("—", None), ("abc", None),
     ("1,2", None), ("25%", None)],
)
def test_parse_amount(text, expected):
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("25%", 25.0), ("25.00%", 25.0), ("100%", 100.0), ("25 %", 25.0), ("２５％", 25.0), ("2.50", None), ("", None),
     ("25", None), ("≥25%", None)],
)
def test_parse_percent(text, expected):
    assert parse_percent(text) == expected


# --------------------------------------------------------------------------------------------
# find_years, period_label
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "default", "with_docs"),
    [
        ("2023年", [2023], [2023]),
        ("石门镇 2023 年部门预算绩效文本", [2023], [2023]),
        ("（2021年1月-2021年10月）", [2021, 2021], [2021, 2021]),
        ("确保圆满完成2023年度各项目标任务", [2023], [2023]),
        ("2020-2022年", [2020, 2022], [2020, 2022]),
        ("2023-12-31", [2023], [2023]),
        ("二〇二三年", [2023], [2023]),
        ("冀组发【2018】14号文件", [], [2018]),
        ("交办发[2014]103 号文件", [], [2014]),
        ("文政办〔2019〕4号", [], [2019]),
        ("依据冀组发【2018】14号，2025年保障", [2025], [2018, 2025]),
        ("13102622P00237611739E", [], []),
        ("预算2025元", [], []),
        ("1999年", [], []),
        ("", [], []),
    ],
)
def test_find_years(text, default, with_docs):
    assert find_years(text) == default
    assert find_years(text, include_doc_numbers=True) == with_docs


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3 月底", "3月底"), ("3月底", "3月底"), ("10月底", "10月底"), ("12 月底", "12月底"), ("9月末", "9月底"),
     ("十二月底", "12月底"), ("9月", "9月"), ("第一季度", "第一季度"), ("一季度", "第一季度"), ("第1季度末", "第一季度末"),
     ("上半年", "上半年"), ("下半年", "下半年"), ("年末", "年底"), ("3月底（%）", "3月底"),
     ("25%", None), ("", None), ("预算数", None), ("13月底", None)],
)
def test_period_label(text, expected):
    assert period_label(text) == expected


# --------------------------------------------------------------------------------------------
# normalize_text
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("49 个", "49个"),
        ("受益群众满 意度（%）", "受益群众满意度（%）"),
        ("QHYZB-2019-649 号招标文件", "QHYZB-2019-649号招标文件"),
        ("其中：财政    资金", "其中：财政资金"),
        ("预算数 29.53 万元。", "预算数29.53万元。"),
        ("Hello   World 中文", "Hello World中文"),
        ("≥ 95 %", "≥95%"),
        ("１２３ＡＢＣ", "123ABC"),
        ("９５．５％", "95.5%"),
        ("＞９０％，＜５，＝１", ">90%，<5，=1"),
        ("≧90 ≦5", "≥90 ≤5"),
        ("“ 四化一改 ”", "“四化一改”"),
        ("（一）人大、政协。", "（一）人大、政协。"),
        ("  两端空白\u3000", "两端空白"),
        ("1.保障开支。\n2.保证开展。", "1.保障开支。\n2.保证开展。"),
        ("a\u200bb", "ab"),
        ("", ""),
    ],
)
def test_normalize_text(text, expected):
    assert normalize_text(text) == expected


# --------------------------------------------------------------------------------------------
# Robustness
# --------------------------------------------------------------------------------------------

_RELEVANT = st.sampled_from(
    list("0123456789０１２３４５６７８９.,，。%％‰≥≤<>=＞＜＝≧≦*＊xX/／·- \t\n\u3000元万亿千个人次天月年日底前内以上下及百分比率数")
    + ["万元", "平方米", "百分比", "12月底", "按季度", "目标内容", "【2018】", "每人", "控制在", "不低于", "年内"]
)
_MIXED = st.one_of(st.text(), st.lists(_RELEVANT, max_size=40).map("".join))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_MIXED)
def test_never_raise(text):
    v = parse_value(text)
    assert v.kind in VALUE_KINDS
    assert v.raw == text
    for m in find_money(text):
        assert text[m.start : m.end] == m.raw
    assert isinstance(normalize_text(text), str)
    parse_comparator(text)
    find_years(text)
    find_years(text, include_doc_numbers=True)
    parse_amount(text)
    parse_percent(text)
    period_label(text)


@settings(max_examples=300, deadline=None)
@given(_MIXED)
def test_normalize_is_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


# --------------------------------------------------------------------------------------------
# Every 指标值 in the seed submissions
# --------------------------------------------------------------------------------------------

_HEADER = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]


def _word_rows(text: str) -> list[list[str]]:
    """Word-extracted seeds: one cell per tab-led line, rows separated by blank lines."""
    blocks: list[list[str] | None] = []
    cur: list[str] = []
    for line in text.split("\n"):
        if line.startswith("\t"):
            cur.append(line[1:])
        elif not line.strip():
            if cur:
                blocks.append(cur)
                cur = []
        elif cur:
            cur[-1] += "\n" + line  # continuation of a multi-line cell
        else:
            blocks.append(None)  # prose between tables
    if cur:
        blocks.append(cur)
    rows: list[list[str]] = []
    in_grid = False
    pending: list[str] = []
    for block in blocks:
        if block is None:
            in_grid, pending = False, []
            continue
        if [c.strip() for c in block] == _HEADER:
            in_grid, pending = True, []
            continue
        if in_grid:
            pending += block
            if len(pending) >= 6:  # a blank line inside a cell splits a row in two blocks
                rows.append(pending)
                pending = []
    return rows


def _pdf_rows(text: str) -> list[list[str]]:
    """PDF-extracted seeds: one row per line, cells separated by tabs."""
    rows: list[list[str]] = []
    in_grid = False
    for line in text.split("\n"):
        cells = line.split("\t")
        if [c.strip() for c in cells[:6]] == _HEADER:
            in_grid = True
        elif in_grid and len(cells) >= 6:
            rows.append(cells)
        else:
            in_grid = False
    return rows


def _seed_values() -> list[tuple[str, str]]:
    out = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        rows = _pdf_rows(text) if re.search(r"^一级指标\t二级指标", text, re.M) else _word_rows(text)
        out += [(path.name, row[4]) for row in rows]
    return out


_MONEY_OR_PERCENT = re.compile(r"[0-9０-９]\s*(?:%|％|元|万元)")


def test_every_seed_value_parses():
    values = _seed_values()
    assert len(values) > 300  # the five seeds hold ~460 indicator rows
    wrong = []
    for name, raw in values:
        v = parse_value(raw)
        assert v.kind in VALUE_KINDS
        if _MONEY_OR_PERCENT.search(raw) and v.kind == "text":
            wrong.append((name, raw))
        if re.match(r"\s*[≥≤<>=＞＜＝]?\s*\d", raw):  # a value that starts with a number
            assert v.number is not None or v.deadline, (name, raw)
    assert not wrong


_NORMALISING_ALPHABET = st.sampled_from(
    list(" \t\n\r\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000")  # spaces and breaks
    + list("\x00\x01\x7f\x90\u200b\u200c\u200d\u2060\ufeff\u00ad")  # controls and zero-width
    + list("０９ＡＺａｚ％﹪＞＜＝﹦≧⩾≦⩽．.,，。、“”…")  # folded and punctuation
    + list("0123456789²xX*%‰≥≤<>=满意度个年月abc")
)


@settings(max_examples=2000, deadline=None)
@given(st.text(_NORMALISING_ALPHABET, max_size=30), st.booleans(), st.booleans())
def test_fast_normaliser_equals_the_index_mapping_one(text, keep_newlines, fold):
    """normalize_text and the one-line form use a str.translate + regex normaliser; find_money
    still needs _norm's index map. The two must give the same text."""
    from auditor.values import _norm, _normalized

    assert _normalized(text, keep_newlines, fold) == _norm(text, keep_newlines, fold)[0]
