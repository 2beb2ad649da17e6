"""The figure asked for is the kind the sentence gives — table-driven (question topic, sentence -> fits)."""

from __future__ import annotations

import pytest

from rag.query_plan import QueryPlan
from rag.sentence_choice import fits_figure_asked

CASES = [
    ("GDP增长了多少", "地区生产总值增长5.2%", True),
    ("GDP增长了多少", "地区生产总值达到1.2万亿元", False),          # an amount does not answer a growth
    ("城镇调查失业率是多少", "城镇新增就业1351万人", False),          # a rate is a per cent
    ("地区生产总值总量是多少亿元", "全市地区生产总值增长4.8%", False),  # an amount is not a per cent
    ("地区生产总值总量是多少亿元", "地区生产总值5696亿元，增长5.4%", True),
    ("财政收入具体增长了百分之几", "一般公共预算收入突破500亿元，年均增长5.2%", False),  # a five-year average
    ("“十四五”时期财政收入年均增长多少", "一般公共预算收入年均增长5.2%", True),
    ("社会消费品零售总额增长多少", "社会消费品零售总额增长6%", True),  # 总额 in a name asks no amount
    ("经济增速比全国高几个百分点", "高于全国1.2个百分点", True),
]


@pytest.mark.parametrize("topic,sentence,fits", CASES, ids=[c[0] for c in CASES])
def test_figure_kind(topic, sentence, fits):
    plan = QueryPlan(question=topic, standalone=topic, topic=topic)
    assert fits_figure_asked(plan, sentence) is fits
