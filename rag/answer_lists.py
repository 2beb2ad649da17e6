"""Extracting the list that follows a sentence in a report: its enumerated items by their heads."""

from __future__ import annotations

import re

from rag.text.numbers import cn_to_number

from rag.text import cues
from rag.text.sentences import split_sentences


_ITEM_WHOLE = 70  # an item up to this long is quoted whole


def _item_head(seg: str) -> str:
    """An enumerated item by its head: the whole item up to its semicolon or full stop when short
    ("一是经济运行外部环境风险增多，经济下行压力加大"), else up to its first comma when that says
    something ("一是深化改革难度不断加大，…" -> "一是深化改革难度不断加大"), else its first 80 characters."""
    end = re.search(r"[；;。]", seg)
    if end and end.start() <= _ITEM_WHOLE:
        return seg[: end.start()]
    if not end and len(seg) <= _ITEM_WHOLE:
        return seg.rstrip()
    m = re.search(r"[，,]", seg)
    if m and m.start() >= 6:
        return seg[: m.start()]
    return seg[:80]


def list_restart(doc: str, pos: int, *, reach: int = 800) -> tuple[int, int, str] | None:
    """When the text after ``pos`` goes on with an inline item numbered above one ("…。二是…"), the
    list began before ``pos``: (start, end) of the sentence holding its first item ("…：一是…。")
    and the numbering style; None when the text after ``pos`` is no such item."""
    m = cues.LATER_INLINE_ITEM.match(doc[pos: pos + 40].lstrip())
    if not m or m.group(1) != "二":
        return None  # before a later item ("…。五是"), the text is that item's own body, not the list's start
    first = "一" + m.group(2)
    i = doc.rfind(first, max(0, pos - reach), pos)
    if i < 0:
        return None
    start = max(doc.rfind(ch, 0, i) for ch in "。！？\n") + 1
    stops = [j for j in (doc.find(ch, i) for ch in "。！？\n") if j >= 0]
    end = min(stops) + 1 if stops else len(doc)
    return start, min(end, pos), first


def list_before(doc: str, pos: int, *, reach: int = 2000) -> tuple[int, int] | None:
    """A sentence opening with 以上/上述 ("以上问题事关长远发展…") closes an inline list that ends
    right before ``pos``: (start of the sentence introducing the list, start of its first item
    "一是"), or None when no such list ("一是…二是…") precedes it."""
    lo = max(0, pos - reach)
    i = doc.rfind("一是", lo, pos)
    if i < 0 or "二是" not in doc[i:pos] or "\n\n" in doc[i:pos]:
        return None
    intro = max(doc.rfind(ch, lo, i - 1) for ch in "。！？\n") + 1
    return (intro, i) if i - intro >= 4 else None


_STATED_COUNT = re.compile(r"(\d{1,2}|[两二三四五六七八九十]{1,3})\s*(?:件|项|个|条|大|类|方面)[^，,。；;：:]{0,16}[：:。]")


def stated_count(before: str) -> int | None:
    """The number of items a list's introduction announces ("今年再办好15件民生实事：" or "…实事。"
    -> 15, "重点抓好五个方面工作：" -> 5), read from the text before the list goes on (the
    introduction and at most its first item); from 2 to 30, else None."""
    found = [m for m in _STATED_COUNT.finditer(before) if "。" not in before[m.end():].rstrip().rstrip("。；;")]
    if not found:
        return None
    m = found[-1]
    n = cn_to_number(m.group(1))
    return int(n) if n is not None and 2 <= n <= 30 else None


def list_items_after(doc: str, pos: int, *, limit_chars: int = 900, max_items: int = 12,
                     style: str | None = None) -> list[tuple[int, int]]:
    """Spans (document offsets) of the list that follows position ``pos``: what is left of the
    paragraph (its enumerated items by their heads — "一是…；二是…" — or its short sentences),
    then the head of each following enumerated line ("一是…。", "2.…", "（三）…"). ``style``: the
    inline numbering already in force ("一是"), so the body of the item before ``pos`` is skipped."""
    stated = stated_count(doc[max(0, pos - 300): pos])
    if stated:  # the introduction counts its items ("再办好15件民生实事："): all of them, however long
        max_items, limit_chars = max(max_items, stated), max(limit_chars, 150 * stated)
    window = doc[pos: pos + 20000]
    lines = window.split("\n")
    spans: list[tuple[int, int]] = []
    used = 0
    inline_style = style  # the list's numbering when its first item came before ``pos``
    for sp in split_sentences(lines[0]):
        seg = lines[0][sp.start: sp.end]
        kind = _item_style(seg)
        if kind is not None and (inline_style is None or kind == inline_style):
            inline_style = kind
            seg = _item_head(seg)
        elif inline_style is not None:
            continue  # the body of the item above
        elif cues.FIELD_HEADING.match(seg):
            break  # the next field's heading run into the paragraph ends this field's items
        elif len(seg) > 150 and not _figure_run(seg):
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
                if head and _is_heading_line(line):  # an item heading on its own line is its head
                    seg = line.rstrip()
                    spans.append((offset, offset + len(seg)))
                    used += len(seg)
                elif head:
                    # the line's own item, and the items numbered after it in the same paragraph
                    # ("一是教育发展优质均衡。…二是医疗水平稳步提升。…")
                    for sp in head:
                        sentence = line[sp.start: sp.end]
                        if sp is not head[0] and _item_style(sentence) != style:
                            continue
                        if len(spans) >= max_items or used > limit_chars:
                            break
                        seg = _item_head(sentence)
                        spans.append((offset + sp.start, offset + sp.start + len(seg)))
                        used += len(seg)
        offset += len(line) + 1
    return spans


