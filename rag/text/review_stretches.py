"""Which stretch of a report's look back a paragraph belongs to.

A report delivered at the end of a five-year plan looks back twice: on the last year ("过去一年，…",
"2025年是很不平凡的一年。…") and on the five years ("五年来，…", "“十四五”时期是…的五年"), one after
the other in either order, each over several paragraphs. A paragraph opening with one of these starts
its stretch; the paragraphs after it without such an opening stay in it. A top-level heading
naming only the year or only the five years ("二、“十四五”时期发展成就") starts a stretch; one naming both, or
the plan it opens, ends the stretch before it; one naming neither ("一、统筹疫情防控…") is a part of the
stretch it is in.

Pure text: imports nothing of the project.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

YEAR = "year"
SPAN = "span"

# the speaker's address before a paragraph's words ("各位代表！2025年是…")
_ADDRESS = re.compile(r"^[\s—－-]*(?:各位代表|同志们)[！!，,：:]?\s*")
_TOP_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+、")
_HEADING_CHARS = 40  # a line this short without a full stop is a heading
# the five years looked back on, named in a paragraph's opening sentences
_SPAN_WORDS = re.compile(r"(?:过去的?|这|近)五年|五年(?:来|间|中)")
# a five-year plan named as a stretch of time ("“十四五”时期", "十四五期间", "“十四五”以来")
_PLAN_TIME = re.compile(r"“?(十[一二三四五六七]五)”?(?:规划)?(?:时期|期间|以来)")
# a paragraph telling the one year: it opens with the year ("2025年，…", "过去一年", "一年来")
_YEAR_OPENING = re.compile(r"^(?:过去的?一年|一年来|刚刚过去的|(?:19|20)\d\d年|今年以来|去年)")
_YEAR_WORDS = re.compile(r"(?:19|20)\d\d年|过去的?一年|一年来")
_SENTENCE_END = re.compile(r"[。！!？?]")


def _opening(paragraph: str, sentences: int = 2) -> str:
    """The paragraph's first sentences."""
    end = 0
    for _ in range(sentences):
        m = _SENTENCE_END.search(paragraph, end)
        if not m:
            return paragraph
        end = m.end()
    return paragraph[:end]


def _names_span(text: str, reviewed_plan: str | None) -> bool | None:
    """True when the text names the five years looked back on, False when it names another plan's
    years ("“十五五”时期" in a report looking back on 十四五), None when it names no span."""
    if _SPAN_WORDS.search(text):
        return True
    plans = [m.group(1) for m in _PLAN_TIME.finditer(text)]
    if not plans:
        return None
    return reviewed_plan is None or reviewed_plan in plans


def paragraph_stretch(paragraph: str, reviewed_plan: str | None = None) -> str | None:
    """What a paragraph's opening says of the stretch it starts: ``SPAN``, ``YEAR``, ``""`` (it
    ends the stretch before it without starting one), or None (it stays in the stretch before it).
    ``reviewed_plan``: the plan the report looks back on ("十四五"), when known."""
    text = _ADDRESS.sub("", paragraph.strip())
    if not text:
        return None
    top = bool(_TOP_HEADING.match(text))
    if top or (len(text) <= _HEADING_CHARS and not _SENTENCE_END.search(text)):
        span = _names_span(text, reviewed_plan)
        year = bool(_YEAR_WORDS.search(text))
        if span is False:
            return ""  # the plan being opened ("“十四五”时期和2021年形势任务" looking back on 十三五)
        if span and not year:
            return SPAN
        if year and not span:
            return YEAR
        return "" if span and year else None
    opening = _opening(text)
    span = _names_span(opening, reviewed_plan)
    if span:
        return SPAN
    if span is False:
        return ""  # the years of the plan being opened: no look back
    if _YEAR_OPENING.match(text):
        return YEAR
    return None


@lru_cache(maxsize=64)
def _stretches(text: str, reviewed_plan: str | None) -> tuple[tuple[int, ...], tuple[str, ...]]:
    starts: list[int] = []
    kinds: list[str] = []
    current = ""
    pos = 0
    for line in text.split("\n"):
        kind = paragraph_stretch(line, reviewed_plan)
        if kind is not None:
            current = kind
        starts.append(pos)
        kinds.append(current)
        pos += len(line) + 1
    return tuple(starts), tuple(kinds)


def stretch_at(text: str, offset: int, reviewed_plan: str | None = None) -> str:
    """The stretch of the report's look back holding ``offset``: ``YEAR``, ``SPAN`` or ``""``."""
    starts, kinds = _stretches(text, reviewed_plan)
    i = bisect_right(starts, offset) - 1
    return kinds[i] if i >= 0 else ""
