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
through the vocabulary (:func:`rag.text.indicators_vocab.resolve_indicator`: everyday words such as
"GDP增速", "财政收入"), its kind (目标/预期/计划 → target, otherwise the outcome of the year asked),
the year, and which reports are in scope (a level word such as 省/市/区, places named, or the
UI's filters). :func:`answer_from_table` is the single entry point the chat calls; it returns None
for any other question.

The steps live beside this module: table_question (what a question asks), table_scope (the reports it covers and
their headline rows), table_targets (a target beside its outcome) and table_cite (citations, the checked Answer).
"""

from __future__ import annotations

import time
from dataclasses import replace

from rag.indicators_table import IndicatorRow, Snapshot, table_for
from rag.table_cite import _Book, _finish, _refusal, _sentence, value_text
from rag.table_question import TableQuestion, Threshold, detect
from rag.table_scope import Scope, collect, resolve_scope
from rag.table_targets import target_vs_outcome
from rag.text.cues import NOT_FOUND
from rag.text.indicators_vocab import load_vocab
from rag.types import Answer, ComparisonRow


# ---------------------------------------------------------------------------- across many reports
def _kind_words(tq: TableQuestion) -> str:
    return "目标" if tq.kind == "target" else "（实际）"


def _coverage(scope: Scope, have: dict[str, IndicatorRow]) -> str:
    missing = [m.entity or m.display_entity for m in scope.reports if m.doc_id not in have]
    line = f"覆盖：{len(scope.reports)}份{scope.label}中{len(scope.reports) - len(missing)}份给出此指标"
    line += f"；未给出：{'、'.join(missing)}" if missing else ""
    line += f"；另有{'、'.join(scope.absent)}" if scope.absent else ""
    return line + "。"


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
        lines.extend(_rank_lines(rows, desc, scope, head, book, named, ranged))
    elif tq.mode == "filter":
        lines.extend(_filter_lines(rows, tq, scope, head, book, ranged))
    elif not named:
        lines.append(f"按{scope.label}，各地{head}（从高到低）：")
        lines.extend(_line(r, book) for r in rows)
    siblings = {other: collect(replace(tq, indicator=other), snap, scope) for other in tq.siblings}
    if named:
        lines.extend(_named_lines(tq, scope, have, siblings, book, what, comparison))
    lines.append(_coverage(scope, have))
    for other, more in siblings.items():  # the phrase's other indicator, asked too ("GDP各是多少？哪个增长更快？")
        if more and not named:
            lines.append(f"另：{other}{_kind_words(tq)}：")
            lines.extend(_line(r, book) for r in sorted(more.values(), key=lambda r: (-r.sort_high, r.entity)))
    lines.append(_kind_note(tq, rows))
    return _finish(question, lines, book, t0, comparison=comparison)


def _rank_lines(rows: list[IndicatorRow], desc: bool, scope: Scope, head: str, book: _Book, named: bool,
                ranged: bool) -> list[str]:
    """A ranking: the top report(s), then (unless issuers were named) every report in order."""
    lines: list[str] = []
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
    return lines


def _filter_lines(rows: list[IndicatorRow], tq: TableQuestion, scope: Scope, head: str, book: _Book,
                  ranged: bool) -> list[str]:
    """A filter: the reports whose figure meets the threshold, then those whose figure does not."""
    lines: list[str] = []
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
    return lines


def _named_lines(tq: TableQuestion, scope: Scope, have: dict[str, IndicatorRow],
                 siblings: dict[str, dict[str, IndicatorRow]], book: _Book, what: str,
                 comparison: list[ComparisonRow]) -> list[str]:
    """Issuers named: one line per issuer (its figure and the phrase's other indicators), each also a row of
    `comparison`."""
    lines: list[str] = []
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
                parts.append(f"{'' if name == tq.indicator else name}{value_text(r)}{tag}[{n}]"
                             f"（“{_sentence(r)}”）")
        if m is None:
            cell = f"报告中未提及（库中没有{entity}的相应年份报告）"
        elif not parts:
            cell = f"报告中未提及（{entity}{m.year}年报告没有给出{year}年{what}）"
        else:
            cell = "；".join(parts)
        lines.append(f"【{entity}】{f'{year}年' if year else ''}{what}：{cell}")
        comparison.append(ComparisonRow(entity, cell if parts else NOT_FOUND, ns))
    return lines


def _kind_note(tq: TableQuestion, rows: list[IndicatorRow]) -> str:
    """What kind of figures were compared (never targets with outcomes)."""
    if tq.kind == "target":
        return "只比较各报告提出的目标值，不与实际完成值混排。"
    if any(r.kind == "expected" for r in rows):
        return "标“预计”的为报告中的预计数，其余为实际完成数；均不与目标值混排。"
    return "均为报告中的实际完成数，不与目标值混排。"


def _threshold_text(th: Threshold, indicator: str) -> str:
    unit = load_vocab()["indicators"].get(indicator, {}).get("unit", "")
    return f"{th.value:g}{unit}"


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
