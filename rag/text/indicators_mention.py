"""One indicator name and one figure of a sentence -> an IndicatorMention: the indicator, its value, year, kind,
qualifier and confidence."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from rag.text.indicators_figures import _family_value, _Fig, _round
from rag.text.indicators_grammar import _clause_start
from rag.text.indicators_time import _COMPARE_YEAR, _YEAR, _Ctx, _plan_end_containing
from rag.text.indicators_vocab import _Vocab


@dataclass(frozen=True)
class IndicatorMention:
    indicator: str            # normalised name from the vocab
    kind: str                 # "actual" | "target" | "expected" | "plan-period"
    year: int | None          # the year the figure refers to (plan-period: last year of the period)
    value: float              # normalised number in `unit`
    value_high: float | None  # upper bound of a range, else None
    unit: str                 # normalised unit ("%", "亿元", "万人", "万吨", "元" …)
    raw: str                  # the figure as written, e.g. "1.2万亿元", "5%左右"
    qualifier: str            # "左右"|"以上"|"以内"|"力争"|"不低于"|"接近"|"累计"|""
    start: int                # span of the whole statement in `text`
    end: int
    confidence: float         # 0..1


def _emit(orig, t, s, e, subj, f: _Fig, gap, S, running, in_plan, ry, V, state, confidence):
    """The mention of figure `f` as a statement about the sentence's subject `subj`, or None when the pair states
    no figure of an indicator (another unit, an increment, a change since a given year, a start of unknown year)."""
    measured = _measure(subj, f, V)
    if measured is None:
        return None
    measure, ind, info, factor, unit = measured
    pct = f.unit == "%"
    local_year, is_from, toks, is_to = state if state else (None, False, V.connectors.consume(_YEAR.sub("", gap)) or [], False)
    toks = toks or []
    verb = _verb(toks, V)
    if measure == "total" and verb in V.increment and not verb.endswith(("到", "至")):
        return None            # an increment ("增加1000亿元"), not a level
    if measure != "total" and _COMPARE_YEAR.search(gap):
        return None            # a change since a given year ("比2020年增长25%"): not an annual figure
    value, high = _value(f, info, factor, measure, verb, V)

    # --- year and kind ---
    cs = max(_clause_start(S["seps"], s, subj["start"]), subj["start"] - 30)   # bounded windows
    stmt_text = t[max(cs, f.start - 80):f.start]
    head_text = t[cs:subj["end"]]
    avg = any(w in gap or w in head_text for w in V.average) or (pct and any(w in stmt_text for w in V.average))
    cum = any(w in stmt_text for w in V.cumulative) or "累计" in subj["text"]
    sent_mark = _sentence_mark(S, f.start)
    ctx = _context(local_year, sent_mark, running, in_plan, ry)
    dated = _year_and_kind(ctx, avg, cum, measure, info, is_from, is_to, local_year, sent_mark, in_plan, ry)
    if dated is None:
        return None
    year, kind, qualifier = dated
    expected = S["expected"] is not None and S["expected"] < f.start
    if expected and kind in ("actual", "target") and (ry is None or year is None or year <= ry):
        kind = "expected"
    if is_from and local_year is not None:
        year = local_year
        kind = "actual" if ry is None or year < ry else kind
    qualifier = _qualifier(t, f, gap, cs, qualifier, V)
    text_raw = orig[f.start:f.raw_end]  # the translation kept offsets: the figure as written
    return IndicatorMention(ind, kind, year, value, high, unit, text_raw, qualifier,
                            subj["start"], f.raw_end, _confidence(confidence, ctx, running, local_year, sent_mark))


def _measure(subj, f: _Fig, V: _Vocab):
    """(measure, indicator, its vocabulary entry, scale factor, normalised unit) the name gives a figure of this
    unit, or None when it has no indicator of that unit."""
    surface = V.surfaces[subj["si"]]
    pct = f.unit == "%"
    # which indicator of the surface (split surfaces alternate per unit family)
    if "split" in surface:
        fam_key = "percent" if pct else "amount"
        c = subj["counters"].get(fam_key, 0)
        subj["counters"][fam_key] = c + 1
        part = surface["split"][c % len(surface["split"])]
    else:
        part = surface
    if pct:
        measure = next((k for k in ("growth", "rate", "decrease") if k in part), None)
    else:
        measure = "total" if "total" in part else None
    if measure is None:
        return None
    ind = part[measure]
    info = V.indicators[ind]
    scale = _family_value(f.unit, info["family"])
    if scale is None:
        return None
    factor, unit = scale
    return measure, ind, info, factor, unit


def _verb(toks: list[str], V: _Vocab) -> str:
    """The verb: the last increase/decrease/level word before the figure."""
    verb = ""
    for w in reversed(toks):
        if w in V.increment or w in V.level or w in V.decrease or w in V.increase or w.endswith(("到", "至")):
            if w in V.q_before and not verb:
                verb = w      # "突破", "超": a level unless a real verb stands before it ("增长超1500亿元")
                continue
            verb = w
            break
    return verb


def _value(f: _Fig, info: dict, factor: float, measure: str, verb: str, V: _Vocab) -> tuple[float, float | None]:
    """The figure (and the upper bound of a range) in the indicator's unit, negative for a fall."""
    a = f.a
    b = f.b
    if f.b is not None and f.unit_a != f.unit and f.unit_a in ("万亿元", "亿元", "万元", "元"):
        fa = _family_value(f.unit_a, info["family"])
        a = a * (fa[0] / factor) if fa else a
    sign = 1.0
    if (measure == "growth" and verb in V.decrease) or (measure == "decrease" and verb in V.increase):
        sign = -1.0
    value = _round(sign * a * factor)
    high = _round(sign * b * factor) if b is not None else None
    return value, high


