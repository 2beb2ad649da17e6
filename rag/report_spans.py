"""Passages cut from a report's own text by what it is (its admission of problems, its list of
the year's targets), rather than found by retrieval: cited like any retrieved passage."""

from __future__ import annotations

import re

from rag.text import cues
from rag.types import DocMeta, Passage

_TARGETS = re.compile(r"(?:主要)?预期目标(?:是|为)?[：:]|主要目标(?:是|为)[：:]")


def span_passage(meta: DocMeta, text: str, start: int, end: int, kind: str, section: str = "") -> Passage:
    """The report's text ``text[start:end]`` as a passage (``kind`` names what it is in its id)."""
    return Passage(chunk_id=f"{meta.doc_id}:{kind}{start}", doc_id=meta.doc_id, file=meta.file, title=meta.title,
                   town=meta.town or "", region=meta.region or "", year=meta.year or 0, section=section,
                   text=text[start:end], start=start, end=end, chunk_index=-1)


def targets_span(text: str, plan_start: int | None, *, reach: int = 800) -> tuple[int, int] | None:
    """Where a report lists the year's main targets ("今年经济社会发展的主要预期目标是：…"): the
    paragraph holding the first such introduction in the plan part (anywhere when the plan part is
    unknown), with the lines under it when the targets follow on their own lines."""
    m = _TARGETS.search(text, plan_start or 0)
    if m is None:
        return None
    start = text.rfind("\n", 0, m.start()) + 1
    end = text.find("\n", m.end())
    end = len(text) if end < 0 else end
    # the targets run on over the following lines while a line ends on "：" or "；"
    while end < len(text) and text[start:end].rstrip()[-1:] in "：:；;" and end - start < reach:
        nxt = text.find("\n", end + 1)
        nxt = len(text) if nxt < 0 else nxt
        line = text[end + 1: nxt].strip()
        if not line or cues.ITEM_STYLES[0][1].match(line):
            break
        end = nxt
    return start, min(end, start + reach)


def with_targets_passage(plan, evidence, metas: dict[str, DocMeta], doc_text) -> list:
    """A question asking a target of one report checks the report's own list of the year's targets
    beside what retrieval found: reports state their main targets together in one passage, which
    words of everyday speech may not retrieve ("计划让多少人新找到工作" — "城镇新增就业1100万人")."""
    if not plan.wants_number or plan.wants_list or doc_text is None:
        return evidence
    out = []
    for side, passages in evidence:
        if not (side.intent == "target" or (plan.intent == "target" and side.intent != "actual")):
            out.append((side, passages))  # an outcome's side reads the review, not the targets
            continue
        ids = sorted(side.doc_ids) or sorted({p.doc_id for p in passages})
        meta = metas.get(ids[0]) if len(ids) == 1 else None
        text = doc_text(meta.doc_id) if meta else None
        span = targets_span(text, meta.plan_start) if text else None
        if span and not any(p.doc_id == meta.doc_id and p.start < span[1] and span[0] < p.end for p in passages):
            passages = [*passages, span_passage(meta, text, *span, "t")]
        out.append((side, passages))
    return out
