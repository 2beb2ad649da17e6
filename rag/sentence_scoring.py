"""Scoring the sentences of retrieved passages against the question: what is measured of each
candidate (coverage of the key terms, a figure, plan vs review part, the year) and its weighted score."""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field

from rag.answer_weights import sentence_weights
from rag.key_terms import KeyTerm, term_credit, term_matches
from rag.query_plan import QueryPlan
from rag.text import cues
from rag.text.indicators_time import years_told
from rag.text.indicators_vocab import load_vocab
from rag.text.numbers import find_quantities
from rag.text.review_stretches import SPAN, YEAR, stretch_at
from rag.text.sentences import split_sentences
from rag.text.tokens import opening_name, search_tokens, shared_wording, to_simplified
from rag.types import DocMeta, Passage


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
    following: str = ""  # the report's text right after the sentence (past the passage when known)
    opening: str = ""  # how the sentence's paragraph opens ("五年来，…"), when its start is known
    term_weights: dict = field(default_factory=dict)  # each question term's weight for this sentence's report


def real_quantities(text: str) -> list:
    """Figures in a sentence other than calendar years, and other than the number of a name
    written with Latin letters before it ("PM2.5", "PM_2.5", "C919", "MU9191") or after it
    ("5G基站", "4A级景区", "8K"), unless those letters are a unit ("10km")."""
    return [q for q in find_quantities(text) if not re.fullmatch(r"(19|20)\d\d", q.text)
            and not re.search(r"[A-Za-z][-_]?$", text[max(0, q.start - 2): q.start])
            and not _LATIN_NAME_AFTER.match(text, q.end)
            and not (q.start <= 1 and _ITEM_LABEL.match(text))]


# the number labelling an item at the start of a sentence ("4.深入实施…", "（4）…", "4、…"): no figure
_ITEM_LABEL = re.compile(r"^[（(]?\d{1,2}(?:[.．、](?!\d)|[）)])")


# Latin letters right after a number name something ("5G", "4A级", "3D打印") unless they are a unit
_LATIN_NAME_AFTER = re.compile(r"(?!(?:km|kg|kwh|kw|mw|gw|gb|tb|pb|mbps|gbps|cm|mm|ml|m|t|l)(?![A-Za-z]))[A-Za-z]",
                               re.IGNORECASE)


def asks_quantity(plan: QueryPlan) -> bool:
    """The question wants a figure, so a sentence without one cannot answer it."""
    return bool(cues.ASKS_QUANTITY.search(asked_text(plan)))


def asked_text(plan: QueryPlan) -> str:
    """The words that say what kind of answer is asked: the question's topic, and for a follow-up
    without a question word of its own ("那第二年（2022年）呢？") the previous question's topic."""
    topic = plan.topic or plan.question
    if plan.context_topic and not (cues.ASKS_QUANTITY.search(topic) or cues.ASKS_RATE.search(topic)
                                   or cues.ASKS_AMOUNT.search(topic)):
        return f"{topic} {plan.context_topic}"
    return topic


_FOLLOWING_CHARS = 40


def split_passage(p: Passage, doc: str | None = None) -> list[Sentence]:
    """The passage's sentences; with the report's text (``doc``), the text following the last
    sentence is read past the passage's end (a chunk may end on a list's introduction)."""
    out = []
    for sp in split_sentences(p.text):
        text = p.text[sp.start: sp.end]
        following = p.text[sp.end: sp.end + _FOLLOWING_CHARS]
        end = p.start + sp.end
        if doc is not None and len(following.strip()) < 10 and doc[end - len(text): end] == text:
            following = doc[end: end + _FOLLOWING_CHARS]
        out.append(Sentence(p, p.start + sp.start, end, text, following=following,
                            opening=_paragraph_opening(p, p.start + sp.start, doc)))
    return out


_OPENING_CHARS = 16
_LEAD_CHARS = 60  # a line this short, one sentence, leads the paragraph after it


def _paragraph_opening(p: Passage, start: int, doc: str | None) -> str:
    """The first characters of the paragraph holding document offset ``start``: read in the
    report's text when given, else in the passage when the paragraph starts inside it."""
    if doc is not None and p.start <= start <= len(doc):
        head = doc.rfind("\n", 0, start) + 1
        lead = doc.rfind("\n", 0, max(head - 1, 0)) + 1
        line = doc[lead: head].rstrip()
        if 0 < len(line) <= _LEAD_CHARS and line.endswith("。") and line.count("。") == 1 and not re.search(r"\d", line):
            # a paragraph led by a line of its own, one sentence without figures ("这五年，我们…民生福祉
            # 得到新改善。"), opens with it
            return doc[lead: lead + _OPENING_CHARS]
        return doc[head: head + _OPENING_CHARS]
    cut = p.text.rfind("\n", 0, start - p.start)
    return p.text[cut + 1: cut + 1 + _OPENING_CHARS] if cut >= 0 or p.chunk_index == 0 else ""


