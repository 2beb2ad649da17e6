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
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = [
    "IndicatorMention",
    "core_indicators",
    "extract_indicators",
    "indicator_names",
    "indicator_unit",
    "load_vocab",
    "resolve_indicator",
]

_VOCAB_PATH = Path(__file__).parent / "indicator_vocab.json"


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


# --- vocabulary ---------------------------------------------------------------------------------

# Same-length translation: full-width digits, % and . -> ASCII (offsets stay valid).
_FULL_CHARS = "０１２３４５６７８９％．"
_FULL_ASCII = str.maketrans(_FULL_CHARS, "0123456789%.")

_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
_UNIT = (r"(?:%|万亿元|亿元|万元|元|万亿美元|亿美元|万美元|美元|万亿斤|亿斤|万斤|亿公斤|万公斤|万吨|吨|"
         r"万人|人|万个|个)")
_FIGURE = re.compile(
    rf"(?<![A-Za-z0-9.])(?P<a>{_NUM})\s?(?P<ua>{_UNIT})?"
    rf"(?:\s?(?P<dash>[-—–~～－‒―]{{1,2}}|至|到)\s?(?P<b>{_NUM})\s?(?P<ub>{_UNIT}))?"
)
_AFTER_FIGURE_BAD = re.compile(r"百分点|次|/|每|年|倍|多万|亩|平方|公里|千瓦|件|户|家|项|辆|名|岁|台阶|大关|关口|级")
_OF_NOUN = re.compile(r"的(?!基础|水平|较|低|高|目标|预期|增长|增速|任务)[\u4e00-\u9fff]")
_AFTER_QUAL = re.compile(r"\s?(左右|上下|以上|以内|以下|之内)")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})年(?!代)")
_PLAN = re.compile(r"[“\"]?(十[一二三四五六]五)[”\"]?(规划)?(时期|期间|以来|末期|末)?")
_FIVE = re.compile(r"(过去|这|近|前|未来|今后)的?五年|五年来|五年间|五年以来")
_NOW = re.compile(r"今年|去年|一年来|过去一年|刚刚过去的一年|上一年")
_LIST_MARK = re.compile(r"^\s*(?:[（(]?[0-9一二三四五六七八九十]+[)）.、．]\s*)+")
_ATTACHED = re.compile(r"的?\s?\d")
_MONEY_OR_PCT = re.compile(r"\d\s?(?:%|万亿元|亿元|万元|元|亿美元|万人|万吨|亿斤)")
_DIGIT_ASIDE = re.compile(r"台阶|大关|关口|百分点|第\d+位|\d+位")
_COMPARE_YEAR = re.compile(r"(?:比|较|相较于|相比)(?:19|20)\d{2}年(?:底|末)?")
_ENUM_KW = re.compile(r"分别|(?<![年平人])均(?!衡|等|值|为|达)|都")
_GOAL = re.compile(r"预期目标[是为]|主要目标[是为][：:]")
_SENT_END = re.compile(r"[。；;！？!?\n\r]")
_CLAUSE_SEP = re.compile(r"[，:：]|,(?!\d{3})")
_ENUM = re.compile(r"[、和及与]|以及")

# money scale to 亿 / to 元; persons to 万; weight to 万吨
_MONEY_YI = {"万亿元": 1e4, "亿元": 1.0, "万元": 1e-4, "元": 1e-8}
_MONEY_USD_YI = {"万亿美元": 1e4, "亿美元": 1.0, "万美元": 1e-4, "美元": 1e-8}
_INCOME_YUAN = {"万元": 1e4, "元": 1.0}
_PERSONS_WAN = {"万人": 1.0, "人": 1e-4, "万个": 1.0, "个": 1e-4}
_WEIGHT_WANDUN = {"万吨": 1.0, "吨": 1e-4, "万亿斤": 5e4, "亿斤": 5.0, "万斤": 5e-4, "亿公斤": 10.0,
                  "万公斤": 1e-3}


