"""Cleaning and metadata, checked on the seeds and on pages written here in other sites' styles."""

from __future__ import annotations

import re

import pytest

from conftest import SEEDS
from ingest.chunk import chunk_document
from ingest.clean import clean_report_text, normalize_text
from ingest.meta import extract_metadata
from ingest.years import detect_years

SEED_FILES = sorted(SEEDS.glob("*.txt"))
# furniture phrases from the seeds' sites, and from other portals (see OTHER_SITE below)
FURNITURE = ["举报", "资源描述", "展开阅读全文", "温馨提示", "版权所有", "经营许可证", "ICP备", "老年模式",
             "当前位置", "您现在的位置", "下一篇", "上一篇", "打印 关闭", "浏览次数", "浏览量", "分享到",
             "字号", "扫一扫", "网站标识码", "技术支持", "索引号", "发布单位"]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[。！？!?；;])|\n", text) if len(s.strip()) >= 8]


def _fold(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_cleaning_keeps_every_body_sentence(path):
    raw = path.read_text(encoding="utf-8")
    clean = clean_report_text(raw)
    body = _fold(clean.text)
    removed = {_fold(x) for x in clean.removed}
    for sentence in _sentences(normalize_text(raw)):
        folded = _fold(sentence)
        if folded in body:
            continue
        # only a furniture line may be missing, and it must have been removed whole
        assert any(folded in r for r in removed), f"lost body sentence: {sentence[:60]}"
        assert len(folded) < 200


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_no_furniture_in_any_chunk(path):
    clean = clean_report_text(path.read_text(encoding="utf-8"))
    meta = extract_metadata(clean, doc_id="t", file=path.name)
    chunks = chunk_document(clean.text, meta)
    assert chunks
    for chunk in chunks:
        assert clean.text[chunk.start: chunk.end] == chunk.text
        for phrase in FURNITURE:
            assert phrase not in chunk.text, (phrase, chunk.text[:80])


OTHER_SITE = """首页 | 政务公开 | 办事服务 | 互动交流
您现在的位置：首页 > 政务公开 > 规划计划 > 年度计划
青山镇2021年政府工作报告
发布时间：2022-01-20 09:30   来源：青山镇人民政府   浏览量：1234
【字号：大 中 小】【打印】【关闭】
分享到：微信 微博 QQ空间
各位代表：
现在，我代表青山镇人民政府向大会报告工作，请予审议。
一、2021年工作回顾
2021年，全镇实现地区生产总值45.6亿元，同比增长8.1%。完成固定资产投资12.3亿元。
（一）产业发展。新增规上企业5家；引进项目12个。
二、2022年工作安排
2022年，力争地区生产总值增长7%以上。建设美丽青山。
上一篇：关于做好春节期间安全生产工作的通知
下一篇：青山镇2020年政府工作报告
主办单位：青山县人民政府办公室   承办单位：青山镇人民政府
网站标识码：3300000001  浙ICP备12345678号  浙公网安备 33000002000001号
技术支持：某某网络公司
扫一扫在手机上查看当前页面
"""


def test_other_portal_furniture_removed_and_body_kept():
    clean = clean_report_text(OTHER_SITE)
    for phrase in FURNITURE + ["政务公开 | 办事服务", "主办单位"]:
        assert phrase not in clean.text, phrase
    for sentence in ("全镇实现地区生产总值45.6亿元，同比增长8.1%。", "新增规上企业5家；", "力争地区生产总值增长7%以上。"):
        assert sentence in clean.text
    meta = extract_metadata(clean, doc_id="t", file="qingshan.html")
    assert meta.town == "青山镇"
    assert (meta.period_reviewed, meta.period_planned) == (2021, 2022)
    assert meta.date and meta.date.startswith("2022-01-20")


def test_normalisation_whitespace_widths_and_quotes():
    text = normalize_text("全镇\u00a0实现\u3000产值１２３．５亿元，增长６％；省\"152'工程和“三转一市'改革")
    assert "\u00a0" not in text and "\u3000" not in text
    assert "123.5亿元" in text and "6%" in text
    assert "“152”工程" in text and "“三转一市”" in text


SEED_META = {
    # file prefix: (town or None for anonymised, region stem, reviewed, planned)
    "000": (None, None, 2019, 2020),
    "001": ("道滘镇", "东莞", 2022, 2023),
    "002": ("大关镇", "桐城", 2022, 2023),
    "003": (None, None, 2021, 2022),
    "004": ("杜桥镇", "临海", 2019, 2020),
}


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_seed_metadata(path):
    town, region, reviewed, planned = SEED_META[path.name[:3]]
    clean = clean_report_text(path.read_text(encoding="utf-8"))
    meta = extract_metadata(clean, doc_id="t", file=path.name)
    assert meta.town == town
    assert meta.town_anonymised == (town is None)
    if region:
        assert meta.region and meta.region.startswith(region)
    assert (meta.period_reviewed, meta.period_planned) == (reviewed, planned)
    assert meta.doc_type in ("政府工作报告", "工作总结")
    for key in ("title", "town", "region", "year", "period_reviewed", "period_planned", "doc_type"):
        assert meta.provenance.get(key), key
    assert meta.sections and all(s.start < s.end for s in meta.sections)
    assert meta.plan_start is not None and 0 < meta.plan_start < len(clean.text)


def test_page_fields_and_anniversary_override():
    clean = clean_report_text("索引号: AB12-2021-001 公开方式: 主动公开\n成文日期: 2021-01-13\n发布单位: 红石镇\n"
                              "红石镇政府工作报告\n一、2023年工作回顾\n2023年是新中国成立70周年。全镇实现产值10亿元。\n"
                              "二、今年工作安排\n今年要继续努力。")
    meta = extract_metadata(clean, doc_id="t", file="x.txt")
    assert meta.town == "红石镇" and meta.publisher == "红石镇"
    assert meta.index_no == "AB12-2021-001" and meta.date == "2021-01-13"
    # the text claims 2023 but the anniversary dates it: 2019 reviewed
    assert meta.period_reviewed == 2019 and meta.period_planned == 2020
    assert "70周年" in meta.provenance["period_reviewed"]


def test_anonymised_town_is_never_guessed():
    clean = clean_report_text("xx镇2022年工作总结\n一、2022年工作回顾\nxx镇全年实现财政收入x.x亿元。建设美丽柳江。")
    meta = extract_metadata(clean, doc_id="t", file="x.txt")
    assert meta.town is None and meta.town_anonymised
    assert "匿名" in meta.provenance["town"]


def test_town_named_only_by_stem():
    text = ("2022年工作总结\n一年来，全镇上下团结奋进。我们坚持推动青禾经济高质量发展，全力建设幸福青禾。"
            "镇党委带领干部群众，奋力推动青禾破局起势，青禾发展势头良好。")
    meta = extract_metadata(clean_report_text(text), doc_id="t", file="x.txt")
    assert meta.town == "青禾镇"


def test_years_from_plan_heading():
    years = detect_years("刚刚过去的2022年，我们迎难而上。\n2023年工作安排\n2023年是关键之年。", "报告")
    assert years["period_reviewed"][0] == 2022 and years["period_planned"][0] == 2023


@pytest.mark.parametrize("text, town", [
    ("报告\n——2024年1月10日在青石镇第一届人民代表大会上\n各位代表：全镇上下团结奋进。", "青石镇"),
    ("山河镇2023年工作总结\n一、2023年工作回顾\n山河镇全年完成投资8.8亿元。山河镇新增企业15家。", "山河镇"),
    ("工作报告\n一、2022年回顾\n负载测试镇全年实现产值10亿元。负载测试镇获评先进。", "负载测试镇"),
    ("总结\n认真按照镇党委部署，全镇实现产值。按照镇党委要求。", None),
])
def test_town_names_in_other_phrasings(text, town):
    meta = extract_metadata(clean_report_text(text), doc_id="t", file="x.txt")
    assert meta.town == town


_REVIEW = "2025年工作回顾\n" + "过去一年，全市实现地区生产总值1万亿元，增长5%。" * 40 + "\n"
_PLAN_TARGETS = "今年经济社会发展的主要预期目标是：地区生产总值增长5%左右，城镇新增就业18万人以上。\n"
_PLAN_ITEMS = "一、推动产业升级\n加快建设现代化产业体系。\n二、扩大内需\n提振消费。\n"


@pytest.mark.parametrize("bare_heading, opens_plan", [
    ("“十五五”时期主要目标和2026年重点工作", True),   # a five-year plan not yet begun and the planned year
    ("2026年主要工作", True),
    ("2025年主要工作回顾", False),                    # a review heading, though it names a year
    ("我们的体会", False),                            # no year ahead, no plan word
])
def test_a_bare_heading_on_the_year_ahead_opens_the_plan(bare_heading, opens_plan):
    """A plan part under an unnumbered heading line, its targets before its first 一、: the plan
    opens at that line; other bare lines open nothing (the targets' paragraph opens the plan)."""
    from ingest.plan_start import detect_plan_start
    from ingest.sections import extract_sections

    text = _REVIEW + bare_heading + "\n" + _PLAN_TARGETS + _PLAN_ITEMS
    start, _ = detect_plan_start(text, extract_sections(text), 2026)
    assert (start == text.index(bare_heading)) is opens_plan
    assert start is not None and start <= text.index("今年经济社会发展")
