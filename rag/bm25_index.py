"""The BM25 side index: bm25s over precomputed tokens, its checks, saving and loading, and rebuilding it."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from rag.store_records import DocRecord


class BM25Index:
    """bm25s over precomputed tokens, with the chunk rows needed to build passages."""

    def __init__(self, retriever, rows: list[dict], version: str):
        self.retriever = retriever
        self.rows = rows  # one dict per indexed chunk: id, text + metadata
        self.version = version
        self.row_of = {r["id"]: i for i, r in enumerate(rows)}
        self._df: dict[str, int] | None = None
        self._doc_vocab: dict[str, frozenset[str]] | None = None
        self._doc_arr = np.array([r["doc_id"] for r in rows]) if rows else np.array([], dtype=object)

    @classmethod
    def build(cls, rows: list[dict], version: str, *, k1: float, b: float) -> "BM25Index":
        """An index of ``rows`` (k1, b: the retrieval settings' bm25_k1 and bm25_b)."""
        import bm25s

        retriever = None
        if rows:
            retriever = bm25s.BM25(k1=k1, b=b)
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

    def doc_vocabulary(self) -> dict[str, frozenset[str]]:
        """Every report's set of tokens (over all its chunks)."""
        if self._doc_vocab is None:
            vocab: dict[str, set[str]] = {}
            for r in self.rows:
                vocab.setdefault(r["doc_id"], set()).update(r["tokens"].split(" "))
            self._doc_vocab = {d: frozenset(v) for d, v in vocab.items()}
        return self._doc_vocab

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
    def read(cls, path: Path, mmap: bool) -> "BM25Index":
        """The index saved under ``path``, validated; raises on any damage."""
        import bm25s

        with open(path / "rows.json", encoding="utf-8") as fh:
            data = json.load(fh)
        retriever = None
        if data["rows"]:
            retriever = bm25s.BM25.load(str(path / "bm25"), mmap=mmap, show_progress=False)
        index = cls(retriever, data["rows"], data["version"])
        index.validate()
        return index

    @classmethod
    def load(cls, path: Path) -> "BM25Index | None":
        try:
            return cls.read(path, mmap=True)
        except Exception:  # noqa: BLE001 - any damage: the index is derived data, it is rebuilt
            return None


def matches_catalogue(index: BM25Index, records: dict[str, DocRecord]) -> bool:
    """A saved index is used only if it holds exactly the catalogued documents, at their current
    revision: a process killed between writing a record and bumping the version leaves the old
    version token in place, and the saved index would silently lack (or keep) a document."""
    revs: dict[str, Any] = {}
    for r in index.rows:
        revs.setdefault(r["doc_id"], r.get("doc_rev"))
    return revs.keys() == records.keys() and all(revs[d] == records[d].ingested_at for d in records)


def rebuild_index(records: dict[str, DocRecord], chunks, version: str, previous: BM25Index | None = None,
                  *, k1: float, b: float) -> BM25Index:
    """Rows of the catalogued documents (``records``), read from the Chroma collection ``chunks``.
    Rows of ``previous`` are kept for documents whose catalogue record is unchanged (same
    ``ingested_at``); only the chunks of new or rewritten documents are read from Chroma, so an
    ingest does not re-read the whole collection."""
    from rag.text.tokens import search_tokens

    rows = []
    if previous is not None:
        rows = [r for r in previous.rows
                if r["doc_id"] in records and r.get("doc_rev") == records[r["doc_id"]].ingested_at]
    have = {r["doc_id"] for r in rows}
    missing = [d for d in records if d not in have]
    if previous is None:
        got = chunks.get(include=["documents", "metadatas"])
    elif missing:
        got = chunks.get(where={"doc_id": {"$in": missing}}, include=["documents", "metadatas"])
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
    return BM25Index.build(rows, version, k1=k1, b=b)
