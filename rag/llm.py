"""The LLM answer backend: any OpenAI-compatible chat endpoint (OpenAI, DeepSeek, Qwen, vLLM, llama.cpp …).

* The retrieved passages are numbered [1]..[m] and fenced as data (``<资料 id="n" …>…</资料>``,
  with anything fence-like inside them escaped); the system prompt says that text inside the
  fences is never an instruction. Passages are added in rank order (sides of a comparison
  interleaved) until the tiktoken budget ``settings.llm_context_tokens`` is reached.
* The answer is streamed (``stream=True``); every text delta goes to ``on_delta``.
* Faults (timeout, 429 with Retry-After, 5xx, malformed JSON, a stream cut off midway) are
  retried a bounded number of times with backoff; then :class:`LLMError` is raised and the
  caller falls back to the extractive answer. A bad or missing key (401/403) is not retried.
* The API key never appears in an exception message or a log line: messages are written here
  (never copied from the server, which may echo the key) and scrubbed once more anyway.
"""

from __future__ import annotations

import functools
import json
import logging
import queue
import random
import re
import threading
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Callable, Iterator

from rag.draft import Draft
from rag.cite import MARK, citation_from_passage
from rag.config import Settings
from rag.prompts import render_prompt
from rag.query_plan import QueryPlan, Side
from rag.text import cues
from rag.text.cues import NOT_FOUND
from rag.text.tokens import count_tokens, truncate_tokens
from rag.types import Citation, ComparisonRow, Passage

log = logging.getLogger("govqa.llm")

ANSWER_MAX_TOKENS = 700
CONDENSE_MAX_TOKENS = 150
HISTORY_TURNS = 2
HISTORY_ANSWER_CHARS = 160
RETRY_AFTER_CAP_S = 10.0  # never wait longer than this (nor longer than the request timeout) for a retry
BACKOFF_BASE_S = 0.5
BACKOFF_CAP_S = 4.0
ATTEMPT_DEADLINE_FACTOR = 4.0  # a streamed answer may take this many timeouts in total, no more
_NO_KEY = "sk-no-key-configured"  # sent to servers that need no key (llama.cpp, vLLM without --api-key)


class LLMError(Exception):
    """The endpoint could not give an answer; the message is Chinese, short, and never holds the key."""


class _Retry(Exception):
    def __init__(self, reason: str, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class _Fatal(Exception):
    pass


# ---------------------------------------------------------------------------------------------- secrets
def redact(text: str, settings: Settings) -> str:
    """Remove the API key (and any bearer token / sk- key lookalike) from ``text``."""
    out = str(text)
    key = settings.llm_api_key
    if key:
        out = out.replace(key, "***")
        if len(key) >= 12:  # servers often echo a shortened key ("sk-abc…xyz")
            out = out.replace(key[:8], "***").replace(key[-6:], "***")
    out = re.sub(r"(?i)(bearer\s+)\S+", r"\1***", out)
    return re.sub(r"(?<![A-Za-z0-9])sk-[A-Za-z0-9_\-]{6,}", "sk-***", out)


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
    context = build_context(evidence, budget_tokens=settings.llm_context_tokens, comparison=plan.comparison,
                            encoding=settings.tokenizer_encoding)
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
        log.info("context budget %d tokens: %d passages left out", settings.llm_context_tokens, context.left_out)
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


# ---------------------------------------------------------------------------------------------- transport
@functools.lru_cache(maxsize=8)
def _client(base_url: str | None, api_key: str, timeout_s: float):
    import httpx
    import openai

    return openai.OpenAI(base_url=base_url, api_key=api_key, max_retries=0,
                         timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 10.0)))


def _retry_after(response) -> float | None:
    if response is None:
        return None
    headers = response.headers
    try:
        if headers.get("retry-after-ms"):
            return max(0.0, float(headers["retry-after-ms"]) / 1000)
        raw = headers.get("retry-after")
        if not raw:
            return None
        try:
            return max(0.0, float(raw))
        except ValueError:
            return max(0.0, parsedate_to_datetime(raw).timestamp() - time.time())
    except (TypeError, ValueError, OverflowError):
        return None


