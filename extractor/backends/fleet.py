"""Several OpenAI-compatible servers behind one backend, each with a bound on requests in flight.

At scale the model runs on a fleet of GPU servers (vLLM, llama.cpp, TGI ...), and what limits a run is
how many requests each server takes at once. A request goes to the server with the most free slots
(ties: the next in turn), waiting while all are full; a server's own retries (429 and 5xx, with
backoff) are the OpenAI backend's; a request whose server still fails is tried once on each other
server before the paper is recorded as failed. Callers bring the concurrency (threads: `extract
--concurrency`, or a Ray actor's pool); this class only spreads and bounds it.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

from extractor.backends import BackendConfig
from extractor.backends.openai import OpenAIBackend
from extractor.errors import BackendError


class FleetBackend:
    """`create()` on whichever of `config.extra["base_urls"]` has a free slot (at most `in_flight` each)."""

    name = "fleet"

    def __init__(self, config: BackendConfig, base_urls: list[str], in_flight: int = 4) -> None:
        if not base_urls:
            raise BackendError("The fleet needs at least one server: pass --base-url http://HOST:PORT/v1 (repeatable).")
        if in_flight < 1:
            raise BackendError(f"--max-in-flight must be at least 1, not {in_flight}.")
        self.servers = [OpenAIBackend(replace(config, base_url=url)) for url in base_urls]
        self.in_flight = in_flight
        self._busy = [0] * len(self.servers)
        self._turn = 0
        self._free = threading.Condition()

    def _acquire(self, excluded: set[int]) -> int:
        """The index of a server with a free slot, not in `excluded`; waits while every one is full."""
        with self._free:
            while True:
                order = [(self._turn + k) % len(self.servers) for k in range(len(self.servers))]
                free = [i for i in order if i not in excluded and self._busy[i] < self.in_flight]
                if free:
                    best = min(free, key=lambda i: self._busy[i])  # min keeps the first: round-robin on ties
                    self._busy[best] += 1
                    self._turn = (best + 1) % len(self.servers)
                    return best
                self._free.wait()

    def _release(self, i: int) -> None:
        with self._free:
            self._busy[i] -= 1
            self._free.notify()

    @property
    def structured(self) -> str:
        return self.resolve_structured()

    def create(self, **request: Any) -> Any:
        """The chat-completion call instructor drives, on the server with the most free slots."""
        tried: set[int] = set()
        errors: list[str] = []
        while len(tried) < len(self.servers):
            i = self._acquire(tried)
            try:
                return self.servers[i].create(**request)
            except BackendError as e:
                tried.add(i)
                errors.append(str(e))
            finally:
                self._release(i)
        raise BackendError(f"Every server failed this request: {' | '.join(errors)}")

    def describe(self) -> dict:
        """The answers' identity: model and request form, not which servers (adding one keeps resume)."""
        first = self.servers[0].describe()
        return {"backend": "openai", "model": first["model"], "structured": first["structured"]}

    @property
    def probe_note(self) -> str:
        return self.servers[0].probe_note

    def resolve_structured(self) -> str:
        mode = self.servers[0].resolve_structured()
        for server in self.servers[1:]:
            server.structured = mode  # one fleet, one kind of server: probe once
        return mode

    def close(self) -> None:
        for server in self.servers:
            server.close()
