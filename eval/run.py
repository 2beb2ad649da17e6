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
import sys
from pathlib import Path

from eval.configs import CONFIGS, DEFAULT_CONFIG, ConfigError, resolve_configs
from eval.dataset import SPLITS, DatasetError, validate_dataset
from eval.gate import BASELINE_PATH, DEFAULT_TOLERANCE, baseline_document, check_against_baseline, improvements
from eval.library import default_docs_dirs
from eval.runner import RunOptions, run_eval
from rag.config import Settings, disable_phone_home


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


def _gate_settings(args, settings: Settings) -> tuple[Settings, dict | None] | None:
    """For --check / --write-baseline: the offline settings and the baseline to check against
    (None after saying why the gate cannot run)."""
    if args.limit:
        print("错误：--check / --write-baseline 需要完整数据集，不能与 --limit 同用。", file=sys.stderr)
        return None
    if args.backend == "llm":
        print("错误：回归门禁基于离线抽取式后端（--backend extractive）。", file=sys.stderr)
        return None
    settings = settings.with_(backend="extractive")
    baseline = None
    if args.check:
        try:
            baseline = json.loads(Path(args.baseline).read_text(encoding="utf-8"))
        except FileNotFoundError:
            print(f"错误：找不到基线文件 {args.baseline}；先运行 --write-baseline。", file=sys.stderr)
            return None
    return settings, baseline


def _run_configs(args, settings: Settings, gate: bool) -> dict | None:
    """The results document (None after saying why the dataset or a configuration cannot run)."""
    try:
        configs = resolve_configs(args.config, settings)
        if gate and DEFAULT_CONFIG not in [c.name for c in configs]:
            configs = [CONFIGS[DEFAULT_CONFIG], *configs]
        return run_eval(args.dataset, settings=settings, configs=configs, docs_dir=args.docs,
                        opts=RunOptions(k=args.k, backend=args.backend, judge=args.judge,
                                        progress=not args.quiet),
                        limit=args.limit, variants_dir=args.variants_dir, split=args.split)
    except DatasetError as err:
        print(f"错误：数据集不合格 —— {err}", file=sys.stderr)
        return None
    except ConfigError as err:
        print(f"错误：{err}", file=sys.stderr)
        return None


def _check_gate(args, results: dict, baseline: dict) -> tuple[list[str], int]:
    """The default configuration against the baseline: (problems, exit code); the verdict goes
    into ``results["gate"]``."""
    main_summary = results["configs"][DEFAULT_CONFIG]["summary"]
    gate_lines: list[str] = []
    code = 0
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
    return gate_lines, code


def _write_baseline(args, results: dict) -> None:
    tol = args.tolerance if args.tolerance is not None else DEFAULT_TOLERANCE
    doc = baseline_document(results, DEFAULT_CONFIG, tol)
    Path(args.baseline).write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    results["gate"] = {"baseline": str(args.baseline), "written": True, "tolerance": tol}


def _write_outputs(args, results: dict, out: Path) -> None:
    from eval.report import screenshot, write_report

    (out / "results.json").write_text(json.dumps(results, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    if not args.no_report:
        html_path = write_report(results, out)
        if args.screenshot:
            screenshot(html_path, Path(args.screenshot))


def _print_outcome(args, results: dict, out: Path, gate_lines: list[str], code: int) -> None:
    from eval.report import markdown_summary

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


def cmd_run(argv: list[str], settings: Settings | None) -> int:
    args = _run_parser().parse_args(argv)
    settings = _settings_for(args, settings)
    if args.backend:
        settings = settings.with_(backend=args.backend)
    gate = args.check or args.write_baseline
    baseline = None
    if gate:
        prepared = _gate_settings(args, settings)
        if prepared is None:
            return 2
        settings, baseline = prepared
    results = _run_configs(args, settings, gate)
    if results is None:
        return 2

    out = Path(args.out) if args.out else Path("eval") / "out" / Path(args.dataset).stem
    out.mkdir(parents=True, exist_ok=True)
    gate_lines: list[str] = []
    code = 0
    if args.check and baseline is not None:
        gate_lines, code = _check_gate(args, results, baseline)
    if args.write_baseline:
        _write_baseline(args, results)
    _write_outputs(args, results, out)
    _print_outcome(args, results, out, gate_lines, code)
    return code


def cmd_validate(argv: list[str], settings: Settings | None) -> int:
    p = argparse.ArgumentParser(prog="govqa eval validate",
                                description="检查数据集格式，以及每条证据（含干扰证据）是否为其文件原文的子串。")
    p.add_argument("dataset", nargs="+", help="一个或多个 JSONL 数据集（多个时还检查 id 在文件间不重复）")
    p.add_argument("--docs", action="append", default=None,
                   help="报告文件目录（可重复；默认 ../shared/corpus 与 seeds/ 中存在的）")
    args = p.parse_args(argv)
    settings = settings or Settings.from_env()
    docs = [Path(d) for d in args.docs] if args.docs else (default_docs_dirs(settings.store.seeds_dir) or [settings.store.seeds_dir])
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
    from eval.draft import draft_questions
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
