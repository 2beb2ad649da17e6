"""Idempotent, incremental ingest of files and folders into the stores.

``iter_ingest`` yields :class:`IngestEvent` s (a UI shows them as a progress bar and a per-file
status); ``ingest_paths`` runs it to the end and returns the per-file results. A file that
fails is reported with its name and reason and skipped; nothing already ingested is touched.
"""

from __future__ import annotations

import hashlib
import time
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Literal

from ingest.chunk import chunk_document
from ingest.clean import clean_report_text
from ingest.load import LoadError, load_bytes, load_file
from ingest.meta import extract_metadata
from rag.config import Settings
from rag.embed import GovEmbedding
from rag.store import DocRecord, PendingDoc, ReportStore
from rag.text.tokens import search_tokens
from rag.types import Chunk, CleanDoc, DocMeta, LoadedDocument

Status = Literal["ok", "replaced", "unchanged", "duplicate", "failed"]

# Bump when cleaning, metadata or chunking rules change: documents ingested by an older
# pipeline are then re-processed on the next ingest (their embeddings come from the cache).
PIPELINE_VERSION = "14"


@dataclass
class FileResult:
    file: str
    status: Status
    reason: str = ""
    doc_id: str = ""
    chunks: int = 0
    town: str = ""
    year: int | None = None

    def line(self) -> str:
        label = {"ok": "已导入", "replaced": "已更新", "unchanged": "未变化，跳过", "duplicate": "重复",
                 "failed": "失败"}[self.status]
        extra = f"（{self.reason}）" if self.reason else ""
        detail = f" {self.town or ''} {self.year or ''} {self.chunks}块" if self.status in ("ok", "replaced") else ""
        return f"{self.file}: {label}{extra}{detail}"


@dataclass
class IngestEvent:
    stage: str  # load | clean | chunk | embed | write | done
    file: str
    index: int  # file number (0-based)
    total: int  # number of files
    fraction: float  # overall progress 0..1
    result: FileResult | None = None
    detail: str = ""


@dataclass
class StageTimes:
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(
        ("load", "clean", "meta", "chunk", "tokens", "embed", "write"), 0.0))
    chars: int = 0
    chunks: int = 0
    docs: int = 0

    @contextmanager
    def time(self, stage: str):
        t = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] += time.perf_counter() - t


def doc_id_for(clean_text: str) -> str:
    return hashlib.sha256(clean_text.encode("utf-8")).hexdigest()[:16]


def collect_files(paths: Iterable[str | Path], settings: Settings) -> tuple[list[Path], list[FileResult]]:
    """Expand folders; unsupported files are reported, hidden files skipped silently."""
    files: list[Path] = []
    rejected: list[FileResult] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for sub in sorted(p.rglob("*")):
                if sub.is_file() and not any(part.startswith(".") for part in sub.relative_to(p).parts):
                    if sub.suffix.lower() in settings.allowed_suffixes:
                        files.append(sub)
                    else:  # reported too: a folder's content is never dropped silently
                        rejected.append(FileResult(sub.name, "failed", f"不支持的文件类型 {sub.suffix or '(无扩展名)'}"))
        elif p.is_file():
            if p.suffix.lower() in settings.allowed_suffixes:
                files.append(p)
            else:
                rejected.append(FileResult(p.name, "failed", f"不支持的文件类型 {p.suffix or '(无扩展名)'}"))
        else:
            rejected.append(FileResult(p.name or str(p), "failed", "文件或目录不存在"))
    return files, rejected


@dataclass
class PreparedDoc:
    loaded: LoadedDocument
    meta: DocMeta
    clean_text: str
    chunks: list[Chunk]
    tokens: list[list[str]]


