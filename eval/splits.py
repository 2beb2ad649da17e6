"""The tune/check split of a report-level dev set, by report file.

``split.json`` lists report FILE names in two halves, ``tune`` and ``check``. An item belongs to
the half of every file it refers to (its sources and its distractor); an item whose files are in
both halves, or in neither, cannot be placed and is an error. ``build_report_set`` merges the
part files into one list of rows, each with its ``split``, sorted by id.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from eval.dataset import LEVELS, SPLITS, TYPES, check_row, read_rows

# the order of a built row's keys (any other key keeps its place after these)
ROW_ORDER = ("id", "type", "split", "level", "entity", "report_year", "paraphrased", "question", "turns",
             "answer", "must_include", "sources", "distractor")


def load_split(path: str | Path) -> tuple[dict[str, str], list[str]]:
    """file name -> half, and the problems of the split file itself (a file listed in both halves)."""
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    halves: dict[str, str] = {}
    problems = []
    for half in SPLITS:
        names = doc.get(half)
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            problems.append(f"{path}: {half} 应为文件名列表")
            continue
        for name in names:
            if halves.get(name, half) != half:
                problems.append(f"{path}: {name} 同时出现在 {halves[name]} 和 {half} 中")
            halves[name] = half
    return halves, problems


def row_files(row: dict) -> list[str]:
    """The report files a row refers to: its sources' and its distractor's, in order."""
    files = [s["file"] for s in row.get("sources") or [] if isinstance(s, dict) and isinstance(s.get("file"), str)]
    d = row.get("distractor")
    if isinstance(d, dict) and isinstance(d.get("file"), str):
        files.append(d["file"])
    return list(dict.fromkeys(files))


def split_of(row: dict, halves: dict[str, str]) -> tuple[str | None, str | None]:
    """(half, None) for a row whose files all lie in one half, else (None, the reason)."""
    files = row_files(row)
    if not files:
        return None, "没有来源文件也没有干扰文件，无法按报告划分"
    unknown = [f for f in files if f not in halves]
    if unknown:
        return None, f"文件不在 split.json 中：{'、'.join(unknown)}"
    found = {halves[f] for f in files}
    if len(found) > 1:
        detail = "；".join(f"{f} → {halves[f]}" for f in files)
        return None, f"文件分属 tune 和 check 两半（{detail}）"
    return found.pop(), None


def ordered_row(row: dict) -> dict:
    out = {k: row[k] for k in ROW_ORDER if k in row}
    out.update((k, v) for k, v in row.items() if k not in out)
    return out


def build_report_set(part_paths: Iterable[str | Path], split_path: str | Path) -> tuple[list[dict], list[str]]:
    """Rows of every part with their ``split`` added, sorted by id; and every problem found."""
    halves, problems = load_split(split_path)
    rows: list[dict] = []
    seen: dict[str, str] = {}
    for part in sorted(Path(p) for p in part_paths):
        parsed, json_problems = read_rows(part)
        problems += [f"{part.name} {p}" for p in json_problems]
        for n, row in parsed:
            where = f"{part.name} 第{n}行" + (f"（{row.get('id')}）" if isinstance(row, dict) and row.get("id") else "")
            row_problems = check_row(row, where)
            if row_problems:
                problems += row_problems
                continue
            if row["id"] in seen:
                problems.append(f"{where}: id 与 {seen[row['id']]} 重复")
                continue
            seen[row["id"]] = where
            half, reason = split_of(row, halves)
            if reason:
                problems.append(f"{where}: {reason}")
                continue
            if "split" in row and row["split"] != half:
                problems.append(f"{where}: 已写的 split={row['split']!r} 与文件所在的 {half} 不符")
                continue
            rows.append(ordered_row({**row, "split": half}))
    rows.sort(key=lambda r: r["id"])
    return rows, problems


def counts_table(rows: list[dict]) -> str:
    """Markdown: items per split × level × type, with totals and the paraphrased share."""
    types = [t for t in TYPES if any(r["type"] == t for r in rows)]
    levels = [lv for lv in LEVELS if any(r.get("level") == lv for r in rows)]
    if any(r.get("level") not in LEVELS for r in rows):
        levels.append(None)
    count = Counter((r.get("split"), r.get("level"), r["type"]) for r in rows)
    lines = ["| 划分 | 层级 | " + " | ".join(types) + " | 合计 | 改写问法 |",
             "|---|---|" + "---:|" * (len(types) + 2)]

    def share(sel: list[dict]) -> str:
        return f"{sum(1 for r in sel if r.get('paraphrased')) / len(sel) * 100:.0f}%" if sel else "—"

    for split in [s for s in SPLITS if any(r.get("split") == s for r in rows)]:
        for level in levels + ["全部"]:
            if level == "全部":
                sel = [r for r in rows if r.get("split") == split]
                cells = [sum(count[(split, lv, t)] for lv in levels) for t in types]
            else:
                sel = [r for r in rows if r.get("split") == split and r.get("level") == level]
                if not sel:
                    continue
                cells = [count[(split, level, t)] for t in types]
            lines.append(f"| {split} | {level or '—'} | " + " | ".join(str(c) for c in cells)
                         + f" | {len(sel)} | {share(sel)} |")
    total = [sum(1 for r in rows if r["type"] == t) for t in types]
    lines.append("| 全部 | 全部 | " + " | ".join(str(c) for c in total) + f" | {len(rows)} | {share(rows)} |")
    return "\n".join(lines)


def write_rows(path: str | Path, rows: list[dict]) -> None:
    Path(path).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
