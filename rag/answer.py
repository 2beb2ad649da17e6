"""Answer synthesis with citations. The offline default backend is extractive (no model).

The extractive answerer scores the sentences of the retrieved passages against the question
(coverage of its content words, weighted by rarity; a figure when a figure is asked; plan vs
achievement; the year asked), answers with the best sentence(s) trimmed to the clauses that
matter, cites each one, and refuses ("报告中未提及…") when no sentence covers what is asked.
A comparison answers one line per side, each cited, "报告中未提及" for a silent side.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace

from rag.text import cues
from rag.text.sentences import split_sentences
from rag.text.lexicon import all_synonyms
from rag.text.numbers import find_quantities, has_masked_number
from rag.query import QUESTION_WORDS, QueryPlan, Side
from rag.bm25_index import BM25Index
from rag.text.tokens import search_tokens, to_simplified
from rag.types import Citation, ComparisonRow, DocMeta, Passage

NOT_FOUND = cues.NOT_FOUND
_HEADING_ONLY = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）])[^。；;]{0,30}[。]?$")
_CLAUSE = re.compile(r"[^，,：:]+[，,：:]?")
_YEAR_IN = re.compile(r"(20\d\d)年")


@dataclass
class Sentence:
    passage: Passage
    start: int  # offsets in the cleaned document text
    end: int
    text: str
    score: float = 0.0
    coverage: float = 0.0
    matched: frozenset[str] = frozenset()
    features: dict = field(default_factory=dict)  # what was measured (eval/fit_answer_weights.py)


@dataclass
class Draft:
    """What an answerer returns before validation: text with [n] marks and its citations."""

    answer: str
    refused: bool
    citations: list[Citation]
    comparison: list[ComparisonRow] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class KeyTerm:
    token: str
    weight: float
    alternatives: tuple[str, ...]


def key_terms(plan: QueryPlan, index: BM25Index) -> list[KeyTerm]:
    """The content words of the question with rarity weights and synonym alternatives.

    A follow-up's previous topic contributes its words at half weight: "农村的呢？" after a
    question on 城镇居民人均可支配收入 looks for 农村 *and* 人均可支配收入.
    """
    terms = _terms_for(plan.topic or plan.standalone, index, 1.0)
    if plan.context_topic:
        have = {t.token for t in terms}
        terms += [t for t in _terms_for(plan.context_topic, index, 0.5) if t.token not in have]
    return terms


_TOPICAL_QUESTION_WORDS = frozenset("目标 计划 任务 完成 实现 成绩 成效 工作 重点 报告".split())


def real_quantities(text: str) -> list:
    """Figures in a sentence other than calendar years."""
    return [q for q in find_quantities(text) if not re.fullmatch(r"(19|20)\d\d", q.text)]


def asks_quantity(plan: QueryPlan) -> bool:
    """The question wants a figure, so a sentence without one cannot answer it."""
    return bool(cues.ASKS_QUANTITY.search(plan.topic or plan.question))


def _terms_for(text: str, index: BM25Index, scale: float) -> list[KeyTerm]:
    topic = to_simplified(text)
    words = [t for t in search_tokens(topic, bigrams=False) if not re.fullmatch(r"[\d.%]+", t)]
    tokens = []
    for t in words:
        if t not in tokens and t not in QUESTION_WORDS:
            tokens.append(t)
    if not tokens:
        # "主要目标有哪些？": the question word *is* the topic
        tokens = [t for t in dict.fromkeys(words) if t in _TOPICAL_QUESTION_WORDS]
    low = topic.lower()
    idfs = [index.idf(t) for t in tokens]
    known = [x for x in idfs if x > 0]
    median = sorted(known)[len(known) // 2] if known else 1.0
    terms = []
    for t, idf in zip(tokens, idfs):
        alts = {t}
        for key, syns in all_synonyms().items():
            if key in low and (t in key or key in t):
                alts.update(to_simplified(s).lower() for s in syns)
        if len(t) == 1 and t not in alts - {t}:
            weight = 0.3
        elif idf < 0:
            # a word no report uses: it still counts (so an absent topic is refused), at median weight
            has_alt = any(index.idf(a) > 0 for a in alts if a != t)
            weight = median if not has_alt else median * 1.2
        else:
            weight = max(idf, 0.3)
        terms.append(KeyTerm(t, weight * scale, tuple(sorted(alts))))
    return terms


def _matches(term: KeyTerm, text_low: str) -> bool:
    return any(a in text_low for a in term.alternatives)


def _credit(term: KeyTerm, text_low: str) -> float:
    """1 for an exact (or synonym) match; partial for a long word whose characters mostly occur
    ("刑事案件" vs "刑事发案数"), so a paraphrase is not mistaken for an absent topic."""
    if _matches(term, text_low):
        return 1.0
    word = term.token
    if len(word) < 3:
        return 0.0
    bigrams = [word[i: i + 2] for i in range(len(word) - 1)]
    bigram_share = sum(b in text_low for b in bigrams) / len(bigrams)
    char_share = sum(ch in text_low for ch in word) / len(word)
    if bigram_share == 0:
        return 0.0
    credit = max(bigram_share, 0.8 * char_share)
    return credit if credit >= 0.5 else 0.0


def split_passage(p: Passage) -> list[Sentence]:
    out = []
    for sp in split_sentences(p.text):
        text = p.text[sp.start: sp.end]
        out.append(Sentence(p, p.start + sp.start, p.start + sp.end, text))
    return out


def _is_plan_context(s: Sentence, meta: DocMeta | None) -> bool:
    """Is the sentence in the part of the report that plans the year ahead?"""
    if meta is not None and meta.plan_start is not None:
        return s.start >= meta.plan_start
    return bool(cues.PLAN_SECTION.search(s.passage.section.split(" > ")[0] if s.passage.section else ""))


def states_target(text: str) -> bool:
    """A target or plan ("力争…", "目标是…"), not an achievement ("完成三年目标")."""
    for m in cues.TARGET_IN_TEXT.finditer(text):
        if not re.search(r"(完成|实现|超额|达到|达成|提前|圆满)[^，。；;]{0,14}$", text[max(0, m.start() - 16): m.start()]):
            return True
    return False


def _paragraph_lead(s: Sentence) -> str:
    """The sentence with what precedes it in its paragraph ("预期目标是:…;…;这一项")."""
    p = s.passage
    before = p.text[: s.start - p.start]
    cut = before.rfind("\n")
    return before[cut + 1:][-200:] + s.text


def _fits_period(plan: QueryPlan, meta: DocMeta | None, plan_ctx: bool, cue: bool, sentence_text: str) -> bool:
    """Never answer a year's figure with another year's: a question about the reviewed year skips
    the plan part of the report, a question about the planned year (or a target) skips the review.
    The outcome of a report's own planned year is not in it (it is in the next year's report), nor
    is the target of the year it reviews."""
    if not meta:
        return True
    years = set(plan.years)
    if years and plan.explicit_intent == "actual" and meta.period_planned in years and meta.period_reviewed not in years:
        return False
    if years and plan.explicit_intent == "target" and meta.period_reviewed in years and meta.period_planned not in years:
        return False
    if not plan.wants_number:
        return True
    asks_reviewed = (meta.period_reviewed in years and meta.period_planned not in years) or (
        not years and plan.period == "reviewed")
    asks_planned = (meta.period_planned in years and meta.period_reviewed not in years) or (
        not years and plan.period == "planned")
    if asks_reviewed:
        return not plan_ctx and not states_target(sentence_text)
    if asks_planned:
        return plan_ctx or cue
    return True


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


def sentence_features(plan: QueryPlan, s: Sentence, rank: int, meta: DocMeta | None, coverage: float,
                      plan_ctx: bool, cue: bool, next_has_number: bool) -> dict[str, float]:
    """What is measured of one candidate sentence; the score is the weighted sum."""
    f: dict[str, float] = {"coverage": coverage, "rank_prior": 1.0 / (1 + rank)}
    has_number = bool(real_quantities(s.text))
    if plan.wants_number:
        f["number_present" if has_number else "number_missing"] = 1.0
        if not has_number and next_has_number:
            f["restates_before_figure"] = 1.0  # the figure comes in the next sentence
    if plan.intent == "target":
        f["target_in_plan" if (plan_ctx or cue) else "target_outside_plan"] = 1.0
    elif plan.intent == "actual":
        f["actual_in_plan" if plan_ctx else "actual_in_review"] = 1.0
    if plan.years and meta:
        mentioned = {int(y) for y in _YEAR_IN.findall(s.text)}
        if mentioned & set(plan.years):
            f["year_named"] = 1.0
        elif mentioned:
            f["other_year_named"] = 1.0
        if meta.period_planned in plan.years and meta.period_reviewed not in plan.years:
            f["planned_year_in_plan" if (plan_ctx or cue) else "planned_year_in_review"] = 1.0
        elif meta.period_reviewed in plan.years and meta.period_planned not in plan.years:
            f["reviewed_year_in_plan" if plan_ctx else "reviewed_year_in_review"] = 1.0
    if _HEADING_ONLY.match(s.text):
        f["heading_only"] = 1.0
    if plan.wants_list and _introduces_list(s):
        f["list_intro"] = 1.0
    dense = s.passage.scores.get("dense") if s.passage.scores else None
    if dense is not None:
        f["passage_dense"] = float(dense)
    return f


def score_sentences(
    plan: QueryPlan, passages: list[Passage], terms: list[KeyTerm], metas: dict[str, DocMeta]
) -> list[Sentence]:
    weights = sentence_weights()
    total = sum(t.weight for t in terms) or 1.0
    out: list[Sentence] = []
    for rank, p in enumerate(passages):
        meta = metas.get(p.doc_id)
        prev_low = ""
        sentences = split_passage(p)
        for i, s in enumerate(sentences):
            low = to_simplified(s.text).lower()
            if len(s.text) < 6:
                prev_low = low
                continue
            if cues.INSTRUCTION.search(s.text):
                prev_low = low
                continue  # report text addressing the reader with instructions is data, never an answer
            # words of the sentence before count at 0.7: "台风利奇马…。…派出3000多人" answers both
            credits = {t.token: max(_credit(t, low), 0.7 * _credit(t, prev_low)) for t in terms}
            prev_low = low
            matched = frozenset(k for k, v in credits.items() if v >= 0.5)
            coverage = sum(t.weight * credits[t.token] for t in terms) / total
            plan_ctx = _is_plan_context(s, meta)
            cue = states_target(_paragraph_lead(s))
            if not _fits_period(plan, meta, plan_ctx, cue, s.text):
                continue
            nxt = sentences[i + 1].text if i + 1 < len(sentences) else ""
            feats = sentence_features(plan, s, rank, meta, coverage, plan_ctx, cue, bool(real_quantities(nxt)))
            s.features = feats
            s.score = sum(weights.get(k, 0.0) * v for k, v in feats.items())
            s.coverage, s.matched = coverage, matched
            out.append(s)
    out.sort(key=lambda s: -s.score)
    return out


def trim_sentence(s: Sentence, terms: list[KeyTerm], wants_number: bool) -> tuple[int, int]:
    """Offsets (in the document) of the clauses of ``s`` that carry the answer."""
    if len(s.text) <= 90:
        return s.start, s.end
    clauses = [(m.start(), m.end()) for m in _CLAUSE.finditer(s.text)]
    if len(clauses) <= 2:
        return s.start, s.end
    hit = []
    for i, (a, b) in enumerate(clauses):
        low = to_simplified(s.text[a:b]).lower()
        if any(_matches(t, low) for t in terms if t.weight >= 0.5):
            hit.append(i)
    if not hit:
        return s.start, s.end
    first, last = hit[0], hit[-1]
    # keep the figures that follow the matched words ("…分别达到79668元和40450元")
    while wants_number and last + 1 < len(clauses) and not find_quantities(s.text[clauses[last][0]: clauses[last][1]]):
        last += 1
    # figures in the clauses that follow and still speak of the asked words ("输送250多辆车辆,派出3000多人")
    while wants_number and last + 1 < len(clauses):
        nxt = s.text[clauses[last + 1][0]: clauses[last + 1][1]]
        low = to_simplified(nxt).lower()
        growth = re.match(r"^\s*(同比)?(增长|下降|提高|减少|比上年|较上年|占)", nxt)
        if growth or (find_quantities(nxt) and any(_matches(t, low) for t in terms)):
            last += 1
        else:
            break
    a, b = clauses[first][0], clauses[last][1]
    return s.start + a, s.start + b


@dataclass(frozen=True)
class AnswerPolicy:
    min_coverage: float = 0.5  # below it the best sentence does not answer: 报告中未提及 (fitted: answer_weights.json)
    list_items: int = 4
    fact_sentences: int = 2

    @classmethod
    def fitted(cls) -> "AnswerPolicy":
        """The policy with the refusal threshold fitted on the tune half (eval/fit_answer_weights.py)."""
        return cls(min_coverage=float(_fitted_doc().get("policy", {}).get("min_coverage", cls.min_coverage)))


def _side_label(side: Side, metas: dict[str, DocMeta], sentence: Sentence | None) -> str:
    if side.label:
        return side.label
    if sentence is not None:
        meta = metas.get(sentence.passage.doc_id)
        if meta and meta.town:
            return meta.town
    return ""


def fits_figure_asked(plan: QueryPlan, text: str) -> bool:
    """The figure asked for is the kind the sentence gives: a growth or a rate is a per cent (or
    倍/个百分点); an amount or a level is a number that is not a per cent."""
    question = plan.topic or plan.question
    quantities = real_quantities(text)
    rate = bool(cues.ASKS_RATE.search(question))
    amount = bool(cues.ASKS_AMOUNT.search(question))
    if rate and not amount:
        if not re.search(r"(年均|平均)", question):
            # an average over several years answers neither a year's growth nor its rate
            quantities = [q for q in quantities if not re.search(r"(年均|平均)[^，。；,;]{0,6}$", text[: q.start])]
        return any(q.percent for q in quantities) or bool(re.search(r"\d\s*(?:倍|个百分点)", text))
    if amount and not rate:
        return any(not q.percent for q in quantities)
    return True


def choose_sentences(plan: QueryPlan, scored: list[Sentence], terms: list[KeyTerm],
                     policy: AnswerPolicy) -> list[Sentence]:
    question = plan.topic or plan.question
    if (asks_quantity(plan) or cues.ASKS_RATE.search(question) or cues.ASKS_AMOUNT.search(question)) \
            and not plan.wants_list:
        scored = [s for s in scored if real_quantities(s.text) and fits_figure_asked(plan, s.text)]
    if not scored:
        return []
    best = scored[0]
    if best.coverage < policy.min_coverage:
        return []
    picked = [best]
    if plan.wants_list and _introduces_list(best):
        return picked  # the list that follows it is the answer
    limit = policy.list_items if plan.wants_list else policy.fact_sentences
    for s in scored[1:]:
        if len(picked) >= limit:
            break
        if s.passage.doc_id != best.passage.doc_id or any(s.start < p.end and p.start < s.end for p in picked):
            continue
        if plan.wants_list:
            if s.score >= 0.7 * best.score and s.coverage >= policy.min_coverage * 0.8:
                picked.append(s)
        else:
            # a second sentence only when it adds a asked-for word the first lacks
            new_terms = s.matched - frozenset().union(*(p.matched for p in picked))
            if new_terms and s.score >= 0.85 * best.score:
                picked.append(s)
    picked.sort(key=lambda s: (s.passage.doc_id, s.start))
    return picked


class CitationBook:
    """Numbers citations in order of use; one number per (passage, span)."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []
        self._key: dict[tuple, int] = {}

    def cite(self, p: Passage, start: int, end: int) -> int:
        key = (p.chunk_id, start, end)
        if key not in self._key:
            n = len(self.citations) + 1
            quote = p.text[start - p.start: end - p.start]
            self.citations.append(Citation(
                n=n, doc_id=p.doc_id, file=p.file, title=p.title, town=p.town, year=p.year,
                section=p.section, text=p.text, start=p.start, end=p.end, span_start=start, span_end=end,
                quote=quote))
            self._key[key] = n
        return self._key[key]




