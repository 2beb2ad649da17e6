"""The problems a report admits ("存在哪些问题/短板？"), answered from its own admission paragraph.

Government work reports close their review with one paragraph that owns up to what is still
wrong: "同时，我们也清醒地认识到，…还面临不少困难和挑战：一是…；二是…。" (or "从…上看，…。"
items), often followed by "面对这些问题，我们将…". A question about the report's problems,
shortcomings or difficulties is answered by that paragraph — its introduction and its items —
not by sentences of the plan that happen to use the word 短板 or 问题.
"""

from __future__ import annotations

import re

from rag.answer_lists import list_items_after
from rag.draft import CitationBook, Draft
from rag.query_plan import QueryPlan
from rag.report_spans import span_passage
from rag.text import cues
from rag.text.tokens import nouns
from rag.types import DocMeta

_CUT = "。！？!?\n"


def asks_problems(plan: QueryPlan) -> bool:
    """The question asks which problems the report admits ("存在哪些问题/短板", "还有哪些难处没解决"),
    not how they were solved ("解决了哪些问题")."""
    topic = plan.topic or plan.question
    return bool(cues.ASKS_PROBLEMS.search(topic) and not cues.SOLVES_PROBLEMS.search(cues.UNSOLVED.sub(" ", topic))
                and (plan.wants_list or re.search(r"什么|哪", topic)))


def problems_answer(plan: QueryPlan, evidence, metas: dict[str, DocMeta], doc_text,
                    book: CitationBook) -> Draft | None:
    """The admission paragraph of the one report asked about, quoted as a list; None when the
    question does not ask for the report's problems or the report has no such paragraph."""
    if not (asks_problems(plan) and doc_text and len(evidence) == 1):
        return None
    side, passages = evidence[0]
    found = _admitted(plan, side, passages, metas, doc_text, book)
    if found is None:
        return None
    n, intro, items, meta = found
    label = side.label or meta.entity or meta.town or "该报告"
    if not items:
        return Draft(f"【{label}】{intro}[{n}]", False, book.citations)
    lines = [f"{i}. {item}[{n}]" for i, item in enumerate(items, 1)]
    return Draft(f"【{label}】{intro}[{n}]：\n" + "\n".join(lines), False, book.citations)


def problems_cell(plan: QueryPlan, side, passages, metas: dict[str, DocMeta], doc_text,
                  book: CitationBook) -> tuple[str, list[int]] | None:
    """A comparison side's cell for a question about the problems each report admits: its items
    in one line ("A；B；C[n]"), or None (the side is answered like any other)."""
    if not (asks_problems(plan) and doc_text):
        return None
    found = _admitted(plan, side, passages, metas, doc_text, book)
    if found is None:
        return None
    n, intro, items, _ = found
    return ("；".join(items) if items else intro) + f"[{n}]", [n]


def _admitted(plan: QueryPlan, side, passages, metas: dict[str, DocMeta], doc_text, book: CitationBook):
    """(citation number, introduction, items, report) of the side's one report's admission
    passage, cited; None without one report, without such a passage, or when the question names a
    field the passage does not speak of."""
    ids = list(dict.fromkeys(sorted(side.doc_ids) or [p.doc_id for p in passages[:1]]))
    if len(ids) != 1:
        return None
    meta, text = metas.get(ids[0]), doc_text(ids[0])
    if not meta or not text:
        return None
    found = admission(text, meta.plan_start)
    if found is None:
        return None
    intro_start, intro_end, items = found
    end = items[-1][1] if items else intro_end
    if _names_another_topic(plan.topic or plan.question, text[intro_start:end], text):
        return None  # "招商引资方面存在什么困难": a field the admission does not speak of
    n = book.cite(span_passage(meta, text, intro_start, end, "p"), intro_start, end)
    intro = text[intro_start:intro_end].strip().rstrip("：:，,。；;")
    return n, intro, [text[a:b].strip().rstrip("。；;，,") for a, b in items], meta


def _names_another_topic(topic: str, admitted: str, report: str) -> bool:
    """The question names a field (a noun the report uses, other than a word for problems or for the
    government itself) that the admission passage does not speak of: it asks about that field."""
    return any(word in report and word not in admitted and not cues.PROBLEM_WORDS.search(word)
               and not cues.ASKS_PROBLEMS.search(word) and not word.endswith("政府")
               for word in nouns(_ASKING_PHRASES.sub(" ", topic)))


# "哪几方面" and "…不方便的地方？" ask, they name no field
_ASKING_PHRASES = re.compile(r"[哪几多一二三四五六七八九十]*个?方面|的地方(?=[？?！!。]*$)")


