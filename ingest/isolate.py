"""Parse files in a child process under CPU-time and memory limits.

Reading, cleaning, metadata and chunking of one file (``ingest.prepare.prepare_source``) run in a
separate Python process (``subprocess`` running this module's ``_child_main``) that sets
``resource`` limits on itself: an address-space limit (RLIMIT_AS, ``GOVQA_PARSE_MEM_MB``) and, per
file, a CPU-time limit (RLIMIT_CPU, ``GOVQA_PARSE_CPU_S``; the kernel ends the process with
SIGXCPU when a file exceeds it). The parent also has a wall-clock deadline. A file that hits a
limit, or crashes the parser, gets one clear LoadError naming the file and the reason; the worker
is restarted for the next file, and the process that asked (the app, `govqa ingest`) never stalls
on the GIL, never runs out of memory and keeps serving.

One worker per process is kept between files (starting one costs ≈2 s of imports and jieba's
dictionary), and closed after a few minutes idle.
"""

from __future__ import annotations

import atexit
import os
import pickle
import selectors
import signal
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

from ingest.load import LoadError
from ingest.prepare import PreparedDoc, StageTimes, prepare_source
from rag.config import PROJECT_ROOT, Settings

_HEADER = struct.Struct("!Q")
_BOOT = ("import sys; sys.path.insert(0, sys.argv[1]); "
         "from ingest.isolate import _child_main; _child_main(sys.argv[2:])")