_ITEM_START = re.compile(r"^\s*(?:[一二三四五六七八九十]是|[一二三四五六七八九十]要|第[一二三四五六七八九十]{1,2}[，,、]|首先|其次|"
                         r"[一二三四五六七八九十]{1,2}、|[（(][一二三四五六七八九十]{1,2}[)）]|\d{1,2}[.、．](?!\d)|[（(]\d{1,2}[)）])")


def _item_head(seg: str) -> str:
    """An enumerated item by its head: up to its first comma when that says something
    ("一是深化改革难度不断加大，…" -> "一是深化改革难度不断加大"), else its first 80 characters."""
    m = re.search(r"[，,；;。]", seg)
    if m and m.start() >= 6:
        return seg[: m.start()]
    return seg[:80]


def list_items_after(doc: str, pos: int, *, limit_chars: int = 900, max_items: int = 12) -> list[tuple[int, int]]:
    """Spans (document offsets) of the list that follows position ``pos``: what is left of the
    paragraph (its enumerated items by their heads — "一是…；二是…" — or its short sentences),
    then the head of each following enumerated line ("一是…。", "2.…", "（三）…")."""
    window = doc[pos: pos + 20000]
    lines = window.split("\n")
    spans: list[tuple[int, int]] = []
    used = 0
    inline_style = None
    for sp in split_sentences(lines[0]):
        seg = lines[0][sp.start: sp.end]
        kind = _item_style(seg)
        if kind is not None and (inline_style is None or kind == inline_style):
            inline_style = kind
            seg = _item_head(seg)
        elif inline_style is not None:
            continue  # the body of the item above
        elif len(seg) > 150:
            break
        if used + len(seg) > limit_chars or len(spans) >= max_items:
            break
        spans.append((pos + sp.start, pos + sp.start + len(seg)))
        used += len(seg)
    # items on their own lines share one numbering style ("（一）" … "（十）"); the body text under
    # an item belongs to it; a heading of a higher level ("二、" under "（一）" items) ends the list
    offset = pos + len(lines[0]) + 1
    style = inline_style
    for line in lines[1:]:
        if line.strip():
            kind = _item_style(line)
            if style is None:
                if kind is None:
                    break
                style = kind
            if kind is not None and kind != style and _STYLE_RANK.get(kind, 9) < _STYLE_RANK.get(style, 9):
                break
            if kind == style:
                if len(spans) >= max_items or used > limit_chars:
                    break
                head = split_sentences(line)
                if head:
                    seg = _item_head(line[head[0].start: head[0].end])
                    spans.append((offset + head[0].start, offset + head[0].start + len(seg)))
                    used += len(seg)
        offset += len(line) + 1
    return spans


