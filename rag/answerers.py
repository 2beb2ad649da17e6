"""Answerers as strategies: the offline extractive answerer and the LLM answerer behind one protocol.

An answerer turns a query plan and its evidence into a :class:`Draft` (text with [n] marks and
the citations they point at), yielding text deltas first when it streams. Which answerer runs is
decided in one place (:func:`answerer_for`, from the backend name); validation and the fallback
to the offline answer happen once, in rag.chat.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator, Protocol

from rag.answer import extractive_answer
from rag.config import Settings
from rag.draft import Draft
from rag.query_plan import QueryPlan, Side
from rag.bm25_index import BM25Index
from rag.types import DocMeta, Passage

Evidence = list[tuple[Side, list[Passage]]]


@dataclass
class AnswerContext:
    """What an answerer may read besides the plan and evidence."""

    index: BM25Index
    metas: dict[str, DocMeta]
    doc_text: Callable[[str], str | None]
    history: list[tuple[str, str]]
    # (question, texts) -> the embedding model's cosine of each text (the answer gate reads it)
    similarity: Callable[[str, list[str]], list[float]] | None = None


class Answerer(Protocol):
    name: str

    def answer(self, plan: QueryPlan, evidence: Evidence, ctx: AnswerContext) -> Iterator[str | Draft]:
        """Yield text deltas (optional), then exactly one Draft."""


class ExtractiveAnswerer:
    """Quotes the report sentences that carry the answer (no model, offline)."""

    name = "extractive"

    def answer(self, plan: QueryPlan, evidence: Evidence, ctx: AnswerContext) -> Iterator[str | Draft]:
        yield extractive_answer(plan, evidence, index=ctx.index, metas=ctx.metas, doc_text=ctx.doc_text,
                                similarity=ctx.similarity)


class LLMAnswerer:
    """An OpenAI-compatible chat model over the fenced passages (streams; raises LLMError)."""

    name = "llm"

    def __init__(self, settings: Settings):
        self.settings = settings

    def answer(self, plan: QueryPlan, evidence: Evidence, ctx: AnswerContext) -> Iterator[str | Draft]:
        from rag.llm import iter_llm_answer

        yield from iter_llm_answer(plan, evidence, settings=self.settings, history=ctx.history)


def answerer_for(backend: str, settings: Settings) -> Answerer:
    """The one place that maps a backend name to its answerer."""
    if backend == "llm":
        return LLMAnswerer(settings)
    return ExtractiveAnswerer()
