"""The stores: Chroma (vectors + the document catalogue) and a BM25 side index.

* Chunks go through LlamaIndex's ``ChromaVectorStore`` into the collection named after the
  embedding model (``govqa_<model>``); their metadata is the contract of ARCHITECTURE.md.
* The document catalogue (metadata, cleaned text, provenance) lives in a second Chroma
  collection ``<name>_docs``. Writing the catalogue record is the commit point of an ingest:
  a document is visible only once all its chunks are written, and chunks whose document has
  no record (an interrupted ingest) are orphans that :meth:`ReportStore.repair` removes.
  Embedded and server mode therefore share one code path and one source of truth.
* BM25 (bm25s over jieba tokens) is derived data: persisted under the data dir, keyed by the
  catalogue version, rebuilt from the Chroma collection when stale or missing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.config import Settings, disable_phone_home
from rag.types import Chunk, DocMeta, Passage, Section


class StoreError(RuntimeError):
    """The data dir or the Chroma server cannot be used; the message says how to recover."""


class StoreLockedError(StoreError):
    """Another process holds the data dir's database (or ingest lock) longer than the timeout."""


class StoreCorruptError(StoreError):
    """The embedded index files are damaged; `govqa doctor --repair` moves them aside."""


_CORRUPT_MARKERS = ("malformed", "not a database", "file is encrypted", "database corrupt", "PanicException",
                    "Failed to pull logs")  # the last: Chroma's write-ahead log (in the SQLite file) is unreadable


def chroma_sqlite_path(settings: Settings) -> Path:
    return settings.data_dir / "chroma" / "chroma.sqlite3"


def _sqlite_uri(path: Path, mode: str) -> str:
    from urllib.parse import quote

    return f"file:{quote(str(path.resolve()))}?mode={mode}"


def _open_failure(settings: Settings, exc: BaseException) -> StoreError:
    """A clear error (naming the path and the recovery command) for a store that failed to open."""
    path = settings.data_dir / "chroma"
    detail = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    if any(m in detail for m in _CORRUPT_MARKERS):
        return StoreCorruptError(
            f"数据目录 {path} 中的索引文件已损坏（{detail}）。运行 `govqa doctor --repair` 将其移到一旁并新建空索引，"
            f"再用 `govqa ingest <报告文件或目录>` 重新导入。")
    if "locked" in detail or "busy" in detail:
        return StoreLockedError(
            f"数据目录 {path} 被其他进程锁定（{detail}）。请先关闭正在使用它的 govqa 进程后重试；"
            f"没有其他进程时运行 `govqa doctor` 检查。")
    return StoreError(f"数据目录 {path} 无法打开（{detail}）。运行 `govqa doctor` 检查，或移走该目录后重新 `govqa ingest`。")


def explain_store_failure(settings: Settings, exc: BaseException) -> StoreError | None:
    """A clear StoreError for an error raised while *using* the store (a damaged page found by a
    query, a lock), or None when the error is not about the store's files."""
    if isinstance(exc, StoreError):
        return exc
    detail = f"{type(exc).__name__}: {exc}"
    if settings.chroma_host or not any(m in detail for m in (*_CORRUPT_MARKERS, "database is locked")):
        return None
    return _open_failure(settings, exc)


def probe_data_dir(settings: Settings) -> None:
    """Fail fast with a clear message when the embedded database is locked or not a database
    (Chroma itself would wait forever on a lock, or panic on a damaged file)."""
    import sqlite3

    db = chroma_sqlite_path(settings)
    if settings.chroma_host or not db.is_file():
        return
    try:
        con = sqlite3.connect(_sqlite_uri(db, "rw"), uri=True, timeout=settings.lock_timeout_s)
    except sqlite3.Error:
        return  # e.g. a read-only data dir: let Chroma try and report
    try:
        con.execute("BEGIN IMMEDIATE")  # waits for (at most lock_timeout_s) any other writer
        con.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        msg = str(exc)
        if "locked" in msg or "busy" in msg:
            raise StoreLockedError(
                f"数据目录 {settings.data_dir} 被其他进程锁定：{db} 在 {settings.lock_timeout_s:g} 秒内一直被占用。"
                f"请先关闭正在使用它的 govqa 进程（导入或网页界面）后重试；没有其他进程时运行 `govqa doctor` 检查。"
            ) from exc
        if any(m in msg for m in _CORRUPT_MARKERS):
            raise _open_failure(settings, exc) from exc
    except sqlite3.DatabaseError as exc:
        raise _open_failure(settings, exc) from exc
    finally:
        con.close()


