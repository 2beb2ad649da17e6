"""Reports are written to Chroma in batches (one add for many reports' chunks): the result must be
the same index as one write per report, files are reported in input order, duplicates inside one
batch are caught, and a failed batch write loses nothing that was already ingested."""

from __future__ import annotations

import shutil

import pytest

from ingest.pipeline import ingest_paths
from rag.embed import GovEmbedding
from rag.store import ReportStore
from tests.conftest import SEEDS


def _corpus(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    seeds = sorted(p for p in SEEDS.iterdir() if p.is_file() and not p.name.startswith("."))
    for p in seeds:
        shutil.copy(p, folder / p.name)
    # the same text as the first seed under another name, sorted after it
    shutil.copy(seeds[0], folder / ("zz_copy_of_" + seeds[0].name))
    return folder, seeds


def _ingest(settings, folder):
    store = ReportStore(settings)
    results = ingest_paths([folder], settings=settings, store=store, embedder=GovEmbedding.from_settings(settings))
    return store, results


def _index(store: ReportStore):
    got = store.chunks.get(include=["metadatas"])
    chunks = sorted((i, m["doc_id"], m["start"], m["end"]) for i, m in zip(got["ids"], got["metadatas"]))
    docs = sorted((r.meta.doc_id, r.meta.file, r.n_chunks) for r in store.records().values())
    return docs, chunks


def test_batched_writes_give_the_same_index_as_one_write_per_report(tmp_path, fresh_settings):
    folder, seeds = _corpus(tmp_path)
    one_batch = fresh_settings.with_(data_dir=tmp_path / "one_batch", write_batch_chunks=100_000)
    per_doc = fresh_settings.with_(data_dir=tmp_path / "per_doc", write_batch_chunks=1)
    store_a, res_a = _ingest(one_batch, folder)
    store_b, res_b = _ingest(per_doc, folder)

    for results in (res_a, res_b):
        names = [r.file for r in results]
        assert names == sorted(names), "results must come back in input order"
        by_name = {r.file: r for r in results}
        assert all(by_name[p.name].status == "ok" and by_name[p.name].chunks > 0 for p in seeds)
        dup = by_name["zz_copy_of_" + seeds[0].name]
        assert dup.status == "duplicate" and seeds[0].name in dup.reason
    assert _index(store_a) == _index(store_b)
    docs, chunks = _index(store_a)
    assert len(docs) == len(seeds) and len(chunks) == sum(n for _, _, n in docs)
    assert store_a.check() == [] and store_b.check() == []
    # and it is searchable: the BM25 side index covers every chunk
    assert len(store_a.bm25().rows) == len(chunks)


def test_a_failed_batch_write_reports_every_file_and_keeps_what_was_there(tmp_path, fresh_settings, monkeypatch):
    folder, seeds = _corpus(tmp_path)
    settings = fresh_settings.with_(write_batch_chunks=100_000)
    first = tmp_path / "first"
    first.mkdir()
    shutil.copy(seeds[1], first / seeds[1].name)
    store, res = _ingest(settings, first)
    assert [r.status for r in res] == ["ok"]
    before = _index(store)

    def broken(self, docs):
        raise OSError("disk full")

    monkeypatch.setattr(ReportStore, "add_documents", broken)
    store, results = _ingest(settings, folder)
    by_name = {r.file: r for r in results}
    assert by_name[seeds[1].name].status == "unchanged"
    failed = [r for r in results if r.status == "failed"]
    assert {r.file for r in failed} == {p.name for p in seeds if p != seeds[1]}
    assert all("写入失败" in r.reason and "disk full" in r.reason for r in failed)
    monkeypatch.undo()
    assert _index(ReportStore(settings)) == before
    assert ReportStore(settings).check() == []


@pytest.mark.parametrize("batch", [1, 40])
def test_batch_size_does_not_change_replacing_a_changed_file(tmp_path, fresh_settings, batch):
    settings = fresh_settings.with_(write_batch_chunks=batch)
    folder = tmp_path / "in"
    folder.mkdir()
    seeds = sorted(p for p in SEEDS.iterdir() if p.is_file() and not p.name.startswith("."))
    shutil.copy(seeds[0], folder / "a.txt")
    shutil.copy(seeds[2], folder / "b.txt")
    store, _ = _ingest(settings, folder)
    old_b = {r.meta.file: r.meta.doc_id for r in store.records().values()}["b.txt"]
    shutil.copy(seeds[3], folder / "b.txt")  # b.txt changed
    shutil.copy(seeds[4], folder / "c.txt")  # and a new file
    store, results = _ingest(settings, folder)
    assert [(r.file, r.status) for r in results] == [("a.txt", "unchanged"), ("b.txt", "replaced"), ("c.txt", "ok")]
    files = sorted(r.meta.file for r in store.records().values())
    assert files == ["a.txt", "b.txt", "c.txt"]
    assert store.get_doc(old_b) is None and old_b not in store.chunk_doc_counts()
    assert store.check() == []