def _sentence_mark(S, pos: int):
    """(context, future_only) of the last time marker of the sentence before `pos` (a year attached to another
    figure excluded), or None."""
    sent_mark = None
    marks = S["marks"]
    k = bisect_left(S["mark_starts"], pos)
    for ms, me, ctx, fut in marks[max(0, k - 8):k]:
        if ctx.attached:      # belongs to its own figure only (see local_year)
            continue
        sent_mark = (ctx, fut)
    return sent_mark


def _context(local_year, sent_mark, running, in_plan, ry) -> _Ctx | None:
    """The time context of a figure: its own year, else the sentence's marker, else the running context, else the
    part of the report it stands in."""
    if local_year is not None:
        return _Ctx("year", local_year)
    if sent_mark is not None:
        return sent_mark[0]
    if running is not None:
        return running
    if ry is not None:
        return _Ctx("year", ry if in_plan else ry - 1)
    return None


def _year_and_kind(ctx, avg, cum, measure, info, is_from, is_to, local_year, sent_mark, in_plan, ry):
    """(year, kind, qualifier) of a figure in its context, or None for a start value of unknown year."""
    qualifier = ""
    kind = "actual"
    year = None
    if ctx is None:
        year, kind = None, "actual"
    elif avg or (cum and measure != "rate"):
        if ctx.kind == "period":
            year = ctx.end
        elif ctx.year > (ry or ctx.year) or (in_plan and ctx.year >= (ry or 0)):
            year = ctx.year if ctx.year > (ry or ctx.year) else _plan_end_containing(ctx.year)
        else:
            year = ctx.year
        kind = "plan-period"
        if cum and not avg:
            qualifier = "累计"
    elif ctx.kind == "period":
        past = ry is None or ctx.end < ry
        if is_from:
            if local_year is None:
                year, kind = ctx.start - 1, "actual"
        elif past:
            if measure in ("growth", "decrease") or (measure == "total" and info.get("cumulates")):
                year, kind, qualifier = ctx.end, "plan-period", "累计"
            else:
                year, kind = ctx.end, "actual"
        else:
            year, kind = ctx.end, "plan-period"
        if is_from and local_year is None and year is None:
            return None
    else:
        if is_from and local_year is None and not (sent_mark and sent_mark[0].kind == "year"):
            return None        # a start value of unknown year
        year = ctx.year
        if is_to and local_year is None and sent_mark is None and ry is not None and year >= ry:
            year = ry - 1     # "从A增长到B" told in the plan part: B is where things stand now
        if ry is None or year < ry:
            kind = "actual"
        elif year == ry:
            kind = "target"
        else:
            kind = "plan-period"
    return year, kind, qualifier


def _qualifier(t: str, f: _Fig, gap: str, cs: int, qualifier: str, V: _Vocab) -> str:
    """The figure's qualifier: after the figure > before it > clause-level 力争 > 累计 (`qualifier`)."""
    if f.after_q:
        return V.q_after.get(f.after_q, f.after_q)
    bq = None
    for m in V.q_before_re.finditer(gap[-6:]):
        bq = V.q_before[m.group(0)]
    if bq:
        return bq
    cm = V.q_clause_re.search(t, max(cs, f.start - 80), f.start)
    if cm:
        return V.q_clause[cm.group(0)]
    return qualifier


def _confidence(confidence: float, ctx, running, local_year, sent_mark) -> float:
    """The pair's confidence, lowered when its year comes from the running context or from nowhere."""
    conf = confidence
    if ctx is running and running is not None:
        conf -= 0.05
    if local_year is None and sent_mark is None and running is None:
        conf -= 0.1
    return round(max(0.1, min(1.0, conf)), 2)