def sqlite_integrity(settings: Settings) -> list[str]:
    """`PRAGMA quick_check` of the embedded database (read-only); empty list when intact."""
    import sqlite3

    db = chroma_sqlite_path(settings)
    if settings.chroma_host or not db.is_file():
        return []
    try:
        con = sqlite3.connect(_sqlite_uri(db, "ro"), uri=True, timeout=settings.lock_timeout_s)
        try:
            rows = [r[0] for r in con.execute("PRAGMA quick_check").fetchall()]
        finally:
            con.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            return []  # a lock is not damage; opening the store reports it
        return [f"索引文件 {db} 无法检查：{exc}"]
    except sqlite3.DatabaseError as exc:
        return [f"索引文件 {db} 已损坏：{exc}"]
    if rows == ["ok"]:
        return []
    first = " ".join(rows[0].split())[:160] if rows else "?"
    return [f"索引文件 {db} 已损坏（SQLite 完整性检查：{first}）"]


def quarantine_chroma(settings: Settings) -> Path:
    """Move a damaged embedded index aside (nothing is deleted) so a new, empty one can be made."""
    src = settings.data_dir / "chroma"
    dest = settings.data_dir / f"chroma.broken-{time.strftime('%Y%m%d-%H%M%S')}"
    n = 1
    while dest.exists():
        dest = settings.data_dir / f"chroma.broken-{time.strftime('%Y%m%d-%H%M%S')}-{n}"
        n += 1
    src.rename(dest)
    for side in settings.data_dir.glob("bm25_*"):  # derived from the moved index
        shutil.rmtree(side, ignore_errors=True)
    return dest


def open_chroma_client(settings: Settings):
    disable_phone_home()
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_host:
        headers = {}
        if settings.chroma_token:
            headers["Authorization"] = f"Bearer {settings.chroma_token}"
        try:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, ssl=settings.chroma_ssl,
                headers=headers or None, settings=chroma_settings,
            )
        except Exception as exc:  # noqa: BLE001
            raise StoreError(
                f"无法连接 Chroma 服务器 {settings.chroma_host}:{settings.chroma_port}：{exc}"
            ) from exc
    path = settings.data_dir / "chroma"
    probe_data_dir(settings)
    try:
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # noqa: BLE001 - Chroma's Rust core panics (BaseException) on damaged files
        raise _open_failure(settings, exc) from exc


def meta_to_json(meta: DocMeta) -> str:
    return json.dumps(meta.to_dict(), ensure_ascii=False)


def meta_from_json(raw: str) -> DocMeta:
    d = json.loads(raw)
    d.pop("period", None)
    d.pop("report_year", None)
    d["sections"] = tuple(Section(**s) for s in d.get("sections", []))
    d["parent"] = tuple(d.get("parent") or ())
    for key in ("reviewed_span", "planned_span"):
        d[key] = tuple(d[key]) if d.get(key) else None
    return DocMeta(**d)


@dataclass
class DocRecord:
    meta: DocMeta
    content_hash: str
    n_chunks: int
    ingested_at: float
    fmt: str
    pipeline_version: str = ""


