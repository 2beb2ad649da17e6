"""The indicator extractor (rag/text/indicators.py): sentence -> rows, and the hand-checked gold sample.

Each case: a text, the report year (and optionally plan_start), and the rows expected as
(indicator, kind, year, value, value_high, unit, qualifier). The extractor must return exactly
these rows (order-insensitive). The last tests run the gold sample of tests/data/indicators_gold.jsonl
and time the extractor.
"""

from __future__ import annotations


import pytest

from rag.text.indicators import extract_indicators
from rag.text.indicators_mention import IndicatorMention
from rag.text.indicators_vocab import (
    core_indicators,
    indicator_names,
    indicator_unit,
    resolve_indicator,
)

CASES = [
    # --- plain review statements, report delivered in 2026 -> figures of 2025
    ("2025年，全省地区生产总值增长5.4%。", 2026, None,
     [("地区生产总值增长", "actual", 2025, 5.4, None, "%", "")]),
    ("全市地区生产总值达到1.2万亿元、增长5.1%。", 2026, None,
     [("地区生产总值", "actual", 2025, 12000.0, None, "亿元", ""),
      ("地区生产总值增长", "actual", 2025, 5.1, None, "%", "")]),
    # an indicator's short name as reports write it ("固投" for 固定资产投资), with its growth
    ("全年策划生成项目583个，完成固投总额790.4亿元，增长27.6%。", 2021, None,
     [("固定资产投资", "actual", 2020, 790.4, None, "亿元", ""),
      ("固定资产投资增长", "actual", 2020, 27.6, None, "%", "")]),
    ("地方一般公共预算收入3538.4亿元、增长6.2%。", 2019, None,
     [("一般公共预算收入", "actual", 2018, 3538.4, None, "亿元", ""),
      ("一般公共预算收入增长", "actual", 2018, 6.2, None, "%", "")]),
    # 下降 is a negative growth ...
    ("社会消费品零售总额增长4.4%，固定资产投资下降3.3%，进出口下降5.4%。", 2026, None,
     [("社会消费品零售总额增长", "actual", 2025, 4.4, None, "%", ""),
      ("固定资产投资增长", "actual", 2025, -3.3, None, "%", ""),
      ("进出口总额增长", "actual", 2025, -5.4, None, "%", "")]),
    ("居民消费价格下降0.1%。", 2026, None, [("居民消费价格", "actual", 2025, -0.1, None, "%", "")]),
    # ... but a fall of energy intensity is the indicator itself
    ("万元GDP能耗下降3.65%。", 2022, None, [("单位地区生产总值能耗降低", "actual", 2021, 3.65, None, "%", "")]),
    # percentage points are not a figure of the indicator
    ("全市地区生产总值增长5.4%、高于全国0.4个百分点。", 2026, None,
     [("地区生产总值增长", "actual", 2025, 5.4, None, "%", "")]),
    # units: 万元 for income, 人 for jobs, 亿斤 for grain, 亿美元 kept apart from 亿元
    ("居民人均可支配收入达到9.2万元、增长4.1%。", 2026, None,
     [("居民人均可支配收入", "actual", 2025, 92000.0, None, "元", ""),
      ("居民人均可支配收入增长", "actual", 2025, 4.1, None, "%", "")]),
    ("全年实现新增就业5650人，城镇登记失业率控制到3.9%。", 2016, None,
     [("城镇新增就业", "actual", 2015, 0.565, None, "万人", ""),
      ("城镇登记失业率", "actual", 2015, 3.9, None, "%", "")]),
    ("粮食总产量达到871.6亿斤。", 2026, None, [("粮食产量", "actual", 2025, 4358.0, None, "万吨", "")]),
    ("实际使用外资达到160.6亿美元、折合1148亿元人民币。", 2026, None,
     [("实际使用外资", "actual", 2025, 160.6, None, "亿美元", ""),
      ("实际使用外资", "actual", 2025, 1148.0, None, "亿元", "")]),
    # --- targets: one 主要预期目标 sentence listing several indicators
    (("今年经济社会发展主要预期目标是：地区生产总值增长5%左右，一般公共预算收入增长2%，城镇新增就业50万人以上，"
      "城镇调查失业率5.5%左右，居民消费价格涨幅2%左右，居民收入增长与经济增长同步。"), 2026, None,
     [("地区生产总值增长", "target", 2026, 5.0, None, "%", "左右"),
      ("一般公共预算收入增长", "target", 2026, 2.0, None, "%", ""),
      ("城镇新增就业", "target", 2026, 50.0, None, "万人", "以上"),
      ("城镇调查失业率", "target", 2026, 5.5, None, "%", "左右"),
      ("居民消费价格", "target", 2026, 2.0, None, "%", "左右")]),
    # ranges
    ("主要预期目标为：全省生产总值增长5%—5.5%，在实际工作中努力争取更好结果。", 2026, None,
     [("地区生产总值增长", "target", 2026, 5.0, 5.5, "%", "")]),
    ("今年发展主要预期目标是：国内生产总值增长6%－6.5%；城镇调查失业率5.5%左右。", 2019, None,
     [("地区生产总值增长", "target", 2019, 6.0, 6.5, "%", ""),
      ("城镇调查失业率", "target", 2019, 5.5, None, "%", "左右")]),
    # 以内, 控制在
    ("今年主要预期目标：城镇登记失业率控制在3%以内，居民消费价格涨幅控制在3%以内。", 2019, None,
     [("城镇登记失业率", "target", 2019, 3.0, None, "%", "以内"),
      ("居民消费价格", "target", 2019, 3.0, None, "%", "以内")]),
    # a target and its level in the same statement
    ("经济社会发展主要预期目标是：地区生产总值增长7.5%，达到309亿元。", 2016, None,
     [("地区生产总值增长", "target", 2016, 7.5, None, "%", ""),
      ("地区生产总值", "target", 2016, 309.0, None, "亿元", "")]),
    ("今年，粮食产量1300亿斤以上。", 2026, None, [("粮食产量", "target", 2026, 6500.0, None, "万吨", "以上")]),
    # --- five-year plans
    ("“十五五”时期经济社会发展的主要目标是：地区生产总值年均增长5%左右，全社会研发经费投入年均增长7%左右。", 2026, None,
     [("地区生产总值增长", "plan-period", 2030, 5.0, None, "%", "左右"),
      ("研发投入增长", "plan-period", 2030, 7.0, None, "%", "左右")]),
    ("过去五年，地区生产总值年均增长5.2%，城镇新增就业452万人。", 2026, None,
     [("地区生产总值增长", "plan-period", 2025, 5.2, None, "%", ""),
      ("城镇新增就业", "plan-period", 2025, 452.0, None, "万人", "累计")]),
    # a figure of another year inside a review sentence
    ("这五年，全省生产总值从2020年的3.68万亿元增长到2025年的4.93万亿元，一般公共预算收入从3826.5亿元增长到4398.6亿元。",
     2026, None,
     [("地区生产总值", "actual", 2020, 36800.0, None, "亿元", ""),
      ("地区生产总值", "actual", 2025, 49300.0, None, "亿元", ""),
      ("一般公共预算收入", "actual", 2020, 3826.5, None, "亿元", ""),
      ("一般公共预算收入", "actual", 2025, 4398.6, None, "亿元", "")]),
    ("2015年城镇常住居民人均可支配收入完成30788元，比2010年增加13480元，年均递增12.2%。", 2016, None,
     [("城镇居民人均可支配收入", "actual", 2015, 30788.0, None, "元", ""),
      ("城镇居民人均可支配收入增长", "plan-period", 2015, 12.2, None, "%", "")]),
    # 预计 -> expected
    ("预计全社会研发投入5350亿元、增长4.9%，研发投入强度达3.6%。", 2026, None,
     [("研发投入", "expected", 2025, 5350.0, None, "亿元", ""),
      ("研发投入增长", "expected", 2025, 4.9, None, "%", ""),
      ("研发投入强度", "expected", 2025, 3.6, None, "%", "")]),
    # enumerations: 城乡 split, 分别 with an item that is not an indicator, 均
    ("城乡居民人均可支配收入分别增长6%和7.4%。", 2026, None,
     [("城镇居民人均可支配收入增长", "actual", 2025, 6.0, None, "%", ""),
      ("农村居民人均可支配收入增长", "actual", 2025, 7.4, None, "%", "")]),
    ("规上工业增加值、规上服务业营收分别增长6.5%和7%。", 2026, None,
     [("规模以上工业增加值增长", "actual", 2025, 6.5, None, "%", "")]),
    ("城镇常住居民人均可支配收入、农村常住居民人均可支配收入均增长8%。", 2016, 0,
     [("城镇居民人均可支配收入增长", "target", 2016, 8.0, None, "%", ""),
      ("农村居民人均可支配收入增长", "target", 2016, 8.0, None, "%", "")]),
    # an increment is not a level
    ("一般公共预算收入增加近1000亿元，稳步达到3000亿元以上。", 2026, None,
     [("一般公共预算收入", "actual", 2025, 3000.0, None, "亿元", "以上")]),
    # figures that are not a known indicator of the reporting entity are ignored
    ("新设外资企业3.6万家、增长38.7%，人均地区生产总值达到10万元。", 2026, None, []),
    ("数字经济核心产业增加值占地区生产总值比重达到10%，工业增加值增长6%。", 2026, None, []),
    ("带动某地进出口415.4亿元、增长11.7%，对东盟进出口总额增长10.4%。", 2026, None, []),
    ("地区生产总值比2020年增长25%。", 2026, None, []),
    # plan_start given: the same words describe last year before it and this year after it
    ("地区生产总值增长5.4%。地区生产总值增长5%左右。", 2026, 13,
     [("地区生产总值增长", "actual", 2025, 5.4, None, "%", ""),
      ("地区生产总值增长", "target", 2026, 5.0, None, "%", "左右")]),
    # an explicit 去年 in the plan part
    ("去年地区生产总值增长5.4%。", 2026, 0, [("地区生产总值增长", "actual", 2025, 5.4, None, "%", "")]),
    # no report year: years only from the text
    ("2018年本市生产总值突破2.4万亿元、同比增长7.6%。", None, None,
     [("地区生产总值", "actual", 2018, 24000.0, None, "亿元", "以上"),
      ("地区生产总值增长", "actual", 2018, 7.6, None, "%", "")]),
]


