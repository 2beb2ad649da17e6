"""The store's errors, and turning a Chroma or SQLite failure into one that says how to recover."""

from __future__ import annotations

from rag.config import Settings


class StoreError(RuntimeError):
    """The data dir or the Chroma server cannot be used; the message says how to recover."""


class StoreLockedError(StoreError):
    """Another process holds the data dir's database (or ingest lock) longer than the timeout."""


class StoreCorruptError(StoreError):
    """The embedded index files are damaged; `govqa doctor --repair` rebuilds them."""


class StoreBusyError(StoreError):
    """Another process changed the index while this one read it, and one reopen did not help."""


# What a reader meets when another process wrote the index after this process opened it (its
# in-memory HNSW lacks the new ids) or while it is being written: reopen, then retry once.
_STALE_MARKERS = ("Error finding id", "Nothing found on disk", "hnsw segment reader", "Error loading hnsw",
                  "Error creating hnsw segment reader")


def is_stale_read(exc: BaseException) -> bool:
    detail = f"{type(exc).__name__}: {exc}"
    return any(m in detail for m in _STALE_MARKERS)


CORRUPT_MARKERS = ("malformed", "not a database", "file is encrypted", "database corrupt", "PanicException",
                   "Failed to pull logs")  # the last: Chroma's write-ahead log (in the SQLite file) is unreadable


def open_failure(settings: Settings, exc: BaseException) -> StoreError:
    """A clear error (naming the path and the recovery command) for a store that failed to open."""
    path = settings.store.data_dir / "chroma"
    detail = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    if any(m in detail for m in CORRUPT_MARKERS):
        return StoreCorruptError(
            f"数据目录 {path} 中的索引文件已损坏（{detail}）。运行 `govqa doctor --repair`：从其中仍可读取的报告"
            f"重建索引（向量来自缓存，损坏的文件移到一旁，不删除）。")
    if "locked" in detail or "busy" in detail:
        return StoreLockedError(
            f"数据目录 {path} 被其他进程锁定（{detail}）。请先关闭正在使用它的 govqa 进程后重试；"
            f"没有其他进程时运行 `govqa doctor` 检查。")
    return StoreError(f"数据目录 {path} 无法打开（{detail}）。运行 `govqa doctor` 检查，或移走该目录后重新 `govqa ingest`。")


def explain_store_failure(settings: Settings, exc: BaseException) -> StoreError | None:
    """A clear StoreError for an error raised while *using* the store (a damaged page found by a
    query, a lock), or None when the error is not about the store's files."""
    if isinstance(exc, StoreError):
        return exc
    detail = f"{type(exc).__name__}: {exc}"
    if settings.store.chroma_host or not any(m in detail for m in (*CORRUPT_MARKERS, "database is locked")):
        return None
    return open_failure(settings, exc)
