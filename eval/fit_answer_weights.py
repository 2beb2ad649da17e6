"""Fit the weights of the extractive answerer's sentence features on the dev set's `tune` half.

What is fitted: rag/sentence_scoring.py scores each candidate sentence as a weighted sum of named features
(coverage of the question's words, the figure asked for, the period and year, …). For every
answerable `tune` item the script runs the real pipeline (query analysis, retrieval, sentence
features) and marks the candidate sentences that carry the gold evidence. The weights are fitted
as a listwise softmax model (the probability of the right sentence among the candidates), with
an L2 pull towards the previous weights so a feature seen rarely keeps its earlier value.

The `check` half is only measured, never fitted: the script prints the share of questions whose
top-ranked sentence carries the evidence, before and after, on both halves.

    GOVQA_DATA_DIR=… python eval/fit_answer_weights.py [--dataset eval/datasets/reports_dev.jsonl] [--write]
    … --gate [--write]      the answer gate (rag/answer_gate.py): does the best sentence answer at all?
    … --gate --also eval/datasets/news_dev.jsonl=DATA_DIR   … fitted on the news set's tune half too

The index in GOVQA_DATA_DIR must hold the dev set's reports (`govqa eval` builds it).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval.metrics import includes_term  # noqa: E402
from rag.answer_weights import sentence_weights  # noqa: E402
from rag.chat import Conversation, QAService  # noqa: E402
from rag.config import Settings  # noqa: E402
from rag.key_terms import key_terms  # noqa: E402
from rag.sentence_scoring import score_sentences  # noqa: E402
from rag.text.normalize import normalize_text  # noqa: E402

WEIGHTS = ROOT / "rag" / "answer_weights.json"


def _fold(text: str) -> str:
    return "".join(ch for ch in normalize_text(text) if ch.isalnum() or ch in "%.")


def carries(sentence: str, item: dict) -> bool:
    """A sentence carries the gold answer: it holds a gold evidence string (or most of it), or
    every must_include term."""
    folded = _fold(sentence)
    for src in item.get("sources", ()):
        ev = _fold(src["evidence"])
        if ev and (ev in folded or (len(folded) >= 12 and folded in ev) or ev[: max(12, len(ev) // 2)] in folded):
            return True
    terms = item.get("must_include") or []
    return bool(terms) and all(includes_term(sentence, t) for t in terms)


def candidate_groups(service: QAService, items: list[dict]) -> list[tuple[list[dict], list[int]]]:
    """For each item: the candidate sentences' features and which of them carry the answer."""
    index = service.store.bm25()
    metas = {m.doc_id: m for m in service.catalogue()}
    config = service.settings.retrieval
    groups = []
    for item in items:
        turns = item.get("turns") or [item["question"]]
        conv = Conversation()
        for turn in turns[:-1]:
            service.ask(turn, conv)
        with service.store.pinned():
            plan = service.plan(turns[-1], conv)
            if plan.comparison or plan.unknown_places:
                continue
            evidence = service.gather(plan, k=service.settings.retrieval.top_k, config=config)
            terms = key_terms(plan, index)
            if not terms:
                continue
            sentences = [s for _, passages in evidence
                         for s in score_sentences(plan, passages, terms, metas, service.store.get_doc_text)]
        if not sentences:
            continue
        labels = [1 if carries(s.text, item) else 0 for s in sentences]
        if any(labels):
            groups.append(([s.features for s in sentences], labels))
    return groups


def to_matrix(groups, names):
    out = []
    for feats, labels in groups:
        x = np.array([[f.get(n, 0.0) for n in names] for f in feats], dtype=float)
        out.append((x, np.array(labels, dtype=float)))
    return out


def top1(data, w) -> float:
    hits = [y[int(np.argmax(x @ w))] for x, y in data]
    return float(np.mean(hits)) if hits else 0.0


