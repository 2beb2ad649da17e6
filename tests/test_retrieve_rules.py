"""Fusion of the two rankings and the merging of neighbouring hits (table-driven)."""

from __future__ import annotations

import pytest

from rag.config import RetrievalSettings
from rag.retrieve import fuse, merge_neighbours
from rag.types import Passage

W = RetrievalSettings(fusion="weighted", dense_weight=0.35, bm25_weight=0.65)
R = RetrievalSettings(fusion="rrf", dense_weight=1.0, bm25_weight=1.0, rrf_k=60)


@pytest.mark.parametrize("dense, sparse, config, expected", [
    # min-max per list, then weighted: the best of both lists gets 0.35 + 0.65
    ([("a", 0.9), ("b", 0.5)], [("a", 12.0), ("b", 4.0)], W, {"a": 1.0, "b": 0.0}),
    # a hit of one list only gets that list's share
    ([("a", 0.9), ("b", 0.1)], [("c", 8.0), ("b", 2.0)], W, {"a": 0.35, "b": 0.0, "c": 0.65}),
    # all scores equal in a list: each counts fully
    ([("a", 0.5), ("b", 0.5)], [], W, {"a": 0.35, "b": 0.35}),
    # reciprocal rank: rank 1 in both lists beats rank 1 in one
    ([("a", 0.9), ("b", 0.8)], [("a", 3.0)], R, {"a": 2 / 61, "b": 1 / 62}),
])
def test_fuse(dense, sparse, config, expected):
    got = fuse(dense, sparse, config)
    assert got.keys() == expected.keys()
    for cid, value in expected.items():
        assert got[cid] == pytest.approx(value)


DOC = "一、回顾。" + "甲" * 40 + "乙" * 40 + "丙" * 40


class _Texts:
    """The one thing merge_neighbours reads from a store: a report's cleaned text."""

    def get_doc_text(self, doc_id: str):
        return DOC if doc_id == "d1" else None


def _p(doc: str, idx: int, start: int, end: int, section: str = "回顾") -> Passage:
    return Passage(chunk_id=f"{doc}:{idx}", doc_id=doc, file=f"{doc}.txt", title="", town="", region="", year=2024,
                   section=section, text=DOC[start:end], start=start, end=end, chunk_index=idx,
                   scores={"fused": 1.0})


@pytest.mark.parametrize("hits, expected", [
    # adjacent chunks of one section become one passage spanning both, at the better hit's place
    ([_p("d1", 2, 45, 85), _p("d1", 1, 5, 45)], [(5, 85, 1, 2)]),
    # a gap of one chunk: kept apart
    ([_p("d1", 1, 5, 45), _p("d1", 3, 85, 125)], [(5, 45, 1, 1), (85, 125, 3, 1)]),
    # neighbours in different sections: kept apart
    ([_p("d1", 1, 5, 45), _p("d1", 2, 45, 85, section="部署")], [(5, 45, 1, 1), (45, 85, 2, 1)]),
    # neighbours of different reports: kept apart
    ([_p("d1", 1, 5, 45), _p("d2", 2, 45, 85)], [(5, 45, 1, 1), (45, 85, 2, 1)]),
    # overlapping spans merge even when their chunk numbers are not adjacent
    ([_p("d1", 1, 5, 60), _p("d1", 4, 50, 100)], [(5, 100, 1, 2)]),
])
def test_merge_neighbours(hits, expected):
    merged = merge_neighbours(hits, _Texts())
    assert [(p.start, p.end, p.chunk_index, p.scores.get("merged", 1)) for p in merged] == expected
    for p in merged:
        if p.doc_id == "d1":
            assert p.text == DOC[p.start:p.end]


def _meta(doc_id, entity, year):
    from rag.types import DocMeta

    return DocMeta(doc_id=doc_id, file=f"{doc_id}.txt", title=f"{entity}{year}年政府工作报告", town=entity,
                   town_anonymised=False, region=None, year=year, period_reviewed=year - 1, period_planned=year,
                   doc_type="report", entity=entity)


@pytest.mark.parametrize("question, kept, dropped", [
    ("龙岗区2023年政府工作报告说，2022年龙岗的财政收入有多少？", ["财政收入", "2022"], ["龙岗", "政府工作报告"]),
    ("深圳市2019年政府工作报告里，2018年深圳的研发投入有多少？", ["研发投入"], ["深圳"]),
])
def test_words_matched_within_the_report_asked_of_leave_out_its_name(question, kept, dropped):
    from rag.evidence import _search_words
    from rag.query import analyse_question

    metas = [_meta("lg", "龙岗区", 2023), _meta("sz", "深圳市", 2019)]
    words = _search_words(analyse_question(question, metas))
    assert all(w in words for w in kept) and not any(w in words for w in dropped), words


# ---------------------------------------------------------------- the part of a report a figure is asked of
from rag.evidence import IndexGatherer  # noqa: E402
from rag.query_plan import QueryPlan, Side  # noqa: E402
from rag.sentence_scoring import asked_part  # noqa: E402
from rag.types import DocMeta  # noqa: E402


def _report(plan_start: int | None = 60, reviewed_span=(2020, 2024)) -> DocMeta:
    return DocMeta(doc_id="d1", file="d1.txt", title="", town="某区", town_anonymised=False, region=None, year=2025,
                   period_reviewed=2024, period_planned=2025, doc_type="政府工作报告", plan_start=plan_start,
                   reviewed_span=reviewed_span)


