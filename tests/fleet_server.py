"""A fake OpenAI-compatible GPU server for the fleet tests: set latency, every Nth request a 503, and /stats.

It answers each chat request with the smallest JSON its schema allows (as the fake backend does), so
the pipeline runs unchanged; /stats reports requests, 503s sent and the peak of requests in flight.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from extractor.backends.fake import minimal_instance


def send_json(handler: BaseHTTPRequestHandler, status: int, body: Any) -> None:
    """One JSON reply (a str body is sent as it is: a server's malformed answer)."""
    data = (body if isinstance(body, str) else json.dumps(body)).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


class FakeServer:
    """One server on 127.0.0.1 (port chosen by the OS); `url` is its …/v1 base URL."""

    def __init__(self, latency: float = 0.02, fail_every: int = 0) -> None:
        self.latency, self.fail_every = latency, fail_every
        self.lock = threading.Lock()
        self.in_flight = self.peak = self.requests = self.failures = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _reply(self, status: int, body: Any) -> None:
                send_json(self, status, body)

            def do_GET(self) -> None:
                if self.path.endswith("/stats"):
                    self._reply(200, server.stats())
                else:
                    self._reply(200, {"object": "list", "data": [{"id": "fake-gpu", "object": "model"}]})

            def do_POST(self) -> None:
                request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with server.lock:
                    server.in_flight += 1
                    server.peak = max(server.peak, server.in_flight)
                    server.requests += 1
                    fail = server.fail_every and server.requests % server.fail_every == 0
                    server.failures += bool(fail)
                try:
                    time.sleep(server.latency)
                    if fail:
                        self._reply(503, {"error": {"message": "overloaded, retry later"}})
                        return
                    schema = request.get("response_format", {}).get("schema") or {"type": "object"}
                    answer = json.dumps(minimal_instance(schema))
                    self._reply(200, {"id": "x", "object": "chat.completion", "created": 0, "model": "fake-gpu",
                                      "choices": [{"index": 0, "finish_reason": "stop",
                                                   "message": {"role": "assistant", "content": answer}}],
                                      "usage": {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110}})
                finally:
                    with server.lock:
                        server.in_flight -= 1

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stats(self) -> dict:
        with self.lock:
            return {"requests": self.requests, "failures": self.failures, "peak_in_flight": self.peak,
                    "in_flight": self.in_flight}

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
