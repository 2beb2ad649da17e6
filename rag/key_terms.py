"""The question's key terms (content words with rarity weights and synonyms) and how a text matches them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rag.query_plan import QueryPlan
from rag.bm25_index import BM25Index
from rag.text import cues
from rag.text.indicators_vocab import load_vocab
from rag.text.lexicon import synonyms_in
from rag.text.tokens import in_dictionary, occurs_as_word, search_tokens, to_simplified, written_apart


_QUESTION_WORD = re.compile(r"多(?:大|少|高|长|远|重|宽|深)")


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


def _terms_for(text: str, index: BM25Index, scale: float) -> list[KeyTerm]:
    topic = to_simplified(text)
    # a question word is cut out before segmenting, so it does not glue to the word it asks about
    # ("多大面积" is 多大 + 面积, not 多 + 大面积)
    # ... and so is a phrase asking how far along something is ("进行到哪一步了": no topic words)
    asked = cues.ASKS_PROGRESS.sub("，", _QUESTION_WORD.sub("，", cues.ASKS_GAP.sub("，", topic)))
    words = [t for t in search_tokens(asked, bigrams=False) if not re.fullmatch(r"[\d.%]+", t)]
    tokens = []
    for t in _reread_unknown(_regroup(words, index), index):
        if t not in tokens and not cues.is_question_word(t) and t not in cues.SPOKEN_FILLERS:
            tokens.append(t)
    low = topic.lower()
    found = synonyms_in(low)
    # a number that is a name the reports know by other words ("12345" for 市民服务热线)
    tokens += [key for key, _ in found if key.isdigit() and key not in tokens]
    tokens, phrase_weights = _everyday_phrases(tokens, found, index)
    if not tokens:
        # "主要目标有哪些？": the question word *is* the topic
        tokens = [t for t in dict.fromkeys(words) if t in cues.TOPICAL_QUESTION_WORDS]
    idfs = [index.idf(t) for t in tokens]
    known = [x for x in idfs if x > 0]
    median = sorted(known)[len(known) // 2] if known else 1.0
    share = bool(cues.ASKS_SHARE.search(topic))
    rates: list[str] = []
    terms = []
    for t, idf in zip(tokens, idfs):
        alts = {t}
        for key, syns in found:
            if t in key or key in t:
                syns = [to_simplified(x).lower() for x in syns]
                # the question writes an official term holding the everyday word ("高标准农田" holds
                # 农田): that term is what it asks, not the word's other official readings (耕地)
                written = [x for x in syns if x != key and key in x and x in low]
                # ... and its abbreviation, its characters taken in order ("棚改" for 棚户区改造)
                alts.update(written + [x for x in syns if any(_abbreviates(x, w) for w in written)] if written else syns)
        alts.update(a for alt in tuple(alts) for a in _written_forms(alt))
        if (len(t) == 1 and t not in alts - {t}) or t in cues.LINKING_WORDS:
            weight = 0.3  # a linking word ("其中出口呢？") marks a part asked, and names nothing of it
        elif idf < 0:
            # a word no report uses: it still counts (so an absent topic is refused), at median weight
            has_alt = any(index.idf(a) > 0 for a in alts if a != t)
            weight = median if not has_alt else median * 1.2
        else:
            weight = max(idf, 0.3)
        weight = max(weight, phrase_weights.get(t, 0.0))
        if share and 2 <= len(t) <= 4 and t not in _SHARE_WORDS and re.fullmatch(r"[\u4e00-\u9fff]+", t):
            rate = f"{t[-2:]}率"  # "财政赤字" -> 赤字率
            alts.add(rate)  # "多大比例给解决了": what the reports write 解决率
            rates.append(rate)
        terms.append(KeyTerm(t, weight * scale, tuple(sorted(alts))))
    if rates:  # the share asked is held by the rate the reports write for it
        terms = [KeyTerm(t.token, t.weight, tuple(sorted(set(t.alternatives) | set(rates))))
                 if t.token in _SHARE_WORDS else t for t in terms]
    return _either_or(terms, low)


_SHARE_WORDS = frozenset(("比例", "比率", "占比"))
_OR = re.compile(r"或者|或是|或|还是")
_WORD_AFTER = re.compile(r"[\u4e00-\u9fff]{2,6}?(?=[的了等有是？?，,。\s]|$)")


def _either_or(terms: list[KeyTerm], topic: str) -> list[KeyTerm]:
    """Words joined by 或/还是 ("什么经验或工作法", "公园或者广场") are alternatives: the term
    written before 或 also matches the word after it, which is no term of its own (nor is a
    piece cut from it, "法" of 工作法)."""
    for m in _OR.finditer(topic):
        left = max((t for t in terms if topic[: m.start()].endswith(t.token)), key=lambda t: len(t.token), default=None)
        if left is None:
            continue
        after = topic[m.end():]
        right_term = max((t for t in terms if t is not left and after.startswith(t.token)),
                         key=lambda t: len(t.token), default=None)
        word = _WORD_AFTER.match(after)
        written = word.group() if word else ""
        # the term after 或 when it spans the word written there, else that word as written ("工作法")
        whole = right_term is not None and len(right_term.token) >= len(written)
        right = right_term.token if whole else written
        if not right:
            continue
        extra = set(right_term.alternatives) if whole else set()
        merged = KeyTerm(left.token, max(left.weight, right_term.weight if extra else 0.0),
                         tuple(sorted(set(left.alternatives) | {right} | extra)))
        terms = [merged if t is left else t for t in terms if t is left or t.token not in right]
    return terms


def _everyday_phrases(tokens: list[str], found: list[tuple[str, tuple[str, ...]]],
                      index: BM25Index) -> tuple[list[str], dict[str, float]]:
    """An everyday phrase the segmenter broke into fragments ("交的税" -> 交 / 税: a piece of one
    character) is one term: what the question asks is the phrase's official term (税收), not each
    piece. Returns the tokens and each phrase's weight: its pieces' together, so that joining them
    does not lighten what the question asks. ``found``: the everyday words of the question
    (:func:`synonyms_in`)."""
    weights: dict[str, float] = {}
    for key, _ in found:
        if len(key) < 2 or key in tokens or cues.is_question_word(key):
            continue
        pieces = [t for t in tokens if t in key]
        if len(pieces) >= 2 and any(len(t) == 1 for t in pieces) and not any(key in t for t in tokens):
            at = tokens.index(pieces[0])
            tokens = [t for t in tokens if t not in pieces]
            tokens.insert(min(at, len(tokens)), key)
            weights[key] = sum(0.3 if len(t) == 1 else max(index.idf(t), 0.3) for t in pieces)
    return tokens, weights


def _abbreviates(short: str, full: str) -> bool:
    """``short`` is an abbreviation of ``full``: shorter, its characters taken from it in order,
    beginning with its first ("棚改" of 棚户区改造, "高企" of 高新技术企业)."""
    if not (2 <= len(short) < len(full)) or short[0] != full[0]:
        return False
    rest = iter(full)
    return all(ch in rest for ch in short)


@lru_cache(maxsize=1)
def _surface_forms() -> dict[str, tuple[str, ...]]:
    """Each indicator's names as reports write it ("国内生产总值" for 地区生产总值, its growth
    "国内生产总值增长"), from the indicator vocabulary's surface forms."""
    out: dict[str, list[str]] = {}
    for surface in load_vocab()["surfaces"]:
        for name in surface["names"]:
            if "total" in surface:
                out.setdefault(surface["total"], []).append(name)
            if "growth" in surface and "total" in surface:
                out.setdefault(surface["growth"], []).append(f"{name}增长")
    return {k: tuple(dict.fromkeys(to_simplified(v).lower() for v in vs if len(v) >= 3)) for k, vs in out.items()}


