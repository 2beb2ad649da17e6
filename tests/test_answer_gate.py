"""The answer gate: whether the best sentence answers at all (rag/answer_gate.py), table-driven,
and end to end over the seed index (the measurements it read travel with the answer)."""

import pytest

from rag.answer_gate import FEATURES, AnswerGate, gate_features
from rag.answer_weights import AnswerPolicy
from rag.sentence_scoring import absent_share
from rag.key_terms import KeyTerm

GATE = AnswerGate(weights={"coverage": 2.0, "similarity": 20.0}, bias=-18.0, threshold=0.6)


@pytest.mark.parametrize("coverage, similarity, accepted", [
    (1.0, 0.90, True),    # every word and close in meaning
    (0.3, 0.88, False),   # near in meaning, few of the words
    (1.0, 0.80, False),   # every word, far in meaning (another indicator in the same words)
    (0.0, 0.99, True),    # none of the words, the same meaning (everyday words for an official term)
])
def test_gate_weighs_words_and_meaning(coverage, similarity, accepted):
    feats = gate_features(coverage, None, similarity, 0.0)
    z = -18.0 + 2.0 * coverage + 20.0 * similarity
    assert GATE.accepts(feats) is accepted, z


@pytest.mark.parametrize("coverage, figure, expected", [
    (0.8, None, 0.8),   # no figure asked: the clause is the sentence
    (0.8, 0.3, 0.3),
])
def test_gate_features(coverage, figure, expected):
    feats = gate_features(coverage, figure, 0.9, 0.25)
    assert set(feats) == set(FEATURES)
    assert feats["figure_coverage"] == expected and feats["absent_share"] == 0.25


@pytest.mark.parametrize("doc, expected", [
    (None, None),
    ({}, None),
    ({"weights": {}}, None),
    ({"weights": {"coverage": 1}, "bias": -0.5, "threshold": 0.7}, AnswerGate({"coverage": 1.0}, -0.5, 0.7)),
])
def test_gate_from_doc(doc, expected):
    assert AnswerGate.from_doc(doc) == expected


@pytest.mark.parametrize("vocab, expected", [
    (None, 0.0),
    (frozenset({"原煤", "产量"}), 0.0),
    (frozenset({"原煤"}), 0.5),          # 产量 absent, and its alternative too
    (frozenset({"原煤", "产出"}), 0.0),   # an alternative of 产量 is used by the report
    (frozenset(), 1.0),
])
def test_absent_share(vocab, expected):
    terms = [KeyTerm("原煤", 1.0, ()), KeyTerm("产量", 1.0, ("产出",))]
    assert absent_share(terms, vocab) == pytest.approx(expected)


@pytest.mark.parametrize("vocab, expected", [
    (frozenset({"人均", "预期", "寿命"}), 0.0),   # the official term, spelt in the index's tokens
    (frozenset({"人均", "寿命"}), 1.0),           # a part of it missing: the term is not used
    (frozenset({"平均寿命"}), 0.0),               # the everyday word itself
])
def test_an_alternative_used_in_parts_counts_as_used(vocab, expected):
    terms = [KeyTerm("平均寿命", 1.0, ("人均预期寿命",))]
    assert absent_share(terms, vocab) == pytest.approx(expected)


def test_the_fitted_gate_is_data_and_reads_meaning():
    gate = AnswerPolicy.fitted().gate
    assert gate is not None and set(gate.weights) <= set(FEATURES)
    assert gate.weights["similarity"] > 0 and gate.weights["coverage"] > 0
    assert 0.0 < gate.threshold < 1.0


def test_the_answer_carries_what_the_gate_measured(service):
    answer = service.ask("杜桥镇2019年的工业产值是多少？")
    assert not answer.refused and "297.6亿元" in answer.answer
    assert answer.gate["accepted"] is True and set(answer.gate["features"]) == set(FEATURES)
    assert answer.gate["probability"] >= AnswerPolicy.fitted().gate.threshold
    assert answer.to_json()["gate"] == answer.gate  # the API's JSON carries it
    refused = service.ask("杜桥镇2019年的航天发射次数是多少？")
    assert refused.refused
