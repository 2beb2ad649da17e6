"""Hybrid retrieval: dense (Chroma via LlamaIndex, e5 query prefix) + BM25 over jieba tokens.

The search strategy is the retrieval section of the settings (``mode``: hybrid | dense | bm25;
``fusion``: weighted | rrf) so the eval harness can compare them on the same index. Filters are document ids
resolved by query analysis (town / region / year / described document).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from rag.config import RetrievalSettings
from rag.embed import GovEmbedding
from rag.text.lexicon import expand_terms
from rag.store import ReportStore, row_to_passage
from rag.text.tokens import search_tokens
from rag.types import Passage


@dataclass
class RetrievalResult:
    passages: list[Passage]
    timings_ms: dict[str, float] = field(default_factory=dict)


def query_tokens(text: str) -> list[str]:
    tokens = search_tokens(text)
    for term in expand_terms(text):
        tokens.extend(t for t in search_tokens(term) if t not in tokens)
    return tokens


def _normalise(scores: dict[str, float]) -> dict[str, float]:
    if not scores:
        return {}
    vals = np.array(list(scores.values()), dtype=np.float64)
    lo, hi = float(vals.min()), float(vals.max())
    if hi - lo < 1e-9:
        return {k: 1.0 for k in scores}
    return {k: (v - lo) / (hi - lo) for k, v in scores.items()}


def fuse(dense: list[tuple[str, float]], sparse: list[tuple[str, float]], config: RetrievalSettings) -> dict[str, float]:
    """Combine two ranked lists: min-max weighted sum, or reciprocal-rank fusion."""
    if config.fusion == "rrf":
        fused: dict[str, float] = {}
        for ranked, w in ((dense, config.dense_weight), (sparse, config.bm25_weight)):
            for rank, (cid, _) in enumerate(ranked):
                fused[cid] = fused.get(cid, 0.0) + w / (config.rrf_k + rank + 1)
        return fused
    d = _normalise(dict(dense))
    s = _normalise(dict(sparse))
    return {cid: config.dense_weight * d.get(cid, 0.0) + config.bm25_weight * s.get(cid, 0.0) for cid in set(d) | set(s)}


def retrieve(
    text: str,
    *,
    store: ReportStore,
    embedder: GovEmbedding,
    k: int = 6,
    doc_ids: set[str] | frozenset[str] | None = None,
    config: RetrievalSettings = RetrievalSettings(),
    words: str | None = None,
    prefer: Callable[[Passage], bool] | None = None,
) -> RetrievalResult:
    """Top-k passages for ``text`` within ``doc_ids`` (None = all reports); ``words``: the text
    whose words BM25 matches, when not all of ``text`` (the meaning search reads ``text``);
    ``prefer``: the passages that may answer come first (among twice as many candidates), in
    their own order, before the others."""
    timings: dict[str, float] = {}
    ids = set(doc_ids) if doc_ids is not None else None
    if ids is not None and not ids:
        return RetrievalResult([], timings)
    index = store.bm25()
    sparse: list[tuple[str, float]] = []
    dense: list[tuple[str, float]] = []
    n = config.candidates
    if config.mode in ("hybrid", "bm25"):
        t = time.perf_counter()
        scores = index.scores(query_tokens(words or text), ids)
        if len(scores):
            top = np.argsort(-scores)[:n]
            sparse = [(index.rows[i]["id"], float(scores[i])) for i in top if scores[i] > 0]
        timings["bm25"] = (time.perf_counter() - t) * 1000
    if config.mode in ("hybrid", "dense"):
        t = time.perf_counter()
        vec = embedder.embed_query(text)
        timings["embed_query"] = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        dense = store.dense_search(vec, n, ids)
        timings["dense"] = (time.perf_counter() - t) * 1000
    if config.mode == "dense":
        fused = dict(dense)
    elif config.mode == "bm25":
        fused = dict(sparse)
    else:
        fused = fuse(dense, sparse, config)
    passages = _ranked_passages(index, fused, dense, sparse, max(k, 1) * (4 if prefer else 2))
    if prefer is not None:
        passages = [p for p in passages if prefer(p)] + [p for p in passages if not prefer(p)]
    passages = passages[:k]
    if config.merge_neighbours:
        passages = merge_neighbours(passages, store)
    return RetrievalResult(passages, timings)


def _ranked_passages(index, fused: dict[str, float], dense: list[tuple[str, float]],
                     sparse: list[tuple[str, float]], limit: int) -> list[Passage]:
    """The best ``limit`` fused hits as passages, each with its scores and ranks in both lists."""
    dense_rank = {cid: r for r, (cid, _) in enumerate(dense)}
    sparse_rank = {cid: r for r, (cid, _) in enumerate(sparse)}
    dense_score, sparse_score = dict(dense), dict(sparse)
    passages: list[Passage] = []
    for cid, score in sorted(fused.items(), key=lambda kv: -kv[1])[:limit]:
        row_i = index.row_of.get(cid)
        if row_i is None:
            continue
        p = row_to_passage(index.rows[row_i])
        p.scores = {
            "fused": round(score, 4),
            "dense": round(dense_score.get(cid, 0.0), 4),
            "bm25": round(sparse_score.get(cid, 0.0), 4),
            "dense_rank": dense_rank.get(cid, -1) + 1,
            "bm25_rank": sparse_rank.get(cid, -1) + 1,
        }
        passages.append(p)
    return passages


def merge_neighbours(passages: list[Passage], store: ReportStore) -> list[Passage]:
    """Join hits that are adjacent chunks of the same section into one passage (best rank kept)."""
    out: list[Passage] = []
    for p in passages:
        merged = False
        for q in out:
            if q.doc_id == p.doc_id and q.section == p.section and (
                abs(q.chunk_index - p.chunk_index) == 1 or (p.start <= q.end and q.start <= p.end)
            ):
                text = store.get_doc_text(p.doc_id)
                if text is None:
                    break
                q.start, q.end = min(q.start, p.start), max(q.end, p.end)
                q.text = text[q.start: q.end]
                q.chunk_index = min(q.chunk_index, p.chunk_index)
                q.scores["merged"] = q.scores.get("merged", 1) + 1
                merged = True
                break
        if not merged:
            out.append(p)
    return out
