"""Answers to "what are the N X?" for a numbered group a report names ("三大攻坚战", "六稳", "六保"):
reports spell such a group out once as an enumeration of exactly N items ("稳就业、稳金融、…、稳预期";
"打好防范化解重大风险、精准脱贫、污染防治的攻坚战"), which this module finds and cites."""

from __future__ import annotations

import re

from rag.draft import CitationBook, Draft
from rag.query_plan import QueryPlan
from rag.text import cues
from rag.text.numbers import cn_to_number
from rag.types import DocMeta, Passage

_ITEM = r"[\u4e00-\u9fff“”\"]{2,14}"
_FIRST_ITEM = r"[\u4e00-\u9fff“”\"]{2,24}"  # with the words before the enumeration ("着力稳就业")


# a numbered group named in quotes ("“三新”", "“三量”"): the quotes make it a name, asked about
# whatever verb follows
_QUOTED_GROUP = re.compile(r"[“\"](?P<n>[二三四五六七八九十两]{1,2})(?:大|项|个|件|条)?(?P<head>[\u4e00-\u9fff]{1,6})[”\"]")


def named_groups(question: str) -> list[tuple[int, str]]:
    """Every group a list question asks about: a kind in quotes asked by 哪几个 ("哪几个“五年”", its
    number not said: 0), else the numbered group named with its verb (:func:`named_group`), else
    each numbered group named in quotes ("“三新”“三量”工作包括哪些内容")."""
    kinds = [(0, m.group("head")) for m in _QUOTED_KIND.finditer(question)]
    if kinds:  # "概括成了哪几个“五年”": the kind in quotes is what is asked, whatever numbers come before
        return kinds
    one = named_group(question)
    if one:
        return [one]
    if not (cues.LIST.search(question) or re.search(r"哪[“\"]", question)):  # "强化哪“四个心”"
        return []
    out = []
    for m in _QUOTED_GROUP.finditer(question):
        n = cn_to_number(m.group("n"))
        if n is not None and 2 <= n <= 12 and (int(n), m.group("head")) not in out:
            out.append((int(n), m.group("head")))
    return out


_QUOTED_KIND = re.compile(r"哪(?:几|些)(?:个|种|篇|项|类|条|大|张)?[“\"](?P<head>[\u4e00-\u9fff]{1,4})[”\"]")


def named_group(question: str) -> tuple[int, str] | None:
    """(N, the group's word) of a question on a numbered group: "“六稳”是哪六个方面" -> (6, "稳"),
    "三大攻坚战是哪三个" -> (3, "攻坚战"), "要保住的六个方面有哪些" -> (6, "保"); None for any
    other question."""
    m = cues.NAMED_GROUP.search(question)
    if not m or not cues.LIST.search(question):
        return None
    n = cn_to_number(m.group("n"))
    if n is None or not 2 <= n <= 12:
        return None
    head = m.group("head")
    if head.startswith("方面"):
        # "要优先保住的六个方面": a group asked by its verb — each item opens with that verb's first
        # character, the way reports name such groups (六保: 保居民就业、保基本民生…)
        verb = re.search(rf"([\u4e00-\u9fff]{{1,2}})的{m.group('n')}个?方面", question)
        if verb:
            head = verb.group(1)[0]
    return int(n), head