def fit(data, w0: np.ndarray, l2: float = 0.05, steps: int = 600, lr: float = 0.05) -> np.ndarray:
    """Listwise softmax with Adam; L2 towards w0."""
    w = w0.copy()
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for t in range(1, steps + 1):
        grad = 2 * l2 * (w - w0)
        for x, y in data:
            s = x @ w
            s = s - s.max()
            p = np.exp(s) / np.exp(s).sum()
            # d/dw of -log(sum_pos p): expected features under p minus under p restricted to positives
            q = p * y
            q = q / q.sum()
            grad += (p - q) @ x / len(data)
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad ** 2
        w -= lr * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    return w


def accuracy(service: QAService, items: list[dict]) -> float:
    """Answer accuracy of the whole pipeline (a refusal when none is expected, else every
    must_include term present)."""
    from eval.metrics import answer_correct

    hits, refusals = [], []
    for item in items:
        turns = item.get("turns") or [item["question"]]
        conv = Conversation()
        for turn in turns:
            answer = service.ask(turn, conv)
        hits.append(answer_correct(refused=answer.refused, expects_refusal=item["type"] == "unanswerable",
                                   answer=answer.answer, must_include=item.get("must_include") or []))
        if item["type"] == "unanswerable":
            refusals.append(answer.refused)
    return (float(np.mean(hits)) if hits else 0.0), (float(np.mean(refusals)) if refusals else 1.0)


def _policy_grid(service: QAService, rows: list[dict], candidates: list[dict],
                 weights: dict[str, float] | None = None) -> list[tuple[dict, float, float, float, float]]:
    """Run the pipeline over both halves once per candidate policy (fields of answer_weights.json's
    "policy"): (candidate, tune accuracy, check accuracy, tune refusal, check refusal), printed as a
    table. The check figures are printed, never used to choose."""
    import rag.answer_weights as A

    table = []
    for candidate in candidates:
        A._fitted_doc.cache_clear()
        doc = A._fitted_doc()
        if weights is not None:
            doc["weights"] = weights
        doc.setdefault("policy", {}).update(candidate)
        (a, ra), (b, rb) = (accuracy(service, [r for r in rows if r.get("split") == h]) for h in ("tune", "check"))
        table.append((candidate, a, b, ra, rb))
    A._fitted_doc.cache_clear()
    names = list(candidates[0])
    print("\n| " + " | ".join(names) + " | tune accuracy | tune refusal | check accuracy | check refusal |\n|"
          + "---:|" * (len(names) + 4))
    for candidate, a, b, ra, rb in table:
        print("| " + " | ".join(f"{candidate[n]:.2f}" for n in names) + f" | {a:.3f} | {ra:.3f} | {b:.3f} | {rb:.3f} |")
    return table


def fit_refusal(service: QAService, rows: list[dict], weights: dict[str, float] | None = None,
                grid=(0.2, 0.25, 0.3, 0.35, 0.4, 0.45), absent_grid=(1.0, 0.5, 0.25)):
    """The refusal threshold (best sentence coverage below it: 报告中未提及) and the weight of a
    question word the report never uses, with the best tune accuracy (an unanswerable question
    answered counts once more than a wrong answer)."""
    candidates = [{"min_coverage": t, "absent_term_weight": absent} for absent in absent_grid for t in grid]
    table = _policy_grid(service, rows, candidates, weights)
    share = sum(r["type"] == "unanswerable" for r in rows if r.get("split") == "tune") / max(
        1, sum(r.get("split") == "tune" for r in rows))
    best = max(table, key=lambda r: (round(r[1] - (1 - r[3]) * share, 4), -abs(r[0]["min_coverage"] - 0.5),
                                     r[0]["absent_term_weight"]))
    return best[0]["min_coverage"], best[0]["absent_term_weight"], best[1], best[2]


def fit_figure_coverage(service: QAService, rows: list[dict], grid=(0.0, 0.2, 0.3, 0.4, 0.5)):
    """The share of the question a figure's clause must cover: the largest value that keeps the
    best tune accuracy (a wrong figure is worse than a refusal, so ties go to the stricter value)."""
    table = _policy_grid(service, rows, [{"min_figure_coverage": theta} for theta in grid])
    top = max(round(r[1], 4) for r in table)
    best = max((r for r in table if round(r[1], 4) == top), key=lambda r: r[0]["min_figure_coverage"])
    return best[0]["min_figure_coverage"], best[1], best[2]


