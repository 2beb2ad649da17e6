"""Indicator statements in Chinese government work reports -> rows of an indicator table (指标库).

Every quantitative statement about a known economic indicator becomes an ``IndicatorMention``:
"2025年地区生产总值增长5.4%" -> (地区生产总值增长, actual, 2025, 5.4 %), "今年主要预期目标：城镇新增就业
50万人以上" -> (城镇新增就业, target, report_year, 50 万人, 以上).

Pure text layer: standard library only, plus the vocabulary *data* in ``indicator_vocab.json`` beside
this file (indicator names, their surface forms and everyday synonyms, and the small closed word
lists below). Nothing here names a province, a city or a sentence: the rules are how reports are
written in general.

How a statement is read (all linear in the text: every regex is a literal alternation or a
bounded pattern, run once over the text; the rest is a single pass over sentences):

* names: the vocabulary's surface forms (longest first) and "stop names" that look like an
  indicator but are another quantity (人均地区生产总值, 海洋生产总值, 出口总额 ...);
* figures: a number with a unit (%, 亿元, 万人, 亿斤 ...), optionally a range "5%—5.5%";
* a figure belongs to the nearest name before it in the same sentence when the words between
  them are only connectors (增长, 达到, 同比, 年均, 控制在 ...), or continues the previous
  figure's indicator ("5.2万亿元、增长5.4%"); a name with a foreign qualifier in front
  ("带动某地进出口", "区本级固定资产投资", "对东盟进出口") or used as the object of a ratio
  ("占地区生产总值比重") is not a subject;
* enumerations: "A、B分别增长x、y" (x to A), "A、B均增长x", "城乡居民…分别增长x和y" (城镇 x, 农村 y);
* year and kind: the review part of a report (before ``plan_start``) describes report_year-1,
  the plan part report_year; a sentence that opens with a time marker ("2025年", "一年来", "今年",
  "这五年", "“十四五”时期") sets the context for what follows; explicit years in the sentence
  override; "预计" makes a figure *expected*; "年均"/"累计" or a five-year context make it a
  *plan-period* figure whose year is the last year of the period (a five-year review's outcome:
  year < report_year; a five-year goal: year > report_year), "从A增长到B" in a five-year review
  gives A the year before the period.

The steps live beside this module: indicators_vocab (the vocabulary and name lookups), indicators_figures,
indicators_time (markers and their context), indicators_grammar (clauses, gaps, enumerations),
indicators_sentence (a sentence's names and figures paired) and indicators_mention (one pair -> a mention).
"""

from __future__ import annotations

from bisect import bisect_left

from rag.text.indicators_figures import _FULL_ASCII, _FULL_CHARS, _find_figures
from rag.text.indicators_grammar import _LIST_MARK, _sentences
from rag.text.indicators_mention import IndicatorMention
from rag.text.indicators_sentence import _sentence
from rag.text.indicators_time import _Ctx, _markers
from rag.text.indicators_vocab import _Vocab, _vocab

__all__ = ["extract_indicators"]


def extract_indicators(text: str, *, report_year: int | None, plan_start: int | None = None) -> list[IndicatorMention]:
    """Every quantitative statement about a known indicator in `text`, in text order.

    `report_year`: the year the report was delivered (None: years are only taken from the text).
    `plan_start`: offset where the plan for the coming year starts (None: found from the text,
    at the first sentence that opens with a marker of the report year or a future plan period).
    """
    if not text:
        return []
    V = _vocab()
    t = text.translate(_FULL_ASCII) if any(c in text for c in _FULL_CHARS) else text
    ry = report_year
    names = _find_names(t, V)
    figs = _find_figures(t)
    name_starts = [n[0] for n in names]
    fig_starts = [f.start for f in figs]

    out: list[IndicatorMention] = []
    running: _Ctx | None = None
    in_plan = False
    for s, e in _sentences(t):
        if plan_start is not None and not in_plan and s >= plan_start:
            in_plan = True
            running = _Ctx("year", ry) if ry else None
        marks = _markers(t, s, e, ry, V)
        running, in_plan = _head_context(t, s, e, marks, running, in_plan, plan_start, ry, V)
        i0, i1 = bisect_left(name_starts, s), bisect_left(name_starts, e)
        j0, j1 = bisect_left(fig_starts, s), bisect_left(fig_starts, e)
        if j0 == j1 or i0 == i1:
            continue
        out.extend(_sentence(text, t, s, e, names[i0:i1], figs[j0:j1], marks, running, in_plan, ry, V))
    out.sort(key=lambda x: (x.start, x.end))
    return out


def _find_names(t: str, V: _Vocab) -> list[tuple[int, int, int]]:
    """(start, end, surface index) of every vocabulary name in the text (-1: a stop name)."""
    names = []
    for m in V.name_re.finditer(t):
        names.append((m.start(), m.end(), V.surface_of(m)))
    return names


def _head_context(t: str, s: int, e: int, marks, running, in_plan: bool, plan_start, ry, V: _Vocab):
    """(running context, in plan part) after the sentence t[s:e]: a marker at its head sets the running context
    (and a marker of the report year or later opens the plan part when its start is not known)."""
    # a marker at the head of the sentence sets the running context
    head = _LIST_MARK.sub("", t[s:min(e, s + 40)])
    off = (min(e, s + 40) - s) - len(head)
    for ms, me, ctx, fut in marks:
        if ms - s - off > 14:
            break
        if fut or ctx.attached or V.head_words.consume(t[s + off:ms]) is None:
            continue
        running = ctx
        if plan_start is None and not in_plan and ry and (
                (ctx.kind == "year" and ctx.year >= ry) or (ctx.kind == "period" and ctx.end >= ry)):
            in_plan = True
        break
    return running, in_plan
