"""What the store writes and reads back: catalogue records, reports waiting to be written, their chunk nodes."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np

from rag.types import Chunk, DocMeta, Section


def meta_to_json(meta: DocMeta) -> str:
    return json.dumps(meta.to_dict(), ensure_ascii=False)


def meta_from_json(raw: str) -> DocMeta:
    d = json.loads(raw)
    d.pop("period", None)
    d.pop("report_year", None)
    d["sections"] = tuple(Section(**s) for s in d.get("sections", []))
    d["parent"] = tuple(d.get("parent") or ())
    for key in ("reviewed_span", "planned_span"):
        d[key] = tuple(d[key]) if d.get(key) else None
    return DocMeta(**d)


@dataclass
class DocRecord:
    meta: DocMeta
    content_hash: str
    n_chunks: int
    ingested_at: float
    fmt: str
    pipeline_version: str = ""
    supersedes: tuple[str, ...] = ()  # doc_ids of the earlier versions of the same file this replaced


def record_from_metadata(md: dict) -> DocRecord:
    return DocRecord(
        meta=meta_from_json(md["meta_json"]), content_hash=md.get("content_hash", ""),
        n_chunks=int(md.get("n_chunks", 0)), ingested_at=float(md.get("ingested_at", 0)), fmt=md.get("fmt", ""),
        pipeline_version=str(md.get("pipeline_version", "")),
        supersedes=tuple(x for x in str(md.get("supersedes") or "").split(",") if x),
    )


@dataclass
class PendingDoc:
    """One prepared report waiting to be written (see ReportStore.add_documents)."""

    meta: DocMeta
    clean_text: str
    chunks: list[Chunk]
    embeddings: np.ndarray
    tokens: list[list[str]]
    content_hash: str
    fmt: str
    pipeline_version: str = ""
    supersedes: tuple[str, ...] = ()  # earlier versions of the same file, removed once this is written
    indicators: list | None = None  # rows of the indicator table (rag/indicators_table.py); None: extracted at write


def superseded_pairs(records: dict[str, DocRecord]) -> list[tuple[DocRecord, DocRecord]]:
    out = []
    for rec in records.values():
        for old_id in rec.supersedes:
            old = records.get(old_id)
            if old is not None and old_id != rec.meta.doc_id and old.ingested_at <= rec.ingested_at:
                out.append((old, rec))
    return out


def chunk_nodes(docs: list[PendingDoc]) -> list:
    """The LlamaIndex TextNodes (vector, text, metadata incl. BM25 tokens) of the reports' chunks."""
    from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

    nodes = []
    for d in docs:
        for chunk, vec, toks in zip(d.chunks, d.embeddings, d.tokens):
            md = chunk.metadata(d.meta)
            md["bm25_tokens"] = " ".join(toks)
            nodes.append(TextNode(
                id_=chunk.chunk_id, text=chunk.text, embedding=np.asarray(vec, dtype=np.float32).tolist(),
                metadata=md, excluded_embed_metadata_keys=list(md), excluded_llm_metadata_keys=list(md),
                # LlamaIndex stores the source node id as doc_id/ref_doc_id: make it ours
                relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=d.meta.doc_id)},
            ))
    return nodes
