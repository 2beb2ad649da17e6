"""Shared helpers of the benchmark scripts: corpora by size, settings, a Chroma server, RSS."""

from __future__ import annotations

import json
import os
import platform
import resource
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH = ROOT / "benchmarks"
DATA = BENCH / "data"  # gitignored: corpora, indexes, raw results
CACHE = BENCH / "cache"  # gitignored: the embedding cache shared by every run
SEEDS = ROOT / "seeds"
RESULTS = DATA / "results.jsonl"

from rag.config import Settings, disable_phone_home  # noqa: E402

disable_phone_home()


def corpus_files(size: int, seed: int = 7) -> list[Path]:
    """The corpus of ``size`` reports: 1 = the first seed, 5 = the seeds, N = seeds + N-5 synthetic.

    The dev-set questions are about the seeds, so every size contains them (except 1, which
    contains one) and the synthetic reports act as the haystack around them.
    """
    seeds = sorted(p for p in SEEDS.iterdir() if p.is_file() and not p.name.startswith("."))
    if size <= len(seeds):
        return seeds[:size]
    from benchmarks.make_corpus import write_corpus

    out = DATA / f"corpus-s{seed}"
    n_synth = size - len(seeds)
    have = sorted(out.glob(f"synth_{seed}_*.txt")) if out.is_dir() else []
    if len(have) < n_synth:
        write_corpus(out, n_synth, seed)
    return seeds + [out / f"synth_{seed}_{i:05d}.txt" for i in range(n_synth)]


def bench_settings(data_dir: Path, *, server: tuple[str, int] | None = None, cache_dir: Path = CACHE,
                   threads: int | None = None) -> Settings:
    over = dict(data_dir=data_dir, embed_cache_dir=cache_dir, chroma_host=None, llm_base_url=None,
                llm_api_key=None, backend="extractive")
    if server:
        over.update(chroma_host=server[0], chroma_port=server[1])
    if threads:
        over.update(embed_threads=threads)
    return Settings.from_env(**over)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chroma_executable() -> str:
    exe = Path(sys.executable).with_name("chroma")
    return str(exe) if exe.exists() else "chroma"


@contextmanager
def chroma_server(path: Path, port: int | None = None):
    """A real `chroma run` on 127.0.0.1; yields (host, port, pid); killed at exit."""
    port = port or free_port()
    path.mkdir(parents=True, exist_ok=True)
    log = open(path.parent / f"{path.name}.log", "w")
    env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
    proc = subprocess.Popen([chroma_executable(), "run", "--path", str(path), "--host", "127.0.0.1",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        wait_heartbeat("127.0.0.1", port, proc)
        yield "127.0.0.1", port, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def wait_heartbeat(host: str, port: int, proc: subprocess.Popen | None = None, timeout: float = 60) -> None:
    import urllib.request

    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"chroma run exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://{host}:{port}/api/v2/heartbeat", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"chroma server on {host}:{port} did not answer its heartbeat in {timeout:.0f} s")


def rss_mb(pid: int | None = None) -> float:
    """Current RSS (MB) of a process (default: this one)."""
    with open(f"/proc/{pid or 'self'}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb(pid: int | None = None) -> float:
    """Peak RSS (MB) of a process (VmHWM); of this one by default."""
    if pid is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def machine() -> str:
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{cpu or platform.processor()}, {os.cpu_count()} cores, {mem:.0f} GB RAM, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}")


def load_avg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def record(kind: str, **fields) -> None:
    """Append one result row to benchmarks/data/results.jsonl (RESULTS.md is written from them)."""
    DATA.mkdir(parents=True, exist_ok=True)
    row = {"kind": kind, "at": time.strftime("%Y-%m-%d %H:%M:%S"), "load": load_avg(), **fields}
    with open(RESULTS, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def percentiles(values: list[float]) -> dict[str, float]:
    import numpy as np

    if not values:
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan"), "mean": float("nan")}
    arr = np.asarray(values, dtype=float)
    return {"p50": float(np.percentile(arr, 50)), "p95": float(np.percentile(arr, 95)),
            "p99": float(np.percentile(arr, 99)), "mean": float(arr.mean())}


def table(headers: list[str], rows: list[list]) -> str:
    """A Markdown table (also readable on a terminal)."""
    def fmt(v):
        if isinstance(v, float):
            return f"{v:,.1f}" if abs(v) >= 10 else f"{v:.2f}"
        return str(v)

    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(fmt(v) for v in r) + " |" for r in rows]
    return "\n".join(lines)
