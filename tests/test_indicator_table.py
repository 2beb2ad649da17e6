"""The indicator table (指标库) and the answers drawn from it, on small synthetic reports.

Fast: no embedding, no retrieval. Reports are written here so every expected value is known;
the end-to-end test over the 31 provincial reports is tests/test_indicators_e2e.py.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from rag.indicators_table import IndicatorRow, snapshot_of, table_for
from rag.table_answer import answer_question
from rag.table_question import Threshold, _threshold, detect, find_indicator
from rag.table_targets import judge, target_vs_outcome, targets_vs_outcomes
from rag.types import DocMeta

# ---------------------------------------------------------------------------- synthetic reports
REPORTS = {
    ("甲省", "province", 2026, ()): (
        "甲省2026年政府工作报告\n"
        "一、2025年工作回顾\n"
        "2025年，全省地区生产总值达到3.2万亿元、增长5.2%，一般公共预算收入增长2.1%，城镇新增就业60万人。\n"
        "二、2026年工作安排\n"
        "今年经济社会发展主要预期目标是：地区生产总值增长5%左右，一般公共预算收入增长3%，居民消费价格涨幅2%左右。\n"),
    ("乙省", "province", 2026, ()): (
        "乙省2026年政府工作报告\n"
        "一、2025年工作回顾\n"
        "2025年，全省地区生产总值增长6.1%，城镇调查失业率5.1%。\n"
        "二、2026年工作安排\n"
        "今年主要预期目标是：地区生产总值增长5.5%—6%，一般公共预算收入增长4%左右。\n"),
    ("丙省", "province", 2026, ()): (
        "丙省2026年政府工作报告\n"
        "一、2025年工作回顾\n"
        "2025年，全省地区生产总值增长4.3%，一般公共预算收入增长1.2%。\n"
        "二、2026年工作安排\n"
        "今年主要预期目标是：地区生产总值增长4.5%，城镇新增就业40万人以上。\n"),
    ("丁省", "province", 2026, ()): (
        "丁省2026年政府工作报告\n"
        "一、2025年工作回顾\n"
        "2025年，全省地区生产总值增长5%，粮食产量1300万吨。\n"
        "二、2026年工作安排\n"
        "今年要坚持稳中求进，推动经济实现质的有效提升和量的合理增长。\n"),
    ("戊市", "city", 2026, ("甲省",)): (
        "戊市2026年政府工作报告\n"
        "一、2025年工作回顾\n"
        "2025年，全市地区生产总值增长7.5%。\n"
        "二、2026年工作安排\n"
        "今年主要预期目标是：地区生产总值增长7%左右。\n"),
    ("甲省", "province", 2025, ()): (
        "甲省2025年政府工作报告\n"
        "一、2024年工作回顾\n"
        "2024年，全省地区生产总值增长5.4%。\n"
        "二、2025年工作安排\n"
        "今年经济社会发展主要预期目标是：地区生产总值增长5.5%左右，一般公共预算收入增长2%，"
        "城镇新增就业55万人，居民消费价格涨幅3%以内。\n"),
}


def _meta(entity: str, level: str, year: int, parent: tuple, text: str) -> DocMeta:
    doc_id = f"{entity}-{year}"
    plan_start = text.index("二、")
    return DocMeta(doc_id=doc_id, file=f"{entity}{year}年政府工作报告.txt", title=f"{entity}{year}年政府工作报告",
                   town=entity, town_anonymised=False, region=parent[-1] if parent else None, year=year,
                   period_reviewed=year - 1, period_planned=year, doc_type="政府工作报告", plan_start=plan_start,
                   entity=entity, level=level, parent=parent)


DOCS = [(_meta(*key, text), text) for key, text in REPORTS.items()]
TEXTS = {meta.doc_id: text for meta, text in DOCS}
CATALOGUE = [meta for meta, _ in DOCS]


@pytest.fixture(scope="module")
def snap():
    return snapshot_of(DOCS)


def _cited_values_are_in_their_spans(answer) -> None:
    """Every citation opens its exact statement: the span is the quote, inside the passage."""
    assert answer.citations
    for c in answer.citations:
        text = TEXTS[c.doc_id]
        assert text[c.span_start:c.span_end] == c.quote, c
        assert text[c.start:c.end] == c.text
        assert c.start <= c.span_start < c.span_end <= c.end
    for line in answer.answer.splitlines():
        for n in re.findall(r"\[(\d+)\]", line):
            assert int(n) in {c.n for c in answer.citations}, line


# ---------------------------------------------------------------------------- question detection
DETECT = [
    # question, mode, indicator, kind, year, levels
    ("哪个省2026年GDP增长目标最高？", "rank", "地区生产总值增长", "target", 2026, ("province",)),
    ("哪个省2026年GDP增长目标最低？", "rank", "地区生产总值增长", "target", 2026, ("province",)),
    ("哪些省份2026年GDP增长目标定在5%以上？", "filter", "地区生产总值增长", "target", 2026, ("province",)),
    ("各省2025年地区生产总值增速分别是多少？", "set", "地区生产总值增长", "actual", 2025, ("province",)),
    ("各省2025年地区生产总值分别是多少？", "set", "地区生产总值", "actual", 2025, ("province",)),
    ("哪个省2025年经济增速最快", "rank", "地区生产总值增长", "actual", 2025, ("province",)),
    ("2025年哪个省的财政收入增长最快？", "rank", "一般公共预算收入增长", "actual", 2025, ("province",)),
    ("哪些省2026年预期物价涨幅在2%左右", "filter", "居民消费价格", "target", 2026, ("province",)),
    ("各市2026年GDP增长目标分别是多少", "set", "地区生产总值增长", "target", 2026, ("city",)),
    ("各省今年（2026年）GDP各打算增长多少", "set", "地区生产总值增长", "target", 2026, ("province",)),  # 打算 plans
    ("甲省2025年GDP增长目标是多少，实际完成了多少？", "target_outcome", "地区生产总值增长", "target", 2025, ()),
    ("甲省2025年新增就业目标定的多少？最后实际完成多少？", "target_outcome", "城镇新增就业", "target", 2025, ()),
    ("甲省和乙省2026年GDP增长目标分别是多少？", "set", "地区生产总值增长", "target", 2026, ()),
    # a year that dates the report is no data year: its outcomes are of the year before
    ("甲省和乙省2026年政府工作报告里，地区生产总值分别增长多少？", "set", "地区生产总值增长", "actual", 2025, ()),
    ("甲省和乙省2026年的报告定的GDP增长目标分别是多少？", "set", "地区生产总值增长", "target", 2026, ()),
    ("哪些省份2025年GDP增速高于全国平均水平？", "set", "地区生产总值增长", "actual", 2025, ("province",)),
]


@pytest.mark.parametrize("question,mode,indicator,kind,year,levels", DETECT, ids=[d[0] for d in DETECT])
def test_detects_table_questions(question, mode, indicator, kind, year, levels):
    tq = detect(question, CATALOGUE)
    assert tq is not None
    assert (tq.mode, tq.indicator, tq.kind, tq.year, tq.levels) == (mode, indicator, kind, year, levels)


NOT_TABLE = [
    "甲省2026年GDP增长目标是多少？",  # one issuer, no ranking/filter/set: retrieval answers it
    "哪个省提到了人工智能？",  # no indicator
    "各位代表，今年的工作重点有哪些？",
    "甲省2025年的地区生产总值是多少？",
    # the reports' own words asked, not a value: how each puts it, or its place in the nation
    "甲省、乙省2026年的报告各自是怎么描述2025年地区生产总值的？",
    "甲省和乙省的地区生产总值在全国的地位分别如何？",
    # a span of years: the table holds the figures of one year
    "甲省、乙省2026年政府工作报告回顾“十四五”时期，地区生产总值年均增速分别是多少？",
    "各省过去五年地区生产总值分别增长多少？",
    "",
]


@pytest.mark.parametrize("question", NOT_TABLE)
def test_other_questions_are_left_to_retrieval(question, snap):
    assert detect(question, CATALOGUE) is None
    assert answer_question(question, snap) is None


THRESHOLDS = [
    ("定在5%以上", (">=", 5.0, "percent")),
    ("超过5%", (">", 5.0, "percent")),
    ("不低于5.5%", (">=", 5.5, "percent")),
    ("低于4.5%的", ("<", 4.5, "percent")),
    ("增长目标在5%以内", ("<=", 5.0, "percent")),
    ("定在5%", ("==", 5.0, "percent")),
    ("1万亿元以上", (">=", 10000.0, "money")),
    ("2025年增长", None),
]


@pytest.mark.parametrize("text,expected", THRESHOLDS, ids=[t[0] for t in THRESHOLDS])
def test_thresholds(text, expected):
    th = _threshold(text)
    assert (None if th is None else (th.op, th.value, th.family)) == expected


INDICATORS = [
    ("GDP增长目标", "地区生产总值增长"),
    ("地区生产总值增速", "地区生产总值增长"),
    ("经济总量", "地区生产总值"),
    ("老百姓收入", "居民人均可支配收入"),
    ("物价", "居民消费价格"),
    ("财政收入涨了多少", "一般公共预算收入增长"),
    ("人均GDP", None),  # another quantity (a stop name), not GDP
    ("固投打算增长多少", "固定资产投资增长"),  # an amount's short name names its growth too
    ("固投总额是多少", "固定资产投资"),
    ("外贸打算增长多少", "进出口总额增长"),  # an everyday name of an amount, its growth asked
    ("老百姓收入涨了多少", "居民人均可支配收入增长"),
]


@pytest.mark.parametrize("phrase,expected", INDICATORS, ids=[i[0] for i in INDICATORS])
def test_indicator_in_a_question(phrase, expected):
    found = find_indicator(phrase)
    assert (found.name if found else None) == expected


@pytest.mark.parametrize("question, name, siblings", [
    ("深圳和广州2022年GDP各是多少？哪个增长更快？", "地区生产总值增长", ("地区生产总值",)),
    # a gloss in brackets after the name does not hide what follows it
    ("龙岗区和光明区的财政收入（一般公共预算收入）各是多少？增速谁最快？", "一般公共预算收入增长", ("一般公共预算收入",)),
    ("龙岗区和光明区的财政收入（一般公共预算收入）增速谁最快？", "一般公共预算收入增长", ()),
])
def test_an_amount_asked_beside_a_growth(question, name, siblings):
    found = find_indicator(question)
    assert (found.name, found.siblings) == (name, siblings)


# ---------------------------------------------------------------------------- answers across reports
def test_ranking_names_the_top_cites_every_value_and_names_coverage(snap):
    a = answer_question("哪个省2026年GDP增长目标最高？", snap)
    assert a.backend == "table" and not a.refused
    lines = a.answer.splitlines()
    assert "最高" in lines[0] and "乙省" in lines[1] and "5.5%—6%" in lines[1]
    for entity, value in (("乙省", "5.5%—6%"), ("甲省", "5%左右"), ("丙省", "4.5%")):
        line = next(x for x in lines if x.startswith(f"{entity}："))
        assert value in line and re.search(r"\[\d+\]$", line), line
    assert "覆盖：4份2026年省级报告中3份给出此指标；未给出：丁省。" in lines
    assert "戊市" not in a.answer, "a city is not a province"
    assert "5.2%" not in a.answer and "6.1%" not in a.answer, "no outcome ranked among targets"
    _cited_values_are_in_their_spans(a)


def test_ranking_lowest(snap):
    a = answer_question("哪个省2026年GDP增长目标最低？", snap)
    assert "最低" in a.answer.splitlines()[0] and "丙省（4.5%）" in a.answer.splitlines()[1]


def test_filter_splits_the_reports_and_lists_both_sides(snap):
    a = answer_question("哪些省份2026年GDP增长目标定在5%以上？", snap)
    text = a.answer
    yes, no = text.split("不符合的")
    assert "有2个" in yes and "甲省：5%左右" in yes and "乙省：5.5%—6%" in yes
    assert "丙省：4.5%" in no
    assert "未给出：丁省" in text
    _cited_values_are_in_their_spans(a)


def test_set_of_outcomes_covers_every_report(snap):
    a = answer_question("各省2025年地区生产总值增速分别是多少？", snap)
    values = dict(re.findall(r"^(\S+省)：(\S+?)\[\d+\]$", a.answer, flags=re.M))
    assert values == {"甲省": "5.2%", "乙省": "6.1%", "丙省": "4.3%", "丁省": "5%"}
    assert "覆盖：4份2026年省级报告中4份给出此指标。" in a.answer
    assert "左右" not in a.answer and "5.5%—6%" not in a.answer, "targets are not outcomes"
    _cited_values_are_in_their_spans(a)


def test_outcome_question_without_year_takes_the_latest_reviewed_year(snap):
    a = answer_question("哪个省的GDP增长最快？", snap)
    assert "2025年" in a.answer and "乙省（6.1%）" in a.answer
    assert "左右" not in a.answer


def test_named_issuers_get_one_row_each(snap):
    a = answer_question("甲省和丁省2026年GDP增长目标分别是多少？", snap)
    rows = {r.side: r for r in a.comparison}
    assert set(rows) == {"甲省", "丁省"}
    assert "5%左右" in rows["甲省"].answer and rows["甲省"].citations
    assert rows["丁省"].answer == "报告中未提及" and not rows["丁省"].citations
    assert "【丁省】" in a.answer and "报告中未提及" in a.answer


def test_a_named_issuers_row_quotes_the_reports_own_words(snap):
    """The figure's clause as the report writes it stands beside the value (增长5.2%, not only 5.2%)."""
    a = answer_question("甲省和丙省2025年地区生产总值分别增长了多少？", snap)
    assert "“" in a.answer and "增长5.2%" in a.answer and "增长4.3%" in a.answer


