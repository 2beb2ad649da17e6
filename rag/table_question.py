"""What a question over the indicator table asks: ranking, filter, set or target vs outcome; indicator, kind, year,
threshold and the places in scope (read from its words)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rag.indicators_table import IndicatorRow
from rag.text.cues import (
    AMOUNT_AFTER,
    ASKS_EVERY,
    ASKS_SPAN,
    ASKS_WORDING,
    GROWTH_AFTER,
    GROWTH_ASKED,
    LAST_YEAR_ASKED,
    LEVEL_ASKED,
    LEVEL_OF_WORD,
    RANKS_HIGH,
    RANKS_LOW,
    TABLE_OUTCOME,
    TABLE_REPORT_YEAR,
    TABLE_TARGET,
    THIS_YEAR_ASKED,
    THRESHOLD,
    TOTAL_ASKED,
    YEAR_ASKED,
)
from rag.text.indicators_vocab import load_vocab, resolve_indicator
from rag.text.tokens import to_simplified
from rag.types import DocMeta

# the unit written after a threshold: its family and its scale in the family's normalised unit
_UNIT_SCALE = {"%": ("percent", 1.0), "％": ("percent", 1.0), "个百分点": ("percent", 1.0),
               "万亿元": ("money", 1e4), "亿元": ("money", 1.0), "万元": ("money", 1e-4),
               "元": ("income", 1.0), "万人": ("persons", 1.0), "人": ("persons", 1e-4),
               "万吨": ("weight", 1.0), "亿斤": ("weight", 5.0)}


@dataclass(frozen=True)
class Threshold:
    op: str  # >= > <= < ==
    value: float  # in the indicator's normalised unit
    family: str
    text: str  # as asked ("5%以上")

    def holds(self, row: IndicatorRow) -> bool:
        lo, hi = row.value, row.sort_high
        v = self.value
        return {">=": lo >= v - 1e-9, ">": lo > v + 1e-9, "<=": hi <= v + 1e-9, "<": hi < v - 1e-9,
                "==": lo - 1e-9 <= v <= hi + 1e-9}[self.op]

    @property
    def label(self) -> str:
        return {">=": "不低于", ">": "高于", "<=": "不高于", "<": "低于", "==": "为"}[self.op]


@dataclass(frozen=True)
class TableQuestion:
    """What a question over the table asks."""

    mode: str  # rank | filter | set | target_outcome
    indicator: str
    kind: str  # target | actual
    year: int | None  # the data year asked (None: the latest the library holds)
    descending: bool = True
    threshold: Threshold | None = None
    levels: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()  # issuers named
    regions: tuple[str, ...] = ()  # reports under these places
    relative: str = ""  # 今年 | 去年 (resolved against the library's latest report year)
    indicator_phrase: str = ""
    siblings: tuple[str, ...] = ()  # the phrase's other indicators when the question did not choose
    entity_years: tuple[tuple[str, int], ...] = ()  # "道滘镇2023年和杜桥镇2020年": a year per issuer


# ---------------------------------------------------------------------------- indicators in a question
@lru_cache(maxsize=1)
def _forms() -> tuple[re.Pattern, dict[str, tuple[str, ...]], dict[str, str]]:
    vocab = load_vocab()
    merged: dict[str, list[str]] = {}
    for s in vocab["surfaces"]:  # a report's surface form: every indicator it can name (total and growth)
        parts = [s] + list(s.get("split", []))
        names = [p[k] for p in parts for k in ("total", "growth", "rate", "decrease") if k in p]
        for n in s["names"]:
            merged.setdefault(n, []).extend(names)
    forms = set(vocab["indicators"]) | {syn for info in vocab["indicators"].values() for syn in info.get("synonyms", ())}
    for f in forms:
        merged.setdefault(f, []).extend(resolve_indicator(f))
    table: dict[str, tuple[str, ...]] = {}
    for f, names in merged.items():
        if names:
            table[f.upper()] = tuple(dict.fromkeys(names))
    for f in vocab["stop_names"]:  # 人均GDP, 海洋生产总值 …: another quantity, not the indicator
        table.setdefault(f.upper(), ())
    pattern = re.compile("|".join(re.escape(f) for f in sorted(table, key=len, reverse=True)))
    families = {k: v["family"] for k, v in vocab["indicators"].items()}
    return pattern, table, families


@dataclass(frozen=True)
class FoundIndicator:
    name: str
    phrase: str  # as written in the question
    siblings: tuple[str, ...] = ()  # other indicators of the phrase, when nothing in the question chose


def find_indicator(question: str, family_hint: str | None = None) -> FoundIndicator | None:
    """The indicator a question asks about: the first vocabulary form in it, with a total/growth
    ambiguity ("地区生产总值" alone) settled by the words around it ("…增速", "涨多少") or by the
    unit of a threshold ("5%以上" asks for a growth rate)."""
    pattern, table, families = _forms()
    q = to_simplified(question).upper()
    for m in pattern.finditer(q):
        names = table.get(m.group(0), ())
        if not names:
            continue
        if len(names) == 1 and f"{names[0]}增长" in families:
            names = (names[0], f"{names[0]}增长")  # an amount's short name ("固投") names its growth too
        if len(names) == 1:
            return FoundIndicator(names[0], m.group(0))
        growth = [n for n in names if families.get(n) == "percent"]
        totals = [n for n in names if families.get(n) != "percent"]
        # what follows the name, past a gloss in brackets ("财政收入（一般公共预算收入）各是多少")
        after = re.sub(r"^[（(][^）)]{0,24}[）)]", "", q[m.end():])
        cue = bool(GROWTH_AFTER.match(after)) or bool(GROWTH_ASKED.search(q))
        wants_growth = cue or family_hint == "percent"
        chosen = cue or family_hint is not None or bool(TOTAL_ASKED.search(q))
        pick = (growth if wants_growth else totals) or list(names)
        others = () if chosen else tuple(n for n in (totals + growth)[:2] if n != pick[0])
        if wants_growth and totals and AMOUNT_AFTER.match(after) and not GROWTH_AFTER.match(after):
            others = (totals[0],)  # "GDP各是多少？哪个增长更快？": the amount too
        return FoundIndicator(pick[0], m.group(0), others)
    return None


@lru_cache(maxsize=256)
def indicators_named(question: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Every vocabulary form a question names, with the indicators each may mean, in order
    ("进出口和实际使用外资各增长多少" names two); an indicator named as what a share is taken of
    ("占GDP的比例") is not asked. Cached: every candidate sentence of one question asks it again."""
    pattern, table, _ = _forms()
    q = to_simplified(question).upper()
    return tuple((m.group(0), table[m.group(0)]) for m in pattern.finditer(q) if table.get(m.group(0))
                 and not (_SHARE_OF_BEFORE.search(q[: m.start()]) or _SHARE_OF_AFTER.match(q[m.end():])))