class _Vocab:
    def __init__(self, data: dict):
        self.data = data
        self.indicators: dict[str, dict] = data["indicators"]
        self.surfaces: list[dict] = data["surfaces"]
        self.plans: dict[str, tuple[int, int]] = {k: (v[0], v[1]) for k, v in data["plans"].items()}
        names: dict[str, int] = {}
        for i, s in enumerate(self.surfaces):
            for n in s["names"]:
                names.setdefault(n, i)
        for n in data["stop_names"]:
            names.setdefault(n, -1)
        self.name_index = names
        literal = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
        pats = []
        self.pattern_index: dict[str, int] = {}
        for i, s in enumerate(self.surfaces):
            for j, p in enumerate(s.get("patterns", [])):
                g = f"p{i}_{j}"
                self.pattern_index[g] = i
                pats.append(f"(?P<{g}>{p})")
        # a leading class of every name's first character lets the engine skip most positions fast
        firsts = "".join(sorted({n[0] for n in names} | {p.lstrip("(?:")[0] for s in self.surfaces
                                                        for p in s.get("patterns", [])}))
        self.name_re = re.compile(f"(?=[{re.escape(firsts)}])(?:" + "|".join(pats + [f"(?P<lit>{literal})"]) + ")")
        self.prefix_tokens = _Tokens(data["subject_prefixes"] + ["到", "的", "在"])
        self.connectors = _Tokens(data["connectors"] + ["从", "由"])
        self.continuation = _Tokens(data["connectors"] + ["从", "由", "和", "及", "与", "以及", "其中"])
        self.head_words = _Tokens(data["context_head_words"])
        self.increment = set(data["increment_verbs"])
        self.level = set(data["level_verbs"])
        self.decrease = set(data["decrease_verbs"])
        self.increase = {"增长", "增速", "增幅", "涨幅", "上涨", "上升", "提高", "提升", "增加", "递增"}
        self.average = tuple(data["average_words"])
        self.cumulative = tuple(data["cumulative_words"])
        self.expected = tuple(data["expected_words"])
        self.comparison = tuple(data["comparison_before_year"])
        self.ratio_after = tuple(data["ratio_after_name"])
        self.object_before = tuple(data["object_before_name"])
        q = data["qualifiers"]
        self.q_after: dict[str, str] = q["after"]
        self.q_before: dict[str, str] = q["before"]
        self.q_clause: dict[str, str] = q["clause"]
        self.q_before_re = re.compile("|".join(re.escape(k) for k in sorted(self.q_before, key=len, reverse=True)))
        self.q_clause_re = re.compile("|".join(re.escape(k) for k in self.q_clause))

    def surface_of(self, m: re.Match) -> int:
        if m.lastgroup and m.lastgroup != "lit":
            return self.pattern_index[m.lastgroup]
        return self.name_index.get(m.group(0), -1)


class _Tokens:
    """Greedy longest-match consumption of a string by a closed word list (linear in the string)."""

    def __init__(self, words):
        self.words = set(words)
        self.maxlen = max(len(w) for w in self.words)

    def consume(self, s: str) -> list[str] | None:
        out, i, n = [], 0, len(s)
        while i < n:
            for k in range(min(self.maxlen, n - i), 0, -1):
                w = s[i:i + k]
                if w in self.words:
                    out.append(w)
                    i += k
                    break
            else:
                return None
        return out


