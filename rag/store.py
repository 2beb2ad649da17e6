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
    """The embedded index files are damaged; `govqa doctor --repair` rebuilds them."""


class StoreBusyError(StoreError):
    """Another process changed the index while this one read it, and one reopen did not help."""


# What a reader meets when another process wrote the index after this process opened it (its
# in-memory HNSW lacks the new ids) or while it is being written: reopen, then retry once.
_STALE_MARKERS = ("Error finding id", "Nothing found on disk", "hnsw segment reader", "Error loading hnsw",
                  "Error creating hnsw segment reader")


def is_stale_read(exc: BaseException) -> bool:
    detail = f"{type(exc).__name__}: {exc}"
    return any(m in detail for m in _STALE_MARKERS)


_USED_MARKER = "initialized"


def seeds_allowed(settings: Settings) -> bool:
    """Seeds go only into a new data dir: one nothing was ever written to, removed from or repaired
    in (so never after a repair, never after the user deleted every report)."""
    return not (settings.data_dir / _USED_MARKER).exists()


def mark_data_dir_used(settings: Settings, why: str) -> None:
    marker = settings.data_dir / _USED_MARKER
    if marker.exists():
        return
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        marker.write_text(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {why}\n", encoding="utf-8")
    except OSError:
        pass  # a read-only data dir: nothing is written to it either


def forget_chroma_system(settings: Settings) -> None:
    """Make the next PersistentClient for this data dir a new one (a fresh view of the files),
    without stopping the current one: other objects of this process may still be reading through
    it, and it is freed when the last of them lets go. (Chroma caches one System per path.)"""
    from chromadb.api.shared_system_client import SharedSystemClient

    target = os.path.realpath(settings.data_dir / "chroma")
    with SharedSystemClient._refcount_lock:
        for ident in list(SharedSystemClient._identifier_to_system):
            if ident and os.path.realpath(ident) == target:
                SharedSystemClient._identifier_to_system.pop(ident, None)
                SharedSystemClient._identifier_to_refcount.pop(ident, None)


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
            f"数据目录 {path} 中的索引文件已损坏（{detail}）。运行 `govqa doctor --repair`：从其中仍可读取的报告"
            f"重建索引（向量来自缓存，损坏的文件移到一旁，不删除）。")
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


