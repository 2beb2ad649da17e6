"""Evidence gatherers: how the passages for each side of a question are found (QAService's strategy)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Callable, Protocol

from rag.config import RetrievalSettings
from rag.embed import GovEmbedding
from rag.query_plan import QueryPlan, Side
from rag.retrieve import retrieve
from rag.sentence_scoring import asked_part
from rag.store import ReportStore
from rag.text.cues import REPORT_REF
from rag.text.numbers import cn_to_number
from rag.text.places import mentions, strip_suffix
from rag.types import DocMeta, Passage

Evidence = list[tuple[Side, list[Passage]]]


class Gatherer(Protocol):
    def gather(self, plan: QueryPlan, *, k: int, config: RetrievalSettings) -> Evidence:
        """The passages for each side of ``plan`` (at most ``k`` per side)."""
        ...


class IndexGatherer:
    """The default: search the index (``config.mode``) once per side, within that side's reports."""

    def __init__(self, store: ReportStore, embedder: GovEmbedding):
        self.store = store
        self.embedder = embedder

    def gather(self, plan: QueryPlan, *, k: int, config: RetrievalSettings) -> Evidence:
        """One retrieval per side, so each gets its own passages — or, for a question over many
        reports ("哪个镇…最高"), one retrieval over all, grouped by report."""
        most = config.max_separate_sides  # above it, one pooled retrieval for all sides
        if plan.comparison and len(plan.sides) > most:
            pool = set().union(*(s.doc_ids for s in plan.sides))
            result = retrieve(plan.topic or plan.standalone, store=self.store, embedder=self.embedder,
                              k=min(4 * most, 40), doc_ids=pool, config=config)
            by_doc: dict[str, list[Passage]] = {}
            for p in result.passages:
                by_doc.setdefault(p.doc_id, []).append(p)
            return [(side, [p for d in side.doc_ids for p in by_doc.get(d, [])][:k]) for side in plan.sides]
        evidence = []
        for side in plan.sides:
            if side.missing:  # no report for this side: nothing to retrieve, never another report's text
                evidence.append((side, []))
                continue
            ids = side.doc_ids if side.doc_ids else plan.doc_ids
            text = plan.standalone if not plan.comparison else f"{side.label} {plan.topic}"
            if not ids:
                words = None
            elif not plan.comparison:
                words = _search_words(plan)
            else:  # a side named by its issuer is matched on the topic; a year's side keeps its year
                words = plan.topic if side.label in plan.towns else None
            result = retrieve(text, store=self.store, embedder=self.embedder, k=k, doc_ids=ids, config=config,
                              words=words, prefer=self._in_part_asked(plan, side, ids))
            evidence.append((side, result.passages))
        return evidence

    def _in_part_asked(self, plan: QueryPlan, side: Side, ids) -> Callable[[Passage], bool] | None:
        """A figure of the year a report reviews is in its review part, of the year it plans in
        its plan part (rag.sentence_scoring.asked_part): passages of that part come first (``ids``:
        the reports searched, None for all)."""
        if side.years or side.intent:
            plan = replace(plan, years=side.years or plan.years, intent=side.intent or plan.intent)
        parts = {}
        for meta in self.store.list_docs():
            if ids is not None and meta.doc_id not in ids:
                continue
            part = asked_part(plan, meta) if meta.plan_start is not None else None
            if part in ("review", "plan"):
                parts[meta.doc_id] = (part, meta.plan_start)
        if not parts:
            return None

        def prefer(p: Passage) -> bool:
            part, start = parts.get(p.doc_id, (None, 0))
            return part is None or (p.start < start if part == "review" else p.end > start)

        return prefer


def _search_words(plan: QueryPlan) -> str:
    """The question's words as matched within the reports it is asked of: the words naming that
    report ("龙岗区2023年政府工作报告里，") are what all its passages are about, not what is asked,
    so they are left out (a comparison's side is matched on the topic alone, for the same reason)."""
    text = REPORT_REF.sub(" ", plan.standalone)
    for town in sorted(plan.towns, key=len, reverse=True):
        for name in (town, strip_suffix(town)):
            if len(name) >= 2:
                text = text.replace(name, " ")
    return text.strip() or plan.standalone


def naming_the_place_inside(plan: QueryPlan, evidence: Evidence) -> Evidence:
    """A place asked about inside another issuer's report (``plan.within``): only passages naming
    it are evidence — for every backend — so the source's own figure is never taken for the place's."""
    if not plan.within:
        return evidence
    return [(side, [p for p in passages if mentions(plan.within, p.text)]) for side, passages in evidence]


def of_the_years_asked(plan: QueryPlan, evidence: Evidence, metas: dict[str, DocMeta],
                       doc_text: Callable[[str], str | None]) -> Evidence:
    """A document with no year of its own as a report (a news item, a notice) speaks of the years
    its text names: when the question names years and its text names none of them, its passages
    are not evidence — for every backend — so a figure of another year is never taken for the year
    asked ("比亚迪2022年营业收入" against a story of its 2023 results). An item that never says its
    year cannot show it is of the year asked, and a refusal is better than another year's figure.
    (Keeping the items whose headline names no year was measured on the news dev set: tune +1,
    check −1; not kept.)"""
    if not plan.years:
        return evidence
    asked = re.compile("|".join(rf"(?<!\d){y}(?!\d)" for y in plan.years))

    undated = {p.doc_id for _, passages in evidence for p in passages
               if p.doc_id in metas and not metas[p.doc_id].is_report}
    elsewhere = {d for d in undated if not asked.search(doc_text(d) or "")}  # each document read once
    return [(side, [p for p in passages if p.doc_id not in elsewhere]) for side, passages in evidence]


# an edition of an event: "第二届", "第19届", "首届"
_EDITION = re.compile(r"(首|第[一二三四五六七八九十百零〇\d]+)(届|次会议)")


def of_the_edition_asked(question: str, evidence: Evidence, metas: dict[str, DocMeta],
                         doc_text: Callable[[str], str | None]) -> Evidence:
    """A question about one edition of an event ("第二届进博会") is not answered by a document that
    is no report telling of other editions only ("首届进博会圆满落幕"): its figures are another
    edition's, as another year's would be. A document naming no edition at all is kept."""
    asked = {_edition_number(m) for m in _EDITION.finditer(question)}
    if not asked:
        return evidence
    items = {p.doc_id for _, passages in evidence for p in passages
             if p.doc_id in metas and not metas[p.doc_id].is_report}
    other = set()
    for d in items:
        told = {_edition_number(m) for m in _EDITION.finditer((metas[d].title or "") + "\n" + (doc_text(d) or ""))}
        if told and not told & asked:
            other.add(d)
    return [(side, [p for p in passages if p.doc_id not in other]) for side, passages in evidence]


def _edition_number(m: re.Match) -> tuple[int | None, str]:
    """An edition as (its number, what it numbers): "首届" and "第一届" are one edition."""
    word = m.group(1)
    n = 1 if word == "首" else (int(word[1:]) if word[1:].isdigit() else cn_to_number(word[1:]))
    return (int(n) if n is not None else None, m.group(2))