_SHARE_OF_BEFORE = re.compile(r"占(?:全[国省市区县镇])?$")
_SHARE_OF_AFTER = re.compile(r"的?(?:比重|比例|之比)")


def _threshold(q: str) -> Threshold | None:
    for m in THRESHOLD.finditer(q):
        pre, num, unit, post = m.group(1) or "", m.group(2), m.group(3), m.group(4) or ""
        if q[m.end(3):m.end(3) + 1] == "年" or unit not in _UNIT_SCALE:
            continue
        op = None
        if pre in ("超过", "高于", "大于", "多于"):
            op = ">"
        elif pre in ("不低于", "不少于"):
            op = ">="
        elif pre in ("低于", "小于", "少于", "不到", "不足"):
            op = "<"
        elif pre in ("不超过", "不高于"):
            op = "<="
        if post in ("及以上", "以上", "之上"):
            op = op or ">="
        elif post in ("及以下", "以下", "以内", "之内", "之下"):
            op = op or "<="
        if op is None and (post == "左右" or pre in ("定在", "定为", "设定在", "为", "是", "达到")):
            op = ">=" if pre == "达到" else "=="
        if op is None:
            continue
        family, scale = _UNIT_SCALE[unit]
        return Threshold(op, float(num) * scale, family, m.group(0).strip())
    return None