# numbering styles of enumerated items, higher levels first
_STYLES = (
    ("一、", re.compile(r"^\s*[一二三四五六七八九十]{1,2}、")),
    ("（一）", re.compile(r"^\s*[（(][一二三四五六七八九十]{1,2}[)）]")),
    ("一是", re.compile(r"^\s*[一二三四五六七八九十]是")),
    ("一要", re.compile(r"^\s*[一二三四五六七八九十]要")),
    ("第一", re.compile(r"^\s*(?:第[一二三四五六七八九十]{1,2}[，,、]|首先|其次)")),
    ("1.", re.compile(r"^\s*\d{1,2}[.、．](?!\d)")),
    ("（1）", re.compile(r"^\s*[（(]\d{1,2}[)）]")),
)
_STYLE_RANK = {name: i for i, (name, _) in enumerate(_STYLES)}


def _item_style(line: str) -> str | None:
    for name, pat in _STYLES:
        if pat.match(line):
            return name
    return None


def _introduces_list(s: Sentence) -> bool:
    """The sentence introduces a list: by a colon or "包括/如下", by "X个Y", or because what
    follows it is enumerated ("…还面临不少问题和挑战。一是…")."""
    if re.search(r"[：:]|[“\"]?[一二三四五六七八九十两几]个[\u4e00-\u9fff]{1,4}[”\"]?[。：:]?$|如下|包括", s.text):
        return True
    after = s.passage.text[s.end - s.passage.start: s.end - s.passage.start + 40].lstrip()
    return bool(_ITEM_START.match(after))


