"""Precision and recall of the indicator extractor (rag/text/indicators.py) on the hand-checked sample.

    .venv/bin/python eval/indicators_measure.py            # summary, per indicator, per level, misses
    .venv/bin/python eval/indicators_measure.py --quiet    # summary only
    .venv/bin/python eval/indicators_measure.py --file 河北  # one report: gold vs extracted, side by side

The sample (tests/data/indicators_gold.jsonl) was written by reading the reports: for each of its
reports it holds every statement of every vocabulary indicator about the reporting entity itself
(not a sub-area, a partner market or one sector), for a whole year or a whole plan period. So
precision is measured over everything the extractor returns for those reports, and recall over
every gold row. A row matches on indicator + year + kind + value (+ value_high) + unit, counted as
multisets (the same figure stated twice is two rows). Qualifier agreement is reported apart.

The corpus is looked for in $GOVQA_SHARED, then ../shared beside the repository.
The script also times the extractor over every report of the corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from rag.text.indicators import extract_indicators
from rag.text.indicators_vocab import core_indicators

GOLD = ROOT / "tests" / "data" / "indicators_gold.jsonl"


def shared_dir() -> Path | None:
    for cand in (os.environ.get("GOVQA_SHARED"), ROOT.parent / "shared"):
        if cand and (Path(cand) / "corpus").is_dir():
            return Path(cand)
    return None


def read_report(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def report_year(path: str | Path) -> int | None:
    """The year a report was delivered, from its file name (the last 19xx/20xx in it)."""
    years = re.findall(r"(?<!\d)((?:19|20)\d{2})(?!\d)", Path(path).stem)
    return int(years[-1]) if years else None


def level(path: str) -> str:
    part = Path(path).parts[1] if len(Path(path).parts) > 1 else ""
    return {"provinces_2026": "province", "province": "province"}.get(part, part)


def load_gold(path: Path = GOLD) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _key(indicator, year, kind, value, value_high, unit):
    return (indicator, year, kind, round(float(value), 4),
            None if value_high is None else round(float(value_high), 4), unit)


def _gold_key(r: dict):
    return _key(r["indicator"], r["year"], r["kind"], r["value"], r["value_high"], r["unit"])


def _pred_key(m):
    return _key(m.indicator, m.year, m.kind, m.value, m.value_high, m.unit)


def _empty_result() -> dict:
    return {"tp": 0, "pred": 0, "gold": 0, "core_tp": 0, "core_gold": 0, "qual_ok": 0,
            "per_indicator": defaultdict(lambda: [0, 0, 0]),   # tp_gold, gold, pred_ok/pred
            "per_level": defaultdict(lambda: [0, 0, 0, 0]),    # tp, pred, gold_tp, gold
            "misses": [], "extras": [], "seconds": 0.0}


def _count_matches(res: dict, lv: str, rows: list[dict], pred: list, gk: Counter, pk: Counter, tp: int,
                   core: set) -> None:
    """One report's matched, predicted and gold rows: in the totals, per level and per indicator."""
    res["tp"] += tp
    res["pred"] += len(pred)
    res["gold"] += len(rows)
    res["per_level"][lv][0] += tp
    res["per_level"][lv][1] += len(pred)
    res["per_level"][lv][2] += tp
    res["per_level"][lv][3] += len(rows)
    for k, n in gk.items():
        res["per_indicator"][k[0]][0] += min(n, pk.get(k, 0))
        res["per_indicator"][k[0]][1] += n
        if k[0] in core:
            res["core_gold"] += n
            res["core_tp"] += min(n, pk.get(k, 0))
    for k, n in pk.items():
        res["per_indicator"][k[0]][2] += n


def _count_qualifiers(res: dict, rows: list[dict], pred: list, inter: Counter) -> None:
    """Matched gold rows whose qualifier the extractor also gave."""
    quals = defaultdict(list)
    for m in pred:
        quals[_pred_key(m)].append(m.qualifier)
    left = Counter(inter)
    for r in rows:
        k = _gold_key(r)
        if left.get(k, 0) > 0:
            left[k] -= 1
            if r["qualifier"] in quals.get(k, []):
                res["qual_ok"] += 1


def _list_misses_and_extras(res: dict, f: str, text: str, rows: list[dict], pred: list, gk: Counter,
                            pk: Counter) -> None:
    missing = gk - pk
    extra = pk - gk
    for r in rows:
        k = _gold_key(r)
        if missing.get(k, 0) > 0:
            missing[k] -= 1
            res["misses"].append((f, r))
    for m in pred:
        k = _pred_key(m)
        if extra.get(k, 0) > 0:
            extra[k] -= 1
            res["extras"].append((f, m, text[max(0, m.start - 10):m.end + 4].replace("\n", " ")))


def _score_report(res: dict, f: str, rows: list[dict], text: str, core: set) -> None:
    """Extract one gold report (timed) and add its comparison with the gold rows to ``res``."""
    t0 = time.perf_counter()
    pred = extract_indicators(text, report_year=report_year(f))
    res["seconds"] += time.perf_counter() - t0
    gk = Counter(_gold_key(r) for r in rows)
    pk = Counter(_pred_key(m) for m in pred)
    inter = gk & pk
    _count_matches(res, level(f), rows, pred, gk, pk, sum(inter.values()), core)
    # qualifiers of matched rows
    _count_qualifiers(res, rows, pred, inter)
    _list_misses_and_extras(res, f, text, rows, pred, gk, pk)


