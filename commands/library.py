"""`govqa ingest | docs | rm | stats`: filling, listing and pruning the report library."""

from __future__ import annotations

import json
import sys

from commands.common import settings_from_args


def _progress_bar(total_hint: str):
    from tqdm import tqdm

    bar = tqdm(total=1000, desc=total_hint, unit="‰", leave=False, disable=not sys.stderr.isatty())

    def on_event(event) -> None:
        if event.stage in ("wait", "repair"):  # said once, on its own line, with or without a terminal
            bar.clear()
            print(event.detail, file=sys.stderr, flush=True)
            return
        bar.n = int(event.fraction * 1000)
        bar.set_postfix_str(f"{event.file[:24]} {event.stage} {event.detail}")
        bar.refresh()

    return bar, on_event


def cmd_ingest(args) -> int:
    from ingest.pipeline import ingest_paths
    from ingest.reprocess import upgrade_outdated
    from rag.embed import GovEmbedding
    from rag.store import ReportStore

    settings = settings_from_args(args)
    store = ReportStore(settings)
    embedder = GovEmbedding.from_settings(settings)
    for r in upgrade_outdated(settings=settings, store=store, embedder=embedder):
        print(r.line())
    bar, on_event = _progress_bar("导入")
    results = ingest_paths(args.paths, settings=settings, store=store, embedder=embedder, on_event=on_event)
    bar.close()
    for r in results:
        print(r.line())
    failed = sum(r.status == "failed" for r in results)
    ok = sum(r.status in ("ok", "replaced") for r in results)
    print(f"完成：新导入/更新 {ok}，未变化/重复 {len(results) - ok - failed}，失败 {failed}。共 {len(store.list_docs())} 份报告。")
    return 1 if failed and not ok and not (len(results) - failed) else 0


def cmd_docs(args) -> int:
    from rag.store import ReportStore

    store = ReportStore(settings_from_args(args))
    docs = store.list_docs()
    if args.json:
        for m in docs:
            d = m.to_dict()
            d.pop("sections", None)
            print(json.dumps(d, ensure_ascii=False))
        return 0
    if not docs:
        print("还没有导入任何报告。")
        return 0
    from ingest.results import display_name

    for m in docs:
        rec = store.get_doc(m.doc_id)
        print(f"{m.doc_id}  {display_name(m.file)}")
        print(f"    标题：{m.title}")
        print(f"    地区/单位：{m.display_entity}（{m.level_label or '级别不详'}）  上级：{' > '.join(m.parent) or '—'}  "
              f"年份：{m.year or '—'}  "
              f"时期：{m.period or '—'}  类型：{m.doc_type}  分块：{rec.n_chunks if rec else '?'}")
        extra = [f"{k}：{v}" for k, v in (("发布单位", m.publisher), ("日期", m.date), ("索引号", m.index_no)) if v]
        if extra:
            print("    " + "  ".join(extra))
        if args.why:
            for key, src in m.provenance.items():
                print(f"      · {key} ← {src}")
    return 0


def cmd_rm(args) -> int:
    from rag.store import ReportStore

    store = ReportStore(settings_from_args(args))
    code = 0
    for doc_id in args.doc_ids:
        matches = [m for m in store.list_docs() if m.doc_id.startswith(doc_id) or m.file == doc_id]
        if len(matches) != 1:
            print(f"{doc_id}: {'找不到该报告' if not matches else '匹配到多份报告，请写完整的 doc_id'}")
            code = 1
            continue
        store.remove_document(matches[0].doc_id)
        print(f"已删除 {matches[0].file}（{matches[0].doc_id}）")
    store.bm25()
    return code


def cmd_stats(args) -> int:
    from rag.store import ReportStore

    settings = settings_from_args(args)
    store = ReportStore(settings)
    docs = store.list_docs()
    chunks = store.chunks.count()
    chars = sum(len(store.get_doc_text(m.doc_id) or "") for m in docs)
    where = f"Chroma 服务器 {settings.store.chroma_host}:{settings.store.chroma_port}" if settings.store.chroma_host else str(settings.store.data_dir)
    print(f"存储：{where}  集合：{settings.embed.collection_name}")
    print(f"报告：{len(docs)}  分块：{chunks}  字符：{chars}  BM25 版本：{store.bm25().version}")
    entities = sorted({m.entity for m in docs if m.entity})
    print(f"地区/单位：{'、'.join(entities) or '—'}；未署名报告：{sum(1 for m in docs if not m.entity)}")
    return 0
