"""Choosing the sentences that answer (the figure asked, the refusal threshold, a list or a fact)
and trimming a long one to the clauses that carry the answer."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from rag.answer_weights import AnswerPolicy
from rag.key_terms import KeyTerm, term_credit, term_matches
from rag.query_plan import QueryPlan
from rag.sentence_measure import (asked_role, counted_from, measure_near_figure, measure_term, measured_phrase,
                                  names_asked_in, restates, states_only_a_change)
from rag.sentence_scoring import Sentence, asked_text, asks_quantity, introduces_list, real_quantities
from rag.table_question import indicators_named
from rag.text import cues, places
from rag.text.indicators import extract_indicators
from rag.text.indicators_vocab import load_vocab
from rag.text.lexicon import expand_terms
from rag.text.numbers import Quantity, cn_to_number, find_quantities
from rag.text.sentences import COMMA_CLAUSE
from rag.text.tokens import names_a_measure, names_beyond, occurs_as_word, proper_names, to_simplified, written_apart
from rag.text.units import asked_dimension, is_money_unit, same_dimension, unit_dimension

_CLAUSE = COMMA_CLAUSE
def choose_sentences(plan: QueryPlan, scored: list[Sentence], terms: list[KeyTerm],
                     policy: AnswerPolicy, accept: Callable[[Sentence], bool] | None = None,
                     levels: dict[str, str | None] | None = None,
                     not_reports: frozenset[str] = frozenset()) -> list[Sentence]:
    """The sentence(s) that answer, best first in report order; none when the best candidate does
    not answer: ``accept(best)`` decides (the fitted answer gate), else its coverage against the
    policy's threshold. ``levels`` (each report's level): a figure of a territory wider than the
    report's own (全市 in a district's report) does not answer a figure asked of the report's entity.
    ``not_reports``: documents that are no report (news items): the indicator vocabulary does not
    speak for their figures, so a figure answers only beside the words naming what is measured."""
    question = asked_text(plan)
    asks_span = bool(cues.ASKS_SPAN.search(question))
    if plan.within:  # a place asked about inside another issuer's report: only a sentence naming it
        scored = [s for s in scored if places.mentions(plan.within, s.text)]
    if asks_figure(plan):
        measure = measure_term(question, terms) if not_reports else None
        phrase = measured_phrase(question, terms) if not_reports else []
        opposites = cues.opposites_asked(question)
        scored = [s for s in scored if (kind := figures_of_kind_asked(plan, s.text, s.passage.doc_id in not_reports))
                  and (asks_span or not cues.SPAN_PARAGRAPH.match(s.opening) or _level_at_span_end(plan, s, kind))
                  and figure_coverage(s, terms, kind) >= policy.min_figure_coverage
                  and (measure is None or s.passage.doc_id not in not_reports
                       or measure_near_figure(s.text, measure, kind))
                  and (len(phrase) < 2 or s.passage.doc_id not in not_reports  # every qualifier written
                       or all(t.token in s.matched or _in_headline(t, s) for t in phrase))
                  and not (levels and _of_wider_territory(s.text, levels.get(s.passage.doc_id), question))
                  and not cues.writes_only_the_opposite(opposites, s.text)]
    if not_reports:
        names = proper_names(plan.standalone or plan.question)
        scored = [s for s in scored if s.passage.doc_id not in not_reports or names_asked_in(s, names, terms)]
        if not asks_figure(plan) and (role := asked_role(question, terms)) is not None:
            # who or which is asked of a role ("季军是哪支球队", "机长是谁"): a sentence of a news item
            # answers only when it names that role (or its headline does), not a holder of another
            scored = [s for s in scored if s.passage.doc_id not in not_reports
                      or term_credit(role, to_simplified(s.text).lower()) >= 0.5 or _in_headline(role, s)]
        if cues.ASKS_WHO.search(question):
            # who is asked: a sentence of a news item answers only when it names someone the question
            # does not ("中国体育代表团以40枚金牌…" gives no one for "首枚金牌是由谁获得的")
            asked = plan.standalone or plan.question
            scored = [s for s in scored if s.passage.doc_id not in not_reports or names_beyond(s.text, asked)]
    if cues.ASKS_TOP.search(question) and not plan.comparison and any(cues.TELLS_TOP.search(s.text) for s in scored):
        # which one is the most, asked of one document: the sentence telling the first of an order
        scored = [s for s in scored if cues.TELLS_TOP.search(s.text)]
    # a glossary entry explains its term: it answers only a question naming that term
    scored = [s for s in scored if not _glossary_of_another_term(s.text, plan.standalone or plan.question)]
    if cues.ASKS_FROM_TO.search(question) and any(cues.FROM_TO.search(s.text) for s in scored):
        # a figure before and after a change asked: the sentence writing both answers, not one
        # giving the latest figure alone ("高铁里程突破3400公里" for "从多少公里增加到了多少公里")
        scored = [s for s in scored if cues.FROM_TO.search(s.text)]
    if (part := cues.PART_OF_YEAR.search(question)) and not cues.PART_OF_YEAR.search(question, part.end()):
        # a quarter or a half asked: only a sentence naming it answers, never the whole year's figure
        scored = [s for s in scored if part.group(1) in s.text]
    if cues.ASKS_DATE.search(question) and not plan.wants_list and not plan.comparison:
        # when asked ("哪一年出版", "什么时候动工"): a sentence telling no date or time does not answer
        scored = [s for s in scored if cues.TELLS_WHEN.search(s.text)]
    if cues.ASKS_WHO_WHAT.search(question) and not plan.wants_list:
        # a sentence adding nothing but a verb to the question's words ("2023年诺贝尔文学奖揭晓")
        # restates it; the one that answers names the person, place or thing asked — or, when a
        # figure is asked ("哪年更高？各是多少？"), gives the figure
        wants_figure = asks_figure(plan)
        scored = [s for s in scored if not restates(plan.standalone or plan.question, s.text)
                  or (wants_figure and figures_of_kind_asked(plan, s.text))]
    if plan.explicit_intent == "target" and not plan.comparison:
        # a target asked outright ("定的目标是多少", "打算提高到多少"): a sentence of the review part
        # that states no target tells an outcome, which is never the answer
        scored = [s for s in scored if not s.features.get("target_outside_plan")]
    if not scored:
        return []
    def answers(s: Sentence) -> bool:
        return accept(s) if accept is not None else s.coverage >= policy.min_coverage

    best = scored[0]
    if not answers(best):
        # a list asked: the list's introduction may be ranked below a sentence sharing a word or two
        # with the question ("（一）推动实体经济稳健发展。" under its figures); the first of the next
        # two that answers leads the list
        best = next((s for s in scored[1:_LIST_LEADS] if answers(s)), None) if plan.wants_list else None
        if best is None:
            return []
    picked = [best]
    if plan.wants_list and introduces_list(best):
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


_LIST_LEADS = 3  # a list's lead is looked for among the best three


def _glossary_of_another_term(text: str, question: str) -> bool:
    """The sentence is a glossary entry ("13.“IT+低碳”智慧园区：指…") of a term the question does not name."""
    m = cues.GLOSSARY_ENTRY.match(text)
    if not m:
        return False
    term = to_simplified(m.group("q") or m.group("t")).lower()
    return term not in to_simplified(question).lower()


def _in_headline(term: KeyTerm, s: Sentence) -> bool:
    """The term is written in the headline of the sentence's news item, which names what every
    sentence of it is about ("白鹤滩水电站全部机组投产发电": 白鹤滩 need not be repeated)."""
    return bool(s.passage.title) and term_matches(term, to_simplified(s.passage.title).lower())


def asks_figure(plan: QueryPlan) -> bool:
    """The question asks for one figure (an amount, a rate, a count), not a list or a reason."""
    question = asked_text(plan)
    return bool((asks_quantity(plan) or cues.ASKS_RATE.search(question) or cues.ASKS_AMOUNT.search(question))
                and not plan.wants_list and not cues.ASKS_REASON.search(question))


def figure_coverage(s: Sentence, terms: list[KeyTerm], quantities: list | None = None) -> float:
    """How much of the question the clause holding a figure speaks of (the best of the sentence's
    figures, or of ``quantities``: those of the kind asked): the clause itself, or with the clause
    before it, which often names what the figure counts ("开展“慈善一日捐”活动，募捐资金32万元")
    unless it gives a figure of its own ("城镇新增就业239.2万人，农村劳动力外出务工1610万人次")."""
    weights = s.term_weights or {t.token: t.weight for t in terms}
    total = sum(weights.values()) or 1.0
    clauses = [(m.start(), m.end()) for m in _CLAUSE.finditer(s.text)]
    best = 0.0
    for q in real_quantities(s.text) if quantities is None else quantities:
        i = next((k for k, (a, b) in enumerate(clauses) if a <= q.start < b), None)
        if i is None:
            continue
        # the clause before names what the figure counts when it gives no figure of its own, or
        # when the figure's clause names nothing but the change ("…68.9亿元,同比增长6.14%")
        starts = counted_from(s.text, clauses, i, q.start)
        for lo in starts:
            best = max(best, _clause_coverage(s.text[clauses[lo][0]: clauses[i][1]], terms, weights) / total)
    return best


def _clause_coverage(text: str, terms: list[KeyTerm], weights: dict) -> float:
    """The weight of the question's words the clause holds; a unit of money asked ("多少亿元") is
    held by nearly any amount, so it counts for none."""
    low = to_simplified(text).lower()
    return sum(weights.get(t.token, t.weight) * term_credit(t, low) for t in terms if not is_money_unit(t.token))


def fits_figure_asked(plan: QueryPlan, text: str) -> bool:
    """The figure asked for is the kind the sentence gives: a growth or a rate is a per cent (or
    倍/个百分点); an amount or a level is a number that is not a per cent."""
    return bool(figures_of_kind_asked(plan, text))


def figures_of_kind_asked(plan: QueryPlan, text: str, news: bool = False) -> list:
    """The sentence's figures of the kind asked (a per cent, 倍 or 个百分点 for a growth or a rate;
    a number that is not a per cent for an amount), a total or average over several years left out
    unless a span is asked. ``news``: the sentence is a news item's, which tells one period — its
    累计 totals that period (a holiday, a half-year), not years."""
    question = asked_text(plan)
    quantities = real_quantities(text)
    rate = bool(cues.ASKS_RATE.search(question))
    amount = bool(cues.ASKS_AMOUNT.search(question))
    whole = cues.ASKS_SHARE_OF.sub("", question)
    if whole != question:  # a share of a whole: a rate, whatever the whole is called
        rate, amount = True, bool(cues.ASKS_AMOUNT.search(whole))
    if not cues.ASKS_SPAN.search(question) and (plan.years or plan.period or plan.intent != "target" or rate):
        # a total or an average over several years answers no single year's figure (an amount planned
        # with no year nor 今年 asks no single year's: "打算拿出多少钱" — "三年安排450亿元")
        quantities = [q for q, span in zip(quantities, _spans(text, quantities, news)) if not span]
    if plan.years:  # a figure its own clause dates to another year is that year's
        quantities = [q for q in quantities if not _dated_elsewhere(text, q, plan.years)]
    if not cues.ASKS_RANK.search(question):  # "第19届", "第11次": an ordinal counts nothing
        quantities = [q for q in quantities if not text[:q.start].endswith("第")]
    else:  # a place in an order asked: an ordinal answers, in Chinese numerals too ("第四位", "居全国第二")
        quantities = quantities + _ordinals_in_words(text)
    if (few := cues.ASKS_HOW_MANY_KINDS.search(question)) and not cues.ASKS_RANK.search(question):
        # "推行了几大制度", "分为几类": a count written in words before the same word answers ("八大")
        quantities = quantities + _counts_in_words(text, few.group(1))
    if cues.ASKS_STOCK.search(question) and not cues.ASKS_ADDED.search(question):
        # how many there are in all ("累计建成了多少所", "总数"): the year's additions ("新建20所") are not
        quantities = [q for q in quantities
                      if not cues.ADDED_BEFORE_FIGURE.search(_clause_before(text, q.start).split("、")[-1])]
    # a figure of another dimension than the unit asked ("多少亿吨" — "78万户", "多少亿元" — "5年")
    # measures something else
    dimension = asked_dimension(question)
    if dimension == "duration":  # a time asked ("多长时间内"): reports write short ones in words ("两年内")
        quantities = quantities + _durations_in_words(text)
    quantities = [q for q in quantities if same_dimension(dimension, unit_dimension(text[q.end:]))]
    if dimension != "date" and not cues.ASKS_WHEN.search(question):  # a date answers only "什么时候"
        quantities = [q for q in quantities if unit_dimension(text[q.end:]) != "date"]
    quantities = _not_of_a_near_indicator(plan.topic or plan.question, text, quantities)
    quantities = _not_the_other_half(plan.topic or plan.question, text, quantities)
    quantities = _per_person_if_asked(plan.topic or plan.question, text, quantities)
    quantities = _of_the_named_indicator(plan.topic or plan.question, text, quantities)
    if not cues.SPEAKS_OF_DAY.search(question):
        # a day's figure ("单日最高客运量分别达1409万人次") is no year's amount
        quantities = [q for q in quantities if not cues.DAY_FIGURE.search(_clause_before(text, q.start))]
    if not rate and not amount and not cues.SPEAKS_OF_CHANGE.search(question):
        # a level asked ("PM2.5平均浓度是多少"): a per cent written right after a verb of change is
        # how much it changed ("较“十三五”末改善16.5%"), not the level (a count after such a verb,
        # "改造提升1200多座", is what was done)
        quantities = [q for q in quantities if not (q.percent or re.match(r"\s*个百分点", text[q.end:]))
                      or not cues.CHANGE_BEFORE_FIGURE.search(text[max(0, q.start - 6): q.start])]
    if rate and not amount and cues.ASKS_RANK.search(question):
        # a place in an order asked of a rate ("增速在全县排第几"): the ordinal answers, not the rate
        return [q for q in quantities if not q.percent] or quantities
    if rate and not amount:
        # a change asked ("涨了多少") is also answered by the amount written right after the change
        # verb ("每月提高183元"); a growth rate asked ("增速", "百分之几") only by a per cent
        change = bool(cues.ASKS_CHANGE.search(question))
        return [q for q in quantities if q.percent or re.match(r"\s*(?:倍|个百分点)", text[q.end:])
                or re.search(r"(?:倍|个百分点)", q.text)
                or (change and cues.CHANGE_AMOUNT_BEFORE.search(text[max(0, q.start - 6): q.start]))]
    if amount and not rate:  # a per cent, 倍 or 个百分点 is a change, never an amount
        return [q for q in quantities if not q.percent and not re.match(r"\s*(?:倍|个百分点)", text[q.end:])]
    return quantities


def _clause_before(text: str, at: int) -> str:
    """The text of the clause holding position ``at``, up to it."""
    stops = [m.end() for m in re.finditer(r"[，,；;。：:]", text[:at])]
    return text[(stops[-1] if stops else 0): at]


def _dated_elsewhere(text: str, q, years) -> bool:
    """The figure's own clause dates it to another year than those asked ("机场按照2025年旅客吞吐量
    7200万人次…设计" asked of 2023; "2023年国内生产总值…，增长5.2%" asked of 2024: a clause stating
    only the change is of the one before); a year named as a change's baseline ("比2022年增长") does not."""
    stops = [0] + [m.end() for m in re.finditer(r"[，,；;。：:]", text[: q.start])]
    clause_start = stops[-1]
    if clause_start and text[clause_start - 1] in "，," and states_only_a_change(text, clause_start, q.start):
        clause_start = stops[-2]  # a clause stating only the change ("…，增长5.2%") is of the one before
    lead = cues.BASELINE_NAMED.sub("", text[clause_start: q.start])
    named = {int(y) for y in cues.YEAR_IN_TEXT.findall(lead)}
    return bool(named) and not named & set(years)


