"""Build eval/datasets/reports_dev.jsonl from the parts and the tune/check split.

    python eval/datasets/build_reports_dev.py [--parts DIR] [--split split.json] [--out FILE]
                                              [--docs DIR ...] [--no-evidence]

Merges parts/*.jsonl into one file sorted by id, adding ``"split": "tune"|"check"`` to every
item: an item's half is the half (in split.json) of all its source and distractor files; an
item whose files are in both halves, or not in split.json, is an error and nothing is written.
Every evidence string (distractors' too) is checked verbatim against the report files (default:
``<repo>/../shared/corpus`` and ``<repo>/seeds``). Prints the counts per split × level × type.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from eval.dataset import validate_dataset
from eval.library import default_docs_dirs
from eval.splits import build_report_set, counts_table, write_rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="合并 parts/*.jsonl 为 reports_dev.jsonl，并按报告标注 tune/check。")
    p.add_argument("--parts", default=str(HERE / "parts"), help="分片目录（默认 parts/）")
    p.add_argument("--split", default=str(HERE / "split.json"), help="划分文件（默认 split.json）")
    p.add_argument("--out", default=str(HERE / "reports_dev.jsonl"), help="输出文件（默认 reports_dev.jsonl）")
    p.add_argument("--docs", action="append", default=None,
                   help="报告文件目录（可重复；默认 ../shared/corpus 与 seeds/）")
    p.add_argument("--no-evidence", action="store_true", help="不核对证据原文（只查格式与划分）")
    args = p.parse_args(argv)

    parts = sorted(Path(args.parts).glob("*.jsonl"))
    if not parts:
        print(f"错误：{args.parts} 中没有 .jsonl 分片", file=sys.stderr)
        return 2
    rows, problems = build_report_set(parts, args.split)
    if not problems and not args.no_evidence:
        docs = [Path(d) for d in args.docs] if args.docs else default_docs_dirs()
        with tempfile.TemporaryDirectory() as tmp:
            merged = Path(tmp) / "merged.jsonl"
            write_rows(merged, rows)
            _, problems = validate_dataset(merged, docs)
    if problems:
        print(f"错误：发现 {len(problems)} 个问题，未写入 {args.out}", file=sys.stderr)
        for line in problems:
            print(f"  - {line}", file=sys.stderr)
        return 1
    write_rows(args.out, rows)
    print(f"已写入 {args.out}：{len(rows)} 题，来自 {len(parts)} 个分片。\n")
    print(counts_table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
