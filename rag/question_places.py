"""Which places a question names: the issuers and regions of the catalogue, places no report is
about, and a report referred to by what it says ("提到京东区域总部的那个镇")."""

from __future__ import annotations

import re

from rag.text import cues, places
from rag.text.tokens import to_simplified, word_starts
from rag.types import DocMeta


def place_stem(name: str) -> str:
    """A place name without its 镇/乡/街道/省/市/县/区 suffix (a two-character name is kept whole)."""
    if len(name) <= 2:
        return name
    stem = re.sub(r"(镇|乡|街道|省|市|县|区)$", "", name)
    return places.minority_free(stem) if stem != name and name[-1] in "镇乡" else stem


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
        for name in (full, places.strip_suffix(full), place_stem(full)):
            name = to_simplified(name)
            pos = q.find(name)
            if len(name) >= 2 and pos >= 0:
                if name != full and _glued(q, pos, name):
                    continue
                found[full] = min(found.get(full, pos), pos)
                break
    return sorted((p, n) for n, p in found.items())


def find_towns(question: str, catalogue: list[DocMeta]) -> list[tuple[int, str]]:
    """Issuers of ingested reports named in the question (any level: 国务院, 广东省, 南山区, 杜桥镇).
    "国务院"/"中央政府" name the national reports; "全国" does when no other issuer is named, or
    when it is one of the issuers joined ("全国和深圳市")."""
    entities = {m.entity for m in catalogue if m.entity and m.entity != "国务院"}
    found = find_names(question, entities)
    if any(m.entity == "国务院" for m in catalogue):
        q = to_simplified(question)
        # the State Council named outright is an issuer beside the others ("国务院、深圳市、福田区的
        # 报告"); 全国 beside another issuer is a comparison's yardstick ("高于全国"), not a subject
        m = (re.search(r"国务院|中央政府", q) or cues.NATION_AS_SUBJECT.search(q)
             or (None if found else next((n for n in cues.NATIONAL.finditer(q) if not _yardstick(q, n)), None)))
        if m:
            found = sorted(found + [(m.start(), "国务院")])
    return found


def _yardstick(q: str, m: re.Match) -> bool:
    """The 全国 matched is a yardstick ("占全国多少"), not the nation asked about."""
    return m.group() == "全国" and any(y.start() <= m.start() < y.end() for y in cues.NATION_AS_YARDSTICK.finditer(q))


def find_regions(question: str, catalogue: list[DocMeta]) -> list[tuple[int, str]]:
    """Places above the issuers (临海市 for 杜桥镇, 深圳市 for 南山区) named in the question, when
    they issued no report themselves: they stand for all their reports."""
    issuers = {m.entity for m in catalogue if m.entity}
    names = {p for m in catalogue for p in (*m.parent, m.region or "") if p and p not in issuers}
    return find_names(question, names)