def _render(picked: list[Sentence], terms, plan, book: CitationBook, doc_text=None) -> str:
    parts = []
    covered_until: dict[str, int] = {}
    for s in picked:
        p = s.passage
        if s.end <= covered_until.get(p.doc_id, -1):
            continue  # already quoted as part of a list above
        if plan.wants_number and not plan.wants_list:
            a, b = trim_sentence(s, terms, True)
        else:
            a, b = s.start, s.end
        quote = p.text[a - p.start: b - p.start].strip().rstrip("，,；;：:。!！")
        # a list question, or a colon list that runs on over "；" ("主要预期目标是：…；…；…")
        runs_on = bool(re.search(r"[：:]", s.text)) and s.text.rstrip()[-1:] in "；;"
        if (plan.wants_list and _introduces_list(s)) or runs_on:
            doc = doc_text(p.doc_id) if doc_text else None
            items = list_items_after(doc, s.end) if doc else [
                (p.start + x, p.start + y) for x, y in list_items_after(p.text, s.end - p.start)]
            if items:
                b = items[-1][1]
                heads = [(doc[x:y] if doc else p.text[x - p.start: y - p.start]).strip().rstrip("。；;")
                         for x, y in items]
                joiner = "；" if re.search(r"[：:]", quote) else "："
                quote = quote + joiner + "；".join(heads)
                if b > p.end and doc:
                    # the list runs past the retrieved chunk: cite the passage extended to it
                    p = replace(p, end=b, text=doc[p.start:b])
                covered_until[p.doc_id] = b
        n = book.cite(p, a, b)
        # every clause of the quote carries the mark (the validator checks clause by clause)
        parts.append(re.sub(r"[；;](?=.)", f"[{n}]；", quote) + f"[{n}]")
    if plan.wants_list and len(parts) > 1:
        return "\n".join(f"{i}. {p}" for i, p in enumerate(parts, 1))
    return "；".join(parts)


