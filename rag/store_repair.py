"""Consistency of the catalogue with the vectors: finding, and repairing, what an interrupted ingest or replace left."""

from __future__ import annotations

from rag.data_dir_marker import mark_data_dir_used
from rag.store_records import DocRecord, superseded_pairs


class CatalogueRepair:
    """The consistency checks and repairs of :class:`rag.store.ReportStore` (mixed into it: uses its
    ``settings``, ``records``, ``all_records``, ``chunks``, ``remove_document``, ``invalidate_bm25``, ``_retrying``
    and ``_counts``)."""

    def chunk_doc_counts(self) -> dict[str, int]:
        got = self._retrying(lambda: self.chunks.get(include=["metadatas"]))
        counts: dict[str, int] = {}
        for md in got["metadatas"]:
            counts[md.get("doc_id", "")] = counts.get(md.get("doc_id", ""), 0) + 1
        return counts

    def superseded(self) -> list[tuple[DocRecord, DocRecord]]:
        """(old, new) pairs: a version still stored although a newer record says it replaced it
        (a crash between writing the new version and removing the old one)."""
        return superseded_pairs(self.all_records())

    def same_file_versions(self) -> dict[str, list[DocRecord]]:
        """Files with more than one live record that no supersedes link explains."""
        linked = {old.meta.doc_id for old, _ in self.superseded()}
        by_file: dict[str, list[DocRecord]] = {}
        for rec in self.records().values():
            if rec.meta.doc_id not in linked:
                by_file.setdefault(rec.meta.file, []).append(rec)
        return {f: sorted(rs, key=lambda r: r.ingested_at) for f, rs in by_file.items() if len(rs) > 1}

    def remove_superseded(self) -> list[DocRecord]:
        """Finish interrupted replacements: remove every version a newer record supersedes."""
        removed = []
        for old, _ in self.superseded():
            if self.remove_document(old.meta.doc_id):
                removed.append(old)
        return removed

    def check(self) -> list[str]:
        """Problems between the catalogue and the vectors (empty list: consistent)."""
        problems = []
        records = self.all_records()
        counts = self.chunk_doc_counts()
        for doc_id, n in counts.items():
            if doc_id not in records:
                problems.append(f"孤立的向量：文档 {doc_id} 有 {n} 个分块但不在目录中（中断的导入）")
        for doc_id, rec in records.items():
            have = counts.get(doc_id, 0)
            if have != rec.n_chunks:
                problems.append(f"文档 {rec.meta.file}（{doc_id}）应有 {rec.n_chunks} 个分块，实有 {have}")
        for old, new in self.superseded():
            problems.append(f"文件 {old.meta.file} 的旧版本（{old.meta.doc_id}）已被新版本（{new.meta.doc_id}）取代"
                            f"但仍在目录中（替换时中断）")
        for file, recs in self.same_file_versions().items():
            ids = "、".join(r.meta.doc_id for r in recs)
            problems.append(f"文件 {file} 有 {len(recs)} 个版本同时在目录中（{ids}）：请用 `govqa rm <doc_id>` "
                            f"删除不需要的版本，或重新导入该文件")
        return problems

    def repair(self) -> list[str]:
        """Finish interrupted replacements, delete orphan chunks and incomplete documents."""
        done = []
        mark_data_dir_used(self.settings, "repaired")
        for old in self.remove_superseded():
            done.append(f"删除已被取代的旧版本 {old.meta.file}（{old.meta.doc_id}）")
        records = self.all_records()
        counts = self.chunk_doc_counts()
        for doc_id, n in counts.items():
            if doc_id not in records:
                self.chunks.delete(where={"doc_id": doc_id})
                done.append(f"删除孤立分块 {n} 个（文档 {doc_id}）")
        for doc_id, rec in records.items():
            if counts.get(doc_id, 0) != rec.n_chunks:
                self.remove_document(doc_id)
                done.append(f"删除不完整的文档 {rec.meta.file}，请重新导入")
        self._counts = None
        self.invalidate_bm25()
        return done
