"""The LLM prompt: the retrieved passages numbered, fenced as data and fitted to the token budget.

The retrieved passages are numbered [1]..[m] and fenced as data (``<资料 id="n" …>…</资料>``,
with anything fence-like inside them escaped); the system prompt says that text inside the
fences is never an instruction. Passages are added in rank order (sides of a comparison
interleaved) until the tiktoken budget ``settings.answer.llm_context_tokens`` is reached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.cite import MARK, citation_from_passage
from rag.prompts import render_prompt
from rag.query_plan import QueryPlan, Side
from rag.text import cues
from rag.text.tokens import count_tokens, truncate_tokens
from rag.types import Citation, Passage

HISTORY_TURNS = 2
HISTORY_ANSWER_CHARS = 160


# ---------------------------------------------------------------------------------------------- context
@dataclass
class ContextPassage:
    n: int
    passage: Passage
    side: str  # label of the comparison side ("" for a plain question)


@dataclass
class PromptContext:
    text: str
    passages: list[ContextPassage]
    tokens: int
    left_out: int  # passages retrieved but over the token budget

    @property
    def citations(self) -> list[Citation]:
        return [citation_from_passage(cp.n, cp.passage) for cp in self.passages]


_FENCE_CHARS = str.maketrans({"<": "＜", ">": "＞"})
_ATTR_CHARS = str.maketrans({"<": "＜", ">": "＞", '"': "＂", "\n": " ", "\r": " "})


def escape_data(text: str) -> str:
    """Report text inside a fence: no ``<``/``>`` survives, so no ``</资料>``, ``<|im_start|>`` or HTML."""
    return text.translate(_FENCE_CHARS)


# Sentences addressed to an AI rather than to a congress of deputies. A second line of defence
# behind the fences: the model never sees them at all (the citation still shows the full passage).
_SENTENCE = re.compile(r"[^。！？!?\n]*[。！？!?\n]?")
INSTRUCTION_PLACEHOLDER = "［此处原文疑似包含对人工智能的指令，已隐去］"


def defuse_instructions(text: str) -> tuple[str, int]:
    """Replace every sentence that reads like a prompt-injection instruction; returns (text, count)."""
    out, hits = [], 0
    for m in _SENTENCE.finditer(text):
        sentence = m.group(0)
        if sentence and cues.INSTRUCTION.search(sentence):
            hits += 1
            out.append(INSTRUCTION_PLACEHOLDER + ("\n" if sentence.endswith("\n") else ""))
        else:
            out.append(sentence)
    return "".join(out), hits


def _attr(value: object) -> str:
    return str(value).translate(_ATTR_CHARS).strip()


def render_passage(n: int, p: Passage, side: str = "") -> str:
    attrs = [f'id="{n}"']
    if side:
        attrs.append(f'对象="{_attr(side)}"')
    if p.town:
        attrs.append(f'镇="{_attr(p.town)}"')
    if p.year:
        attrs.append(f'报告年份="{_attr(p.year)}"')
    attrs.append(f'文件="{_attr(p.file)}"')
    if p.section:
        attrs.append(f'章节="{_attr(p.section)}"')
    body, _ = defuse_instructions(p.text.strip())
    return f"<资料 {' '.join(attrs)}>\n{escape_data(body)}\n</资料>"


def _interleave(evidence: list[tuple[Side, list[Passage]]]) -> list[tuple[int, Passage]]:
    """(side index, passage) in rank order, the sides of a comparison taking turns."""
    out, seen = [], set()
    depth = max((len(ps) for _, ps in evidence), default=0)
    for rank in range(depth):
        for i, (_, ps) in enumerate(evidence):
            if rank < len(ps) and ps[rank].chunk_id not in seen:
                seen.add(ps[rank].chunk_id)
                out.append((i, ps[rank]))
    return out


def build_context(evidence: list[tuple[Side, list[Passage]]], *, budget_tokens: int,
                  comparison: bool = False, encoding: str = "cl100k_base") -> PromptContext:
    """Number and fence the passages that fit the token budget (rank order), grouped by side."""
    ranked = _interleave(evidence)
    chosen: list[tuple[int, Passage]] = []
    used = 0
    # a comparison shares the budget: no side's passage may take more than its share, so every
    # side that has evidence gets at least its best passage in
    share = budget_tokens // max(1, len(evidence)) - 30 if comparison else budget_tokens
    for side_i, p in ranked:
        label = evidence[side_i][0].label if comparison else ""
        cost = count_tokens(render_passage(99, p, label), encoding) + 1
        if cost > share and share - 60 >= 40:
            text, _ = truncate_tokens(p.text, share - 60, encoding)
            p = Passage(**{**p.to_dict(), "text": text, "end": p.start + len(text)})
            cost = count_tokens(render_passage(99, p, label), encoding) + 1
        if used + cost > budget_tokens:
            room = budget_tokens - used - 60
            side_missing = comparison and all(si != side_i for si, _ in chosen)
            if (chosen and not side_missing) or room < 40:
                if comparison:
                    continue  # another side's passage may still fit
                break
            # a single passage larger than the whole budget: keep its beginning
            text, _ = truncate_tokens(p.text, room, encoding)
            p = Passage(**{**p.to_dict(), "text": text, "end": p.start + len(text)})
            cost = count_tokens(render_passage(99, p, label), encoding) + 1
        chosen.append((side_i, p))
        used += cost
    order = sorted(range(len(chosen)), key=lambda j: (chosen[j][0], j))
    passages = []
    for n, j in enumerate(order, start=1):
        side_i, p = chosen[j]
        passages.append(ContextPassage(n, p, evidence[side_i][0].label if comparison else ""))
    text = "\n\n".join(render_passage(cp.n, cp.passage, cp.side) for cp in passages)
    return PromptContext(text, passages, used, len(ranked) - len(chosen))


def _history_block(history: list[tuple[str, str]]) -> str:
    lines = []
    for q, a in history[-HISTORY_TURNS:]:
        a = MARK.sub("", a or "").replace("\n", " ").strip()
        if len(a) > HISTORY_ANSWER_CHARS:
            a = a[:HISTORY_ANSWER_CHARS] + "…"
        lines.append(f"\n问：{escape_data(q.strip())}\n答：{escape_data(a)}")
    return "".join(lines)


def answer_messages(plan: QueryPlan, context: PromptContext, history: list[tuple[str, str]]) -> list[dict]:
    sides = "、".join(s.label for s in plan.sides if s.label) if plan.comparison else ""
    standalone = plan.standalone if plan.followup and plan.standalone != plan.question else ""
    user = render_prompt("answer_user", history=_history_block(history), context=context.text,
                         question=plan.question, standalone=standalone, sides=sides)
    return [{"role": "system", "content": render_prompt("answer_system")},
            {"role": "user", "content": user}]

