"""Summaries of scored records: metric means, breakdowns per split / level / phrasing, latency."""

from __future__ import annotations

from eval import metrics as M
from eval.dataset import LEVELS, SPLITS
from eval.metrics import METRICS, STAGES


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
