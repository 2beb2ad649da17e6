"""Writing a draft answer: numbered citations and the chosen sentences quoted with their [n] marks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from rag.answer_lists import closes_an_item, list_before, list_items_after, list_restart, subheads_after
from rag.sentence_choice import trim_sentence
from rag.sentence_scoring import Sentence, introduces_list
from rag.text import cues
from rag.text.cues import NOT_FOUND
from rag.types import Citation, ComparisonRow, Passage


@dataclass
class Draft:
    """What an answerer returns before validation: text with [n] marks and its citations."""

    answer: str
    refused: bool
    citations: list[Citation]
    comparison: list[ComparisonRow] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    # what the answer gate measured of the best sentence and its verdict (rag.answer_gate), if it ran
    gate: dict = field(default_factory=dict)


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


def render_quotes(picked: list[Sentence], terms, plan, book: CitationBook, doc_text=None) -> str:
    """The chosen sentences quoted (trimmed to the figure asked, or followed by the list they
    introduce), each clause carrying its [n] mark; a list question gets numbered lines."""
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
        doc = doc_text(p.doc_id) if doc_text and plan.wants_list and cues.REFERS_BACK.match(s.text) else None
        back = list_before(doc, s.start) if doc else None
        if back:
            # "以上问题…" closes the list before it: quote the list, from its introduction
            a, first = back
            items = list_items_after(doc, first)
            if items:
                b = items[-1][1]
                quote = doc[a:first].strip().rstrip("，,；;：:。!！") + "：" + "；".join(
                    doc[x:y].strip().rstrip("。；;") for x, y in items)
                parts.append(_cite_list(p, doc, a, b, quote, book, covered_until))
                continue
        doc = doc_text(p.doc_id) if doc_text and plan.wants_list else None
        heads = subheads_after(doc, s.end) if doc else []
        if heads:
            # the paragraph's parts are headed by short sentences run into it: they are the items
            quote = quote + "：" + "；".join(doc[x:y].strip().rstrip("。") for x, y in heads)
            parts.append(_cite_list(p, doc, a, heads[-1][1], quote, book, covered_until))
            continue
        # a list question, or a colon list that runs on over "；" ("主要预期目标是：…；…；…"); asked for
        # a list, a sentence ending on "；" runs on too: the clauses after it are the list's items
        runs_on = (bool(re.search(r"[：:]", s.text)) or plan.wants_list) and s.text.rstrip()[-1:] in "；;"
        if (plan.wants_list and introduces_list(s)) or runs_on:
            doc = doc_text(p.doc_id) if doc_text else None
            restart = list_restart(doc, s.end) if doc and plan.wants_list else None
            if restart and restart[0] < s.start:
                # the sentence is the body of the list's first item: quote from the list's start
                a, b, style = restart
                quote = doc[a:b].strip().rstrip("，,；;：:。!！")
                p = _covering(p, doc, a, b)
                items = list_items_after(doc, b, style=style)
            elif doc:
                items = [] if closes_an_item(doc, s.start, s.end) else list_items_after(doc, s.end)
            else:
                items = [(p.start + x, p.start + y) for x, y in list_items_after(p.text, s.end - p.start)]
            if items:
                b = items[-1][1]
                heads = [(doc[x:y] if doc else p.text[x - p.start: y - p.start]).strip().rstrip("。；;")
                         for x, y in items]
                joiner = "；" if re.search(r"[：:]", quote) else "："
                quote = quote + joiner + "；".join(heads)
                if doc:  # the list may run past the retrieved chunk: cite the passage extended to it
                    p = _covering(p, doc, a, b)
                covered_until[p.doc_id] = b
        parts.append(_marked(quote, book.cite(p, a, b)))
    if plan.wants_list and len(parts) > 1:
        return "\n".join(f"{i}. {p}" for i, p in enumerate(parts, 1))
    return "；".join(parts)


def _marked(quote: str, n: int) -> str:
    """The quote with its mark [n] on every clause (the validator checks clause by clause)."""
    return re.sub(r"[；;](?=.)", f"[{n}]；", quote) + f"[{n}]"


def _cite_list(p: Passage, doc: str, a: int, b: int, quote: str, book: CitationBook,
               covered_until: dict[str, int]) -> str:
    """A list quoted from the report's ``doc[a:b]``: cited on the passage extended over it, and marked
    as covered so that the sentences inside it are not quoted again."""
    p = _covering(p, doc, a, b)
    covered_until[p.doc_id] = b
    return _marked(quote, book.cite(p, a, b))


def _covering(p: Passage, doc: str, a: int, b: int) -> Passage:
    """The passage, extended over the report's text so that it holds ``doc[a:b]``."""
    start, end = min(p.start, a), max(p.end, b)
    return p if (start, end) == (p.start, p.end) else replace(p, start=start, end=end, text=doc[start:end])


def masked_refusal(best: Sentence, book: CitationBook, label: str) -> str:
    """The figure asked is masked in the report ("xx"): say so, citing the sentence."""
    n = book.cite(best.passage, best.start, best.end)
    who = f"{label}的" if label else ""
    return f"{NOT_FOUND}具体数字：{who}报告原文中该数据已被隐去（以 x 代替）[{n}]。"
