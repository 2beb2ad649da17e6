"""Idempotent, incremental ingest of files and folders into the stores.

``iter_ingest`` yields :class:`IngestEvent` s (a UI shows them as a progress bar and a per-file
status); ``ingest_paths`` runs it to the end and returns the per-file results. A file that
fails is reported with its name and reason and skipped; nothing already ingested is touched.
"""

from __future__ import annotations

import os
import stat
import time
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator, Literal

from ingest.isolate import prepare_guarded
from ingest.load import LoadError, file_kind
from ingest.meta import extract_metadata
from ingest.prepare import PreparedDoc, StageTimes, doc_id_for, index_entries, prepare_document  # noqa: F401 - re-exported
from rag.config import Settings
from rag.embed import GovEmbedding
from rag.data_dir_marker import mark_data_dir_used, seeds_allowed
from rag.store import ReportStore
from rag.store_records import DocRecord, PendingDoc
from rag.types import CleanDoc

Status = Literal["ok", "replaced", "unchanged", "duplicate", "failed"]

# Bump when cleaning, metadata or chunking rules change: documents ingested by an older
# pipeline are then re-processed on the next ingest (their embeddings come from the cache).
PIPELINE_VERSION = "14"


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def display_name(name: str) -> str:
    """A file name (or reason) safe to print on one line: control and format characters (a newline
    in a file name, a lone surrogate from undecodable bytes …) are shown escaped, never acted on."""
    if name.isprintable():
        return name
    out = []
    for ch in name:
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"):
            out.append(_ESCAPES.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"))
        else:
            out.append(ch)
    return "".join(out)


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
        extra = f"（{display_name(self.reason)}）" if self.reason else ""
        detail = f" {self.town or ''} {self.year or ''} {self.chunks}块" if self.status in ("ok", "replaced") else ""
        return f"{display_name(self.file)}: {label}{extra}{detail}"


@dataclass
class IngestEvent:
    stage: str  # load | clean | chunk | embed | write | done
    file: str
    index: int  # file number (0-based)
    total: int  # number of files
    fraction: float  # overall progress 0..1
    result: FileResult | None = None
    detail: str = ""


def _refusal(path: Path, st: os.stat_result | None) -> str:
    """Why a path found in a folder (or named directly) is not read: '' for a regular file."""
    if st is None:
        return "文件或目录不存在"
    if stat.S_ISLNK(st.st_mode):
        return "是符号链接，已拒绝（不跟随链接导入，请直接导入目标文件）"
    if not stat.S_ISREG(st.st_mode):
        return f"不是普通文件（{file_kind(st.st_mode)}），已拒绝"
    return ""


def collect_files(paths: Iterable[str | Path], settings: Settings) -> tuple[list[Path], list[FileResult]]:
    """Expand folders. Unsupported files, symlinks and non-regular files (FIFO, socket, device) get a
    line each; hidden files are skipped silently. Symlinks are never followed (a link named
    report.txt pointing at /etc/passwd is refused, and so is a linked folder)."""
    files: list[Path] = []
    rejected: list[FileResult] = []

    def consider(sub: Path, st: os.stat_result | None) -> None:
        reason = _refusal(sub, st)
        if reason:
            rejected.append(FileResult(sub.name or str(sub), "failed", reason))
        elif sub.suffix.lower() in settings.allowed_suffixes:
            files.append(sub)
        else:  # reported too: a folder's content is never dropped silently
            rejected.append(FileResult(sub.name, "failed", f"不支持的文件类型 {sub.suffix or '(无扩展名)'}"))

    for raw in paths:
        p = Path(raw)
        try:
            st = os.lstat(p)
        except OSError:
            st = None
        if st is not None and stat.S_ISDIR(st.st_mode):
            found: list[tuple[Path, os.stat_result | None]] = []
            for root, dirs, names in os.walk(p, followlinks=False):
                base = Path(root)
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for d in list(dirs):  # a symlinked folder is listed by walk as a dir: refuse it, do not enter
                    if (base / d).is_symlink():
                        dirs.remove(d)
                        found.append((base / d, os.lstat(base / d)))
                for n in names:
                    if n.startswith("."):
                        continue
                    try:
                        found.append((base / n, os.lstat(base / n)))
                    except OSError:
                        found.append((base / n, None))
            for sub, sub_st in sorted(found, key=lambda x: x[0]):
                consider(sub, sub_st)
        else:
            consider(p, st)
    return files, rejected


class IngestLock:
    """One writer at a time per data dir: a second ingest waits (saying so) up to
    GOVQA_INGEST_LOCK_TIMEOUT, then gives a clear error. The kernel releases the lock of a killed
    process, so a stale lock cannot block."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.path = settings.data_dir / "ingest.lock"
        self.fh = None

    def try_acquire(self) -> bool:
        import fcntl

        if self.fh is None:
            self.settings.data_dir.mkdir(parents=True, exist_ok=True)
            self.fh = open(self.path, "w")
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def wait_message(self) -> str:
        return (f"另一个导入正在使用数据目录 {self.settings.data_dir}（{self.path}），"
                f"等待它完成后继续（最多 {self.settings.ingest_lock_timeout_s:g} 秒）…")

    def acquire(self) -> None:
        deadline = time.monotonic() + self.settings.ingest_lock_timeout_s
        while not self.try_acquire():
            if time.monotonic() >= deadline:
                from rag.store_errors import StoreLockedError

                self.release()
                raise StoreLockedError(
                    f"数据目录 {self.settings.data_dir} 正被另一个导入进程使用（{self.path}），"
                    f"等待 {self.settings.ingest_lock_timeout_s:g} 秒后仍未结束。请等它完成后重试"
                    f"（GOVQA_INGEST_LOCK_TIMEOUT 可调整等待时间），之后可运行 `govqa doctor` 检查。")
            time.sleep(0.2)

    def release(self) -> None:
        import fcntl

        if self.fh is not None:
            try:
                fcntl.flock(self.fh, fcntl.LOCK_UN)
            finally:
                self.fh.close()
                self.fh = None


@contextmanager
def ingest_lock(settings: Settings, on_wait: Callable[[str], None] | None = None):
    """One writer at a time per data dir (a second ingest waits; ``on_wait`` hears about it once)."""
    lock = IngestLock(settings)
    if not lock.try_acquire():
        if on_wait:
            on_wait(lock.wait_message())
        lock.acquire()
    try:
        yield
    finally:
        lock.release()


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
            name = src[0] if isinstance(src, tuple) else Path(src).name
            base = n / max(total, 1)
            step = 1 / max(total, 1)
            yield IngestEvent("load", name, n, total, base)
            try:
                prepared = prepare_guarded(src, settings, times)
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
            older = [r for r in store.find_by_file(meta.file) if r.meta.doc_id != meta.doc_id]
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
                           prepared.loaded.content_hash, prepared.loaded.fmt, PIPELINE_VERSION,
                           supersedes=tuple(o.meta.doc_id for o in older), indicators=prepared.indicators),
                older, name, n, base + step))
            if sum(len(q.doc.chunks) for q in pending) >= settings.write_batch_chunks:
                yield from _flush(pending, store, times, total)
        yield from _flush(pending, store, times, total)
        store.invalidate_bm25()
    finally:
        lock.release()


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
            chunks, tokens = index_entries(text, meta, settings)
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
    """Ingest the bundled seeds/ into a new, empty data dir (the app's first start). A data dir
    anything was ever written to, removed from or repaired in never gets them (see
    rag.store.seeds_allowed): not after a repair, not after the user deleted every report."""
    if not seeds_allowed(settings) or not store.is_empty() or not settings.seeds_dir.is_dir():
        if not store.is_empty():
            mark_data_dir_used(settings, "found in use")
        return []
    results = ingest_paths([settings.seeds_dir], settings=settings, store=store, embedder=embedder, on_event=on_event)
    mark_data_dir_used(settings, "seeded")
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
        if sum(len(d.chunks) for d in pending) >= settings.write_batch_chunks:
            store.add_documents(pending)
            pending = []
    store.add_documents(pending)
    store.remove_superseded()
    store.invalidate_bm25()
    store.bm25()
    return restored, lost
