"""Query analysis: which reports, towns and years a question is about, and what it asks.

The catalogue of ingested reports (their metadata) is the gazetteer: a town is recognised by
its name with or without 镇/乡/街道, a county/city by its name with or without 市/县/区 (and
then stands for all its towns). Follow-ups inherit the previous turn's reports and subject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.query_plan import Intent, QueryPlan, Side
from rag.question_asks import (about_report_kind, content_tokens, explicit_intent, own_years, question_period,
                               question_topic, question_years, without_baseline)
from rag.question_places import (find_description, find_regions, find_towns, place_stem, unknown_divisions,
                                 unknown_places, written_parents)
from rag.report_routing import (comparison_sides, docs_for, outcome_reports, route_doc_ids, single_side,
                                 target_outcome_sides, title_years)
from rag.text import cues, places
from rag.text.tokens import degree_adverb_at, to_simplified
from rag.types import DocMeta


@dataclass
class _Reading:
    """What has been read of the question so far, filled in step by step by analyse_question."""

    q: str
    towns: list[str]
    regions: list[str]
    years: list[int]
    report_years: list[int]
    period: str
    found: tuple[str, str] | None = None  # (description, phrase): "提到京东区域总部的那个镇"
    unknown: list[str] = field(default_factory=list)
    other_documents: frozenset[str] | None = None  # an unknown place asked of the documents that are no report
    described: str = ""
    described_phrase: str = ""
    described_docs: frozenset[str] = frozenset()  # the report(s) described: one, or the anonymised ones
    notes: list[str] = field(default_factory=list)
    n_subjects: int = 0
    comparison: bool = False
    target_vs_outcome: bool = False
    intent: Intent = "any"
    explicit: str = ""  # the target or outcome the question names outright
    topic: str = ""
    followup: bool = False
    context_topic: str = ""
    inherited_doc_ids: frozenset[str] | None = None
    inherited_sides: tuple[Side, ...] = ()
    own_years: dict[str, tuple[list[int], list[int]]] = field(default_factory=dict)  # "A2023年和B2020年"
    within: list[str] = field(default_factory=list)  # places asked about inside the source report


def analyse_question(
    question: str,
    catalogue: list[DocMeta],
    *,
    previous: QueryPlan | None = None,
    town_filter: tuple[str, ...] = (),
    year_filter: tuple[int, ...] = (),
    resolve_description=None,
) -> QueryPlan:
    """Build the query plan.

    ``resolve_description(text, exclude_doc_ids) -> doc_id | None`` finds a report by what it
    says ("提到京东区域总部的那个镇"); it is only consulted when the question has such a phrase.
    """
    by_id = {m.doc_id: m for m in catalogue}
    r = _read_subjects(question.strip(), catalogue, describes=resolve_description is not None)
    _read_unknown_places(r, catalogue)
    if r.found:
        _resolve_described(r, catalogue, by_id, resolve_description)
    _read_intent(r)
    _read_topic(r)
    if previous is not None and not r.unknown:
        _carry_over(r, previous, by_id)
    if town_filter:
        r.towns = [t for t in r.towns if t in town_filter] or list(town_filter)
    if year_filter:
        r.years = list(year_filter)
    doc_ids = route_doc_ids(catalogue, by_id, towns=r.towns, regions=r.regions, years=r.years,
                            report_years=r.report_years, described_docs=r.described_docs, comparison=r.comparison,
                            inherited_doc_ids=r.inherited_doc_ids, town_filter=town_filter, year_filter=year_filter)
    if r.other_documents is not None:
        doc_ids = set(r.other_documents) & (doc_ids if doc_ids is not None else set(r.other_documents))
    elif not (r.towns or r.regions or r.described_docs or r.unknown or r.inherited_doc_ids is not None):
        doc_ids = _of_the_level_spoken_of(r.q, catalogue, doc_ids)
    if (r.intent == "any" or r.explicit == "actual") and not r.period and not r.report_years:
        doc_ids = outcome_reports(doc_ids, r.years, by_id)  # the outcome asked, or no word of a target
    speaks_from_today = r.period or cues.ASKS_NOW.search(r.q) or cues.THIS_YEARS_REPORT.search(r.q)
    if doc_ids and speaks_from_today and not (r.years or r.report_years or r.comparison or r.described_docs
                                              or r.inherited_doc_ids):
        doc_ids = newest_reports(doc_ids, by_id)
    sides = _sides(r, catalogue, by_id, doc_ids)
    if r.comparison and r.own_years and not r.inherited_sides:
        # each side's own year picked its reports; no year is shared by the sides
        doc_ids = set().union(*(s.doc_ids for s in sides))
        r.years, r.report_years = [], []
    if doc_ids:
        r.topic = without_self_reference(r.topic, [by_id[d] for d in doc_ids if d in by_id])
    return _plan(r, doc_ids, sides)


def _of_the_level_spoken_of(q: str, catalogue: list[DocMeta], doc_ids: set[str] | None) -> set[str] | None:
    """A question naming no place that speaks of its issuer by level ("该镇", "镇里", "本市") asks
    about a report of that level: the others are no candidates (when the library holds such reports)."""
    level = cues.issuer_level(q)
    if level is None:
        return doc_ids
    of_level = {m.doc_id for m in catalogue if m.level == level and m.is_report}
    kept = of_level & doc_ids if doc_ids is not None else of_level
    return kept or doc_ids


def newest_reports(doc_ids: set[str], by_id: dict[str, DocMeta]) -> set[str]:
    """"今年", "去年", "现在" with no year named speak from today: of an issuer's several reports,
    the newest is the one they mean (its plan is this year's, its review last year's)."""
    newest: dict[str, int] = {}
    for d in doc_ids:
        m = by_id.get(d)
        if m is not None and m.entity and m.year:
            newest[m.entity] = max(newest.get(m.entity, 0), m.year)
    return {d for d in doc_ids if (m := by_id.get(d)) is None or not m.entity or not m.year
            or m.year == newest[m.entity]}


def without_self_reference(topic: str, metas: list[DocMeta]) -> str:
    """The topic without the words a report uses for its own territory ("全区" asked of a district's
    report, "全省" of a province's) or the asker calls its issuer by ("镇政府", "该镇"): like the
    issuer's name, they name what every passage of the report is about, not what is asked. A wider
    territory's word ("全市" asked of a district) stays."""
    levels = {m.level for m in metas if m.level}
    if len(levels) != 1:
        return topic
    level = levels.pop()
    words = [pat for lvl, pat in (*cues.SELF_LEVEL, *cues.ISSUER_LEVEL_WORDS) if lvl == level]
    if level == "province" and all((m.entity or "").endswith("自治区") for m in metas):
        words.append(re.compile(r"全区|我区"))  # an autonomous region calls itself 全区
    for pat in words:
        topic = pat.sub(" ", topic)
    return topic


def _read_subjects(q: str, catalogue: list[DocMeta], *, describes: bool) -> _Reading:
    """The issuers, regions and years the question names, and a report it describes by what it says."""
    period = question_period(q)
    named = find_towns(q, catalogue)
    named, within = _source_and_within(q, named)
    towns = [t for _, t in named]
    regions = [x for _, x in find_regions(q, catalogue) if not any(place_stem(x) in t for t in towns)]
    years, report_years = question_years(q)
    r = _Reading(q, towns, regions, years, report_years, period, own_years=own_years(q, named), within=within)
    r.found = find_description(q) if describes else None
    if describes and r.found is None and (title := _TITLE_NAMED.search(q)):
        r.found = (f"《{title.group(1)}》", title.group(0))  # a report named by its title: "《镇人民政府2023年政府工作报告》里的那个xx镇"
    if r.found and (towns or regions):
        _place_words_of_description(r)
    if describes and r.found is None and (ph := _PLACEHOLDER_PLACE.search(q)):
        r.found = (_ANONYMISED, ph.group(0))  # "xx镇": the report whose place is written xx
    if r.found:  # years inside a description describe the report, they do not date the data
        r.years, r.report_years = question_years(q.replace(r.found[1], " "))
    return r


# a place written as the placeholder an anonymised report writes for it ("xx镇", "XX市", "××镇",
# "某镇"): that report
_PLACEHOLDER_PLACE = re.compile(r"(?<![A-Za-z])(?:xx|XX|Xx|××|＊＊|\*\*|X|某)(?:镇|乡|街道|县|区|市)")
_ANONYMISED = "（匿名）"

# a report named by its title in 《》, with what the question calls its issuer ("里的那个xx镇")
_TITLE_NAMED = re.compile(r"《([^》]{4,40}?(?:报告|总结|思路))》(?:里|中)?(?:的那个(?:xx|XX|某|X+)?[镇乡县区市省]?)?")


def _source_and_within(q: str, named: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], list[str]]:
    """"深圳市2020年政府工作报告里，2019年南山区PM2.5年均浓度是多少？": the issuer named with a report
    is the source; one other issuer named after that report, not compared with it, is what is asked
    about inside the source's report — its own reports are not consulted."""
    if len(named) != 2 or cues.COMPARISON.search(q):
        return named, []
    (pos, source), (pos2, inner) = named
    form = next((f for f in (source, places.strip_suffix(source), place_stem(source)) if q.startswith(f, pos)), source)
    m = _SOURCE_REPORT.match(q, pos + len(form))
    if not m or pos2 < m.end() or re.search(r"[和与及跟、]\s*$", q[m.end():pos2]):
        return named, []
    return [(pos, source)], [inner]


