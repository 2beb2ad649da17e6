"""`govqa doctor [--repair]`: checking the store's consistency, repairing it, rebuilding damaged index files."""

from __future__ import annotations

from commands.common import settings_from_args


def cmd_doctor(args) -> int:
    from rag.chroma_client import chroma_sqlite_path
    from rag.chroma_salvage import sqlite_integrity
    from rag.store import ReportStore
    from rag.store_errors import StoreCorruptError, explain_store_failure

    settings = settings_from_args(args)
    damage = sqlite_integrity(settings)  # damaged index files: the store itself cannot be trusted
    store, problems = None, []
    if not damage:
        try:
            store = ReportStore(settings)
            problems = store.check()
            store.chunks.get(include=["documents"])  # read every stored text once: damage surfaces here
            store.docs.get(include=["documents"])
        except Exception as exc:  # noqa: BLE001 - a damaged page can surface on open or on the first read
            err = explain_store_failure(settings, exc)
            if err is None:
                raise
            if not isinstance(err, StoreCorruptError):
                print(f"错误：{err}")
                return 2
            damage = [str(err)]
    if damage:
        for p in damage:
            print(f"问题：{p}")
        if not args.repair:
            print("索引文件损坏。运行 `govqa doctor --repair`：读出其中仍可读取的报告，用缓存的向量重建索引"
                  "（损坏的文件移到一旁，不删除）；读不出的报告再用 `govqa ingest <报告文件或目录>` 重新导入。")
            return 2
        return _rebuild_damaged(settings, chroma_sqlite_path(settings))
    if not problems:
        fixed = store.check_bm25()  # test-queries the BM25 side index; rebuilds it on any error
        if fixed:
            print(f"修复：{fixed}，已从目录重建 BM25 索引。")
        print(f"一致：{len(store.list_docs())} 份报告，{store.chunks.count()} 个分块，BM25 已同步。")
        return 0
    for p in problems:
        print(f"问题：{p}")
    if args.repair:
        for done in store.repair():
            print(f"修复：{done}")
        fixed = store.check_bm25()
        if fixed:
            print(f"修复：{fixed}，已从目录重建 BM25 索引。")
        left = store.check()
        for p in left:
            print(f"仍有问题：{p}")
        print("已修复。需要时请重新运行 `govqa ingest` 补回被删除的报告。")
        return 0
    print("运行 `govqa doctor --repair` 修复（删除不完整的数据，然后重新导入）。")
    return 1


def _rebuild_damaged(settings, db) -> int:
    """`doctor --repair` on damaged index files: read every catalogue record still readable, move
    the damaged index aside (nothing is deleted), and rebuild the reports from their stored text
    and the embedding cache."""
    from ingest.reprocess import rebuild_reports
    from ingest.results import display_name
    from rag.embed import GovEmbedding
    from rag.chroma_client import forget_chroma_system
    from rag.chroma_salvage import quarantine_chroma, read_catalogue_file
    from rag.data_dir_marker import mark_data_dir_used
    from rag.store import ReportStore

    recovered, notes = read_catalogue_file(db) if db.is_file() else ({}, [])
    for note in notes[:5]:
        print(f"读取损坏的索引：{note}")
    moved = quarantine_chroma(settings)
    forget_chroma_system(settings)  # forget this process's handle on the moved files
    mark_data_dir_used(settings, "repaired")
    print(f"修复：已将损坏的索引移到 {moved}（未删除），并新建了索引。")
    store = ReportStore(settings)
    restored, lost = [], []
    if recovered:
        restored, lost = rebuild_reports(recovered, settings=settings, store=store,
                                         embedder=GovEmbedding.from_settings(settings))
    print(f"修复：从损坏的索引中读出 {len(recovered)} 份报告的记录，重建了 {len(restored)} 份"
          f"（分块按保存的正文重做，向量来自缓存）。")
    for file in restored:
        print(f"  已恢复 {display_name(file)}")
    for line in lost:
        print(f"  未能恢复 {line}")
    if lost or not restored:
        print("请用 `govqa ingest <报告文件或目录>` 重新导入未恢复的报告（向量来自缓存，很快）。")
    return 0
