"""OpenAI-compatible chat endpoint over the same :class:`QAService` as the web UI.

``POST /v1/chat/completions`` (plain and ``stream: true`` server-sent events ending with
``data: [DONE]``), ``GET /v1/models`` and ``GET /v1/models/{id}``. :func:`openai_routes` returns
Starlette routes that ``app.py`` hands to the Gradio server, so the endpoint runs in the UI's
process, on its host and port.

* The model picks the backend: ``govqa-extractive`` (offline) or ``govqa-llm`` (the configured
  OpenAI-compatible model; without one the answer is the offline one, with a notice — as in the UI
  and the CLI).
* The conversation is ``messages``: the earlier user turns are asked again, in order, into a fresh
  :class:`Conversation` (offline, cheap), so a follow-up ("那镇本级呢？") is read against them;
  system / developer / tool messages are ignored.
* The reply's content is the cited answer with ``[n]`` marks and a "来源：" list. The structured
  citations travel beside it: a top-level ``citations`` list on the completion, and on the final
  stream chunk (the one with ``finish_reason``, and the usage chunk when asked for); ``govqa``
  carries the rest of the ``govqa ask --json`` contract (refused, backend, notices, comparison …).
* Streaming sends the answer after it has been validated, in sentence-sized pieces, so every
  ``[n]`` that a client shows already matches a citation.
* Optional filters in the request body (``extra_body`` in the openai client): ``towns`` /
  ``entity`` (names, a list or comma-separated), ``years``, ``k`` / ``top_k``.
* Keys: with ``GOVQA_API_KEY`` set, ``Authorization: Bearer <key>`` is required. When the UI has a
  login (``GOVQA_AUTH``) the endpoint is never open: without an API key, the UI's ``user:password``
  is the bearer key.
* Errors are OpenAI-style JSON ``{"error": {"message", "type", "param", "code"}}`` with a fitting
  status, never a traceback.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import re
import time
import uuid
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from rag.chat import Conversation, QAService
from rag.config import Settings
from rag.text.tokens import count_tokens
from rag.types import Answer
from ui.cited_text import answer_markdown, citation_record
from ui.filters import parse_years, split_values

MODELS = {"govqa-extractive": "extractive", "govqa-llm": "llm"}
OWNER = "govqa"
MAX_BODY_BYTES = 1_000_000
MAX_MESSAGES = 64  # user + assistant turns kept in one request
MAX_CONTENT_CHARS = 20_000  # one message; the question itself is cut to the token budget with a notice
MAX_K = 20  # as the UI's slider
KEEPALIVE_S = 10.0  # SSE comment while a slow (LLM) answer is being prepared
_PIECE = re.compile(r"[^。！？；\n]*(?:[。！？；\n]+|$)")
_CREATED = int(time.time())


class APIError(Exception):
    """An error returned to the client as OpenAI-style JSON."""

    def __init__(self, status: int, message: str, *, type: str = "invalid_request_error",
                 param: str | None = None, code: str | None = None):
        super().__init__(message)
        self.status, self.message, self.type, self.param, self.code = status, message, type, param, code

    def body(self) -> dict:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}

    def response(self) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if self.status == 401 else None
        return JSONResponse(self.body(), status_code=self.status, headers=headers)


@dataclass(frozen=True)
class ChatRequest:
    """A validated ``/v1/chat/completions`` request."""

    model: str
    backend: str
    question: str
    earlier_questions: tuple[str, ...]
    stream: bool = False
    include_usage: bool = False
    towns: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    k: int | None = None
    prompt_tokens: int = 0


# ---------------------------------------------------------------------------- request parsing
def _text_of(content: Any, where: str) -> str:
    """A message's text: a string, or a list of ``{"type": "text", "text": …}`` parts."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = []
        for i, part in enumerate(content):
            if isinstance(part, str):
                texts.append(part)
            elif isinstance(part, dict) and part.get("type") in ("text", "input_text") and isinstance(
                    part.get("text"), str):
                texts.append(part["text"])
            else:
                kind = part.get("type") if isinstance(part, dict) else type(part).__name__
                raise APIError(400, f"{where}[{i}]: only text content is supported (got {kind!r}).",
                               param=f"{where}[{i}]")
        return "\n".join(texts)
    raise APIError(400, f"{where} must be a string or a list of text parts.", param=where)


def _filters(body: dict) -> tuple[tuple[str, ...], tuple[int, ...], int | None]:
    towns = split_values(body.get("towns")) + split_values(body.get("entity")) + split_values(body.get("town"))
    try:
        years = parse_years(body.get("years")) + parse_years(body.get("year"))
    except ValueError as err:
        raise APIError(400, f"years: {err}", param="years") from None
    k = body.get("k", body.get("top_k"))
    if k is not None and (isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K):
        raise APIError(400, f"k must be an integer between 1 and {MAX_K}.", param="k")
    return tuple(towns), tuple(years), k