def _masked_refusal(best: Sentence, book: CitationBook, label: str) -> str:
    n = book.cite(best.passage, best.start, best.end)
    who = f"{label}的" if label else ""
    return f"{NOT_FOUND}具体数字：{who}报告原文中该数据已被隐去（以 x 代替）[{n}]。"




def structure_answer(plan: QueryPlan, evidence, metas: dict[str, DocMeta], doc_text, book: CitationBook) -> Draft | None:
    """"杜桥镇今年的重点工作有哪些？": a report answers this with its own section headings
    (（一）… （二）…) of the plan part — or of the review part for 成绩/做法 questions."""
    if not (plan.wants_list and cues.STRUCTURE.search(plan.topic) and doc_text and len(evidence) == 1):
        return None
    side, passages = evidence[0]
    ids = set(side.doc_ids) or {p.doc_id for p in passages[:1]}
    if len(ids) != 1:
        return None
    meta = metas.get(next(iter(ids)))
    text = doc_text(meta.doc_id) if meta else None
    if not meta or not text or meta.plan_start is None:
        return None
    review = bool(cues.REVIEW_WORDS.search(plan.topic)) or plan.period == "reviewed" or (
        bool(plan.years) and meta.period_reviewed in plan.years and meta.period_planned not in plan.years)
    lo, hi = (0, meta.plan_start) if review else (meta.plan_start, len(text))
    heads = [sec for sec in meta.sections if lo <= sec.start < hi and sec.level == 2]
    if len(heads) < 2:
        return None
    lines = []
    for sec in heads[:10]:
        end = sec.start + len(sec.heading)
        passage = Passage(chunk_id=f"{meta.doc_id}:h{sec.start}", doc_id=meta.doc_id, file=meta.file,
                          title=meta.title, town=meta.town or "", region=meta.region or "", year=meta.year or 0,
                          section=sec.path, text=text[sec.start:end], start=sec.start, end=end, chunk_index=-1)
        n = book.cite(passage, sec.start, end)
        lines.append(f"{len(lines) + 1}. {sec.heading}[{n}]")
    label = meta.town or side.label or "该报告"
    part = "回顾部分" if review else "部署部分"
    return Draft(f"【{label}】报告{part}分为以下几个方面：\n" + "\n".join(lines), False, book.citations)


