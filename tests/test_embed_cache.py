"""The embedding cache is only a cache: a damaged file never stops an ingest."""

from __future__ import annotations

import numpy as np

from rag.embed import EmbeddingCache


def test_damaged_cache_is_moved_aside_and_rebuilt(tmp_path):
    path = tmp_path / "embeddings.sqlite"
    path.write_bytes(b"not a database" * 500)
    cache = EmbeddingCache(path)
    cache.put_many("m", [("文本", np.arange(4, dtype=np.float32))])
    got = cache.get_many("m", ["文本", "别的"])
    assert list(got.values())[0].tolist() == [0.0, 1.0, 2.0, 3.0] and len(got) == 1
    assert any(p.name.startswith("embeddings.sqlite.broken-") for p in tmp_path.iterdir())


def test_cache_damaged_while_open_degrades_to_misses(tmp_path):
    path = tmp_path / "embeddings.sqlite"
    cache = EmbeddingCache(path)
    cache.put_many("m", [("a", np.ones(2, dtype=np.float32))])
    cache._conn().close()
    cache._local.conn = None
    with open(path, "r+b") as fh:  # clobber the header behind the cache's back
        fh.write(b"garbage!" * 16)
    assert cache.get_many("m", ["a"]) == {}  # a miss, not an exception
    cache.put_many("m", [("b", np.ones(2, dtype=np.float32))])  # logged, not raised
