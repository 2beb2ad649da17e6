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
import os
import shutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from rag.bm25_index import BM25Index, matches_catalogue, rebuild_index
from rag.chroma_client import forget_chroma_system, open_chroma_client
from rag.config import RetrievalSettings, Settings
from rag.data_dir_marker import mark_data_dir_used
from rag.store_errors import StoreBusyError, StoreError, is_stale_read, open_failure
from rag.store_records import (
    DocRecord,
    PendingDoc,
    chunk_nodes,
    meta_to_json,
    record_from_metadata,
    superseded_pairs,
)
from rag.store_repair import CatalogueRepair
from rag.types import DocMeta, Passage

_VERSION_ID = "catalogue_version"


class ReportStore(CatalogueRepair):
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
        name = settings.embed.collection_name
        meta = {"hnsw:space": "cosine", "hnsw:search_ef": settings.store.hnsw_search_ef,
                "hnsw:construction_ef": settings.store.hnsw_construction_ef}
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
            if not settings.store.chroma_host:
                raise open_failure(settings, exc) from exc
            where = f"Chroma 服务器 {settings.store.chroma_host}:{settings.store.chroma_port}"
            raise StoreError(f"{where} 无法使用（{type(exc).__name__}: {exc}）。运行 `govqa doctor`。") from exc
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.vector_store = ChromaVectorStore(chroma_collection=self.chunks)

    def reopen(self) -> None:
        """A fresh view of the embedded index: another process committed reports after this one
        opened it (its in-memory vector index lacks them). A server needs no reopen."""
        with self._lock:
            if not self.settings.store.chroma_host:
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
        if seen is not None and token != seen and token not in self._own_versions and not self.settings.store.chroma_host:
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
                    records[doc_id] = record_from_metadata(md)
                except (KeyError, ValueError, TypeError):
                    continue  # a damaged record is reported by `govqa doctor`
            hidden = {old.meta.doc_id for old, _ in superseded_pairs(records)}
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

    # ------------------------------------------------------------------ BM25 side index
    @property
    def _bm25_path(self) -> Path:
        if self.settings.store.chroma_host:
            tag = f"{self.settings.store.chroma_host}_{self.settings.store.chroma_port}".replace(".", "_").replace(":", "_")
            return self.settings.store.data_dir / f"bm25_{self.settings.embed.collection_name}_{tag}{self._bm25_tag()}"
        return self.settings.store.data_dir / f"bm25_{self.settings.embed.collection_name}{self._bm25_tag()}"

    def _bm25_tag(self) -> str:
        """'' for the default BM25 parameters (so existing side indexes stay valid), else k1 and b."""
        r, default = self.settings.retrieval, RetrievalSettings()
        if (r.bm25_k1, r.bm25_b) == (default.bm25_k1, default.bm25_b):
            return ""
        return f"_k{r.bm25_k1:g}_b{r.bm25_b:g}".replace(".", "p")

    def invalidate_bm25(self) -> None:
        with self._lock:
            self._bm25 = None

    def check_bm25(self) -> str:
        """`govqa doctor`: load the saved BM25 index and test-query it; on any error rebuild it from
        the catalogue. Returns what was wrong ('' when it was fine)."""
        problem = ""
        path = self._bm25_path
        try:
            index = BM25Index.read(path, mmap=False)
            if index.version != self.version() or not self._matches_catalogue(index):
                problem = "BM25 索引与目录不同步"
            elif not index.same_as(BM25Index.build(index.rows, index.version, k1=self.settings.retrieval.bm25_k1,
                                                   b=self.settings.retrieval.bm25_b)):
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
        return matches_catalogue(index, self.records())

    def _rebuild_bm25(self, version: str, previous: BM25Index | None = None) -> BM25Index:
        r = self.settings.retrieval
        return rebuild_index(self.records(), self.chunks, version, previous, k1=r.bm25_k1, b=r.bm25_b)

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