def prepare_document(loaded: LoadedDocument, settings: Settings, times: StageTimes | None = None) -> PreparedDoc:
    """load -> clean -> meta -> chunk -> tokens (no I/O, no embedding)."""
    times = times or StageTimes()
    if len(loaded.text) > settings.max_text_chars:
        raise LoadError(loaded.file, f"文字过多（{len(loaded.text):,} 字，上限 {settings.max_text_chars:,} 字，"
                                     f"可用 GOVQA_MAX_TEXT_CHARS 调整）")
    with times.time("clean"):
        clean = clean_report_text(loaded.text)
    if len(clean.text.strip()) < 20:
        raise LoadError(loaded.file, "清洗后没有正文（页面只有导航或版权信息）")
    doc_id = doc_id_for(clean.text)
    with times.time("meta"):
        meta = extract_metadata(clean, doc_id=doc_id, file=loaded.file)
    with times.time("chunk"):
        chunks = chunk_document(clean.text, meta, max_tokens=settings.chunk_tokens,
                                overlap_tokens=settings.chunk_overlap_tokens, encoding=settings.tokenizer_encoding)
    with times.time("tokens"):
        tokens = [search_tokens(f"{meta.entity or meta.town or ''} {c.section} {c.text}") for c in chunks]
    return PreparedDoc(loaded, meta, clean.text, chunks, tokens)


