"""Judge-free metrics for answers over Chinese reports: small pure functions.

Every function takes plain values (strings, lists of booleans, numbers) and returns a number
(or ``None`` when the metric does not apply to the item), so each can be checked by hand.

Text matching is done on a *folded* form of both sides (``fold_text``): the project's own
character normalisation (full-width digits and %, quotes), then simplified characters, lower
case, no whitespace and no punctuation — except a decimal point between digits and a
thousands separator between digits, which are kept / dropped so that "1,034" == "1034" but
"1.5" != "15". Figures are compared as values (``canonical_numbers``): "297.6亿元" ==
"2976000万元", "百分之六" == "6%", "１２３" == "123", "三个" == "3个".
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from typing import Iterable, Sequence

from rag.text.cues import CITATION_MARK
from rag.text.normalize import normalize_text
from rag.text.numbers import cn_to_number, find_quantities
from rag.text.tokens import to_simplified

# ------------------------------------------------------------------ folding and numbers

_THOUSANDS = re.compile(r"(?<=\d)[,，](?=\d{3}(?!\d))")
_DECIMAL = re.compile(r"(?<=\d)[.．·](?=\d)")
_LIST_ORDINAL = re.compile(r"(?m)^\s*\d{1,2}[.、)）]\s*")
_KEEP = {"%", "‰"}
# Chinese numerals followed by a counter/unit ("三个", "十二项", "第十三位", "两万元").
_CN_NUM = "零〇一二两三四五六七八九十百千"
_CN_COUNTED = re.compile(
    rf"(?P<num>[{_CN_NUM}]+(?:点[{_CN_NUM}]+)?)(?P<scale>万亿|亿|万)?"
    r"(?=(?:个|家|项|户|人|名|位|起|件|所|座|条|辆|只|张|次|批|台|套|处|亩|吨|元|公里|千米|米|平方|倍|年|天|月|%))"
)
_DECIMAL_MARK = "\u2024"  # survives punctuation removal, turned back into "." afterwards


def fold_text(text: str) -> str:
    """Normalised form used for every text comparison (see the module docstring)."""
    text = normalize_text(text or "")
    text = to_simplified(text).lower()
    text = _THOUSANDS.sub("", text)
    text = _DECIMAL.sub(_DECIMAL_MARK, text)
    out = []
    for ch in text:
        if ch in _KEEP or ch == _DECIMAL_MARK:
            out.append(ch)
            continue
        cat = unicodedata.category(ch)
        if cat[0] in ("P", "Z", "C") or (cat[0] == "S" and ch not in "+-=<>~"):
            continue
        out.append(ch)
    return "".join(out).replace(_DECIMAL_MARK, ".")


def _number_token(value: float, percent: bool) -> str:
    s = format(round(value, 4), ".15g")  # 297.6 * 1e8 == 29760000000.000004 -> "29760000000"
    return "\u27e6" + s + ("%" if percent else "") + "\u27e7"


def canonical_numbers(text: str) -> str:
    """Fold ``text`` and replace every figure by a value token: "297.6亿元" -> "⟦29760000000⟧元"."""
    folded = fold_text(text)
    spans: list[tuple[int, int, str]] = []
    for q in find_quantities(folded):
        spans.append((q.start, q.end, _number_token(q.value, q.percent)))
    taken = [(a, b) for a, b, _ in spans]
    for m in _CN_COUNTED.finditer(folded):
        if any(m.start() < b and a < m.end() for a, b in taken):
            continue
        value = cn_to_number(m.group("num"))
        if value is None:
            continue
        scale = m.group("scale")
        value *= {"万亿": 1e12, "亿": 1e8, "万": 1e4}.get(scale or "", 1)
        spans.append((m.start(), m.end(), _number_token(value, False)))
    spans.sort()
    out, pos = [], 0
    for a, b, token in spans:
        if a < pos:  # overlapping matches: keep the first
            continue
        out.append(folded[pos:a])
        out.append(token)
        pos = b
    out.append(folded[pos:])
    return "".join(out)


_YEAR_TOKEN = re.compile(r"\u27e6(?:19|20)\d\d\u27e7(?=年)")
_VALUE_TOKEN = re.compile(r"\u27e6[^\u27e7]*\u27e7")


def answer_numbers(text: str) -> set[str]:
    """The figures a text asserts, as value tokens.

    Citation marks, list ordinals ("1. ") and calendar years ("2019年": they often come from
    the report's metadata rather than from the passage) are not figures.
    """
    body = _LIST_ORDINAL.sub(" ", strip_citation_marks(text))
    body = re.sub(r"【[^】]*】", " ", body)  # labels naming the report (its title may hold a year)
    canon = _YEAR_TOKEN.sub("", canonical_numbers(body))
    return set(_VALUE_TOKEN.findall(canon))


def strip_citation_marks(text: str) -> str:
    return CITATION_MARK.sub("", text or "")


_LIST_NUMBER = re.compile(r"^\s*\d{1,2}\.\s", re.MULTILINE)


def strip_list_numbers(text: str) -> str:
    """An answer's list numbering ("5. 万元GDP能耗…") is layout, not a figure: without it, "5. 万元"
    is not read as 50000元."""
    return _LIST_NUMBER.sub("", text or "")


def includes_term(answer: str, term: str) -> bool:
    """must_include check: ``term`` occurs in ``answer`` with figures compared by value."""
    needle = canonical_numbers(term)
    return bool(needle) and needle in canonical_numbers(strip_list_numbers(strip_citation_marks(answer)))


def must_include_score(answer: str, terms: Sequence[str]) -> float | None:
    """Share of the must_include terms present in the answer (None when there are none)."""
    if not terms:
        return None
    return sum(includes_term(answer, t) for t in terms) / len(terms)


# ------------------------------------------------------------------ retrieval

def hit_at_k(relevant: Sequence[bool], k: int) -> float:
    """1.0 when any of the first ``k`` ranked passages is relevant."""
    return 1.0 if any(relevant[:k]) else 0.0


def mrr_at_k(relevant: Sequence[bool], k: int) -> float:
    """Reciprocal rank of the first relevant passage within the first ``k`` (0 if none)."""
    for rank, rel in enumerate(relevant[:k], start=1):
        if rel:
            return 1.0 / rank
    return 0.0


def passage_relevance(passages: Sequence[tuple[str, str]], sources: Sequence[tuple[str, str]]) -> list[bool]:
    """For ranked passages ``(file, text)``: does each contain a gold evidence of its own file?

    A source with an empty file name matches a passage of any file.
    """
    out = []
    for file, text in passages:
        folded = fold_text(text)
        out.append(any(
            (not sfile or sfile == file) and (ev := fold_text(evidence)) and ev in folded
            for sfile, evidence in sources
        ))
    return out


def source_recall(passages: Sequence[tuple[str, str]], sources: Sequence[tuple[str, str]]) -> float | None:
    """Share of gold sources whose evidence is in some retrieved passage of the same file."""
    if not sources:
        return None
    folded = [(file, fold_text(text)) for file, text in passages]
    found = 0
    for sfile, evidence in sources:
        ev = fold_text(evidence)
        if ev and any((not sfile or sfile == f) and ev in t for f, t in folded):
            found += 1
    return found / len(sources)


# ------------------------------------------------------------------ answer text overlap

def _tokens(text: str) -> list[str]:
    from rag.text.tokens import _jieba

    folded = canonical_numbers(strip_citation_marks(text))
    return [t for t in _jieba().lcut(folded, HMM=True) if t.strip() and t not in "\u27e6\u27e7"]


def token_f1(answer: str, gold: str) -> float:
    """F1 of the jieba-token multisets of answer and gold (figures as value tokens)."""
    a, g = _tokens(answer), _tokens(gold)
    if not a and not g:
        return 1.0
    if not a or not g:
        return 0.0
    common = sum((Counter(a) & Counter(g)).values())
    if common == 0:
        return 0.0
    p, r = common / len(a), common / len(g)
    return 2 * p * r / (p + r)


def lcs_length(a: Sequence[str], b: Sequence[str]) -> int:
    if not a or not b:
        return 0
    prev = [0] * (len(b) + 1)
    for x in a:
        cur = [0]
        for j, y in enumerate(b, start=1):
            cur.append(prev[j - 1] + 1 if x == y else max(prev[j], cur[j - 1]))
        prev = cur
    return prev[-1]


def rouge_l(answer: str, gold: str) -> float:
    """ROUGE-L F1 (beta = 1) over jieba tokens."""
    a, g = _tokens(answer), _tokens(gold)
    if not a and not g:
        return 1.0
    lcs = lcs_length(a, g)
    if lcs == 0:
        return 0.0
    p, r = lcs / len(a), lcs / len(g)
    return 2 * p * r / (p + r)


# ------------------------------------------------------------------ citations and faithfulness

def citation_precision(answer: str, cited: Sequence[tuple[str, str]], sources: Sequence[tuple[str, str]]) -> float | None:
    """Share of cited passages ``(file, text)`` that hold gold evidence or a figure of the answer."""
    if not cited:
        return None
    numbers = answer_numbers(answer)
    good = 0
    for (file, text), relevant in zip(cited, passage_relevance(cited, sources)):
        if relevant or (numbers & answer_numbers(text)):
            good += 1
    return good / len(cited)


def citation_recall(cited: Sequence[tuple[str, str]], sources: Sequence[tuple[str, str]]) -> float | None:
    """Share of gold sources whose evidence is inside a cited passage of the same file."""
    return source_recall(cited, sources)


def number_faithfulness(answer: str, cited_texts: Iterable[str]) -> float | None:
    """Share of the figures in the answer that occur (by value) in the cited passages."""
    numbers = answer_numbers(answer)
    if not numbers:
        return None
    support: set[str] = set()
    for text in cited_texts:
        support |= answer_numbers(text)
    return len(numbers & support) / len(numbers)


# ------------------------------------------------------------------ refusal and accuracy

def answer_correct(*, refused: bool, expects_refusal: bool, answer: str, must_include: Sequence[str]) -> float:
    """Headline accuracy: a refusal when one is expected, else every must_include term present."""
    if expects_refusal:
        return 1.0 if refused else 0.0
    if refused:
        return 0.0
    return 1.0 if all(includes_term(answer, t) for t in must_include) else 0.0


def distractor_answered(answer: str, distractor_evidence: str) -> float | None:
    """1.0 when the answer states a figure (by value) of an unanswerable item's distractor evidence
    — the other year's / other place's number it tempts one to give — else 0.0; ``None`` when the
    distractor evidence has no figures. The whole answer counts, refusal text included."""
    figures = answer_numbers(distractor_evidence)
    if not figures:
        return None
    return 1.0 if figures & answer_numbers(answer) else 0.0


def refusal_rate(refused: Sequence[bool]) -> float | None:
    return sum(refused) / len(refused) if refused else None


# ------------------------------------------------------------------ statement splitting (judge)

_STATEMENT_END = re.compile(r"(?<=[。！？；!?;\n])")


def split_statements(text: str) -> list[str]:
    """Split an answer into statements on 。！？；(and ASCII forms / newlines); marks removed."""
    parts = [p.strip(" \t\n，,") for p in _STATEMENT_END.split(strip_citation_marks(text))]
    return [p for p in parts if re.search(r"[\w\u4e00-\u9fff]", p)]


# ------------------------------------------------------------------ aggregation

def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100), as numpy's default."""
    if not values:
        return None
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    if lo == hi:
        return float(xs[lo])
    return float(xs[lo] + (xs[hi] - xs[lo]) * (pos - lo))


def mean(values: Iterable[float | None]) -> float | None:
    xs = [v for v in values if v is not None]
    return sum(xs) / len(xs) if xs else None


# metric key -> (label, higher is better); the order is the order of the report's rows
METRICS: dict[str, tuple[str, bool]] = {
    "answer_accuracy": ("回答准确率", True),
    "must_include": ("要点命中率 must_include", True),
    "token_f1": ("词 F1（jieba）", True),
    "rouge_l": ("ROUGE-L", True),
    "hit_at_k": ("检索命中 hit@k", True),
    "mrr_at_k": ("检索 MRR@k", True),
    "source_recall": ("多来源召回", True),
    "citation_precision": ("引用精确率", True),
    "citation_recall": ("引用召回率", True),
    "faithfulness": ("数字忠实度", True),
    "refusal": ("拒答率（无答案题）", True),
    "false_refusal": ("误拒率（有答案题）", False),
    "distractor_answered": ("答出干扰数字（无答案题）", False),
    "judge_faithfulness": ("LLM 评审：忠实度", True),
    "judge_correctness": ("LLM 评审：正确性", True),
}
GATED = [m for m in METRICS if not m.startswith("judge_")]
STAGES = ("analyse", "retrieve", "answer", "total")
