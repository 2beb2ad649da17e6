"""Check the mined everyday-word table (rag/text/everyday_terms.json) against the report files.

    python -m eval.lexicon_check [--docs DIR ...]

The table maps what a resident types ("老破小", "死了多少人") to the terms reports write ("老旧小区",
"死亡人数"). A pair is kept only when it describes how reports are written in general, not one
report: every official term must occur verbatim in at least two report files, and the everyday
word in none (as itself; a few occur only inside another word, listed in ``INSIDE_OTHER_WORDS``).
Prints each violation and exits 1 when there is any.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from eval.library import default_docs_dirs

TABLE = Path(__file__).resolve().parent.parent / "rag" / "text" / "everyday_terms.json"
MIN_REPORTS = 2
# everyday words whose only occurrences in the reports are inside another word (read by hand)
INSIDE_OTHER_WORDS = {"大公司": "盛大公司", "建了": "构建了/组建了/搭建了", "降了": "下降了", "煤气": "煤气化"}


def _read(path: Path) -> str:
    raw = path.read_bytes()
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="ignore")


def report_texts(dirs: list[Path]) -> list[str]:
    return [_read(p) for d in dirs for p in sorted(d.rglob("*.txt")) if p.is_file()]


def violations(table: dict[str, list[str]], texts: list[str]) -> list[str]:
    problems = []
    for everyday, official in table.items():
        if len(everyday) < 2:
            problems.append(f"{everyday}: an everyday word needs two characters or more")
        if everyday not in INSIDE_OTHER_WORDS and (n := sum(everyday in t for t in texts)):
            problems.append(f"{everyday}: the everyday word occurs in {n} report file(s) — it is no paraphrase")
        for term in official:
            if (n := sum(term in t for t in texts)) < MIN_REPORTS:
                problems.append(f"{everyday} -> {term}: the official term occurs in {n} report file(s), "
                                f"fewer than {MIN_REPORTS}")
    return problems


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="核对 everyday_terms.json：官方用语须见于至少两份报告，日常用语不见于报告。")
    p.add_argument("--docs", action="append", default=None, help="报告文件目录（可重复；默认 ../shared/corpus 与 seeds/）")
    args = p.parse_args(argv)
    dirs = [Path(d) for d in args.docs] if args.docs else list(default_docs_dirs())
    texts = report_texts(dirs)
    if not texts:
        print(f"错误：{', '.join(map(str, dirs))} 中没有 .txt 报告文件", file=sys.stderr)
        return 2
    table = json.loads(TABLE.read_text(encoding="utf-8"))["terms"]
    problems = violations(table, texts)
    for line in problems:
        print(line)
    print(f"{len(table)} everyday words, {sum(map(len, table.values()))} official terms, "
          f"{len(texts)} report files: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
