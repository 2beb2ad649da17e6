"""Answer synthesis with citations. The offline default backend is extractive (no model).

The extractive answerer scores the sentences of the retrieved passages against the question
(coverage of its content words, weighted by rarity; a figure when a figure is asked; plan vs
achievement; the year asked), answers with the best sentence(s) trimmed to the clauses that
matter, cites each one, and refuses ("报告中未提及…") when the fitted answer gate
(rag.answer_gate: coverage, the figure's clause, embedding similarity) says the best sentence does
not answer.
A comparison answers one line per side, each cited, "报告中未提及" for a silent side.

This module is the recipe; the steps live in rag.key_terms, rag.sentence_scoring,
rag.sentence_choice, rag.answer_lists, rag.draft and rag.report_answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable

from rag.answer_gate import gate_features
from rag.answer_groups import group_answer
from rag.answer_weights import AnswerPolicy
from rag.draft import CitationBook, Draft, masked_refusal, render_quotes
from rag.key_terms import KeyTerm, key_terms, term_matches
from rag.query_plan import QueryPlan, Side
from rag.question_asks import question_parts
from rag.report_answers import report_fact_answer, structure_answer, targets_answer
from rag.report_problems import problems_answer, problems_cell
from rag.sentence_choice import asks_figure, choose_sentences, figure_coverage, figures_of_kind_asked
from rag.sentence_scoring import Sentence, absent_share, score_sentences
from rag.bm25_index import BM25Index
from rag.text import places
from rag.text.cues import NOT_FOUND
from rag.text.numbers import find_quantities, has_masked_number
from rag.text.tokens import char_pairs, to_simplified
from rag.types import ComparisonRow, DocMeta, Passage

Similarity = Callable[[str, list[str]], list[float]]  # (question, texts) -> cosine of each text


def extractive_answer(
    plan: QueryPlan,
    evidence: list[tuple[Side, list[Passage]]],
    *,
    index: BM25Index,
    metas: dict[str, DocMeta],
    policy: AnswerPolicy | None = None,
    doc_text=None,
    similarity: Similarity | None = None,
) -> Draft:
    """``doc_text(doc_id) -> str`` lets a list run past the retrieved chunk (optional);
    ``similarity(question, texts)`` (the embedding model's cosine) lets the fitted answer gate
    decide whether the best sentence answers (without it, the coverage threshold decides)."""
    policy = policy or AnswerPolicy.fitted()
    book = CitationBook()
    terms = key_terms(plan, index)
    if plan.unknown_places:
        return _unknown_places_refusal(plan, metas)
    if plan.about_report and doc_text is not None:
        draft = report_fact_answer(plan, metas, doc_text, book)
        if draft is not None:
            return draft
    if not plan.comparison:
        draft = (group_answer(plan, evidence, metas, doc_text, book)
                 or problems_answer(plan, evidence, metas, doc_text, book)
                 or targets_answer(plan, evidence, metas, doc_text, book)
                 or structure_answer(plan, evidence, metas, doc_text, book))
        if draft is not None:
            return draft
    if not terms:
        return Draft("请具体说明想了解的内容，例如“某镇去年的工业产值是多少？”", True, [])
    if plan.comparison and len(evidence) >= 2:
        return _comparison_answer(plan, evidence, terms, metas, policy, book, index, similarity, doc_text)
    return _single_answer(plan, evidence, terms, metas, policy, book, doc_text, index, similarity)


def _unknown_places_refusal(plan: QueryPlan, metas: dict[str, DocMeta]) -> Draft:
    """A place no report is about: say so and list what the library has (never substitute)."""
    names = "、".join(plan.unknown_places)
    known = sorted({m.entity for m in metas.values() if m.entity})
    anon = sum(1 for m in metas.values() if not m.entity)
    shown = "、".join(known[:30]) + (f" 等 {len(known)} 个地区/单位" if len(known) > 30 else "")
    have = shown + (f" 及 {anon} 份未署名的报告" if anon else "")
    return Draft(f"{NOT_FOUND}{names}：已导入的报告中没有{names}的报告，不能用其他地区的数字代替（现有：{have}）。",
                 True, [])


def _comparison_answer(plan: QueryPlan, evidence: list[tuple[Side, list[Passage]]], terms: list[KeyTerm],
                       metas: dict[str, DocMeta], policy: AnswerPolicy, book: CitationBook,
                       index: BM25Index | None = None, similarity: Similarity | None = None,
                       doc_text=None) -> Draft:
    """One line per side, each cited; "报告中未提及" for a silent side."""
    rows: list[ComparisonRow] = []
    lines = []
    picks = [None if side.missing else _side_pick(plan, side, passages, terms, metas, policy, index, similarity)
             for side, passages in evidence]
    if len(picks) <= 6:
        picks = _in_parallel(plan, picks, terms, policy, metas)
    for (side, passages), pick in zip(evidence, picks):
        cell = problems_cell(plan, side, passages, metas, doc_text, book) if not side.missing else None
        if cell is not None:  # the problems each report admits: its own admission passage
            rows.append(ComparisonRow(_side_label(side, metas, None), *cell))
        else:
            rows.append(_comparison_row(plan, side, pick, terms, metas, book))
        lines.append(f"【{rows[-1].side}】{rows[-1].answer}")
    # every side silent (a side without its report says which report is missing: kept)
    refused = all(r.answer.startswith(NOT_FOUND) and not r.citations for r in rows)
    if len(rows) > 6 and not refused:
        # a question over many reports lists those that answer, and counts the silent ones
        silent = sum(r.answer == NOT_FOUND for r in rows)
        keep = [i for i, r in enumerate(rows) if r.answer != NOT_FOUND]
        rows, lines = [rows[i] for i in keep], [lines[i] for i in keep]
        if silent:
            lines.append(f"（另有 {silent} 份报告未提及）")
    if refused and any(r.answer != NOT_FOUND for r in rows):
        return Draft("\n".join(lines), True, [], rows)
    if refused:
        return Draft(f"{NOT_FOUND}：各份报告都没有关于“{plan.topic}”的内容。", True, [], rows)
    return Draft("\n".join(lines), False, book.citations, rows)


def _scored(plan: QueryPlan, passages: list[Passage], terms: list[KeyTerm], metas: dict[str, DocMeta],
            policy: AnswerPolicy, index: BM25Index | None, doc_text=None) -> list[Sentence]:
    """The passages' sentences scored under the policy (a word a report never uses counts less)."""
    return score_sentences(plan, passages, terms, metas, doc_text, vocab=index.doc_vocabulary() if index else None,
                           absent_weight=policy.absent_term_weight)


@dataclass
class _SidePick:
    plan: QueryPlan  # the side's own plan (its year, target or outcome)
    scored: list[Sentence]
    accept: Callable[[Sentence], bool] | None
    picked: list[Sentence]


def _side_pick(plan: QueryPlan, side: Side, passages: list[Passage], terms: list[KeyTerm],
               metas: dict[str, DocMeta], policy: AnswerPolicy, index: BM25Index | None = None,
               similarity: Similarity | None = None) -> _SidePick:
    """One side's scored sentences and its best, on its own."""
    side_plan = plan
    if side.years or side.intent:  # a year's side asks for that year (and a target or an outcome)
        side_plan = replace(plan, years=side.years or plan.years, intent=side.intent or plan.intent,
                            explicit_intent=side.intent or plan.explicit_intent)
    scored = _scored(side_plan, passages, terms, metas, policy, index)
    accept = _gate(side_plan, terms, policy, index, similarity, {})
    return _SidePick(side_plan, scored, accept, _choose_for_side(side_plan, scored, terms, policy, accept, metas))


def _choose_for_side(plan, scored, terms, policy, accept, metas) -> list[Sentence]:
    return choose_sentences(plan, scored, terms, replace(policy, list_items=2, fact_sentences=1), accept,
                            _levels(metas), _not_reports(metas))


def _in_parallel(plan: QueryPlan, picks: list[_SidePick | None], terms: list[KeyTerm], policy: AnswerPolicy,
                 metas: dict[str, DocMeta]) -> list[_SidePick | None]:
    """Reports answering one comparison say it in like words ("打造制盖特色小镇" beside "加快时尚
    眼镜特色小镇建设"): a side's sentence sharing the other sides' chosen words beyond the question's
    gains ``policy.parallel_weight`` (fitted on tune) times the share of such words it shares."""
    weight, unit_weight = policy.parallel_weight, policy.parallel_unit_weight if plan.wants_number else 0.0
    if weight <= 0 and unit_weight <= 0:
        return picks
    asked = char_pairs(plan.standalone or plan.question)
    # a target beside its outcome: only the clause stating the target is shared ("主要预期目标是：财政总收入
    # 增长8%，其中一般公共预算收入增长7%" — the outcome is the 财政总收入 one)
    target_and_outcome = len({p.plan.explicit_intent for p in picks if p}) > 1
    chosen = [char_pairs(_answering_clause(p.picked[0].text, asked) if target_and_outcome else p.picked[0].text) - asked
              if p and p.picked else set() for p in picks]
    units = [figure_units(p.picked[0].text) if unit_weight > 0 and p and p.picked else set() for p in picks]
    out = []
    for i, pick in enumerate(picks):
        others = set().union(*(c for j, c in enumerate(chosen) if j != i))
        other_units = set().union(*(u for j, u in enumerate(units) if j != i))
        if pick is None or not (others or other_units) or not pick.scored:
            out.append(pick)
            continue
        shared: dict[int, int] = {}
        for s in pick.scored:
            shared[id(s)] = len((char_pairs(s.text) - asked) & others)
            s.score += weight * min(shared[id(s)], _PARALLEL_CAP) / _PARALLEL_CAP
            if other_units and figure_units(s.text) & other_units:
                s.score += unit_weight
        scored = sorted(pick.scored, key=lambda s: -s.score)
        accept = pick.accept
        if not pick.picked and accept is not None:
            # a side silent on its own: a sentence saying it in the other sides' words answers too
            def accept(s, own=pick.accept, shared=shared):
                return own(s) or shared.get(id(s), 0) >= _PARALLEL_CAP
        out.append(replace(pick, scored=scored,
                           picked=_choose_for_side(pick.plan, scored, terms, policy, accept, metas)))
    return out


_PARALLEL_CAP = 4  # shared word pairs counted at most


def _answering_clause(text: str, asked: set[str]) -> str:
    """The clause of a chosen sentence that shares most with the question: its other clauses
    ("…财政总收入增长8%，其中一般公共预算收入增长7%") say other things, which a side need not share."""
    clauses = [c for c in re.split(r"[，,；;。：:]", text) if c.strip()]
    return max(clauses, key=lambda c: len(char_pairs(c) & asked)) if clauses else text


def figure_units(text: str) -> set[str]:
    """The units the sentence's figures are given in, years left out: "%", or the scale and the
    measure word after the number ("亿元", "倍", "家")."""
    out = set()
    for q in find_quantities(text):
        if re.fullmatch(r"(?:19|20)\d\d", q.text) and text[q.end:q.end + 1] == "年":
            continue
        if q.percent:
            out.add("%")
            continue
        after = re.match(r"\s*([\u4e00-\u9fff])", text[q.end:])
        if after and after.group(1) not in "年月日至到、和及与，":
            out.add(re.sub(r"[\d.,\s]", "", q.text) + after.group(1))
    return out


def _comparison_row(plan: QueryPlan, side: Side, pick: _SidePick | None, terms: list[KeyTerm],
                    metas: dict[str, DocMeta], book: CitationBook) -> ComparisonRow:
    """One side's cell: its best sentence, cited, or "报告中未提及"."""
    picked = pick.picked if pick else []
    label = _side_label(side, metas, pick.scored[0] if pick and pick.scored else None)
    if side.missing:
        return ComparisonRow(label, f"{NOT_FOUND}（{side.missing}）", [])
    if picked and plan.wants_number and has_masked_number(picked[0].text) and not [
        q for q in find_quantities(picked[0].text) if not re.fullmatch(r"20\d\d", q.text)
    ]:
        picked = []
    if picked:
        cell = render_quotes(picked, terms, replace(plan, wants_list=False), book)
        nums = [int(x) for x in re.findall(r"\[(\d+)\]", cell)]
        return ComparisonRow(label, cell, nums)
    return ComparisonRow(label, NOT_FOUND, [])


def _single_answer(plan: QueryPlan, evidence: list[tuple[Side, list[Passage]]], terms: list[KeyTerm],
                   metas: dict[str, DocMeta], policy: AnswerPolicy, book: CitationBook, doc_text,
                   index: BM25Index | None = None, similarity: Similarity | None = None) -> Draft:
    """The best sentence(s) of the one subject, cited; a refusal (with a hint) when none answers."""
    side, passages = evidence[0] if evidence else (Side("", frozenset()), [])
    scored = _scored(plan, passages, terms, metas, policy, index, doc_text)
    measured: dict = {}
    accept = _gate(plan, terms, policy, index, similarity, measured)
    picked = choose_sentences(plan, scored, terms, policy, accept, _levels(metas), _not_reports(metas))
    silent_parts: list[str] = []
    if not plan.wants_list and index is not None and len(question_parts(plan.topic)) > 1:
        by_part, silent_parts = _each_part(plan, passages, metas, policy, index, doc_text, similarity)
        picked = by_part or picked
    label = _side_label(side, metas, scored[0] if scored else None)
    if not picked:
        draft = _not_found(plan, scored, label, book)
        draft.gate = measured
        return draft
    if plan.wants_number:
        best = picked[0]
        real = [q for q in find_quantities(best.text) if not re.fullmatch(r"20\d\d", q.text)]
        if has_masked_number(best.text) and not real:
            return Draft(masked_refusal(best, book, label), True, book.citations)
    body = render_quotes(picked, terms, plan, book, doc_text)
    if silent_parts:
        body += "".join(f"\n“{part}”：{NOT_FOUND}" for part in silent_parts)
    prefix = f"【{label}】" if label else ""
    if prefix and "\n" in body:
        prefix += "\n"
    return Draft(prefix + body, False, book.citations, gate=measured)


def _each_part(plan: QueryPlan, passages: list[Passage], metas: dict[str, DocMeta], policy: AnswerPolicy,
               index: BM25Index, doc_text, similarity: Similarity | None) -> tuple[list[Sentence], list[str]]:
    """A question asking two things in turn ("…超过多少家？…有多少？") is answered part by part:
    the sentences that answer each part (those that do), in report order, and the parts that
    name something (a word of two characters or more) no chosen sentence speaks of."""
    picked: list[Sentence] = []
    parts = question_parts(plan.topic)
    words: dict[str, list[KeyTerm]] = {}
    for part in parts:
        part_plan = replace(plan, topic=part)
        part_terms = key_terms(part_plan, index)
        words[part] = [t for t in part_terms if len(t.token) >= 2]
        if not part_terms:
            continue
        scored = _scored(part_plan, passages, part_terms, metas, policy, index, doc_text)
        accept = _gate(part_plan, part_terms, policy, index, similarity, {})
        for s in choose_sentences(part_plan, scored, part_terms, replace(policy, fact_sentences=1), accept,
                                  _levels(metas), _not_reports(metas)):
            if not any(s.passage.doc_id == p.passage.doc_id and s.start < p.end and p.start < s.end for p in picked):
                picked.append(s)
    picked.sort(key=lambda s: (s.passage.doc_id, s.start))
    said = to_simplified("".join(s.text for s in picked)).lower()
    silent = [part for part in parts if words.get(part) and not any(term_matches(t, said) for t in words[part])]
    return picked, (silent if picked else [])


def _levels(metas: dict[str, DocMeta]) -> dict[str, str | None]:
    return {doc_id: m.level for doc_id, m in metas.items()}


def _not_reports(metas: dict[str, DocMeta]) -> frozenset[str]:
    return frozenset(doc_id for doc_id, m in metas.items() if not m.is_report)


def _gate(plan: QueryPlan, terms: list[KeyTerm], policy: AnswerPolicy, index: BM25Index | None,
          similarity: Similarity | None, measured: dict) -> Callable[[Sentence], bool] | None:
    """The fitted answer gate as ``accept(best)`` for a fact question (a list keeps the coverage
    threshold: its introduction rarely restates the question); it fills ``measured`` with what it
    read and its verdict. None (the threshold decides) without a gate or a similarity."""
    if policy.gate is None or similarity is None or plan.wants_list:
        return None
    gate = policy.gate
    question = plan.topic or plan.question

    def accept(best: Sentence) -> bool:
        vocab = index.doc_vocabulary().get(best.passage.doc_id) if index is not None else None
        feats = gate_features(best.coverage, figure_coverage(best, terms, figures_of_kind_asked(plan, best.text))
                              if asks_figure(plan) else None,
                              similarity(question, [best.text])[0], absent_share(terms, vocab))
        measured.update(features=feats, probability=round(gate.probability(feats), 4))
        measured["accepted"] = gate.accepts(feats)
        return measured["accepted"]

    return accept


def _not_found(plan: QueryPlan, scored: list[Sentence], label: str, book: CitationBook) -> Draft:
    """报告中未提及…, citing the closest sentence as related content when it covers enough."""
    what = f"【{label}】" if label else ""
    hint = ""
    if scored and scored[0].coverage >= 0.4 and (not plan.within or places.mentions(plan.within, scored[0].text)):
        # (a place asked about inside another issuer's report: never the issuer's own sentence)
        s = scored[0]
        n = book.cite(s.passage, s.start, s.end)
        hint = f"相关内容：{s.text.rstrip('。；;')}[{n}]。"
    topic = plan.topic.strip("？?。 ") or plan.question
    msg = f"{NOT_FOUND}{what}“{topic}”。" + (f"\n{hint}" if hint else "")
    return Draft(msg, True, book.citations)


def _side_label(side: Side, metas: dict[str, DocMeta], sentence: Sentence | None) -> str:
    if side.label:
        return side.label
    if sentence is not None:
        meta = metas.get(sentence.passage.doc_id)
        if meta and meta.town:
            return meta.town
    return ""