@lru_cache(maxsize=1)
def load_vocab() -> dict:
    """The raw vocabulary data (indicators, surfaces, word lists)."""
    return json.loads(_VOCAB_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _vocab() -> _Vocab:
    return _Vocab(load_vocab())


def indicator_names() -> list[str]:
    """All normalised indicator names."""
    return list(_vocab().indicators)


def core_indicators() -> list[str]:
    """The core indicators (GDP, budget revenue, investment, retail sales, jobs, unemployment, CPI, income)."""
    return [k for k, v in _vocab().indicators.items() if v.get("core")]


def indicator_unit(name: str) -> str | None:
    v = _vocab().indicators.get(name)
    return v["unit"] if v else None


def resolve_indicator(phrase: str) -> list[str]:
    """Normalised indicator names a phrase (a surface form or an everyday synonym) refers to.

    "物价" -> ["居民消费价格"], "财政收入" -> ["一般公共预算收入", ...], "经济增速" -> ["地区生产总值增长"].
    Longest matching forms win; order: exact name, surface forms, synonyms.
    """
    V = _vocab()
    p = phrase.strip()
    if p in V.indicators:
        return [p]
    out: list[str] = []
    i = V.name_index.get(p)
    if i is not None and i >= 0:
        s = V.surfaces[i]
        for key in ("total", "growth", "rate", "decrease"):
            if key in s:
                out.append(s[key])
        for part in s.get("split", []):
            out.extend(part.values())
    for name, info in V.indicators.items():
        if p in info.get("synonyms", ()) and name not in out:
            out.append(name)
    return out


# --- helpers -------------------------------------------------------------------------------------

def _plan_end_containing(year: int) -> int:
    """Last year of the five-year plan that contains `year` (plans: 2021-2025, 2026-2030, ...)."""
    return year + 4 - ((year - 2021) % 5)


@dataclass
class _Fig:
    start: int
    end: int            # end of the number+unit (qualifier excluded)
    raw_end: int        # end including an after-qualifier
    a: float
    b: float | None
    unit: str           # unit as written (of the upper bound for ranges)
    unit_a: str
    after_q: str


@dataclass
class _Ctx:
    kind: str           # "year" | "period"
    year: int = 0
    start: int = 0      # period
    end: int = 0
    attached: bool = False  # a year written right before one figure ("2020年的3.68万亿元")


def _family_value(unit: str, family: str) -> tuple[float, str] | None:
    """Scale factor and normalised unit of a written unit for an indicator family."""
    if family == "percent":
        return (1.0, "%") if unit == "%" else None
    if family == "money":
        if unit in _MONEY_YI:
            return _MONEY_YI[unit], "亿元"
        if unit in _MONEY_USD_YI:
            return _MONEY_USD_YI[unit], "亿美元"
        return None
    if family == "income":
        return (_INCOME_YUAN[unit], "元") if unit in _INCOME_YUAN else None
    if family == "persons":
        return (_PERSONS_WAN[unit], "万人") if unit in _PERSONS_WAN else None
    if family == "weight":
        return (_WEIGHT_WANDUN[unit], "万吨") if unit in _WEIGHT_WANDUN else None
    return None


def _num(s: str) -> float:
    return float(s.replace(",", ""))


def _sentences(t: str) -> list[tuple[int, int]]:
    out, s = [], 0
    for m in _SENT_END.finditer(t):
        if m.start() > s:
            out.append((s, m.start()))
        s = m.end()
    if s < len(t):
        out.append((s, len(t)))
    return out


def _round(x: float) -> float:
    return float(f"{x:.10g}")


# --- markers (time context) ----------------------------------------------------------------------

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


# --- extraction -----------------------------------------------------------------------------------

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
    names = []
    for m in V.name_re.finditer(t):
        names.append((m.start(), m.end(), V.surface_of(m)))
    figs: list[_Fig] = []
    for m in _FIGURE.finditer(t):
        ua, ub = m.group("ua"), m.group("ub")
        if not ua and not ub:
            continue
        end = m.end() if ub else m.end("ua")
        if _AFTER_FIGURE_BAD.match(t, end):
            continue
        if ua and ub and ua != ub and ua != "%":
            ub = None
        b = _num(m.group("b")) if ub else None
        if not ub:
            end = m.end("ua")
        unit = ub or ua
        q = _AFTER_QUAL.match(t, end)
        if _OF_NOUN.match(t, q.end() if q else end):
            continue          # "经济总量超500亿元的县域": the figure describes another noun
        figs.append(_Fig(m.start(), end, q.end() if q else end, _num(m.group("a")), b, unit, ua or unit,
                         q.group(1) if q else ""))
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
        i0, i1 = bisect_left(name_starts, s), bisect_left(name_starts, e)
        j0, j1 = bisect_left(fig_starts, s), bisect_left(fig_starts, e)
        if j0 == j1 or i0 == i1:
            continue
        out.extend(_sentence(text, t, s, e, names[i0:i1], figs[j0:j1], marks, running, in_plan, ry, V))
    out.sort(key=lambda x: (x.start, x.end))
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


def _sentence(orig, t, s, e, names, figs, marks, running, in_plan, ry, V):
    events = [(n[0], 0, n) for n in names] + [(f.start, 1, f) for f in figs]
    events.sort(key=lambda x: (x[0], x[1]))
    out: list[IndicatorMention] = []
    subj = None          # dict: surface, start, end, counters, from_state
    anchor_end = s
    anchor_is_fig = False
    last_fig_state = None   # (local_year, is_from) of the previous assigned figure
    prev_end = s
    exp = t.find("预计", s, e)
    seps = [m.end() for m in _CLAUSE_SEP.finditer(t, s, e)]
    S = {"seps": seps, "marks": marks, "mark_starts": [m[0] for m in marks], "expected": exp if exp >= 0 else None}
    for _pos, typ, obj in events:
        if typ == 0:
            ns, ne, si = obj
            if ns < prev_end:   # overlapping match (pattern and literal)
                continue
            cs = _clause_start(seps, s, ns)
            pstart = max(cs, prev_end)
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
            prev_end = ne
            if not valid:
                subj = None
                anchor_is_fig = False
                anchor_end = ne
                continue
            subj = {"si": si, "start": ns, "end": ne, "counters": {}, "text": t[ns:ne]}
            anchor_end, anchor_is_fig, last_fig_state = ne, False, None
            # enumeration "A、B分别 x、y" / "A、B均 x"
            en = _enumeration(t, s, e, ns, ne, names, figs, V, seps)
            if en is not None:
                kw_end, idx, mode, _items = en
                fams: dict[str, int] = {}
                last = kw_end
                fi = _first_fig(figs, kw_end)
                for f in figs[fi:fi + idx + 4]:
                    if _gap_ok(t[last:f.start], V.connectors if last == kw_end else V.continuation) is None:
                        break
                    last = f.raw_end
                    fam = "percent" if f.unit == "%" else "amount"
                    c = fams.get(fam, 0)
                    fams[fam] = c + 1
                    if (mode == "均" and c == 0) or (mode == "分别" and c == idx):
                        m = _emit(orig, t, s, e, subj, f, t[max(ne, f.start - 40):f.start], S, running, in_plan,
                                  ry, V, None, confidence=0.75)
                        if m:
                            out.append(m)
                subj = None
                anchor_end = ne
                continue
            continue
        f = obj
        if f.start < prev_end:
            continue
        if f.unit in ("个", "万个") and (subj is None or "total" not in V.surfaces[subj["si"]]
                                         or V.indicators[V.surfaces[subj["si"]]["total"]]["family"] != "persons"):
            continue      # "4个万亿元台阶": a count of something else, not a figure
        prev_end = f.end
        if subj is None:
            anchor_end, anchor_is_fig = f.raw_end, True
            continue
        gap = t[anchor_end:f.start]
        toks = _gap_ok(gap, V.continuation if anchor_is_fig else V.connectors)
        if toks is None:
            subj = None
            anchor_end, anchor_is_fig = f.raw_end, True
            continue
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
        m = _emit(orig, t, s, e, subj, f, gap, S, running, in_plan, ry, V,
                  (local_year, is_from, toks, is_to), confidence=0.8 if anchor_is_fig else 0.9)
        if m:
            out.append(m)
        last_fig_state = (local_year, is_from)
        anchor_end, anchor_is_fig = f.raw_end, True
    return out


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


def _emit(orig, t, s, e, subj, f: _Fig, gap, S, running, in_plan, ry, V, state, confidence):
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
    local_year, is_from, toks, is_to = state if state else (None, False, V.connectors.consume(_YEAR.sub("", gap)) or [], False)
    toks = toks or []
    # verb: last increase/decrease/level word before the figure
    verb = ""
    for w in reversed(toks):
        if w in V.increment or w in V.level or w in V.decrease or w in V.increase or w.endswith(("到", "至")):
            if w in V.q_before and not verb:
                verb = w      # "突破", "超": a level unless a real verb stands before it ("增长超1500亿元")
                continue
            verb = w
            break
    if measure == "total" and verb in V.increment and not verb.endswith(("到", "至")):
        return None            # an increment ("增加1000亿元"), not a level
    if measure != "total" and _COMPARE_YEAR.search(gap):
        return None            # a change since a given year ("比2020年增长25%"): not an annual figure
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

    # --- year and kind ---
    cs = max(_clause_start(S["seps"], s, subj["start"]), subj["start"] - 30)   # bounded windows
    stmt_text = t[max(cs, f.start - 80):f.start]
    head_text = t[cs:subj["end"]]
    avg = any(w in gap or w in head_text for w in V.average) or (pct and any(w in stmt_text for w in V.average))
    cum = any(w in stmt_text for w in V.cumulative) or "累计" in subj["text"]
    sent_mark = None
    marks = S["marks"]
    k = bisect_left(S["mark_starts"], f.start)
    for ms, me, ctx, fut in marks[max(0, k - 8):k]:
        if ctx.attached:      # belongs to its own figure only (see local_year)
            continue
        sent_mark = (ctx, fut)
    ctx = None
    if local_year is not None:
        ctx = _Ctx("year", local_year)
    elif sent_mark is not None:
        ctx = sent_mark[0]
    elif running is not None:
        ctx = running
    elif ry is not None:
        ctx = _Ctx("year", ry if in_plan else ry - 1)
    expected = S["expected"] is not None and S["expected"] < f.start
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
    if expected and kind in ("actual", "target") and (ry is None or year is None or year <= ry):
        kind = "expected"
    if is_from and local_year is not None:
        year = local_year
        kind = "actual" if ry is None or year < ry else kind
    # qualifier: after the figure > before it > clause-level 力争 > 累计
    if f.after_q:
        qualifier = V.q_after.get(f.after_q, f.after_q)
    else:
        bq = None
        for m in V.q_before_re.finditer(gap[-6:]):
            bq = V.q_before[m.group(0)]
        if bq:
            qualifier = bq
        else:
            cm = V.q_clause_re.search(t, max(cs, f.start - 80), f.start)
            if cm:
                qualifier = V.q_clause[cm.group(0)]
    text_raw = orig[f.start:f.raw_end]  # the translation kept offsets: the figure as written
    conf = confidence
    if ctx is running and running is not None:
        conf -= 0.05
    if local_year is None and sent_mark is None and running is None:
        conf -= 0.1
    return IndicatorMention(ind, kind, year, value, high, unit, text_raw, qualifier,
                            subj["start"], f.raw_end, round(max(0.1, min(1.0, conf)), 2))