_ABOUT_LABEL = {"region": "所属地区", "reviewed": "回顾的年份", "planned": "部署工作的年份", "date": "日期",
                "publisher": "发布单位"}


def report_fact_answer(plan: QueryPlan, metas: dict[str, DocMeta], doc_text, book: CitationBook) -> Draft | None:
    """Questions about a report itself ("道滘镇属于哪个市？", "这份报告回顾的是哪一年？"), answered from
    its metadata and cited to the sentence the value was read from."""
    ids = plan.doc_ids if plan.doc_ids is not None else frozenset()
    if len(ids) != 1:
        return None
    meta = metas.get(next(iter(ids)))
    text = doc_text(meta.doc_id) if meta else None
    if not meta or not text:
        return None
    value = {"region": meta.region, "reviewed": meta.period_reviewed, "planned": meta.period_planned,
             "date": meta.date, "publisher": meta.publisher}[plan.about_report]
    if not value:
        return None
    needle = str(value)
    if plan.about_report == "region":
        needle = re.sub(r"(省|市|县|区)$", "", needle) if len(needle) > 2 else needle
    key = {"reviewed": "period_reviewed", "planned": "period_planned"}.get(plan.about_report, plan.about_report)
    source = meta.provenance.get(key, "")
    pieces = [p for q in re.findall(r"“([^”]{4,})”", source) for p in re.split(r"[\s…]+", q) if len(p) >= 6]
    pos = -1
    for piece in sorted(pieces, key=len, reverse=True):  # the sentence the rule read
        pos = text.find(piece)
        if pos >= 0:
            break
    if pos < 0:
        pos = text.find(needle)
    if pos < 0:
        return None
    spans = split_sentences(text)
    span = next((sp for sp in spans if sp.start <= pos < sp.end), None)
    if span is None:
        return None
    passage = Passage(chunk_id=f"{meta.doc_id}:meta", doc_id=meta.doc_id, file=meta.file, title=meta.title,
                      town=meta.town or "", region=meta.region or "", year=meta.year or 0, section="",
                      text=text[span.start: span.end], start=span.start, end=span.end, chunk_index=-1)
    n = book.cite(passage, span.start, span.end)
    label = meta.town or (plan.sides[0].label if plan.sides and plan.sides[0].label else "该报告")
    what = _ABOUT_LABEL[plan.about_report]
    shown = f"{value}年" if plan.about_report in ("reviewed", "planned") else str(value)
    quote = passage.text.strip().rstrip("。；;")
    # the value is metadata read from the cited sentence (possibly inferred, e.g. from an
    # anniversary), so it is shown as a label and the sentence is the evidence
    return Draft(f"【{label}】{what}：【{shown}】，依据原文：{quote}[{n}]", False, book.citations)


