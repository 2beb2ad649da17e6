"""The dimension of the unit asked and of a figure's unit — table-driven (text -> dimension)."""

from __future__ import annotations

import pytest

from rag.text.units import asked_dimension, same_dimension, unit_dimension


@pytest.mark.parametrize("question,dimension", [
    ("内蒙古2025年一年挖了多少亿吨煤？", "weight"),
    ("一般公共预算收入是多少亿元？", "money"),
    ("省里财政一年花出去多少钱？", "money"),
    ("老百姓平均寿命提高到多少岁？", "age"),
    ("新开了多少家公司？", "count"),
    ("接待了多少万人次游客？", "people"),
    ("家庭医生签约居民有多少人？", "people"),
    ("地铁一共有多长了？", "length"),
    ("建成高标准农田多少万亩？", "area"),
    ("比全国高几个百分点？", "count"),
    ("地区生产总值增长了多少？", None),            # no unit named
    ("几年来财政收入增长了多少？", None),          # 几年来 names a span, not a duration asked
    ("要在多长时间内取消省界收费站？", "duration"),  # 多长时间 asks a time, not a length
    ("这项改革多久能完成？", "duration"),
    ("PM2.5平均浓度是多少微克/立方米？", "concentration"),  # not read as 立方米, a volume
])
def test_asked_dimension(question, dimension):
    assert asked_dimension(question) == dimension


@pytest.mark.parametrize("following,dimension", [
    ("吨，完成", "weight"),
    ("元，增长", "money"),      # "3.7万亿" + "元": the scale belongs to the number
    ("美元", "money"),
    ("户", "people"),
    ("个家庭医生团队", "count"),
    ("平方公里", "area"),       # not read as 公里
    ("微克/立方米", "concentration"),
    ("立方米", "volume"),
    ("公里", "length"),
    ("年增长18.7%", "duration"),
    ("个月", "duration"),       # not read as 个
    ("岁", "age"),
    ("月8日晚在杭州举行", "date"),  # "10月8日": a day of the calendar counts nothing
    ("日电", "date"),
    ("号线西延伸", None),       # "2号线" names a line, not a date
    ("，增长", None),           # no unit written
    ("%", None),
])
def test_unit_dimension(following, dimension):
    assert unit_dimension(following) == dimension


@pytest.mark.parametrize("asked,written,fits", [
    ("weight", "count", False),
    ("money", "duration", False),
    ("count", "count", True),
    ("count", "people", True),   # counting words are used loosely ("多少家公司" — "29万户")
    ("people", "count", False),  # but things ("团队286个") never count the people asked
    (None, "weight", True),     # no unit asked
    ("money", None, True),      # no unit written
])
def test_same_dimension(asked, written, fits):
    assert same_dimension(asked, written) is fits


@pytest.mark.parametrize("question,dimension", [
    ("发了多少低保善款，救助了多少户？", None),        # two figures asked, one without a unit
    ("一共多少亿元？在全市排第几？", None),
    ("接待游客多少万人次，旅游收入多少亿元？", None),  # two dimensions
    ("新建学校多少所、医院多少家？", "count"),         # both counts
])
def test_several_figures_asked(question, dimension):
    assert asked_dimension(question) == dimension


@pytest.mark.parametrize("text, expected", [
    ("船舶海工出口规模占全国1/3以上", [("1/3", 33.33, True)]),          # a fraction is one share
    ("占全国三分之一", [("三分之一", 33.33, True)]),
    ("增长5%，达3/4", [("5%", 5.0, True), ("3/4", 75.0, True)]),
    ("2023/12/1", [("2023", 2023.0, False), ("12", 12.0, False), ("1", 1.0, False)]),  # a date is no fraction
    ("百分之十五", [("百分之十五", 15.0, True)]),
])
def test_fractions_are_shares(text, expected):
    from rag.text.numbers import find_quantities

    assert [(q.text, round(q.value, 2), q.percent) for q in find_quantities(text)] == expected


@pytest.mark.parametrize("word, money", [
    ("亿元", True), ("万元", True), ("元", True), ("亿美元", True),
    ("人次", False), ("万吨", False), ("钱", False), ("总额", False),   # a unit of its own kind, or no unit
])
def test_money_units(word, money):
    from rag.text.units import is_money_unit

    assert is_money_unit(word) is money


def test_a_money_unit_asked_does_not_cover_a_figures_clause():
    from rag.key_terms import KeyTerm
    from rag.sentence_choice import _clause_coverage

    terms = [KeyTerm("消费品", 1.0, ("社会消费品零售总额",)), KeyTerm("总额", 1.0, ("总额",)), KeyTerm("亿元", 1.0, ("亿元",))]
    weights = {t.token: t.weight for t in terms}
    assert _clause_coverage("进出口总额达到722.30亿元", terms, weights) == 1.0            # 总额 only
    assert _clause_coverage("社会消费品零售总额58.06亿元", terms, weights) == 2.0
