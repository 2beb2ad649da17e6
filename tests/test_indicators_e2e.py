"""End to end: the 31 provincial 2026 reports and three consecutive 深圳 reports ingested (once per
session, embeddings from the shared cache), questions asked through QAService like the chat does.

Expected values were read in the reports by hand (every GDP growth target and 2025 outcome of the
31 provinces; the budget-revenue growth targets and the provinces that state none; 深圳's 2019
targets and their outcomes in the 2020 report).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import ROOT, make_settings

pytestmark = pytest.mark.slow

CORPUS = ROOT.parent / "shared" / "corpus"
PROVINCES = CORPUS / "provinces_2026"
SHENZHEN = [CORPUS / "city" / f"深圳市政府工作报告_{y}年.txt" for y in (2019, 2020, 2021)]

GDP_TARGET_2026 = {
    "上海市": "5%左右", "云南省": "4.5%左右", "内蒙古自治区": "5%左右", "北京市": "5%左右", "吉林省": "5%左右",
    "四川省": "5.5%左右", "天津市": "4.5%", "宁夏回族自治区": "5%左右", "安徽省": "5%—5.5%", "山东省": "5%以上",
    "山西省": "4.5%—5%", "广东省": "4.5%—5%", "广西壮族自治区": "5%左右", "新疆维吾尔自治区": "5.5%—6%",
    "江苏省": "5%", "江西省": "5%-5.5%", "河北省": "5%以上", "河南省": "5%左右", "浙江省": "5%—5.5%",
    "海南省": "6%左右", "湖北省": "5.5%左右", "湖南省": "5%左右", "甘肃省": "5.5%左右", "福建省": "5%左右",
    "西藏自治区": "7%以上", "贵州省": "5%左右", "辽宁省": "4.5%左右", "重庆市": "5%以上", "陕西省": "5%左右",
    "青海省": "4.5%左右", "黑龙江省": "4.5-5%",
}
GDP_GROWTH_2025 = {
    "上海市": "5.4%", "云南省": "4.1%", "内蒙古自治区": "4.7%", "北京市": "5.4%", "吉林省": "5%", "四川省": "5.5%",
    "天津市": "4.8%", "宁夏回族自治区": "5.3%", "安徽省": "5.5%", "山东省": "5.5%", "山西省": "4%", "广东省": "3.9%",
    "广西壮族自治区": "5.1%", "新疆维吾尔自治区": "5.5%", "江苏省": "5.3%", "江西省": "5.2%", "河北省": "5.6%",
    "河南省": "5.6%", "浙江省": "5.5%", "海南省": "4%", "湖北省": "5.5%", "湖南省": "4.8%", "甘肃省": "5.8%",
    "福建省": "5%", "西藏自治区": "7%", "贵州省": "4.9%", "辽宁省": "3.7%", "重庆市": "5.3%", "陕西省": "5.1%",
    "青海省": "4.1%", "黑龙江省": "4.2%",
}
NO_REVENUE_TARGET_2026 = {"内蒙古自治区", "山西省", "广西壮族自治区", "江西省", "浙江省", "海南省", "湖北省", "福建省",
                          "西藏自治区", "青海省", "黑龙江省"}


def _num(v: str) -> float:
    return float(re.match(r"[\d.]+", v).group(0))


@pytest.fixture(scope="session")
def indicator_service(tmp_path_factory, embed_cache_dir):
    """The 31 provincial reports and 深圳 2019–2021 in one library (embeddings from the shared cache:
    GOVQA_EMBED_CACHE, else the test cache)."""
    from ingest.pipeline import ingest_paths
    from rag.chat import QAService
    from rag.embed import GovEmbedding
    from rag.store import ReportStore

    if not PROVINCES.is_dir():
        pytest.skip(f"corpus not found at {PROVINCES}")
    cache = Path(os.environ.get("GOVQA_EMBED_CACHE") or embed_cache_dir)
    if not (cache / "embeddings.sqlite").is_file():
        cache = embed_cache_dir
    settings = make_settings(tmp_path_factory.mktemp("indicators"), cache)
    store = ReportStore(settings)
    results = ingest_paths([PROVINCES, *SHENZHEN], settings=settings, store=store,
                           embedder=GovEmbedding.from_settings(settings))
    assert [r.status for r in results] == ["ok"] * 34, [r.line() for r in results if r.status != "ok"]
    return QAService(settings, store=store)


def _values(answer_text: str) -> dict[str, str]:
    """"广东省：4.5%—5%[12]" lines -> {entity: value}."""
    return dict(re.findall(r"^([^：\n【]+)：(\S+?)\[\d+\]$", answer_text, flags=re.M))


def _check_citations(service, answer) -> None:
    for c in answer.citations:
        text = service.store.get_doc_text(c.doc_id)
        assert text[c.span_start:c.span_end] == c.quote and c.quote, c
        assert text[c.start:c.end] == c.text
    marks = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert marks == {c.n for c in answer.citations}


def test_highest_gdp_growth_target(indicator_service):
    a = indicator_service.ask("哪个省2026年GDP增长目标最高？")
    assert a.backend == "table" and not a.refused
    lines = a.answer.splitlines()
    assert "最高" in lines[0] and lines[1].startswith("西藏自治区（7%以上）[")
    assert _values(a.answer) == GDP_TARGET_2026  # every province, its value, cited
    assert "覆盖：31份2026年省级报告中31份给出此指标。" in lines
    assert "深圳" not in a.answer
    ranked = [_num(GDP_TARGET_2026[e]) for e in _values(a.answer)]
    assert ranked[0] == 7 and ranked[-1] == 4.5
    _check_citations(indicator_service, a)
    for c in a.citations:
        assert c.year == 2026 and GDP_TARGET_2026[c.town] in c.quote


def test_filter_gdp_growth_target_at_least_5(indicator_service):
    a = indicator_service.ask("哪些省份2026年GDP增长目标定在5%以上？")
    meet, rest = a.answer.split("不符合的")
    expected_no = {"山西省", "广东省", "黑龙江省", "云南省", "天津市", "辽宁省", "青海省"}
    assert set(_values(meet)) == set(GDP_TARGET_2026) - expected_no
    assert set(_values(rest)) == expected_no
    assert "有24个" in meet and rest.startswith("7个")
    assert "31份2026年省级报告中31份给出此指标" in a.answer
    _check_citations(indicator_service, a)


def test_set_of_2025_gdp_growth(indicator_service):
    a = indicator_service.ask("各省2025年地区生产总值增速分别是多少？")
    assert _values(a.answer) == GDP_GROWTH_2025
    assert "覆盖：31份2026年省级报告中31份给出此指标。" in a.answer
    assert "左右" not in a.answer, "outcomes only: no target among them"
    _check_citations(indicator_service, a)
    assert all(c.year == 2026 for c in a.citations)


def test_partial_coverage_names_every_province_without_the_figure(indicator_service):
    a = indicator_service.ask("哪个省2026年一般公共预算收入增长目标最低？")
    assert a.answer.splitlines()[1].startswith("湖南省（1.5%左右）[")
    missing = re.search(r"31份2026年省级报告中(\d+)份给出此指标；未给出：([^。]+)。", a.answer)
    assert missing, a.answer
    assert int(missing.group(1)) == 31 - len(NO_REVENUE_TARGET_2026)
    assert set(missing.group(2).split("、")) == NO_REVENUE_TARGET_2026
    assert set(_values(a.answer)) == set(GDP_TARGET_2026) - NO_REVENUE_TARGET_2026
    _check_citations(indicator_service, a)


def test_target_vs_outcome_on_consecutive_reports(indicator_service):
    a = indicator_service.ask("深圳市2019年GDP增长目标是多少，实际完成了多少？")
    assert a.backend == "table"
    assert "目标：7%左右[1]（2019年报告" in a.answer
    assert "实际：6.7%[2]（2020年报告" in a.answer
    assert "未达到目标" in a.answer
    assert [(c.town, c.year) for c in a.citations] == [("深圳市", 2019), ("深圳市", 2020)]
    _check_citations(indicator_service, a)

    met = indicator_service.ask("深圳2019年新增就业目标是多少？实际完成了多少？")
    assert "目标：8万人" in met.answer and "实际：16万人" in met.answer and "结论：达到目标" in met.answer

    # 2020's target is in the 2020 report; the 2021 report reviews five years and gives no 2020 rate
    silent = indicator_service.ask("深圳市2020年GDP增长目标是多少，实际完成了多少？")
    assert "目标：6.5%左右" in silent.answer
    assert "深圳市2021年报告没有给出2020年地区生产总值增长的实际数值" in silent.answer

    # no 2022 report in this library: said, not substituted
    gone = indicator_service.ask("深圳2021年GDP增长目标是多少？实际增长了多少？")
    assert "目标：6.5%左右" in gone.answer and "库中没有深圳市2022年的报告" in gone.answer


def test_table_answers_fast(indicator_service):
    import time

    indicator_service.ask("哪个省2026年GDP增长目标最高？")  # warm
    t = time.perf_counter()
    indicator_service.ask("哪些省份2026年GDP增长目标定在5%以上？")
    assert time.perf_counter() - t < 0.5
