"""Reports processed by older rules are redone from their stored text (issue: report identity, item 5)."""

from __future__ import annotations

import json

from ingest.pipeline import PIPELINE_VERSION, ingest_paths
from ingest.reprocess import upgrade_outdated
from rag.embed import GovEmbedding
from rag.store import ReportStore

from conftest import SEEDS


def test_outdated_reports_are_redone_with_current_rules(fresh_settings):
    store = ReportStore(fresh_settings)
    embedder = GovEmbedding.from_settings(fresh_settings)
    ingest_paths([SEEDS / "004_11da55a498f1e884.txt"], settings=fresh_settings, store=store, embedder=embedder)
    rec = next(iter(store.records().values()))
    assert rec.meta.entity == "杜桥镇" and rec.pipeline_version == PIPELINE_VERSION
    # what an older version left: no issuer, no level, an older pipeline version
    got = store.docs.get(ids=[rec.meta.doc_id], include=["metadatas"])
    md = dict(got["metadatas"][0])
    old_meta = json.loads(md["meta_json"])
    old_meta.update(entity=None, level=None, parent=[])
    md.update(meta_json=json.dumps(old_meta, ensure_ascii=False), pipeline_version="12")
    store.docs.update(ids=[rec.meta.doc_id], metadatas=[md])
    store = ReportStore(fresh_settings)
    assert next(iter(store.records().values())).meta.entity is None

    redone = upgrade_outdated(settings=fresh_settings, store=store, embedder=embedder)
    assert [r.status for r in redone] == ["replaced"]
    store = ReportStore(fresh_settings)
    rec2 = next(iter(store.records().values()))
    assert rec2.pipeline_version == PIPELINE_VERSION
    assert (rec2.meta.entity, rec2.meta.level, rec2.meta.parent) == ("杜桥镇", "township", ("浙江省", "台州市", "临海市"))
    assert rec2.n_chunks == rec.n_chunks and len(store.list_docs()) == 1
    # the chunks carry the issuer too, and nothing is left to redo
    assert all(p["entity"] == "杜桥镇" for p in store.chunks.get(where={"doc_id": rec2.meta.doc_id})["metadatas"])
    assert upgrade_outdated(settings=fresh_settings, store=store, embedder=embedder) == []
