"""Answers read from a report's own structure and metadata: its section headings ("重点工作有哪些？")
and facts about the report itself ("道滘镇属于哪个市？"), each cited to the report's text."""

from __future__ import annotations

import re

from rag.draft import CitationBook, Draft
from rag.query_plan import QueryPlan
from rag.report_spans import span_passage, targets_span
from rag.text import cues
from rag.text.numbers import cn_to_number
from rag.text.sentences import split_sentences
from rag.text.tokens import nouns
from rag.types import DocMeta


def structure_answer(plan: QueryPlan, evidence, metas: dict[str, DocMeta], doc_text, book: CitationBook) -> Draft | None:
    """"杜桥镇今年的重点工作有哪些？": a report answers this with its own section headings
    (（一）… （二）…) of the plan part — or of the review part for 成绩/做法 questions."""
    if not (plan.wants_list and cues.STRUCTURE.search(plan.topic) and doc_text and len(evidence) == 1):
        return None
    if field_asked(plan.topic):
        return None  # "教育方面做了哪些事": that field's work, not the list of sections
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
    lo, hi = _part_reviewed(meta, lo, hi) if review else _part_of_the_year(meta, lo, hi)
    heads = [(sec.start, sec.start + len(sec.heading), sec.path)
             for sec in meta.sections if lo <= sec.start < hi and sec.level == 2]
    if len(heads) < 2:  # a part written as paragraphs opening 一是…二是… instead of headings
        heads = [(a, b, "") for a, b in paragraph_items(text, lo, hi)]
    if names_one_part(plan.topic, [text[a:b] for a, b, _ in heads]):
        return None  # "推动生态文明建设要从哪几方面发力": the items of that part, not the list of parts
    asked = count_asked(plan.topic)
    if asked:
        named = enumeration_of(text, lo, hi, asked)
        if named is not None:
            # the report names its N areas itself, in one sentence ("做好A、B、…等十方面重点工作")
            start, end = named
            n = book.cite(span_passage(meta, text, start, end, "e"), start, end)
            label = meta.town or side.label or "该报告"
            return Draft(f"【{label}】{text[start:end].rstrip('。；;')}[{n}]", False, book.citations)
    if asked and len(heads) != asked:
        # "哪九个方面": the report's own nine, not its sections when they are another number
        items = [(a, b, "") for a, b in paragraph_items(text, lo, hi)]
        heads = items if len(items) == asked else []
    if len(heads) < 2:
        return None
    lines = []
    for start, end, path in heads[:10]:
        n = book.cite(span_passage(meta, text, start, end, "h", section=path), start, end)
        lines.append(f"{len(lines) + 1}. {text[start:end].rstrip('。')}[{n}]")
    label = meta.town or side.label or "该报告"
    part = "回顾部分" if review else "部署部分"
    return Draft(f"【{label}】报告{part}分为以下几个方面：\n" + "\n".join(lines), False, book.citations)