def _is_plan_context(s: Sentence, meta: DocMeta | None) -> bool:
    """Is the sentence in the part of the report that plans the year ahead?"""
    if meta is not None and meta.plan_start is not None:
        return s.start >= meta.plan_start
    return bool(cues.PLAN_SECTION.search(s.passage.section.split(" > ")[0] if s.passage.section else ""))


def states_target(text: str, *, estimate_is_outcome: bool = False) -> bool:
    """A target or plan ("力争…", "目标是…"), not an achievement ("完成三年目标"). With
    ``estimate_is_outcome`` (a sentence of the review part), "预计全年实现…" is the year's outcome as
    the report could know it when it was delivered, not a target."""
    for m in cues.TARGET_IN_TEXT.finditer(text):
        if estimate_is_outcome and m.group(1) == "预计":
            continue
        if m.group(1) == "目标" and cues.GOAL_PURSUED.search(text[: m.start()]) and re.match(r"[，,、。；;]", text[m.end(): m.end() + 1]):
            continue  # "围绕“…”的奋斗目标，": the goal pursued, named; no target is set here
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
    if not meta.is_report:
        # a document with no plan part (a news item) tells what happened and what was forecast:
        # a sentence whose figures are all of years not asked is another year's (when a figure, not a
        # date, is asked); a forecast ("此前预计…", "将达到…") is never the outcome asked ("实际…"),
        # nor an outcome the target or forecast asked ("预期目标是多少")
        told = years_told(sentence_text) if plan.wants_number and not cues.ASKS_WHEN.search(asked_text(plan)) else set()
        if years and told and not told & years:
            return False
        if plan.explicit_intent == "actual":
            return not states_target(sentence_text)
        if plan.explicit_intent == "target":
            return states_target(sentence_text)
    if years and plan.explicit_intent == "actual" and meta.period_planned in years and meta.period_reviewed not in years:
        return False
    if years and plan.explicit_intent == "target" and meta.period_reviewed in years and meta.period_planned not in years:
        return False
    part = asked_part(plan, meta)
    if part == "span":
        return not states_target(sentence_text, estimate_is_outcome=True)
    if part == "review":
        return not plan_ctx and not states_target(sentence_text, estimate_is_outcome=True)
    if part == "plan":
        # a target stated outside the plan part counts when the plan part is unknown, or when it
        # names the planned year ("2026年的目标是…"): the review's own targets are the year before's
        return plan_ctx or (cue and (meta.plan_start is None or f"{meta.period_planned}年" in sentence_text))
    return True


def span_asked(question: str) -> tuple[int, int] | str | None:
    """The span of years a question asks about: a five-year plan's years ("“十四五”期间" ->
    (2021, 2025)), "past" for the years just looked back on ("这五年", "过去五年", "五年来")."""
    m = cues.PLAN_NAME.search(question)
    if m:
        years = load_vocab()["plans"].get(m.group(0))
        return (years[0], years[1]) if years else None
    return "past" if cues.PAST_SPAN_ASKED.search(question) else None


@lru_cache(maxsize=16)
def _plan_name(span: tuple[int, int] | None) -> str | None:
    """The name of the five-year plan of these years ("十四五" for 2021–2025)."""
    if not span:
        return None
    return next((name for name, years in load_vocab()["plans"].items() if tuple(years) == tuple(span)), None)


def _stretch(s: Sentence, meta: DocMeta, doc: str | None) -> str:
    """The stretch of a report looking back on five years that the sentence is in (YEAR, SPAN), or ""."""
    if doc is None or not meta.reviewed_span or doc[s.start: s.end] != s.text:
        return ""
    return stretch_at(doc, s.start, _plan_name(tuple(meta.reviewed_span)))


def in_the_years_stretch(s: Sentence, meta: DocMeta, doc: str | None) -> bool:
    """A sentence of the stretch where a report looking back on five years tells its last year alone,
    giving no figure of the span itself ("年均", "累计", "由…增至…"): it cannot answer a question about
    the five years."""
    if cues.SPAN_FIGURE.search(s.text) or cues.FROM_TO.search(s.text):
        return False
    return _stretch(s, meta, doc) == YEAR


