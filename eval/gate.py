"""The regression gate: the baseline document, and a run's regressions and gains against it."""

from __future__ import annotations

from pathlib import Path

from eval.configs import DEFAULT_CONFIG
from eval.metrics import GATED, METRICS

BASELINE_PATH = Path(__file__).resolve().parent / "baseline.json"
DEFAULT_TOLERANCE = 0.03


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
