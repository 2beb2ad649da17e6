"""A scriptable OpenAI-protocol chat server on 127.0.0.1 for tests (the one allowed stand-in).

It speaks the real wire protocol over a real socket: ``POST /v1/chat/completions`` answers
with a JSON completion or, with ``"stream": true``, with Server-Sent Events (``data: {chunk}``
lines, then ``data: [DONE]``) over chunked transfer encoding; ``GET /v1/models`` lists the
model. Each request takes the next scripted behaviour (``push``) or the default one:

* ``Reply(text)`` or ``Reply(fn=lambda body: text)`` — a canned or computed answer;
* ``Fault("500" | "429" | "timeout" | "malformed" | "cut" | "401", …)`` — a failure.

Every request is recorded (method, path, headers, JSON body, time) for inspection.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

MODEL = "fake-govqa-model"


@dataclass
class Reply:
    text: str = ""
    fn: Callable[[dict], str] | None = None  # computes the text from the request body
    chunk_chars: int = 4  # characters per SSE chunk
    chunk_delay_s: float = 0.0

    def content(self, body: dict) -> str:
        return self.fn(body) if self.fn is not None else self.text


@dataclass
class Fault:
    kind: str  # 500 | 429 | timeout | malformed | cut | 401
    retry_after: str | None = None  # for 429: the Retry-After header value
    sleep_s: float = 30.0  # for timeout: how long the server stalls
    partial: str = "杜桥镇的部分回答"  # for cut: what is sent before the connection drops


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: dict | None
    at: float = field(default_factory=time.monotonic)

    @property
    def messages(self) -> list[dict]:
        return (self.body or {}).get("messages", [])

    def message(self, role: str) -> str:
        return "\n".join(m.get("content", "") for m in self.messages if m.get("role") == role)


class FakeOpenAI:
    def __init__(self, default: Reply | Fault | None = None, *, require_key: str | None = None):
        self.default = default or Reply("报告中未提及。")
        self.require_key = require_key
        self.requests: list[Request] = []
        self._script: list[Reply | Fault] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-openai", daemon=True)

    # ------------------------------------------------------------------ control
    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> "FakeOpenAI":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()

    def push(self, *behaviours: Reply | Fault) -> None:
        with self._lock:
            self._script.extend(behaviours)

    def reset(self, default: Reply | Fault | None = None) -> None:
        with self._lock:
            self._script.clear()
            self.requests.clear()
            if default is not None:
                self.default = default

    def chat_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path.endswith("/chat/completions")]

    def _next(self) -> Reply | Fault:
        with self._lock:
            return self._script.pop(0) if self._script else self.default


def _chunk(content: str | None, finish: str | None, *, first: bool = False) -> dict:
    delta: dict = {}
    if first:
        delta["role"] = "assistant"
    if content is not None:
        delta["content"] = content
    return {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": MODEL, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


def _handler_for(fake: FakeOpenAI):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # keep test output clean
            pass

        # -------------------------------------------------------------- helpers
        def _json(self, status: int, payload: dict, headers: dict | None = None) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _error(self, status: int, message: str, headers: dict | None = None) -> None:
            self._json(status, {"error": {"message": message, "type": "fake_error", "code": status}}, headers)

        def _send_chunk(self, data: bytes) -> None:
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

        def _sse(self, payload) -> None:
            text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
            self._send_chunk(f"data: {text}\n\n".encode("utf-8"))

        def _start_stream(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()

        def _drop_connection(self) -> None:
            self.wfile.flush()
            self.close_connection = True
            try:
                import socket

                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        # -------------------------------------------------------------- routes
        def do_GET(self):
            fake.requests.append(Request("GET", self.path, dict(self.headers), None))
            if self.path.rstrip("/").endswith("/models"):
                self._json(200, {"object": "list", "data": [{"id": MODEL, "object": "model", "owned_by": "test"}]})
            else:
                self._error(404, "not found")

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw.decode("utf-8")) if raw else {}
            except ValueError:
                body = None
            fake.requests.append(Request("POST", self.path, dict(self.headers), body))
            if not self.path.rstrip("/").endswith("/chat/completions"):
                return self._error(404, "not found")
            if body is None:
                return self._error(400, "request body is not JSON")
            sent_key = (self.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
            if fake.require_key is not None and sent_key != fake.require_key:
                # like real providers, echo (part of) the key that was sent
                return self._error(401, f"Incorrect API key provided: {sent_key}. You can find your API key at …")
            behaviour = fake._next()
            if isinstance(behaviour, Fault):
                return self._fault(behaviour, body, sent_key)
            text = behaviour.content(body)
            if body.get("stream"):
                self._start_stream()
                self._sse(_chunk("", None, first=True))
                step = max(1, behaviour.chunk_chars)
                for i in range(0, len(text), step):
                    if behaviour.chunk_delay_s:
                        time.sleep(behaviour.chunk_delay_s)
                    self._sse(_chunk(text[i: i + step], None))
                self._sse(_chunk(None, "stop"))
                self._sse("[DONE]")
                self._send_chunk(b"")  # the terminating zero-length chunk
            else:
                self._json(200, {
                    "id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()), "model": MODEL,
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": text},
                                 "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                })

        def _fault(self, fault: Fault, body: dict, sent_key: str) -> None:
            kind = fault.kind
            if kind == "500":
                self._error(500, "internal server error")
            elif kind == "429":
                headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else {}
                self._error(429, "rate limit reached", headers)
            elif kind == "401":
                self._error(401, f"Incorrect API key provided: {sent_key}.")
            elif kind == "timeout":
                fake._stop.wait(fault.sleep_s)
                self._drop_connection()
            elif kind == "malformed":
                if body.get("stream"):
                    self._start_stream()
                    self._sse(_chunk("", None, first=True))
                    self._send_chunk(b'data: {"choices": [{"delta": {"content": "\xe6\x9d\x9c\n\n')
                    self._send_chunk(b"data: {not json at all}\n\n")
                    self._send_chunk(b"")
                else:
                    data = b'{"id": "chatcmpl-fake", "choices": [{"message": {"content": "trunc'
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
            elif kind == "cut":
                if body.get("stream"):
                    self._start_stream()
                    self._sse(_chunk("", None, first=True))
                    self._sse(_chunk(fault.partial, None))
                    self._drop_connection()  # no finish_reason, no [DONE], no terminating chunk
                else:
                    data = b'{"id": "chatcmpl-fake", "object": "chat.completion", "choices": [{"ind'
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", "4096")
                    self.end_headers()
                    self.wfile.write(data)
                    self._drop_connection()
            else:
                self._error(500, f"unknown fault {kind}")

    return Handler