class WorkerDied(Exception):
    """The child ended without answering (a limit, a crash); ``reason`` is for the user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# ---------------------------------------------------------------------------- framing
def _write_frame(fh, obj) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    fh.write(_HEADER.pack(len(data)))
    fh.write(data)
    fh.flush()


def _read_exact(fh, n: int) -> bytes:
    parts = []
    while n:
        block = fh.read(n)
        if not block:
            raise EOFError
        parts.append(block)
        n -= len(block)
    return b"".join(parts)


def _read_frame(fh):
    (size,) = _HEADER.unpack(_read_exact(fh, _HEADER.size))
    return pickle.loads(_read_exact(fh, size))


# ---------------------------------------------------------------------------- the child
def _cpu_used() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _peak_rss_mb() -> float:
    """VmHWM (ru_maxrss would still count the pages of the process this one was forked from)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child_main(argv: list[str]) -> None:
    """Serve prepare requests on stdin/stdout until EOF (runs in the child process)."""
    import resource

    mem_mb = float(argv[0]) if argv else 0.0
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # the protocol owns the original stdout; anything a library prints goes to stderr
    proto_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    proto_in = os.fdopen(os.dup(0), "rb")
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in a terminal is the parent's to handle
    from rag.config import disable_phone_home

    disable_phone_home()
    from rag.text.places import gazetteer
    from rag.text.tokens import _jieba, count_tokens, is_function_word

    # what every file needs once per process is loaded before the limits, so every file pays for
    # its own work only: the segmenter's dictionary and part-of-speech tables, the tokenizer, and
    # the administrative divisions (≈3.5 s of CPU on 2 cores, more than a small CPU budget)
    _jieba()
    is_function_word("的")
    count_tokens("预热")
    gazetteer()
    if mem_mb > 0:
        cap = int(mem_mb * 1048576)
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            cap = min(cap, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        _write_frame(proto_out, ("ready", os.getpid()))
        _serve(proto_in, proto_out)
    except BaseException:  # noqa: BLE001 - EOF / a broken pipe: the parent went away, nothing to report to
        pass
    os._exit(0)  # a parent killed mid-file leaves no orphan: its pipe closes and this exits


def _serve(proto_in, proto_out) -> None:
    import resource

    while True:
        request = _read_frame(proto_in)
        kind, src, settings = request
        if kind != "prepare":
            continue
        # the CPU budget of this file: the soft limit is cumulative for the process
        soft = int(_cpu_used()) + max(1, int(settings.limits.parse_cpu_s + 0.999))
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
        times = StageTimes()
        try:
            prepared = prepare_source(src, settings, times)
            reply = ("ok", prepared, times.seconds, _peak_rss_mb())
        except LoadError as err:
            reply = ("fail", err.reason, times.seconds, _peak_rss_mb())
        except MemoryError:
            reply = ("memory", "", times.seconds, _peak_rss_mb())
        except RecursionError:
            reply = ("fail", "文档结构嵌套过深，无法解析", times.seconds, _peak_rss_mb())
        except Exception as exc:  # noqa: BLE001 - one file's failure is reported, not raised
            reply = ("fail", f"{type(exc).__name__}: {str(exc)[:300]}", times.seconds, _peak_rss_mb())
        try:
            _write_frame(proto_out, reply)
        except MemoryError:
            _write_frame(proto_out, ("memory", "", times.seconds, _peak_rss_mb()))
        if reply[0] == "memory":
            return  # a process that ran out of memory is not trusted with the next file


# ---------------------------------------------------------------------------- the parent
class PrepareWorker:
    """A long-lived parse process with limits; ``prepare`` is thread-safe (one file at a time)."""

    def __init__(self, cpu_s: float, mem_mb: float, idle_close_s: float):
        self.cpu_s = cpu_s
        self.idle_close_s = idle_close_s
        self.mem_mb = mem_mb
        self.proc: subprocess.Popen | None = None
        self.pid: int | None = None
        self.lock = threading.Lock()
        self.last_used = time.monotonic()
        self.peak_rss_mb = 0.0  # of the last file (as the child measured it)
        self.restarts = 0
        self._timer: threading.Timer | None = None

    # -- lifecycle
    def _start(self) -> None:
        env = dict(os.environ, PYTHONUNBUFFERED="1", OMP_NUM_THREADS="1", MALLOC_ARENA_MAX="2")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _BOOT, str(PROJECT_ROOT), f"{self.mem_mb:g}"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None, env=env, close_fds=True,
            start_new_session=True,  # a terminal's Ctrl+C / job control signals are the parent's
        )
        try:
            ready = self._reply(timeout=120.0)
        except WorkerDied as err:
            self._kill()
            raise WorkerDied(f"解析进程无法启动（{err.reason}）") from None
        if not (isinstance(ready, tuple) and ready[0] == "ready"):
            self._kill()
            raise WorkerDied("解析进程无法启动（握手失败）")
        self.pid = ready[1]

    def _kill(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        for stream in (proc.stdin, proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        if proc.poll() is None:
            proc.kill()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass

    def close(self) -> None:
        with self.lock:
            self._kill()

    def _close_if_idle(self) -> None:
        if not self.lock.acquire(blocking=False):
            return
        try:
            if time.monotonic() - self.last_used >= self.idle_close_s - 1:
                self._kill()
        finally:
            self.lock.release()

    # -- one exchange
    def _reply(self, timeout: float):
        assert self.proc is not None and self.proc.stdout is not None
        # a selector (epoll/poll), not select(): select() fails for descriptors above 1023, which a
        # long-running process with many stores open reaches
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stdout, selectors.EVENT_READ)
            ready = sel.select(timeout)
        if not ready:
            raise WorkerDied("timeout")
        try:
            return _read_frame(self.proc.stdout)
        except (EOFError, OSError, pickle.UnpicklingError):
            raise WorkerDied("eof") from None

    def _death_reason(self, why: str, file: str) -> str:
        code = None
        if self.proc is not None:
            try:
                code = self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                code = None
        if why == "timeout":
            return (f"处理超时（超过 {self.wall_s:g} 秒仍未完成），已停止；文件可能过于复杂或含有异常内容"
                    f"（GOVQA_PARSE_CPU_S 可调整上限）")
        if code == -signal.SIGXCPU:
            return (f"处理超时（CPU 时间超过 {self.cpu_s:g} 秒），已停止；文件可能过于复杂或含有异常内容"
                    f"（GOVQA_PARSE_CPU_S 可调整上限）")
        if code in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS):
            return (f"解析时内存超过上限或解析器崩溃（信号 {signal.Signals(-code).name}，内存上限 {self.mem_mb:g} MB，"
                    f"GOVQA_PARSE_MEM_MB 可调整）")
        return f"解析进程意外退出（退出码 {code}）"

    @property
    def wall_s(self) -> float:
        # the CPU limit ends a busy child; the wall clock covers a child starved of CPU or stuck in I/O
        return self.cpu_s * 3 + 30

    def prepare(self, src, settings: Settings, times: StageTimes | None = None) -> PreparedDoc:
        name = src[0] if isinstance(src, tuple) else Path(src).name
        times = times or StageTimes()
        with self.lock:
            self.last_used = time.monotonic()
            t0 = time.perf_counter()
            try:
                if self.proc is None or self.proc.poll() is not None:
                    self._kill()
                    self.restarts += 1
                    self._start()
                assert self.proc is not None and self.proc.stdin is not None
                src_arg = src if isinstance(src, tuple) else str(src)
                try:
                    _write_frame(self.proc.stdin, ("prepare", src_arg, settings))
                except (BrokenPipeError, OSError):
                    raise WorkerDied("eof") from None
                reply = self._reply(timeout=self.wall_s)
            except WorkerDied as err:
                reason = err.reason if err.reason not in ("timeout", "eof") else self._death_reason(err.reason, name)
                self._kill()
                times.seconds["load"] += time.perf_counter() - t0
                raise LoadError(name, reason) from None
            finally:
                self.last_used = time.monotonic()
                self._schedule_idle_close()
        status, payload, seconds, peak = reply
        self.peak_rss_mb = peak
        for stage, value in seconds.items():
            times.seconds[stage] = times.seconds.get(stage, 0.0) + value
        if status == "ok":
            return payload
        if status == "memory":
            with self.lock:
                self._kill()
            raise LoadError(name, f"解析时内存超过上限（{self.mem_mb:g} MB，GOVQA_PARSE_MEM_MB 可调整）；"
                                  f"文件可能是压缩炸弹或过于复杂")
        raise LoadError(name, payload)

    def _schedule_idle_close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = threading.Timer(self.idle_close_s, self._close_if_idle)
        self._timer.daemon = True
        self._timer.start()


_workers: dict[tuple[float, float, float], PrepareWorker] = {}
_workers_lock = threading.Lock()


def worker_for(settings: Settings) -> PrepareWorker:
    """The process's parse worker for these limits (started on first use)."""
    limits = settings.limits
    key = (float(limits.parse_cpu_s), float(limits.parse_mem_mb), float(limits.parse_idle_close_s))
    with _workers_lock:
        worker = _workers.get(key)
        if worker is None:
            for other in list(_workers.values()):  # one live worker per process
                other.close()
            _workers.clear()
            worker = _workers[key] = PrepareWorker(*key)
        return worker


def close_workers() -> None:
    with _workers_lock:
        for worker in _workers.values():
            worker.close()
        _workers.clear()


atexit.register(close_workers)


def prepare_guarded(src, settings: Settings, times: StageTimes | None = None) -> PreparedDoc:
    """``prepare_source`` in the parse worker (or in-process when GOVQA_PARSE_ISOLATED=0)."""
    if not settings.limits.parse_isolated:
        return prepare_source(src, settings, times)
    return worker_for(settings).prepare(src, settings, times)
