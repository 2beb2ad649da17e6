"""Server mode: every read and write goes to a real `chroma run` through chromadb.HttpClient.

One server per module (a free port on 127.0.0.1, persisted under a tmp dir, killed at the end).
Two clients with separate data dirs share it, as two machines would: each keeps its own BM25
side index, which must follow the server's catalogue (new documents, deletions).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS, make_settings

pytestmark = [pytest.mark.server, pytest.mark.slow]

DEV = ROOT / "eval" / "datasets" / "dev.jsonl"


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    """A real Chroma server (the `chroma` CLI installed with chromadb in the venv)."""
    from benchmarks.common import chroma_server as run_chroma

    assert Path(sys.executable).with_name("chroma").exists(), f"chroma CLI not found next to {sys.executable}"
    with run_chroma(tmp_path_factory.mktemp("chroma-server") / "db") as (host, port, _pid):
        yield host, port


def _client(tmp_path_factory, embed_cache_dir, server, name, **over):
    from rag.chat import QAService

    settings = make_settings(tmp_path_factory.mktemp(name), embed_cache_dir,
                             chroma_host=server[0], chroma_port=server[1], **over)
    return QAService(settings)


@pytest.fixture(scope="module")
def client_a(tmp_path_factory, embed_cache_dir, chroma_server):
    """Client A ingests the seeds into the server (embeddings from the shared cache)."""
    from ingest.pipeline import ingest_paths

    svc = _client(tmp_path_factory, embed_cache_dir, chroma_server, "client-a")
    results = ingest_paths([SEEDS], settings=svc.settings, store=svc.store, embedder=svc.embedder)
    assert [r.status for r in results] == ["ok"] * len(results), [r.line() for r in results]
    return svc


@pytest.fixture(scope="module")
def client_b(tmp_path_factory, embed_cache_dir, chroma_server, client_a):
    """Client B: another data dir (no BM25 index of its own yet), the same server."""
    return _client(tmp_path_factory, embed_cache_dir, chroma_server, "client-b")


def _dev_questions(n: int = 6) -> list[str]:
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["question"] for r in rows if r["type"] == "fact"][:n]


def _signature(answer) -> tuple:
    return (answer.answer, answer.refused, tuple((c.doc_id, c.start, c.end) for c in answer.citations))


def test_writes_go_to_the_server_not_the_data_dir(client_a, chroma_server):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    data_dir = client_a.settings.store.data_dir
    assert not (data_dir / "chroma").exists(), "server mode must not create an embedded Chroma store"
    # a plain chromadb client of the same server sees the chunks and the catalogue
    raw = chromadb.HttpClient(host=chroma_server[0], port=chroma_server[1],
                              settings=ChromaSettings(anonymized_telemetry=False))
    name = client_a.settings.embed.collection_name
    chunks = raw.get_collection(name, embedding_function=None)
    docs = raw.get_collection(name + "_docs", embedding_function=None)
    records = client_a.store.records()
    assert docs.count() == len(records) == len(list(SEEDS.glob("*.txt")))
    assert chunks.count() == sum(r.n_chunks for r in records.values()) > 0
    assert client_a.store.check() == []


def test_answers_match_embedded_mode(client_a, service):
    """Same seeds, same pipeline: the server-mode answers equal the embedded-mode answers."""
    questions = _dev_questions()
    assert questions
    for q in questions:
        served = client_a.ask(q)
        local = service.ask(q)
        assert _signature(served) == _signature(local), q
    assert any(not client_a.ask(q).refused for q in questions)


def test_second_client_sees_and_searches_the_documents(client_a, client_b):
    assert {m.doc_id for m in client_b.catalogue()} == {m.doc_id for m in client_a.catalogue()}
    index = client_b.store.bm25()  # rebuilt from the server's documents
    assert index.version == client_a.store.version()
    assert len(index.rows) == len(client_a.store.bm25().rows) > 0
    assert (client_b.settings.store.data_dir).glob("bm25_*")
    for q in _dev_questions(3):
        assert _signature(client_b.ask(q)) == _signature(client_a.ask(q)), q


def test_reingest_from_second_client_is_a_no_op(client_b):
    from ingest.pipeline import ingest_paths

    before = client_b.store.version()
    results = ingest_paths([SEEDS], settings=client_b.settings, store=client_b.store, embedder=client_b.embedder)
    assert {r.status for r in results} == {"unchanged"}
    assert client_b.store.version() == before


NEW_REPORT = """青禾镇2031年政府工作报告