def find_enumeration(text: str, n: int, head: str) -> tuple[int, int] | None:
    """The span of the first clause of ``text`` holding an enumeration of exactly ``n`` items
    (joined by 、) that belongs to the group: the items hold the group's word at one place when that
    is one character ("稳就业、稳金融", "幼有善育、学有优教"), else the group's word follows the last
    item ("…污染防治的攻坚战")."""
    count = f"{{{n - 1}}}" if n else "{1,11}"  # n = 0: any number of items, each ending in the kind
    # the whole enumeration: no item before its first (the last N of a longer list are not the group)
    pattern = re.compile(rf"(?<![、\u4e00-\u9fff“”\"])({_FIRST_ITEM}(?:、{_ITEM}){count})(?![、\u4e00-\u9fff]*、)")
    quoted = _quoted_run(text, n, head)
    if quoted is not None:
        return quoted
    for m in pattern.finditer(text):
        items = [item.strip("“”\"") for item in m.group(1).split("、")]
        if not n:  # each item, up to a closing quote ("…、流动大厅”三种模式"), ends with the kind
            ok = all(re.split(r"[”\"]", item)[0].endswith(head) for item in items)
        elif len(head) == 1:  # the first item may carry the words before the enumeration ("着力稳就业")
            # the group's word at the same place in every item: first ("稳就业、稳金融"), second
            # ("幼有善育、学有优教" for the "七个有") or last ("科技创新、产业焕新、城市更新" for the "三新")
            at = {item.find(head) for item in items[1:]}
            ok = head in items[0] and len(at) == 1 and at <= {0, 1}
            ok = ok or all(item.endswith(head) for item in items)
        else:  # the last item runs on into the group's word ("污染防治的攻坚战方面…")
            ok = head in items[-1]
        if ok:
            return _clause_around(text, m.start(1), m.end(1))
    return None


def _clause_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause holding ``text[start:end]``: from the punctuation before it to the one after."""
    first = max(text.rfind(ch, 0, start) for ch in "，。；：\n") + 1
    ends = [i for i in (text.find(ch, end) for ch in "，。；\n") if i >= 0]
    return first, min(ends) if ends else len(text)


def _complete(items: list, n: int) -> bool:
    """The items found are the whole group: exactly ``n`` of them, or at least two when the number
    was not said (0)."""
    return len(items) == n if n else len(items) >= 2


# names in quotes one after another ("建成“A示范区”“B示范区”…"), with or without 、 between them
_QUOTED_RUN = re.compile(r"(?:[“\"][^“”\"，,。；;]{2,30}[”\"]、?){2,12}")
_QUOTED_ITEM = re.compile(r"[“\"]([^“”\"]+)[”\"]")


def _quoted_run(text: str, n: int, head: str) -> tuple[int, int] | None:
    """A group spelt out as names in quotes, one after another, each ending in the group's kind
    (the last characters of its word: "示范区" of "教育示范区"): the span of its clause."""
    kind = head[-3:]
    for m in _QUOTED_RUN.finditer(text):
        items = _QUOTED_ITEM.findall(m.group())
        if _complete(items, n) and len(kind) >= 2 and all(i.endswith(kind) for i in items):
            return _clause_around(text, m.start(), m.end())
    return None


_NUMBERED = re.compile(r"(?:^|(?<=[。；;：:\n]))\s*([一二三四五六七八九十])(?:是|要)")


def numbered_items(text: str, n: int, head: str) -> list[tuple[int, int]]:
    """The spans of a group spelt out as numbered items ("一是坚定创优争先的决心；二是坚持提质发展的
    恒心；…", "一要做好煤炭保供和转化文章。…二要做好…文章。"): ``n`` items (any number from two
    when 0) numbered 一, 二, … in turn, each closing its clause with the group's word."""
    run: list[tuple[int, int]] = []
    for m in _NUMBERED.finditer(text):
        number = cn_to_number(m.group(1))
        ends = [i for i in (text.find(ch, m.end()) for ch in "。；;\n") if i >= 0]
        end = min(ends) if ends else len(text)
        # each item closes its clause with the group's word — or its first phrase, before a comma
        # ("一是坚定实施扩大内需战略，在加快推动消费投资增长上实现新突破。")
        comma = text.find("，", m.end(), end)
        fits = any(text[m.start(1): e].rstrip("”\"").endswith(head) for e in (end, comma) if e > 0)
        if number == 1:
            if _complete(run, n):
                break
            run = [(m.start(1), end)] if fits else []
        elif run and number == len(run) + 1 and fits and _same_part(text, run[-1][1], m.start(1)):
            run.append((m.start(1), end))
    return run if _complete(run, n) else []


_PART_STYLES = [pat for name, pat in cues.ITEM_STYLES if name in ("一、", "（一）")]


