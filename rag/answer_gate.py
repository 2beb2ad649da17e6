"""Whether the best sentence found answers the question at all, or the answer is "报告中未提及".

Word coverage alone cannot tell: a question in everyday words ("挖煤的量") shares few words with
the sentence that answers it ("原煤产量"), and a question the report cannot answer often shares
most of its words with a sentence about something near it (the same indicator for another year,
another project's investment). The gate combines what is measured of the best sentence — its
coverage of the question's words, how much of the question the clause holding its figure speaks
of, the meaning similarity of question and sentence (the embedding model's vectors) and the share
of the question's words its report never uses — in a logistic model whose weights and threshold
are fitted on the dev set's `tune` half (eval/fit_answer_weights.py --gate), kept in
answer_weights.json as data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

FEATURES = ("coverage", "figure_coverage", "similarity", "absent_share")


@dataclass(frozen=True)
class AnswerGate:
    """A fitted logistic model over :data:`FEATURES`; answers when the probability reaches the threshold."""

    weights: dict[str, float] = field(default_factory=dict)
    bias: float = 0.0
    threshold: float = 0.5

    def probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def accepts(self, features: dict[str, float]) -> bool:
        return self.probability(features) >= self.threshold

    @classmethod
    def from_doc(cls, doc: dict | None) -> "AnswerGate | None":
        """The gate kept in answer_weights.json ("gate"), or None when none was fitted."""
        if not doc or not doc.get("weights"):
            return None
        return cls(weights={k: float(v) for k, v in doc["weights"].items()}, bias=float(doc.get("bias", 0.0)),
                   threshold=float(doc.get("threshold", 0.5)))


def gate_features(coverage: float, figure_coverage: float | None, similarity: float,
                  absent_share: float) -> dict[str, float]:
    """The measurements of one candidate answer sentence the gate reads. Without a figure asked,
    the figure's clause is the whole sentence (its coverage)."""
    return {"coverage": coverage, "figure_coverage": coverage if figure_coverage is None else figure_coverage,
            "similarity": similarity, "absent_share": absent_share}
