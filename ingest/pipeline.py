"""Idempotent, incremental ingest of files and folders into the stores.

``iter_ingest`` yields :class:`IngestEvent` s (a UI shows them as a progress bar and a per-file
status); ``ingest_paths`` runs it to the end and returns the per-file results. A file that
fails is reported with its name and reason and skipped; nothing already ingested is touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ingest.collect import collect_files
from ingest.isolate import prepare_guarded
from ingest.load import LoadError
from ingest.lock import IngestLock
from ingest.prepare import PreparedDoc, StageTimes, doc_id_for, index_entries, prepare_document  # noqa: F401 - re-exported
from ingest.results import FileResult, IngestEvent, display_name
from rag.config import Settings
from rag.embed import GovEmbedding
from rag.data_dir_marker import mark_data_dir_used, seeds_allowed
from rag.store import ReportStore
from rag.store_records import DocRecord, PendingDoc

# Bump when cleaning, metadata or chunking rules change: documents ingested by an older
# pipeline are then re-processed on the next ingest (their embeddings come from the cache).
PIPELINE_VERSION = "18"


@dataclass
class _Queued:
    doc: PendingDoc
    older: list[DocRecord]  # catalogue records of earlier versions of the same file, removed after the write
    name: str
    index: int
    fraction: float


def _flush(pending: list[_Queued], store: ReportStore, times: StageTimes, total: int) -> Iterator[IngestEvent]:
    """Write the queued reports in one batch (Chroma's per-add indexing cost is mostly per call),
    then remove the versions they replace, and report each file."""
    if not pending:
        return
    batch = list(pending)
    pending.clear()
    for q in batch:
        yield IngestEvent("write", q.name, q.index, total, q.fraction - 0.05 / max(total, 1))
    try:
        with times.time("write"):
            store.add_documents([q.doc for q in batch])
    except Exception as exc:  # noqa: BLE001 - reported per file; earlier versions are untouched
        for q in batch:
            result = FileResult(q.name, "failed", f"写入失败：{type(exc).__name__}: {exc}")
            yield IngestEvent("done", q.name, q.index, total, q.fraction, result)
        return
    for q in batch:
        meta = q.doc.meta
        note = ""
        try:
            with times.time("write"):
                for old in q.older:  # a changed file replaces its previous version (named in the new record)
                    if old.meta.doc_id != meta.doc_id:
                        store.remove_document(old.meta.doc_id)
        except Exception as exc:  # noqa: BLE001 - the new version is in; its record names the old one
            note = (f"旧版本未能删除（{type(exc).__name__}: {exc}）；下次导入或 `govqa doctor --repair` 会删除它")
        times.chars += len(q.doc.clean_text)
        times.chunks += len(q.doc.chunks)
        times.docs += 1
        replaced = any(o.meta.doc_id != meta.doc_id for o in q.older)
        result = FileResult(q.name, "replaced" if replaced else "ok", note, meta.doc_id, len(q.doc.chunks),
                            meta.entity or ("匿名" if meta.town_anonymised else ""), meta.year)
        yield IngestEvent("done", q.name, q.index, total, q.fraction, result)


def iter_ingest(
    sources: list[Path] | list[tuple[str, bytes]],
    *,
    settings: Settings,
    store: ReportStore,
    embedder: GovEmbedding,
    times: StageTimes | None = None,
) -> Iterator[IngestEvent]:
    """Ingest files (paths, or (name, bytes) pairs from an upload), yielding progress events.

    A second ingest of the same data dir first yields a ``wait`` event (its detail says what it
    waits for), then waits for the lock. Each file is parsed in the limited parse process
    (ingest/isolate.py). Versions that an earlier, interrupted replace left behind are removed
    first (``repair`` events)."""
    times = times or StageTimes()
    total = len(sources)
    pending: list[_Queued] = []  # embedded reports waiting to be written together
    lock = IngestLock(settings)
    if not lock.try_acquire():
        yield IngestEvent("wait", "", 0, total, 0.0, detail=lock.wait_message())
        lock.acquire()
    try:
        for old in store.remove_superseded():
            yield IngestEvent("repair", old.meta.file, 0, total, 0.0,
                              detail=f"删除了替换中断时留下的旧版本 {display_name(old.meta.file)}（{old.meta.doc_id}）")
        for n, src in enumerate(sources):
            yield from _ingest_one(src, _Slot(src[0] if isinstance(src, tuple) else Path(src).name, n, total), pending,
                                   settings=settings, store=store, embedder=embedder, times=times)
        yield from _flush(pending, store, times, total)
        store.invalidate_bm25()
    finally:
        lock.release()


@dataclass
class _Slot:
    """One file's place in the run: its name, number, and share of the progress bar."""
    name: str
    n: int
    total: int

    @property
    def base(self) -> float:
        return self.n / max(self.total, 1)

    @property
    def step(self) -> float:
        return 1 / max(self.total, 1)

    def done(self, result: FileResult) -> IngestEvent:
        return IngestEvent("done", self.name, self.n, self.total, self.base + self.step, result)


def _ingest_one(src: Path | tuple[str, bytes], slot: _Slot, pending: list[_Queued], *, settings: Settings,
                store: ReportStore, embedder: GovEmbedding, times: StageTimes) -> Iterator[IngestEvent]:
    """Parse one file and queue it for writing, unless it is unreadable or already in (written or queued)."""
    name = slot.name
    yield IngestEvent("load", name, slot.n, slot.total, slot.base)
    try:
        prepared = prepare_guarded(src, settings, times)
    except LoadError as err:
        yield slot.done(FileResult(name, "failed", err.reason))
        return
    except Exception as exc:  # noqa: BLE001 - one bad file never stops the others
        yield slot.done(FileResult(name, "failed", f"{type(exc).__name__}: {exc}"))
        return
    meta = prepared.meta
    queued = next((q for q in pending if q.doc.meta.doc_id == meta.doc_id), None)
    if queued is not None:  # the same text twice in this run, not written yet
        same_file = queued.doc.meta.file == meta.file
        yield slot.done(FileResult(name, "unchanged" if same_file else "duplicate",
                                   "" if same_file else f"与已导入的 {queued.doc.meta.file} 内容相同",
                                   doc_id=meta.doc_id, chunks=len(prepared.chunks), town=meta.town or "",
                                   year=meta.year))
        return
    if any(q.doc.meta.file == meta.file for q in pending):
        yield from _flush(pending, store, times, slot.total)  # a second version of a queued file
    existing = store.get_doc(meta.doc_id)
    if existing is not None and existing.pipeline_version != PIPELINE_VERSION and existing.meta.file == meta.file:
        existing = None  # processed by older rules: redo it in place
    if existing is not None:
        same_file = existing.meta.file == meta.file
        yield slot.done(FileResult(
            name, "unchanged" if same_file else "duplicate",
            "" if same_file else f"与已导入的 {existing.meta.file} 内容相同",
            doc_id=meta.doc_id, chunks=existing.n_chunks, town=meta.town or "", year=meta.year,
        ))
        return
    yield from _embed_and_queue(prepared, slot, pending, settings=settings, store=store, embedder=embedder,
                                times=times)


def _embed_and_queue(prepared: PreparedDoc, slot: _Slot, pending: list[_Queued], *, settings: Settings,
                     store: ReportStore, embedder: GovEmbedding, times: StageTimes) -> Iterator[IngestEvent]:
    """Embed a new report's chunks and queue it; write the queue once it holds a batch."""
    meta = prepared.meta
    name, n, total, base, step = slot.name, slot.n, slot.total, slot.base, slot.step
    older = [r for r in store.find_by_file(meta.file) if r.meta.doc_id != meta.doc_id]
    yield IngestEvent("embed", name, n, total, base + step * 0.1, detail=f"{len(prepared.chunks)} 块")
    progress_events: list[IngestEvent] = []

    def on_progress(done: int, all_: int) -> None:
        progress_events.append(IngestEvent(
            "embed", name, n, total, base + step * (0.1 + 0.8 * done / max(all_, 1)),
            detail=f"{done}/{all_}"))

    try:
        with times.time("embed"):
            vectors = embedder.embed_passages([c.embed_text for c in prepared.chunks], progress=on_progress)
    except Exception as exc:  # noqa: BLE001
        yield slot.done(FileResult(name, "failed", f"嵌入失败：{type(exc).__name__}: {exc}"))
        return
    yield from progress_events
    pending.append(_Queued(
        PendingDoc(meta, prepared.clean_text, prepared.chunks, vectors, prepared.tokens,
                   prepared.loaded.content_hash, prepared.loaded.fmt, PIPELINE_VERSION,
                   supersedes=tuple(o.meta.doc_id for o in older), indicators=prepared.indicators),
        older, name, n, base + step))
    if sum(len(q.doc.chunks) for q in pending) >= settings.store.write_batch_chunks:
        yield from _flush(pending, store, times, total)


def ingest_paths(
    paths: Iterable[str | Path],
    *,
    settings: Settings,
    store: ReportStore,
    embedder: GovEmbedding,
    on_event: Callable[[IngestEvent], None] | None = None,
    times: StageTimes | None = None,
) -> list[FileResult]:
    files, results = collect_files(paths, settings)
    done: list[tuple[int, FileResult]] = []
    for event in iter_ingest(files, settings=settings, store=store, embedder=embedder, times=times):
        if on_event:
            on_event(event)
        if event.result:
            done.append((event.index, event.result))
    # writes are batched, so files can finish out of order: report them in input order
    results.extend(r for _, r in sorted(done, key=lambda x: x[0]))
    store.bm25()  # rebuild the sparse index once, after the batch
    return results


def ensure_seeded(*, settings: Settings, store: ReportStore, embedder: GovEmbedding,
                  on_event: Callable[[IngestEvent], None] | None = None) -> list[FileResult]:
    """Ingest the bundled seeds/ into a new, empty data dir (the app's first start). A data dir
    anything was ever written to, removed from or repaired in never gets them (see
    rag.data_dir_marker.seeds_allowed): not after a repair, not after the user deleted every report."""
    if not seeds_allowed(settings) or not store.is_empty() or not settings.store.seeds_dir.is_dir():
        if not store.is_empty():
            mark_data_dir_used(settings, "found in use")
        return []
    results = ingest_paths([settings.store.seeds_dir], settings=settings, store=store, embedder=embedder, on_event=on_event)
    mark_data_dir_used(settings, "seeded")
    return results