def _same_part(text: str, end: int, start: int) -> bool:
    """The next item follows in the same part of the report: no heading of a part ("（二）", "三、")
    on a line of its own between, and within a few paragraphs (an item may run on for a paragraph)."""
    return start - end < 3000 and not any(pat.match(line) for line in text[end:start].split("\n")[1:]
                                          for pat in _PART_STYLES)


def heading_lines(text: str, n: int, head: str) -> list[tuple[int, int]]:
    """The spans of a group spelt out as short lines of one frame, each a heading over its own
    paragraph and closing with the group's word ("这是经济实力持续提升的五年。" … "这是人民生活品质不断
    提高的五年。" for the "五年" asked): ``n`` of them (any number from two when 0), in one part of the
    report, the first run found."""
    run: list[tuple[int, int]] = []
    at = 0
    for line in text.split("\n"):
        start, at = at, at + len(line) + 1
        stripped = line.strip().rstrip("。；;！!")
        if 4 <= len(stripped) <= 40 and stripped.endswith(head) and not re.search(r"[，,：:]", stripped):
            if run and not _same_part(text, run[-1][1], start):
                if _complete(run, n):
                    break
                run = []
            first = start + len(line) - len(line.lstrip())
            run.append((first, first + len(stripped)))
    return run if _complete(run, n) else []


def clause_items(text: str, n: int, head: str) -> list[tuple[int, int]]:
    """A group of ``n`` spelt out as clauses of one sentence, each holding the group's word of two
    characters or more ("…人均地区生产总值稳居全国上游、居民收入稳居全国上游" for the "两个稳居";
    "…共同富裕上继续走在前列，在建设…屏障上继续走在前列" for the "两个继续走在前列"): the first run of
    exactly ``n`` such clauses, read between commas, else between 、 too, as one span."""
    if n < 2 or len(head) < 2:
        return []
    for splitter in (r"[，,；;]", r"[，,；;、]"):
        for sentence in re.finditer(r"[^。！？!?\n]+", text):
            bounds, start = [], sentence.start()
            for cut in re.finditer(splitter, sentence.group()):
                bounds.append((start, sentence.start() + cut.start()))
                start = sentence.start() + cut.end()
            bounds.append((start, sentence.end()))
            run: list[tuple[int, int]] = []
            for a, b in bounds + [(0, 0)]:
                if b > a and head in text[a:b]:
                    run.append((a, b))
                    continue
                if len(run) == n:
                    return [(run[0][0], run[-1][1])]
                run = []
    return []


def group_answer(plan: QueryPlan, evidence, metas: dict[str, DocMeta], doc_text, book: CitationBook) -> Draft | None:
    """The enumeration that spells out each group asked about, from the report the question is
    routed to (the best passage's report when several are in scope); None when none is found."""
    asked = named_groups(plan.topic or plan.question)
    if not asked or not doc_text or len(evidence) != 1:
        return None
    side, passages = evidence[0]
    order = [p.doc_id for p in passages] + sorted(side.doc_ids or ())
    for doc_id in dict.fromkeys(order):
        meta, text = metas.get(doc_id), doc_text(doc_id)
        if not meta or not text:
            continue
        spans = []
        for group in asked:
            # clauses each holding the group's word are surer than an enumeration whose last item
            # alone holds it
            clauses = clause_items(text, *group)
            span = None if clauses else find_enumeration(text, *group)
            spans += clauses or ([span] if span is not None else (numbered_items(text, *group)
                                                                  or heading_lines(text, *group)))
        if not spans:
            continue
        cells = []
        for start, end in dict.fromkeys(spans):  # two groups spelt out in one clause are cited once
            passage = Passage(chunk_id=f"{doc_id}:g{start}", doc_id=doc_id, file=meta.file, title=meta.title,
                              town=meta.town or "", region=meta.region or "", year=meta.year or 0, section="",
                              text=text[start:end], start=start, end=end, chunk_index=-1)
            n = book.cite(passage, start, end)
            cells.append(f"{text[start:end].strip()}[{n}]")
        label = meta.town or side.label or "该报告"
        return Draft(f"【{label}】" + "；".join(cells), False, book.citations)
    return None
