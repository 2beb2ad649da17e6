"""`govqa eval`: run a question set through the QA pipeline, score it, report it, gate it.

    govqa eval DATASET.jsonl [--config NAME ...] [--backend extractive|llm] [-k N] [--out DIR]
                             [--check | --write-baseline] [--baseline PATH] [--docs DIR ...]
                             [--split tune|check|all] [--limit N]
    govqa eval validate DATASET.jsonl ... [--docs DIR ...]
    govqa eval draft REPORT_FILE [-n N] [--out FILE]

Every item goes through ``QAService.ask`` — the function the UI and ``govqa ask`` call — with
all turns of a conversation item asked in order in one ``Conversation`` and the last scored.
Writes ``results.json`` and ``report.html`` into the output dir and prints a markdown summary.
Datasets whose items carry ``split`` / ``level`` (the report-level dev set) are summarised per
split, per level within each split, and per type; ``--split`` runs one half only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from eval import metrics as M
from eval.metrics import GATED, METRICS, STAGES
from eval.configs import (
    CONFIGS, DEFAULT_CONFIG, ConfigError, EvalConfig, ServicePool, docs_label, resolve_configs,
)
from eval.dataset import (
    LEVELS, SPLITS, DatasetError, EvalItem, default_docs_dirs, find_source_file, library_paths, load_dataset,
    validate_dataset,
)
from rag.config import Settings, disable_phone_home

BASELINE_PATH = Path(__file__).resolve().parent / "baseline.json"
DEFAULT_TOLERANCE = 0.03



# ------------------------------------------------------------------ scoring one item

def _pairs_from_passages(passages) -> list[tuple[str, str]]:
    return [(p.file, p.text) for p in passages]


def score_item(item: EvalItem, answer, k: int) -> dict:
    """Every judge-free metric of one answered item (None where a metric does not apply)."""
    sources = item.source_pairs
    retrieved = _pairs_from_passages(answer.passages)
    cited = [(c.file, c.text) for c in answer.citations]
    m: dict[str, float | None] = dict.fromkeys(METRICS)
    m["answer_accuracy"] = M.answer_correct(refused=answer.refused, expects_refusal=item.expects_refusal,
                                            answer=answer.answer, must_include=item.must_include)
    m["must_include"] = M.must_include_score(answer.answer, item.must_include)
    m["token_f1"] = M.token_f1(answer.answer, item.answer)
    m["rouge_l"] = M.rouge_l(answer.answer, item.answer)
    if sources:
        relevant = M.passage_relevance(retrieved, sources)
        # one retrieval of depth k per side (a comparison has one list per side): score the whole list
        depth = max(k, len(relevant))
        m["hit_at_k"] = M.hit_at_k(relevant, depth)
        m["mrr_at_k"] = M.mrr_at_k(relevant, depth)
        if len(sources) >= 2:
            m["source_recall"] = M.source_recall(retrieved, sources)
        m["citation_recall"] = M.citation_recall(cited, sources)
    m["citation_precision"] = M.citation_precision(answer.answer, cited, sources)
    m["faithfulness"] = M.number_faithfulness(answer.answer, [c.text for c in answer.citations])
    if item.expects_refusal:
        m["refusal"] = 1.0 if answer.refused else 0.0
        if item.distractor is not None:
            m["distractor_answered"] = M.distractor_answered(answer.answer, item.distractor.evidence)
    else:
        m["false_refusal"] = 1.0 if answer.refused else 0.0
    return m


def item_fields(item: EvalItem) -> dict:
    """The report-level fields an item carries (split, level, entity, …), for its record."""
    d = item.to_dict()
    return {k: d[k] for k in ("split", "level", "entity", "report_year", "paraphrased", "distractor") if k in d}


def item_record(item: EvalItem, answer, metrics: dict, earlier: list[dict], sources) -> dict:
    relevant = M.passage_relevance(_pairs_from_passages(answer.passages), sources)
    return {
        "id": item.id, "type": item.type, "question": item.question, "turns": list(item.turns),
        "gold": {"answer": item.answer, "must_include": list(item.must_include),
                 "sources": [{"file": f, "evidence": e} for f, e in sources],
                 "expects_refusal": item.expects_refusal},
        "answer": answer.answer, "refused": answer.refused, "backend": answer.backend,
        "standalone_question": answer.standalone_question, "notices": list(answer.notices),
        "validation": answer.validation,
        "citations": [{"n": c.n, "file": c.file, "town": c.town, "year": c.year, "section": c.section,
                       "quote": c.quote, "text": c.text, "start": c.start, "end": c.end} for c in answer.citations],
        "passages": [{"rank": i, "file": p.file, "chunk_id": p.chunk_id, "section": p.section, "start": p.start,
                      "end": p.end, "text": p.text, "scores": p.scores, "relevant": rel}
                     for i, (p, rel) in enumerate(zip(answer.passages, relevant), start=1)],
        "timings_ms": {k: round(v, 1) for k, v in answer.timings_ms.items()},
        "earlier_turns": earlier,
        "metrics": metrics,
        "error": None,
        **item_fields(item),
    }


def error_record(item: EvalItem, exc: BaseException) -> dict:
    metrics = dict.fromkeys(METRICS)
    metrics["answer_accuracy"] = 0.0
    return {
        "id": item.id, "type": item.type, "question": item.question, "turns": list(item.turns),
        "gold": {"answer": item.answer, "must_include": list(item.must_include),
                 "sources": [{"file": f, "evidence": e} for f, e in item.source_pairs],
                 "expects_refusal": item.expects_refusal},
        "answer": "", "refused": False, "backend": "", "standalone_question": "", "notices": [],
        "validation": {}, "citations": [], "passages": [], "timings_ms": {}, "earlier_turns": [],
        "metrics": metrics, "error": f"{type(exc).__name__}: {exc}",
        **item_fields(item),
    }


# ------------------------------------------------------------------ optional LLM judge

class LLMJudge:
    """Faithfulness and correctness judged by an OpenAI-compatible chat model (prompts/judge_*.txt).

    Statements are split on 。！？；(RAGAS's English splitter does not split Chinese); the model
    returns JSON verdicts. A failed call or an unparsable reply gives ``None``, never a crash.
    """

    def __init__(self, settings: Settings):
        from openai import OpenAI

        self.model = settings.llm_model
        self.client = OpenAI(base_url=settings.llm_base_url, api_key=settings.llm_api_key or "unused",
                             timeout=settings.llm_timeout_s, max_retries=settings.llm_max_retries)
        self.errors: list[str] = []

    def _ask(self, prompt: str) -> dict | None:
        try:
            resp = self.client.chat.completions.create(
                model=self.model, temperature=0, messages=[{"role": "user", "content": prompt}])
            content = resp.choices[0].message.content or ""
        except Exception as exc:  # noqa: BLE001 - the judge is optional
            self.errors.append(f"{type(exc).__name__}: {exc}")
            return None
        match = re.search(r"\{.*\}", content, re.S)
        if not match:
            self.errors.append(f"评审回复不是 JSON：{content[:60]!r}")
            return None
        try:
            return json.loads(match.group(0))
        except json.JSONDecodeError:
            self.errors.append(f"评审回复不是 JSON：{content[:60]!r}")
            return None

    def faithfulness(self, answer: str, cited_texts: list[str]) -> float | None:
        from rag.prompts import render_prompt

        statements = M.split_statements(answer)
        if not statements or not cited_texts:
            return None
        context = "\n\n".join(f"[{i}] {t}" for i, t in enumerate(cited_texts, start=1))
        listing = "\n".join(f"{i}. {s}" for i, s in enumerate(statements, start=1))
        reply = self._ask(render_prompt("judge_faithfulness", context=context, statements=listing))
        if not reply or not isinstance(reply.get("verdicts"), list):
            return None
        votes = {}
        for v in reply["verdicts"]:
            try:
                votes[int(v["n"])] = 1.0 if float(v["supported"]) >= 0.5 else 0.0
            except (KeyError, TypeError, ValueError):
                continue
        # a statement the judge skipped counts as unsupported
        return sum(votes.get(i, 0.0) for i in range(1, len(statements) + 1)) / len(statements)

    def correctness(self, question: str, gold: str, answer: str) -> float | None:
        from rag.prompts import render_prompt

        reply = self._ask(render_prompt("judge_correctness", question=question, gold=gold,
                                        answer=M.strip_citation_marks(answer)))
        try:
            return max(0.0, min(1.0, float(reply["score"]))) if reply else None
        except (KeyError, TypeError, ValueError):
            return None


# ------------------------------------------------------------------ running

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
    k = config.k or opts.k or settings.top_k
    backend = config.backend or opts.backend or settings.backend
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
        "chunk_tokens": config.chunk_tokens or settings.chunk_tokens if not config.baseline else None,
        "seconds": round(time.perf_counter() - started, 2),
        "summary": summarise(records),
        "by_type": {t: summarise([r for r in records if r["type"] == t])
                    for t in sorted({r["type"] for r in records})},
        **breakdowns(records),
        "latency_ms": latency(records),
        "errors": sum(1 for r in records if r["error"]),
        "items": records,
    }


def _ordered(values: set, order: tuple) -> list:
    return [v for v in order if v in values] + sorted((v for v in values if v not in order), key=str)


def breakdowns(records: list[dict]) -> dict:
    """Per split (overall, per level, per type), per level and per phrasing — for datasets that
    carry those fields (none of these keys for a dataset without them)."""
    out: dict = {}

    def by(key: str, sel: list[dict], order: tuple) -> dict:
        return {v if v is not None else "none": summarise([r for r in sel if r.get(key) == v])
                for v in _ordered({r.get(key) for r in sel}, order)}

    if any(r.get("split") for r in records):
        out["by_split"] = {}
        for split in _ordered({r.get("split") for r in records}, SPLITS):
            sel = [r for r in records if r.get("split") == split]
            out["by_split"][split or "none"] = {
                "summary": summarise(sel),
                "by_level": by("level", sel, LEVELS) if any(r.get("level") for r in sel) else {},
                "by_type": {t: summarise([r for r in sel if r["type"] == t]) for t in sorted({r["type"] for r in sel})},
            }
    if any(r.get("level") for r in records):
        out["by_level"] = by("level", records, LEVELS)
    if any(r.get("paraphrased") is not None for r in records):
        out["by_paraphrased"] = {name: summarise([r for r in records if r.get("paraphrased") is flag])
                                 for name, flag in (("paraphrased", True), ("literal", False))
                                 if any(r.get("paraphrased") is flag for r in records)}
    return out


def summarise(records: list[dict]) -> dict:
    """Mean of each metric over the items it applies to, with the count."""
    out = {"n": len(records)}
    for key in METRICS:
        values = [r["metrics"].get(key) for r in records]
        present = [v for v in values if v is not None]
        out[key] = round(M.mean(present), 4) if present else None
        out[f"{key}_n"] = len(present)
    return out


def latency(records: list[dict]) -> dict:
    out = {}
    for stage in STAGES:
        values = [r["timings_ms"][stage] for r in records if stage in r.get("timings_ms", {})]
        if values:
            out[stage] = {"p50": round(M.percentile(values, 50), 1), "p95": round(M.percentile(values, 95), 1)}
    return out


def resolve_docs_dirs(items: list[EvalItem], settings: Settings, docs: Path | list[Path] | None) -> list[Path]:
    """What to index: ``--docs`` as given; by default the seeds when they hold every file the
    dataset refers to (the seed dev set: its index, and so its baseline, stay as they were), else
    the library (``<repo>/../shared/corpus/**/*.txt`` + the seeds)."""
    if docs:
        return [Path(d) for d in docs] if isinstance(docs, (list, tuple)) else [Path(docs)]
    seeds = Path(settings.seeds_dir)
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
    use_judge = settings.llm_configured if opts.judge is None else opts.judge
    if use_judge and not settings.llm_configured:
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
        "data_dir": str(settings.data_dir),
        "docs_dir": docs_label(docs_dirs),
        "docs_dirs": [str(d) for d in docs_dirs],
        "documents": [m.file for m in main_docs],
        "build_notes": pool.build_notes,
        "judge": {"model": settings.llm_model, "errors": judge.errors[:20]} if judge else None,
        "configs": results_by_config,
    }


# ------------------------------------------------------------------ regression gate

def baseline_document(results: dict, config: str = DEFAULT_CONFIG, tolerance: float = DEFAULT_TOLERANCE) -> dict:
    res = results["configs"][config]
    return {
        "dataset": Path(results["dataset"]).as_posix(),
        "items": results["items"],
        **({"split": results["split"]} if "split" in results else {}),
        "config": config,
        "backend": res["backend"],
        "k": res["k"],
        "tolerance": tolerance,
        "metrics": {m: res["summary"][m] for m in GATED if res["summary"].get(m) is not None},
        "by_type": {t: {m: s[m] for m in ("answer_accuracy", "hit_at_k") if s.get(m) is not None}
                    for t, s in res["by_type"].items()},
        "written": results["created"],
    }


def check_against_baseline(summary: dict, baseline: dict, tolerance: float | None = None) -> list[str]:
    """Regressions of ``summary`` vs the baseline's metrics (empty list = the gate passes)."""
    tol = baseline.get("tolerance", DEFAULT_TOLERANCE) if tolerance is None else tolerance
    problems = []
    for key, old in baseline.get("metrics", {}).items():
        if key not in METRICS or old is None:
            continue
        new = summary.get(key)
        label, higher_better = METRICS[key]
        if new is None:
            problems.append(f"{key}（{label}）：基线 {old:.3f}，本次没有结果")
            continue
        drop = (old - new) if higher_better else (new - old)
        if drop > tol + 1e-9:
            problems.append(f"{key}（{label}）：{old:.3f} → {new:.3f}（变差 {drop:.3f}，容差 {tol:.3f}）")
    return problems


def improvements(summary: dict, baseline: dict, tolerance: float) -> list[str]:
    out = []
    for key, old in baseline.get("metrics", {}).items():
        new = summary.get(key)
        if key in METRICS and old is not None and new is not None:
            gain = (new - old) if METRICS[key][1] else (old - new)
            if gain > tolerance:
                out.append(f"{key}：{old:.3f} → {new:.3f}")
    return out


# ------------------------------------------------------------------ command line

def _settings_for(args, settings: Settings | None) -> Settings:
    if settings is None:
        overrides = {}
        if getattr(args, "data_dir", None):
            overrides["data_dir"] = Path(args.data_dir)
        settings = Settings.from_env(**overrides)
    elif getattr(args, "data_dir", None):
        settings = settings.with_(data_dir=Path(args.data_dir))
    return settings


def _run_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="govqa eval", description="评测：用与界面相同的流程回答数据集中的每个问题，计算指标并生成报告。",
        epilog="子命令：govqa eval validate DATASET；govqa eval draft REPORT_FILE [-n N]")
    p.add_argument("dataset", help="JSONL 数据集，例如 eval/datasets/dev.jsonl")
    p.add_argument("--config", action="append", metavar="NAME",
                   help=f"配置（可重复或用逗号分隔；all = 全部）：{', '.join(CONFIGS)}")
    p.add_argument("--backend", choices=["extractive", "llm"], default=None, help="回答后端（默认取设置）")
    p.add_argument("-k", type=int, default=None, help="检索段落数（默认取设置 top_k）")
    p.add_argument("--out", default=None, help="输出目录（默认 eval/out/<数据集名>）")
    p.add_argument("--docs", action="append", default=None,
                   help="报告文件或目录（可重复；默认：数据集只引用 seeds/ 时为 seeds/，否则 ../shared/corpus/**/*.txt 与 seeds/）："
                        "索引为空或缺少数据集引用的报告时从这里导入，也用于变体索引与基线")
    p.add_argument("--split", choices=[*SPLITS, "all"], default="all",
                   help="只跑数据集的这一半（tune|check；默认 all），按 split 字段")
    p.add_argument("--data-dir", default=None, help="数据目录（默认 GOVQA_DATA_DIR 或 ./.govqa）")
    p.add_argument("--variants-dir", default=None, help="变体索引目录（默认 <数据目录>/eval-variants）")
    p.add_argument("--check", action="store_true", help="与基线（--baseline，默认 eval/baseline.json）比较，指标下降超过容差时返回非零")
    p.add_argument("--write-baseline", action="store_true", help="用本次结果重写基线（--baseline，默认 eval/baseline.json）")
    p.add_argument("--baseline", default=str(BASELINE_PATH), help="基线文件路径")
    p.add_argument("--tolerance", type=float, default=None, help=f"门禁容差（默认取基线文件，{DEFAULT_TOLERANCE}）")
    p.add_argument("--limit", type=int, default=None, help="只跑前 N 题（试跑用）")
    judge = p.add_mutually_exclusive_group()
    judge.add_argument("--judge", dest="judge", action="store_true", default=None, help="启用 LLM 评审")
    judge.add_argument("--no-judge", dest="judge", action="store_false", help="不用 LLM 评审")
    p.add_argument("--no-report", action="store_true", help="不生成 report.html")
    p.add_argument("--screenshot", default=None, metavar="PNG", help="用 Chromium 给 report.html 截图")
    p.add_argument("--quiet", action="store_true", help="不显示进度条")
    return p


