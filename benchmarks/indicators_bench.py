"""指标库 benchmarks: what indicator extraction adds to ingest, and how fast the table answers.

    GOVQA_EMBED_CACHE=benchmarks/cache .venv/bin/python benchmarks/indicators_bench.py
    .venv/bin/python benchmarks/indicators_bench.py --rounds 3 --sizes 31,100,1000 [--server]

1. Ingest with vs without extraction: the corpus (../shared/corpus, every .txt: 56 reports at
   every level) is ingested into a fresh data dir, alternately with extraction off
   (GOVQA_INDICATORS=0: no extraction, no indicator rows written) and on, ``--rounds`` times each,
   embeddings read from the embedding cache (GOVQA_EMBED_CACHE, default benchmarks/cache), so
   the comparison is of everything but embedding. A warm-up ingest runs first (model, jieba).
   Reported: median total seconds per mode, the extraction stage itself, the overhead.
2. Table answers at N reports: the corpus's rows replicated to N reports (copies renamed as other
   issuers), written to a real store (``--server``: a `chroma run` server) as reports with their
   indicator rows; then a new client answers ranking/filter/set questions through
   :func:`rag.table_answer.answer_from_table` (cold: the first question reads the table; warm:
   median of the next runs).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import ROOT, bench_settings, chroma_server, load_avg, machine, record, table  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
QUESTIONS = ["哪个省2026年GDP增长目标最高？", "哪些省份2026年GDP增长目标定在5%以上？",
             "各省2025年地区生产总值增速分别是多少？"]


def corpus_files() -> list[Path]:
    """Every report of the corpus, the 31 provincial 2026 reports first."""
    return sorted((p for p in CORPUS.rglob("*.txt") if p.is_file()),
                  key=lambda p: (p.parent.name != "provinces_2026", str(p)))


_WRITE_S = [0.0]


def _timed_table_writes() -> None:
    """Count the time spent writing indicator rows (inside the store's write stage)."""
    from rag.indicators_table import IndicatorTable

    if getattr(IndicatorTable.write, "_timed", False):
        return
    original = IndicatorTable.write

    def write(self, docs):
        t = time.perf_counter()
        try:
            return original(self, docs)
        finally:
            _WRITE_S[0] += time.perf_counter() - t

    write._timed = True
    IndicatorTable.write = write


def cache_dir() -> Path:
    return Path(os.environ.get("GOVQA_EMBED_CACHE") or Path(__file__).resolve().parent / "cache")


def ingest_once(files: list[Path], extraction: bool) -> dict:
    from ingest.pipeline import StageTimes, ingest_paths
    from rag.embed import GovEmbedding
    from rag.store import ReportStore

    _timed_table_writes()
    _WRITE_S[0] = 0.0
    data = Path(tempfile.mkdtemp(prefix="govqa-indbench-"))
    try:
        settings = bench_settings(data, cache_dir=cache_dir()).with_(indicators=extraction)
        store = ReportStore(settings)
        embedder = GovEmbedding.from_settings(settings)
        times = StageTimes()
        t = time.perf_counter()
        results = ingest_paths(files, settings=settings, store=store, embedder=embedder, times=times)
        total = time.perf_counter() - t
        failed = [r.line() for r in results if r.status == "failed"]
        rows = 0
        if extraction:
            from rag.indicators_table import table_for

            got = table_for(store).collection.get(include=["metadatas"])
            rows = sum(int(m.get("n_rows", 0)) for m in got["metadatas"])
        return {"total_s": total, "stages": dict(times.seconds), "docs": times.docs, "rows": rows,
                "rows_write_s": _WRITE_S[0],
                "embedded": embedder.stats["embedded"], "failed": failed}
    finally:
        shutil.rmtree(data, ignore_errors=True)


def ingest_overhead(rounds: int) -> dict:
    files = corpus_files()
    print(f"\n== 1. 导入耗时：有/无指标抽取 · {len(files)} 篇（{CORPUS}）· 嵌入缓存 {cache_dir()} · 每种 {rounds} 轮")
    ingest_once(files[:3], True)  # warm-up: model, jieba, Chroma
    runs = {False: [], True: []}
    for i in range(rounds):
        for mode in ((False, True) if i % 2 == 0 else (True, False)):
            r = ingest_once(files, mode)
            runs[mode].append(r)
            print(f"  第{i + 1}轮 {'有抽取' if mode else '无抽取'}：{r['total_s']:.2f} s"
                  f"（抽取 {r['stages'].get('indicators', 0):.3f} s，写指标行 {r['rows_write_s']:.3f} s，"
                  f"写入合计 {r['stages']['write']:.2f} s，"
                  f"新嵌入 {r['embedded']}）")
    off = statistics.median(r["total_s"] for r in runs[False])
    on = statistics.median(r["total_s"] for r in runs[True])
    extract = statistics.median(r["stages"].get("indicators", 0.0) for r in runs[True])
    write_off = statistics.median(r["stages"]["write"] for r in runs[False])
    write_on = statistics.median(r["stages"]["write"] for r in runs[True])
    rows_write = statistics.median(r["rows_write_s"] for r in runs[True])
    docs = runs[True][0]["docs"]
    rows = runs[True][0]["rows"]
    direct = extract + rows_write
    print(table(["模式", "报告", "指标行", "导入总秒数（中位数）", "抽取秒数", "写指标行秒数", "写入合计秒数", "相对无抽取"],
                [["无抽取（GOVQA_INDICATORS=0）", docs, 0, off, 0.0, 0.0, write_off, "—"],
                 ["有抽取", docs, rows, on, extract, rows_write, write_on, f"{(on / off - 1) * 100:+.1f}%"]]))
    print(f"指标库直接耗时（抽取 + 写指标行）：{direct:.2f} s = {direct * 1000 / max(docs, 1):.1f} ms/篇，"
          f"为无抽取导入时间的 {direct / off * 100:.1f}%（预算 ≤10%）；两种模式总时间之差 {(on / off - 1) * 100:+.1f}% "
          f"含机器负载的波动（各轮见上）。嵌入全部来自缓存（新嵌入 {sum(r['embedded'] for rs in runs.values() for r in rs)} 段）。")
    result = {"docs": docs, "rows": rows, "rounds": rounds, "off_s": off, "on_s": on, "extract_s": extract,
              "rows_write_s": rows_write, "direct_pct": direct / off * 100,
              "overhead_pct": (on / off - 1) * 100, "write_off_s": write_off, "write_on_s": write_on,
              "runs_off": [r["total_s"] for r in runs[False]], "runs_on": [r["total_s"] for r in runs[True]]}
    record("indicators_ingest", **result, machine=machine())
    return result


# ---------------------------------------------------------------------------- table answers at N reports
def base_reports() -> list[tuple]:
    """(meta, rows) of every corpus report (no store: load, clean, meta, extract)."""
    from ingest.load import load_file
    from ingest.pipeline import prepare_document

    settings = bench_settings(Path(tempfile.mkdtemp(prefix="govqa-indbench-meta-")), cache_dir=cache_dir())
    out = []
    for f in corpus_files():
        p = prepare_document(load_file(f), settings)
        out.append((p.meta, p.indicators or []))
    shutil.rmtree(settings.store.data_dir, ignore_errors=True)
    return out


def replicate(base: list[tuple], n: int) -> list[tuple]:
    """n reports: the corpus, then copies whose issuer is renamed (广东省·甲 …) so each is its own report."""
    out = []
    for i in range(n):
        meta, rows = base[i % len(base)]
        k = i // len(base)
        if k == 0:
            out.append((meta, rows))
            continue
        tag = "".join(chr(ord("甲") + int(d)) for d in str(k))  # no digits: a name is not a figure
        entity = f"{meta.entity}·{tag}" if meta.entity else None
        doc_id = f"{meta.doc_id[:10]}{k:06d}"
        m2 = replace(meta, doc_id=doc_id, entity=entity, town=entity, file=f"copy{k}_{meta.file}")
        out.append((m2, [replace(r, doc_id=doc_id, entity=entity or r.entity, file=m2.file) for r in rows]))
    return out


def answer_latency(sizes: list[int], server: bool, runs: int = 7) -> list[dict]:
    import numpy as np

    from rag.store import ReportStore
    from rag.store_records import PendingDoc
    from rag.table_answer import answer_from_table

    base = base_reports()
    print(f"\n== 2. 指标表回答耗时 · 语料 {len(base)} 篇复制到 N 篇 · {'Chroma 服务器' if server else '嵌入式'} · "
          f"负载 {load_avg()}")
    results = []
    for n in sizes:
        data = Path(tempfile.mkdtemp(prefix="govqa-indbench-ans-"))
        srv_ctx = chroma_server(data / "chroma-server") if server else None
        srv = srv_ctx.__enter__() if srv_ctx else None
        try:
            settings = bench_settings(data, server=(srv[0], srv[1]) if srv else None, cache_dir=cache_dir())
            writer = ReportStore(settings)
            docs = replicate(base, n)
            t = time.perf_counter()
            for i in range(0, len(docs), 50):  # reports with their rows, no chunks (answers never read them)
                writer.add_documents([PendingDoc(m, "（正文略）", [], np.zeros((0, 384), dtype=np.float32), [], "h", "txt",
                                                 "bench", indicators=rows) for m, rows in docs[i:i + 50]])
            write_s = time.perf_counter() - t
            reader = ReportStore(settings)  # a new client: nothing cached
            row = {"reports": n, "rows": sum(len(r) for _, r in docs), "write_s": write_s, "server": server}
            for q in QUESTIONS:
                t = time.perf_counter()
                a = answer_from_table(q, reader)
                cold = (time.perf_counter() - t) * 1000
                warm = []
                for _ in range(runs):
                    t = time.perf_counter()
                    a = answer_from_table(q, reader)
                    warm.append((time.perf_counter() - t) * 1000)
                row[q] = {"cold_ms": cold, "warm_ms": statistics.median(warm), "values": len(a.citations)}
            results.append(row)
        finally:
            if srv_ctx:
                srv_ctx.__exit__(None, None, None)
            shutil.rmtree(data, ignore_errors=True)
    headers = ["报告数", "指标行"] + [f"{q[:12]}… 冷/热 ms（引用数）" for q in QUESTIONS]
    print(table(headers, [[r["reports"], r["rows"]] + [
        f"{r[q]['cold_ms']:.0f} / {r[q]['warm_ms']:.1f}（{r[q]['values']}）" for q in QUESTIONS] for r in results]))
    print("冷：新客户端的第一个问题（读取整个指标表）；热：其后 7 次的中位数。预算：1,000 篇时 ≤300 ms。")
    record("indicators_answer", results=results, machine=machine())
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="指标库基准：导入开销与回答耗时")
    ap.add_argument("--rounds", type=int, default=3, help="每种模式的导入轮数")
    ap.add_argument("--sizes", default="31,100,1000", help="回答耗时的报告数（逗号分隔）")
    ap.add_argument("--server", action="store_true", help="回答耗时也在 Chroma 服务器模式下测")
    ap.add_argument("--skip-ingest", action="store_true")
    ap.add_argument("--skip-answers", action="store_true")
    args = ap.parse_args(argv)
    print(f"机器：{machine()}；负载 {load_avg()}")
    if not args.skip_ingest:
        ingest_overhead(args.rounds)
    if not args.skip_answers:
        sizes = [int(s) for s in args.sizes.split(",") if s]
        answer_latency(sizes, server=False)
        if args.server:
            answer_latency(sizes, server=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
