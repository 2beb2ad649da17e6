"""How names and figures combine in a sentence: sentence and clause bounds, the words allowed between a name and
its figure or before a name, and enumerations ("A、B分别增长x、y")."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from rag.text.indicators_time import _COMPARE_YEAR, _FIVE, _PLAN, _YEAR
from rag.text.indicators_vocab import _Tokens, _Vocab

_LIST_MARK = re.compile(r"^\s*(?:[（(]?[0-9一二三四五六七八九十]+[)）.、．]\s*)+")
_MONEY_OR_PCT = re.compile(r"\d\s?(?:%|万亿元|亿元|万元|元|亿美元|万人|万吨|亿斤)")
_DIGIT_ASIDE = re.compile(r"台阶|大关|关口|百分点|第\d+位|\d+位")
_ENUM_KW = re.compile(r"分别|(?<![年平人])均(?!衡|等|值|为|达)|都")
_SENT_END = re.compile(r"[。；;！？!?\n\r]")
_CLAUSE_SEP = re.compile(r"[，:：]|,(?!\d{3})")
_ENUM = re.compile(r"[、和及与]|以及")


def _sentences(t: str) -> list[tuple[int, int]]:
    out, s = [], 0
    for m in _SENT_END.finditer(t):
        if m.start() > s:
            out.append((s, m.start()))
        s = m.end()
    if s < len(t):
        out.append((s, len(t)))
    return out


def _clause_start(seps: list[int], s: int, pos: int) -> int:
    """Start of the clause holding `pos`: just after the last ，/：/ASCII separator before it (or s)."""
    i = bisect_right(seps, pos) - 1
    return seps[i] if i >= 0 else s


def _gap_ok(gap: str, tokens: _Tokens) -> list[str] | None:
    """Tokens of the words between an anchor and a figure, or None when they hold another subject."""
    if len(gap) > 40:
        return None
    parts = _CLAUSE_SEP.split(gap)
    last = _COMPARE_YEAR.sub("比", parts[-1])
    last = _YEAR.sub("", last)
    toks = tokens.consume(last)
    if toks is not None:
        fillers = parts[:-1]
    else:
        # "连续迈上4个万亿元台阶、达14.2万亿元": a short aside between the subject and its figure
        sub = parts[-1].split("、")
        if len(sub) < 2:
            return None
        toks = tokens.consume(_YEAR.sub("", sub[-1]))
        fillers = parts[:-1] + sub[:-1]
    if toks is None or len(fillers) > 4:
        return None
    for p in fillers:
        aside = _DIGIT_ASIDE.search(p)
        if len(p) > (24 if aside else 14) or "其中" in p or (_MONEY_OR_PCT.search(p) and not aside):
            return None
        if any(ch.isdigit() for ch in p) and not _DIGIT_ASIDE.search(p):
            return None
    return toks


def _prefix_ok(p: str, V: _Vocab) -> bool:
    p = _LIST_MARK.sub("", p)
    p = _YEAR.sub("", p)
    p = _PLAN.sub("", p)
    p = _FIVE.sub("", p)
    return V.prefix_tokens.consume(p) is not None


def _item_prefix_ok(pre: str, V: _Vocab) -> bool:
    """The text before an enumerated name: earlier items of the list (each a short noun phrase)."""
    return len(pre) <= 40 and not any(ch.isdigit() for ch in pre)


def _first_fig(figs, pos):
    lo, hi = 0, len(figs)
    while lo < hi:
        mid = (lo + hi) // 2
        if figs[mid].start < pos:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _enumeration(t, s, e, ns, ne, names, figs, V, seps):
    """(keyword_end, item index, "分别"|"均", item count) when the name is one item of "…、…分别/均"."""
    # the keyword must come before the first figure after the name, in the same clause
    fi = _first_fig(figs, ne)
    nxt = figs[fi].start if fi < len(figs) else e
    cs = max(_clause_start(seps, s, ns), ns - 60)    # enumerations are short: bounded look-back
    region_end = min(nxt, e, ne + 40)
    seg = t[ne:region_end]
    km = _ENUM_KW.search(seg)
    kw = (km.start(), km.group(0)) if km else None
    if kw is None or _CLAUSE_SEP.search(seg, 0, kw[0]):
        return None
    kpos = ne + kw[0]
    # items between clause start and the keyword; vocabulary names are atomic
    region = list(t[cs:kpos])
    n_lo = bisect_left(names, (cs,))
    for n0, n1, _ in names[n_lo:]:
        if n0 >= kpos:
            break
        if n0 >= cs and n1 <= kpos:
            for i in range(n0 - cs, n1 - cs):
                if region[i] in "、和及与":
                    region[i] = "_"
    region_s = "".join(region)
    items = [m.start() for m in re.finditer(r"[^、和及与]+", region_s)]
    if len(items) < 2:
        return None
    if any(ch.isdigit() for ch in t[ne:kpos]):
        return None
    idx = bisect_right(items, ns - cs) - 1
    mode = "均" if kw[1] in ("均", "都") else "分别"
    return kpos + len(kw[1]), idx, mode, len(items)
