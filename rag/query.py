"""Query analysis: which reports, towns and years a question is about, and what it asks.

The catalogue of ingested reports (their metadata) is the gazetteer: a town is recognised by
its name with or without 镇/乡/街道, a county/city by its name with or without 市/县/区 (and
then stands for all its towns). Follow-ups inherit the previous turn's reports and subject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from rag.text import cues, places
from rag.text.tokens import search_tokens, to_simplified
from rag.types import DocMeta

Intent = Literal["target", "actual", "any"]

_PLACE = re.compile(r"([\u4e00-\u9fff]{2,4}?)(镇|乡(?![镇村])|街道)")
_GENERIC_PLACE_WORDS = re.compile(
    r"(哪个|哪些|哪|这个|那个|这|那|该|各|每个|每|两个|三个|几个|全|本|我|其他|别的|其它|所有|某|乡|城|"
    r"村|小|集|重点|特色|示范|卫生|文明|森林|园林|百强|千强|两|三|几|各个|一个|这两个|那两个|"
    r"哪一个|任何|同一|它|他们|其)$"
)
_DESCRIBED = re.compile(
    r"(?P<a>[^，,。？?；;！!]{2,40}?)的(?:那个|那份|那篇|这个|这份|那一份)[\u4e00-\u9fff]{0,10}(?:镇|乡|街道|报告|总结|文件|文档|材料)"
    r"|(?:那份|那个|这份|那篇)(?P<b>[^，,。？?；;！!]{2,30}?)的[\u4e00-\u9fff]{0,10}(?:镇|乡|街道|报告|总结)"
    r"|(?P<c>[^，,。？?；;！!]{6,50}?)的(?:镇|乡)?(?:人民)?(?:政府)?(?:工作)?(?:报告|总结)"
)
QUESTION_WORDS = frozenset(
    "哪次 哪年 哪位 哪一 哪项 哪几项 哪几个 哪几 几项 几家 几个 一个 什么样 怎么 为什么 什么 些 这块 那块 "
    "这件事 这事 事 加起来 合计 有没有 是不是 能 能否 可以 要 想 进来 出来 起来 一年 全年 当年 今年 去年 前年 "
    "实际 实际上 完成 实现 达到 目标 计划 力争 预计 分别 各 各自 相比 比较 对比 谁 更 最 哪个 多少 几 "
    "怎么样 如何 情况 方面 呢 吗 主要 具体 都 有 是 了 的 和 与 跟 还 又 哪些 有哪些 包括 指 指什么 叫 叫什么 "
    "更大 更多 更高 更快 更低 更少 更好 最高 最多 最大 最快 最低 最少 靠前 靠后 排前 多得多 少得多 "
    "面积 数量 人数 个数 金额 件数 户数 多大 多高 多长 比 少 多 少了 多了 这件 "
    "那份 这份 那个 这个 报告 政府 工作 工作报告 里 中 提到 提出 说 讲 写 年底 年末 拿到 拿 搞 做 干 派 去 来 给 帮 让 被 把".split()
)
_YEAR = re.compile(r"(?<!\d)(20\d\d)\s*年?")


@dataclass(frozen=True)
class Side:
    """One side of a comparison (or the single subject of a plain question)."""

    label: str
    doc_ids: frozenset[str]
    years: tuple[int, ...] = ()  # the year this side asks about, when sides are years
    intent: str = ""  # "target" | "actual" when the side asks for one of them (target vs outcome)
    missing: str = ""  # why this side has no report ("库中没有…") — never filled from another report


@dataclass(frozen=True)
class QueryPlan:
    question: str  # as asked
    standalone: str  # with the carried subject made explicit (what is retrieved)
    topic: str  # the question minus the names of places and years (what is asked about)
    towns: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    years: tuple[int, ...] = ()  # the years the data asked about refers to
    report_years: tuple[int, ...] = ()  # years naming the report itself ("2024年政府工作报告")
    unknown_places: tuple[str, ...] = ()
    doc_ids: frozenset[str] | None = None  # None = the whole corpus
    sides: tuple[Side, ...] = ()
    comparison: bool = False
    intent: Intent = "any"
    explicit_intent: str = ""  # "target" | "actual" only when the question says so outright (目标/实际…)
    wants_list: bool = False
    wants_number: bool = False
    described: str = ""  # "提到京东区域总部的那个镇" -> "京东区域总部"
    about_report: str = ""  # a question on the report itself: region | reviewed | planned | date | publisher
    period: str = ""  # "reviewed" (去年…) | "planned" (今年/明年…) | "" — relative to the report
    context_topic: str = ""  # a follow-up's previous topic ("同比增长多少？" after "…零售总额是多少？")
    followup: bool = False
    notes: tuple[str, ...] = field(default_factory=tuple)


def _stem(name: str) -> str:
    return re.sub(r"(镇|乡|街道|省|市|县|区)$", "", name) if len(name) > 2 else name


def _glued(q: str, pos: int, name: str) -> bool:
    """A short place name glued into a longer word of the question ("深圳湾", "上海浦东新区"):
    the word, not the place, is what is asked about."""
    for word, start, end in _word_spans(q):
        if start <= pos and pos + len(name) <= end and (end - start) > len(name):
            return not places.level_of_name(word)
    return False


def _word_spans(q: str) -> list[tuple[str, int, int]]:
    import jieba

    return [(w, a, b) for w, a, b in jieba.tokenize(q, HMM=False)]


def find_names(question: str, names: set[str]) -> list[tuple[int, str]]:
    """(position, name) for each catalogue name (an issuer, a region) the question mentions, with
    or without its suffix ("杜桥" -> 杜桥镇, "深圳" -> 深圳市, "内蒙古" -> 内蒙古自治区), in order of
    mention. A short name inside a longer word ("深圳湾") is not a mention of the place."""
    q = to_simplified(question)
    found: dict[str, int] = {}
    for full in names:
        for name in (full, places.strip_suffix(full), _stem(full)):
            name = to_simplified(name)
            pos = q.find(name)
            if len(name) >= 2 and pos >= 0:
                if name != full and _glued(q, pos, name):
                    continue
                found[full] = min(found.get(full, pos), pos)
                break
    return sorted((p, n) for n, p in found.items())


_NATIONAL = re.compile(r"(国务院|中央政府|全国)")


def find_towns(question: str, catalogue: list[DocMeta]) -> list[tuple[int, str]]:
    """Issuers of ingested reports named in the question (any level: 国务院, 广东省, 南山区, 杜桥镇).
    "全国"/"国务院"/"中央政府" name the national reports when no other issuer is named."""
    entities = {m.entity for m in catalogue if m.entity and m.entity != "国务院"}
    found = find_names(question, entities)
    if not found and any(m.entity == "国务院" for m in catalogue):
        m = _NATIONAL.search(to_simplified(question))
        if m:
            found = [(m.start(), "国务院")]
    return found


def find_regions(question: str, catalogue: list[DocMeta]) -> list[tuple[int, str]]:
    """Places above the issuers (临海市 for 杜桥镇, 深圳市 for 南山区) named in the question, when
    they issued no report themselves: they stand for all their reports."""
    issuers = {m.entity for m in catalogue if m.entity}
    names = {p for m in catalogue for p in (*m.parent, m.region or "") if p and p not in issuers}
    return find_names(question, names)


def unknown_places(question: str, catalogue: list[DocMeta], known: list[str]) -> list[str]:
    """Places named like a town ("XX镇") that no ingested report is about."""
    q = to_simplified(question)
    stems = {_stem(t) for t in known} | {_stem(m.entity) for m in catalogue if m.entity}
    regions = {_stem(r) for m in catalogue for r in (m.region, *m.parent) if r}
    out = []
    for m in _PLACE.finditer(q):
        name = m.group(1)
        if re.search(r"[的个之那这些]", name[-1]) or "的" in name or _is_common_word(name[-2:]):
            continue
        # trim leading words swallowed by the lazy match ("请问青石镇" -> "青石")
        for cut in range(len(name) - 1):
            cand = name[cut:]
            if len(cand) < 2:
                break
            if _GENERIC_PLACE_WORDS.search(cand) or cand in stems or any(s and s in cand for s in stems):
                break
            if cut == len(name) - 2 or not re.match(r"^(请问|问|的|和|与|跟|在|及|对|比|把|给|说|讲|那|这)", cand):
                if not any(r and r in cand for r in regions):
                    out.append(cand + m.group(2))
                break
    return out


# what may follow a place's short name when the place is the subject ("珠海2023年…", "珠海的…",
# "珠海和…", "珠海政府…"); anything else glued to it makes a word of its own ("北京冬奥会")
_SUBJECT_AFTER = re.compile(r"^(?:\d{4}|[今去明前上]年|的|政府|人民政府|全[省市区县]|和|与|跟|及|、)")


def unknown_divisions(question: str, known: set[str]) -> list[str]:
    """Administrative divisions the question names (by the gazetteer: "东莞麻涌镇", "珠海市",
    "珠海2023年…") that are not among ``known`` (the library's issuers, their parents and short
    names). Each is given with its parents ("广东省东莞市麻涌镇") so the user sees which place
    was understood."""
    g = places.gazetteer()
    q = to_simplified(question)
    for name in sorted(known, key=len, reverse=True):  # what the library has is not unknown
        if len(name) >= 2:
            q = q.replace(name, " " * len(name))
    out: list[str] = []
    i = 0
    while i < len(q):
        hit = ""
        for size in range(min(12, len(q) - i), 1, -1):
            w = q[i: i + size]
            full = len(w) >= 3 and w in g.by_name and len(places.strip_suffix(w)) >= 2
            short = (w in g.by_alias and _SUBJECT_AFTER.match(q[i + size:]) is not None
                     and _is_place_word(w) and any(p.level != "township" for p in g.by_alias[w]))
            if full or short:
                hit = w
                break
        if not hit:
            i += 1
            continue
        if hit not in known and places.strip_suffix(hit) not in known:
            # read the places written just before it too ("东莞" in "东莞麻涌镇") to name it fully
            place = None
            for j in range(max(0, i - 8), i + 1):
                cand = g.resolve(q[j: i + len(hit)])
                if cand is not None and cand.name in (hit, *[c.name for c in g.lookup(hit)]):
                    place = cand
                    break
            label = place.full if place is not None else hit
            if not any(label.endswith(o) or o.endswith(label) for o in out):
                out.append(label)
        i += len(hit)
    return out


def _is_place_word(word: str) -> bool:
    """A short name that is a place word in jieba's dictionary (珠海, 东莞), not an ordinary word
    that a division happens to be named after (建设, 公园, 经济). Town-level short names are never
    taken alone: a town is named with its 镇/乡/街道."""
    import jieba.posseg

    tags = jieba.posseg.dt.word_tag_tab
    if not tags:
        jieba.posseg.dt.initialize()
    return tags.get(word) == "ns"


def _is_common_word(word: str) -> bool:
    """Function words ("其中镇本级", "这个镇") are not place names; nouns such as 山河 can be."""
    from rag.text.tokens import is_function_word

    return is_function_word(word)


# a year that dates the report itself, not the data: "2016年国务院政府工作报告里，2015年…",
# "深圳市2024年政府工作报告说…", "2023年的报告中"
_YEAR_LIST = re.compile(r"(?:(?:19|20)\d\d\s*年?\s*[、，,和与及至到-]\s*)+(?:19|20)\d\d\s*年")
_REPORT_YEAR = re.compile(r"(20\d\d)\s*年(?:的|度)?[\u4e00-\u9fff]{0,10}?(?:政府工作报告|工作报告|报告|总结)")


_REPORT_REF = re.compile(r"(?:据|根据|按照|看)?(?:的)?(?:政府工作报告|管委会工作报告|工作报告|工作总结|报告)"
                         r"(?:里|中|上|说|讲|提到|提出|指出|显示|称|写道|所说|定的|提的)*[，,：:]?")
# a question that asks for a target and for what came of it ("目标是多少？实际完成了多少？")
_OUTCOME_AFTER_TARGET = re.compile(r"(目标|计划|预期|打算|原计划|定的)[^。？?]*?[，,？?。；;]\s*[^。]*?"
                                   r"(实际|完成了|最后|结果|实现了|达到了|做到了|完成情况)|目标[和与及跟]实际")


def _years(question: str) -> tuple[list[int], list[int]]:
    """(data years, report years) named in the question."""
    starts = {m.start() for m in _REPORT_YEAR.finditer(question)}
    # years listed before a report's year name reports too: "2018年、2019年、2020年政府工作报告"
    for m in _YEAR_LIST.finditer(question):
        if any(m.start() <= s < m.end() for s in starts):
            starts |= {m.start() + y.start() for y in re.finditer(r"(?:19|20)\d\d", m.group(0))}
    report, data = [], []
    for m in _YEAR.finditer(question):
        (report if m.start() in starts else data).append(int(m.group(1)))
    return data, report


def _topic(question: str, names: list[str]) -> str:
    topic = question
    for name in sorted(names, key=len, reverse=True):
        if name:
            topic = topic.replace(name, " ")
    topic = _YEAR.sub(" ", topic)
    # the report named as the source is not what is asked about ("政府工作报告里，…", "据…报告说")
    topic = _REPORT_REF.sub(" ", topic)
    topic = re.sub(r"^\s*(?:据|根据|按照|看|在)\s", " ", topic)
    # what is left of a list of places: "吉林、安徽、四川三省…" -> "…"
    topic = re.sub(r"[一二三四五六七八九十两几各]+个?(?:省|市|区|县|镇|地)(?![\u4e00-\u9fff]{0,1}(?:长|委|级|内))", " ", topic)
    topic = re.sub(r"(?:^|\s)[、，,和与及跟]+(?=\s)", " ", topic)
    # relative time words are about the year, not the topic ("比前年少了多少" -> "少了多少")
    topic = re.sub(r"(去年|前年|今年|明年|上年|上一年|当年|同期|年底|年末|全年|一年来|过去一年)", " ", topic)
    return re.sub(r"\s+", " ", topic).strip()


def _explicit_intent(question: str) -> str:
    target, outcome = cues.ASKS_TARGET.search(question), cues.ASKS_OUTCOME.search(question)
    if target and not outcome:
        return "target"
    if outcome and not target:
        return "actual"
    return ""


def _year_side(catalogue: list[DocMeta], doc_ids: set[str], year: int, intent: str) -> Side:
    """A comparison side for one year: its outcome is in the report that reviews it, its target
    in the report that plans it (one or the other, never a neighbour year's report)."""
    metas = [m for m in catalogue if m.doc_id in doc_ids]
    if intent == "target":
        ids = {m.doc_id for m in metas if m.period_planned == year}
    else:
        ids = {m.doc_id for m in metas if m.period_reviewed == year} or (
            {m.doc_id for m in metas if m.period_planned == year} if intent != "actual" else set())
    missing = "" if ids else f"库中没有{'部署' if intent == 'target' else '回顾'}{year}年的报告"
    return Side(f"{year}年", frozenset(ids), years=(year,), intent=intent if intent != "any" else "", missing=missing)


def _target_outcome_sides(catalogue: list[DocMeta], entity: str, year: int) -> list[Side]:
    """"2023年GDP增长目标是多少，实际完成了多少？": the target from the plan part of the report
    delivered in that year, the outcome from the review part of the next year's report."""
    own = [m for m in catalogue if m.entity == entity]
    plan_ids = frozenset(m.doc_id for m in own if m.period_planned == year)
    review_ids = frozenset(m.doc_id for m in own if m.period_reviewed == year)
    return [
        Side(f"{year}年目标", plan_ids, years=(year,), intent="target",
             missing="" if plan_ids else f"库中没有{entity}{year}年的政府工作报告（目标在该年报告中）"),
        Side(f"{year}年实际", review_ids, years=(year,), intent="actual",
             missing="" if review_ids else f"库中没有{entity}{year + 1}年的政府工作报告（{year}年的完成情况在该报告中）"),
    ]


def docs_for(catalogue: list[DocMeta], *, towns=(), regions=(), years=(), report_years=()) -> set[str]:
    ids = set()
    for m in catalogue:
        if towns and m.entity not in towns:
            continue
        if regions and m.region not in regions and not set(regions) & set(m.parent):
            continue
        if years and not {m.year, m.period_reviewed, m.period_planned} & set(years):
            continue
        if report_years and m.year not in report_years:
            continue
        ids.add(m.doc_id)
    return ids


def _label(meta: DocMeta) -> str:
    if meta.entity:
        return meta.entity
    return f"未署名报告《{meta.title[:16]}》"


_ABOUT_REPORT = (
    ("region", re.compile(r"(属于|位于|在)哪(个|一个)?(市|县|区|省|城市|地区|地方|里)|是哪里的|哪个(市|县|省)的")),
    ("reviewed", re.compile(r"(回顾|总结)的?是?哪一?年|是哪一?年的(工作)?(报告|总结)|讲的是哪一?年")),
    ("planned", re.compile(r"(部署|安排|计划)的?是?哪一?年")),
    ("date", re.compile(r"(什么时候|哪天|何时|哪一天)(发布|印发|成文|公开|作的?报告|召开)")),
    ("publisher", re.compile(r"(谁|哪个(单位|部门|机构))(发布|印发)")),
)


def _about_report(question: str) -> str:
    for kind, pat in _ABOUT_REPORT:
        if pat.search(question):
            return kind
    return ""


def find_description(question: str) -> tuple[str, str] | None:
    """(description, matched phrase) for "提到京东区域总部的那个镇" style references."""
    m = _DESCRIBED.search(question)
    if not m:
        return None
    desc = next(g for g in (m.group("a"), m.group("b"), m.group("c")) if g)
    # "杜桥镇和引进…" -> "引进…": the description starts after the last conjunction
    desc = re.split(r"[和与跟]", desc)[-1].strip()
    desc = re.sub(r"^(请问|那么|那|这|在|里|中)", "", desc)
    if len(desc) < 2:
        return None
    start = m.group(0).find(desc)
    return desc, m.group(0)[start:] if start >= 0 else m.group(0)


def content_tokens(text: str) -> list[str]:
    """What a question asks about: its words minus question words, places and years."""
    return [t for t in search_tokens(text, bigrams=False)
            if t not in QUESTION_WORDS and not re.fullmatch(r"[\d.%]+", t)]


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
    q = question.strip()
    by_id = {m.doc_id: m for m in catalogue}
    period = "reviewed" if cues.REVIEWED.search(q) else ("planned" if cues.PLANNED.search(q) else "")
    towns = [t for _, t in find_towns(q, catalogue)]
    regions = [r for _, r in find_regions(q, catalogue) if not any(_stem(r) in t for t in towns)]
    years, report_years = _years(q)
    notes: list[str] = []

    described, described_phrase, described_doc = "", "", None
    found = find_description(q) if resolve_description is not None else None
    if found and (towns or regions):
        rest = _YEAR.sub("", found[0])
        rest = re.sub(r"^(?:据|根据|按照|看|在)", "", rest)
        for n in sorted(towns + regions, key=len, reverse=True):
            for form in (n, places.strip_suffix(n), _stem(n)):
                rest = rest.replace(form, "")
        if len(re.findall(r"[\u4e00-\u9fff]", rest)) < 2:
            found = None  # "临海的那个镇": a place the catalogue knows, not a description
        else:  # "引进京东浙江区域总部的那个镇": the place words belong to the description
            towns = [t for t in towns if t not in found[0] and places.strip_suffix(t) not in found[0]]
            regions = [r for r in regions if r not in found[0] and places.strip_suffix(r) not in found[0]
                       and _stem(r) not in found[0]]
    if found:  # years inside a description describe the report, they do not date the data
        years, report_years = _years(q.replace(found[1], " "))
    asked = q.replace(found[1], " ") if found else q
    unknown = unknown_places(asked, catalogue, towns)
    known = {n for m in catalogue for n in (m.entity, m.region, *m.parent) if n}
    known |= {places.strip_suffix(n) for n in known}
    for place in unknown_divisions(asked, known):
        if not any(place.endswith(u) or u.endswith(place) or u in place for u in unknown):
            unknown.append(place)
        else:  # the town-like name found above, now with its parents
            unknown = [place if (place.endswith(u) or u in place) else u for u in unknown]
    if found:
        described, described_phrase = found
        exclude = docs_for(catalogue, towns=towns) if towns else set()
        described_doc = resolve_description(described, exclude)
        if described_doc:
            notes.append(f"按描述“{described}”定位到报告 {by_id[described_doc].file if described_doc in by_id else ''}")
        else:
            described, described_phrase = "", ""

    n_subjects = len(towns) + (1 if described_doc else 0)
    comparison = bool(cues.COMPARISON.search(q)) or n_subjects >= 2 or (
        len(years) >= 2 and bool(re.search(r"(和|与|相比|比|到)", q)))
    target_vs_outcome = bool(_OUTCOME_AFTER_TARGET.search(q))
    intent: Intent = "any"
    if cues.TARGET.search(q):
        intent = "target"
    elif cues.ACTUAL.search(q):
        intent = "actual"

    # a region named beside a town is part of the topic ("桐城市级的典型"), alone it is the subject
    names = towns + [_stem(t) for t in towns] + [places.strip_suffix(t) for t in towns] + unknown
    if not towns:
        names += regions + [_stem(r) for r in regions] + [places.strip_suffix(r) for r in regions]
    if described_phrase:
        names.append(described_phrase)
    topic = _topic(q, names)
    has_subject = bool(towns or regions or described_doc or unknown)
    followup = False
    context_topic = ""
    inherited_doc_ids: frozenset[str] | None = None
    inherited_sides: tuple[Side, ...] = ()
    if previous is not None and not unknown:
        if not has_subject:
            # no place named: the conversation's subject carries over ("那财政收入呢？", "其中…")
            followup = True
            towns, regions = list(previous.towns), list(previous.regions)
            years = years or list(previous.years)
            report_years = report_years or list(previous.report_years)
            period = period or previous.period
            inherited_doc_ids = previous.doc_ids
            if previous.comparison and not cues.COMPARISON.search(q) and len(previous.sides) >= 2:
                comparison, inherited_sides = True, previous.sides
        if not content_tokens(topic):
            # "道滘镇呢？" — the previous question about another subject
            followup = True
            topic = previous.topic
            context_topic = previous.context_topic
            if intent == "any":
                intent = previous.intent
        elif followup:
            # "同比增长多少？", "农村的呢？", "那财政收入呢？": the new words lead, the previous topic
            # stays as context (weighted lower when answering)
            context_topic = previous.topic
            if intent == "any" and not cues.TARGET.search(q) and previous.intent != "any":
                intent = previous.intent

    if town_filter:
        towns = [t for t in towns if t in town_filter] or list(town_filter)
    if year_filter:
        years = list(year_filter)

    # which reports
    doc_ids: set[str] | None = None
    if described_doc and not comparison:
        doc_ids = {described_doc}
    elif towns or regions:
        doc_ids = docs_for(catalogue, towns=towns, regions=regions)
        if report_years:  # "2024年政府工作报告": that report or none — never another year's
            doc_ids = docs_for(catalogue, towns=towns, regions=regions, report_years=report_years)
        if years:  # several reports of one issuer: the year picks
            doc_ids = docs_for(catalogue, towns=towns, regions=regions, years=years,
                               report_years=report_years) or doc_ids
        if described_doc:
            doc_ids.add(described_doc)
    elif inherited_doc_ids is not None:
        doc_ids = set(inherited_doc_ids)
    elif report_years:
        doc_ids = docs_for(catalogue, report_years=report_years)
    if year_filter:
        doc_ids = (doc_ids if doc_ids is not None else set(by_id)) & docs_for(catalogue, years=year_filter)
    if town_filter and not towns:
        doc_ids = (doc_ids if doc_ids is not None else set(by_id)) & docs_for(catalogue, towns=town_filter)

    # comparison sides: one per town / described report / year / report
    sides: list[Side] = list(inherited_sides)
    if comparison and not sides:
        if n_subjects >= 2:
            target = _explicit_intent(q) == "target"
            for t in towns:
                ids = docs_for(catalogue, towns=[t], years=years) or docs_for(catalogue, towns=[t])
                if years:
                    # sides are ranked or set side by side: outcomes from the reports that review
                    # the year, targets from those that plan it — never one side's target against
                    # another's outcome
                    own = [m for m in catalogue if m.doc_id in ids]
                    part = {m.doc_id for m in own if (m.period_planned if target else m.period_reviewed) in years}
                    ids = part or ids
                sides.append(Side(t, frozenset(ids), intent="target" if target else ""))
            if described_doc:
                sides.append(Side(f"{described}的报告", frozenset({described_doc})))
        elif len(years) >= 2 and doc_ids is not None:
            sides = [_year_side(catalogue, doc_ids, y, intent) for y in years]
        elif len(report_years) >= 2 and doc_ids is not None:
            sides = [Side(f"{y}年报告", frozenset(d for d in doc_ids if by_id[d].year == y),
                          missing="" if any(by_id[d].year == y for d in doc_ids) else f"库中没有{y}年的报告")
                     for y in report_years]
        elif doc_ids is None or len(doc_ids) >= 2:
            pool = doc_ids if doc_ids is not None else set(by_id)
            sides = [Side(_label(by_id[d]), frozenset({d})) for d in sorted(pool, key=lambda d: _label(by_id[d]))]
        if len(sides) < 2:
            comparison, sides = False, []
    if not sides and target_vs_outcome and len(towns) == 1 and (years or report_years):
        comparison, sides = True, _target_outcome_sides(catalogue, towns[0], (years or report_years)[0])
    if not sides:
        if towns:
            label = "、".join(towns)
        elif described_doc:
            label = f"{described}的报告"
        elif doc_ids and len(doc_ids) == 1:
            label = _label(by_id[next(iter(doc_ids))])
        else:
            label = ""
        sides = [Side(label, frozenset(doc_ids) if doc_ids is not None else frozenset())]

    subject = "、".join(towns or regions)
    standalone = q
    if followup:
        standalone = " ".join(x for x in (subject, context_topic, topic) if x).strip()
    elif described_doc:
        standalone = topic or q

    return QueryPlan(
        question=q, standalone=standalone.strip(), topic=topic, towns=tuple(towns), regions=tuple(regions),
        years=tuple(years), report_years=tuple(report_years), unknown_places=tuple(unknown),
        doc_ids=frozenset(doc_ids) if doc_ids is not None else None, sides=tuple(sides), comparison=comparison,
        intent=intent, explicit_intent=_explicit_intent(q), wants_list=bool(cues.LIST.search(topic)),
        wants_number=bool(cues.ASKS_NUMBER.search(topic)) or bool(context_topic and cues.ASKS_NUMBER.search(context_topic)),
        described=described, followup=followup, period=period, context_topic=context_topic,
        about_report=_about_report(q), notes=tuple(notes),
    )