def fit_parallel(service: QAService, rows: list[dict], grid=(0.0, 0.5, 1.0, 2.0, 3.0), key="parallel_weight"):
    """How much a comparison side's sentence gains for sharing the other sides' chosen words
    (``parallel_weight``) or the unit of their figures (``parallel_unit_weight``; rag.answer._in_parallel),
    over the comparison questions: the middle of the values with the best tune accuracy (a plateau's
    middle is the least fitted to its edges)."""
    comparisons = [r for r in rows if r["type"] == "comparison"]
    table = _policy_grid(service, comparisons, [{key: w} for w in grid])
    top = max(round(r[1], 4) for r in table)
    best = [r for r in table if round(r[1], 4) == top]
    chosen = best[len(best) // 2]
    return chosen[0][key], chosen[1], chosen[2]


def gate_samples(service: QAService, rows: list[dict]) -> list[dict]:
    """Every item whose answer passed the answer gate, answered with a gate that accepts all: what
    the gate measured of the best sentence, and whether answering with it is right (an
    answerable item answered correctly; never for an unanswerable one)."""
    from eval.metrics import answer_correct
    import rag.answer_weights as A

    A._fitted_doc.cache_clear()
    A._fitted_doc()["gate"] = {"weights": {"coverage": 0.0}, "bias": 60.0, "threshold": 0.0}
    samples = []
    try:
        for item in rows:
            turns = item.get("turns") or [item["question"]]
            conv = Conversation()
            for turn in turns:
                answer = service.ask(turn, conv)
            if not answer.gate.get("features"):
                continue
            unanswerable = item["type"] == "unanswerable"
            right = not unanswerable and answer_correct(
                refused=answer.refused, expects_refusal=False, answer=answer.answer,
                must_include=item.get("must_include") or [])
            samples.append({"split": item.get("split"), "unanswerable": unanswerable, "right": bool(right),
                            "features": answer.gate["features"]})
    finally:
        A._fitted_doc.cache_clear()
    return samples


def seed_items_by_split(datasets: Path) -> list[dict]:
    """The seed dev set's items, each given the half of its reports (split.json); items over
    reports of both halves, or over none, are left out."""
    split = json.loads((datasets / "split.json").read_text(encoding="utf-8"))
    half = {f: h for h in ("tune", "check") for f in split[h]}
    out = []
    for line in (datasets / "dev.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        halves = {half.get(src.get("file")) for src in item.get("sources", ())}
        if len(halves) == 1 and None not in halves:
            out.append({**item, "split": halves.pop()})
    return out


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.1, steps: int = 3000, lr: float = 0.1):
    """Logistic regression by gradient descent on standardised features; weights and bias
    returned on the raw features."""
    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mu) / sd
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))
        w -= lr * ((p - y) @ z / len(y) + l2 * w)
        b -= lr * float(np.mean(p - y))
    return w / sd, b - float((w / sd) @ mu)


def gate_outcome(samples: list[dict], probs: np.ndarray, threshold: float) -> tuple[float, float, int]:
    """Over the gated items: share right (a refusal is right only for an unanswerable item), the
    refusal rate on unanswerable items, and the count."""
    ok, refused_unans, n_unans = 0, 0, 0
    for s, p in zip(samples, probs):
        answers = p >= threshold
        if s["unanswerable"]:
            n_unans += 1
            refused_unans += not answers
            ok += not answers
        else:
            ok += answers and s["right"]
    return ok / max(1, len(samples)), refused_unans / max(1, n_unans), len(samples)