def _is_heading_line(line: str) -> bool:
    """A line that is only an item's heading: short, no full stop ("(一)以…为引领,全力推动…发展")."""
    text = line.strip()
    return len(text) <= 60 and not re.search(r"[。！？!?]", text)


def _figure_run(seg: str) -> bool:
    """A long sentence that is itself a list of figures ("规模以上工业增加值增长7.5%左右，固定资产投资
    增长8%左右，…"): at least three clauses, most of them carrying a figure."""
    clauses = [c for c in re.split(r"[，,、；;]", seg) if c.strip()]
    return len(clauses) >= 3 and sum(bool(re.search(r"\d", c)) for c in clauses) >= 0.7 * len(clauses)


_STYLE_RANK = {name: i for i, (name, _) in enumerate(cues.ITEM_STYLES)}


def _item_style(line: str) -> str | None:
    for name, pat in cues.ITEM_STYLES:
        if pat.match(line):
            return name
    return None


_SUBHEAD = re.compile(r"[^，,、；;：:“”\"\d\s]{4,14}。")
# a head numbered inline ("三是抓好决胜全面建成小康社会三大攻坚战。"): its number makes it a head, so
# it may run longer than an unnumbered one
_NUMBERED_SUBHEAD = re.compile(r"[一二三四五六七八九十]是[^，,、；;：:“”\"\d\s]{2,26}。")


def _is_subhead(text: str) -> bool:
    return bool(_SUBHEAD.fullmatch(text) or _NUMBERED_SUBHEAD.fullmatch(text))


def subheads_after(doc: str, pos: int) -> list[tuple[int, int]]:
    """A paragraph whose parts are headed by short sentences run into it ("(五)强化综合治理…。紧扣…。
    社会治安水平不断提升。率先完成…。应急管理基础不断夯实。强化…。"): spans of those heads after
    ``pos`` — a short sentence without commas or figures followed by a longer one — when the sentence
    ending at ``pos`` leads its paragraph (nothing before it but the paragraph's own numbered heading),
    is no such head itself, and at least two such heads follow; else none."""
    line_start = doc.rfind("\n", 0, pos) + 1
    own = split_sentences(doc, line_start, pos)
    if own and _SUBHEAD.fullmatch(doc[own[-1].start:own[-1].end]):
        return []  # the sentence is itself a part's head ("扎实办好民生实事。"): its items are its body
    if len(own) > 2 or (len(own) == 2 and not cues.ITEM_START.match(doc[line_start:].lstrip())):
        return []  # the sentence does not lead its paragraph
    line_end = doc.find("\n", pos)
    line_end = len(doc) if line_end < 0 else line_end
    sents = split_sentences(doc, pos, line_end)
    heads = []
    for cur, nxt in zip(sents, sents[1:]):
        text = doc[cur.start:cur.end]
        # a short lead-in before the first head ("主要考虑：一是战略机遇叠加。") is not part of it
        lead = _HEAD_LEAD_IN.match(text)
        start = cur.start + (lead.end() if lead and _is_subhead(text[lead.end():]) else 0)
        if _is_subhead(doc[start:cur.end]) and nxt.end - nxt.start > cur.end - start:
            heads.append((start, cur.end))
    return heads if len(heads) >= 2 else []


_HEAD_LEAD_IN = re.compile(r"[^。；;，,：:]{1,8}[：:]")


def closes_an_item(doc: str, start: int, pos: int) -> bool:
    """What follows the sentence ``doc[start:pos]`` is the next item of an enclosing list ("…暖心从业。
    六是…", "…\n（二）…") that did not begin in the sentence itself ("…亮点：一是…；" then "二是…"): the
    sentence closes an item and introduces nothing."""
    after = doc[pos:].lstrip()
    if not cues.ITEM_START.match(after) or cues.FIRST_ITEM.match(after):
        return False
    own = doc[start:pos]
    return not any(cues.FIRST_ITEM.match(own[m.end():]) for m in re.finditer(r"(?:^|[：:；;，,])", own))

