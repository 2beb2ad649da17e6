"""The section-tree and town rules of the metadata, table-driven: text -> the fields they read.

Every expected value was worked out by reading the input (offsets counted by hand).
"""

from __future__ import annotations

import pytest

from ingest.place_names import detect_town
from ingest.sections import extract_sections

LONG_TOP = ("一、总体要求 坚持稳中求进工作总基调完整准确全面贯彻新发展理念加快构建新发展格局"
            "着力推动高质量发展全面深化改革开放持续增进民生福祉保持社会大局稳定")
FOOTNOTE = "1.瞪羚企业指成长速度快创新能力强专业领域新发展潜力大且具有较高成长性的中小型企业"


# (text, [(level, heading, start, end, path), ...])
SECTION_CASES = [
    pytest.param(
        "一、总体情况\n（一）经济发展\n1.工业\n2.农业\n二、工作安排",
        [(1, "一、总体情况", 0, 25, "一、总体情况"),
         (2, "（一）经济发展", 7, 25, "一、总体情况 > （一）经济发展"),
         (3, "1.工业", 15, 20, "一、总体情况 > （一）经济发展 > 1.工业"),
         (3, "2.农业", 20, 25, "一、总体情况 > （一）经济发展 > 2.农业"),
         (1, "二、工作安排", 25, 31, "二、工作安排")],
        id="nested-numbering"),
    pytest.param(
        "一、坚持创新驱动。全年新增企业10家\n二、下一步打算：抓好落实",
        [(1, "一、坚持创新驱动", 0, 19, "一、坚持创新驱动"),
         (1, "二、下一步打算", 19, 31, "二、下一步打算")],
        id="heading-ends-at-sentence-end"),
    pytest.param(
        "（一）产业发展 全年实现产值",
        [(2, "（一）产业发展", 0, 14, "（一）产业发展")],
        id="heading-ends-at-gap"),
    pytest.param(
        "一是加强领导。\n二是强化督导。",
        [(4, "一是加强领导", 0, 8, "一是加强领导"),
         (4, "二是强化督导", 8, 15, "二是强化督导")],
        id="yi-shi-list"),
    pytest.param(
        "2023年工作安排\n（一）稳增长\n（二）促改革",
        [(0, "2023年工作安排", 0, 23, "2023年工作安排"),
         (2, "（一）稳增长", 10, 17, "2023年工作安排 > （一）稳增长"),
         (2, "（二）促改革", 17, 23, "2023年工作安排 > （二）促改革")],
        id="unnumbered-part-title"),
    pytest.param(
        "  一、总体要求",
        [(1, "一、总体要求", 2, 8, "一、总体要求")],
        id="indented-heading-offset"),
    pytest.param(
        "一、创新驱动\n" + FOOTNOTE,
        [(1, "一、创新驱动", 0, 48, "一、创新驱动")],
        id="long-numbered-line-is-no-heading"),
    pytest.param(
        LONG_TOP,
        [(1, "一、总体要求 坚持稳中求进工作总基调完整准确全面贯彻新发展理念加快构建新发展格局", 0, 73,
          "一、总体要求 坚持稳中求进工作总基调完整准确全面贯彻新发展理念加快构建新发展格局")],
        id="long-top-level-line-keeps-40-chars"),
    pytest.param("我们要坚持一、二、三", [], id="running-text"),
    pytest.param(
        "(一)稳增长\n二)促改革",
        [(2, "(一)稳增长", 0, 7, "(一)稳增长"), (2, "二)促改革", 7, 12, "二)促改革")],
        id="lost-opening-bracket"),
]


@pytest.mark.parametrize("text, expected", SECTION_CASES)
def test_extract_sections(text, expected):
    got = [(s.level, s.heading, s.start, s.end, s.path) for s in extract_sections(text)]
    assert got == expected


# (text, header, title, (town, anonymised, provenance))
TOWN_CASES = [
    pytest.param("", "", "青石镇2023年政府工作报告",
                 ("青石镇", False, "标题：“青石镇2023年政府工作报告”"), id="title"),
    pytest.param("", "", "柳塘街道2023年工作总结",
                 ("柳塘街道", False, "标题：“柳塘街道2023年工作总结”"), id="title-street"),
    pytest.param("", "发布机构：柳溪镇人民政府", "政府工作报告",
                 ("柳溪镇", False, "页面字段：“发布机构：柳溪镇人民政府 政府工作报告”"), id="page-field"),
    pytest.param("各位代表：\n现在，我代表柳溪镇人民政府向大会报告工作。", "", "政府工作报告",
                 ("柳溪镇", False, "“我代表…人民政府”：“报告 各位代表： 现在，我代表柳溪镇人民政府向大会报告工作。”"),
                 id="i-represent"),
    pytest.param("2023年3月1日在青石镇第三届人民代表大会第二次会议上", "", "",
                 ("青石镇", False, "人民代表大会届次：“2023年3月1日在青石镇第三届人民代表大会第二次会议上”"),
                 id="session-particle-stripped"),
    pytest.param("山河镇全年完成投资8.8亿元。山河镇新增企业15家。", "", "2023年工作总结",
                 ("山河镇", False, "“山河镇”在正文出现2次"), id="mentions"),
    pytest.param("负载测试镇全年实现产值10亿元。负载测试镇获评先进。", "", "",
                 ("负载测试镇", False, "“负载测试镇”在正文出现2次"), id="longest-stem"),
    pytest.param("山河镇召开会议。", "", "",
                 (None, False, "正文未出现镇/乡/街道名称"), id="one-mention-is-not-enough"),
    pytest.param("示范镇建设成效明显。示范镇创建通过验收。", "", "",
                 (None, False, "正文未出现镇/乡/街道名称"), id="generic-stem"),
    pytest.param("柳河乡村振兴成效明显。柳河乡村道路通畅。", "", "",
                 (None, False, "正文未出现镇/乡/街道名称"), id="xiangcun-is-no-township"),
    pytest.param("xx镇全年实现财政收入x.x亿元。", "", "镇2022年工作总结",
                 (None, True, "匿名化：标题“镇2022年工作总结”缺少镇名，正文以xx代替地名（不猜测真实名称）"),
                 id="anonymised-nameless-title"),
    pytest.param("一年来，xx镇上下团结奋进。", "", "2022年工作总结",
                 (None, True, "匿名化：“22年工作总结 一年来，xx镇上下团结奋进。”（不猜测真实名称）"),
                 id="anonymised-in-body"),
    pytest.param("2022年工作总结\n一年来，全镇上下团结奋进。我们坚持推动青禾经济高质量发展，全力建设幸福青禾。"
                 "镇党委带领干部群众，奋力推动青禾破局起势，青禾发展势头良好。", "", "",
                 ("青禾镇", False, "正文以“青禾”自称4次，且自称“全镇”"), id="self-reference-by-stem"),
]


@pytest.mark.parametrize("text, header, title, expected", TOWN_CASES)
def test_detect_town(text, header, title, expected):
    assert detect_town(text, header, title) == expected
