"""Shared fixtures: one ingested seed index per test session, one on-disk embedding cache.

Embedding is the slow part (~25-40 s for the seeds on 2 cores), so every test that needs an
index reuses the session's; the embedding cache lives in .pytest_cache so a second run of the
suite embeds nothing at all.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rag.config import Settings, disable_phone_home  # noqa: E402

disable_phone_home()
SEEDS = ROOT / "seeds"


def _raise_open_file_limit() -> None:
    """Every embedded Chroma store a test opens keeps about 23 descriptors until the process ends
    (Chroma caches one system per path): let the suite use the hard limit, not a low soft one."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else max(soft, 65536), hard))
        except (ValueError, OSError):
            pass


_raise_open_file_limit()


@pytest.fixture(scope="session")
def embed_cache_dir() -> Path:
    path = Path(os.environ.get("GOVQA_TEST_EMBED_CACHE", ROOT / ".pytest_cache" / "govqa-embeddings"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def make_settings(data_dir: Path, cache_dir: Path, **overrides) -> Settings:
    """Settings for a test: its own data dir, the shared embedding cache, no LLM, no Chroma server."""
    base = dict(data_dir=data_dir, embed_cache_dir=cache_dir, seeds_dir=SEEDS, chroma_host=None,
                llm_base_url=None, llm_api_key=None, backend="extractive")
    base.update(overrides)
    return Settings.build(**base)


@pytest.fixture(scope="session")
def seeded_settings(tmp_path_factory, embed_cache_dir) -> Settings:
    """A data dir with the five seeds ingested (once per session)."""
    from ingest.pipeline import ingest_paths
    from rag.embed import GovEmbedding
    from rag.store import ReportStore

    settings = make_settings(tmp_path_factory.mktemp("seeded"), embed_cache_dir)
    store = ReportStore(settings)
    results = ingest_paths([SEEDS], settings=settings, store=store, embedder=GovEmbedding.from_settings(settings))
    assert all(r.status == "ok" for r in results), [r.line() for r in results]
    return settings


@pytest.fixture(scope="session")
def service(seeded_settings):
    """The QA service over the seeded index (shared: do not write to it)."""
    from rag.chat import QAService

    return QAService(seeded_settings)


@pytest.fixture
def fresh_settings(tmp_path, embed_cache_dir) -> Settings:
    """An empty data dir (per test) that still shares the embedding cache."""
    return make_settings(tmp_path / "data", embed_cache_dir)


def ingest_one_report(data_dir: Path, cache_dir: Path, report: Path) -> Path:
    """A data dir with one report ingested and its Chroma client released (a template that tests
    copy before they damage or change it)."""
    from chromadb.api.client import SharedSystemClient

    from ingest.pipeline import ingest_paths
    from rag.embed import GovEmbedding
    from rag.store import ReportStore

    settings = make_settings(data_dir, cache_dir)
    store = ReportStore(settings)
    results = ingest_paths([report], settings=settings, store=store, embedder=GovEmbedding.from_settings(settings))
    assert [r.status for r in results] == ["ok"]
    del store
    SharedSystemClient.clear_system_cache()
    return settings.store.data_dir
