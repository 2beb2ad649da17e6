"""Where a report turns from the year reviewed to the year ahead (the start of its plan part)."""

from __future__ import annotations

import re

from ingest.snippet import snippet
from rag.types import Section

_REVIEW_HEAD = re.compile(r"(回顾|成就|总结|过去|成绩|以来工作|工作情况)")
_PLAN_HEAD = re.compile(r"(安排|任务|目标|思路|打算|要求|部署|重点工作|主要工作|政策取向|举措|建议|展望|计划|今后|下一步|下阶段)")
_FYP_HEAD = re.compile(r"十([一二三四五六七八九])五")
_PLAN_OPENING = re.compile(r"^(?:各位代表[!！，,：:]\s*)?(?:今年|{y}年)(?:是|政府工作|经济社会发展|的?主要|工作的总体要求|将|要)|"
                           r"^(?:做好|今年)[^。]{{0,12}}(?:政府工作|主要预期目标|总体要求)")
_PLAN_OPENING_WORDS = re.compile(r"(今年[^。]{0,6}(工作|目标|任务)|指导思想|总体要求|总体部署)")


def _heading_years(heading: str) -> set[int]:
    return {int(y) for y in re.findall(r"(20\d\d)年", heading)}


def detect_plan_start(text: str, sections: tuple[Section, ...], planned: int | None = None) -> tuple[int | None, str]:
    """Where a report turns from the year reviewed to the year ahead.

    Reports review first and plan second. The plan part starts at the first top-level heading
    that speaks of the year ahead — the planned year, "今年", a five-year plan not yet begun, or
    planning words (安排/任务/目标/部署…) without review words (回顾/成就/总结…); or where the
    top-level numbering starts again at 一 (a review with its own 一、二、三 followed by the plan's);
    or, in a report whose review has no heading, at the first heading after it. Failing headings,
    at the first paragraph that opens on the year ahead ("今年是…", "做好今年政府工作…").
    """
    from rag.text.numbers import cn_to_number
    from rag.text.tokens import to_simplified

    tops = [s for s in sections if s.level <= 1]
    reviewed = planned - 1 if planned else None
    if tops and tops[0].start > len(text) * 0.2 and not _REVIEW_HEAD.search(to_simplified(tops[0].heading)) \
            and re.search(r"(过去一年|一年来|回顾)", text[: tops[0].start]):
        return tops[0].start, f"无标题的回顾之后的第一个部分：“{tops[0].heading}”"
    for i, s in enumerate(tops):
        head = to_simplified(s.heading)
        years = _heading_years(head)
        future_plan = any(
            planned and 1966 + 5 * (10 + int(cn_to_number(m.group(1)) or 0) - 3) >= planned
            for m in _FYP_HEAD.finditer(head))
        review = bool(_REVIEW_HEAD.search(head)) or (reviewed in years and planned not in years)
        if s.start > 0 and (future_plan or (planned in years and not review) or (
                "今年" in head and not review) or (_PLAN_HEAD.search(head) and not review and not years)):
            if i > 0 or future_plan or planned in years or "今年" in head:
                return s.start, f"第一个讲今后工作的部分：“{head}”"
        opening = to_simplified(text[s.start: s.start + 120])
        if i > 0 and not _REVIEW_HEAD.search(head) and _PLAN_OPENING_WORDS.search(opening):
            return s.start, f"开头讲今年工作的部分：“{head}”"
        if i > 0 and s.level == 1 and head.startswith("一、") and any(t.heading.startswith("一、") for t in tops[:i]):
            return s.start, f"顶层编号重新从“一、”开始：“{head}”"
    pattern = re.compile(_PLAN_OPENING.pattern.format(y=planned or "20\\d\\d"), re.M)
    for m in pattern.finditer(text):
        if m.start() > len(text) * 0.2:
            return m.start(), f"第一个讲今年的段落：“{snippet(text, m.start(), m.end())}”"
    return None, "未找到部署今后工作的部分"