@contextmanager
def ingest_lock(settings: Settings):
    """One writer at a time per data dir (a second ingest waits)."""
    import fcntl

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    lock_path = settings.data_dir / "ingest.lock"
    with open(lock_path, "w") as fh:
        deadline = time.monotonic() + settings.ingest_lock_timeout_s
        while True:  # the kernel releases the lock of a killed process: a stale lock cannot block
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    from rag.store import StoreLockedError

                    raise StoreLockedError(
                        f"数据目录 {settings.data_dir} 正被另一个导入进程使用（{lock_path}），"
                        f"等待 {settings.ingest_lock_timeout_s:g} 秒后仍未结束。请等它完成后重试"
                        f"（GOVQA_INGEST_LOCK_TIMEOUT 可调整等待时间），之后可运行 `govqa doctor` 检查。") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


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
                for old in q.older:  # a changed file replaces its previous version
                    if old.meta.doc_id != meta.doc_id:
                        store.remove_document(old.meta.doc_id)
        except Exception as exc:  # noqa: BLE001 - the new version is in; the old one is still listed
            note = f"旧版本未能删除（{type(exc).__name__}: {exc}），可用 govqa rm 删除"
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
    """Ingest files (paths, or (name, bytes) pairs from an upload), yielding progress events."""
    times = times or StageTimes()
    total = len(sources)
    pending: list[_Queued] = []  # embedded reports waiting to be written together
    with ingest_lock(settings):
        for n, src in enumerate(sources):
            name = src[0] if isinstance(src, tuple) else Path(src).name
            base = n / max(total, 1)
            step = 1 / max(total, 1)
            yield IngestEvent("load", name, n, total, base)
            try:
                with times.time("load"):
                    if isinstance(src, tuple):
                        if len(src[1]) > settings.max_file_mb * 1048576:
                            raise LoadError(name, f"文件过大（上限 {settings.max_file_mb:g} MB）")
                        loaded = load_bytes(src[1], file=name)
                    else:
                        loaded = load_file(src, max_mb=settings.max_file_mb)
                prepared = prepare_document(loaded, settings, times)
            except LoadError as err:
                result = FileResult(name, "failed", err.reason)
                yield IngestEvent("done", name, n, total, base + step, result)
                continue
            except Exception as exc:  # noqa: BLE001 - one bad file never stops the others
                result = FileResult(name, "failed", f"{type(exc).__name__}: {exc}")
                yield IngestEvent("done", name, n, total, base + step, result)
                continue
            meta = prepared.meta
            queued = next((q for q in pending if q.doc.meta.doc_id == meta.doc_id), None)
            if queued is not None:  # the same text twice in this run, not written yet
                same_file = queued.doc.meta.file == meta.file
                result = FileResult(name, "unchanged" if same_file else "duplicate",
                                    "" if same_file else f"与已导入的 {queued.doc.meta.file} 内容相同",
                                    doc_id=meta.doc_id, chunks=len(prepared.chunks), town=meta.town or "",
                                    year=meta.year)
                yield IngestEvent("done", name, n, total, base + step, result)
                continue
            if any(q.doc.meta.file == meta.file for q in pending):
                yield from _flush(pending, store, times, total)  # a second version of a queued file
            existing = store.get_doc(meta.doc_id)
            if existing is not None and existing.pipeline_version != PIPELINE_VERSION and existing.meta.file == meta.file:
                existing = None  # processed by older rules: redo it in place
            if existing is not None:
                same_file = existing.meta.file == meta.file
                result = FileResult(
                    name, "unchanged" if same_file else "duplicate",
                    "" if same_file else f"与已导入的 {existing.meta.file} 内容相同",
                    doc_id=meta.doc_id, chunks=existing.n_chunks, town=meta.town or "", year=meta.year,
                )
                yield IngestEvent("done", name, n, total, base + step, result)
                continue
            older = store.find_by_file(meta.file)
            yield IngestEvent("embed", name, n, total, base + step * 0.1, detail=f"{len(prepared.chunks)} 块")
            progress_events: list[IngestEvent] = []

            def on_progress(done: int, all_: int, _n=n, _name=name, _base=base) -> None:
                progress_events.append(IngestEvent(
                    "embed", _name, _n, total, _base + step * (0.1 + 0.8 * done / max(all_, 1)),
                    detail=f"{done}/{all_}"))

            try:
                with times.time("embed"):
                    vectors = embedder.embed_passages([c.embed_text for c in prepared.chunks], progress=on_progress)
            except Exception as exc:  # noqa: BLE001
                result = FileResult(name, "failed", f"嵌入失败：{type(exc).__name__}: {exc}")
                yield IngestEvent("done", name, n, total, base + step, result)
                continue
            yield from progress_events
            pending.append(_Queued(
                PendingDoc(meta, prepared.clean_text, prepared.chunks, vectors, prepared.tokens,
                           prepared.loaded.content_hash, prepared.loaded.fmt, PIPELINE_VERSION),
                older, name, n, base + step))
            if sum(len(q.doc.chunks) for q in pending) >= settings.write_batch_chunks:
                yield from _flush(pending, store, times, total)
        yield from _flush(pending, store, times, total)
        store.invalidate_bm25()


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
            chunks = chunk_document(text, meta, max_tokens=settings.chunk_tokens,
                                    overlap_tokens=settings.chunk_overlap_tokens, encoding=settings.tokenizer_encoding)
            tokens = [search_tokens(f"{meta.entity or meta.town or ''} {c.section} {c.text}") for c in chunks]
            vectors = embedder.embed_passages([c.embed_text for c in chunks])
            batch.append(PendingDoc(meta, text, chunks, vectors, tokens, rec.content_hash, rec.fmt, PIPELINE_VERSION))
            results.append(FileResult(rec.meta.file, "replaced", "按新版规则重新处理", meta.doc_id, len(chunks),
                                      meta.entity or "", meta.year))
            if sum(len(d.chunks) for d in batch) >= settings.write_batch_chunks:
                store.add_documents(batch)
                batch = []
        store.add_documents(batch)
        store.invalidate_bm25()
    return results


def ensure_seeded(*, settings: Settings, store: ReportStore, embedder: GovEmbedding,
                  on_event: Callable[[IngestEvent], None] | None = None) -> list[FileResult]:
    """Ingest the bundled seeds/ when the index is empty (first run of the app or `ask`)."""
    if not store.is_empty() or not settings.seeds_dir.is_dir():
        return []
    return ingest_paths([settings.seeds_dir], settings=settings, store=store, embedder=embedder, on_event=on_event)