def admission(text: str, plan_start: int | None) -> tuple[int, int, list[tuple[int, int]]] | None:
    """(start, end of the introduction, item spans) of the passage admitting the report's problems,
    before the plan part when it is known: the first sentence owning up to problems ("清醒地认识到…
    困难和挑战", "问题也不容忽视"), else the first saying they remain ("还面临一些困难和挑战"), never
    one telling how they were overcome ("战胜…困难"). Its items: what follows its colon or it, in
    its paragraph (or the enumerated lines under it), up to the sentence referring back to them
    ("面对这些问题…")."""
    limit = plan_start if plan_start else len(text)
    weak = None
    start = 0
    while start < limit:
        stops = [j for j in (text.find(ch, start) for ch in _CUT) if j >= 0]
        end = min(stops) + 1 if stops else len(text)
        sentence = text[start:end]
        colon = re.search(r"[：:]", sentence)
        head = sentence[: colon.start()] if colon else sentence  # the introduction, before its items
        for cue in (cues.ADMITS_PROBLEMS, cues.ADMITS_PROBLEMS_WEAK):
            m = cue.search(head)
            # the problems named in the introduction, or listed right after "清醒认识到："
            named = cues.PROBLEM_WORDS.search(head) or (colon and not head[m.end():].strip("，, ") if m else False)
            # what is done about them is told before the first problem word ("针对…问题", "战胜…困难")
            said = head[: named.end()] if isinstance(named, re.Match) else head
            if m and named and not cues.SOLVES_PROBLEMS.search(said):
                if cue is cues.ADMITS_PROBLEMS:
                    return _with_items(text, start, end, m.end())
                weak = weak or (start, end, m.end())
        if colon and not weak and cues.PROBLEM_WORDS.search(head) and not cues.SOLVES_PROBLEMS.search(head) \
                and re.match(r"\s*一是", sentence[colon.end():]):
            weak = (start, end, colon.start())  # "一些新问题更加躲不过：一是…"
        start = end
    return _with_items(text, *weak) if weak else None


def _with_items(text: str, start: int, end: int, cue_end: int) -> tuple[int, int, list[tuple[int, int]]]:
    """The admission sentence ``text[start:end]`` with its items (see ``admission``)."""
    lead = len(text[start:end]) - len(text[start:end].lstrip())
    colon = re.search(r"[：:]", text[start + cue_end: end])
    intro_end = start + cue_end + colon.end() if colon else end
    para_end = text.find("\n", intro_end)
    para_end = len(text) if para_end < 0 else para_end
    if text[intro_end:para_end].strip():
        spans = [(a, b) for a, b in list_items_after(text, intro_end) if b <= para_end]
        if len(spans) < 2:  # one sentence of clauses ("…：A；B；C。")
            spans = [(intro_end + m.start(), intro_end + m.end())
                     for m in re.finditer(r"[^；;。！？!?]+[；;。！？!?]?", text[intro_end:para_end])]
    else:  # the items are the enumerated lines under it, up to the next heading
        spans = [(a, b) for a, b in list_items_after(text, intro_end)
                 if not _HEADING.match(text[a:b])]
    items = []
    for a, b in spans:
        if cues.CLOSES_PROBLEMS.search(text[a:b]) or not text[a:b].strip():
            break
        if re.fullmatch(r"\s*等等?[。；;，,]?\s*", text[a:b]):
            break  # "…；等等。" closes the list, it is no item
        items.append((a, b))
    # each item whole: up to the next item (a list's items are quoted by their heads elsewhere;
    # here the problem is the answer), within its paragraph
    whole = []
    for i, (a, b) in enumerate(items):
        stop = items[i + 1][0] if i + 1 < len(items) else _sentence_end(text, b)
        closing = re.search(r"[；;]\s*等等?[。；;]?\s*$", text[a:stop])  # "…；等等。"
        if closing:
            stop = a + closing.start() + 1
        nl = text.find("\n", a)
        whole.append((a, min(stop, nl) if 0 <= nl < stop else stop))
    return start + lead, intro_end, whole


def _sentence_end(text: str, pos: int) -> int:
    """The end of the sentence running at ``pos`` (its full stop included)."""
    if pos > 0 and text[pos - 1] in _CUT:
        return pos
    stops = [j for j in (text.find(ch, pos) for ch in _CUT) if j >= 0]
    return min(stops) + (text[min(stops)] != "\n") if stops else len(text)


_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,2}、|[（(][一二三四五六七八九十]{1,2}[)）])")