def _one_attempt(messages: list[dict], settings: Settings, *, max_tokens: int, stream: bool,
                 on_delta: Callable[[str], None] | None, emitted: list[str]) -> str:
    import httpx
    import openai

    client = _client(settings.llm_base_url, settings.llm_api_key or _NO_KEY, float(settings.llm_timeout_s))
    started = time.monotonic()
    try:
        if not stream:
            resp = client.chat.completions.create(model=settings.llm_model, messages=messages, temperature=0,
                                                  max_tokens=max_tokens, stream=False)
            if isinstance(resp, str) or not getattr(resp, "choices", None):
                raise _Retry("返回内容格式错误")
            content = resp.choices[0].message.content
            if not isinstance(content, str):
                raise _Retry("返回内容格式错误")
            return content
        parts: list[str] = []
        finished = False
        response_stream = client.chat.completions.create(model=settings.llm_model, messages=messages,
                                                         temperature=0, max_tokens=max_tokens, stream=True)
        try:
            for chunk in response_stream:
                if time.monotonic() - started > ATTEMPT_DEADLINE_FACTOR * settings.llm_timeout_s:
                    raise _Retry("生成超时")
                choices = getattr(chunk, "choices", None)
                if not choices:
                    continue
                choice = choices[0]
                delta = getattr(choice, "delta", None)
                piece = getattr(delta, "content", None) if delta is not None else None
                if piece is not None and not isinstance(piece, str):
                    raise _Retry("返回内容格式错误")
                if piece:
                    parts.append(piece)
                    emitted.append(piece)
                    if on_delta is not None:
                        on_delta(piece)
                if getattr(choice, "finish_reason", None):
                    finished = True
        finally:
            response_stream.close()
        if not finished:
            raise _Retry("流式响应中途中断")
        return "".join(parts)
    except (_Retry, _Fatal):
        raise
    except openai.APITimeoutError:
        raise _Retry(f"请求超时（{settings.llm_timeout_s:g} 秒）") from None
    except openai.APIConnectionError:
        raise _Retry("连接大模型接口失败或连接中断") from None
    except openai.APIStatusError as err:
        code = err.status_code
        if code in (401, 403):
            raise _Fatal(f"API key 无效或缺失（HTTP {code}）") from None
        if code == 404:
            raise _Fatal("接口地址或模型名不存在（HTTP 404）") from None
        if code == 429:
            raise _Retry("请求过于频繁（HTTP 429）", _retry_after(err.response)) from None
        if code in (408, 409) or code >= 500:
            raise _Retry(f"服务器错误（HTTP {code}）", _retry_after(err.response)) from None
        raise _Fatal(f"请求被拒绝（HTTP {code}）") from None
    except openai.APIResponseValidationError:
        raise _Retry("返回内容格式错误") from None
    except openai.APIError:
        raise _Retry("接口在生成中报错") from None
    except httpx.TimeoutException:
        raise _Retry(f"请求超时（{settings.llm_timeout_s:g} 秒）") from None
    except httpx.HTTPError:
        raise _Retry("流式响应中途中断") from None
    except (json.JSONDecodeError, ValueError, TypeError, AttributeError, KeyError, IndexError):
        raise _Retry("返回内容格式错误") from None


def chat_completion(messages: list[dict], *, settings: Settings, max_tokens: int = ANSWER_MAX_TOKENS,
                    stream: bool = True, on_delta: Callable[[str], None] | None = None) -> str:
    """One chat completion with bounded retries; returns the text or raises :class:`LLMError`."""
    if not settings.llm_base_url and not settings.llm_api_key:
        raise LLMError("未配置大模型接口：请设置 OPENAI_BASE_URL 或 OPENAI_API_KEY")
    attempts = max(0, int(settings.llm_max_retries)) + 1
    reason = "未知错误"
    for attempt in range(attempts):
        emitted: list[str] = []
        try:
            return _one_attempt(messages, settings, max_tokens=max_tokens, stream=stream,
                                on_delta=on_delta, emitted=emitted)
        except _Fatal as err:
            raise LLMError(redact(str(err), settings)) from None
        except _Retry as err:
            reason = redact(err.reason, settings)
            if attempt + 1 >= attempts:
                break
            if err.retry_after is not None:
                wait = min(err.retry_after, RETRY_AFTER_CAP_S, float(settings.llm_timeout_s))
            else:
                wait = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** attempt) + random.uniform(0, 0.25)
            log.warning("大模型请求失败（%s），%.1f 秒后第 %d/%d 次重试", reason, wait, attempt + 1, attempts - 1)
            if emitted and on_delta is not None:
                on_delta("\n（生成中断，正在重试……）\n")
            time.sleep(wait)
    raise LLMError(f"{reason}，已重试 {attempts - 1} 次")


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