def fit_gate(sets: list[tuple[QAService, list[dict]]]) -> dict:
    """The answer gate (rag/answer_gate.py): a logistic model of "answering with the best sentence
    is right" over its measurements, fitted on tune (of every dev set given, each over its own
    index); the threshold maximises tune accuracy with an unanswerable question answered counted
    once more than a wrong answer. Check is printed."""
    from rag.answer_gate import FEATURES

    samples = [s for service, rows in sets for s in gate_samples(service, rows)]
    half = {h: [s for s in samples if s["split"] == h] for h in ("tune", "check")}
    mat = {h: (np.array([[s["features"][f] for f in FEATURES] for s in v]), np.array([s["right"] for s in v], float))
           for h, v in half.items()}
    w, b = fit_logistic(*mat["tune"])
    probs = {h: 1 / (1 + np.exp(-(m[0] @ w + b))) for h, m in mat.items()}
    share = np.mean([s["unanswerable"] for s in half["tune"]])
    print(f"gated items: tune {len(half['tune'])}, check {len(half['check'])}")
    print("\n| threshold | tune right | tune refusal | check right | check refusal |\n|---:|---:|---:|---:|---:|")
    table = []
    for t in np.arange(0.2, 0.81, 0.05):
        (a, ra, _), (c, rc, _) = (gate_outcome(half[h], probs[h], t) for h in ("tune", "check"))
        table.append((round(float(t), 2), a, ra, c, rc))
        print(f"| {t:.2f} | {a:.3f} | {ra:.3f} | {c:.3f} | {rc:.3f} |")
    best = max(table, key=lambda r: (round(r[1] - (1 - r[2]) * share, 4), r[0]))
    print("\n| feature | weight |\n|---|---:|")
    for f, x in zip(FEATURES, w):
        print(f"| {f} | {x:+.3f} |")
    print(f"| (bias) | {b:+.3f} |\nthreshold {best[0]:.2f}: tune right {best[1]:.3f}, check right {best[3]:.3f}")
    return {"weights": {f: round(float(x), 4) for f, x in zip(FEATURES, w)}, "bias": round(float(b), 4),
            "threshold": best[0], "fitted_on": {"split": "tune", "items": len(half["tune"]),
                                                 "tune_right": round(best[1], 3), "check_right": round(best[3], 3)}}