def detect(question: str, catalogue: list[DocMeta]) -> TableQuestion | None:
    """The table question a question asks, or None (answer by retrieval instead)."""
    from rag.question_places import find_regions, find_towns

    q = to_simplified((question or "").strip())
    if not q or ASKS_WORDING.search(q):
        return None  # the report's words are asked, not a value of the table
    if ASKS_SPAN.search(re.sub(r"平均水平|平均线", "", q)):
        return None  # a span of years ("年均", "“十四五”时期"): the table holds the figures of one year
    threshold = _threshold(q)
    found = find_indicator(q, threshold.family if threshold else None)
    if found is None:
        return None
    indicator, phrase = found.name, found.phrase
    info = load_vocab()["indicators"].get(indicator, {})
    if threshold is not None and threshold.family != info.get("family"):
        if not (threshold.family == "money" and info.get("family") == "income"):
            threshold = None
        else:  # 万元 of an income: scale to 元
            threshold = Threshold(threshold.op, threshold.value * 1e8, "income", threshold.text)
    wants_target = bool(TABLE_TARGET.search(q))
    wants_outcome = bool(TABLE_OUTCOME.search(q))
    # places: issuers named, and regions (places above issuers) that scope the question
    named_towns = find_towns(q, catalogue)
    entities = [t for _, t in named_towns]
    # a region written right before an issuer is that issuer's address ("临海市杜桥镇"), not a scope
    # for the other issuers named
    starts = {pos for pos, _ in named_towns}
    regions = [r for pos, r in find_regions(q, catalogue) if pos + len(r) not in starts]
    levels = tuple(dict.fromkeys(LEVEL_OF_WORD[m.group(2)] for m in LEVEL_ASKED.finditer(q)))
    if levels:  # "广东省各市": a named issuer with reports of that level below it is a region
        below = {p for m in catalogue if m.level in levels for p in m.parent}
        regions += [e for e in entities if e in below]
        entities = [e for e in entities if e not in below]
    rank = RANKS_HIGH.search(q) or RANKS_LOW.search(q)
    many = bool(rank or threshold or ASKS_EVERY.search(q) or levels)
    years = [int(m.group(1)) for m in YEAR_ASKED.finditer(q)]
    report_years = [int(m.group(1)) for m in TABLE_REPORT_YEAR.finditer(q)]
    # a year that dates the report ("2026年政府工作报告") is no data year: the report of year N
    # tells the target for N and the outcome of N-1
    data_years = [y for y in years if y not in report_years]
    if not data_years and report_years:
        data_years = [y if wants_target else y - 1 for y in report_years]
    year = data_years[0] if data_years else None
    relative = "今年" if THIS_YEAR_ASKED.search(q) else ("去年" if LAST_YEAR_ASKED.search(q) else "")
    entity_years: tuple[tuple[str, int], ...] = ()
    if len(entities) >= 2 and len(set(data_years)) >= 2 and len(data_years) == len(entities):
        # "道滘镇2023年和杜桥镇2020年": each issuer with the year written beside it, in order
        named = [(pos, t) for pos, t in find_towns(q, catalogue) if t in entities]
        if len(named) == len(data_years):
            entity_years = tuple(zip([t for _, t in sorted(named)], data_years))
    common = dict(indicator=indicator, year=year, levels=levels, entities=tuple(entities), regions=tuple(regions),
                  relative=relative, indicator_phrase=phrase, siblings=found.siblings, entity_years=entity_years)
    if wants_target and wants_outcome:
        if len(entities) == 1 or many:
            return TableQuestion("target_outcome", kind="target", **common)
        return None
    if len(entities) == 1 or not many:
        return None  # one issuer, no cue over many reports: a plain question for retrieval
    kind = "target" if wants_target else "actual"
    if rank and not threshold:
        return TableQuestion("rank", kind=kind, descending=bool(RANKS_HIGH.search(q)) and not (
            RANKS_LOW.search(q) and RANKS_LOW.search(q).start() < RANKS_HIGH.search(q).start()), **common)
    if threshold is not None:
        return TableQuestion("filter", kind=kind, threshold=threshold, **common)
    return TableQuestion("set", kind=kind, **common)