_SOURCE_REPORT = re.compile(r"(?:市|省|区|县|镇)?\s*(?:(?:19|20)\d\d\s*年)?(?:的|度)?(?:政府)?(?:工作)?报告")


def _place_words_of_description(r: _Reading) -> None:
    """"临海的那个镇" is a place the catalogue knows, not a description; in "引进京东浙江区域总部的
    那个镇" the place words belong to the description, not to the subjects."""
    found = r.found
    rest = cues.YEAR_NAMED.sub("", found[0])
    rest = re.sub(r"^(?:据|根据|按照|按|看|在)", "", rest)
    # "三地的报告", "两省的报告": the places already named, counted — not a report described
    rest = re.sub(r"[一二三四五六七八九十两几各这那]+个?(?:地|省|市|区|县|镇|乡|街道|家|份)", "", rest)
    for n in sorted(r.towns + r.regions, key=len, reverse=True):
        for form in (n, places.strip_suffix(n), place_stem(n)):
            rest = rest.replace(form, "")
    if len(re.findall(r"[\u4e00-\u9fff]", rest)) < 2:
        r.found = None  # "临海的那个镇": a place the catalogue knows, not a description
    else:  # "引进京东浙江区域总部的那个镇": the place words belong to the description
        r.towns = [t for t in r.towns if t not in found[0] and places.strip_suffix(t) not in found[0]]
        r.regions = [x for x in r.regions if x not in found[0] and places.strip_suffix(x) not in found[0]
                     and place_stem(x) not in found[0]]