def test_region_scopes_lower_level_reports(snap):
    a = answer_question("甲省各市2026年GDP增长目标分别是多少？", snap)
    assert "戊市：7%左右" in a.answer and "乙省" not in a.answer


def test_a_year_the_library_lacks_is_said_not_substituted(snap):
    a = answer_question("哪个省2024年GDP增长目标最高？", snap)
    assert a.refused and "没有2024年" in a.answer and "现有年份" in a.answer
    assert not a.citations


# ---------------------------------------------------------------------------- targets vs outcomes
def test_target_beside_outcome_both_cited(snap):
    a = answer_question("甲省2025年GDP增长目标是多少，实际完成了多少？", snap)
    assert "目标：5.5%左右[1]（2025年报告" in a.answer
    assert "实际：5.2%[2]（2026年报告" in a.answer
    assert "未达到目标" in a.answer
    assert [c.year for c in a.citations] == [2025, 2026]
    _cited_values_are_in_their_spans(a)


def test_target_outcome_names_the_missing_report(snap):
    a = answer_question("乙省2025年GDP增长目标是多少？实际完成了多少？", snap)
    assert "库中没有乙省2025年的报告" in a.answer
    assert "实际：6.1%" in a.answer and "无法判断" in a.answer


def test_targets_vs_outcomes_statuses(snap):
    got = {(x.indicator, x.status) for x in targets_vs_outcomes(snap, entities=["甲省"], years=[2025])}
    assert ("地区生产总值增长", "not met") in got  # 5.2% < 5.5%左右
    assert ("一般公共预算收入增长", "met") in got  # 2.1% >= 2%
    assert ("城镇新增就业", "met") in got  # 60万人 >= 55万人
    assert ("居民消费价格", "not stated") in got  # the 2026 report gives no 2025 CPI
    to = target_vs_outcome(snap, "甲省", "城镇新增就业", 2025)
    assert to.target.raw == "55万人" and to.outcome.raw == "60万人" and to.outcome_report.year == 2026