def _plan(years=(), period="", wants_number=True, topic="q") -> QueryPlan:
    return QueryPlan(question=topic, standalone=topic, topic=topic, years=tuple(years), period=period,
                     wants_number=wants_number)


@pytest.mark.parametrize("plan, expected", [
    (_plan(years=[2024]), "review"),  # the year the report reviews
    (_plan(period="reviewed"), "review"),  # 去年
    (_plan(years=[2025]), "plan"),  # the year it plans
    (_plan(period="planned"), "plan"),  # 今年
    (_plan(years=[2024, 2025]), None),  # both years: either part
    (_plan(), None),  # no year asked
    (_plan(years=[2024], wants_number=False), None),  # not a figure: either part may say it
    (_plan(years=[2019]), None),  # a year the report neither reviews nor plans
    (_plan(topic="这五年城镇新增就业多少人"), "span"),  # the years it looks back on: outcomes only
    (_plan(topic="过去五年累计新增就业多少"), "span"),
])
def test_asked_part(plan, expected):
    assert asked_part(plan, _report()) == expected


@pytest.mark.parametrize("topic, meta, expected", [
    ("“十四五”期间高铁里程增加了多少", _report(reviewed_span=(2021, 2025)), "span"),
    ("“十四五”期间高铁里程增加了多少", _report(reviewed_span=(2016, 2020)), None),  # another span than it reviews
    ("这五年城镇新增就业多少人", _report(reviewed_span=None), None),  # a report looking back on no span
])
def test_asked_part_of_a_span(topic, meta, expected):
    assert asked_part(_plan(topic=topic), meta) == expected


@pytest.mark.parametrize("question, span", [
    ("“十四五”期间财政收入年均增长多少", (2021, 2025)),
    ("十三五时期新增公共住房多少套", (2016, 2020)),
    ("这五年城镇新增就业多少人", "past"),
    ("五年来粮食产量", "past"),
    ("过去三年投资多少", "past"),
    ("去年城镇新增就业多少人", None),
    ("今后五年的目标", None),
])
def test_span_asked(question, span):
    from rag.sentence_scoring import span_asked

    assert span_asked(question) == span


class _Catalogue:
    """What the gatherer reads of a store to order passages: the reports' metadata."""

    def __init__(self, *metas: DocMeta):
        self.metas = list(metas)

    def list_docs(self) -> list[DocMeta]:
        return self.metas


@pytest.mark.parametrize("plan, meta, expected", [
    # reviewed year: a passage before the plan part comes first, one after it does not
    (_plan(years=[2024]), _report(), {(0, 50): True, (70, 120): False, (40, 80): True}),
    # planned year: a passage reaching into the plan part comes first
    (_plan(years=[2025]), _report(), {(0, 50): False, (70, 120): True, (40, 80): True}),
    # the plan part unknown, or no part asked: no order at all
    (_plan(years=[2024]), _report(plan_start=None), None),
    (_plan(), _report(), None),
])
def test_passages_of_the_part_asked_come_first(plan, meta, expected):
    prefer = IndexGatherer(_Catalogue(meta), embedder=None)._in_part_asked(plan, Side("某区", frozenset({"d1"})), {"d1"})
    if expected is None:
        assert prefer is None
        return
    for (start, end), first in expected.items():
        assert prefer(_p("d1", 0, start, end)) is first


def _undated(doc_id: str, title: str) -> DocMeta:
    return DocMeta(doc_id=doc_id, file=f"{doc_id}.txt", title=title, town=None, town_anonymised=False, region=None,
                   year=None, period_reviewed=None, period_planned=None, doc_type="其他")


def _passage(doc_id: str) -> Passage:
    return Passage(chunk_id=f"{doc_id}:0", doc_id=doc_id, file=f"{doc_id}.txt", title="", town="", region="",
                   year=0, section="", text="……", start=0, end=2, chunk_index=0)


@pytest.mark.parametrize("years, title, text, kept", [
    ((2022,), "比亚迪发布2023年业绩", "公司全年实现营业收入6023.15亿元。", False),  # another year's story
    ((2023,), "比亚迪发布2023年业绩", "比亚迪发布2023年业绩。", True),
    ((2022, 2023), "比亚迪发布2023年业绩", "比亚迪发布2023年业绩。", True),  # one of the years asked
    ((2022,), "比亚迪发布2023年业绩", "营业收入比2022年增长42%。", True),  # the text names the year asked
    ((2018,), "阿根廷队夺得2022年世界杯冠军", "20182名观众到场。", False),  # a year inside a number is no year
    ((2024,), "巴黎奥运会落下帷幕", "中国队追平了2012年伦敦奥运会的战绩。", False),  # never says its year
    ((), "比亚迪发布2023年业绩", "比亚迪发布2023年业绩。", True),  # no year asked: nothing removed
])
def test_an_undated_document_answers_only_the_years_it_names(years, title, text, kept):
    from rag.evidence import of_the_years_asked

    plan = QueryPlan(question="?", standalone="?", topic="?", years=years)
    evidence = of_the_years_asked(plan, [(Side("", frozenset()), [_passage("n1")])], {"n1": _undated("n1", title)},
                                  lambda doc_id: text)
    assert bool(evidence[0][1]) is kept


def test_a_dated_report_is_left_to_the_report_routing():
    from rag.evidence import of_the_years_asked

    plan = QueryPlan(question="?", standalone="?", topic="?", years=(2019,))
    evidence = of_the_years_asked(plan, [(Side("", frozenset()), [_passage("d1")])], {"d1": _report()},
                                  lambda doc_id: "2024年工作回顾")
    assert evidence[0][1]
