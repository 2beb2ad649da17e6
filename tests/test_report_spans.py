"""A report's list of the year's targets, found by what it is — table-driven: text -> span."""

from __future__ import annotations

import pytest

from rag.report_spans import targets_span

CASES = [
    # the targets in one paragraph after the introduction
    ("回顾。\n今年主要预期目标是：国内生产总值增长6%—6.5%；城镇新增就业1100万人以上。\n要做好工作。",
     0, "今年主要预期目标是：国内生产总值增长6%—6.5%；城镇新增就业1100万人以上。"),
    # the introduction alone on its line: the targets follow on their own lines, up to a heading
    ("回顾。\n2026年经济社会发展的主要预期目标是：\n地区生产总值增长5%左右；\n城镇新增就业68万人。\n三、重点工作",
     0, "2026年经济社会发展的主要预期目标是：\n地区生产总值增长5%左右；\n城镇新增就业68万人。"),
]


@pytest.mark.parametrize("text,plan_start,span", CASES, ids=["paragraph", "lines"])
def test_targets_span(text, plan_start, span):
    a, b = targets_span(text, plan_start)
    assert text[a:b] == span


def test_the_review_part_is_not_the_years_targets():
    text = "去年预期目标是：增长6%。完成6.1%。\n今年工作安排。"
    assert targets_span(text, plan_start=text.index("今年")) is None
