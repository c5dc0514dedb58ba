"""A small local HTTP server that speaks the OpenAI chat-completions protocol, with scripted replies.

Tests point the real openai SDK and langchain-openai at it (``base_url``), so the whole client
code path runs: streaming (server-sent events) and plain JSON, finish reasons, HTTP errors.
Each request takes the next scripted reply; the last one repeats. Requests are recorded.
Faults are scripted too: a delay before answering (a client timeout), extra headers on an error
(Retry-After), a stream cut after some chunks, either dropped mid-body (the client sees a
broken connection) or ended cleanly without the final chunk and ``[DONE]``, a stream that drips
a chunk every few seconds, and a streamed request answered with plain JSON or an HTML page.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal


@dataclass
class Reply:
    """One scripted answer: its text, its finish reason, or an HTTP error status; optionally a fault."""

    content: str = ""
    finish_reason: str = "stop"
    status: int = 200
    chunk_size: int = 8
    delay: float = 0.0  # seconds to wait before answering
    headers: dict[str, str] = field(default_factory=dict)  # e.g. {"Retry-After": "1"} on a 429
    cut_after: int | None = None  # a stream stops after this many content chunks
    cut: Literal["drop", "end"] = "drop"  # drop: the connection breaks mid-body; end: no final chunk, no [DONE]
    error: str = "scripted failure"  # an error answer's message (OpenAI's 401 quotes part of the wrong key)
    drip: float = 0.0  # seconds between a stream's chunks (a reply that trickles in)
    stream_as: Literal["sse", "json", "html"] = "sse"  # a streamed request answered 200 with JSON or HTML instead


@dataclass
class FakeOpenAI:
    """The server's script and what it was asked."""

    replies: list[Reply]
    requests: list[dict[str, Any]] = field(default_factory=list)
    base_url: str = ""

    def next_reply(self) -> Reply:
        index = min(len(self.requests) - 1, len(self.replies) - 1)
        return self.replies[index]

    def prompts(self) -> list[str]:
        """The last user message of each request."""
        return [next(m["content"] for m in reversed(r["messages"]) if m["role"] == "user") for r in self.requests]


def _completion(reply: Reply, model: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply.content},
                "finish_reason": reply.finish_reason,
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": len(reply.content), "total_tokens": 10},
    }


def _chunks(reply: Reply, model: str) -> Iterator[dict[str, Any]]:
    base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()), "model": model}
    yield {**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]}
    text = reply.content
    for start in range(0, len(text), reply.chunk_size):
        piece = text[start : start + reply.chunk_size]
        yield {**base, "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
    yield {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": reply.finish_reason}]}


def _handler(server_state: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            return

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            server_state.requests.append(body)
            reply = server_state.next_reply()
            time.sleep(reply.delay)
            try:
                self._answer(reply, body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting (a timeout)
                self.close_connection = True

        def do_GET(self) -> None:  # GET /v1/models: how the app sees that a (local) server answers
            models = {"object": "list", "data": [{"id": "fake", "object": "model"}]}
            self._json(200 if self.path.endswith("/models") else 404, models)

        def _answer(self, reply: Reply, body: dict[str, Any]) -> None:
            if reply.status != 200:
                error = {"error": {"message": reply.error, "type": "server_error"}}
                self._json(reply.status, error, reply.headers)
            elif body.get("stream") and reply.stream_as != "json":
                self._stream_or_page(reply, body.get("model", "fake"))
            else:
                self._json(200, _completion(reply, body.get("model", "fake")))

        def _json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _stream_or_page(self, reply: Reply, model: str) -> None:
            if reply.stream_as == "html":
                _send_html(self)
            else:
                _send_stream(self, reply, model)
            self.close_connection = True

    return Handler


def _send_html(handler: BaseHTTPRequestHandler) -> None:
    data = "<html><body><h1>502 Bad Gateway</h1>登录后才能访问</body></html>".encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def _send_stream(handler: BaseHTTPRequestHandler, reply: Reply, model: str) -> None:
    events = [f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode() for chunk in _chunks(reply, model)]
    events.append(b"data: [DONE]\n\n")
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    if reply.cut_after is not None:
        sent = events[: reply.cut_after + 1]  # the role chunk, then cut_after content chunks
        if reply.cut == "drop":  # announce the whole body, send part of it, close: a broken connection
            handler.send_header("Content-Length", str(sum(len(e) for e in events)))
        events = sent
    handler.end_headers()
    for event in events:
        handler.wfile.write(event)
        if reply.drip:
            handler.wfile.flush()
            time.sleep(reply.drip)
    handler.wfile.flush()


@contextmanager
def fake_openai(replies: list[Reply]) -> Iterator[FakeOpenAI]:
    """Run the server on 127.0.0.1 (a free port) in a thread for the ``with`` block."""
    state = FakeOpenAI(replies=list(replies))
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    saved = {key: os.environ.get(key) for key in ("NO_PROXY", "no_proxy")}
    for key in saved:  # a proxy configured on the machine must not see requests to our local server
        os.environ[key] = ",".join(filter(None, [saved[key], "127.0.0.1", "localhost"]))
    try:
        yield state
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
