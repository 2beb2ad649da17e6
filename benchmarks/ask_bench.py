"""Ask latency (p50/p95/p99), serving-process RSS, and LlamaIndex's default pipeline as baseline.

    .venv/bin/python benchmarks/ask_bench.py --size 1 --size 5 --size 100            # embedded
    .venv/bin/python benchmarks/ask_bench.py --size 5 --size 100 --server            # Chroma server
    .venv/bin/python benchmarks/ask_bench.py --size 100 --threads 1

Every size is measured in a fresh *serving process* (a child of this script) that opens the index
(benchmarks/data/index-<mode>-<size>/, built from the embedding cache when missing), loads the
model, answers one warm-up question, then every dev-set question (eval/datasets/dev.jsonl;
conversation items turn by turn) with the offline extractive backend. Reported:

* ours — retrieval (query analysis + hybrid retrieval of every side) and the whole answer, in ms;
* the same questions through LlamaIndex's default pipeline over the *same* Chroma collection and
  the *same* GovEmbedding: ``VectorStoreIndex.from_vector_store(...).as_retriever()`` (retrieval)
  and ``.as_query_engine()`` with ``Settings.llm = None`` (answer), in the same process;
* a second pass of our questions (the query-embedding cache hit: repeated questions);
* the serving process's peak RSS (and the Chroma server's in server mode).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (  # noqa: E402
    DATA, ROOT, bench_settings, chroma_server, corpus_files, load_avg, machine, peak_rss_mb, percentiles,
    record, rss_mb, table,
)

DEV = ROOT / "eval" / "datasets" / "dev.jsonl"


def dev_items() -> list[dict]:
    return [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


def ensure_index(size: int, server: bool, seed: int, threads: int | None) -> Path:
    """Build benchmarks/data/index-<mode>-<size> from the embedding cache if it is missing."""
    from ingest.pipeline import ingest_paths
    from rag.embed import GovEmbedding
    from rag.store import ReportStore

    mode = "server" if server else "embedded"
    data_dir = DATA / f"index-{mode}-{size}"
    marker = data_dir / "complete.json"
    if marker.exists():
        return data_dir
    files = corpus_files(size, seed)
    ctx = chroma_server(data_dir / "chroma-server") if server else None
    srv = ctx.__enter__() if ctx else None
    try:
        settings = bench_settings(data_dir, server=srv[:2] if srv else None, threads=threads)
        store = ReportStore(settings)
        embedder = GovEmbedding.from_settings(settings)
        t = time.perf_counter()
        results = ingest_paths(files, settings=settings, store=store, embedder=embedder)
        docs = len(store.records())
        marker.write_text(json.dumps({"size": size, "docs": docs, "seconds": time.perf_counter() - t,
                                      "embedded": embedder.stats["embedded"],
                                      "failed": [r.line() for r in results if r.status == "failed"]},
                                     ensure_ascii=False))
        print(f"  索引 {data_dir.name}：{docs} 篇，{time.perf_counter() - t:.0f} s，"
              f"新嵌入 {embedder.stats['embedded']} 段", flush=True)
    finally:
        if ctx:
            ctx.__exit__(None, None, None)
    return data_dir


# ---------------------------------------------------------------------------------------- child
def serve_and_measure(data_dir: Path, server: tuple[str, int] | None, threads: int | None, baseline: bool) -> dict:
    t0 = time.perf_counter()
    from rag.chat import Conversation, QAService
    from rag.config import Settings as _S  # noqa: F401  (import cost counted in startup)

    settings = bench_settings(data_dir, server=server, threads=threads)
    service = QAService(settings)
    n_docs = len(service.catalogue())
    n_chunks = service.store.chunks.count()
    service.ask("全镇地区生产总值是多少？")  # warm-up: model load, BM25 load, jieba
    startup_s = time.perf_counter() - t0
    rss_after_start = rss_mb()
    items = dev_items()

    def our_pass() -> tuple[list[float], list[float], list[float]]:
        retr, ans, total = [], [], []
        for item in items:
            turns = item.get("turns") or [item["question"]]
            conv = Conversation()
            for q in turns:
                t = time.perf_counter()
                a = service.ask(q, conv)
                total.append((time.perf_counter() - t) * 1000)
                tm = a.timings_ms
                retr.append(tm.get("analyse", 0.0) + tm.get("retrieve", 0.0))
                ans.append(tm.get("answer", 0.0))
        return retr, ans, total

    service.embedder._query_lru.clear()
    retr, ans, total = our_pass()
    retr2, ans2, total2 = our_pass()  # repeated questions: query embeddings come from the LRU cache
    out = {"docs": n_docs, "chunks": n_chunks, "startup_s": startup_s, "rss_after_start_mb": rss_after_start,
           "questions": len(total), "ours_retrieve": percentiles(retr), "ours_answer_stage": percentiles(ans),
           "ours_total": percentiles(total), "ours_total_repeat": percentiles(total2),
           "ours_retrieve_repeat": percentiles(retr2),
           # the serving process proper: peak RSS before the baseline loads LlamaIndex nodes
           "serving_peak_rss_mb": peak_rss_mb()}
    if baseline:
        from llama_index.core import Settings as LISettings
        from llama_index.core import VectorStoreIndex

        LISettings.llm = None
        LISettings.embed_model = service.embedder
        index = VectorStoreIndex.from_vector_store(service.store.vector_store, embed_model=service.embedder)
        retriever = index.as_retriever(similarity_top_k=settings.retrieval.top_k)
        engine = index.as_query_engine(similarity_top_k=settings.retrieval.top_k)
        engine.query("全镇地区生产总值是多少？")
        service.embedder._query_lru.clear()
        b_retr, b_total = [], []
        for item in items:
            for q in item.get("turns") or [item["question"]]:
                t = time.perf_counter()
                retriever.retrieve(q)
                b_retr.append((time.perf_counter() - t) * 1000)
        service.embedder._query_lru.clear()
        for item in items:
            for q in item.get("turns") or [item["question"]]:
                t = time.perf_counter()
                engine.query(q)
                b_total.append((time.perf_counter() - t) * 1000)
        out.update(baseline_retrieve=percentiles(b_retr), baseline_total=percentiles(b_total))
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def measure(size: int, *, server: bool, threads: int | None, baseline: bool, seed: int) -> dict:
    data_dir = ensure_index(size, server, seed, threads)
    ctx = chroma_server(data_dir / "chroma-server") if server else None
    srv = ctx.__enter__() if ctx else None
    try:
        args = [sys.executable, __file__, "--child", str(data_dir), "--child-server",
                f"{srv[0]}:{srv[1]}" if srv else "", "--threads", str(threads or 0)]
        if baseline:
            args.append("--baseline")
        proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
        if proc.returncode != 0:
            raise RuntimeError(f"serving process failed:\n{proc.stderr[-3000:]}")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        result["server_peak_rss_mb"] = peak_rss_mb(srv[2]) if srv else 0.0
    finally:
        if ctx:
            ctx.__exit__(None, None, None)
    result.update(size=size, mode="server" if server else "embedded", threads=threads or 2,
                  omp_wait_policy=os.environ.get("OMP_WAIT_POLICY", "PASSIVE (default)"),
                  machine=machine(), load_after=load_avg())
    record("ask", **result)
    return result


def print_results(rows: list[dict]) -> None:
    head = ["篇数", "模式", "分块", "问题数", "检索 p50", "p95", "p99", "回答 p50", "p95", "p99", "重复问题 p95",
            "服务进程峰值RSS MB", "Chroma服务器RSS MB", "负载"]
    body = []
    for r in rows:
        body.append([r["docs"], r["mode"], r["chunks"], r["questions"], r["ours_retrieve"]["p50"],
                     r["ours_retrieve"]["p95"], r["ours_retrieve"]["p99"], r["ours_total"]["p50"],
                     r["ours_total"]["p95"], r["ours_total"]["p99"], r["ours_total_repeat"]["p95"],
                     r["serving_peak_rss_mb"], r["server_peak_rss_mb"] or "-", r["load_after"]])
    print(table(head, body))
    base = [r for r in rows if "baseline_total" in r]
    if base:
        print()
        print(table(["篇数", "模式", "LlamaIndex 检索 p50", "p95", "LlamaIndex 问答 p50", "p95",
                     "检索比（我们/基线，p50）", "问答比（我们/基线，p50）", "问答比（p95）"],
                    [[r["docs"], r["mode"], r["baseline_retrieve"]["p50"], r["baseline_retrieve"]["p95"],
                      r["baseline_total"]["p50"], r["baseline_total"]["p95"],
                      r["ours_retrieve"]["p50"] / r["baseline_retrieve"]["p50"],
                      r["ours_total"]["p50"] / r["baseline_total"]["p50"],
                      r["ours_total"]["p95"] / r["baseline_total"]["p95"]] for r in base]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="问答延迟与内存基准（含 LlamaIndex 默认流程基线）")
    ap.add_argument("--size", type=int, action="append", help="报告篇数（可重复）：1 / 5 / 100 / 1000")
    ap.add_argument("--server", action="store_true", help="通过真实的 `chroma run` 服务器")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--child-server", default="", help=argparse.SUPPRESS)
    ap.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        server = None
        if args.child_server:
            host, port = args.child_server.rsplit(":", 1)
            server = (host, int(port))
        out = serve_and_measure(args.child, server, args.threads or None, args.baseline)
        print(json.dumps(out, ensure_ascii=False))
        return 0
    print(f"机器：{machine()}")
    rows = []
    for size in args.size or [5]:
        print(f"-- {size} 篇，{'服务器' if args.server else '嵌入式'}模式 …", flush=True)
        rows.append(measure(size, server=args.server, threads=args.threads, baseline=not args.no_baseline,
                            seed=args.seed))
    print_results(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
