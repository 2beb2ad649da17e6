"""The LLM answer backend: any OpenAI-compatible chat endpoint (OpenAI, DeepSeek, Qwen, vLLM, llama.cpp …).

The prompt (passages fenced as data within a token budget) is built by rag.llm_prompt and sent by
rag.llm_client (streamed, retried, the key never shown). This module turns the model's text into
a :class:`Draft`: citation marks normalised and renumbered, comparison rows, refusals; it also
rewrites follow-up questions and streams an answer's deltas to another thread's consumer.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
from typing import Callable, Iterator

from rag.draft import Draft
from rag.cite import MARK, citation_from_passage
from rag.config import Settings
from rag.llm_client import ANSWER_MAX_TOKENS, LLMError, chat_completion
from rag.llm_prompt import HISTORY_ANSWER_CHARS, HISTORY_TURNS, PromptContext, answer_messages, build_context
from rag.prompts import render_prompt
from rag.query_plan import QueryPlan, Side
from rag.text.cues import NOT_FOUND
from rag.types import Citation, ComparisonRow, Passage

log = logging.getLogger("govqa.llm")

CONDENSE_MAX_TOKENS = 150


# ---------------------------------------------------------------------------------------------- the answer
_FULLWIDTH_MARK = re.compile(r"[［【〔]\s*(\d{1,2})\s*[］】〕]")
_WORD_MARK = re.compile(r"\[\s*(?:资料|来源|编号|id\s*=?)\s*(\d{1,2})\s*\]", re.I)
_LIST_MARK = re.compile(r"\[\s*(\d{1,2}(?:\s*[,，、;；]\s*\d{1,2})+)\s*\]")
_RANGE_MARK = re.compile(r"\[\s*(\d{1,2})\s*[-–~～]\s*(\d{1,2})\s*\]")
_CARET_MARK = re.compile(r"\[\^(\d{1,2})\]")
_TAG_LEAK = re.compile(r"</?资料[^>＞\n]*[>＞]?")


def normalise_marks(text: str) -> str:
    """Bring the citation styles models actually write (【1】, [资料1], [1,2], [1-3]) to ``[n]``."""
    text = _FULLWIDTH_MARK.sub(r"[\1]", text)
    text = _WORD_MARK.sub(r"[\1]", text)
    text = _CARET_MARK.sub(r"[\1]", text)
    text = _LIST_MARK.sub(lambda m: "".join(f"[{x}]" for x in re.findall(r"\d{1,2}", m.group(1))), text)

    def _range(m: re.Match) -> str:
        a, b = int(m.group(1)), int(m.group(2))
        return "".join(f"[{i}]" for i in range(a, b + 1)) if 0 < a <= b <= a + 5 else m.group(0)

    text = _RANGE_MARK.sub(_range, text)
    return _TAG_LEAK.sub("", text)


def _renumber_by_use(text: str, ctx: PromptContext) -> tuple[str, list[Citation]]:
    """Number the passages in order of first citation; uncited ones follow (validation may re-cite)."""
    known = {cp.n for cp in ctx.passages}
    order: list[int] = []
    for m in MARK.findall(text):
        if int(m) in known and int(m) not in order:
            order.append(int(m))
    order += [cp.n for cp in ctx.passages if cp.n not in order]
    mapping = {old: new for new, old in enumerate(order, start=1)}
    text = MARK.sub(lambda m: f"[{mapping[int(m.group(1))]}]" if int(m.group(1)) in mapping else m.group(0), text)
    by_n = {cp.n: cp.passage for cp in ctx.passages}
    return text, [citation_from_passage(mapping[old], by_n[old]) for old in order]


def _is_refusal(text: str) -> bool:
    body = text.strip()
    return body.startswith(NOT_FOUND) or (NOT_FOUND in body and not MARK.search(body))


def _comparison_rows(text: str, plan: QueryPlan) -> tuple[str, list[ComparisonRow]]:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    rows: list[ComparisonRow] = []
    for side in plan.sides:
        stem = re.sub(r"(镇|乡|街道)$", "", side.label) if len(side.label) > 2 else side.label
        cell = None
        for ln in lines:
            m = re.match(r"^[\s\-*•#\d.、]*(?:\*\*)?([^：:]{1,30}?)(?:\*\*)?\s*[：:]\s*(.*)$", ln)
            if m and stem and stem in m.group(1):
                cell = m.group(2).strip() or NOT_FOUND
                break
        if cell is None and stem:  # a table row or a sentence naming the side
            cell = next((ln.strip("| ") for ln in lines if stem in ln), None)
        if cell is None:
            cell = NOT_FOUND
            text = text.rstrip() + f"\n{side.label}：{NOT_FOUND}"
        rows.append(ComparisonRow(side.label, cell, [int(x) for x in MARK.findall(cell)]))
    return text, rows


def llm_answer(plan: QueryPlan, evidence: list[tuple[Side, list[Passage]]], *, settings: Settings,
               history: list[tuple[str, str]], on_delta: Callable[[str], None] | None = None) -> Draft:
    """Answer from the passages with the configured chat model; raises :class:`LLMError` on failure."""
    if plan.unknown_places:
        names = "、".join(plan.unknown_places)
        return Draft(f"{NOT_FOUND}{names}：已导入的报告中没有关于{names}的报告。", True, [])
    context = build_context(evidence, budget_tokens=settings.answer.llm_context_tokens, comparison=plan.comparison,
                            encoding=settings.chunk.tokenizer_encoding)
    if not context.passages:
        topic = (plan.topic or plan.question).strip("？?。 ")
        return Draft(f"{NOT_FOUND}“{topic}”：没有检索到相关的报告内容。", True, [])
    messages = answer_messages(plan, context, history)
    raw = chat_completion(messages, settings=settings, max_tokens=ANSWER_MAX_TOKENS, on_delta=on_delta)
    text = normalise_marks(raw).strip()
    if not text:
        raise LLMError("模型返回了空回答")
    rows: list[ComparisonRow] = []
    if plan.comparison:
        text, rows = _comparison_rows(text, plan)
        refused = all(NOT_FOUND in r.answer and not MARK.search(r.answer) for r in rows)
    else:
        refused = _is_refusal(text)
    text, citations = _renumber_by_use(text, context)
    if rows:
        _, rows = _comparison_rows(text, plan)
    notices = []
    if context.left_out:
        log.info("context budget %d tokens: %d passages left out", settings.answer.llm_context_tokens, context.left_out)
    return Draft(text, refused, citations, rows, notices)


# ---------------------------------------------------------------------------------------------- condensing
def condense_question(question: str, history: list[tuple[str, str]], *, settings: Settings) -> str:
    """Rewrite a follow-up as a standalone question (only meaningful when there is history)."""
    if not history:
        return question
    turns = []
    for q, a in history[-HISTORY_TURNS:]:
        a = MARK.sub("", a or "").replace("\n", " ").strip()[:HISTORY_ANSWER_CHARS]
        turns.append(f"用户：{q.strip()}\n助手：{a}")
    prompt = render_prompt("condense", history="\n".join(turns), question=question.strip())
    raw = chat_completion([{"role": "user", "content": prompt}], settings=settings,
                          max_tokens=CONDENSE_MAX_TOKENS, stream=False)
    lines = [ln.strip() for ln in raw.strip().splitlines() if ln.strip()]
    text = lines[0] if lines else ""
    text = re.sub(r"^(独立问题|改写后的问题|改写|问题)\s*[：:]\s*", "", text).strip().strip("“”\"'「」")
    if not text or len(text) > max(200, 4 * len(question)):
        raise LLMError("追问改写结果不可用")
    return text


# ---------------------------------------------------------------------------------------------- live streaming
_DONE = object()


def iter_llm_answer(plan: QueryPlan, evidence: list[tuple[Side, list[Passage]]], *, settings: Settings,
                    history: list[tuple[str, str]]) -> Iterator[str | Draft]:
    """Yield the model's text deltas as they arrive, then the :class:`Draft` (or raise LLMError).

    The deltas are provisional: the validated final answer replaces them.
    """
    events: queue.Queue = queue.Queue()

    def work() -> None:
        try:
            events.put(llm_answer(plan, evidence, settings=settings, history=history, on_delta=events.put))
        except BaseException as err:  # handed to the consumer's thread
            events.put(err)
        finally:
            events.put(_DONE)

    threading.Thread(target=work, name="govqa-llm", daemon=True).start()
    result: Draft | BaseException | None = None
    while True:
        item = events.get()
        if item is _DONE:
            break
        if isinstance(item, str):
            yield item
        else:
            result = item
    if isinstance(result, BaseException):
        raise result
    assert isinstance(result, Draft)
    yield result