_ORDINAL_WORDS = re.compile(r"第([一二三四五六七八九十]{1,3})")


def _counts_in_words(text: str, word: str) -> list[Quantity]:
    """Counts written in Chinese numerals right before ``word`` ("八大" for 大, "三类" for 类)."""
    return _numerals(re.finditer(r"(?<![第\d])([一二三四五六七八九十两]{1,3})" + re.escape(word), text))


_DURATION_WORDS = re.compile(r"(?<![第\d一二三四五六七八九十两])([一二三四五六七八九十两]{1,3})(?=(?:个)?(?:年|月|天|周|小时)(?![级度]))")


def _durations_in_words(text: str) -> list[Quantity]:
    """Times written in Chinese numerals before their unit ("两年内", "三个月", "用五年时间")."""
    return _numerals(_DURATION_WORDS.finditer(text))


def _ordinals_in_words(text: str) -> list[Quantity]:
    return _numerals(_ORDINAL_WORDS.finditer(text), written=0)


def _numerals(matches, written: int = 1) -> list[Quantity]:
    """A quantity for each number written in Chinese numerals (group 1 of each match; ``written``:
    the group the quantity is written as)."""
    out = []
    for m in matches:
        value = cn_to_number(m.group(1))
        if value is not None:
            out.append(Quantity(m.group(written), float(value), False, m.start(1), m.end(1)))
    return out