def unknown_places(question: str, catalogue: list[DocMeta], known: list[str]) -> list[str]:
    """Places named like a town ("XX镇") that no ingested report is about."""
    q = to_simplified(question)
    stems = {place_stem(t) for t in known} | {place_stem(m.entity) for m in catalogue if m.entity}
    regions = {place_stem(r) for m in catalogue for r in (m.region, *m.parent) if r}
    # an issuer's full name is no unknown place, nor is any tail of it ("苗族壮族乡" in "桥头苗族壮族乡")
    for name in sorted({m.entity for m in catalogue if m.entity} | set(known), key=len, reverse=True):
        q = q.replace(name, " " * len(name))
    # a name in quotes is a term the report writes ("“旅游兴镇”那一部分", "“工业强镇”战略"), not a place
    quoted = [(a.start(), a.end()) for a in re.finditer(r"[“\"「『][^”\"」』]{1,12}[”\"」』]", q)]
    out = []
    for m in cues.TOWN_NAMED.finditer(q):
        if any(a < m.start() and m.end() < b for a, b in quoted):
            continue
        name = m.group(1)
        if re.search(r"[的个之那这些]", name[-1]) or "的" in name or _is_common_word(name[-2:]):
            continue
        if _suffix_inside_a_word(q, m.start(2)):
            continue
        # a name holds no pronoun, numeral or preposition: the words up to the last such word are
        # the sentence running into the 镇 ("自己承认镇里" -> "承认", "用多少处镇级" -> "处")
        name = _after_function_words(name)
        # trim leading words swallowed by the lazy match ("请问青石镇" -> "青石")
        for cut in range(len(name) - 1):
            cand = name[cut:]
            if len(cand) < 2:
                break
            if cues.NOT_A_PLACE_NAME.search(cand) or cand in stems or any(s and s in cand for s in stems):
                break
            if re.fullmatch(r"(?:[\u4e00-\u9fff]{1,4}族)+|民族", cand):
                break  # "这个瑶族乡", "民族乡": the kind of township, no name
            if cut == len(name) - 2 or not re.match(r"^(请问|问|的|和|与|跟|在|及|对|比|把|给|说|讲|那|这)", cand):
                if not any(r and r in cand for r in regions) and not _generic_town(cand, q, m.end()):
                    out.append(cand + m.group(2))
                break
    return out


def written_parents(question: str, catalogue: list[DocMeta], towns: list[str]) -> set[str]:
    """Divisions written right before a named issuer as its address ("扶沟县固城乡", "河口县桥头乡"):
    the gazetteer reads the address as that issuer's namesake, and what the reports say of the
    issuer's parents agrees with it. They name the issuer, not another place."""
    g = places.gazetteer()
    q = to_simplified(question)
    out: set[str] = set()
    for town in towns:
        known = {m.parent for m in catalogue if m.entity == town}
        for form in {town, places.strip_suffix(town), place_stem(town)}:
            at = q.find(form) if len(form) >= 2 else -1
            end = at + len(form)
            if at <= 0:
                continue
            for start in range(max(0, at - 10), at):
                place = g.resolve(q[start:end])
                if place is None or (place.name != town and places.strip_suffix(place.name) != form):
                    continue
                if any(place.parents[:len(parents)] == tuple(parents) for parents in known):
                    out |= {n for p in place.parents for n in (p, places.strip_suffix(p))}
                break
    return out


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
    starts = word_starts(q)
    i = 0
    while i < len(q):
        hit = ""
        # a name begins a word: never a word's tail ("城里人和乡下人" holds no 人和乡)
        for size in range(min(12, len(q) - i), 1, -1) if i in starts else ():
            w = q[i: i + size]
            full = len(w) >= 3 and w in g.by_name and len(places.strip_suffix(w)) >= 2 and not _kind_of_zone(w)
            after = cues.SUBJECT_AFTER.match(q[i + size:])
            short = (w in g.by_alias and after is not None and _is_place_word(w)
                     and any(p.level != "township" for p in g.by_alias[w])
                     and (not _CONJUNCTION.fullmatch(after.group()) or _place_follows(q, i + size + after.end(), g))
                     # a county's short name before 的 is as often a word ("新建的幼儿园", "新华的…"):
                     # a county alone is named with its 区/县, or with a year or 政府 after it
                     and (after.group() != "的" or any(p.level in ("province", "city") for p in g.by_alias[w])))
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


_CONJUNCTION = re.compile(r"和|与|跟|及|、")


def _place_follows(q: str, at: int, g) -> bool:
    """A place begins at ``at`` (after a conjunction): one the library holds (blanked out in ``q``)
    or one of the gazetteer. "新建和改扩建" joins two verbs; "珠海和东莞" two places."""
    if at < len(q) and q[at] == " ":
        return True
    return any(q[at: at + n] in g.by_alias or q[at: at + n] in g.by_name for n in range(2, 8))


def _dictionary_tag(word: str) -> str:
    """The part-of-speech tag jieba's dictionary gives the word ("" for a word it does not hold)."""
    import jieba.posseg

    if not jieba.posseg.dt.word_tag_tab:
        jieba.posseg.dt.initialize()
    return str(jieba.posseg.dt.word_tag_tab.get(word, ""))