def read_catalogue_file(db: Path) -> tuple[dict[str, tuple[dict, str | None]], list[str]]:
    """Every catalogue record still readable in a (damaged) Chroma SQLite file, read with plain
    sqlite3, row by row, so one bad page costs the rows on it and not the whole catalogue.

    Returns ({doc_id: (metadata, cleaned text)}, problems). Records are found by their ``meta_json``
    key, so the collections and segments tables may be lost too; the write-ahead log
    (embeddings_queue) fills in records the metadata tables lack or lost, in sequence order."""
    import sqlite3

    problems: list[str] = []
    found: dict[str, tuple[dict, str | None]] = {}
    try:
        con = sqlite3.connect(_sqlite_uri(db, "ro"), uri=True, timeout=5)
    except sqlite3.Error as exc:
        return {}, [f"无法打开 {db}：{exc}"]

    def values(rows) -> tuple[dict, str | None]:
        md: dict[str, Any] = {}
        for key, sv, iv, fv, bv in rows:
            md[key] = next((v for v in (sv, iv, fv, bv) if v is not None), None)
        return md, md.pop("chroma:document", None)

    try:
        rowids: list[int] = []
        try:
            rowids = [r[0] for r in con.execute("SELECT id FROM embedding_metadata WHERE key = 'meta_json'")]
        except sqlite3.DatabaseError as exc:
            problems.append(f"目录表无法整体读取（{exc}），逐行读取")
            try:
                top = con.execute("SELECT max(id) FROM embeddings").fetchone()[0] or 0
            except sqlite3.DatabaseError:
                top = 0
            for rowid in range(1, top + 1):
                try:
                    if con.execute("SELECT 1 FROM embedding_metadata WHERE id = ? AND key = 'meta_json'",
                                   (rowid,)).fetchone():
                        rowids.append(rowid)
                except sqlite3.DatabaseError:
                    continue
        for rowid in rowids:
            try:
                emb = con.execute("SELECT embedding_id, segment_id FROM embeddings WHERE id = ?", (rowid,)).fetchone()
                rows = con.execute("SELECT key, string_value, int_value, float_value, bool_value "
                                   "FROM embedding_metadata WHERE id = ?", (rowid,)).fetchall()
            except sqlite3.DatabaseError as exc:
                problems.append(f"目录记录 #{rowid} 无法读取（{exc}）")
                continue
            md, document = values(rows)
            doc_id = emb[0] if emb else json.loads(md.get("meta_json") or "{}").get("doc_id")
            if doc_id:
                found[doc_id] = (md, document)
        # the log, replayed over that in sequence order: it holds what the metadata tables lack (records
        # written last, or all of them when those tables were lost) and any later delete
        try:
            log = con.execute("SELECT seq_id, operation, id, metadata FROM embeddings_queue ORDER BY seq_id").fetchall()
        except sqlite3.DatabaseError as exc:
            log = []
            problems.append(f"写前日志无法读取（{exc}）")
        for _, op, emb_id, raw in log:
            if op == 3:  # delete
                found.pop(emb_id, None)
                continue
            try:
                md = json.loads(raw) if raw else {}
            except ValueError:
                continue
            if "meta_json" not in md:
                continue
            document = md.pop("chroma:document", None)
            if op == 1 and emb_id in found:  # update: merge
                old_md, old_doc = found[emb_id]
                found[emb_id] = ({**old_md, **md}, document if document is not None else old_doc)
            else:
                found[emb_id] = (md, document)
    finally:
        con.close()
    return found, problems


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
    supersedes: tuple[str, ...] = ()  # doc_ids of the earlier versions of the same file this replaced


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

    def validate(self) -> None:
        """Raise if the index is damaged (arrays that disagree with each other or with the rows),
        then answer a test query: a damaged file must never reach a user's question."""
        if not self.rows:
            return
        r = self.retriever
        if r is None:
            raise ValueError("rows without a BM25 index")
        sc = r.scores
        data, indices, indptr = np.asarray(sc["data"]), np.asarray(sc["indices"]), np.asarray(sc["indptr"])
        n_docs = int(sc.get("num_docs", len(self.rows)))
        # bm25s keeps an extra '' entry in its vocabulary with no column: indptr has len(vocab) entries
        if n_docs != len(self.rows) or len(indptr) not in (len(r.vocab_dict), len(r.vocab_dict) + 1) \
                or len(data) != len(indices):
            raise ValueError(f"BM25 arrays disagree (docs {n_docs}/{len(self.rows)}, vocab {len(r.vocab_dict)}, "
                             f"indptr {len(indptr)}, data {len(data)}, indices {len(indices)})")
        if len(indptr) and (int(indptr[0]) != 0 or int(indptr[-1]) != len(data) or np.any(np.diff(indptr) < 0)):
            raise ValueError("BM25 indptr is not a valid offset array")
        if len(indices) and (int(indices.min()) < 0 or int(indices.max()) >= n_docs):
            raise ValueError("BM25 indices point outside the documents")
        if not np.all(np.isfinite(data)):
            raise ValueError("BM25 scores are not finite")
        if sorted(r.vocab_dict.values()) != list(range(len(r.vocab_dict))):
            raise ValueError("BM25 vocabulary ids are not 0..n-1")
        usable = [t for t, i in r.vocab_dict.items() if t and i < len(indptr) - 1]
        tokens = usable[:: max(1, len(usable) // 8)][:8]
        got = r.get_scores(tokens) if tokens else np.zeros(len(self.rows))
        if len(got) != len(self.rows):
            raise ValueError("BM25 test query returned the wrong number of scores")

    def same_as(self, other: "BM25Index") -> bool:
        """The same postings and scores as ``other`` (an index freshly built from the same rows)."""
        if (self.retriever is None) != (other.retriever is None):
            return False
        if self.retriever is None:
            return True
        if self.retriever.vocab_dict != other.retriever.vocab_dict:
            return False
        a, b = self.retriever.scores, other.retriever.scores
        return all(np.array_equal(np.asarray(a[k]), np.asarray(b[k])) for k in ("indices", "indptr")) and \
            np.allclose(np.asarray(a["data"]), np.asarray(b["data"]), rtol=1e-5, atol=1e-6)

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
            index = cls(retriever, data["rows"], data["version"])
            index.validate()
            return index
        except Exception:  # noqa: BLE001 - any damage: the index is derived data, it is rebuilt
            return None


_VERSION_ID = "catalogue_version"


def _record_from_metadata(md: dict) -> DocRecord:
    return DocRecord(
        meta=meta_from_json(md["meta_json"]), content_hash=md.get("content_hash", ""),
        n_chunks=int(md.get("n_chunks", 0)), ingested_at=float(md.get("ingested_at", 0)), fmt=md.get("fmt", ""),
        pipeline_version=str(md.get("pipeline_version", "")),
        supersedes=tuple(x for x in str(md.get("supersedes") or "").split(",") if x),
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
    supersedes: tuple[str, ...] = ()  # earlier versions of the same file, removed once this is written
    indicators: list | None = None  # rows of the indicator table (rag/indicators_table.py); None: extracted at write


def _superseded_pairs(records: dict[str, DocRecord]) -> list[tuple[DocRecord, DocRecord]]:
    out = []
    for rec in records.values():
        for old_id in rec.supersedes:
            old = records.get(old_id)
            if old is not None and old_id != rec.meta.doc_id and old.ingested_at <= rec.ingested_at:
                out.append((old, rec))
    return out


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
        self._lock = threading.RLock()
        self._pin = threading.local()  # a version pinned for the duration of one question
        self._counts: tuple[str, int, int] | None = None  # (version, docs, chunks)
        self._docs_cache: tuple[str, dict[str, DocRecord], dict[str, DocRecord]] | None = None  # version, all, visible
        self._bm25: BM25Index | None = None
        self._text_cache: dict[str, str] = {}
        self._seen_version: str | None = None  # the catalogue version this view was opened at
        self._own_versions: list[str] = []  # versions written by this object (no reopen needed)
        self.reopens = 0
        self._open()

    def _open(self) -> None:
        settings = self.settings
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
            # what this view has seen: a later version written by another process means reopen
            self._seen_version = self._read_version_once()
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - includes the Rust core's PanicException
            if not settings.chroma_host:
                raise _open_failure(settings, exc) from exc
            where = f"Chroma 服务器 {settings.chroma_host}:{settings.chroma_port}"
            raise StoreError(f"{where} 无法使用（{type(exc).__name__}: {exc}）。运行 `govqa doctor`。") from exc
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.vector_store = ChromaVectorStore(chroma_collection=self.chunks)

    def reopen(self) -> None:
        """A fresh view of the embedded index: another process committed reports after this one
        opened it (its in-memory vector index lacks them). A server needs no reopen."""
        with self._lock:
            if not self.settings.chroma_host:
                forget_chroma_system(self.settings)
            self._open()
            self._counts = None
            self.reopens += 1

    def _retrying(self, read):
        """Run a read; on the stale-reader class of Chroma errors reopen the store and retry once,
        then give a clear StoreBusyError (never Chroma's traceback)."""
        try:
            return read()
        except Exception as exc:  # noqa: BLE001
            if not is_stale_read(exc):
                raise
            first = exc
        time.sleep(0.2)  # a writer may be mid-way through persisting its index files
        self.reopen()
        try:
            return read()
        except Exception as exc:  # noqa: BLE001
            if not is_stale_read(exc):
                raise
            raise StoreBusyError(
                f"索引正在被另一个进程更新（{type(first).__name__}: {str(first).splitlines()[0][:120]}），"
                f"重新打开后仍无法读取。请稍后重试；若一直如此，运行 `govqa doctor`。") from exc

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
        token = self._retrying(self._read_version_once)
        seen = self._seen_version
        if seen is not None and token != seen and token not in self._own_versions and not self.settings.chroma_host:
            self.reopen()  # another process committed: see its reports through a fresh view (a server needs none)
        self._seen_version = token
        return token

    def _read_version_once(self) -> str:
        got = self.state.get(ids=[_VERSION_ID], include=["documents"])
        if got["ids"] and got["documents"] and got["documents"][0]:
            return got["documents"][0]
        # a store written before the version record existed: derive it from the document ids
        ids = sorted(self.docs.get(include=[])["ids"])
        return hashlib.sha1("\n".join(ids).encode()).hexdigest()[:16]

    def _bump_version(self) -> str:
        token = f"{time.time_ns():x}-{os.urandom(4).hex()}"
        self._own_versions = [*self._own_versions[-15:], token]
        self.state.upsert(ids=[_VERSION_ID], embeddings=[[0.0]], documents=[token])
        self._seen_version = token
        if getattr(self._pin, "version", None) is not None:
            self._pin.version = token
        return token

    def _counted(self) -> tuple[int, int]:
        """(documents, chunks) in Chroma, read once per catalogue version."""
        version = self.version()
        counts = self._counts
        if counts is None or counts[0] != version:
            counts = (version, self._retrying(lambda: self.docs.count()),
                      self._retrying(lambda: self.chunks.count()))
            self._counts = counts
        return counts[1], counts[2]

    def records(self) -> dict[str, DocRecord]:
        """The catalogue as readers see it: a version that a newer record of the same file says it
        supersedes is hidden at once (a replace interrupted before the old version was removed
        never shows both), and removed by the next ingest or `govqa doctor --repair`."""
        return self._read_records()[1]

    def all_records(self) -> dict[str, DocRecord]:
        """Every catalogue record, superseded ones included (for consistency checks)."""
        return self._read_records()[0]

    def _read_records(self) -> tuple[dict[str, DocRecord], dict[str, DocRecord]]:
        with self._lock:
            version = self.version()
            if self._docs_cache and self._docs_cache[0] == version:
                return self._docs_cache[1], self._docs_cache[2]
            # re-read in full: a record can be rewritten in place (a newer pipeline), by any client
            got = self._retrying(lambda: self.docs.get(include=["metadatas"]))
            records: dict[str, DocRecord] = {}
            for doc_id, md in zip(got["ids"], got["metadatas"]):
                try:
                    records[doc_id] = _record_from_metadata(md)
                except (KeyError, ValueError, TypeError):
                    continue  # a damaged record is reported by `govqa doctor`
            hidden = {old.meta.doc_id for old, _ in _superseded_pairs(records)}
            visible = {d: r for d, r in records.items() if d not in hidden} if hidden else records
            self._docs_cache = (version, records, visible)
            return records, visible

    def list_docs(self) -> list[DocMeta]:
        return sorted((r.meta for r in self.records().values()), key=lambda m: m.file)

    def get_doc(self, doc_id: str) -> DocRecord | None:
        return self.records().get(doc_id)

    def get_doc_text(self, doc_id: str) -> str | None:
        """Cleaned text of a report (cached: a doc_id is a content hash, so it never changes)."""
        cached = self._text_cache.get(doc_id)
        if cached is not None:
            return cached
        got = self._retrying(lambda: self.docs.get(ids=[doc_id], include=["documents"]))
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
        mark_data_dir_used(self.settings, "reports written")
        records = [{
            "meta_json": meta_to_json(d.meta), "file": d.meta.file, "content_hash": d.content_hash,
            "n_chunks": len(d.chunks), "ingested_at": now, "fmt": d.fmt, "pipeline_version": d.pipeline_version,
            # crash-consistent replace: until the versions this one replaces are removed, the record
            # names them, and the next ingest or `govqa doctor --repair` finishes the job
            "supersedes": ",".join(x for x in d.supersedes if x != d.meta.doc_id),
        } for d in docs]
        with self._lock:
            self.docs.upsert(ids=ids, embeddings=[[0.0]] * len(docs), documents=[d.clean_text for d in docs],
                             metadatas=records)
            self._bump_version()

    def remove_document(self, doc_id: str) -> bool:
        """Remove the catalogue record first (the document disappears at once), then its chunks."""
        existed = bool(self.docs.get(ids=[doc_id], include=[])["ids"])
        mark_data_dir_used(self.settings, "report removed")
        with self._lock:
            self.docs.delete(ids=[doc_id])
            self._bump_version()
        self.chunks.delete(where={"doc_id": doc_id})
        from rag.indicators_table import delete_rows

        delete_rows(self, doc_id)
        return existed

    # ------------------------------------------------------------------ consistency
    def chunk_doc_counts(self) -> dict[str, int]:
        got = self._retrying(lambda: self.chunks.get(include=["metadatas"]))
        counts: dict[str, int] = {}
        for md in got["metadatas"]:
            counts[md.get("doc_id", "")] = counts.get(md.get("doc_id", ""), 0) + 1
        return counts

    def superseded(self) -> list[tuple[DocRecord, DocRecord]]:
        """(old, new) pairs: a version still stored although a newer record says it replaced it
        (a crash between writing the new version and removing the old one)."""
        return _superseded_pairs(self.all_records())

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

    def check_bm25(self) -> str:
        """`govqa doctor`: load the saved BM25 index and test-query it; on any error rebuild it from
        the catalogue. Returns what was wrong ('' when it was fine)."""
        import bm25s

        problem = ""
        path = self._bm25_path
        try:
            with open(path / "rows.json", encoding="utf-8") as fh:
                data = json.load(fh)
            retriever = bm25s.BM25.load(str(path / "bm25"), mmap=False, show_progress=False) if data["rows"] else None
            index = BM25Index(retriever, data["rows"], data["version"])
            index.validate()
            if index.version != self.version() or not self._matches_catalogue(index):
                problem = "BM25 索引与目录不同步"
            elif not index.same_as(BM25Index.build(index.rows, index.version)):
                problem = "BM25 索引已损坏（其中的得分与分块的词不符）"
        except FileNotFoundError:
            problem = "BM25 索引不存在" if self.records() else ""
        except Exception as exc:  # noqa: BLE001
            problem = f"BM25 索引已损坏（{type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''}）"
        if problem:
            with self._lock:
                shutil.rmtree(path, ignore_errors=True)
                self._bm25 = None
            index = self.bm25()
            index.validate()
        return problem

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
        vec = [np.asarray(query_vec, dtype=np.float32).tolist()]
        result = self._retrying(lambda: self.chunks.query(query_embeddings=vec, n_results=min(k, n), where=where,
                                                          include=["distances"]))
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
