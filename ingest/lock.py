"""One writer at a time per data dir: the ingest lock."""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Callable

from rag.config import Settings


class IngestLock:
    """One writer at a time per data dir: a second ingest waits (saying so) up to
    GOVQA_INGEST_LOCK_TIMEOUT, then gives a clear error. The kernel releases the lock of a killed
    process, so a stale lock cannot block."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.path = settings.store.data_dir / "ingest.lock"
        self.fh = None

    def try_acquire(self) -> bool:
        import fcntl

        if self.fh is None:
            self.settings.store.data_dir.mkdir(parents=True, exist_ok=True)
            self.fh = open(self.path, "w")
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def wait_message(self) -> str:
        return (f"另一个导入正在使用数据目录 {self.settings.store.data_dir}（{self.path}），"
                f"等待它完成后继续（最多 {self.settings.store.ingest_lock_timeout_s:g} 秒）…")

    def acquire(self) -> None:
        deadline = time.monotonic() + self.settings.store.ingest_lock_timeout_s
        while not self.try_acquire():
            if time.monotonic() >= deadline:
                from rag.store_errors import StoreLockedError

                self.release()
                raise StoreLockedError(
                    f"数据目录 {self.settings.store.data_dir} 正被另一个导入进程使用（{self.path}），"
                    f"等待 {self.settings.store.ingest_lock_timeout_s:g} 秒后仍未结束。请等它完成后重试"
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