def in_the_spans_stretch(s: Sentence, meta: DocMeta, doc: str | None) -> bool:
    """A sentence of the stretch where a report tells the five years it looks back on, not naming
    the year it reviews ("2025年", "全年"): its figures are the span's, not that year's."""
    if f"{meta.period_reviewed}年" in s.text or re.search(r"全年|过去一年|一年来", s.text):
        return False
    return _stretch(s, meta, doc) == SPAN


def asked_part(plan: QueryPlan, meta: DocMeta | None) -> str | None:
    """The part of the report a figure asked for must come from: "review" for the year it
    reviews (去年, or that year named), "plan" for the year it plans, "span" for the span of years
    it looks back on (its outcomes, never its targets); None when any part may answer."""
    if meta is None or not plan.wants_number:
        return None
    years = set(plan.years)
    span = span_asked(asked_text(plan)) if not years else None
    if span is not None:
        # the span a report looks back on: its outcomes, wherever they are told (a report may look
        # back on its five years in the same chapter that opens the next five)
        return "span" if meta.reviewed_span and span in ("past", tuple(meta.reviewed_span)) else None
    if (meta.period_reviewed in years and meta.period_planned not in years) or (
            not years and plan.period == "reviewed"):
        return "review"
    if (meta.period_planned in years and meta.period_reviewed not in years) or (
            not years and plan.period == "planned"):
        return "plan"
    return None


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
        mentioned = {int(y) for y in cues.YEAR_IN_TEXT.findall(s.text)}
        if mentioned & set(plan.years):
            f["year_named"] = 1.0
        elif mentioned:
            f["other_year_named"] = 1.0
        if meta.period_planned in plan.years and meta.period_reviewed not in plan.years:
            f["planned_year_in_plan" if (plan_ctx or cue) else "planned_year_in_review"] = 1.0
        elif meta.period_reviewed in plan.years and meta.period_planned not in plan.years:
            f["reviewed_year_in_plan" if plan_ctx else "reviewed_year_in_review"] = 1.0
    if cues.HEADING_ONLY.match(s.text):
        f["heading_only"] = 1.0
    if plan.wants_list and introduces_list(s):
        f["list_intro"] = 1.0
    dense = s.passage.scores.get("dense") if s.passage.scores else None
    if dense is not None:
        f["passage_dense"] = float(dense)
    return f


def _term_weights(terms: list[KeyTerm], vocab: frozenset[str] | None, absent_weight: float) -> dict[str, float]:
    """Each term's weight in the coverage of one report's sentences: a word the report never uses
    counts ``absent_weight`` of its weight."""
    if vocab is None or absent_weight == 1.0:
        return {t.token: t.weight for t in terms}
    return {t.token: t.weight * (1.0 if report_uses(t, vocab) else absent_weight) for t in terms}


def report_uses(term: KeyTerm, vocab: frozenset[str]) -> bool:
    """The report uses the term: the word itself, or one of its official alternatives, which the
    report's tokens may spell in parts ("人均预期寿命" is 人均/预期/寿命 in the index)."""
    if term.token in vocab:
        return True
    return any(a in vocab or all(w in vocab for w in _parts(a)) for a in term.alternatives)


@lru_cache(maxsize=4096)
def _parts(word: str) -> tuple[str, ...]:
    return tuple(search_tokens(word)) or (word,)


def _without_headline_words(weights: dict[str, float], terms: list[KeyTerm], meta: DocMeta | None) -> dict[str, float]:
    """In a document that is no report (a news item), the words its headline shares with the
    question name what every sentence of it is about — like a report's issuer — not what is asked:
    they do not count in a sentence's coverage, unless they are all the question has."""
    if meta is None or meta.is_report or not meta.title:
        return weights
    title = to_simplified(meta.title).lower()
    kept = {k: (0.0 if term_matches(t, title) else weights[k]) for t in terms for k in (t.token,)}
    return kept if any(kept.values()) else weights


def absent_share(terms: list[KeyTerm], vocab: frozenset[str] | None) -> float:
    """The share of the question's word weight that the report never uses (the asker's own words)."""
    if vocab is None:
        return 0.0
    total = sum(t.weight for t in terms) or 1.0
    return sum(t.weight for t in terms if not report_uses(t, vocab)) / total


