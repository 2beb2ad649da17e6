"""Answers from the indicator table (指标库) instead of from retrieved passages.

Two kinds of question are answered here, before any retrieval:

* **across many reports** — a ranking ("哪个省2026年GDP增长目标最高？"), a filter ("哪些省份2026年
  GDP增长目标定在5%以上？") or a set ("各省2025年地区生产总值增速分别是多少？"): every report in
  scope is looked up in the table, so none is silently missed. The answer gives the value of
  every report (each cited to its exact statement), names the coverage ("31份报告中28份给出此指
  标；未给出：…"), and compares only figures of one kind: targets with targets, outcomes with
  outcomes.
* **target vs outcome** of one issuer ("深圳2019年GDP增长目标是多少，实际完成了多少？"): its
  target for year N (report N) beside its outcome for year N (report N+1): met / not met / not
  stated, both cited; a missing report is named.

What a question asks is read from its words: a ranking/filter/set cue, an indicator resolved
through the vocabulary (:func:`rag.text.indicators.resolve_indicator`: everyday words such as
"GDP增速", "财政收入"), its kind (目标/预期/计划 → target, otherwise the outcome of the year asked),
the year, and which reports are in scope (a level word such as 省/市/区, places named, or the
UI's filters). :func:`answer_from_table` is the single entry point the chat calls; it returns None
for any other question.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Iterable

from rag.cite import renumber, validate_answer
from rag.indicators_table import IndicatorRow, Snapshot, section_of, table_for
from rag.text.indicators_vocab import load_vocab, resolve_indicator
from rag.text.tokens import to_simplified
from rag.text.cues import NOT_FOUND
from rag.types import Answer, Citation, ComparisonRow, DocMeta, Passage

# ---------------------------------------------------------------------------- question cues
RANK_DESC = re.compile(r"最高|最大|最快|最多|第一|居首|排名第一|排第一|领先|最好|更高|更大|更快|更多")
RANK_ASC = re.compile(r"最低|最小|最慢|最少|垫底|最差|倒数第一|更低|更小|更慢|更少")
SET = re.compile(r"各(?!位|项|类|种|方面|级)|每个|每一个|分别|都是多少|都有多少|列出|列表|一览|所有|全部|哪些|哪几个|哪几|汇总")
TARGET_Q = re.compile(r"目标|预期|计划|力争|定在|定为|安排|设定")
OUTCOME_Q = re.compile(r"实际|完成|实现了|达到了|做到|兑现|结果|达成|达标|落实了")
_NUM = r"(\d+(?:\.\d+)?)"
_THRESHOLD = re.compile(
    r"(超过|高于|大于|多于|不低于|不少于|低于|小于|少于|不到|不足|不超过|不高于|达到|定在|定为|设定在|在|为|是)?\s*"
    + _NUM + r"\s*(%|％|个百分点|万亿元|亿元|万元|元|万人|人|万吨|亿斤)\s*(及以上|以上|之上|及以下|以下|以内|之内|之下|左右)?")
_LEVEL_WORD = re.compile(
    r"(哪个|哪些|哪几个|哪一个|各个|各|每个|每一个|所有|全部|全国各|多少个|几个|\d+个)"
    r"(省份|省区|省市区|省市|省|自治区|直辖市|地级市|城市|市|区县|县区|县市区|区|县|乡镇|镇|街道)")
_LEVEL_OF = {"省份": "province", "省区": "province", "省市区": "province", "省市": "province", "省": "province",
             "自治区": "province", "直辖市": "province", "地级市": "city", "城市": "city", "市": "city",
             "区县": "county", "县区": "county", "县市区": "county", "区": "county", "县": "county",
             "乡镇": "township", "镇": "township", "街道": "township"}
LEVEL_NAMES = {"national": "国家", "province": "省级", "city": "市级", "county": "区县级", "township": "乡镇街道"}
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*年(?!代)")
_REPORT_YEAR = re.compile(r"((?:19|20)\d\d)\s*年(?:的|度)?[\u4e00-\u9fff]{0,10}?(?:政府工作报告|工作报告|报告)")
_GROWTH_AFTER = re.compile(r"^(?:的)?(?:年均)?(?:增长|增速|增幅|涨幅|增长率|增长速度|增长目标|增速目标)")
_GROWTH_ANY = re.compile(r"增速|增长率|增幅|涨幅|增长速度|增长多少|增长了多少|增长目标|增长几|涨多少|涨了多少|涨了?几|"
                         r"增长更快|增长最快|增长得?更|增长得?最|各增长|分别增长|百分之|百分点")
_AMOUNT_AFTER = re.compile(r"^(?:的)?(?:总量|总额|规模)?(?:各|分别|都)?(?:是|为|有|达到)?多少")
_TOTAL_ANY = re.compile(r"总量|总额|规模|多少亿|多少万|几万亿|多少钱|达到多少|有多大|多大")
# indicators whose target is a ceiling (a price rise, an unemployment rate kept below a level)
CEILING = frozenset({"居民消费价格", "城镇调查失业率", "城镇登记失业率"})
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
        if len(names) == 1:
            return FoundIndicator(names[0], m.group(0))
        growth = [n for n in names if families.get(n) == "percent"]
        totals = [n for n in names if families.get(n) != "percent"]
        cue = bool(_GROWTH_AFTER.match(q[m.end():])) or bool(_GROWTH_ANY.search(q))
        wants_growth = cue or family_hint == "percent"
        chosen = cue or family_hint is not None or bool(_TOTAL_ANY.search(q))
        pick = (growth if wants_growth else totals) or list(names)
        others = () if chosen else tuple(n for n in (totals + growth)[:2] if n != pick[0])
        if wants_growth and totals and _AMOUNT_AFTER.match(q[m.end():]) and not _GROWTH_AFTER.match(q[m.end():]):
            others = (totals[0],)  # "GDP各是多少？哪个增长更快？": the amount too
        return FoundIndicator(pick[0], m.group(0), others)
    return None


def _threshold(q: str) -> Threshold | None:
    for m in _THRESHOLD.finditer(q):
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
    from rag.query import find_regions, find_towns

    q = to_simplified((question or "").strip())
    if not q:
        return None
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
    wants_target = bool(TARGET_Q.search(q))
    wants_outcome = bool(OUTCOME_Q.search(q))
    # places: issuers named, and regions (places above issuers) that scope the question
    entities = [t for _, t in find_towns(q, catalogue)]
    regions = [r for _, r in find_regions(q, catalogue)]
    levels = tuple(dict.fromkeys(_LEVEL_OF[m.group(2)] for m in _LEVEL_WORD.finditer(q)))
    if levels:  # "广东省各市": a named issuer with reports of that level below it is a region
        below = {p for m in catalogue if m.level in levels for p in m.parent}
        regions += [e for e in entities if e in below]
        entities = [e for e in entities if e not in below]
    rank = RANK_DESC.search(q) or RANK_ASC.search(q)
    many = bool(rank or threshold or SET.search(q) or levels)
    years = [int(m.group(1)) for m in _YEAR.finditer(q)]
    report_years = [int(m.group(1)) for m in _REPORT_YEAR.finditer(q)]
    data_years = [y for y in years if y not in report_years] or years
    year = data_years[0] if data_years else None
    relative = "今年" if re.search(r"今年|本年", q) else ("去年" if re.search(r"去年|上年|上一年", q) else "")
    if year is None and report_years:
        year = report_years[0] if wants_target else report_years[0] - 1
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
        return TableQuestion("rank", kind=kind, descending=bool(RANK_DESC.search(q)) and not (
            RANK_ASC.search(q) and RANK_ASC.search(q).start() < RANK_DESC.search(q).start()), **common)
    if threshold is not None:
        return TableQuestion("filter", kind=kind, threshold=threshold, **common)
    return TableQuestion("set", kind=kind, **common)


# ---------------------------------------------------------------------------- scope
@dataclass
class Scope:
    reports: list[DocMeta]  # the reports that could state the figure, one per issuer
    year: int | None
    label: str  # "2026年省级报告"
    note: str = ""  # why no report is in scope
    year_of: dict[str, int] = field(default_factory=dict)  # doc_id -> the data year asked of it
    absent: list[str] = field(default_factory=list)  # issuers named whose report of that year is not in the library

    def year_for(self, doc_id: str) -> int | None:
        return self.year_of.get(doc_id, self.year)


def _in_scope(m: DocMeta, tq: TableQuestion, towns: Iterable[str]) -> bool:
    towns = set(towns)
    if towns and m.entity not in towns:
        return False
    if tq.entities and m.entity not in tq.entities:
        return False
    if tq.regions and not (set(tq.regions) & set(m.parent) or m.region in tq.regions):
        return False
    if tq.levels and m.level not in tq.levels:
        return False
    return True


def resolve_scope(tq: TableQuestion, snap: Snapshot, *, towns=(), report_years=()) -> Scope:
    """The reports a question covers: of the level/places asked, delivered in the year that states
    the figure (a target for N: report N; an outcome for N: report N+1)."""
    metas = [m for m in snap.metas.values() if _in_scope(m, tq, towns)]
    if report_years:
        metas = [m for m in metas if m.year in set(report_years)]
    level = "、".join(LEVEL_NAMES.get(lv, lv) for lv in tq.levels) if tq.levels else ""
    where = "、".join(tq.regions) if tq.regions else ""
    if not metas:
        return Scope([], tq.year, f"{where}{level}报告", f"库中没有{where}{level or '所问范围的'}报告")
    latest = max((m.year for m in metas if m.year), default=None)
    year = tq.year
    if year is None and tq.entities and not tq.entity_years and not tq.relative:
        # issuers named, no year: each issuer's latest report
        pairs = []
        for entity in tq.entities:
            ys = [m.year for m in metas if m.entity == entity and m.year]
            if ys:
                last = max(ys)
                pairs.append((entity, last if tq.kind == "target" or tq.mode == "target_outcome" else last - 1))
        if pairs:
            return resolve_scope(replace(tq, entity_years=tuple(pairs)), snap, towns=towns, report_years=report_years)
    if year is None and latest:
        if tq.relative == "去年" or (tq.kind == "actual" and tq.relative != "今年"):
            year = latest - 1
        else:
            year = latest
    if year is None:
        return Scope([], None, f"{where}{level}报告", "库中报告的年份不明")
    shift = 0 if tq.kind == "target" or tq.mode == "target_outcome" else 1
    if tq.entity_years:  # a year per issuer: each issuer's report of its year
        reports, year_of, absent = [], {}, []
        for entity, y in tq.entity_years:
            m = next((m for m in sorted(metas, key=lambda m: m.file) if m.entity == entity and m.year == y + shift),
                     None)
            if m is None:
                absent.append(f"{entity}（库中没有其{y + shift}年报告）")
            else:
                reports.append(m)
                year_of[m.doc_id] = y
        label = "、".join(f"{e}{y + shift}年" for e, y in tq.entity_years) + "报告"
        return Scope(reports, None, label, "" if reports else "库中没有所问年份的报告", year_of, absent)
    wanted = year + shift
    chosen = [m for m in metas if m.year == wanted]
    absent = [f"{e}（库中没有其{wanted}年报告）" for e in tq.entities if not any(m.entity == e for m in chosen)]
    if not chosen:
        have = sorted({m.year for m in metas if m.year})
        what = "目标" if tq.kind == "target" else "实际完成情况"
        return Scope([], year, f"{wanted}年{where}{level}报告",
                     f"库中没有{wanted}年的{where}{level}报告（{year}年的{what}见于{wanted}年的报告），"
                     f"现有年份：{'、'.join(f'{y}年' for y in have) or '无'}；不用其他年份的报告代替")
    # one report per issuer (a second copy of the same issuer's report: the one with more rows)
    by_entity: dict[str, DocMeta] = {}
    for m in sorted(chosen, key=lambda m: m.file):
        key = m.entity or m.doc_id
        if key not in by_entity:
            by_entity[key] = m
    return Scope(list(by_entity.values()), year, f"{wanted}年{where}{level}报告", absent=absent)


def best_row(rows: list[IndicatorRow]) -> IndicatorRow | None:
    """The headline figure among a report's rows for one indicator/year/kind: a figure in the
    statement of the main targets first; for outcomes an exact figure before a milestone
    ("突破3万亿元", "超9万亿元"); then the most confident; for targets of a total the whole rather
    than a part (the larger); then the first stated."""
    if not rows:
        return None

    def key(r: IndicatorRow):
        goal = any(w in r.passage for w in ("预期目标", "主要目标", "主要指标"))
        exact = r.kind != "actual" or r.qualifier in ("", "累计")
        whole = r.value if (r.kind == "target" and r.unit != "%") else 0.0
        return (goal, r.kind == "actual", exact, r.confidence, whole, -r.start)

    return max(rows, key=key)


@lru_cache(maxsize=1)
def _before_words() -> tuple[str, ...]:
    q = load_vocab()["qualifiers"]
    return tuple(sorted(list(q["before"]) + list(q["clause"]), key=len, reverse=True))


def value_text(r: IndicatorRow) -> str:
    """The figure as written, with a qualifier written before it kept as written ("超1400亿元",
    "不低于5.5%") or, when it stands further away ("力争…"), named in brackets."""
    text = r.raw
    if not r.qualifier or r.qualifier in text:
        return text
    ps = r.passage_start
    stmt = r.passage[r.start - ps:r.end - ps] if r.passage else ""
    if stmt.endswith(text):
        pre = stmt[:len(stmt) - len(text)].rstrip()
        for w in _before_words():
            if pre.endswith(w) or pre.endswith(w + "了") or pre.endswith(w + "到"):
                return w + text
    return f"{text}（{r.qualifier}）"


# ---------------------------------------------------------------------------- citations
class _Book:
    def __init__(self, metas: dict[str, DocMeta]):
        self.metas = metas
        self.citations: list[Citation] = []
        self._n: dict[tuple[str, int, int], int] = {}

    def cite(self, r: IndicatorRow) -> int:
        key = (r.doc_id, r.start, r.end)
        if key in self._n:
            return self._n[key]
        meta = self.metas.get(r.doc_id)
        n = len(self.citations) + 1
        ps = r.passage_start
        text = r.passage or r.raw
        quote = text[r.start - ps: r.end - ps] if r.passage else r.raw
        self.citations.append(Citation(
            n=n, doc_id=r.doc_id, file=r.file, title=meta.title if meta else "", town=r.entity,
            year=int(r.report_year or 0), section=section_of(meta, r.start) if meta else "", text=text, start=ps,
            end=ps + len(text), span_start=r.start, span_end=r.end, quote=quote))
        self._n[key] = n
        return n


def _finish(question: str, lines: list[str], book: _Book, t0: float, notices: list[str] | None = None,
            refused: bool = False, comparison: list[ComparisonRow] | None = None) -> Answer:
    """Check every cited claim against its statement (numbers must be in it), as for any answer."""
    text = "\n".join(lines)
    passages = {c.n: Passage(chunk_id=f"cite{c.n}", doc_id=c.doc_id, file=c.file, title=c.title, town=c.town,
                             region="", year=c.year, section=c.section, text=c.text or c.quote, start=c.start,
                             end=c.end, chunk_index=0) for c in book.citations}
    checked, report = validate_answer(text, passages, check_unmarked=False)
    notices = list(notices or [])
    if report.dropped:
        notices.append(f"有 {len(report.dropped)} 句因引用无法核实被删除。")
    comparison = list(comparison or [])
    checked, cites = renumber(checked, book.citations, also=comparison)
    return Answer(question=question, answer=checked, refused=refused, citations=cites, backend="table",
                  comparison=comparison,
                  timings_ms={"table": (time.perf_counter() - t0) * 1000,
                              "total": (time.perf_counter() - t0) * 1000},
                  standalone_question=question, notices=notices, validation=report.to_dict())


def _refusal(question: str, text: str, t0: float) -> Answer:
    return Answer(question=question, answer=text, refused=True, citations=[], backend="table",
                  timings_ms={"table": (time.perf_counter() - t0) * 1000}, standalone_question=question)


# ---------------------------------------------------------------------------- across many reports
def _kind_words(tq: TableQuestion) -> str:
    return "目标" if tq.kind == "target" else "（实际）"


def _coverage(scope: Scope, have: dict[str, IndicatorRow]) -> str:
    missing = [m.entity or m.display_entity for m in scope.reports if m.doc_id not in have]
    line = f"覆盖：{len(scope.reports)}份{scope.label}中{len(scope.reports) - len(missing)}份给出此指标"
    line += f"；未给出：{'、'.join(missing)}" if missing else ""
    line += f"；另有{'、'.join(scope.absent)}" if scope.absent else ""
    return line + "。"


def collect(tq: TableQuestion, snap: Snapshot, scope: Scope) -> dict[str, IndicatorRow]:
    """doc_id -> the headline row of each report in scope (targets only, or outcomes only)."""
    ids = {m.doc_id for m in scope.reports}
    kinds = ("target",) if tq.kind == "target" else ("actual", "expected")
    years = {scope.year_for(d) for d in ids}
    rows = snap.query(indicators=[tq.indicator], years=years, kinds=kinds, doc_ids=ids)
    by_doc: dict[str, list[IndicatorRow]] = {}
    for r in rows:
        if r.year == scope.year_for(r.doc_id):
            by_doc.setdefault(r.doc_id, []).append(r)
    out = {}
    for d, rs in by_doc.items():
        actual = [r for r in rs if r.kind == kinds[0]]
        out[d] = best_row(actual or rs)
    return out


def _line(r: IndicatorRow, book: _Book) -> str:
    tag = "（预计）" if r.kind == "expected" else ""
    return f"{r.entity}：{value_text(r)}{tag}[{book.cite(r)}]"


def answer_many(question: str, tq: TableQuestion, snap: Snapshot, *, towns=(), report_years=(),
                t0: float | None = None) -> Answer:
    t0 = t0 or time.perf_counter()
    scope = resolve_scope(tq, snap, towns=towns, report_years=report_years)
    what = f"{tq.indicator}{_kind_words(tq)}"
    if not scope.reports:
        return _refusal(question, f"报告中未提及：{scope.note}。", t0)
    have = collect(tq, snap, scope)
    book = _Book(snap.metas)
    head = f"{scope.year}年{what}" if scope.year else what
    if not have:
        return _refusal(question, f"报告中未提及：{len(scope.reports)}份{scope.label}都没有给出{head}。", t0)
    rows = list(have.values())
    desc = tq.descending if tq.mode == "rank" else True
    if desc:
        rows.sort(key=lambda r: (-r.sort_high, -r.value, r.entity))
    else:
        rows.sort(key=lambda r: (r.value, r.sort_high, r.entity))
    lines: list[str] = []
    comparison: list[ComparisonRow] = []
    ranged = any(r.value_high is not None for r in rows)
    named = len(tq.entities) >= 2 and not tq.levels  # "杜桥镇和道滘镇的…各是多少": one row per issuer named
    if tq.mode == "rank":
        best = rows[0]
        top = [r for r in rows if (r.sort_high, r.value) == (best.sort_high, best.value)] if desc else \
            [r for r in rows if (r.value, r.sort_high) == (best.value, best.sort_high)]
        word = "最高" if desc else "最低"
        lines.append(f"按{scope.label}，{head}{word}的是：")
        lines.append("、".join(f"{r.entity}（{value_text(r)}{'，预计' if r.kind == 'expected' else ''}）[{book.cite(r)}]"
                              for r in top) + "。")
        if not named:
            lines.append(f"各报告的数值（从{'高到低' if desc else '低到高'}）：")
            lines.extend(_line(r, book) for r in rows)
        if ranged:
            lines.append("区间按" + ("上限、再按下限" if desc else "下限、再按上限") + "排序。")
    elif tq.mode == "filter":
        th = tq.threshold
        yes = [r for r in rows if th.holds(r)]
        no = [r for r in rows if not th.holds(r)]
        lines.append(f"按{scope.label}，{head}{th.label}{_threshold_text(th, tq.indicator)}的有{len(yes)}个：")
        lines.extend(_line(r, book) for r in yes)
        if no:
            lines.append(f"不符合的{len(no)}个：")
            lines.extend(_line(r, book) for r in no)
        if ranged:
            lines.append("区间值须整个区间满足条件才计入。")
    elif not named:
        lines.append(f"按{scope.label}，各地{head}（从高到低）：")
        lines.extend(_line(r, book) for r in rows)
    siblings = {other: collect(replace(tq, indicator=other), snap, scope) for other in tq.siblings}
    if named:
        by_entity = {m.entity: m for m in scope.reports}
        for entity in tq.entities:
            m = by_entity.get(entity)
            year = scope.year_for(m.doc_id) if m else None
            parts, ns = [], []
            for name, got in [(tq.indicator, have), *siblings.items()]:
                r = got.get(m.doc_id) if m else None
                if r is not None:
                    n = book.cite(r)
                    ns.append(n)
                    tag = "（预计）" if r.kind == "expected" else ""
                    parts.append(f"{'' if name == tq.indicator else name}{value_text(r)}{tag}[{n}]")
            if m is None:
                cell = f"报告中未提及（库中没有{entity}的相应年份报告）"
            elif not parts:
                cell = f"报告中未提及（{entity}{m.year}年报告没有给出{year}年{what}）"
            else:
                cell = "；".join(parts)
            lines.append(f"【{entity}】{f'{year}年' if year else ''}{what}：{cell}")
            comparison.append(ComparisonRow(entity, cell if parts else NOT_FOUND, ns))
    lines.append(_coverage(scope, have))
    for other, more in siblings.items():  # the phrase's other indicator, asked too ("GDP各是多少？哪个增长更快？")
        if more and not named:
            lines.append(f"另：{other}{_kind_words(tq)}：")
            lines.extend(_line(r, book) for r in sorted(more.values(), key=lambda r: (-r.sort_high, r.entity)))
    if tq.kind == "target":
        lines.append("只比较各报告提出的目标值，不与实际完成值混排。")
    elif any(r.kind == "expected" for r in rows):
        lines.append("标“预计”的为报告中的预计数，其余为实际完成数；均不与目标值混排。")
    else:
        lines.append("均为报告中的实际完成数，不与目标值混排。")
    return _finish(question, lines, book, t0, comparison=comparison)


def _threshold_text(th: Threshold, indicator: str) -> str:
    unit = load_vocab()["indicators"].get(indicator, {}).get("unit", "")
    return f"{th.value:g}{unit}"


# ---------------------------------------------------------------------------- target vs outcome
@dataclass
class TargetOutcome:
    entity: str
    indicator: str
    year: int
    target: IndicatorRow | None
    outcome: IndicatorRow | None
    target_report: DocMeta | None
    outcome_report: DocMeta | None
    status: str  # met | not met | not stated
    note: str = ""
    extra: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return {"met": "达到目标", "not met": "未达到目标", "not stated": "无法判断"}.get(self.status, self.status)


def judge(indicator: str, target: IndicatorRow, outcome: IndicatorRow) -> tuple[str, str]:
    """(status, explanation) of an outcome against a target of the same indicator and unit."""
    if target.unit != outcome.unit:
        return "not stated", f"目标单位（{target.unit}）与实际单位（{outcome.unit}）不同，无法比较"
    ceiling = indicator in CEILING or target.qualifier in ("以内", "以下", "之内")
    actual = outcome.value
    if ceiling:
        limit = target.sort_high
        ok = actual <= limit + 1e-9
        rule = f"目标为上限（{value_text(target)}），实际{'未超过' if ok else '超过'}上限"
    else:
        floor = target.value
        ok = actual >= floor - 1e-9
        gap = floor - actual
        rule = f"实际{'达到或超过' if ok else '低于'}目标{'下限' if target.value_high is not None else ''}"
        if not ok and target.qualifier == "左右":
            unit = "个百分点" if target.unit == "%" else target.unit
            rule += f"，目标为“左右”，差{gap:.10g}{unit}"
    return ("met" if ok else "not met"), rule


def target_vs_outcome(snap: Snapshot, entity: str, indicator: str, year: int) -> TargetOutcome:
    """The issuer's target for ``year`` (from its report of that year) beside its outcome for
    ``year`` (from its report of the next year, else any later report that states it)."""
    reports = [m for m in snap.metas.values() if m.entity == entity]
    target_report = next((m for m in sorted(reports, key=lambda m: m.file) if m.year == year), None)
    outcome_report = next((m for m in sorted(reports, key=lambda m: m.file) if m.year == year + 1), None)
    target = outcome = None
    if target_report is not None:
        target = best_row(snap.query(indicators=[indicator], years=[year], kinds=["target"],
                                     doc_ids=[target_report.doc_id]))
    if outcome_report is not None:
        rows = snap.query(indicators=[indicator], years=[year], kinds=["actual"], doc_ids=[outcome_report.doc_id])
        outcome = best_row(rows or snap.query(indicators=[indicator], years=[year], kinds=["expected"],
                                              doc_ids=[outcome_report.doc_id]))
    if outcome is None:  # a later report (a five-year review) may state the year's outcome
        later = [m.doc_id for m in reports if m.year and m.year > year + 1]
        if later:
            outcome = best_row(snap.query(indicators=[indicator], years=[year], kinds=["actual"], doc_ids=later))
            if outcome is not None:
                outcome_report = snap.metas.get(outcome.doc_id)
    notes = []
    if target_report is None:
        notes.append(f"库中没有{entity}{year}年的报告（{year}年的目标见于该报告）")
    elif target is None:
        notes.append(f"{entity}{year}年报告没有给出{year}年{indicator}的目标")
    if outcome_report is None:
        notes.append(f"库中没有{entity}{year + 1}年的报告（{year}年的实际完成情况见于该报告）")
    elif outcome is None:
        notes.append(f"{entity}{year + 1}年报告没有给出{year}年{indicator}的实际数值")
    if target is not None and outcome is not None:
        status, rule = judge(indicator, target, outcome)
        notes.append(rule)
    else:
        status = "not stated"
    return TargetOutcome(entity, indicator, year, target, outcome, target_report, outcome_report, status,
                         "；".join(notes))


def targets_vs_outcomes(snap: Snapshot, *, entities: Iterable[str] | None = None,
                        indicators: Iterable[str] | None = None, years: Iterable[int] | None = None
                        ) -> list[TargetOutcome]:
    """Every (issuer, indicator, year) with a target in the table, each beside its outcome."""
    targets = snap.query(entities=entities, indicators=indicators, years=years, kinds=["target"])
    seen = {}
    for r in targets:
        if r.year is not None and r.report_year == r.year:
            seen.setdefault((r.entity, r.indicator, r.year), None)
    return [target_vs_outcome(snap, e, i, y) for e, i, y in sorted(seen, key=lambda k: (k[0], k[1], k[2]))]


def answer_target_outcome(question: str, tq: TableQuestion, snap: Snapshot, *, towns=(),
                          t0: float | None = None) -> Answer:
    t0 = t0 or time.perf_counter()
    entities = list(tq.entities) or [t for t in towns]
    if len(entities) != 1:
        return answer_targets_many(question, tq, snap, towns=towns, t0=t0)
    entity = entities[0]
    year = tq.year
    if year is None:  # the latest year with a target stated in the issuer's report of that year
        have = [r.year for r in snap.query(entities=[entity], indicators=[tq.indicator], kinds=["target"])
                if r.year is not None and r.report_year == r.year]
        if not have:
            return _refusal(question, f"报告中未提及：库中{entity}的报告没有给出{tq.indicator}的年度目标。", t0)
        year = max(have)
    book = _Book(snap.metas)
    lines: list[str] = []
    results = [target_vs_outcome(snap, entity, tq.indicator, year)]
    for other in tq.siblings:  # "GDP目标": the total and the growth, when the question did not choose
        extra = target_vs_outcome(snap, entity, other, year)
        if extra.target is not None or extra.outcome is not None:
            results.append(extra)
    if all(x.target is None and x.outcome is None for x in results):
        return _refusal(question, f"报告中未提及：{results[0].note}。", t0)
    for to in results:
        if to.target is None and to.outcome is None:
            continue
        lines.append(f"{entity}{year}年{to.indicator}：")
        if to.target is not None:
            lines.append(f"目标：{value_text(to.target)}[{book.cite(to.target)}]（{to.target_report.year}年报告："
                         f"“{_sentence(to.target)}”）。")
        else:
            lines.append("目标：未找到。")
        if to.outcome is not None:
            tag = "预计" if to.outcome.kind == "expected" else "实际"
            rep = snap.metas.get(to.outcome.doc_id)
            lines.append(f"{tag}：{value_text(to.outcome)}[{book.cite(to.outcome)}]（{rep.year if rep else ''}年报告："
                         f"“{_sentence(to.outcome)}”）。")
        else:
            lines.append("实际：未找到。")
        if to.target is not None and to.outcome is not None:
            lines.append(f"结论：{to.status_label}（{to.note}）。")
        else:
            lines.append(f"结论：无法判断是否完成——{to.note}。")
    return _finish(question, lines, book, t0)


def _sentence(r: IndicatorRow, limit: int = 60) -> str:
    """The cited sentence; when long, the clauses around the statement (cut at commas, never
    inside a figure)."""
    text = (r.passage or r.raw).strip().rstrip("。；;")
    if len(text) <= limit:
        return text
    ps = r.passage_start
    s0, s1 = max(0, r.start - ps), min(len(text), r.end - ps)
    a = max((text.rfind(c, 0, s0) for c in "，,：:"), default=-1) + 1
    b = min((i for i in (text.find(c, s1) for c in "，,；;") if i >= 0), default=len(text))
    return ("…" if a > 0 else "") + text[a:b] + ("…" if b < len(text) else "")


def answer_targets_many(question: str, tq: TableQuestion, snap: Snapshot, *, towns=(), report_years=(),
                        t0: float | None = None) -> Answer:
    """"哪些省完成了2024年GDP增长目标？": each issuer in scope, its target beside its outcome."""
    t0 = t0 or time.perf_counter()
    scope = resolve_scope(tq, snap, towns=towns, report_years=report_years)
    if not scope.reports:
        return _refusal(question, f"报告中未提及：{scope.note}。", t0)
    book = _Book(snap.metas)
    results = [target_vs_outcome(snap, m.entity or m.display_entity, tq.indicator, scope.year) for m in scope.reports]
    met = [x for x in results if x.status == "met"]
    not_met = [x for x in results if x.status == "not met"]
    unknown = [x for x in results if x.status == "not stated"]
    lines = [f"{scope.label}的{scope.year}年{tq.indicator}目标与实际（实际见次年报告）："]
    for title, group in (("达到目标", met), ("未达到目标", not_met)):
        if group:
            lines.append(f"{title}的{len(group)}个：")
            for x in group:
                lines.append(f"{x.entity}：目标{value_text(x.target)}[{book.cite(x.target)}]，"
                             f"实际{value_text(x.outcome)}[{book.cite(x.outcome)}]")
    if unknown:
        lines.append(f"无法判断的{len(unknown)}个：" + "；".join(f"{x.entity}（{x.note}）" for x in unknown) + "。")
    if not met and not not_met:
        return _refusal(question, "报告中未提及：" + "\n".join(lines[1:]), t0)
    lines.append("目标与实际分别取自当年与次年的报告，只在同一地区、同一指标、同一年份之间比较。")
    return _finish(question, lines, book, t0)


# ---------------------------------------------------------------------------- entry point
def answer_question(question: str, snap: Snapshot, *, towns=(), years=(), t0: float | None = None) -> Answer | None:
    """The table's answer to a question (None: not a question for the table)."""
    t0 = t0 or time.perf_counter()
    tq = detect(question, list(snap.metas.values()))
    if tq is None:
        return None
    q = (question or "").strip()
    if tq.mode == "target_outcome":
        if len(tq.entities) == 1:
            return answer_target_outcome(q, tq, snap, towns=towns, t0=t0)
        return answer_targets_many(q, tq, snap, towns=towns, report_years=years, t0=t0)
    return answer_many(q, tq, snap, towns=towns, report_years=years, t0=t0)


def answer_from_table(question: str, store, *, towns=(), years=()) -> Answer | None:
    """The chat's hook: an :class:`Answer` from the indicator table when the question asks for a
    ranking, filter or set across reports, or a target beside its outcome; else None."""
    t0 = time.perf_counter()
    if detect(question, store.list_docs()) is None:  # cheap: the table is not read for other questions
        return None
    return answer_question(question, table_for(store).snapshot(), towns=towns, years=years, t0=t0)