def _not_of_a_near_indicator(question: str, text: str, quantities: list) -> list:
    """A figure the sentence gives as a near indicator's — the same measure of another scope
    ("调查失业率5%左右" when 城镇登记失业率 is asked, 农村 when 城镇居民人均可支配收入 is) — is not
    the asked one's, unless the question names it only by a wider word that the other's name holds
    ("失业率"). Read from the question's own words (a follow-up's earlier topic may name another
    indicator); a question naming several indicators asks for each."""
    named = indicators_named(question)
    if not named:
        return quantities
    asked = {_stem(n) for _, names in named for n in names}
    phrases = [phrase for phrase, _ in named]
    statements = _indicator_statements(text)
    near = [(a, b) for a, b, name in statements
            if _stem(name) not in asked and any(_same_measure(_stem(name), x) for x in asked)
            and not any(p in f for p in phrases for f in _forms_of(name))]
    # an indicator measured per the asked one ("单位国内生产总值能耗": energy per unit of 国内生产总值)
    # measures something else
    near += [(a, b) for a, b, name in statements
             if _stem(name) not in asked and any(x in _stem(name)[1:] and not _same_measure(_stem(name), x)
                                                 for x in asked)]
    return [q for q in quantities if not any(a <= q.start and q.end <= b for a, b in near)]