def _row(value, *, high=None, qualifier="", unit="%", kind="target", raw=None):
    return IndicatorRow("d", "f", "e", "province", 2025, "x", kind, 2025, value, high, unit,
                        raw or f"{value:g}{unit}", qualifier, 0, 1, 0.9)


JUDGE = [
    ("地区生产总值增长", _row(5.5, qualifier="左右"), _row(5.2, kind="actual"), "not met"),
    ("地区生产总值增长", _row(5.0, high=5.5), _row(5.2, kind="actual"), "met"),
    ("居民消费价格", _row(3.0, qualifier="以内"), _row(0.2, kind="actual"), "met"),
    ("城镇调查失业率", _row(5.5, qualifier="左右"), _row(5.6, kind="actual"), "not met"),
    ("城镇新增就业", _row(50, unit="万人"), _row(52, unit="万人", kind="actual"), "met"),
    ("地区生产总值", _row(300, unit="亿元"), _row(50, unit="亿美元", kind="actual"), "not stated"),
]


@pytest.mark.parametrize("indicator,target,outcome,status", JUDGE)
def test_judge(indicator, target, outcome, status):
    assert judge(indicator, target, outcome)[0] == status


def test_threshold_holds_for_ranges():
    th = Threshold(">=", 5.0, "percent", "5%以上")
    assert th.holds(_row(5.0, qualifier="左右")) and th.holds(_row(5.0, high=5.5))
    assert not th.holds(_row(4.5, high=5.0)), "a range counts only when all of it meets the condition"