def extractive_answer(
    plan: QueryPlan,
    evidence: list[tuple[Side, list[Passage]]],
    *,
    index: BM25Index,
    metas: dict[str, DocMeta],
    policy: AnswerPolicy | None = None,
    doc_text=None,
) -> Draft:
    """``doc_text(doc_id) -> str`` lets a list run past the retrieved chunk (optional)."""
    policy = policy or AnswerPolicy.fitted()
    book = CitationBook()
    terms = key_terms(plan, index)
    if plan.unknown_places:
        names = "、".join(plan.unknown_places)
        known = sorted({m.entity for m in metas.values() if m.entity})
        anon = sum(1 for m in metas.values() if not m.entity)
        shown = "、".join(known[:30]) + (f" 等 {len(known)} 个地区/单位" if len(known) > 30 else "")
        have = shown + (f" 及 {anon} 份未署名的报告" if anon else "")
        return Draft(f"{NOT_FOUND}{names}：已导入的报告中没有{names}的报告，不能用其他地区的数字代替（现有：{have}）。",
                     True, [])
    if plan.about_report and doc_text is not None:
        draft = report_fact_answer(plan, metas, doc_text, book)
        if draft is not None:
            return draft
    if not plan.comparison:
        draft = structure_answer(plan, evidence, metas, doc_text, book)
        if draft is not None:
            return draft
    if not terms:
        return Draft("请具体说明想了解的内容，例如“某镇去年的工业产值是多少？”", True, [])

    if plan.comparison and len(evidence) >= 2:
        rows: list[ComparisonRow] = []
        lines = []
        for side, passages in evidence:
            side_plan = plan
            if side.years or side.intent:  # a year's side asks for that year (and a target or an outcome)
                side_plan = replace(plan, years=side.years or plan.years, intent=side.intent or plan.intent,
                                    explicit_intent=side.intent or plan.explicit_intent)
            scored = score_sentences(side_plan, passages, terms, metas)
            picked = choose_sentences(side_plan, scored, terms, AnswerPolicy(policy.min_coverage, 2, 1))
            label = _side_label(side, metas, scored[0] if scored else None)
            if side.missing:
                rows.append(ComparisonRow(label, f"{NOT_FOUND}（{side.missing}）", []))
                lines.append(f"【{label}】{rows[-1].answer}")
                continue
            if picked and plan.wants_number and has_masked_number(picked[0].text) and not [
                q for q in find_quantities(picked[0].text) if not re.fullmatch(r"20\d\d", q.text)
            ]:
                picked = []
            if picked:
                cell = _render(picked, terms, replace(plan, wants_list=False), book)
                nums = [int(x) for x in re.findall(r"\[(\d+)\]", cell)]
                rows.append(ComparisonRow(label, cell, nums))
            else:
                rows.append(ComparisonRow(label, NOT_FOUND, []))
            lines.append(f"【{label}】{rows[-1].answer}")
        refused = all(r.answer == NOT_FOUND for r in rows)
        if len(rows) > 6 and not refused:
            # a question over many reports lists those that answer, and counts the silent ones
            silent = sum(r.answer == NOT_FOUND for r in rows)
            keep = [i for i, r in enumerate(rows) if r.answer != NOT_FOUND]
            rows, lines = [rows[i] for i in keep], [lines[i] for i in keep]
            if silent:
                lines.append(f"（另有 {silent} 份报告未提及）")
        if refused:
            return Draft(f"{NOT_FOUND}：各份报告都没有关于“{plan.topic}”的内容。", True, [], rows)
        return Draft("\n".join(lines), False, book.citations, rows)

    side, passages = evidence[0] if evidence else (Side("", frozenset()), [])
    scored = score_sentences(plan, passages, terms, metas)
    picked = choose_sentences(plan, scored, terms, policy)
    label = _side_label(side, metas, scored[0] if scored else None)
    if not picked:
        what = f"【{label}】" if label else ""
        hint = ""
        if scored and scored[0].coverage >= 0.4:
            s = scored[0]
            n = book.cite(s.passage, s.start, s.end)
            hint = f"相关内容：{s.text.rstrip('。；;')}[{n}]。"
        topic = plan.topic.strip("？?。 ") or plan.question
        msg = f"{NOT_FOUND}{what}“{topic}”。" + (f"\n{hint}" if hint else "")
        return Draft(msg, True, book.citations)
    if plan.wants_number:
        best = picked[0]
        real = [q for q in find_quantities(best.text) if not re.fullmatch(r"20\d\d", q.text)]
        if has_masked_number(best.text) and not real:
            return Draft(_masked_refusal(best, book, label), True, book.citations)
    body = _render(picked, terms, plan, book, doc_text)
    prefix = f"【{label}】" if label else ""
    if prefix and "\n" in body:
        prefix += "\n"
    return Draft(prefix + body, False, book.citations)