# the halves of a whole a report or a release gives side by side (城镇 and 农村 residents, 进口 and 出口)
_HALVES = (("城镇", "农村"), ("城镇", "乡村"), ("城市", "农村"), ("进口", "出口"), ("存款", "贷款"), ("男性", "女性"))


@lru_cache(maxsize=256)
def _halves_asked(question: str) -> tuple[tuple[str, str], ...]:
    """(the half asked, the other half) for each pair the question names one half of (read once per
    question, not once per candidate sentence)."""
    words = to_simplified(question) + " " + " ".join(expand_terms(question))
    return tuple((a, b) for x, y in _HALVES for a, b in ((x, y), (y, x))
                 if occurs_as_word(a, words) and not occurs_as_word(b, words))


def _not_the_other_half(question: str, text: str, quantities: list) -> list:
    """A figure whose clause names only the other half of a pair the question names one half of
    ("其中农村居民人均可支配收入…20793元" when 城里人 — 城镇居民 — is asked, "进口17.99万亿元" when
    出口 is) is the other half's. The question is read with its everyday words' official terms."""
    pairs = _halves_asked(question)
    if not pairs or not quantities:
        return quantities
    against: dict[str, set[str]] = {}
    for asked, other in pairs:
        against.setdefault(other, set()).add(asked)
    low = to_simplified(text)
    clauses = [(m.start(), m.end()) for m in _CLAUSE.finditer(low)]
    kept = []
    for q in quantities:
        i = next((k for k, (x, y) in enumerate(clauses) if x <= q.start < y), None)
        a, b = clauses[i] if i is not None else (0, len(low))
        if i and states_only_a_change(low, a, q.start):
            a = clauses[i - 1][0]  # a clause stating only the change ("…，下降0.3%") is of the one before
        clause = low[a:b]
        # the half asked under any of its names (农村 or 乡村, both set against 城镇) keeps the figure
        if not any(occurs_as_word(other, clause) and not any(occurs_as_word(a, clause) for a in asked)
                   for other, asked in against.items()):
            kept.append(q)
    return kept


