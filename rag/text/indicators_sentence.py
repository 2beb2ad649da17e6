"""One sentence's indicator names and figures -> mentions: each figure paired with the name it belongs to."""

from __future__ import annotations

from rag.text.indicators_figures import _Fig
from rag.text.indicators_grammar import (
    _CLAUSE_SEP,
    _ENUM,
    _clause_start,
    _enumeration,
    _first_fig,
    _gap_ok,
    _item_prefix_ok,
    _prefix_ok,
)
from rag.text.indicators_mention import IndicatorMention, _emit
from rag.text.indicators_time import _YEAR
from rag.text.indicators_vocab import _Vocab


def _sentence(orig, t, s, e, names, figs, marks, running, in_plan, ry, V) -> list[IndicatorMention]:
    """The mentions of the sentence t[s:e] (its names and figures, in text order)."""
    return _SentenceReader(orig, t, s, e, names, figs, marks, running, in_plan, ry, V).read()


class _SentenceReader:
    """A sentence's names and figures read in text order, keeping the subject the next figure belongs to."""

    def __init__(self, orig, t, s, e, names, figs, marks, running, in_plan, ry, V: _Vocab):
        self.orig, self.t, self.s, self.e = orig, t, s, e
        self.names, self.figs = names, figs
        self.running, self.in_plan, self.ry, self.V = running, in_plan, ry, V
        self.out: list[IndicatorMention] = []
        self.subj = None          # dict: surface, start, end, counters, from_state
        self.anchor_end = s
        self.anchor_is_fig = False
        self.last_fig_state = None   # (local_year, is_from) of the previous assigned figure
        self.prev_end = s
        exp = t.find("预计", s, e)
        self.seps = [m.end() for m in _CLAUSE_SEP.finditer(t, s, e)]
        self.S = {"seps": self.seps, "marks": marks, "mark_starts": [m[0] for m in marks],
                  "expected": exp if exp >= 0 else None}

    def read(self) -> list[IndicatorMention]:
        events = [(n[0], 0, n) for n in self.names] + [(f.start, 1, f) for f in self.figs]
        events.sort(key=lambda x: (x[0], x[1]))
        for _pos, typ, obj in events:
            if typ == 0:
                self._name(obj)
            else:
                self._figure(obj)
        return self.out

    def _name(self, obj) -> None:
        """A name: the new subject when it can be one (and, as an item of an enumeration, its figure)."""
        t, s = self.t, self.s
        ns, ne, si = obj
        if ns < self.prev_end:   # overlapping match (pattern and literal)
            return
        cs = _clause_start(self.seps, s, ns)
        pstart = max(cs, self.prev_end)
        valid = _is_subject(t, s, pstart, ns, ne, si, self.V)
        self.prev_end = ne
        if not valid:
            self.subj = None
            self.anchor_is_fig = False
            self.anchor_end = ne
            return
        self.subj = {"si": si, "start": ns, "end": ne, "counters": {}, "text": t[ns:ne]}
        self.anchor_end, self.anchor_is_fig, self.last_fig_state = ne, False, None
        # enumeration "A、B分别 x、y" / "A、B均 x"
        en = _enumeration(t, s, self.e, ns, ne, self.names, self.figs, self.V, self.seps)
        if en is not None:
            self._enumerated(ne, en)
            self.subj = None
            self.anchor_end = ne

    def _enumerated(self, ne: int, en) -> None:
        """The figure of one item of an enumeration: the item's own of "分别 x、y", the first of "均 x"."""
        t, V = self.t, self.V
        kw_end, idx, mode, _items = en
        fams: dict[str, int] = {}
        last = kw_end
        fi = _first_fig(self.figs, kw_end)
        for f in self.figs[fi:fi + idx + 4]:
            if _gap_ok(t[last:f.start], V.connectors if last == kw_end else V.continuation) is None:
                break
            last = f.raw_end
            fam = "percent" if f.unit == "%" else "amount"
            c = fams.get(fam, 0)
            fams[fam] = c + 1
            if (mode == "均" and c == 0) or (mode == "分别" and c == idx):
                m = _emit(self.orig, t, self.s, self.e, self.subj, f, t[max(ne, f.start - 40):f.start], self.S,
                          self.running, self.in_plan, self.ry, V, None, confidence=0.75)
                if m:
                    self.out.append(m)

    def _figure(self, f: _Fig) -> None:
        """A figure: a mention of the current subject when only connectors stand between them."""
        t, V, subj = self.t, self.V, self.subj
        if f.start < self.prev_end:
            return
        if f.unit in ("个", "万个") and (subj is None or "total" not in V.surfaces[subj["si"]]
                                         or V.indicators[V.surfaces[subj["si"]]["total"]]["family"] != "persons"):
            return      # "4个万亿元台阶": a count of something else, not a figure
        self.prev_end = f.end
        if subj is None:
            self.anchor_end, self.anchor_is_fig = f.raw_end, True
            return
        gap = t[self.anchor_end:f.start]
        toks = _gap_ok(gap, V.continuation if self.anchor_is_fig else V.connectors)
        if toks is None:
            self.subj = None
            self.anchor_end, self.anchor_is_fig = f.raw_end, True
            return
        local_year, is_from, is_to = _figure_state(gap, self.anchor_is_fig, self.last_fig_state)
        m = _emit(self.orig, t, self.s, self.e, subj, f, gap, self.S, self.running, self.in_plan, self.ry, V,
                  (local_year, is_from, toks, is_to), confidence=0.8 if self.anchor_is_fig else 0.9)
        if m:
            self.out.append(m)
        self.last_fig_state = (local_year, is_from)
        self.anchor_end, self.anchor_is_fig = f.raw_end, True


