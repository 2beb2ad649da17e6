"""Running configurations over a dataset through the QA service: the results document."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from eval.configs import ConfigError, EvalConfig, ServicePool, docs_label
from eval.dataset import SPLITS, DatasetError, EvalItem, load_dataset
from eval.judge import LLMJudge
from eval.library import find_source_file, library_paths
from eval.scoring import error_record, item_record, score_item
from eval.summary import breakdowns, latency, summarise
from rag.config import Settings


@dataclass
class RunOptions:
    k: int | None = None
    backend: str | None = None
    judge: bool | None = None  # None: when an LLM endpoint is configured
    progress: bool = True


def run_config(config: EvalConfig, items: list[EvalItem], pool: ServicePool, opts: RunOptions,
               judge: LLMJudge | None, bar=None) -> dict:
    from rag.chat import Conversation

    service = pool.for_config(config)
    settings = pool.settings
    k = config.k or opts.k or settings.retrieval.top_k
    backend = config.backend or opts.backend or settings.answer.backend
    retrieval = config.retrieval_config(settings)
    records = []
    started = time.perf_counter()
    for item in items:
        try:
            conversation = Conversation()
            earlier = []
            answer = None
            for n, turn in enumerate(item.all_turns):
                answer = service.ask(turn, conversation, k=k, backend=backend, retrieval=retrieval)
                if n < len(item.all_turns) - 1:
                    earlier.append({"question": turn, "answer": answer.answer, "refused": answer.refused})
            metrics = score_item(item, answer, k)
            if judge is not None:
                asked = item.question if len(item.all_turns) < 2 else (
                    "（多轮对话）前面的问题：" + "；".join(item.all_turns[:-1]) + "。最后的问题：" + item.question)
                metrics["judge_correctness"] = judge.correctness(asked, item.answer, answer.answer)
                if not answer.refused:
                    metrics["judge_faithfulness"] = judge.faithfulness(answer.answer,
                                                                       [c.text for c in answer.citations])
            records.append(item_record(item, answer, metrics, earlier, item.source_pairs))
        except Exception as exc:  # noqa: BLE001 - one failing item is reported, the run goes on
            records.append(error_record(item, exc))
        if bar is not None:
            bar.update(1)
    return {
        "name": config.name, "label": config.label, "k": k, "backend": backend,
        "retrieval": {"mode": retrieval.mode, "fusion": retrieval.fusion},
        "chunk_tokens": config.chunk_tokens or settings.chunk.chunk_tokens if not config.baseline else None,
        "seconds": round(time.perf_counter() - started, 2),
        "summary": summarise(records),
        "by_type": {t: summarise([r for r in records if r["type"] == t])
                    for t in sorted({r["type"] for r in records})},
        **breakdowns(records),
        "latency_ms": latency(records),
        "errors": sum(1 for r in records if r["error"]),
        "items": records,
    }



def resolve_docs_dirs(items: list[EvalItem], settings: Settings, docs: Path | list[Path] | None) -> list[Path]:
    """What to index: ``--docs`` as given; by default the seeds when they hold every file the
    dataset refers to (the seed dev set: its index, and so its baseline, stay as they were), else
    the library (``<repo>/../shared/corpus/**/*.txt`` + the seeds)."""
    if docs:
        return [Path(d) for d in docs] if isinstance(docs, (list, tuple)) else [Path(docs)]
    seeds = Path(settings.store.seeds_dir)
    if all(find_source_file(f, [seeds]) for it in items for f in it.files):
        return [seeds]
    return library_paths(seeds) or [seeds]


def select_split(items: list[EvalItem], split: str | None, dataset) -> list[EvalItem]:
    if not split or split == "all":
        return items
    if split not in SPLITS:
        raise DatasetError(str(dataset), [f"--split={split!r} 无效，应为 {'|'.join(SPLITS)}|all"])
    if not any(it.split for it in items):
        raise DatasetError(str(dataset), [f"数据集没有 split 字段，不能只跑 {split}（用 --split all）"])
    return [it for it in items if it.split == split]


def run_eval(dataset: str | Path, *, settings: Settings, configs: list[EvalConfig],
             docs_dir: Path | list[Path] | None = None, opts: RunOptions | None = None, limit: int | None = None,
             variants_dir: Path | None = None, split: str | None = None) -> dict:
    """Run ``configs`` over the dataset; returns the results document (what results.json holds)."""
    from rag.embed import GovEmbedding

    opts = opts or RunOptions()
    items = load_dataset(dataset)
    has_splits = any(it.split for it in items)
    items = select_split(items, split, dataset)
    if limit:
        items = items[:limit]
    docs_dirs = resolve_docs_dirs(items, settings, docs_dir)
    pool = ServicePool(settings, docs_dirs, GovEmbedding.from_settings(settings), variants_dir,
                       needed_files=frozenset(f for it in items for f in it.files))
    use_judge = settings.answer.llm_configured if opts.judge is None else opts.judge
    if use_judge and not settings.answer.llm_configured:
        raise ConfigError("--judge 需要大模型接口：请设置 OPENAI_BASE_URL / OPENAI_API_KEY")
    judge = LLMJudge(settings) if use_judge else None
    bar = None
    if opts.progress:
        from tqdm import tqdm

        bar = tqdm(total=len(items) * len(configs), file=sys.stderr, unit="题", leave=False, dynamic_ncols=True)
    results_by_config = {}
    try:
        for config in configs:
            if bar is not None:
                bar.set_description(config.name)
            results_by_config[config.name] = run_config(config, items, pool, opts, judge, bar)
    finally:
        if bar is not None:
            bar.close()
    main_docs = pool.main().catalogue()
    return {
        "dataset": str(dataset),
        "items": len(items),
        **({"split": split or "all"} if has_splits else {}),
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "data_dir": str(settings.store.data_dir),
        "docs_dir": docs_label(docs_dirs),
        "docs_dirs": [str(d) for d in docs_dirs],
        "documents": [m.file for m in main_docs],
        "build_notes": pool.build_notes,
        "judge": {"model": settings.answer.llm_model, "errors": judge.errors[:20]} if judge else None,
        "configs": results_by_config,
    }
