"""Atomic ingest: SIGKILL the ingest process at random points, repeatedly.

After every kill the index must open; `ReportStore.check()` is clean or `govqa doctor --repair`
makes it clean; every document the worker reported as ingested is listed; every listed document
is complete (its chunk count matches its record) and answerable through QAService; chunks of a
half-written document never show up in list_docs or in search results; re-running the ingest
completes the rest (already committed documents are "unchanged").

The worker (tests/ingest_worker.py) runs the real pipeline in a subprocess; the reports are
small distinct documents written by the test (their embeddings are computed on the first run
and cached in a per-test copy of the shared embedding cache).
"""

from __future__ import annotations

import os
import queue
import random
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.cli_util import run_cli
from tests.conftest import ROOT, make_settings

WORKER = Path(__file__).resolve().parent / "ingest_worker.py"
TOWNS = ["梅岭", "竹园", "金桥", "芦溪", "松坪", "枫林", "桐溪", "石门"]


def report_text(i: int, town: str) -> str:
    return f"""{town}镇2024年政府工作报告
——在{town}镇第十八届人民代表大会第四次会议上
一、2023年工作回顾
2023年，全镇实现地区生产总值{30 + i}.{i}亿元，同比增长{5 + i % 3}.{i}%。全年完成固定资产投资{8 + i}.5亿元，
新增市场主体{200 + 13 * i}户。
（一）乡村振兴扎实推进。新建高标准农田{1200 + 100 * i}亩，全镇新建蓄水池{30 + i}座，
改造农村危房{40 + i}户，村集体经济收入全部超过{50 + i}万元。
（二）民生保障持续加强。新增城镇就业{300 + i}人，新建村级养老服务站{2 + i}个，完成老旧小区改造{3 + i}个。
二、2024年工作安排
2024年，力争地区生产总值增长{6 + i % 2}%，新建污水管网{5 + i}公里，建成{town}文化中心一座。
"""


def question_for(town: str) -> tuple[str, str]:
    i = TOWNS.index(town)
    return f"{town}镇新建蓄水池多少座？", f"{30 + i}座"


def _fresh_store(settings):
    """Open the store as a new process would (drop this process's cached Chroma systems)."""
    from chromadb.api.client import SharedSystemClient

    from rag.store import ReportStore

    SharedSystemClient.clear_system_cache()
    return ReportStore(settings)


