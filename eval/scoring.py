"""Scoring one answered item: its judge-free metrics and its record in results.json."""

from __future__ import annotations

from eval import metrics as M
from eval.dataset import EvalItem
from eval.metrics import METRICS


def _pairs_from_passages(passages) -> list[tuple[str, str]]:
    return [(p.file, p.text) for p in passages]


def score_item(item: EvalItem, answer, k: int) -> dict:
    """Every judge-free metric of one answered item (None where a metric does not apply)."""
    sources = item.source_pairs
    retrieved = _pairs_from_passages(answer.passages)
    cited = [(c.file, c.text) for c in answer.citations]
    m: dict[str, float | None] = dict.fromkeys(METRICS)
    m["answer_accuracy"] = M.answer_correct(refused=answer.refused, expects_refusal=item.expects_refusal,
                                            answer=answer.answer, must_include=item.must_include)
    m["must_include"] = M.must_include_score(answer.answer, item.must_include)
    m["token_f1"] = M.token_f1(answer.answer, item.answer)
    m["rouge_l"] = M.rouge_l(answer.answer, item.answer)
    if sources:
        relevant = M.passage_relevance(retrieved, sources)
        # one retrieval of depth k per side (a comparison has one list per side): score the whole list
        depth = max(k, len(relevant))
        m["hit_at_k"] = M.hit_at_k(relevant, depth)
        m["mrr_at_k"] = M.mrr_at_k(relevant, depth)
        if len(sources) >= 2:
            m["source_recall"] = M.source_recall(retrieved, sources)
        m["citation_recall"] = M.citation_recall(cited, sources)
    m["citation_precision"] = M.citation_precision(answer.answer, cited, sources)
    m["faithfulness"] = M.number_faithfulness(answer.answer, [c.text for c in answer.citations])
    if item.expects_refusal:
        m["refusal"] = 1.0 if answer.refused else 0.0
        if item.distractor is not None:
            m["distractor_answered"] = M.distractor_answered(answer.answer, item.distractor.evidence)
    else:
        m["false_refusal"] = 1.0 if answer.refused else 0.0
    return m


def item_fields(item: EvalItem) -> dict:
    """The report-level fields an item carries (split, level, entity, …), for its record."""
    d = item.to_dict()
    return {k: d[k] for k in ("split", "level", "entity", "report_year", "paraphrased", "distractor") if k in d}


def item_record(item: EvalItem, answer, metrics: dict, earlier: list[dict], sources) -> dict:
    relevant = M.passage_relevance(_pairs_from_passages(answer.passages), sources)
    return {
        "id": item.id, "type": item.type, "question": item.question, "turns": list(item.turns),
        "gold": {"answer": item.answer, "must_include": list(item.must_include),
                 "sources": [{"file": f, "evidence": e} for f, e in sources],
                 "expects_refusal": item.expects_refusal},
        "answer": answer.answer, "refused": answer.refused, "backend": answer.backend,
        "standalone_question": answer.standalone_question, "notices": list(answer.notices),
        "validation": answer.validation,
        "citations": [{"n": c.n, "file": c.file, "town": c.town, "year": c.year, "section": c.section,
                       "quote": c.quote, "text": c.text, "start": c.start, "end": c.end} for c in answer.citations],
        "passages": [{"rank": i, "file": p.file, "chunk_id": p.chunk_id, "section": p.section, "start": p.start,
                      "end": p.end, "text": p.text, "scores": p.scores, "relevant": rel}
                     for i, (p, rel) in enumerate(zip(answer.passages, relevant), start=1)],
        "timings_ms": {k: round(v, 1) for k, v in answer.timings_ms.items()},
        "earlier_turns": earlier,
        "metrics": metrics,
        "error": None,
        **item_fields(item),
    }


def error_record(item: EvalItem, exc: BaseException) -> dict:
    metrics = dict.fromkeys(METRICS)
    metrics["answer_accuracy"] = 0.0
    return {
        "id": item.id, "type": item.type, "question": item.question, "turns": list(item.turns),
        "gold": {"answer": item.answer, "must_include": list(item.must_include),
                 "sources": [{"file": f, "evidence": e} for f, e in item.source_pairs],
                 "expects_refusal": item.expects_refusal},
        "answer": "", "refused": False, "backend": "", "standalone_question": "", "notices": [],
        "validation": {}, "citations": [], "passages": [], "timings_ms": {}, "earlier_turns": [],
        "metrics": metrics, "error": f"{type(exc).__name__}: {exc}",
        **item_fields(item),
    }