class BM25Index:
    """bm25s over precomputed tokens, with the chunk rows needed to build passages."""

    def __init__(self, retriever, rows: list[dict], version: str):
        self.retriever = retriever
        self.rows = rows  # one dict per indexed chunk: id, text + metadata
        self.version = version
        self.row_of = {r["id"]: i for i, r in enumerate(rows)}
        self._df: dict[str, int] | None = None
        self._doc_arr = np.array([r["doc_id"] for r in rows]) if rows else np.array([], dtype=object)

    @classmethod
    def build(cls, rows: list[dict], version: str) -> "BM25Index":
        import bm25s

        retriever = None
        if rows:
            retriever = bm25s.BM25(k1=1.2, b=0.75)
            corpus = [r["tokens"].split(" ") if r["tokens"] else ["\u0000"] for r in rows]
            retriever.index(corpus, show_progress=False)
        return cls(retriever, rows, version)

    def idf(self, token: str) -> float:
        """BM25 idf of a token over the indexed chunks (0 occurrences -> -1.0)."""
        import math

        if self._df is None:
            df: dict[str, int] = {}
            for r in self.rows:
                for t in set(r["tokens"].split(" ")):
                    df[t] = df.get(t, 0) + 1
            self._df = df
        n = self._df.get(token, 0)
        if n == 0:
            return -1.0
        return math.log((len(self.rows) - n + 0.5) / (n + 0.5) + 1.0)

    def mask_for(self, doc_ids: set[str] | None) -> np.ndarray | None:
        if doc_ids is None or not self.rows:
            return None
        return np.isin(self._doc_arr, list(doc_ids)).astype(np.float32)

    def scores(self, tokens: list[str], doc_ids: set[str] | None = None) -> np.ndarray:
        if not self.rows or self.retriever is None:
            return np.zeros(0, dtype=np.float32)
        known = [t for t in tokens if t in self.retriever.vocab_dict]
        if not known:
            return np.zeros(len(self.rows), dtype=np.float32)
        scores = self.retriever.get_scores(known)
        mask = self.mask_for(doc_ids)
        if mask is not None:
            scores = scores * mask
        return scores

    def save(self, path: Path) -> None:
        tmp = path.with_name(path.name + f".tmp{os.getpid()}")
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(parents=True)
        if self.retriever is not None:
            self.retriever.save(str(tmp / "bm25"), show_progress=False)
        with open(tmp / "rows.json", "w", encoding="utf-8") as fh:
            json.dump({"version": self.version, "rows": self.rows}, fh, ensure_ascii=False)
        old = path.with_name(path.name + f".old{os.getpid()}")
        if path.exists():
            path.rename(old)
        tmp.rename(path)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, path: Path) -> "BM25Index | None":
        import bm25s

        try:
            with open(path / "rows.json", encoding="utf-8") as fh:
                data = json.load(fh)
            retriever = None
            if data["rows"]:
                retriever = bm25s.BM25.load(str(path / "bm25"), mmap=True, show_progress=False)
            return cls(retriever, data["rows"], data["version"])
        except (OSError, ValueError, KeyError):
            return None


_VERSION_ID = "catalogue_version"


def _record_from_metadata(md: dict) -> DocRecord:
    return DocRecord(
        meta=meta_from_json(md["meta_json"]), content_hash=md.get("content_hash", ""),
        n_chunks=int(md.get("n_chunks", 0)), ingested_at=float(md.get("ingested_at", 0)), fmt=md.get("fmt", ""),
        pipeline_version=str(md.get("pipeline_version", "")),
    )


@dataclass
class PendingDoc:
    """One prepared report waiting to be written (see ReportStore.add_documents)."""

    meta: DocMeta
    clean_text: str
    chunks: list[Chunk]
    embeddings: np.ndarray
    tokens: list[list[str]]
    content_hash: str
    fmt: str
    pipeline_version: str = ""
    indicators: list | None = None  # rows of the indicator table (rag/indicators_table.py); None: extracted at write


def chunk_nodes(docs: list[PendingDoc]) -> list:
    """The LlamaIndex TextNodes (vector, text, metadata incl. BM25 tokens) of the reports' chunks."""
    from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

    nodes = []
    for d in docs:
        for chunk, vec, toks in zip(d.chunks, d.embeddings, d.tokens):
            md = chunk.metadata(d.meta)
            md["bm25_tokens"] = " ".join(toks)
            nodes.append(TextNode(
                id_=chunk.chunk_id, text=chunk.text, embedding=np.asarray(vec, dtype=np.float32).tolist(),
                metadata=md, excluded_embed_metadata_keys=list(md), excluded_llm_metadata_keys=list(md),
                # LlamaIndex stores the source node id as doc_id/ref_doc_id: make it ours
                relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=d.meta.doc_id)},
            ))
    return nodes