_PER_PERSON = re.compile(r"(人均|户均|每人|每个人|每位|每户|平均每人|平均每个人|平均每户|平均一人|一人一年)")


def _per_person_if_asked(question: str, text: str, quantities: list) -> list:
    """A figure per person asked ("人均国内生产总值", "平均每人…") is not the whole's ("国内生产总值
    126万亿元"): only a figure counted per person or household answers it — its clause says so, or
    the nearest clause before it holding a figure does ("人均…70892元，按年平均汇率折算达到1万美元")."""
    if not quantities or not _PER_PERSON.search(to_simplified(question)):
        return quantities
    low = to_simplified(text)
    clauses = [(m.start(), m.end()) for m in _CLAUSE.finditer(low)]
    starts = [q.start for q in real_quantities(text)]
    figured = [k for k, (x, y) in enumerate(clauses) if any(x <= start < y for start in starts)]
    def per_person(k: int) -> bool:
        return bool(_PER_PERSON.search(low[slice(*clauses[k])]))

    kept = []
    for q in quantities:
        i = next((k for k, (x, y) in enumerate(clauses) if x <= q.start < y), None)
        before = [k for k in figured if i is not None and k < i]
        if i is None or per_person(i) or (before and per_person(before[-1])):
            kept.append(q)
    return kept


