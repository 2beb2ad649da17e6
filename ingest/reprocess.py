"""Redo stored reports without their files: after a rule change, and from a damaged index."""

from __future__ import annotations

from dataclasses import replace
from typing import Callable

from ingest.lock import ingest_lock
from ingest.meta import extract_metadata
from ingest.pipeline import PIPELINE_VERSION
from ingest.prepare import doc_id_for, index_entries
from ingest.results import FileResult, display_name
from rag.config import Settings
from rag.embed import GovEmbedding
from rag.store import ReportStore
from rag.store_records import PendingDoc
from rag.types import CleanDoc


def upgrade_outdated(*, settings: Settings, store: ReportStore, embedder: GovEmbedding) -> list[FileResult]:
    """Redo the reports processed by older rules (another pipeline version) from their stored
    text, so a rule change reaches reports whose files are no longer at hand: identity, chunks and
    index entries are rebuilt; the vectors come from the embedding cache when the chunk text is
    unchanged. Page fields read from the page header, which is not stored, are kept."""
    outdated = [r for r in store.records().values() if r.pipeline_version != PIPELINE_VERSION]
    if not outdated:
        return []
    results: list[FileResult] = []
    with ingest_lock(settings):
        batch: list[PendingDoc] = []
        for rec in outdated:
            text = store.get_doc_text(rec.meta.doc_id)
            if not text:
                results.append(FileResult(rec.meta.file, "failed", "库中没有该报告的正文，请重新导入原文件"))
                continue
            meta = extract_metadata(CleanDoc(text=text, removed=(), header=""), doc_id=rec.meta.doc_id,
                                    file=rec.meta.file)
            meta = replace(meta, publisher=meta.publisher or rec.meta.publisher, date=meta.date or rec.meta.date,
                           index_no=meta.index_no or rec.meta.index_no)
            chunks, tokens = index_entries(text, meta, settings)
            vectors = embedder.embed_passages([c.embed_text for c in chunks])
            batch.append(PendingDoc(meta, text, chunks, vectors, tokens, rec.content_hash, rec.fmt, PIPELINE_VERSION))
            results.append(FileResult(rec.meta.file, "replaced", "按新版规则重新处理", meta.doc_id, len(chunks),
                                      meta.entity or "", meta.year))
            if sum(len(d.chunks) for d in batch) >= settings.store.write_batch_chunks:
                store.add_documents(batch)
                batch = []
        store.add_documents(batch)
        store.invalidate_bm25()
    return results


def rebuild_reports(recovered: dict[str, tuple[dict, str | None]], *, settings: Settings, store: ReportStore,
                    embedder: GovEmbedding, on_event: Callable[[str], None] | None = None) -> tuple[list[str], list[str]]:
    """Write catalogue records read back from a damaged index into a new one: chunks are redone
    from each report's stored cleaned text and metadata, their vectors come from the embedding
    cache. A record whose text no longer matches its doc_id (a damaged page) is skipped.
    Returns (restored files, lines about the ones that could not be restored)."""
    from rag.store_records import meta_from_json

    restored: list[str] = []
    lost: list[str] = []
    pending: list[PendingDoc] = []
    for doc_id, (md, text) in sorted(recovered.items(), key=lambda kv: str(kv[1][0].get("file", ""))):
        file = str(md.get("file") or doc_id)
        try:
            meta = meta_from_json(md["meta_json"])
            if not text or doc_id_for(text) != doc_id or meta.doc_id != doc_id:
                raise ValueError("正文与记录不符（损坏）")
            chunks, tokens = index_entries(text, meta, settings)
            vectors = embedder.embed_passages([c.embed_text for c in chunks])
        except Exception as exc:  # noqa: BLE001 - one unreadable record never stops the others
            lost.append(f"{display_name(file)}（{doc_id}）：{type(exc).__name__}: {exc}")
            continue
        supersedes = tuple(x for x in str(md.get("supersedes") or "").split(",") if x)
        pending.append(PendingDoc(meta, text, chunks, vectors, tokens, str(md.get("content_hash", "")),
                                  str(md.get("fmt", "")), str(md.get("pipeline_version", "")), supersedes))
        restored.append(file)
        if on_event:
            on_event(file)
        if sum(len(d.chunks) for d in pending) >= settings.store.write_batch_chunks:
            store.add_documents(pending)
            pending = []
    store.add_documents(pending)
    store.remove_superseded()
    store.invalidate_bm25()
    store.bm25()
    return restored, lost
