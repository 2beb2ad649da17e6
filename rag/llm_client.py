"""The LLM transport: one chat completion from an OpenAI-compatible endpoint, with bounded retries.

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
import random
import re
import time
from email.utils import parsedate_to_datetime
from typing import Callable

from rag.config import Settings

log = logging.getLogger("govqa.llm")

ANSWER_MAX_TOKENS = 700
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
    key = settings.answer.llm_api_key
    if key:
        out = out.replace(key, "***")
        if len(key) >= 12:  # servers often echo a shortened key ("sk-abc…xyz")
            out = out.replace(key[:8], "***").replace(key[-6:], "***")
    out = re.sub(r"(?i)(bearer\s+)\S+", r"\1***", out)
    return re.sub(r"(?<![A-Za-z0-9])sk-[A-Za-z0-9_\-]{6,}", "sk-***", out)


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

    client = _client(settings.answer.llm_base_url, settings.answer.llm_api_key or _NO_KEY, float(settings.answer.llm_timeout_s))
    started = time.monotonic()
    try:
        if not stream:
            return _complete(client, messages, settings, max_tokens=max_tokens)
        return _stream(client, messages, settings, max_tokens=max_tokens, on_delta=on_delta, emitted=emitted,
                       started=started)
    except (_Retry, _Fatal):
        raise
    except openai.APITimeoutError:
        raise _Retry(f"请求超时（{settings.answer.llm_timeout_s:g} 秒）") from None
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
        raise _Retry(f"请求超时（{settings.answer.llm_timeout_s:g} 秒）") from None
    except httpx.HTTPError:
        raise _Retry("流式响应中途中断") from None
    except (json.JSONDecodeError, ValueError, TypeError, AttributeError, KeyError, IndexError):
        raise _Retry("返回内容格式错误") from None


def _complete(client, messages: list[dict], settings: Settings, *, max_tokens: int) -> str:
    """The whole answer in one response."""
    resp = client.chat.completions.create(model=settings.answer.llm_model, messages=messages, temperature=0,
                                          max_tokens=max_tokens, stream=False)
    if isinstance(resp, str) or not getattr(resp, "choices", None):
        raise _Retry("返回内容格式错误")
    content = resp.choices[0].message.content
    if not isinstance(content, str):
        raise _Retry("返回内容格式错误")
    return content


def _stream(client, messages: list[dict], settings: Settings, *, max_tokens: int,
            on_delta: Callable[[str], None] | None, emitted: list[str], started: float) -> str:
    """The answer streamed: each delta goes to ``on_delta`` (and ``emitted``) as it arrives."""
    parts: list[str] = []
    finished = False
    response_stream = client.chat.completions.create(model=settings.answer.llm_model, messages=messages,
                                                     temperature=0, max_tokens=max_tokens, stream=True)
    try:
        for chunk in response_stream:
            if time.monotonic() - started > ATTEMPT_DEADLINE_FACTOR * settings.answer.llm_timeout_s:
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


def chat_completion(messages: list[dict], *, settings: Settings, max_tokens: int = ANSWER_MAX_TOKENS,
                    stream: bool = True, on_delta: Callable[[str], None] | None = None) -> str:
    """One chat completion with bounded retries; returns the text or raises :class:`LLMError`."""
    if not settings.answer.llm_base_url and not settings.answer.llm_api_key:
        raise LLMError("未配置大模型接口：请设置 OPENAI_BASE_URL 或 OPENAI_API_KEY")
    attempts = max(0, int(settings.answer.llm_max_retries)) + 1
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
                wait = min(err.retry_after, RETRY_AFTER_CAP_S, float(settings.answer.llm_timeout_s))
            else:
                wait = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2 ** attempt) + random.uniform(0, 0.25)
            log.warning("大模型请求失败（%s），%.1f 秒后第 %d/%d 次重试", reason, wait, attempt + 1, attempts - 1)
            if emitted and on_delta is not None:
                on_delta("\n（生成中断，正在重试……）\n")
            time.sleep(wait)
    raise LLMError(f"{reason}，已重试 {attempts - 1} 次")

