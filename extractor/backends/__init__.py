"""One small protocol for every model engine, and the one function that knows them all."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, TypedDict


class Message(TypedDict):
    role: str  # "system" | "user" | "assistant"
    content: str


@dataclass(frozen=True)
class Completion:
    """What a backend returns: text the schema's grammar constrained, and what it cost."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


# llama.cpp's threads spin while they wait for each other: on a CPU other processes use, 2 threads ran
# 6.9-7.3x slower than 1 (README, "Speed"), so one is the default.
DEFAULT_THREADS = 1


@dataclass
class BackendConfig:
    """Everything a backend needs to start; `describe()` of the backend goes into the runs table."""

    model: str | None = None  # GGUF path (llama_cpp) or model name (openai)
    n_ctx: int = 2048
    n_threads: int | None = None  # None: DEFAULT_THREADS
    seed: int = 0
    base_url: str | None = None
    api_key_env: str | None = None
    structured: str = "auto"  # openai: auto | json_object | json_schema | tools
    timeout: float = 120.0
    max_retries: int = 3  # transport retries (connection, 429, 5xx), done by the openai client
    extra: dict = field(default_factory=dict)


class Backend(Protocol):
    """An engine instructor can drive (`extractor.backends.structured.ask` is the one way to ask it)."""

    name: str
    structured: str  # the request form the engine honours: json_schema | json_object | tools

    def create(self, *, messages: list[Message], max_tokens: int, **request: Any) -> Any:
        """The OpenAI chat-completion call: return a `ChatCompletion` whose answer the schema in `request`
        (instructor's `response_format` or tool) constrained, or raise BackendError.

        Temperature is always 0. Calls that share a message prefix should reuse the engine's
        KV cache for that prefix (the in-process engine does this by itself)."""
        ...

    def describe(self) -> dict:
        """Model identity and settings that change answers; part of the resume key."""
        ...


BACKENDS = ("llama_cpp", "openai", "fake")


def get_backend(kind: str, config: BackendConfig) -> Backend:
    """Get a backend by name; heavy engine imports happen only here."""
    if kind == "llama_cpp":
        from extractor.backends.llama_cpp import LlamaCppBackend

        return LlamaCppBackend(config)
    if kind == "openai":
        from extractor.backends.openai import OpenAIBackend

        return OpenAIBackend(config)
    if kind == "fake":
        from extractor.backends.fake import FakeBackend

        return FakeBackend()
    from extractor.errors import ExtractorError

    raise ExtractorError(f"Unknown backend {kind!r}: choose one of {', '.join(BACKENDS)}.")