def _read_unknown_places(r: _Reading, catalogue: list[DocMeta]) -> None:
    """Places the question names that no ingested report is about (with their parents)."""
    asked = r.q.replace(r.found[1], " ") if r.found else r.q
    unknown = unknown_places(asked, catalogue, r.towns)
    known = {n for m in catalogue for n in (m.entity, m.region, *m.parent) if n}
    known |= {places.strip_suffix(n) for n in known} | written_parents(asked, catalogue, r.towns)
    for place in unknown_divisions(asked, known):
        if not any(place.endswith(u) or u.endswith(place) or u in place for u in unknown):
            unknown.append(place)
        else:  # the town-like name found above, now with its parents
            unknown = [place if (place.endswith(u) or u in place) else u for u in unknown]
    others = frozenset(m.doc_id for m in catalogue if not m.is_report)
    if unknown and others:
        # no report is about the place, but documents that are no report (news items) may tell of
        # it: it is asked of them alone, never of another place's report
        r.other_documents, unknown = others, []
    r.unknown = unknown


def _resolve_described(r: _Reading, catalogue: list[DocMeta], by_id: dict[str, DocMeta],
                       resolve_description) -> None:
    """The report the description points at, or none (then the description is dropped)."""
    described, described_phrase = r.found
    exclude = docs_for(catalogue, towns=r.towns) if r.towns else set()
    if described == _ANONYMISED:
        # the anonymised report(s) of the placeholder's level: several are told apart by the year the
        # question names, as the report or its title dates it; when that leaves several, all of them
        # (never a report that names its place)
        level = places.level_of_name(described_phrase)
        hidden = [m for m in catalogue if m.town_anonymised and m.doc_id not in exclude
                  and (level is None or m.level in (None, level))]
        asked = {y for years in question_years(r.q) for y in years}
        dated = [m for m in hidden if asked & ({m.year, m.period_reviewed, m.period_planned} | title_years(m))]
        described_docs = frozenset(m.doc_id for m in (dated or ([] if asked and len(hidden) > 1 else hidden)))
    elif described.startswith("《"):
        # a title names one report, or none: it is never resolved by its words (many titles share them)
        titled = [m.doc_id for m in catalogue if m.title and to_simplified(m.title) == to_simplified(described[1:-1])
                  and m.doc_id not in exclude]
        described_docs = frozenset(titled[:1]) if len(titled) == 1 else frozenset()
    else:
        found = resolve_description(described, exclude)
        described_docs = frozenset({found}) if found else frozenset()
    if described_docs and described == _ANONYMISED:
        described = described_phrase  # what the question calls it ("xx镇")
    if described_docs:
        files = "、".join(sorted(by_id[d].file for d in described_docs if d in by_id))
        r.notes.append(f"按描述“{described}”定位到报告 {files}")
    else:
        described, described_phrase = "", ""
    r.described, r.described_phrase, r.described_docs = described, described_phrase, described_docs
    if described_docs and r.towns:
        _years_of_the_description(r)