def _written_forms(alternative: str) -> tuple[str, ...]:
    """An indicator named as an alternative is also found under the names reports write it by."""
    return _surface_forms().get(alternative, ())


def _regroup(words: list[str], index: BM25Index) -> list[str]:
    """The segmenter may cut a word the reports use across two tokens ("那小升|规定" for
    "那|小升规|定"): a token no report uses is re-read together with the next one, keeping the
    longest run of three or more characters the reports use as a word (leftover single
    characters are dropped)."""
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if i + 1 < len(words) and len(w) >= 2 and index.idf(w) < 0:
            joined = w + words[i + 1]
            best = None
            for a in range(len(w)):
                for b in range(len(joined), len(w), -1):  # the run reaches into the next token
                    if b - a >= 3 and (best is None or b - a > best[1] - best[0]) and index.idf(joined[a:b]) > 0:
                        best = (a, b)
                        break
            if best:
                a, b = best
                out.extend(p for p in (joined[:a], joined[a:b], joined[b:]) if len(p) >= 2 or p == joined[a:b])
                i += 2
                continue
        out.append(w)
        i += 1
    return out


def _reread_unknown(words: list[str], index: BM25Index) -> list[str]:
    """A spoken-style word no report uses ("税和费", "减了") is read as its parts around the
    particles and conjunctions it holds ("税", "费"; "减"), when the reports use those parts; a
    two-character token that neither the reports nor the segmenter's dictionary know is dropped."""
    out = []
    for w in words:
        if len(w) == 2 and index.idf(w) < 0 and not in_dictionary(w) and not synonyms_in(w):
            continue  # a guess across the seam of two words ("多少人|新找到" -> "人新"): no word at all
        parts = [p for p in cues.PARTICLES.split(w) if p]
        if len(w) >= 2 and parts != [w] and index.idf(w) < 0 and parts and all(index.idf(p) > 0 for p in parts):
            out.extend(parts)
        else:
            out.append(w)
    return out


def _written_apart(term: KeyTerm, text_low: str) -> bool:
    """An official term of two words written apart in one clause, its subject first ("粮食播种面积
    3.1万亩，总产量1.35万吨" for 粮食产量): a synonym of an everyday phrase ("打粮食") is found so too."""
    return any(written_apart(alt, text_low) for alt in term.alternatives[1:])


def term_matches(term: KeyTerm, text_low: str) -> bool:
    """The term (or a synonym) occurs in the text as itself, not as the tail of a combined name
    ("出口" is not in "进出口总额")."""
    return any(occurs_as_word(a, text_low) for a in term.alternatives)


def term_credit(term: KeyTerm, text_low: str) -> float:
    """1 for an exact (or synonym) match; partial for a long word whose characters mostly occur
    ("刑事案件" vs "刑事发案数"), so a paraphrase is not mistaken for an absent topic."""
    if term_matches(term, text_low):
        return 1.0
    if _written_apart(term, text_low):
        return 0.8
    word = term.token
    if len(word) < 3:
        return 0.0
    bigrams = [word[i: i + 2] for i in range(len(word) - 1)]
    bigram_share = sum(occurs_as_word(b, text_low) for b in bigrams) / len(bigrams)
    char_share = sum(ch in text_low for ch in word) / len(word)
    if bigram_share == 0:
        return 0.0
    credit = max(bigram_share, 0.8 * char_share)
    return credit if credit >= 0.5 else 0.0
