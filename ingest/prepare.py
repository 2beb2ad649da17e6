"""One file's text work: load -> clean -> meta -> chunk -> search tokens (no I/O on the stores,
no embedding). Imports only what that needs, so the parse worker (ingest/isolate.py) that runs it
under CPU and memory limits starts light.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ingest.chunk import chunk_document
from ingest.clean import clean_report_text
from ingest.load import LoadError, load_bytes, load_file, too_much_text
from ingest.meta import extract_metadata
from rag.config import Settings
from rag.text.tokens import search_tokens
from rag.types import Chunk, DocMeta, LoadedDocument


@dataclass
class StageTimes:
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(
        ("load", "clean", "meta", "chunk", "tokens", "indicators", "embed", "write"), 0.0))
    chars: int = 0
    chunks: int = 0
    docs: int = 0

    @contextmanager
    def time(self, stage: str):
        t = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] += time.perf_counter() - t


def doc_id_for(clean_text: str) -> str:
    import hashlib

    return hashlib.sha256(clean_text.encode("utf-8")).hexdigest()[:16]


@dataclass
class PreparedDoc:
    loaded: LoadedDocument
    meta: DocMeta
    clean_text: str
    chunks: list[Chunk]
    tokens: list[list[str]]
    indicators: list | None = None  # rows of the indicator table (None: extraction switched off)


def prepare_document(loaded: LoadedDocument, settings: Settings, times: StageTimes | None = None) -> PreparedDoc:
    """load -> clean -> meta -> chunk -> tokens (no I/O, no embedding)."""
    times = times or StageTimes()
    if len(loaded.text) > settings.limits.max_text_chars:
        raise too_much_text(loaded.file, settings.limits.max_text_chars, len(loaded.text))
    with times.time("clean"):
        clean = clean_report_text(loaded.text)
    if len(clean.text.strip()) < 20:
        raise LoadError(loaded.file, "清洗后没有正文（页面只有导航或版权信息）")
    doc_id = doc_id_for(clean.text)
    with times.time("meta"):
        meta = extract_metadata(clean, doc_id=doc_id, file=loaded.file)
    chunks, tokens = index_entries(clean.text, meta, settings, times)
    with times.time("indicators"):
        indicators = indicator_rows(meta, clean.text, settings)
    return PreparedDoc(loaded, meta, clean.text, chunks, tokens, indicators)


def indicator_rows(meta: DocMeta, clean_text: str, settings: Settings) -> list | None:
    """The report's rows of the indicator table (rag/indicators_table.py), or None when switched off."""
    from rag import indicators_table

    return indicators_table.extract_rows(meta, clean_text) if indicators_table.enabled(settings) else None


def index_entries(text: str, meta: DocMeta, settings: Settings,
                  times: StageTimes | None = None) -> tuple[list[Chunk], list[list[str]]]:
    """A report's chunks and the search tokens of each (the issuer's name, the section path and the
    text), from its cleaned text and metadata: the one recipe for ingest, upgrade and repair."""
    times = times or StageTimes()
    with times.time("chunk"):
        chunks = chunk_document(text, meta, max_tokens=settings.chunk.chunk_tokens,
                                overlap_tokens=settings.chunk.chunk_overlap_tokens, encoding=settings.chunk.tokenizer_encoding)
    with times.time("tokens"):
        tokens = [search_tokens(f"{meta.entity or meta.town or ''} {c.section} {c.text}") for c in chunks]
    return chunks, tokens


def load_source(src: Path | str | tuple[str, bytes], settings: Settings) -> LoadedDocument:
    """Read one source (a path, or an upload's (name, bytes)) within the settings' limits."""
    limits = dict(max_chars=settings.limits.max_text_chars, max_unpacked_mb=settings.limits.max_unpacked_mb)
    if isinstance(src, tuple):
        name, data = src
        if len(data) > settings.limits.max_file_mb * 1048576:
            raise LoadError(name, f"文件过大（上限 {settings.limits.max_file_mb:g} MB）")
        return load_bytes(data, file=name, **limits)
    return load_file(src, max_mb=settings.limits.max_file_mb, **limits)


def prepare_source(src: Path | str | tuple[str, bytes], settings: Settings,
                   times: StageTimes | None = None) -> PreparedDoc:
    """load_source + prepare_document, in this process (see ingest.isolate for the guarded way)."""
    times = times or StageTimes()
    with times.time("load"):
        loaded = load_source(src, settings)
    return prepare_document(loaded, settings, times)
