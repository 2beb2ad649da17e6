"""Where a report turns from the year reviewed to the year ahead (the start of its plan part)."""

from __future__ import annotations

import re

from ingest.snippet import snippet
from rag.text.cues import (
    FIVE_YEAR_PLAN,
    PART_PLAN_HEAD,
    PART_REVIEW_HEAD,
    PLAN_OPENING,
    PLAN_OPENING_WORDS,
    REVIEW_OPENING,
    YEAR_IN_TEXT,
)
from rag.types import Section


def _heading_years(heading: str) -> set[int]:
    return {int(y) for y in YEAR_IN_TEXT.findall(heading)}


def _bare_plan_heading(text: str, start: int, planned: int | None) -> tuple[int, str] | None:
    """The first bare heading line (short, unnumbered, no sentence end) before ``start`` that speaks
    of the year ahead — "2023年主要工作", "“十五五”时期主要目标和2026年重点工作": a heading the
    section finder did not take (it has no 一、), after which the plan's own opening paragraphs
    (总体要求, 主要预期目标) come before its first numbered heading."""
    from rag.text.numbers import cn_to_number

    pos = text.rfind("\n", 0, int(len(text) * 0.2)) + 1
    for line in text[pos: start].split("\n"):
        head = line.strip()
        at = pos + (len(line) - len(line.lstrip()))
        pos += len(line) + 1
        if not (4 <= len(head) <= 40) or re.search(r"[。！？!?；;，,：:]", head) or PART_REVIEW_HEAD.search(head):
            continue
        future_plan = any(planned and 1966 + 5 * (10 + int(cn_to_number(m.group(1)) or 0) - 3) >= planned
                          for m in FIVE_YEAR_PLAN.finditer(head))
        if (future_plan or (planned and str(planned) in head) or "今年" in head) and PART_PLAN_HEAD.search(head):
            return at, f"未编号的标题：“{head}”"
    return None


def detect_plan_start(text: str, sections: tuple[Section, ...], planned: int | None = None) -> tuple[int | None, str]:
    """Where a report turns from the year reviewed to the year ahead (see _detect_plan_start); a bare
    heading line on the year ahead before the part found opens it instead."""
    start, why = _detect_plan_start(text, sections, planned)
    if start is not None:
        bare = _bare_plan_heading(text, start, planned)
        if bare is not None and bare[0] < start:
            return bare
    return start, why


def _detect_plan_start(text: str, sections: tuple[Section, ...], planned: int | None = None) -> tuple[int | None, str]:
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
    if tops and tops[0].start > len(text) * 0.2 and not PART_REVIEW_HEAD.search(to_simplified(tops[0].heading)) \
            and REVIEW_OPENING.search(text[: tops[0].start]):
        return tops[0].start, f"无标题的回顾之后的第一个部分：“{tops[0].heading}”"
    for i, s in enumerate(tops):
        head = to_simplified(s.heading)
        years = _heading_years(head)
        future_plan = any(
            planned and 1966 + 5 * (10 + int(cn_to_number(m.group(1)) or 0) - 3) >= planned
            for m in FIVE_YEAR_PLAN.finditer(head))
        review = bool(PART_REVIEW_HEAD.search(head)) or (reviewed in years and planned not in years)
        if s.start > 0 and (future_plan or (planned in years and not review) or (
                "今年" in head and not review) or (PART_PLAN_HEAD.search(head) and not review and not years)):
            if i > 0 or future_plan or planned in years or "今年" in head:
                return s.start, f"第一个讲今后工作的部分：“{head}”"
        opening = to_simplified(text[s.start: s.start + 120])
        if i > 0 and not PART_REVIEW_HEAD.search(head) and PLAN_OPENING_WORDS.search(opening):
            return s.start, f"开头讲今年工作的部分：“{head}”"
        if i > 0 and s.level == 1 and head.startswith("一、") and any(t.heading.startswith("一、") for t in tops[:i]):
            return s.start, f"顶层编号重新从“一、”开始：“{head}”"
    pattern = re.compile(PLAN_OPENING.pattern.format(y=planned or "20\\d\\d"), re.M)
    for m in pattern.finditer(text):
        if m.start() > len(text) * 0.2:
            return m.start(), f"第一个讲今年的段落：“{snippet(text, m.start(), m.end())}”"
    return None, "未找到部署今后工作的部分"