class ReportStore:
    """All reads and writes of the indexed reports go through this object."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.client = open_chroma_client(settings)
        name = settings.collection_name
        meta = {"hnsw:space": "cosine", "hnsw:search_ef": 200, "hnsw:construction_ef": 200}
        try:
            self.chunks = self.client.get_or_create_collection(name, embedding_function=None, metadata=meta)
            self.docs = self.client.get_or_create_collection(
                name + "_docs", embedding_function=None, metadata={"hnsw:space": "l2"}
            )
            # one record: the catalogue version, rewritten after every change of the catalogue, so
            # checking for changes (made by this or any other client of the server) is one small read
            self.state = self.client.get_or_create_collection(
                name + "_state", embedding_function=None, metadata={"hnsw:space": "l2"}
            )
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - includes the Rust core's PanicException
            if not settings.chroma_host:
                raise _open_failure(settings, exc) from exc
            where = f"Chroma 服务器 {settings.chroma_host}:{settings.chroma_port}"
            raise StoreError(f"{where} 无法使用（{type(exc).__name__}: {exc}）。运行 `govqa doctor`。") from exc
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.vector_store = ChromaVectorStore(chroma_collection=self.chunks)
        self._lock = threading.RLock()
        self._pin = threading.local()  # a version pinned for the duration of one question
        self._counts: tuple[str, int, int] | None = None  # (version, docs, chunks)
        self._docs_cache: tuple[str, dict[str, DocRecord]] | None = None
        self._bm25: BM25Index | None = None
        self._text_cache: dict[str, str] = {}

    # ------------------------------------------------------------------ catalogue
    def version(self) -> str:
        """Catalogue version: changes whenever a document is added or removed (by any client)."""
        pinned = getattr(self._pin, "version", None)
        if pinned is not None:
            return pinned
        return self._read_version()

    @contextmanager
    def pinned(self):
        """Read the catalogue version once for the block (this thread): one question sees one
        consistent catalogue, and pays for one version check instead of one per lookup."""
        if getattr(self._pin, "version", None) is not None:
            yield
            return
        self._pin.version = self._read_version()
        try:
            yield
        finally:
            self._pin.version = None

    def _read_version(self) -> str:
        got = self.state.get(ids=[_VERSION_ID], include=["documents"])
        if got["ids"] and got["documents"] and got["documents"][0]:
            return got["documents"][0]
        # a store written before the version record existed: derive it from the document ids
        ids = sorted(self.docs.get(include=[])["ids"])
        return hashlib.sha1("\n".join(ids).encode()).hexdigest()[:16]

    def _bump_version(self) -> str:
        token = f"{time.time_ns():x}-{os.urandom(4).hex()}"
        self.state.upsert(ids=[_VERSION_ID], embeddings=[[0.0]], documents=[token])
        if getattr(self._pin, "version", None) is not None:
            self._pin.version = token
        return token

    def _counted(self) -> tuple[int, int]:
        """(documents, chunks) in Chroma, read once per catalogue version."""
        version = self.version()
        counts = self._counts
        if counts is None or counts[0] != version:
            counts = (version, self.docs.count(), self.chunks.count())
            self._counts = counts
        return counts[1], counts[2]

    def records(self) -> dict[str, DocRecord]:
        with self._lock:
            version = self.version()
            if self._docs_cache and self._docs_cache[0] == version:
                return self._docs_cache[1]
            # re-read in full: a record can be rewritten in place (a newer pipeline), by any client
            got = self.docs.get(include=["metadatas"])
            records: dict[str, DocRecord] = {}
            for doc_id, md in zip(got["ids"], got["metadatas"]):
                try:
                    records[doc_id] = _record_from_metadata(md)
                except (KeyError, ValueError, TypeError):
                    continue  # a damaged record is reported by `govqa doctor`
            self._docs_cache = (version, records)
            return records

    def list_docs(self) -> list[DocMeta]:
        return sorted((r.meta for r in self.records().values()), key=lambda m: m.file)

    def get_doc(self, doc_id: str) -> DocRecord | None:
        return self.records().get(doc_id)

    def get_doc_text(self, doc_id: str) -> str | None:
        """Cleaned text of a report (cached: a doc_id is a content hash, so it never changes)."""
        cached = self._text_cache.get(doc_id)
        if cached is not None:
            return cached
        got = self.docs.get(ids=[doc_id], include=["documents"])
        if not got["ids"]:
            return None
        text = got["documents"][0]
        if len(self._text_cache) > 256:
            self._text_cache.clear()
        self._text_cache[doc_id] = text
        return text

    def find_by_file(self, file: str) -> list[DocRecord]:
        return [r for r in self.records().values() if r.meta.file == file]

    def is_empty(self) -> bool:
        return self._counted()[0] == 0

    # ------------------------------------------------------------------ writes
    def add_documents(self, docs: list[PendingDoc]) -> None:
        """Write several reports with one Chroma add for all their chunks, then all their catalogue
        records, then one version bump. A report becomes visible only with its record, and the
        records are written after every chunk, so a crash leaves at most chunks without a record
        (cleared by the next attempt and by `govqa doctor --repair`), never a half-written report."""
        if not docs:
            return
        ids = [d.meta.doc_id for d in docs]
        if len(set(ids)) != len(ids):
            raise ValueError("add_documents: the same report twice in one batch")
        # leftovers of an interrupted attempt
        self.chunks.delete(where={"doc_id": ids[0]} if len(ids) == 1 else {"doc_id": {"$in": ids}})
        nodes = chunk_nodes(docs)
        if nodes:
            self.vector_store.add(nodes)
        from rag.indicators_table import write_rows

        write_rows(self, docs)  # the indicator rows, like the chunks, before the commit point
        now = time.time()
        records = [{
            "meta_json": meta_to_json(d.meta), "file": d.meta.file, "content_hash": d.content_hash,
            "n_chunks": len(d.chunks), "ingested_at": now, "fmt": d.fmt, "pipeline_version": d.pipeline_version,
        } for d in docs]
        with self._lock:
            self.docs.upsert(ids=ids, embeddings=[[0.0]] * len(docs), documents=[d.clean_text for d in docs],
                             metadatas=records)
            self._bump_version()

    def remove_document(self, doc_id: str) -> bool:
        """Remove the catalogue record first (the document disappears at once), then its chunks."""
        existed = bool(self.docs.get(ids=[doc_id], include=[])["ids"])
        with self._lock:
            self.docs.delete(ids=[doc_id])
            self._bump_version()
        self.chunks.delete(where={"doc_id": doc_id})
        from rag.indicators_table import delete_rows

        delete_rows(self, doc_id)
        return existed

    # ------------------------------------------------------------------ consistency
    def chunk_doc_counts(self) -> dict[str, int]:
        got = self.chunks.get(include=["metadatas"])
        counts: dict[str, int] = {}
        for md in got["metadatas"]:
            counts[md.get("doc_id", "")] = counts.get(md.get("doc_id", ""), 0) + 1
        return counts

    def check(self) -> list[str]:
        """Problems between the catalogue and the vectors (empty list: consistent)."""
        problems = []
        records = self.records()
        counts = self.chunk_doc_counts()
        for doc_id, n in counts.items():
            if doc_id not in records:
                problems.append(f"孤立的向量：文档 {doc_id} 有 {n} 个分块但不在目录中（中断的导入）")
        for doc_id, rec in records.items():
            have = counts.get(doc_id, 0)
            if have != rec.n_chunks:
                problems.append(f"文档 {rec.meta.file}（{doc_id}）应有 {rec.n_chunks} 个分块，实有 {have}")
        return problems

    def repair(self) -> list[str]:
        """Delete orphan chunks and incomplete documents; returns what was done."""
        done = []
        records = self.records()
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

    # ------------------------------------------------------------------ BM25 side index
    @property
    def _bm25_path(self) -> Path:
        if self.settings.chroma_host:
            tag = f"{self.settings.chroma_host}_{self.settings.chroma_port}".replace(".", "_").replace(":", "_")
            return self.settings.data_dir / f"bm25_{self.settings.collection_name}_{tag}"
        return self.settings.data_dir / f"bm25_{self.settings.collection_name}"

    def invalidate_bm25(self) -> None:
        with self._lock:
            self._bm25 = None

    def bm25(self) -> BM25Index:
        with self._lock:
            version = self.version()
            if self._bm25 is not None and self._bm25.version == version:
                return self._bm25
            previous = self._bm25
            loaded = BM25Index.load(self._bm25_path)
            if loaded is not None and loaded.version == version and self._matches_catalogue(loaded):
                self._bm25 = loaded
                return loaded
            index = self._rebuild_bm25(version, previous or loaded)
            try:
                index.save(self._bm25_path)
            except OSError:
                pass  # a read-only data dir still serves from memory
            self._bm25 = index
            return index

    def _matches_catalogue(self, index: BM25Index) -> bool:
        """A saved index is used only if it holds exactly the catalogued documents, at their current
        revision: a process killed between writing a record and bumping the version leaves the old
        version token in place, and the saved index would silently lack (or keep) a document."""
        records = self.records()
        revs: dict[str, Any] = {}
        for r in index.rows:
            revs.setdefault(r["doc_id"], r.get("doc_rev"))
        return revs.keys() == records.keys() and all(revs[d] == records[d].ingested_at for d in records)

    def _rebuild_bm25(self, version: str, previous: BM25Index | None = None) -> BM25Index:
        """Rows of the catalogued documents. Rows of ``previous`` are kept for documents whose
        catalogue record is unchanged (same ``ingested_at``); only the chunks of new or rewritten
        documents are read from Chroma, so an ingest does not re-read the whole collection."""
        from rag.text.tokens import search_tokens

        records = self.records()
        rows = []
        if previous is not None:
            rows = [r for r in previous.rows
                    if r["doc_id"] in records and r.get("doc_rev") == records[r["doc_id"]].ingested_at]
        have = {r["doc_id"] for r in rows}
        missing = [d for d in records if d not in have]
        if previous is None:
            got = self.chunks.get(include=["documents", "metadatas"])
        elif missing:
            got = self.chunks.get(where={"doc_id": {"$in": missing}}, include=["documents", "metadatas"])
        else:
            got = {"ids": [], "documents": [], "metadatas": []}
        for cid, text, md in zip(got["ids"], got["documents"], got["metadatas"]):
            if md.get("doc_id") not in records:
                continue  # orphan of an interrupted ingest: never searchable
            tokens = md.get("bm25_tokens")
            if tokens is None:
                tokens = " ".join(search_tokens(text))
            row = {k: v for k, v in md.items() if not k.startswith("_") and k != "bm25_tokens"}
            row.update(id=cid, text=text, tokens=tokens, doc_rev=records[md["doc_id"]].ingested_at)
            rows.append(row)
        rows.sort(key=lambda r: (r["doc_id"], r["chunk_index"]))
        return BM25Index.build(rows, version)

    # ------------------------------------------------------------------ reads
    def dense_search(self, query_vec: np.ndarray, k: int, doc_ids: set[str] | None = None) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) from the Chroma collection LlamaIndex's ChromaVectorStore wrote.

        Only ids and distances are fetched: the passages come from the BM25 side index, so
        asking Chroma for documents and metadata (and parsing them into nodes) is wasted time,
        and in server mode wasted bytes on the wire.
        """
        if doc_ids is not None and not doc_ids:
            return []
        n = self._counted()[1]
        if n == 0:
            return []
        where = {"doc_id": {"$in": sorted(doc_ids)}} if doc_ids is not None else None
        result = self.chunks.query(query_embeddings=[np.asarray(query_vec, dtype=np.float32).tolist()],
                                   n_results=min(k, n), where=where, include=["distances"])
        ids = (result.get("ids") or [[]])[0]
        distances = (result.get("distances") or [[]])[0]
        # cosine space: distance = 1 - cos
        return [(cid, 1.0 - float(d)) for cid, d in zip(ids, distances)]



def row_to_passage(row: dict[str, Any]) -> Passage:
    return Passage(
        chunk_id=row["id"], doc_id=row["doc_id"], file=row.get("file", ""), title=row.get("title", ""),
        town=row.get("town", ""), region=row.get("region", ""), year=int(row.get("year", 0) or 0),
        section=row.get("section", ""), text=row["text"], start=int(row["start"]), end=int(row["end"]),
        chunk_index=int(row["chunk_index"]),
    )
