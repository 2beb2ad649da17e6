"""The problems a report admits — table-driven: report text -> introduction and items."""

from __future__ import annotations

import pytest

from rag.report_problems import _names_another_topic, admission

CASES = [
    # "清醒地认识到…：一是…二是…", closed by "面对这些问题…"
    ("过去一年成绩显著。同时，我们也清醒地认识到，本区发展还面临不少困难和挑战：一是产业空间不足，用地紧张。"
     "二是交通设施薄弱。面对这些问题，我们将采取有力措施。",
     "同时，我们也清醒地认识到，本区发展还面临不少困难和挑战：", ["一是产业空间不足，用地紧张。", "二是交通设施薄弱。"]),
    # the items as clauses of one sentence after the colon
    ("我们也清醒认识到：经济增长不及预期；有效需求不足；部分企业经营困难。",
     "我们也清醒认识到：", ["经济增长不及预期；", "有效需求不足；", "部分企业经营困难。"]),
    # "问题也不容忽视" followed by 一是… sentences
    ("成绩固然可喜，问题也不容忽视。一是生态本底脆弱。二是重化工业占比高。对此，我们将加以解决。",
     "成绩固然可喜，问题也不容忽视。", ["一是生态本底脆弱。", "二是重化工业占比高。"]),
    # no owning-up word: a problem sentence ending in a colon before 一是
    ("一些老问题仍然绕不过，一些新问题更加躲不过：一是基础不牢。二是效能不高。",
     "一些老问题仍然绕不过，一些新问题更加躲不过：", ["一是基础不牢。", "二是效能不高。"]),
    # "等等" closes the list, it is no item
    ("但是也要清醒认识到,我镇还存在一些问题和不足:经济总量不大;短板较突出;等等。",
     "但是也要清醒认识到,我镇还存在一些问题和不足:", ["经济总量不大;", "短板较突出;"]),
]


@pytest.mark.parametrize("text,intro,items", CASES, ids=[c[1][:12] for c in CASES])
def test_admission(text, intro, items):
    start, intro_end, spans = admission(text, None)
    assert text[start:intro_end] == intro
    assert [text[a:b] for a, b in spans] == items


@pytest.mark.parametrize("text", [
    "我们战胜了各种困难和挑战，经济稳中向好。全年增长5%。",  # difficulties overcome, not admitted
    "针对长期存在的审批多问题，我们深化改革：一是减少审批。二是加强监管。",  # what was done about them
    "全年地区生产总值增长5%。",
])
def test_no_admission(text):
    assert admission(text, None) is None


def test_plan_part_is_not_searched():
    text = "全年增长5%。今年面临的困难和挑战：一是外需不足。二是投资放缓。"
    assert admission(text, plan_start=text.index("今年")) is None


@pytest.mark.parametrize("topic,admitted,another", [
    ("存在哪几方面的短板", "一是产业空间不足", False),
    ("区政府自己认了哪些毛病和问题", "一是深化改革难度不断加大", False),      # 区政府 is the issuer
    ("在招商引资方面存在什么困难", "一是产业空间不足", True),                # a field the admission does not speak of
    ("产业空间方面存在什么困难", "一是产业空间不足", False),
    ("承认市民办事还有哪些不方便的地方？", "市民办事体验还不够好", False),  # "…的地方？" asks, names no field
    ("地方债务有哪些问题？", "市民办事体验还不够好", True),  # 地方 naming a field
])
def test_names_another_topic(topic, admitted, another):
    report = "区政府 招商引资 产业空间 方面 地方 债务 " + admitted
    assert _names_another_topic(topic, admitted, report) is another


def test_each_side_of_a_comparison_quotes_its_own_admission():
    from rag.draft import CitationBook
    from rag.query import analyse_question
    from rag.query_plan import Side
    from rag.report_problems import problems_cell
    from rag.types import DocMeta

    texts = {"a": "全年增长5%。我们也清醒认识到，发展还面临不少困难：一是投资放缓。二是消费偏弱。",
             "b": "全年增长6%。"}
    metas = {d: DocMeta(doc_id=d, file=f"{d}.txt", title="政府工作报告", town=None, town_anonymised=False,
                        region=None, year=2026, period_reviewed=2025, period_planned=2026, doc_type="report",
                        entity=e, level="province") for d, e in (("a", "甲省"), ("b", "乙省"))}
    plan = analyse_question("甲省和乙省各自存在哪些问题？", list(metas.values()))
    book = CitationBook()
    cell = problems_cell(plan, Side("甲省", frozenset({"a"})), [], metas, texts.get, book)
    assert cell == ("一是投资放缓；二是消费偏弱[1]", [1])
    assert problems_cell(plan, Side("乙省", frozenset({"b"})), [], metas, texts.get, book) is None  # no admission


@pytest.mark.parametrize("question, asks", [
    ("存在哪些短板？", True),
    ("承认市民找政府办事还有哪些不方便的地方？", True),  # what the report owns up to
    ("镇里坦言还有哪些事没办好？", True),
    ("解决了哪些问题？", False),  # how problems were solved
    ("镇政府觉得自己眼下还有哪些难处没解决？", True),  # solving denied: the problems that remain
    ("还有哪些问题尚未破解？", True),
    ("有哪些民生实事？", False),
])
def test_a_question_asking_what_the_report_admits(question, asks):
    from rag.query import analyse_question
    from rag.report_problems import asks_problems

    assert asks_problems(analyse_question(question, [])) is asks