各位代表：
现在，我代表青禾镇人民政府，向大会报告政府工作，请予审议。

一、2030年工作回顾
（一）经济发展。2030年，全镇实现地区生产总值88.8亿元，同比增长7.7%。新建琥珀湾智能制造园区一座，入驻企业31家。
（二）民生事业。新建养老服务中心3所，改造农村道路45公里。

二、2031年工作安排
（一）推进琥珀湾智能制造园区二期建设，计划投资12.5亿元。
"""


def test_documents_added_and_removed_by_one_client_reach_the_other(client_a, client_b, tmp_path):
    from ingest.pipeline import ingest_paths
    from rag.config import RetrievalSettings
    from rag.retrieve import retrieve

    # B has a BM25 index (in memory and on disk) for the current catalogue
    old_version = client_b.store.bm25().version
    path = tmp_path / "青禾镇2031年政府工作报告.txt"
    path.write_text(NEW_REPORT, encoding="utf-8")
    results = ingest_paths([path], settings=client_a.settings, store=client_a.store, embedder=client_a.embedder)
    assert [r.status for r in results] == ["ok"], results[0].line()
    new_id = results[0].doc_id

    # B's index is stale: the next search rebuilds it from the server and finds the new report
    hits = retrieve("琥珀湾智能制造园区", store=client_b.store, embedder=client_b.embedder, k=3,
                    config=RetrievalSettings(mode="bm25"))
    assert client_b.store.bm25().version != old_version
    assert hits.passages and hits.passages[0].doc_id == new_id
    dense = retrieve("琥珀湾智能制造园区入驻企业", store=client_b.store, embedder=client_b.embedder, k=3,
                     config=RetrievalSettings(mode="dense"))
    assert new_id in {p.doc_id for p in dense.passages}
    answer = client_b.ask("青禾镇琥珀湾智能制造园区入驻了多少家企业？")
    assert not answer.refused and any(c.doc_id == new_id for c in answer.citations), answer.answer

    # A deletes it: B's answers and catalogue no longer contain it
    assert client_a.store.remove_document(new_id)
    assert new_id not in {m.doc_id for m in client_b.catalogue()}
    answer = client_b.ask("青禾镇琥珀湾智能制造园区入驻了多少家企业？")
    assert all(c.doc_id != new_id for c in answer.citations)
    for mode in ("bm25", "dense", "hybrid"):
        hits = retrieve("琥珀湾智能制造园区", store=client_b.store, embedder=client_b.embedder, k=6,
                        config=RetrievalSettings(mode=mode))
        assert all(p.doc_id != new_id for p in hits.passages), mode
    assert all(r["doc_id"] != new_id for r in client_b.store.bm25().rows)
    assert client_a.store.check() == [] and client_b.store.check() == []


def test_a_third_client_rebuilds_a_missing_bm25_index_from_the_server(client_a, tmp_path_factory,
                                                                      embed_cache_dir, chroma_server):
    svc = _client(tmp_path_factory, embed_cache_dir, chroma_server, "client-c")
    index = svc.store.bm25()
    expected = client_a.store.bm25()
    assert index.version == expected.version
    assert [r["id"] for r in index.rows] == [r["id"] for r in expected.rows]
    assert list(svc.settings.store.data_dir.glob("bm25_*")), "the rebuilt index is persisted in the data dir"


def test_token_header_is_accepted(tmp_path_factory, embed_cache_dir, chroma_server, client_a):
    """A token is sent as a Bearer header (the local server has no auth and must still answer)."""
    svc = _client(tmp_path_factory, embed_cache_dir, chroma_server, "client-token", chroma_token="s3cret")
    assert {m.doc_id for m in svc.catalogue()} == {m.doc_id for m in client_a.catalogue()}


def test_unreachable_server_gives_a_clear_error(tmp_path, embed_cache_dir):
    from benchmarks.common import free_port
    from rag.store import ReportStore
    from rag.store_errors import StoreError

    port = free_port()
    settings = make_settings(tmp_path / "data", embed_cache_dir, chroma_host="127.0.0.1", chroma_port=port)
    with pytest.raises(StoreError) as err:
        ReportStore(settings)
    assert f"127.0.0.1:{port}" in str(err.value) and "Chroma" in str(err.value)