def _years_of_the_description(r: _Reading) -> None:
    """A year written in brackets right after the description of a report compared with named
    places ("杜桥镇2019年和提到XX的那个镇（2023年报告回顾的那一年）") dates that report, which the
    description already found: it is not a year of the places named."""
    at = r.q.find(r.described_phrase) if r.described_phrase else -1
    if at < 0:
        return
    m = re.match(r"\s*[（(]([^（）()]*)[）)]", r.q[at + len(r.described_phrase):])
    if not m:
        return
    data, report = question_years(m.group(1))
    named = set(data) | set(report)
    outside = question_years(r.q.replace(m.group(0), " ", 1))
    r.years = [y for y in r.years if y not in named or y in outside[0]]
    r.report_years = [y for y in r.report_years if y not in named or y in outside[1]]


def _compares(q: str) -> bool:
    """The question compares (cues.COMPARISON), 比较 read as the verb: as the degree adverb before an
    adjective ("存在哪些比较突出的问题") it compares nothing."""
    return any(not (m.group() == "比较" and degree_adverb_at(q, m.start())) for m in cues.COMPARISON.finditer(q))


def _read_intent(r: _Reading) -> None:
    """Whether the question compares, asks a target beside its outcome, and which of them it asks."""
    q = r.q
    r.n_subjects = len(r.towns) + (1 if r.described_docs else 0)
    # two years joined, of the figures or of the reports ("福田区2019年和2020年的政府工作报告里…")
    r.comparison = _compares(q) or r.n_subjects >= 2 or (
        (len(r.years) >= 2 or len(r.report_years) >= 2) and bool(re.search(r"(和|与|相比|比|到)", q)))
    r.target_vs_outcome = bool(cues.OUTCOME_AFTER_TARGET.search(q))
    r.intent = "any"
    r.explicit = explicit_intent(q)
    if _estimate_of_reviewed_year(r):
        # "2020年报告里，2019年…预计是多少": a report published early in the year gives the year
        # just ended as estimates (预计实现…); that is the outcome asked, not a plan
        r.intent = r.explicit = "actual"
    elif cues.TARGET.search(q):
        r.intent = "target"
    elif cues.ACTUAL.search(without_baseline(q)):
        r.intent = "actual"


