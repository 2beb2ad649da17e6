"""Opening the Chroma client: server or embedded data dir, probed first for a lock or a damaged file."""

from __future__ import annotations

import os
from pathlib import Path

from rag.config import Settings, disable_phone_home
from rag.store_errors import CORRUPT_MARKERS, StoreError, StoreLockedError, open_failure


def forget_chroma_system(settings: Settings) -> None:
    """Make the next PersistentClient for this data dir a new one (a fresh view of the files),
    without stopping the current one: other objects of this process may still be reading through
    it, and it is freed when the last of them lets go. (Chroma caches one System per path.)"""
    from chromadb.api.shared_system_client import SharedSystemClient

    target = os.path.realpath(settings.store.data_dir / "chroma")
    with SharedSystemClient._refcount_lock:
        for ident in list(SharedSystemClient._identifier_to_system):
            if ident and os.path.realpath(ident) == target:
                SharedSystemClient._identifier_to_system.pop(ident, None)
                SharedSystemClient._identifier_to_refcount.pop(ident, None)


def chroma_sqlite_path(settings: Settings) -> Path:
    return settings.store.data_dir / "chroma" / "chroma.sqlite3"


def sqlite_uri(path: Path, mode: str) -> str:
    from urllib.parse import quote

    return f"file:{quote(str(path.resolve()))}?mode={mode}"


def probe_data_dir(settings: Settings) -> None:
    """Fail fast with a clear message when the embedded database is locked or not a database
    (Chroma itself would wait forever on a lock, or panic on a damaged file)."""
    import sqlite3

    db = chroma_sqlite_path(settings)
    if settings.store.chroma_host or not db.is_file():
        return
    try:
        con = sqlite3.connect(sqlite_uri(db, "rw"), uri=True, timeout=settings.store.lock_timeout_s)
    except sqlite3.Error:
        return  # e.g. a read-only data dir: let Chroma try and report
    try:
        con.execute("BEGIN IMMEDIATE")  # waits for (at most lock_timeout_s) any other writer
        con.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        msg = str(exc)
        if "locked" in msg or "busy" in msg:
            raise StoreLockedError(
                f"数据目录 {settings.store.data_dir} 被其他进程锁定：{db} 在 {settings.store.lock_timeout_s:g} 秒内一直被占用。"
                f"请先关闭正在使用它的 govqa 进程（导入或网页界面）后重试；没有其他进程时运行 `govqa doctor` 检查。"
            ) from exc
        if any(m in msg for m in CORRUPT_MARKERS):
            raise open_failure(settings, exc) from exc
    except sqlite3.DatabaseError as exc:
        raise open_failure(settings, exc) from exc
    finally:
        con.close()


def open_chroma_client(settings: Settings):
    disable_phone_home()
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.store.chroma_host:
        headers = {}
        if settings.store.chroma_token:
            headers["Authorization"] = f"Bearer {settings.store.chroma_token}"
        try:
            return chromadb.HttpClient(
                host=settings.store.chroma_host, port=settings.store.chroma_port, ssl=settings.store.chroma_ssl,
                headers=headers or None, settings=chroma_settings,
            )
        except Exception as exc:  # noqa: BLE001
            raise StoreError(
                f"无法连接 Chroma 服务器 {settings.store.chroma_host}:{settings.store.chroma_port}：{exc}"
            ) from exc
    path = settings.store.data_dir / "chroma"
    probe_data_dir(settings)
    try:
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - Chroma's Rust core panics (BaseException) on damaged files
        raise open_failure(settings, exc) from exc