def cmd_run(argv: list[str], settings: Settings | None) -> int:
    from eval.report import markdown_summary, screenshot, write_report

    args = _run_parser().parse_args(argv)
    settings = _settings_for(args, settings)
    if args.backend:
        settings = settings.with_(backend=args.backend)
    gate = args.check or args.write_baseline
    baseline = None
    if gate:
        if args.limit:
            print("错误：--check / --write-baseline 需要完整数据集，不能与 --limit 同用。", file=sys.stderr)
            return 2
        if args.backend == "llm":
            print("错误：回归门禁基于离线抽取式后端（--backend extractive）。", file=sys.stderr)
            return 2
        settings = settings.with_(backend="extractive")
        if args.check:
            try:
                baseline = json.loads(Path(args.baseline).read_text(encoding="utf-8"))
            except FileNotFoundError:
                print(f"错误：找不到基线文件 {args.baseline}；先运行 --write-baseline。", file=sys.stderr)
                return 2
    try:
        configs = resolve_configs(args.config, settings)
        if gate and DEFAULT_CONFIG not in [c.name for c in configs]:
            configs = [CONFIGS[DEFAULT_CONFIG], *configs]
        results = run_eval(args.dataset, settings=settings, configs=configs, docs_dir=args.docs,
                           opts=RunOptions(k=args.k, backend=args.backend, judge=args.judge,
                                           progress=not args.quiet),
                           limit=args.limit, variants_dir=args.variants_dir, split=args.split)
    except DatasetError as err:
        print(f"错误：数据集不合格 —— {err}", file=sys.stderr)
        return 2
    except ConfigError as err:
        print(f"错误：{err}", file=sys.stderr)
        return 2

    out = Path(args.out) if args.out else Path("eval") / "out" / Path(args.dataset).stem
    out.mkdir(parents=True, exist_ok=True)
    gate_lines: list[str] = []
    code = 0
    main_summary = results["configs"][configs[0].name]["summary"]
    if gate:
        main_summary = results["configs"][DEFAULT_CONFIG]["summary"]
    if args.check and baseline is not None:
        tol = baseline.get("tolerance", DEFAULT_TOLERANCE) if args.tolerance is None else args.tolerance
        if baseline.get("items") not in (None, results["items"]):
            gate_lines.append(f"基线有 {baseline['items']} 题，本次数据集 {results['items']} 题：请确认数据集或重写基线")
            code = 1
        if baseline.get("split", "all") != results.get("split", "all"):
            gate_lines.append(f"基线是 split={baseline.get('split', 'all')} 的结果，本次是 split={results.get('split', 'all')}")
            code = 1
        regressions = check_against_baseline(main_summary, baseline, tol)
        gate_lines += regressions
        if regressions:
            code = 1
        better = improvements(main_summary, baseline, tol)
        results["gate"] = {"baseline": str(args.baseline), "tolerance": tol, "regressions": gate_lines,
                           "improvements": better, "passed": code == 0}
    if args.write_baseline:
        tol = args.tolerance if args.tolerance is not None else DEFAULT_TOLERANCE
        doc = baseline_document(results, DEFAULT_CONFIG, tol)
        Path(args.baseline).write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        results["gate"] = {"baseline": str(args.baseline), "written": True, "tolerance": tol}

    (out / "results.json").write_text(json.dumps(results, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    if not args.no_report:
        html_path = write_report(results, out)
        if args.screenshot:
            screenshot(html_path, Path(args.screenshot))
    print(markdown_summary(results))
    print(f"\n结果：{out / 'results.json'}" + ("" if args.no_report else f"  报告：{out / 'report.html'}"))
    if args.check:
        if code:
            print("\n回归门禁未通过：\n" + "\n".join(f"- {line}" for line in gate_lines))
        else:
            print(f"\n回归门禁通过（容差 {results['gate']['tolerance']:.3f}）。")
            if results["gate"]["improvements"]:
                print("明显提升（可用 --write-baseline 更新基线）：" + "；".join(results["gate"]["improvements"]))
    if args.write_baseline:
        print(f"\n已写入基线 {args.baseline}。")
    return code


def cmd_validate(argv: list[str], settings: Settings | None) -> int:
    p = argparse.ArgumentParser(prog="govqa eval validate",
                                description="检查数据集格式，以及每条证据（含干扰证据）是否为其文件原文的子串。")
    p.add_argument("dataset", nargs="+", help="一个或多个 JSONL 数据集（多个时还检查 id 在文件间不重复）")
    p.add_argument("--docs", action="append", default=None,
                   help="报告文件目录（可重复；默认 ../shared/corpus 与 seeds/ 中存在的）")
    args = p.parse_args(argv)
    settings = settings or Settings.from_env()
    docs = [Path(d) for d in args.docs] if args.docs else (default_docs_dirs(settings.seeds_dir) or [settings.seeds_dir])
    code = 0
    first_seen: dict[str, str] = {}
    for dataset in args.dataset:
        try:
            items, problems = validate_dataset(dataset, docs)
        except DatasetError as err:
            print(f"错误：{err}")
            code = 2
            continue
        for it in items:
            if it.id in first_seen:
                problems.append(f"{it.id}: id 与 {first_seen[it.id]} 中的条目重复")
            else:
                first_seen[it.id] = dataset
        counts = {}
        for it in items:
            counts[it.type] = counts.get(it.type, 0) + 1
        summary = "，".join(f"{t} {n}" for t, n in sorted(counts.items()))
        if problems:
            print(f"{dataset}：发现 {len(problems)} 个问题")
            for line in problems:
                print(f"  - {line}")
            code = max(code, 1)
            continue
        n_sources = sum(len(it.sources) for it in items)
        n_distractors = sum(1 for it in items if it.distractor is not None)
        extra = f"（另有 {n_distractors} 条干扰证据）" if n_distractors else ""
        print(f"{dataset}：{len(items)} 题（{summary}），{n_sources} 条证据{extra}均为原文子串。通过。")
    return code


def cmd_draft(argv: list[str], settings: Settings | None) -> int:
    from eval.dataset import draft_questions
    from ingest.load import LoadError

    p = argparse.ArgumentParser(prog="govqa eval draft",
                                description="从报告中含数字的句子起草候选问题（供人工修改，不会自动加入数据集）。")
    p.add_argument("report")
    p.add_argument("-n", type=int, default=20, help="候选数量（默认 20）")
    p.add_argument("--out", default=None, help="写入这个新文件（默认打印到标准输出）")
    args = p.parse_args(argv)
    try:
        rows = draft_questions(args.report, args.n)
    except LoadError as err:
        print(f"错误：{err}", file=sys.stderr)
        return 2
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    note = (f"共 {len(rows)} 条候选。它们只是草稿：请逐条改写问题、核对答案与 must_include，删除 needs_review 字段后，"
            f"再手动加入数据集并运行 govqa eval validate。")
    if args.out:
        out = Path(args.out)
        if out.exists():
            print(f"错误：{out} 已存在；草稿只写入新文件，不会覆盖或追加到已有数据集。", file=sys.stderr)
            return 2
        out.write_text(lines, encoding="utf-8")
        print(f"已写入 {out}。{note}")
    else:
        sys.stdout.write(lines)
        print(note, file=sys.stderr)
    return 0


def main(argv: list[str] | None = None, *, settings: Settings | None = None) -> int:
    """Entry point of `govqa eval` (argv = everything after `eval`); ``settings`` injectable for tests."""
    disable_phone_home()
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "validate":
        return cmd_validate(argv[1:], settings)
    if argv and argv[0] == "draft":
        return cmd_draft(argv[1:], settings)
    return cmd_run(argv, settings)


if __name__ == "__main__":
    sys.exit(main())