def parse_chat_request(body: Any) -> ChatRequest:
    """Validate a request body; raise :class:`APIError` naming the bad field."""
    if not isinstance(body, dict):
        raise APIError(400, "The request body must be a JSON object.")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise APIError(400, "you must provide a model parameter (govqa-extractive or govqa-llm).", param="model")
    if model not in MODELS:
        raise APIError(404, f"The model `{model}` does not exist. Available: {', '.join(MODELS)}.",
                       param="model", code="model_not_found")
    stream = body.get("stream", False)
    if stream is None:
        stream = False
    if not isinstance(stream, bool):
        raise APIError(400, "stream must be true or false.", param="stream")
    n = body.get("n")
    if n not in (None, 1):
        raise APIError(400, "Only n=1 is supported.", param="n")
    options = body.get("stream_options") or {}
    if not isinstance(options, dict):
        raise APIError(400, "stream_options must be an object.", param="stream_options")
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        raise APIError(400, "messages must be a non-empty list of {role, content} objects.", param="messages")
    if len(messages) > MAX_MESSAGES:
        raise APIError(400, f"Too many messages ({len(messages)}); at most {MAX_MESSAGES} per request. "
                            "Start a new conversation.", param="messages", code="too_many_messages")
    turns: list[tuple[str, str]] = []
    prompt_tokens = 0
    for i, msg in enumerate(messages):
        where = f"messages[{i}]"
        if not isinstance(msg, dict):
            raise APIError(400, f"{where} must be an object with role and content.", param=where)
        role = msg.get("role")
        if role not in ("system", "developer", "user", "assistant", "tool", "function"):
            raise APIError(400, f"{where}.role must be one of system, user, assistant (got {role!r}).",
                           param=f"{where}.role")
        text = _text_of(msg.get("content"), f"{where}.content")
        if len(text) > MAX_CONTENT_CHARS:
            raise APIError(400, f"{where}.content is too long ({len(text)} characters; at most "
                                f"{MAX_CONTENT_CHARS}).", param=f"{where}.content", code="content_too_long")
        prompt_tokens += count_tokens(text) if text else 0
        if role in ("user", "assistant"):
            turns.append((role, text))
    if not turns or turns[-1][0] != "user":
        raise APIError(400, "The last message (other than system messages) must be the user's question.",
                       param="messages")
    question = turns[-1][1]
    if not question.strip():
        raise APIError(400, "The last user message is empty: ask a question, e.g. "
                            "“某镇2023年地区生产总值是多少？”.", param=f"messages[{len(messages) - 1}].content")
    earlier = tuple(t for role, t in turns[:-1] if role == "user" and t.strip())
    towns, years, k = _filters(body)
    return ChatRequest(model=model, backend=MODELS[model], question=question, earlier_questions=earlier,
                       stream=stream, include_usage=bool(options.get("include_usage")), towns=towns, years=years,
                       k=k, prompt_tokens=prompt_tokens)


# ---------------------------------------------------------------------------- responses
def _completion_id() -> str:
    return "chatcmpl-" + uuid.uuid4().hex[:24]


def _extras(answer: Answer) -> dict:
    contract = answer.to_json()
    extra = {k: v for k, v in contract.items() if k not in ("answer", "citations")}
    return {"citations": [citation_record(c) for c in answer.citations], "govqa": extra}


def _usage(req: ChatRequest, content: str) -> dict:
    completion = count_tokens(content)
    return {"prompt_tokens": req.prompt_tokens, "completion_tokens": completion,
            "total_tokens": req.prompt_tokens + completion}


def completion_body(req: ChatRequest, answer: Answer, *, cid: str, created: int) -> dict:
    content = answer_markdown(answer)
    return {
        "id": cid, "object": "chat.completion", "created": created, "model": req.model,
        "system_fingerprint": None,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content, "refusal": None},
                     "logprobs": None, "finish_reason": "stop"}],
        "usage": _usage(req, content),
        **_extras(answer),
    }


def _chunk(req: ChatRequest, cid: str, created: int, delta: dict | None, finish: str | None = None,
           **extra) -> dict:
    choices = [] if delta is None else [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]
    return {"id": cid, "object": "chat.completion.chunk", "created": created, "model": req.model,
            "system_fingerprint": None, "choices": choices, **extra}


def _sse(obj: dict) -> str:
    return f"data: {json.dumps(obj, ensure_ascii=False)}\n\n"


def stream_pieces(text: str) -> list[str]:
    """Sentence-sized pieces of the reply (joined, they are exactly ``text``)."""
    return [p for p in _PIECE.findall(text) if p]


def _internal_error(exc: BaseException) -> APIError:
    from rag.store_errors import StoreError

    if isinstance(exc, StoreError):
        return APIError(503, f"The report index is not available: {exc}", type="server_error",
                        code="index_unavailable")
    detail = str(exc)[:300]
    return APIError(500, f"Internal error while answering ({type(exc).__name__}: {detail}).", type="server_error")