def _of_the_named_indicator(question: str, text: str, quantities: list) -> list:
    """When the question names an indicator of the vocabulary, a sentence that never writes that
    indicator's name (or one of its synonyms, maybe with a one-character qualifier inside) answers
    only with the figures the indicator extractor reads as that indicator's. A figure beside a neighbouring quantity ("有进出口实绩的企业数量增长7%"
    for 进出口总额, "农民就地就近就业856万人" for 城镇新增就业, "工业产值" for 工业增加值) is another
    measure."""
    named = indicators_named(question)
    if not named or not quantities:
        return quantities
    asked = {_stem(n) for _, names in named for n in names}
    # the indicator's other names count when the question itself names it by one of them; named by
    # its own name ("城镇新增就业"), a looser word the vocabulary lists for it ("就业岗位") is another measure
    forms = {f for p, names in named for n in names
             for f in ((_stem(n).upper(),) if _stem(p) == _stem(n) else _forms_of(_stem(n)))} | {p for p, _ in named}
    low = to_simplified(text).upper()
    if any(_written_in(f, low) for f in forms):
        return quantities
    stated = [(a, b) for a, b, name in _indicator_statements(text) if _stem(name) in asked]
    return [q for q in quantities if any(a <= q.start and q.end <= b for a, b in stated)]


def _written_in(name: str, text: str) -> bool:
    """The name is written in the text, maybe with a qualifier of one character set inside it
    (财政总收入 for 财政收入, 进出口贸易总额 for 进出口总额 — not 工业产值 for 工业增加值)."""
    if name in text or bool(_loose_name(name).search(text)):
        return True
    return written_apart(name, text)  # "粮食播种面积3.1万亩，总产量1.35万吨" for 粮食产量


@lru_cache(maxsize=1024)
def _loose_name(name: str) -> re.Pattern:
    return re.compile("[^，,。；;、：:]?".join(re.escape(c) for c in name))


def _stem(name: str) -> str:
    return name.removesuffix("增长")  # an indicator and its growth are one indicator here


def _same_measure(a: str, b: str) -> bool:
    """Two indicator names ending in the same measure of two characters or more (失业率, 可支配收入)."""
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n >= 2


@lru_cache(maxsize=4096)
def _indicator_statements(text: str) -> tuple[tuple[int, int, str], ...]:
    return tuple((m.start, m.end, m.indicator) for m in extract_indicators(text, report_year=None))


@lru_cache(maxsize=256)
def _forms_of(name: str) -> tuple[str, ...]:
    info = load_vocab()["indicators"].get(name, {})
    return tuple(n.upper() for n in (name, *info.get("synonyms", ())))