def names_one_part(topic: str, headings: list[str]) -> bool:
    """The question names what one or a few of the report's parts are about ("生态文明建设",
    "保平安、维护社会稳定", "“民生福祉持续改善”"), or something inside one ("政府工作人员的能力
    素质"): a noun of it, other than the words asking for parts (工作, 方面, 成绩…), is in at most a
    third of the headings."""
    if len(headings) < 2:
        return False
    for word in dict.fromkeys(nouns(cues.STRUCTURE.sub(" ", topic))):
        if cues.STRUCTURE.search(word) or cues.REVIEW_WORDS.search(word) or word in _PART_WORDS:
            continue
        if sum(word in h for h in headings) <= max(1, len(headings) // 3):
            return True
    return False


# the words a question uses to ask for a report's parts, not to name a field
_PART_WORDS = frozenset({"工作", "方面", "重点", "任务", "主要", "政府", "报告", "总结", "部署", "安排", "全市", "全省",
                         "全区", "全镇", "全县", "今年", "去年"})


_COUNT_ASKED = re.compile(r"([一二三四五六七八九十两]{1,2})个?(?:方面|大方面|件事|项工作|项任务|项重点)")


def count_asked(topic: str) -> int | None:
    """How many items the question says the answer has ("哪九个方面" -> 9); None when it says not."""
    m = _COUNT_ASKED.search(topic)
    return cn_to_number(m.group(1)) if m else None


_ENUMERATED = re.compile(r"([^。；;！!？?\n]*?)等([一二三四五六七八九十两]{1,2})(?:个|大|项)?(?:方面|项|件)")


def enumeration_of(text: str, lo: int, hi: int, count: int) -> tuple[int, int] | None:
    """The offsets of the clause in ``text[lo:hi]`` that names ``count`` items itself, joined by
    、 and closed by "等N方面/项" ("切实做好城市安全、产业转型、…、政府建设等十方面重点工作"); None
    when no clause there does."""
    for m in _ENUMERATED.finditer(text, lo, hi):
        if cn_to_number(m.group(2)) != count:
            continue
        clause = re.split(r"[，,：:]", m.group(1))[-1]  # the clause that enumerates
        items = clause.split("、")
        if len(items) == count and all(1 <= len(x.strip()) <= 12 for x in items[1:]):
            start = m.end(1) - len(clause)
            end = min([j for j in (text.find(ch, m.end(), hi) for ch in "，,。；;\n") if j >= 0] or [hi])
            return start, end
    return None


_PARAGRAPH_ITEM = re.compile(r"[ \t\u3000]*([一二三四五六七八九十]{1,2})是")


def paragraph_items(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """The heads (first sentences) of paragraphs numbered 一是, 二是, … in order within
    ``text[lo:hi]`` (at least three, the first numbered 一): how some reports structure a part
    instead of with headings ("一是首都功能持续优化提升。…")."""
    items: list[tuple[int, int]] = []
    pos = lo
    while pos < hi:
        end = text.find("\n", pos, hi)
        end = hi if end < 0 else end
        m = _PARAGRAPH_ITEM.match(text, pos, end)
        if m and cn_to_number(m.group(1)) == len(items) + 1:
            stop = min([j for j in (text.find(ch, m.end(), end) for ch in "。；;") if j >= 0] or [end])
            if stop - pos <= 60:
                items.append((pos + len(m.group(0)) - len(m.group(0).lstrip()), stop + (stop < end)))
        pos = end + 1
    return items if len(items) >= 3 else []


_TARGETS_ASKED = re.compile(r"(?:主要|预期)(?:预期)?目标|哪些目标|目标(?:有|是)(?:哪些|什么)")


def targets_answer(plan: QueryPlan, evidence, metas: dict[str, DocMeta], doc_text, book: CitationBook) -> Draft | None:
    """"今年定了哪些主要目标？": the report's own list of the year's main targets ("主要预期目标是：
    …；…；…"), item by item — a report states them together in one passage of its plan part."""
    topic = plan.topic or plan.question
    if not (plan.wants_list and _TARGETS_ASKED.search(topic) and not field_asked(topic) and doc_text
            and len(evidence) == 1):
        return None
    side, passages = evidence[0]
    ids = set(side.doc_ids) or {p.doc_id for p in passages[:1]}
    meta = metas.get(next(iter(ids))) if len(ids) == 1 else None
    text = doc_text(meta.doc_id) if meta else None
    span = targets_span(text, meta.plan_start) if text else None
    if not span:
        return None
    a, b = span
    colon = re.search(r"[：:]", text[a:b])
    if not colon:
        return None
    intro, body = text[a: a + colon.start()].strip(), text[a + colon.end(): b]
    items = [x.strip().rstrip("。") for x in re.split(r"[；;\n]", body) if len(x.strip()) >= 4]
    if len(items) < 2:
        return None
    n = book.cite(span_passage(meta, text, a, b, "t"), a, b)
    label = side.label or meta.entity or meta.town or "该报告"
    lines = [f"{i}. {item}[{n}]" for i, item in enumerate(items, 1)]
    return Draft(f"【{label}】{intro}[{n}]：\n" + "\n".join(lines), False, book.citations)


def field_asked(topic: str) -> str:
    """The field a question names ("在孩子上学方面做了哪些事" -> 孩子上学), "" when it names none
    ("哪几个方面", "各方面"): counting words and the report's parts do not name a field."""
    for m in cues.FIELD_ASKED.finditer(topic):
        field = re.sub(r"^(?:在|关于|对于|对|去年|今年|全年|主要|重点)+", "", m.group(1))
        if len(field) >= 2 and not re.search(r"[哪几各每]|[一二三四五六七八九十两]个?$", field):
            return field
    return ""


def _parts_with_heads(meta: DocMeta, lo: int, hi: int) -> list[tuple]:
    """The top-level sections between ``lo`` and ``hi`` that have headings under them, with their ends."""
    tops = [sec for sec in meta.sections if lo <= sec.start < hi and sec.level == 1]
    bounds = [(sec, nxt.start if nxt else hi) for sec, nxt in zip(tops, tops[1:] + [None])]
    return [(sec, end) for sec, end in bounds
            if sum(1 for s in meta.sections if sec.start < s.start < end and s.level == 2) >= 2]


def _part_reviewed(meta: DocMeta, lo: int, hi: int) -> tuple[int, int]:
    """The span of the review part's top-level section that reviews the year, when the part before
    the plan has several with headings under them ("一、2025年工作回顾" before "二、关于规划纲要的
    说明"): the one naming the reviewed year or a review word, else the first; else the whole part."""
    with_heads = _parts_with_heads(meta, lo, hi)
    if len(with_heads) < 2:
        return lo, hi
    year = f"{meta.period_reviewed}年" if meta.period_reviewed else None
    for sec, end in with_heads:
        if (year and year in sec.heading) or re.search(r"回顾|过去|成绩|成效", sec.heading):
            return sec.start, end
    return with_heads[0][0].start, with_heads[0][1]


def _part_of_the_year(meta: DocMeta, lo: int, hi: int) -> tuple[int, int]:
    """The span of the plan part's top-level section about the year ahead, when the plan part
    has several with headings under them ("二、“十五五”时期主要目标" before "三、2026年工作安排"):
    the one naming the planned year or the year ahead (今年, 新的一年); else the whole plan part."""
    with_heads = _parts_with_heads(meta, lo, hi)
    if len(with_heads) < 2:
        return lo, hi
    year = f"{meta.period_planned}年" if meta.period_planned else None
    for sec, end in with_heads:
        if (year and year in sec.heading) or cues.PLANNED.search(sec.heading):
            return sec.start, end
    return lo, hi


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
    passage = span_passage(meta, text, span.start, span.end, "meta")
    n = book.cite(passage, span.start, span.end)
    label = meta.town or (plan.sides[0].label if plan.sides and plan.sides[0].label else "该报告")
    what = _ABOUT_LABEL[plan.about_report]
    shown = f"{value}年" if plan.about_report in ("reviewed", "planned") else str(value)
    quote = passage.text.strip().rstrip("。；;")
    # the value is metadata read from the cited sentence (possibly inferred, e.g. from an
    # anniversary), so it is shown as a label and the sentence is the evidence
    return Draft(f"【{label}】{what}：【{shown}】，依据原文：{quote}[{n}]", False, book.citations)