def _estimate_of_reviewed_year(r: _Reading) -> bool:
    """The question's only target word is 预计, asked of a year before that of the report named."""
    words = {m.group() for m in cues.TARGET.finditer(r.q)}
    return (words == {"预计"} and bool(r.years) and bool(r.report_years)
            and max(r.years) < min(r.report_years))


def _read_topic(r: _Reading) -> None:
    """The question minus its subjects' names and years."""
    towns, regions = r.towns, r.regions
    # a region named beside a town is part of the topic ("桐城市级的典型"), alone it is the subject,
    # and written right before a town it is the town's address ("桐城市大关镇")
    names = towns + [place_stem(t) for t in towns] + [places.strip_suffix(t) for t in towns] + r.unknown
    # a 民族乡 called by its place name and level ("桥头乡" for 桥头苗族壮族乡)
    names += [places.strip_suffix(t) + t[-1] for t in towns if t[-1] in "乡镇" and places.strip_suffix(t) + t[-1] != t]
    if not towns:
        names += regions + [place_stem(x) for x in regions] + [places.strip_suffix(x) for x in regions]
    else:  # the region written right before a town, in full or by its short name ("化隆初麻乡")
        names += [xf for x in regions for xf in {x, places.strip_suffix(x)}
                  if any(xf + form in r.q for t in towns for form in (t, places.strip_suffix(t)) if form)]
    if r.described_phrase:
        names.append(r.described_phrase)
    r.topic = question_topic(r.q, names)


def _year_of_the_reports(previous: QueryPlan, by_id: dict[str, DocMeta], part: str | None = None) -> list[int]:
    """The year the previous turn's one report speaks of in a part of it: ``part`` "planned" (the
    year it plans) or "reviewed"; by default the part it was asked, planned for a target asked,
    reviewed for an outcome. Empty unless its reports agree on one year."""
    part = part or ("planned" if previous.explicit_intent == "target" else "reviewed")
    years = {getattr(by_id[d], f"period_{part}") for d in previous.doc_ids or () if d in by_id}
    return [years.pop()] if len(years) == 1 and None not in years else []


def _carry_over(r: _Reading, previous: QueryPlan, by_id: dict[str, DocMeta]) -> None:
    """A follow-up inherits the previous turn's subject, years and reports, and its topic when it
    names none of its own."""
    if not (r.towns or r.regions or r.described_docs or r.unknown):
        # no place named: the conversation's subject carries over ("那财政收入呢？", "其中…")
        r.followup = True
        r.towns, r.regions = list(previous.towns), list(previous.regions)
        # a follow-up naming its own year asks about that year: the report the previous turn
        # named ("2022年政府工作报告里，2021年…") is found anew, not carried over
        own_years = bool(r.years or r.report_years)
        r.report_years = r.report_years or ([] if r.years else list(previous.report_years))
        # (a report of its own named, "到了2020年的报告呢？": that report's year, not the previous data year)
        r.years = r.years or ([] if own_years else list(previous.years))
        if not own_years and (shift := cues.year_shift(r.q)):
            # "前一年呢？": the conversation's year, moved by one
            r.years = [y + shift for y in r.years]
            r.report_years = [y + shift for y in r.report_years]
        own_period = r.period
        r.period = r.period or previous.period
        # ... and so does one asking outright the outcome after a target, or the reverse ("计划新增
        # 多少个？" then "实际新增了多少？"): the year's other report holds it
        # (a follow-up saying its own 今年/去年 stays with the report it speaks from)
        turned = bool(r.explicit and previous.explicit_intent and r.explicit != previous.explicit_intent
                      and not own_period)
        if turned and not r.years and previous.doc_ids:
            r.years = _year_of_the_reports(previous, by_id)
            r.report_years = []
        r.inherited_doc_ids = None if turned and r.years else previous.doc_ids
        if not own_years and _SPOKEN_FROM.get(own_period, "\0") in r.q:
            # "那今年计划…？" after "2023年新认定了多少家？": 今年 is the year the report spoken from plans
            # (去年 the year it reviews), not the previous data year
            r.years = _year_of_the_reports(previous, by_id, own_period) or r.years
        if (not own_years and r.explicit == "target" and previous.explicit_intent != "target"
                and cues.SAME_REPORT.search(r.q) and (planned := _year_of_the_reports(previous, by_id, "planned"))):
            # "那报告给当年定的目标是多少？" after an outcome it reviewed: that report's own plan, for
            # the year it plans, not the year it reviews
            r.years, r.inherited_doc_ids = planned, previous.doc_ids
        if previous.comparison and not cues.COMPARISON.search(r.q) and len(previous.sides) >= 2:
            r.comparison, r.inherited_sides = True, previous.sides
    if not content_tokens(r.topic):
        # "道滘镇呢？" — the previous question about another subject
        r.followup = True
        r.topic = previous.topic
        r.context_topic = previous.context_topic
        if r.intent == "any":
            r.intent = previous.intent
        if not (r.years or r.report_years):
            # "广西2025年打了多少粮食？" then "那吉林呢？": the same question of another subject, its
            # year and its target or outcome included
            r.years, r.report_years = list(previous.years), list(previous.report_years)
            r.explicit = r.explicit or previous.explicit_intent
    elif r.followup:
        # "同比增长多少？", "农村的呢？", "那财政收入呢？": the new words lead, the previous topic
        # stays as context (weighted lower when answering)
        r.context_topic = previous.topic
        if r.intent == "any" and not cues.TARGET.search(r.q) and previous.intent != "any":
            r.intent = previous.intent