def _spans(text: str, quantities: list, news: bool = False) -> list[bool]:
    """Whether each figure is a span's (a total or average over years): marked before it in its
    clause ("年均增长16.3%"), or one of a run joined by 、/和 whose first figure is
    ("分别年均增长16.3%、11.2%、17.4%")."""
    out: list[bool] = []
    for i, q in enumerate(quantities):
        joined = i > 0 and re.fullmatch(r"\s*[、和及与]\s*", text[quantities[i - 1].end: q.start])
        out.append(out[-1] if joined else _span_figure(text[: q.start], news) or _in_a_span_told(text[: q.start]))
    return out


def _span_figure(before: str, news: bool = False) -> bool:
    """The figure's clause marks it as a span's ("五年…", "年均增长"); 年均 before a noun is the
    yearly mean of a measure ("PM2.5年均浓度降至24微克/立方米"), one year's level; in a news item,
    累计 totals the period it tells ("清明假期民航旅客运输量累计485.9万人次")."""
    m = cues.SPAN_FIGURE.search(before)
    return bool(m) and not (m.group(1) == "年均" and names_a_measure(before[m.end(1):])) and not (
        news and m.group(1) == "累计")


def _level_at_span_end(plan: QueryPlan, s: Sentence, kind: list) -> bool:
    """A paragraph looking back on several years gives, besides the span's totals, the levels reached
    at its end ("五年来，…人均预期寿命达到82.58岁"): such a level is the last reviewed year's (the
    year before the report's), so it answers that year's level, never a plan nor another year."""
    if (plan.period == "planned" or any(y != s.passage.year - 1 for y in plan.years)
            or not cues.PAST_SPAN_OPENING.match(s.opening) or cues.HORIZON_YEAR.search(s.text)):
        return False
    for q in kind:
        clause = _clause_before(s.text, q.start)
        if cues.LEVEL_REACHED.search(clause.rstrip()) and not cues.SPAN_COUNT_WORD.search(clause):
            return True
    return False


def _in_a_span_told(before: str) -> bool:
    """A clause opening with a span of years ("五年生产原煤65亿吨，…，保供电煤20亿吨"), or giving
    averages over the years ("工业、消费等年均增速高于全国，粮食总产稳定在1100亿斤以上"), tells the
    clauses after it in that sentence too, until one names a single year ("…，2025年增长5.4%")."""
    opening = None
    for m in _CLAUSE.finditer(before):
        # a clause giving averages over the years ("…年均增速高于全国，") tells the span too
        if cues.SPAN_OPENING.match(before, m.start()) or any(
                not names_a_measure(m.group()[a.end():]) for a in re.finditer("年均", m.group())):
            opening = m.start()
    return opening is not None and not cues.SINGLE_YEAR_NAMED.search(before, opening + 2)


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
        if any(term_matches(t, low) for t in terms if t.weight >= 0.5):
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
        if growth or (find_quantities(nxt) and any(term_matches(t, low) for t in terms)):
            last += 1
        else:
            break
    a, b = clauses[first][0], clauses[last][1]
    return s.start + a, s.start + b


_LEVEL_ORDER = [lvl for lvl, _ in cues.SELF_LEVEL]  # national first


def _of_wider_territory(text: str, level: str | None, question: str) -> bool:
    """Every figure of the sentence is a wider territory's, and the question does not ask of one
    ("在全国…排第几" asks of the nation's ranking)."""
    if wider_scope_share(text, level) < 1.0:
        return False
    return not any(pat.search(question) for _, pat in cues.SELF_LEVEL[: _LEVEL_ORDER.index(level)])


def wider_scope_share(text: str, level: str | None) -> float:
    """The share of the sentence's figures whose clause names a territory wider than the report's
    own before the figure ("城镇登记失业率远低于全市3%控制线" in a district's report: the city's
    line, not the district's rate; "…提高至842元/月、…超过全国平均水平" stays the report's own)."""
    if level not in _LEVEL_ORDER:
        return 0.0
    wider = [pat for lvl, pat in cues.SELF_LEVEL[: _LEVEL_ORDER.index(level)]]
    figures = real_quantities(text)
    if not figures or not wider:
        return 0.0
    starts = [m.start() for m in _CLAUSE.finditer(text)]
    hits = 0
    for q in figures:
        lead = text[max([a for a in starts if a <= q.start], default=0): q.start]
        hits += any(p.search(lead) for p in wider)
    return hits / len(figures)