def _fit_weights(service: QAService, rows: list[dict]):
    """Sentence feature weights fitted on tune (top-1 before/after printed for both halves)."""
    answerable = [r for r in rows if r["type"] not in ("unanswerable", "comparison") and r.get("must_include")]
    halves = {h: candidate_groups(service, [r for r in answerable if r.get("split") == h]) for h in ("tune", "check")}
    names = sorted({k for h in halves.values() for feats, _ in h for f in feats for k in f} | set(sentence_weights()))
    w0 = np.array([sentence_weights().get(n, 0.0) for n in names])
    data = {h: to_matrix(g, names) for h, g in halves.items()}
    w = fit(data["tune"], w0)
    print(f"questions with a candidate carrying the answer: tune {len(data['tune'])}, check {len(data['check'])}")
    print("| half | top-1 before | top-1 after |\n|---|---:|---:|")
    for h in ("tune", "check"):
        print(f"| {h} | {top1(data[h], w0):.3f} | {top1(data[h], w):.3f} |")
    print("\n| feature | before | after |\n|---|---:|---:|")
    for n, a, b in zip(names, w0, w):
        print(f"| {n} | {a:+.3f} | {b:+.3f} |")
    fitted_on = {"split": "tune", "questions": len(data["tune"]),
                 "top1_tune": [round(top1(data["tune"], w0), 3), round(top1(data["tune"], w), 3)],
                 "top1_check": [round(top1(data["check"], w0), 3), round(top1(data["check"], w), 3)]}
    return {n: round(float(x), 4) for n, x in zip(names, w)}, fitted_on


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", default=str(ROOT / "eval" / "datasets" / "reports_dev.jsonl"))
    ap.add_argument("--write", action="store_true", help="write what was fitted to rag/answer_weights.json")
    ap.add_argument("--refusal", action="store_true", help="also fit the refusal threshold and the weight of a word "
                                                            "the report never uses (runs the whole pipeline over the "
                                                            "dev set once per candidate pair)")
    ap.add_argument("--policy-only", action="store_true", help="keep the current feature weights; fit only the policy")
    ap.add_argument("--figure", action="store_true", help="fit only how much of the question a figure's clause "
                                                          "must cover (keeps everything else)")
    ap.add_argument("--parallel", action="store_true", help="fit only how much a comparison side's sentence gains "
                    "for sharing the other sides' chosen words (keeps everything else)")
    ap.add_argument("--parallel-unit", action="store_true", help="fit only how much a comparison side's sentence "
                    "gains for giving its figure in the unit of the other sides' figures (keeps everything else)")
    ap.add_argument("--gate", action="store_true", help="fit only the answer gate (whether the best sentence "
                                                        "answers; keeps everything else)")
    ap.add_argument("--also", action="append", default=[], metavar="DATASET=DATA_DIR",
                    help="with --gate: another dev set over its own index (e.g. eval/datasets/news_dev.jsonl="
                         "<data dir holding eval/datasets/news>); its tune half is fitted too")
    args = ap.parse_args(argv)
    rows = [json.loads(line) for line in Path(args.dataset).read_text(encoding="utf-8").splitlines() if line.strip()]
    service = QAService(Settings.from_env())
    if args.gate:
        # the seed questions over reports of the tune half are tune items too (by report, as the split)
        sets = [(service, rows + seed_items_by_split(ROOT / "eval" / "datasets"))]
        for spec in args.also:
            dataset, _, data_dir = spec.partition("=")
            other = [json.loads(line) for line in Path(dataset).read_text(encoding="utf-8").splitlines() if line.strip()]
            sets.append((QAService(Settings.from_env(data_dir=Path(data_dir))), other))
        gate = fit_gate(sets)
        if args.write:
            doc = json.loads(WEIGHTS.read_text(encoding="utf-8"))
            doc["gate"] = gate
            WEIGHTS.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            print(f"\nwritten: {WEIGHTS}")
        return 0
    if args.parallel or args.parallel_unit:
        key = "parallel_weight" if args.parallel else "parallel_unit_weight"
        weight, tune, check = fit_parallel(service, rows, key=key)
        print(f"\n{key} {weight:.2f} (comparison questions: tune {tune:.3f}, check {check:.3f})")
        if args.write:
            doc = json.loads(WEIGHTS.read_text(encoding="utf-8"))
            doc.setdefault("policy", {}).update({key: weight})
            WEIGHTS.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return 0
    if args.figure:
        theta = fit_figure_coverage(service, rows)
        print(f"\nmin_figure_coverage {theta[0]:.2f} (tune {theta[1]:.3f}, check {theta[2]:.3f})")
        if args.write:
            doc = json.loads(WEIGHTS.read_text(encoding="utf-8"))
            doc.setdefault("policy", {}).update(min_figure_coverage=theta[0], tune_accuracy=round(theta[1], 3),
                                                check_accuracy=round(theta[2], 3))
            WEIGHTS.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        return 0
    weights, fitted_on = (None, None) if args.policy_only else _fit_weights(service, rows)
    policy = None
    if args.refusal or args.policy_only:
        policy = fit_refusal(service, rows, weights)
        print(f"\nrefusal threshold {policy[0]:.2f}, absent word weight {policy[1]:.2f} "
              f"(tune {policy[2]:.3f}, check {policy[3]:.3f})")
    if args.write:
        doc = json.loads(WEIGHTS.read_text(encoding="utf-8"))
        if weights is not None:
            doc["weights"] = weights
            doc["fitted_on"] = {"dataset": Path(args.dataset).name, **fitted_on}
        if policy is not None:
            # the other fitted fields of the policy (min_figure_coverage) stay
            doc.setdefault("policy", {}).update(min_coverage=policy[0], absent_term_weight=policy[1],
                                                tune_accuracy=round(policy[2], 3), check_accuracy=round(policy[3], 3))
        doc["about"] = ("Weights of the sentence features of rag/sentence_scoring.py sentence_features(), fitted by "
                        "eval/fit_answer_weights.py on the tune half (listwise softmax, L2 towards the earlier "
                        "weights). top1_*: share of questions whose best-scored sentence carries the gold "
                        "evidence, [before, after]. policy: refusal threshold and the weight of a question word "
                        "the report never uses, fitted on tune accuracy (check printed, never used).")
        WEIGHTS.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"\nwritten: {WEIGHTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
