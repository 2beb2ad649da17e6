"""The stretches of a report's look back (rag.text.review_stretches): which paragraphs tell the last
year alone and which the five years, and what a question about the five years may be answered from."""

import pytest

from rag.text.review_stretches import SPAN, YEAR, paragraph_stretch, stretch_at

PARAGRAPH_CASES = [
    # paragraph, the plan looked back on, what it says of its stretch
    ("过去一年，我们坚持稳中求进，地区生产总值增长5.4%。", "十四五", YEAR),
    ("2025年是很不平凡的一年。面对复杂严峻的形势，全省上下…", "十四五", YEAR),
    ("一年来，我们坚决贯彻全面从严治党要求。", "十四五", YEAR),
    ("2025年是“十四五”规划收官之年。习近平总书记高度重视…", "十四五", YEAR),  # the plan, not its years
    ("各位代表！2025年是“十四五”收官之年。五年来，我们牢记嘱托…", "十四五", SPAN),  # the address is not the words
    ("“十四五”时期是极不平凡的五年，我们坚持…", "十四五", SPAN),
    ("各位代表！“十四五”以来，面对疫情冲击…", "十四五", SPAN),
    ("这五年，我们锐意改革、矢志创新。", None, SPAN),
    ("“十五五”时期是基本实现社会主义现代化夯实基础的关键时期。", "十四五", ""),  # the plan opened, no look back
    ("二、“十四五”时期发展成就", "十四五", SPAN),  # a heading naming only the five years
    ("一、2025年工作回顾", "十四五", YEAR),
    ("一、2025年和“十四五”时期工作回顾", "十四五", ""),  # both: the paragraphs decide
    ("三、2026年重点工作", "十四五", YEAR),
    ("四、统筹疫情防控和经济社会发展", "十三五", None),  # a part of the stretch it is in
    ("“十四五”时期和2021年形势任务", "十三五", ""),  # the plan opened ends the look back
    ("过去的五年，是极不平凡的五年。", "十三五", SPAN),
    ("（一）经济增长迈出坚实步伐。抓好国家政策落实…", "十四五", None),  # stays in its stretch
    ("——经济综合实力实现新跃升。全省地区生产总值年均增长5.9%。", "十四五", None),
    ("我们也清醒认识到，发展还面临一些困难挑战。", "十四五", None),
    ("", "十四五", None),
]


@pytest.mark.parametrize("paragraph,plan,expected", PARAGRAPH_CASES, ids=[c[0][:16] or "empty" for c in PARAGRAPH_CASES])
def test_a_paragraph_opening_starts_its_stretch(paragraph, plan, expected):
    assert paragraph_stretch(paragraph, plan) == expected


REPORT = "\n".join([
    "一、2025年及“十四五”时期工作回顾",
    "2025年是很不平凡的一年。全省上下…",
    "（一）民生福祉改善迈出坚实步伐。城镇新增就业124.9万人。",
    "二、统筹疫情防控和经济社会发展",
    "新建学校12所。",
    "各位代表！2025年是“十四五”收官之年。五年来，我们牢记嘱托。",
    "——人民生活水平实现新跃升。城镇新增就业累计600万人。",
    "二、“十五五”时期经济社会发展目标任务",
    "“十五五”时期是关键时期。",
])


@pytest.mark.parametrize("words,expected", [
    ("城镇新增就业124.9万人", YEAR),  # under the year's opening, through its numbered part
    ("新建学校12所", YEAR),  # a numbered part naming neither stays in the year's stretch
    ("城镇新增就业累计600万人", SPAN),  # under the five years' opening
    ("“十五五”时期是关键时期", ""),  # the plan opened ends both
    ("一、2025年及", ""),
])
def test_a_paragraph_stays_in_the_stretch_its_opening_started(words, expected):
    assert stretch_at(REPORT, REPORT.index(words), "十四五") == expected