# ---------------------------------------------------------------------------- the endpoint
class OpenAIEndpoint:
    """The routes and the work behind them (answers run in a small thread pool)."""

    def __init__(self, service: QAService, settings: Settings, *, workers: int = 2):
        self.service = service
        self.settings = settings
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="govqa-api")

    # -- auth
    def _keys(self) -> list[str]:
        if self.settings.ui.api_key:
            return [self.settings.ui.api_key]
        if self.settings.ui.auth:
            user, password = self.settings.ui.auth
            return [f"{user}:{password}"]
        return []

    def check_key(self, request: Request) -> None:
        keys = self._keys()
        if not keys:
            return
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise APIError(401, "You didn't provide an API key. Send it as 'Authorization: Bearer <key>' "
                                "(GOVQA_API_KEY on the server).", code="missing_api_key")
        if not any(hmac.compare_digest(token.encode(), k.encode()) for k in keys):
            raise APIError(401, "Incorrect API key provided.", code="invalid_api_key")

    # -- answering (in a worker thread)
    def answer(self, req: ChatRequest) -> Answer:
        conversation = Conversation()
        for earlier in req.earlier_questions:  # offline re-reading of the earlier turns: plans for follow-ups
            self.service.ask(earlier, conversation, towns=req.towns, years=req.years, k=req.k, backend="extractive")
        return self.service.ask(req.question, conversation, towns=req.towns, years=req.years, k=req.k,
                                backend=req.backend)

    # -- routes
    def routes(self) -> list[Route]:
        return [
            Route("/v1/models", self.list_models, methods=["GET"]),
            Route("/v1/models/{model:path}", self.get_model, methods=["GET"]),
            Route("/v1/chat/completions", self.chat_completions, methods=["GET", "POST"]),
            Route("/v1/{rest:path}", self.not_found, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
        ]

    @staticmethod
    def _model_card(model_id: str) -> dict:
        return {"id": model_id, "object": "model", "created": _CREATED, "owned_by": OWNER}

    async def list_models(self, request: Request) -> Response:
        try:
            self.check_key(request)
        except APIError as err:
            return err.response()
        return JSONResponse({"object": "list", "data": [self._model_card(m) for m in MODELS]})

    async def get_model(self, request: Request) -> Response:
        try:
            self.check_key(request)
            model = request.path_params["model"]
            if model not in MODELS:
                raise APIError(404, f"The model `{model}` does not exist.", param="model", code="model_not_found")
        except APIError as err:
            return err.response()
        return JSONResponse(self._model_card(model))

    async def not_found(self, request: Request) -> Response:
        return APIError(404, f"Unknown endpoint {request.method} {request.url.path}. This server offers "
                             "POST /v1/chat/completions and GET /v1/models.", code="unknown_url").response()

    async def _read_body(self, request: Request) -> Any:
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise APIError(413, f"Request body too large (at most {MAX_BODY_BYTES} bytes).")
        raw = b""
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > MAX_BODY_BYTES:
                raise APIError(413, f"Request body too large (at most {MAX_BODY_BYTES} bytes).")
        if not raw.strip():
            raise APIError(400, "The request body is empty: send a JSON object with model and messages.")
        try:
            return json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise APIError(400, f"The request body is not valid JSON ({err}).") from None

    async def chat_completions(self, request: Request) -> Response:
        try:
            self.check_key(request)
            if request.method != "POST":
                raise APIError(405, "Use POST for /v1/chat/completions.", code="method_not_allowed")
            req = parse_chat_request(await self._read_body(request))
        except APIError as err:
            return err.response()
        cid, created = _completion_id(), int(time.time())
        if req.stream:
            return StreamingResponse(self._stream(req, cid, created), media_type="text/event-stream",
                                     headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        loop = asyncio.get_running_loop()
        try:
            answer = await loop.run_in_executor(self._pool, self.answer, req)
        except Exception as exc:  # noqa: BLE001 - every failure becomes an OpenAI-style error
            return _internal_error(exc).response()
        return JSONResponse(completion_body(req, answer, cid=cid, created=created))

    async def _stream(self, req: ChatRequest, cid: str, created: int) -> AsyncIterator[str]:
        yield _sse(_chunk(req, cid, created, {"role": "assistant", "content": ""}))
        future = asyncio.get_running_loop().run_in_executor(self._pool, self.answer, req)
        while True:
            done, _ = await asyncio.wait({future}, timeout=KEEPALIVE_S)
            if done:
                break
            yield ": keep-alive\n\n"
        try:
            answer = future.result()
        except Exception as exc:  # noqa: BLE001 - headers are sent: the error travels as an event
            yield _sse(_internal_error(exc).body())
            yield "data: [DONE]\n\n"
            return
        content = answer_markdown(answer)
        for piece in stream_pieces(content):
            yield _sse(_chunk(req, cid, created, {"content": piece}))
        extras = _extras(answer)
        yield _sse(_chunk(req, cid, created, {}, "stop", **extras))
        if req.include_usage:
            yield _sse(_chunk(req, cid, created, None, usage=_usage(req, content), **extras))
        yield "data: [DONE]\n\n"

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def openai_routes(service: QAService, settings: Settings, *, workers: int = 2) -> list[Route]:
    """The endpoint's routes, to hand to the web server (``app_kwargs={"routes": …}``)."""
    return OpenAIEndpoint(service, settings, workers=workers).routes()