def evaluate(gold: list[dict] | None = None, shared: Path | None = None) -> dict:
    """Run the extractor on every gold report; return counts, per-indicator/level tables and misses."""
    gold = gold if gold is not None else load_gold()
    shared = shared or shared_dir()
    if shared is None:
        raise FileNotFoundError("corpus not found (set GOVQA_SHARED)")
    by_file: dict[str, list[dict]] = defaultdict(list)
    for g in gold:
        by_file[g["file"]].append(g)
    core = set(core_indicators())
    res = _empty_result()
    for f, rows in sorted(by_file.items()):
        _score_report(res, f, rows, read_report(shared / f), core)
    res["precision"] = res["tp"] / res["pred"] if res["pred"] else 0.0
    res["recall"] = res["tp"] / res["gold"] if res["gold"] else 0.0
    res["core_recall"] = res["core_tp"] / res["core_gold"] if res["core_gold"] else 0.0
    res["files"] = len(by_file)
    return res


def time_corpus(shared: Path, repeat: int = 3) -> tuple[int, float, float, int]:
    """(reports, total seconds, slowest seconds, mentions) for the extractor over the whole corpus.

    Each report is timed `repeat` times and its best time kept (a shared machine is noisy).
    """
    files = sorted((shared / "corpus").rglob("*.txt"))
    total, worst, n = 0.0, 0.0, 0
    extract_indicators("地区生产总值增长5%", report_year=2026)   # load the vocabulary outside the clock
    for p in files:
        text = read_report(p)
        best = float("inf")
        for _ in range(repeat):
            t0 = time.perf_counter()
            got = extract_indicators(text, report_year=report_year(p))
            best = min(best, time.perf_counter() - t0)
        n += len(got)
        total += best
        worst = max(worst, best)
    return len(files), total, worst, n


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--file", help="show gold and extracted rows of the reports whose path contains this")
    args = ap.parse_args(argv)
    shared = shared_dir()
    if shared is None:
        print("corpus not found (set GOVQA_SHARED)", file=sys.stderr)
        return 2
    if args.file:
        gold = [g for g in load_gold() if args.file in g["file"]]
        for f in sorted({g["file"] for g in gold}):
            text = read_report(shared / f)
            print("==", f)
            for g in gold:
                if g["file"] == f:
                    print("  GOLD", g["indicator"], g["kind"], g["year"], g["value"], g["value_high"], g["unit"],
                          g["qualifier"], "|", g["evidence"])
            for m in extract_indicators(text, report_year=report_year(f)):
                print("  PRED", m.indicator, m.kind, m.year, m.value, m.value_high, m.unit, m.qualifier, "|",
                      text[m.start:m.end].replace("\n", " ")[:60])
        return 0
    r = evaluate(shared=shared)
    print(f"gold sample: {r['gold']} rows in {r['files']} reports")
    print(f"precision (indicator+value+unit+year+kind): {r['precision']:.3f}  ({r['tp']}/{r['pred']})")
    print(f"recall, all rows:                           {r['recall']:.3f}  ({r['tp']}/{r['gold']})")
    print(f"recall, core indicators:                    {r['core_recall']:.3f}  ({r['core_tp']}/{r['core_gold']})")
    print(f"qualifier agrees on matched rows:           {r['qual_ok']}/{r['tp']}")
    print(f"extraction time on the sample: {r['seconds']*1000:.0f} ms for {r['files']} reports")
    n, total, worst, mentions = time_corpus(shared)
    print(f"whole corpus: {n} reports, {mentions} mentions, {total*1000:.0f} ms total (best of 3 per report), "
          f"{total/n*1000:.1f} ms/report mean, {worst*1000:.1f} ms slowest")
    if args.quiet:
        return 0
    print("\nper level            precision   recall")
    for lv, (tp, pred, gtp, g) in sorted(r["per_level"].items()):
        print(f"  {lv:<18} {tp/pred if pred else 0:.3f} ({tp}/{pred})  {gtp/g if g else 0:.3f} ({gtp}/{g})")
    core = set(core_indicators())
    print("\nper indicator                      recall          predicted  core")
    for ind, (tp, g, p) in sorted(r["per_indicator"].items(), key=lambda x: -x[1][1]):
        print(f"  {ind:<28} {tp/g if g else 0:.3f} ({tp}/{g})  {p:>5}      {'*' if ind in core else ''}")
    print(f"\nmisses ({len(r['misses'])}):")
    for f, g in r["misses"]:
        print(f"  {Path(f).stem[:18]:<18} {g['indicator']} {g['kind']} {g['year']} {g['value']} {g['unit']} | {g['evidence']}")
    print(f"\nextracted but not in the sample ({len(r['extras'])}):")
    for f, m, ctx in r["extras"]:
        print(f"  {Path(f).stem[:18]:<18} {m.indicator} {m.kind} {m.year} {m.value} {m.value_high} {m.unit} | {ctx}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