# the words that date a follow-up from the report it is asked of: its planned year, the year it reviews
_SPOKEN_FROM = {"planned": "今年", "reviewed": "去年"}


def _sides(r: _Reading, catalogue: list[DocMeta], by_id: dict[str, DocMeta], doc_ids: set[str] | None) -> list[Side]:
    """Comparison sides (one per town / described report / year / report), a target beside its
    outcome, or the one subject of a plain question. Drops the comparison when it has no two sides."""
    sides: list[Side] = list(r.inherited_sides)
    if r.comparison and not sides:
        sides = comparison_sides(catalogue, by_id, n_subjects=r.n_subjects, towns=r.towns, years=r.years,
                                 report_years=r.report_years, intent=r.intent,
                                 target=r.explicit == "target", doc_ids=doc_ids, described=r.described,
                                 described_docs=r.described_docs, own=r.own_years)
        if len(sides) < 2:
            r.comparison, sides = False, []
    if not sides and r.target_vs_outcome and len(r.towns) == 1 and (r.years or r.report_years):
        r.comparison, sides = True, target_outcome_sides(catalogue, r.towns[0], (r.years or r.report_years)[0])
    if not sides:
        sides = [single_side(by_id, r.towns, r.described, r.described_docs, doc_ids)]
    return sides


def _plan(r: _Reading, doc_ids: set[str] | None, sides: list[Side]) -> QueryPlan:
    """The plan, with the question made standalone for retrieval (a follow-up names its subject)."""
    q, topic, context_topic = r.q, r.topic, r.context_topic
    subject = "、".join(r.towns or r.regions)
    standalone = q
    if r.followup:
        standalone = " ".join(x for x in (subject, context_topic, topic) if x).strip()
    elif r.described_docs:
        standalone = topic or q
    return QueryPlan(
        question=q, standalone=standalone.strip(), topic=topic, towns=tuple(r.towns), regions=tuple(r.regions),
        years=tuple(r.years), report_years=tuple(r.report_years), unknown_places=tuple(r.unknown),
        doc_ids=frozenset(doc_ids) if doc_ids is not None else None, sides=tuple(sides), comparison=r.comparison,
        intent=r.intent, explicit_intent=r.explicit, wants_list=cues.asks_list(topic),
        wants_number=not cues.ASKS_REASON.search(topic) and (
            bool(cues.ASKS_NUMBER.search(cues.WHICH_ITEMS.sub(" ", topic)))
            or bool(context_topic and cues.ASKS_NUMBER.search(context_topic))),
        described=r.described, followup=r.followup, period=r.period, context_topic=context_topic,
        about_report=about_report_kind(q), notes=tuple(r.notes), within=tuple(r.within),
    )
