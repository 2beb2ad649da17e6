"""The fitted parameters of the extractive answerer (answer_weights.json): sentence feature weights
and the refusal threshold, both fitted by eval/fit_answer_weights.py."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from rag.answer_gate import AnswerGate


def _weights_path():
    from pathlib import Path

    return Path(__file__).with_name("answer_weights.json")


@functools.lru_cache(maxsize=1)
def _fitted_doc() -> dict:
    import json

    return json.loads(_weights_path().read_text(encoding="utf-8"))


def sentence_weights() -> dict[str, float]:
    """The weight of every sentence feature: data fitted on the dev set's `tune` half by
    eval/fit_answer_weights.py (see that script for how), not set by hand."""
    return _fitted_doc()["weights"]


@dataclass(frozen=True)
class AnswerPolicy:
    min_coverage: float = 0.5  # below it the best sentence does not answer: 报告中未提及 (fitted: answer_weights.json)
    list_items: int = 4
    fact_sentences: int = 2
    # weight of a question word the report never uses (the asker's own wording, "打工" for "最低工资"):
    # no sentence of that report can hold it (fitted with min_coverage)
    absent_term_weight: float = 1.0
    # a figure answers only when the clause holding it covers this share of the question's words
    # ("增加国家铁路建设资本金1000亿元" does not answer "铁路投资多少"); 0 = off (fitted with the rest)
    min_figure_coverage: float = 0.0
    # whether the best sentence answers at all (fitted logistic model; None: the coverage threshold decides)
    gate: AnswerGate | None = None
    # a comparison side's sentence sharing the other sides' chosen words gains up to this much
    # (rag.answer._in_parallel; 0 = off; fitted by eval/fit_answer_weights.py --parallel)
    parallel_weight: float = 0.0
    # a comparison side's sentence giving its figure in the unit of the other sides' chosen figures
    # (亿元 beside 亿元, not a multiple 倍) gains this much (fitted by --parallel-unit; 0 = off)
    parallel_unit_weight: float = 0.0

    @classmethod
    def fitted(cls) -> "AnswerPolicy":
        """The policy with the refusal threshold fitted on the tune half (eval/fit_answer_weights.py)."""
        policy = _fitted_doc().get("policy", {})
        return cls(min_coverage=float(policy.get("min_coverage", cls.min_coverage)),
                   absent_term_weight=float(policy.get("absent_term_weight", cls.absent_term_weight)),
                   min_figure_coverage=float(policy.get("min_figure_coverage", cls.min_figure_coverage)),
                   parallel_weight=float(policy.get("parallel_weight", cls.parallel_weight)),
                   parallel_unit_weight=float(policy.get("parallel_unit_weight", cls.parallel_unit_weight)),
                   gate=AnswerGate.from_doc(_fitted_doc().get("gate")))