def score_sentences(
    plan: QueryPlan, passages: list[Passage], terms: list[KeyTerm], metas: dict[str, DocMeta], doc_text=None,
    *, vocab: dict[str, frozenset[str]] | None = None, absent_weight: float = 1.0,
) -> list[Sentence]:
    """Every sentence of the passages that may answer, scored (best first). ``doc_text(doc_id)``
    (optional) lets a sentence see what follows it past its passage; ``vocab`` (each report's
    words) lets a word its report never uses count ``absent_weight`` of its weight."""
    weights = sentence_weights()
    out: list[Sentence] = []
    for rank, p in enumerate(passages):
        meta = metas.get(p.doc_id)
        tw = _term_weights(terms, vocab.get(p.doc_id) if vocab is not None else None, absent_weight)
        tw = _without_headline_words(tw, terms, meta)
        total = sum(tw.values()) or 1.0
        prev_low = ""
        doc = doc_text(p.doc_id) if doc_text else None
        part = asked_part(plan, meta)
        sentences = split_passage(p, doc)
        for i, s in enumerate(sentences):
            low = to_simplified(s.text).lower()
            if len(s.text) < 6:
                prev_low = low
                continue
            if cues.INSTRUCTION.search(s.text):
                prev_low = low
                continue  # report text addressing the reader with instructions is data, never an answer
            # words of the sentence before count at 0.7: "台风利奇马…。…派出3000多人" answers both
            # unless it names its own subject ("美国队同样获得…" after "中国体育代表团以…")
            carried = 0.0 if prev_low and opening_name(s.text) else 0.7
            credits = {t.token: max(term_credit(t, low), carried * term_credit(t, prev_low)) for t in terms}
            prev_low = low
            matched = frozenset(k for k, v in credits.items() if v >= 0.5)
            coverage = sum(tw[t.token] * credits[t.token] for t in terms) / total
            plan_ctx = _is_plan_context(s, meta)
            cue = states_target(_paragraph_lead(s))
            if not _fits_period(plan, meta, plan_ctx, cue, s.text):
                continue
            if part == "span" and in_the_years_stretch(s, meta, doc):
                continue
            if part == "review" and in_the_spans_stretch(s, meta, doc):
                continue
            nxt = sentences[i + 1].text if i + 1 < len(sentences) else ""
            feats = sentence_features(plan, s, rank, meta, coverage, plan_ctx, cue, bool(real_quantities(nxt)))
            s.features = feats
            s.score = sum(weights.get(k, 0.0) * v for k, v in feats.items())
            s.coverage, s.matched, s.term_weights = coverage, matched, tw
            out.append(s)
    out.sort(key=lambda s: -s.score)
    return _ties_by_wording(out, plan.standalone or plan.question)


def _ties_by_wording(scored: list[Sentence], question: str) -> list[Sentence]:
    """Sentences of one passage scored alike (the same words matched, one through synonyms) in the
    order of how much of the question's own wording each repeats: the report's term written as
    the question writes it ("地方一般公共预算收入") before its older or wider name ("公共财政收入").
    Sentences of different passages keep the retrieval's order."""
    out, i = [], 0
    while i < len(scored):
        j = i + 1
        while (j < len(scored) and abs(scored[j].score - scored[i].score) < 1e-9
               and scored[j].passage.chunk_id == scored[i].passage.chunk_id):
            j += 1
        run = scored[i:j]
        if len(run) > 1:
            run = sorted(run, key=lambda s: -shared_wording(question, s.text))
        out += run
        i = j
    return out


def introduces_list(s: Sentence) -> bool:
    """The sentence introduces a list: by a colon or "包括/如下", by "X个Y", or because what
    follows it is enumerated ("…还面临不少问题和挑战。一是…")."""
    if re.search(r"[：:]|[“\"]?[一二三四五六七八九十两几]个[\u4e00-\u9fff]{1,4}[”\"]?[。：:]?$|如下|包括", s.text):
        return True
    if cues.FIELD_HEADING.match(s.text) and s.following.strip() and not s.following.startswith("\n"):
        return True  # a field's heading run into its paragraph: the sentences after it are its items
    return bool(cues.ITEM_START.match(s.following.lstrip())) or _leads_its_paragraph(s)


_TOPIC_SENTENCE = 16  # a paragraph's topic sentence is short: "扎实办好民生实事。", "基层治理方面。"


def _leads_its_paragraph(s: Sentence) -> bool:
    """A short sentence without figures that opens a paragraph going on after it ("扎实办好民生实事。
    提高农村最低生活保障标准。为10万名残疾人…"): its topic, the paragraph's sentences its items."""
    text = s.text.strip()
    return (len(text) <= _TOPIC_SENTENCE and not re.search(r"\d", text) and bool(s.opening)
            and text.startswith(s.opening.strip()[: min(len(text), 6)])
            and bool(s.following.strip()) and not s.following.startswith("\n"))