# ---------------------------------------------------------------------------- storage beside the catalogue
def _pending(meta: DocMeta, text: str):
    from rag.store_records import PendingDoc

    return PendingDoc(meta, text, [], np.zeros((0, 384), dtype=np.float32), [], "hash", "txt", "test")


def test_rows_are_stored_with_the_report_and_removed_with_it(fresh_settings, monkeypatch):
    from rag.store import ReportStore

    store = ReportStore(fresh_settings)
    meta, text = DOCS[0]
    store.add_documents([_pending(meta, text)])
    table = table_for(store)
    got = table.collection.get(ids=[meta.doc_id], include=["metadatas"])
    assert got["ids"] == [meta.doc_id] and got["metadatas"][0]["n_rows"] > 0
    rows = table.query(entities=["甲省"], indicators=["地区生产总值增长"], kinds=["target"])
    assert [(r.year, r.raw, r.report_year) for r in rows] == [(2026, "5%左右", 2026)]
    r = rows[0]
    assert text[r.start:r.end].endswith("5%左右") and text[r.passage_start:].startswith(r.passage)

    # another client (a new process) reads the stored rows, it does not re-extract them
    other = table_for(ReportStore(fresh_settings))
    assert other.query(indicators=["地区生产总值增长"], kinds=["target"]) == rows
    assert other.stats == {"read": 1, "derived": 0}

    store.remove_document(meta.doc_id)
    assert table.collection.get(ids=[meta.doc_id])["ids"] == []
    assert table.query() == []


def test_reports_without_stored_rows_are_derived(fresh_settings, monkeypatch):
    """A report ingested before the table existed (or with extraction switched off) still has rows."""
    from rag.store import ReportStore

    store = ReportStore(fresh_settings.with_(indicators=False))
    meta, text = DOCS[1]
    store.add_documents([_pending(meta, text)])
    table = table_for(store)
    assert table.collection.count() == 0
    assert {r.raw for r in table.query(indicators=["地区生产总值增长"])} == {"6.1%", "5.5%—6%"}
    assert table.stats["derived"] == 1