class Worker:
    def __init__(self, settings, folder: Path):
        env = dict(os.environ, PYTHONUNBUFFERED="1", OMP_NUM_THREADS="1")
        self.proc = subprocess.Popen(
            [sys.executable, str(WORKER), str(settings.store.data_dir), str(settings.cache_dir), str(folder)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=str(ROOT), env=env,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.stderr = ""
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put("<EOF>")

    def next_line(self, timeout: float = 120.0) -> str:
        line = self.lines.get(timeout=timeout)
        if line != "<EOF>":
            self.seen.append(line)
        return line

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self._drain()

    def finish(self, timeout: float = 300) -> int:
        code = self.proc.wait(timeout=timeout)
        self._drain()
        return code

    def _drain(self) -> None:
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                continue
            if line == "<EOF>":
                break
            self.seen.append(line)
        self.stderr = self.proc.stderr.read() if self.proc.stderr else ""

    def committed(self) -> dict[str, str]:
        """doc_id -> file for every document the worker reported as ingested."""
        out = {}
        for line in self.seen:
            m = re.match(r"RESULT (ok|replaced|unchanged) (\w+) (.+)$", line)
            if m:
                out[m.group(2)] = m.group(3)
        return out


def _orphan_ids(store) -> set[str]:
    records = store.records()
    return {d for d in store.chunk_doc_counts() if d not in records}


def verify_index(settings, monkeypatch, capsys, reported: dict[str, str], asked: set[str], note: str) -> dict:
    """The post-kill checks; returns what was found (for the summary)."""
    from rag.chat import QAService
    from rag.embed import GovEmbedding
    from rag.config import RetrievalSettings
    from rag.retrieve import retrieve

    found = {"orphans": 0, "problems": 0, "listed": 0}
    store = _fresh_store(settings)  # must open (no exception) after any kill
    problems = store.check()
    orphans = _orphan_ids(store)
    listed = {m.doc_id: m for m in store.list_docs()}
    found["orphans"] = len(orphans)
    found["problems"] = len(problems)
    # half-written documents are invisible: not listed, never retrieved
    assert not orphans & set(listed), note
    if orphans:
        embedder = GovEmbedding.from_settings(settings)
        for town in TOWNS:
            q, _ = question_for(town)
            for mode in ("hybrid", "dense", "bm25"):
                res = retrieve(q, store=store, embedder=embedder, k=8, config=RetrievalSettings(mode=mode))
                assert not {p.doc_id for p in res.passages} & orphans, (note, mode, q)
    if problems:
        code, out, _ = run_cli(monkeypatch, capsys, settings, "doctor")
        assert code == 1 and "govqa doctor --repair" in out, (note, out)
        code, out, _ = run_cli(monkeypatch, capsys, settings, "doctor", "--repair")
        assert code == 0 and "修复" in out, (note, out)
        store = _fresh_store(settings)
        assert store.check() == [], note
        assert not _orphan_ids(store), note
    # everything reported as ingested before the kill survived it, complete
    listed = {m.doc_id: m for m in store.list_docs()}
    found["listed"] = len(listed)
    missing = set(reported) - set(listed)
    assert not missing, (note, {d: reported[d] for d in missing})
    counts = store.chunk_doc_counts()
    for doc_id, meta in listed.items():
        rec = store.get_doc(doc_id)
        assert counts.get(doc_id, 0) == rec.n_chunks > 0, (note, meta.file)
        assert store.get_doc_text(doc_id)
    # and answerable (each document once: the first round it appears in)
    service = QAService(settings, store=store)
    for doc_id, meta in listed.items():
        if doc_id in asked:
            continue
        town = meta.file.split("_", 1)[1].split(".")[0]
        q, expected = question_for(town)
        answer = service.ask(q)
        assert expected in answer.answer, (note, q, answer.answer)
        assert any(c.doc_id == doc_id for c in answer.citations), (note, q)
        asked.add(doc_id)
    return found


@pytest.fixture
def kill_setup(tmp_path, embed_cache_dir):
    folder = tmp_path / "reports"
    folder.mkdir()
    for i, town in enumerate(TOWNS):
        (folder / f"{i:02d}_{town}.txt").write_text(report_text(i, town), encoding="utf-8")
    cache = tmp_path / "cache"
    cache.mkdir()
    shared = embed_cache_dir / "embeddings.sqlite"
    if shared.exists():  # a private copy: a killed worker never touches the shared cache
        # through SQLite's backup API: copying the file with shutil while this process has it open
        # would close a descriptor on it and so drop the process's POSIX locks (SQLite's known hazard)
        import sqlite3

        src, dst = sqlite3.connect(shared), sqlite3.connect(cache / "embeddings.sqlite")
        with dst:
            src.backup(dst)
        src.close()
        dst.close()
    settings = make_settings(tmp_path / "data", cache)
    return settings, folder


@pytest.mark.slow
def test_sigkill_at_random_points_never_leaves_a_partial_document(kill_setup, monkeypatch, capsys):
    settings, folder = kill_setup
    seed = int(os.environ.get("GOVQA_KILL_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    asked: set[str] = set()
    summary = []
    rounds = int(os.environ.get("GOVQA_KILL_ROUNDS", 5))
    for r in range(rounds):
        worker = Worker(settings, folder)
        mode = rng.choice(["write", "write", "embed", "timed"])
        assert worker.next_line(timeout=180) == "READY", worker.seen
        if mode == "timed":
            time.sleep(rng.uniform(0.0, 2.5))
        else:
            # the k-th write (or embed) event of this run, then a small random delay
            target = rng.randint(1, 3)
            hits = 0
            while True:
                line = worker.next_line(timeout=180)
                if line in ("<EOF>", "FINISHED"):
                    break
                if line.startswith(f"STAGE {mode} "):
                    hits += 1
                    if hits == target:
                        time.sleep(rng.uniform(0.0, 0.06 if mode == "write" else 0.8))
                        break
        worker.kill()
        note = f"seed={seed} round={r} mode={mode} worker said {worker.seen[-4:]}"
        assert "Traceback" not in worker.stderr, worker.stderr
        try:
            found = verify_index(settings, monkeypatch, capsys, worker.committed(), asked, note)
        except AssertionError:
            raise
        except Exception as exc:  # keep the seed and kill point with any error from the stack
            raise AssertionError(f"{note}: {type(exc).__name__}: {exc}") from exc
        summary.append((mode, found))

    # re-running the ingest completes the rest
    worker = Worker(settings, folder)
    assert worker.finish() == 0, worker.stderr[-2000:]
    assert "FINISHED" in worker.seen
    results = [ln.split(" ", 3) for ln in worker.seen if ln.startswith("RESULT ")]
    assert len(results) == len(TOWNS)
    assert all(status in ("ok", "unchanged") for _, status, _, _ in results), results
    verify_index(settings, monkeypatch, capsys, worker.committed(), asked, f"seed={seed} final")
    store = _fresh_store(settings)
    assert store.check() == []
    assert sorted(m.file for m in store.list_docs()) == sorted(p.name for p in folder.iterdir())
    assert asked == {m.doc_id for m in store.list_docs()}
    # and a run over a complete index changes nothing
    worker = Worker(settings, folder)
    assert worker.finish() == 0
    assert all(ln.split(" ")[1] == "unchanged" for ln in worker.seen if ln.startswith("RESULT "))
    print(f"\nkill test seed={seed}: " + "; ".join(
        f"{m}: listed {f['listed']}, orphans {f['orphans']}" for m, f in summary))


def test_orphan_chunks_of_an_interrupted_write_are_invisible_and_repaired(fresh_settings, tmp_path,
                                                                           monkeypatch, capsys):
    """The state a kill between 'chunks written' and 'catalogue record written' leaves, made
    deterministically: the chunks of a prepared document are added, its record is not."""
    from ingest.load import load_file
    from ingest.pipeline import ingest_paths, prepare_document
    from rag.chat import QAService
    from rag.embed import GovEmbedding
    from rag.config import RetrievalSettings
    from rag.retrieve import retrieve
    from rag.store import ReportStore
    from rag.store_records import PendingDoc, chunk_nodes

    settings = fresh_settings
    store = ReportStore(settings)
    embedder = GovEmbedding.from_settings(settings)
    done, partial = tmp_path / "00_梅岭.txt", tmp_path / "01_竹园.txt"
    done.write_text(report_text(0, "梅岭"), encoding="utf-8")
    partial.write_text(report_text(1, "竹园"), encoding="utf-8")
    assert [r.status for r in ingest_paths([done], settings=settings, store=store, embedder=embedder)] == ["ok"]

    prepared = prepare_document(load_file(partial), settings)
    vectors = embedder.embed_passages([c.embed_text for c in prepared.chunks])
    nodes = chunk_nodes([PendingDoc(prepared.meta, prepared.clean_text, prepared.chunks, vectors, prepared.tokens,
                                    prepared.loaded.content_hash, prepared.loaded.fmt)])
    store.vector_store.add(nodes[: max(1, len(nodes) - 1)])  # killed before the last chunk and the record
    orphan = prepared.meta.doc_id

    store = _fresh_store(settings)
    assert orphan not in {m.doc_id for m in store.list_docs()}
    problems = store.check()
    assert len(problems) == 1 and orphan in problems[0]
    q, _ = question_for("竹园")
    for mode in ("hybrid", "dense", "bm25"):
        res = retrieve(q, store=store, embedder=embedder, k=10, config=RetrievalSettings(mode=mode))
        assert orphan not in {p.doc_id for p in res.passages}, mode
    answer = QAService(settings, store=store, embedder=embedder).ask(q)
    assert all(c.doc_id != orphan for c in answer.citations)

    code, out, _ = run_cli(monkeypatch, capsys, settings, "doctor")
    assert code == 1 and orphan in out and "govqa doctor --repair" in out
    code, out, _ = run_cli(monkeypatch, capsys, settings, "doctor", "--repair")
    assert code == 0 and "孤立" in out
    store = _fresh_store(settings)
    assert store.check() == [] and orphan not in store.chunk_doc_counts()
    # re-running the ingest completes the interrupted document
    results = ingest_paths([done, partial], settings=settings, store=store, embedder=embedder)
    assert [r.status for r in results] == ["unchanged", "ok"]
    assert store.check() == []
    answer = QAService(settings, store=store, embedder=embedder).ask(q)
    assert "31座" in answer.answer and answer.citations[0].doc_id == orphan


def test_a_record_whose_chunks_are_missing_is_reported_and_removed(fresh_settings, tmp_path, monkeypatch, capsys):
    """The opposite damage (chunks lost under a committed record): doctor finds and repairs it."""
    from ingest.pipeline import ingest_paths
    from rag.embed import GovEmbedding
    from rag.store import ReportStore

    settings = fresh_settings
    store = ReportStore(settings)
    embedder = GovEmbedding.from_settings(settings)
    folder = tmp_path / "reports"
    folder.mkdir()
    for i, town in enumerate(TOWNS[:2]):
        (folder / f"{i:02d}_{town}.txt").write_text(report_text(i, town), encoding="utf-8")
    ingest_paths([folder], settings=settings, store=store, embedder=embedder)
    victim = store.list_docs()[0]
    some = store.chunks.get(where={"doc_id": victim.doc_id}, include=[])["ids"][:1]
    store.chunks.delete(ids=some)
    store = _fresh_store(settings)
    problems = store.check()
    assert len(problems) == 1 and victim.file in problems[0]
    code, out, _ = run_cli(monkeypatch, capsys, settings, "doctor")
    assert code == 1 and victim.file in out
    code, out, _ = run_cli(monkeypatch, capsys, settings, "doctor", "--repair")
    assert code == 0 and victim.file in out
    store = _fresh_store(settings)
    assert store.check() == []
    assert victim.doc_id not in {m.doc_id for m in store.list_docs()}
    results = ingest_paths([folder], settings=settings, store=store, embedder=embedder)
    assert sorted(r.status for r in results) == ["ok", "unchanged"]
    assert store.check() == [] and len(store.list_docs()) == 2


def test_a_kill_between_the_record_and_the_version_bump_is_harmless(fresh_settings, tmp_path):
    """The catalogue version token is rewritten after the record: a kill in between leaves a new
    record under the old token. The saved BM25 index (keyed by that token) must not be trusted
    then, or the document would be listed but never found (and a removed one still found)."""
    from ingest.pipeline import ingest_paths
    from rag.chat import QAService
    from rag.embed import GovEmbedding
    from rag.store import _VERSION_ID, ReportStore

    settings = fresh_settings
    store = ReportStore(settings)
    embedder = GovEmbedding.from_settings(settings)
    first, second = tmp_path / "00_梅岭.txt", tmp_path / "01_竹园.txt"
    first.write_text(report_text(0, "梅岭"), encoding="utf-8")
    second.write_text(report_text(1, "竹园"), encoding="utf-8")
    ingest_paths([first], settings=settings, store=store, embedder=embedder)  # saves BM25 under token V
    old_token = store.version()

    def restore_token():
        store.state.upsert(ids=[_VERSION_ID], embeddings=[[0.0]], documents=[old_token])

    from ingest.pipeline import iter_ingest

    events = list(iter_ingest([second], settings=settings, store=store, embedder=embedder))  # no BM25 save
    assert events[-1].result.status == "ok"
    restore_token()  # as if killed right after the record was written
    fresh = _fresh_store(settings)
    assert fresh.version() == old_token and len(fresh.list_docs()) == 2
    q, expected = question_for("竹园")
    answer = QAService(settings, store=fresh, embedder=embedder).ask(q)
    assert expected in answer.answer and answer.citations, answer.answer

    # the same for a removal killed between deleting the record and bumping the token
    fresh.bm25()
    token = fresh.version()
    gone = next(m for m in fresh.list_docs() if m.file == first.name)
    fresh.docs.delete(ids=[gone.doc_id])
    fresh.state.upsert(ids=[_VERSION_ID], embeddings=[[0.0]], documents=[token])
    again = _fresh_store(settings)
    assert [m.file for m in again.list_docs()] == [second.name]
    assert gone.doc_id not in {r["doc_id"] for r in again.bm25().rows}
    q, _ = question_for("梅岭")
    answer = QAService(settings, store=again, embedder=embedder).ask(q)
    assert all(c.doc_id != gone.doc_id for c in answer.citations)
    assert again.check() and "孤立" in again.check()[0]  # its chunks are orphans now: doctor removes them
    again.repair()
    assert again.check() == []
