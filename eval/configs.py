"""Named pipeline variants that ``govqa eval --config`` runs side by side.

Every variant answers through :class:`rag.chat.QAService` (query analysis -> retrieval ->
answer -> citation validation), so the columns of the report differ only in what the variant
changes:

* retrieval strategy on the same index (``hybrid`` = the default, ``dense``, ``bm25``, ``rrf``);
* depth (``k3``, ``k10``);
* chunk size (``chunk128``, ``chunk512``): a second index in its own data dir, built from the
  same report files with the shared embedding cache;
* answer backend (``llm``, when an OpenAI-compatible endpoint is configured);
* ``baseline-llamaindex``: LlamaIndex's default pipeline — the raw files (no cleaning) cut by
  ``SentenceSplitter()`` with its default settings, embedded with the same ``GovEmbedding`` into a
  ``VectorStoreIndex`` over its own Chroma collection, plain vector top-k over all reports (no
  BM25, no metadata filters, no neighbour merging) — fed to the same extractive answerer. It
  shares the query analysis (follow-up condensing, comparison sides) and the report metadata
  the answerer uses for labels, so the column isolates what cleaning, structure-aware
  chunking and hybrid retrieval buy.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from rag.chat import QAService
from rag.config import Settings
from rag.embed import GovEmbedding
from rag.query_plan import QueryPlan, Side
from rag.config import RetrievalSettings
from rag.store import ReportStore
from rag.types import DocMeta, Passage

DEFAULT_CONFIG = "hybrid"
BASELINE = "baseline-llamaindex"
VARIANTS_DIR = "eval-variants"


@dataclass(frozen=True)
class EvalConfig:
    name: str
    label: str  # shown in the report
    k: int | None = None  # None: the run's -k, else settings.retrieval.top_k
    backend: str | None = None  # None: the run's --backend, else settings.answer.backend
    retrieval: dict = field(default_factory=dict)  # RetrievalSettings overrides
    chunk_tokens: int | None = None  # a separate index with this chunk size
    baseline: bool = False
    needs_llm: bool = False

    def retrieval_config(self, settings: Settings) -> RetrievalSettings:
        return replace(settings.retrieval, **self.retrieval)


CONFIGS: dict[str, EvalConfig] = {c.name: c for c in (
    EvalConfig("hybrid", "混合检索（默认：稠密+BM25 加权融合）"),
    EvalConfig("dense", "仅稠密向量检索", retrieval={"mode": "dense"}),
    EvalConfig("bm25", "仅 BM25（jieba 分词）", retrieval={"mode": "bm25"}),
    EvalConfig("rrf", "混合检索，RRF 融合", retrieval={"fusion": "rrf"}),
    EvalConfig("k3", "混合检索，k=3", k=3),
    EvalConfig("k10", "混合检索，k=10", k=10),
    EvalConfig("chunk128", "分块 128 token（另建索引）", chunk_tokens=128),
    EvalConfig("chunk512", "分块 512 token（另建索引）", chunk_tokens=512),
    EvalConfig("llm", "大模型回答（OpenAI 兼容接口）", backend="llm", needs_llm=True),
    EvalConfig(BASELINE, "LlamaIndex 默认流程（未清洗 + SentenceSplitter 默认 + 向量 top-k）", baseline=True),
)}
# what `--config all` runs (llm only when an endpoint is configured)
ALL = ["hybrid", "dense", "bm25", "rrf", "k3", "k10", "chunk512", BASELINE, "llm"]


class ConfigError(ValueError):
    pass


def resolve_configs(names: list[str] | None, settings: Settings) -> list[EvalConfig]:
    """``--config`` values (repeatable, comma-separated, ``all``) -> configs, default first."""
    wanted: list[str] = []
    for raw in names or [DEFAULT_CONFIG]:
        for name in (n.strip() for n in raw.split(",")):
            if not name:
                continue
            if name == "all":
                wanted += [n for n in ALL if not CONFIGS[n].needs_llm or settings.answer.llm_configured]
            elif name not in CONFIGS:
                raise ConfigError(f"未知配置 {name!r}；可选：{', '.join(CONFIGS)}, all")
            else:
                if CONFIGS[name].needs_llm and not settings.answer.llm_configured:
                    raise ConfigError(f"配置 {name} 需要大模型接口：请设置 OPENAI_BASE_URL / OPENAI_API_KEY")
                wanted.append(name)
    out: list[str] = []
    for n in wanted:
        if n not in out:
            out.append(n)
    return [CONFIGS[n] for n in out]


# ------------------------------------------------------------------ indexes


def variant_settings(settings: Settings, name: str, variants_dir: Path | None = None, **changes) -> Settings:
    """Settings for a variant index: its own embedded data dir, the shared embedding cache."""
    base = Path(variants_dir) if variants_dir else settings.store.data_dir / VARIANTS_DIR
    return settings.with_(data_dir=base / name, embed_cache_dir=settings.cache_dir, chroma_host=None, **changes)


def _dirs(docs: Path | list[Path]) -> list[Path]:
    return [Path(d) for d in docs] if isinstance(docs, (list, tuple)) else [Path(docs)]


def docs_label(docs: Path | list[Path]) -> str:
    """Folders as they are; loose files summed up under their common folder."""
    paths = _dirs(docs)
    files = [p for p in paths if p.is_file()]
    parts = [str(p) for p in paths if p not in files]
    if len(files) > 3:
        parts.insert(0, f"{os.path.commonpath([str(f.parent) for f in files])} 中的 {len(files)} 个文件")
    else:
        parts = [str(p) for p in paths]
    return "、".join(parts)


def sync_index(settings: Settings, store: ReportStore, embedder: GovEmbedding, docs_dir: Path | list[Path],
               *, remove_others: bool = True) -> None:
    """Make ``store`` hold the report files of ``docs_dir`` (one folder or several; incremental,
    idempotent); with ``remove_others`` also drop every other report."""
    from ingest.pipeline import collect_files, ingest_paths

    files, _ = collect_files(_dirs(docs_dir), settings)
    names = {f.name for f in files}
    for meta in store.list_docs() if remove_others else []:
        if meta.file not in names:
            store.remove_document(meta.doc_id)
    results = ingest_paths(files, settings=settings, store=store, embedder=embedder)
    failed = [r.line() for r in results if r.status == "failed"]
    if failed:
        raise ConfigError("变体索引导入失败：" + "；".join(failed))


class LlamaIndexBaseline:
    """LlamaIndex defaults over the raw files: SentenceSplitter() + VectorStoreIndex(Chroma)."""

    def __init__(self, settings: Settings, embedder: GovEmbedding, docs_dir: Path | list[Path],
                 variants_dir: Path | None = None):
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from llama_index.core import Document, StorageContext, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.vector_stores.chroma import ChromaVectorStore

        from ingest.load import load_file
        from ingest.pipeline import collect_files

        self.settings = variant_settings(settings, BASELINE, variants_dir)
        files, _ = collect_files(_dirs(docs_dir), self.settings)
        docs = []
        digest = hashlib.sha256(f"{embedder.model_name}|SentenceSplitter()".encode())
        for f in files:
            loaded = load_file(f)  # decoding only (encoding detection, html/pdf text): no cleaning
            docs.append(Document(text=loaded.text, metadata={"file_name": loaded.file}, id_=loaded.content_hash))
            digest.update(loaded.content_hash.encode())
        name = f"baseline_{digest.hexdigest()[:16]}"
        path = self.settings.store.data_dir / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))
        for coll in client.list_collections():  # an index of other files or another model
            coll_name = coll if isinstance(coll, str) else coll.name
            if coll_name != name:
                client.delete_collection(coll_name)
        collection = client.get_or_create_collection(name, embedding_function=None)
        vector_store = ChromaVectorStore(chroma_collection=collection)
        t = time.perf_counter()
        if collection.count() == 0:
            nodes = SentenceSplitter()(docs)
            storage = StorageContext.from_defaults(vector_store=vector_store)
            self.index = VectorStoreIndex(nodes, storage_context=storage, embed_model=embedder)
        else:
            self.index = VectorStoreIndex.from_vector_store(vector_store, embed_model=embedder)
        self.build_s = time.perf_counter() - t
        self.n_chunks = collection.count()

    def retrieve(self, text: str, k: int, metas_by_file: dict[str, DocMeta]) -> list[Passage]:
        nodes = self.index.as_retriever(similarity_top_k=k).retrieve(text)
        return [node_to_passage(n, metas_by_file) for n in nodes]


def node_to_passage(scored, metas_by_file: dict[str, DocMeta]) -> Passage:
    """A LlamaIndex ``NodeWithScore`` as a :class:`Passage` (metadata from the catalogue by file name)."""
    node = scored.node
    file = node.metadata.get("file_name", "")
    meta = metas_by_file.get(file)
    text = node.get_content()
    start = node.start_char_idx or 0
    return Passage(
        chunk_id=node.node_id, doc_id=meta.doc_id if meta else f"raw:{file}", file=file,
        title=meta.title if meta else file, town=(meta.town or "") if meta else "",
        region=(meta.region or "") if meta else "", year=int(meta.year or 0) if meta else 0,
        section="", text=text, start=start, end=start + len(text), chunk_index=0,
        scores={"dense": round(float(scored.score or 0.0), 4)},
    )


class BaselineGatherer:
    """The gatherer of the ``baseline-llamaindex`` configuration: the LlamaIndex baseline's vector
    top-k in place of the index search (the rest of the service is the same)."""

    def __init__(self, baseline: LlamaIndexBaseline, store: ReportStore):
        self.baseline = baseline
        self.store = store

    def gather(self, plan: QueryPlan, *, k: int, config: RetrievalSettings) -> list[tuple[Side, list[Passage]]]:
        metas_by_file = {m.file: m for m in self.store.list_docs()}
        evidence = []
        for side in plan.sides:
            # LlamaIndex's default: the question as asked, over every report (no metadata filters);
            # follow-ups get the condensed question, comparisons one query per side
            if plan.comparison:
                text = f"{side.label} {plan.topic}"
            else:
                text = plan.standalone if plan.followup else plan.question
            evidence.append((side, self.baseline.retrieve(text, k, metas_by_file)))
        return evidence


@dataclass
class ServicePool:
    """One service per index, all sharing one embedder (so query vectors are computed once)."""

    settings: Settings
    docs_dir: Path | list[Path]  # one folder of report files, or several
    embedder: GovEmbedding
    variants_dir: Path | None = None  # default: <data dir>/eval-variants
    services: dict[str, QAService] = field(default_factory=dict)
    build_notes: list[str] = field(default_factory=list)
    needed_files: frozenset[str] = frozenset()  # report files the dataset refers to

    def main(self) -> QAService:
        if "main" not in self.services:
            service = QAService(self.settings, embedder=self.embedder)
            where = docs_label(self.docs_dir)
            if service.store.is_empty():
                t = time.perf_counter()
                sync_index(self.settings, service.store, self.embedder, self.docs_dir)
                self.build_notes.append(f"主索引为空，已导入 {where}（{time.perf_counter() - t:.1f} 秒）")
            elif missing := self.needed_files - {m.file for m in service.store.list_docs()}:
                # an index holding other reports (the seeds, say): add what the dataset needs, keep the rest
                t = time.perf_counter()
                sync_index(self.settings, service.store, self.embedder, self.docs_dir, remove_others=False)
                self.build_notes.append(f"主索引缺少数据集引用的 {len(missing)} 份报告，已从 {where} 增量导入"
                                        f"（{time.perf_counter() - t:.1f} 秒）")
            still = sorted(self.needed_files - {m.file for m in service.store.list_docs()})
            if still:
                self.build_notes.append(f"索引中仍没有数据集引用的 {len(still)} 份报告：{'、'.join(still[:10])}"
                                        + ("…" if len(still) > 10 else ""))
            self.services["main"] = service
        return self.services["main"]

    def for_config(self, config: EvalConfig) -> QAService:
        if config.baseline:
            key = BASELINE
            if key not in self.services:
                main = self.main()
                t = time.perf_counter()
                baseline = LlamaIndexBaseline(self.settings, self.embedder, self.docs_dir, self.variants_dir)
                self.build_notes.append(
                    f"{BASELINE}：{baseline.n_chunks} 块（SentenceSplitter 默认参数），准备用时 {time.perf_counter() - t:.1f} 秒")
                self.services[key] = QAService(self.settings, store=main.store, embedder=self.embedder,
                                               gatherer=BaselineGatherer(baseline, main.store))
            return self.services[key]
        if config.chunk_tokens:
            key = f"chunk{config.chunk_tokens}"
            if key not in self.services:
                vs = variant_settings(self.settings, key, self.variants_dir, chunk_tokens=config.chunk_tokens)
                store = ReportStore(vs)
                t = time.perf_counter()
                sync_index(vs, store, self.embedder, self.docs_dir)
                self.build_notes.append(f"{key}：{store.chunks.count()} 块，准备用时 {time.perf_counter() - t:.1f} 秒")
                self.services[key] = QAService(vs, store=store, embedder=self.embedder)
            return self.services[key]
        return self.main()
