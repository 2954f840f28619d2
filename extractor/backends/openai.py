"""Any OpenAI-compatible server: llama_cpp.server, vLLM, Ollama, hosted APIs."""

from __future__ import annotations

import json
import os
import threading
from functools import partial
from typing import Any, Callable, TypeVar
from urllib.parse import urlsplit

import openai
from openai.types.chat import ChatCompletion

from extractor.backends import BackendConfig
from extractor.backends.structured import PROBE_MESSAGES, InvalidAnswer, Probe, ask, request_schema
from extractor.errors import BackendError

T = TypeVar("T")
STRUCTURED = ("json_object", "json_schema", "tools")


class _Unreachable(BackendError):
    """Retries exhausted: no point trying another request form."""


class OpenAIBackend:
    """Chat completions over HTTP, driven by instructor, with the schema in the form the server understands.

    `config.extra` may hold `body` (extra request fields, e.g. {"repeat_penalty": 1.0}). Connection
    errors, 429 and 5xx are retried by the openai client itself (`config.max_retries`, its backoff)."""

    name = "openai"

    def __init__(self, config: BackendConfig) -> None:
        if not config.base_url:
            raise BackendError("The openai backend needs a server URL: pass --base-url http://HOST:PORT/v1.")
        if config.structured not in ("auto", *STRUCTURED):
            raise BackendError(f"Unknown structured mode {config.structured!r}: use auto, {', '.join(STRUCTURED)}.")
        url = config.base_url.rstrip("/")
        self.base_url = url + "/v1" if urlsplit(url).path in ("", "/") else url
        self.config = config
        self._structured: str = config.structured
        self.probe_note = "as asked"  # or what the auto probe tried, for the user
        self._model = config.model
        self._extra_body: dict = dict(config.extra.get("body", {}))
        key = "not-needed"  # local servers ignore it; never fall back to $OPENAI_API_KEY silently
        if config.api_key_env:
            key = os.environ.get(config.api_key_env) or ""
            if not key:
                raise BackendError(f"No API key found: set the environment variable {config.api_key_env}.")
        # One client (a thread-safe connection pool) that retries connection errors, 429 and 5xx itself.
        self._client = openai.OpenAI(base_url=self.base_url, api_key=key, max_retries=config.max_retries,
                                     timeout=config.timeout)
        self._model_lock = threading.Lock()
        self._probe_lock = threading.Lock()

    def close(self) -> None:
        self._client.close()

    @property
    def model(self) -> str:
        """The model name sent in requests; asks /models for the first one if none was given."""
        if self._model is None:
            with self._model_lock:
                if self._model is None:
                    listing = self._call(lambda: self._client.models.list(), "/models")
                    models = [m.id for m in listing.data]
                    if not models or not models[0]:
                        raise BackendError(f"The server at {self.base_url} lists no models: pass --model NAME.")
                    self._model = str(models[0])
        return self._model

    @property
    def structured(self) -> str:
        """The request form in use (instructor's mode follows it); "auto" is resolved by the probe."""
        return self.resolve_structured()

    @structured.setter
    def structured(self, form: str) -> None:
        """Set the form without a probe (a fleet probes its first server and tells the others)."""
        self._structured = form

    def describe(self) -> dict:
        return {
            "backend": "openai",
            "base_url": self.base_url,
            "model": self.model,
            "structured": self.resolve_structured(),
        }

    def resolve_structured(self) -> str:
        """With structured="auto", find the first request form this server really obeys, once."""
        if self._structured != "auto":
            return self._structured
        with self._probe_lock:
            if self._structured == "auto":
                self._structured = self._probe()
        return self._structured

    def _probe(self) -> str:
        """Ask for a made-up animal in each form through instructor, without re-asks: the first form
        whose answer validates is one the server turns into a constraint."""
        tried = []
        for form in STRUCTURED:
            try:
                ask(_Form(self, form), PROBE_MESSAGES, Probe, 24, max_retries=0)
            except _Unreachable:
                raise
            except InvalidAnswer as e:
                tried.append(f"{form}: answer {e.text[:60]!r} ignored the schema")
                continue
            except BackendError as e:
                tried.append(f"{form}: {e}")
                continue
            self.probe_note = f"probed: {'; '.join([*tried, f'{form}: obeyed'])}"
            return form
        raise BackendError(
            f"The server at {self.base_url} did not honour any structured-output form "
            f"({'; '.join(tried)}). Use a server with grammar or JSON-schema support, "
            "or set the structured mode explicitly."
        )

    def create(self, **request: Any) -> ChatCompletion:
        """The chat-completion call instructor drives, in this server's request form."""
        return self.send(self.resolve_structured(), **request)

    def send(self, form: str, **request: Any) -> ChatCompletion:
        """One request, instructor's schema rewritten into `form`; llama_cpp.server rejects `json_schema`
        but turns `{"type": "json_object", "schema": ...}` into a grammar."""
        schema = request_schema(request)
        if form == "json_object" and schema is not None:
            request["response_format"] = {"type": "json_object", "schema": schema}
        model = self.model
        reply = self._call(
            lambda: self._client.chat.completions.create(
                model=model, seed=self.config.seed, extra_body=self._extra_body or None, **request,
            ),
            "/chat/completions",
        )
        if not getattr(reply, "choices", None):
            raise BackendError(f"The server at {self.base_url} sent an unexpected reply: {str(reply)[:200]}")
        message = reply.choices[0].message
        if message.content and schema is not None:
            message.content = _escape_control_characters(message.content)
        return reply

    def _call(self, request: Callable[[], T], path: str) -> T:
        """One request (the client retries connection errors, timeouts, 429 and 5xx); failures in words."""
        url = self.base_url + path
        try:
            return request()
        except openai.APIConnectionError as e:  # refused, reset, DNS, timeouts
            failure = f"{type(e).__name__}: {e.__cause__ or e}"
            cause: Exception = e
        except openai.APIStatusError as e:
            message = _server_message(e)
            if not (e.status_code == 429 or e.status_code >= 500):
                raise BackendError(
                    f"The server at {url} rejected the request (HTTP {e.status_code}): {message}"
                ) from e
            failure, cause = f"HTTP {e.status_code}: {message}", e
        except openai.OpenAIError as e:
            raise BackendError(f"The request to {url} failed: {e}") from e
        raise _Unreachable(
            f"The server at {self.base_url} is unreachable or failing after {self.config.max_retries + 1} "
            f"attempts ({failure}). Check that it is running and that --base-url is right, "
            "or retry later if it is overloaded."
        ) from cause


class _Form:
    """The backend seen through one request form: what the probe asks through."""

    def __init__(self, backend: OpenAIBackend, form: str) -> None:
        self.structured = form
        self.create = partial(backend.send, form)


def _server_message(error: openai.APIStatusError) -> str:
    """The server's own words from an error reply ({"error": {"message": ...}} or {"detail": ...})."""
    body: Any = error.body
    if isinstance(body, dict):
        body = body.get("error", body.get("detail", body))
        if isinstance(body, dict):
            body = body.get("message", body)
    if body is None:
        body = error.response.text or error.response.reason_phrase
    return str(body)[:300]


def _escape_control_characters(text: str) -> str:
    """Re-serialize JSON whose strings hold raw newlines or tabs (llama_cpp.server's schema grammar
    allows them; JSON does not) so it parses; any other text is returned as it is."""
    try:
        json.loads(text)
        return text
    except ValueError:
        pass
    try:
        return json.dumps(json.loads(text, strict=False), ensure_ascii=False)
    except ValueError:
        return text