def _is_subject(t: str, s: int, pstart: int, ns: int, ne: int, si: int, V: _Vocab) -> bool:
    """Whether the name t[ns:ne] is a subject: a vocabulary name (not a stop name) after subject-prefix words or
    earlier items of a list, neither the object of a verb nor the base of a ratio."""
    valid = si >= 0
    if valid:
        pre = t[pstart:ns]
        # enumeration: the name is an item of "A、B分别/均 …"
        valid = _prefix_ok(pre, V) or bool(_ENUM.search(pre[-1:] or "x"))
        if valid and _ENUM.search(pre[-1:] or "x") and not _prefix_ok(pre, V):
            valid = _item_prefix_ok(pre, V)
        before = t[max(s, ns - 3):ns]
        if any(before.endswith(w) for w in V.object_before):
            valid = False
        after = t[ne:ne + 3]
        if any(after.startswith(w) for w in V.ratio_after):
            valid = False
    return valid


def _figure_state(gap: str, anchor_is_fig: bool, last_fig_state) -> tuple[int | None, bool, bool]:
    """(local year, is a start value "从A…", is an end value "…到B") of a figure, from the words before it."""
    # local year right before the figure ("从2020年的3.68万亿元", "到2025年的")
    local_year = None
    ym = None
    for ym in _YEAR.finditer(gap):
        pass
    if ym is not None and len(gap) - ym.end() <= 2:
        local_year = int(ym.group(1))
    g2 = gap.replace("不到", "")
    is_from = any(w in g2 for w in ("从", "由")) and not any(w in g2 for w in ("到", "至"))
    is_to = not is_from and anchor_is_fig and last_fig_state is not None and last_fig_state[1] \
        and any(w in g2 for w in ("到", "至"))
    if anchor_is_fig and last_fig_state is not None and _ENUM.fullmatch(gap.strip() or "x"):
        # "46503元和16935元": same year / from-state as the previous figure
        local_year = local_year or last_fig_state[0]
        is_from = is_from or last_fig_state[1]
    return local_year, is_from, is_to