def _rows(ms):
    return sorted((m.indicator, m.kind, m.year, m.value, m.value_high, m.unit, m.qualifier) for m in ms)


@pytest.mark.parametrize("text,report_year,plan_start,expected", CASES,
                         ids=[c[0][:18] for c in CASES])
def test_sentence(text, report_year, plan_start, expected):
    got = extract_indicators(text, report_year=report_year, plan_start=plan_start)
    assert _rows(got) == sorted(expected)
    for m in got:
        assert isinstance(m, IndicatorMention)
        assert 0 <= m.start < m.end <= len(text)
        assert m.raw and m.raw in text[m.start:m.end]
        assert 0.0 <= m.confidence <= 1.0
        assert m.indicator in indicator_names() and indicator_unit(m.indicator) in (m.unit, "亿元")


def test_raw_is_as_written():
    text = "陕西：地区生产总值增长5.1％，粮食产量1347万吨。"
    got = extract_indicators(text, report_year=2026)
    assert [m.raw for m in got] == ["5.1％", "1347万吨"]
    assert got[0].value == 5.1 and got[0].unit == "%"
    assert text[got[0].start:got[0].end] == "地区生产总值增长5.1％"


def test_everyday_synonyms():
    assert resolve_indicator("物价") == ["居民消费价格"]
    assert resolve_indicator("财政收入")[0] == "一般公共预算收入"
    assert resolve_indicator("老百姓收入")[0] == "居民人均可支配收入"
    assert resolve_indicator("找工作") == ["城镇新增就业"]
    assert resolve_indicator("就业岗位") == ["城镇新增就业"]
    assert resolve_indicator("经济增速") == ["地区生产总值增长"]
    assert resolve_indicator("国内生产总值") == ["地区生产总值", "地区生产总值增长"]
    assert resolve_indicator("规上工业增加值")[0] == "规模以上工业增加值"
    assert set(core_indicators()) >= {"地区生产总值", "地区生产总值增长", "一般公共预算收入", "城镇新增就业",
                                      "城镇调查失业率", "居民消费价格", "居民人均可支配收入"}