def _is_place_word(word: str) -> bool:
    """A short name that is a place word in jieba's dictionary (珠海, 东莞), not an ordinary word
    that a division happens to be named after (建设, 公园, 经济). Town-level short names are never
    taken alone: a town is named with its 镇/乡/街道."""
    return _dictionary_tag(word) == "ns"


def _after_function_words(name: str) -> str:
    """The part of a would-be name after its last word of two characters or more that is a pronoun,
    numeral, preposition… (jieba's dictionary: "用多少处" -> "处", "自己承认" -> "承认"); a place word
    of the dictionary (中和) is kept whole, and a lone character (中, 向) cuts nothing."""
    from rag.text.tokens import _jieba, is_function_word

    if _is_place_word(name):
        return name
    words = _jieba().lcut(name)
    cut = 0
    for i, w in enumerate(words):
        if len(w) >= 2 and is_function_word(w):
            cut = sum(len(x) for x in words[: i + 1])
    return name[cut:]


def _kind_of_zone(name: str) -> bool:
    """A division named by a kind of zone ("高新区", "开发区", "工业园区", "经济开发区"): the
    gazetteer holds several of that exact name and its stem is an ordinary word (a verb, an adverb, a
    common noun: 开发, 高新, 工业园), so the name says what kind of zone, not which one."""
    if len(places.gazetteer().by_name.get(name, ())) < 3:
        return False
    return _dictionary_tag(places.strip_suffix(name)) in ("v", "vn", "d", "a", "n")


def _suffix_inside_a_word(q: str, at: int) -> bool:
    """The 镇/乡 at ``at`` belongs to an ordinary word the segmenter reads there: one running on past
    it ("乡风文明", "城镇化率"), or a dictionary word that is no place name ("农村老乡", "城乡"):
    no town's name ends there."""
    from rag.text.tokens import _jieba

    for word, start, end in _jieba().tokenize(q):
        if start <= at < end:
            if len(word) < 2:
                return False
            tag = _dictionary_tag(word)
            return end - 1 != at or (bool(tag) and not tag.startswith("ns"))
    return False


def _generic_town(stem: str, q: str, end: int) -> bool:
    """"承认镇里…", "被镇里表彰": 镇 opening a word of its own (镇里, 镇上, 镇级, 镇内) right after a verb
    or a preposition is the town spoken of, not a name's suffix; a name ends in a noun or a place
    word, known to the dictionary or not."""
    from rag.text.tokens import _jieba

    if not re.match(r"[里上级内域]", q[end: end + 1]):
        return False
    tag = _dictionary_tag(_jieba().lcut(stem)[-1])
    return tag.startswith("v") or tag == "p"  # "…被镇里表彰": a preposition governs it too


def _is_common_word(word: str) -> bool:
    """Function words ("其中镇本级", "这个镇") are not place names; nouns such as 山河 can be."""
    from rag.text.tokens import is_function_word

    return is_function_word(word)


def find_description(question: str) -> tuple[str, str] | None:
    """(description, matched phrase) for "提到京东区域总部的那个镇" style references."""
    m = cues.DESCRIBED_REPORT.search(question)
    if not m:
        return None
    desc = next(g for g in (m.group("a"), m.group("b"), m.group("c"), m.group("d")) if g)
    # "杜桥镇和引进…" -> "引进…": the description starts after the last conjunction
    desc = re.split(r"[和与跟]", desc)[-1].strip()
    desc = re.sub(r"^(请问|那么|那|这|在|里|中|到了|到|换成|轮到)", "", desc)
    if len(desc) < 2 or len(re.findall(r"[\u4e00-\u9fff]", cues.YEAR_NAMED.sub("", desc))) < 2:
        return None  # "到了2020年的报告": a report named by its year, no description
    start = m.group(0).find(desc)
    return desc, m.group(0)[start:] if start >= 0 else m.group(0)
