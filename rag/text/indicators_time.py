"""Time markers in a sentence (years, plan periods, 今年/去年, 这五年, 预期目标) and the context each sets."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.text.cues import BASELINE_NAMED
from rag.text.indicators_vocab import _Vocab

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})年(?!代)")
_PLAN = re.compile(r"[“\"]?(十[一二三四五六]五)[”\"]?(规划)?(时期|期间|以来|末期|末)?")
_FIVE = re.compile(r"(过去|这|近|前|未来|今后)的?五年|五年来|五年间|五年以来")
_NOW = re.compile(r"今年|去年|一年来|过去一年|刚刚过去的一年|上一年")
_ATTACHED = re.compile(r"的?\s?\d")
_COMPARE_YEAR = re.compile(r"(?:比|较|相较于|相比)(?:19|20)\d{2}年(?:底|末)?")
_GOAL = re.compile(r"预期目标[是为]|主要目标[是为][：:]")
# a year counted from ("2019年以来") or reached again ("恢复至2019年同期的73.1%", "2019年的水平")
_FROM_OR_LEVEL_YEAR = re.compile(r"(?:自|从)?(?:19|20)\d{2}年(?:以来|起)|(?:19|20)\d{2}年(?:同期|的?水平)")


def _plan_end_containing(year: int) -> int:
    """Last year of the five-year plan that contains `year` (plans: 2021-2025, 2026-2030, ...)."""
    return year + 4 - ((year - 2021) % 5)


@dataclass
class _Ctx:
    kind: str           # "year" | "period"
    year: int = 0
    start: int = 0      # period
    end: int = 0
    attached: bool = False  # a year written right before one figure ("2020年的3.68万亿元")


def _markers(t: str, s: int, e: int, report_year: int, V: _Vocab) -> list[tuple[int, int, _Ctx, bool]]:
    """Time markers in t[s:e]: (start, end, context, future_only). Comparisons ("比2020年") are dropped."""
    seg = t[s:e]
    out = []
    for m in _YEAR.finditer(seg):
        before = seg[max(0, m.start() - 4):m.start()]
        if any(before.endswith(c) for c in V.comparison):
            continue
        after = seg[m.end():m.end() + 3]
        if after.startswith(("以来", "前")):
            continue          # "创2006年以来新高", "2030年前碳达峰": not the year of a figure
        y = int(m.group(1))
        # a year attached to a figure ("从2020年的3.68万亿元") is that figure's own year
        attached = bool(_ATTACHED.match(after))
        out.append((s + m.start(), s + m.end(), _Ctx("year", y, attached=attached), before.endswith(("到", "至"))))
    for m in _PLAN.finditer(seg):
        before = seg[max(0, m.start() - 4):m.start()]
        if any(before.endswith(c) for c in V.comparison):
            continue
        name, suffix = m.group(1), m.group(3)
        if name not in V.plans or not suffix:
            continue
        a, b = V.plans[name]
        if suffix.startswith("末"):
            out.append((s + m.start(), s + m.end(), _Ctx("year", b), False))
        else:
            out.append((s + m.start(), s + m.end(), _Ctx("period", 0, a, b), False))
    if report_year is None:          # relative markers need the report year
        out.sort(key=lambda x: x[0])
        return out
    for m in _FIVE.finditer(seg):
        future = m.group(1) in ("未来", "今后")
        if future:
            b = _plan_end_containing(report_year)
            out.append((s + m.start(), s + m.end(), _Ctx("period", 0, b - 4, b), False))
        else:
            out.append((s + m.start(), s + m.end(), _Ctx("period", 0, report_year - 5, report_year - 1), False))
    for m in _GOAL.finditer(seg):
        out.append((s + m.start(), s + m.end(), _Ctx("year", report_year), False))
    for m in _NOW.finditer(seg):
        w = m.group(0)
        after = seg[m.end():m.end() + 2]
        if w == "今年" and after.startswith("以来"):
            continue
        y = report_year if w == "今年" else report_year - 1
        out.append((s + m.start(), s + m.end(), _Ctx("year", y), False))
    out.sort(key=lambda x: x[0])
    return out


def years_told(text: str) -> set[int]:
    """The years whose figures a sentence tells: the years it names, less a year it only measures
    against ("比2022年增长", "较2019年同期", "恢复至2019年同期的73.1%", "2019年的水平") or counts
    from ("2019年以来")."""
    return {int(y) for y in _YEAR.findall(_FROM_OR_LEVEL_YEAR.sub("", BASELINE_NAMED.sub("", text)))}