@pytest.mark.parametrize("unit", [
    "地区生产总值" + "增长" * 2000 + "1" * 3000 + "，" + "、" * 3000 + "5%" + "分别" * 1000,
    "从2020年的3.68万亿元增长到",
])
def test_adversarial_text_is_read_without_error(unit):
    # long runs of connectors, digits and figures with no sentence or clause end are read (the
    # time they take is measured in benchmarks/hostile_inputs.py, never in a test)
    rows = extract_indicators(unit * 20, report_year=2026)
    assert isinstance(rows, list)


# --- the hand-checked gold sample ---------------------------------------------------------------

def test_gold_sample_precision_and_recall():
    measure = pytest.importorskip("eval.indicators_measure")
    shared = measure.shared_dir()
    if shared is None:
        pytest.skip("corpus not found (set GOVQA_SHARED)")
    gold = measure.load_gold()
    assert len(gold) >= 160
    files = {g["file"] for g in gold}
    assert sum(f.startswith("corpus/provinces_2026/") for f in files) >= 12
    assert sum(f.startswith(("corpus/city/", "corpus/district/")) for f in files) >= 6
    assert sum(f.startswith("corpus/national/") for f in files) >= 2
    for g in gold:   # evidence is verbatim
        assert g["evidence"] in measure.read_report(shared / g["file"]), g
    r = measure.evaluate(gold, shared)
    assert r["precision"] >= 0.95, (r["precision"], r["extras"])
    assert r["core_recall"] >= 0.90, (r["core_recall"], r["misses"])
    assert r["seconds"] / r["files"] < 1.0
