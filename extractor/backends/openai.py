"""Any OpenAI-compatible server: llama_cpp.server, vLLM, Ollama, hosted APIs."""

from __future__ import annotations

import json
import os
import random
import threading
import time
from typing import Any, Callable, TypeVar
from urllib.parse import urlsplit

import openai

from extractor.backends import BackendConfig, Completion, Message
from extractor.backends.fake import resolve_ref
from extractor.errors import BackendError

T = TypeVar("T")
STRUCTURED = ("json_object", "json_schema", "tools")
_PROBE_SCHEMA = {
    "type": "object",
    "properties": {"animal": {"type": "string", "enum": ["zebra-7"]}},
    "required": ["animal"],
    "additionalProperties": False,
}
_PROBE_MESSAGES: list[Message] = [{"role": "user", "content": "Name an animal. Answer in JSON."}]


class _Unreachable(BackendError):
    """Retries exhausted: no point trying another request form."""


class OpenAIBackend:
    """Chat completions over HTTP with a schema constraint in the form the server understands.

    `config.extra` may hold `body` (extra request fields, e.g. {"repeat_penalty": 1.0}),
    `reasks` (validation re-asks, default 2) and `backoff` (first retry delay, default 0.5 s)."""

    name = "openai"

    def __init__(self, config: BackendConfig) -> None:
        if not config.base_url:
            raise BackendError("The openai backend needs a server URL: pass --base-url http://HOST:PORT/v1.")
        if config.structured not in ("auto", *STRUCTURED):
            raise BackendError(f"Unknown structured mode {config.structured!r}: use auto, {', '.join(STRUCTURED)}.")
        url = config.base_url.rstrip("/")
        self.base_url = url + "/v1" if urlsplit(url).path in ("", "/") else url
        self.config = config
        self.structured: str = config.structured
        self._model = config.model
        self._extra_body: dict = dict(config.extra.get("body", {}))
        self._reasks: int = int(config.extra.get("reasks", 2))
        self._backoff: float = float(config.extra.get("backoff", 0.5))
        key = "not-needed"  # local servers ignore it; never fall back to $OPENAI_API_KEY silently
        if config.api_key_env:
            key = os.environ.get(config.api_key_env) or ""
            if not key:
                raise BackendError(f"No API key found: set the environment variable {config.api_key_env}.")
        # One client (a thread-safe connection pool); its own retries are off because ours say more.
        self._client = openai.OpenAI(base_url=self.base_url, api_key=key, max_retries=0, timeout=config.timeout)
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

    def describe(self) -> dict:
        return {
            "backend": "openai",
            "base_url": self.base_url,
            "model": self.model,
            "structured": self.resolve_structured(),
        }

    def resolve_structured(self) -> str:
        """With structured="auto", find the first request form this server really obeys, once."""
        if self.structured != "auto":
            return self.structured
        with self._probe_lock:
            if self.structured == "auto":
                self.structured = self._probe()
        return self.structured

    def _probe(self) -> str:
        tried = []
        for mode in STRUCTURED:
            try:
                text, _, _ = self._chat(_PROBE_MESSAGES, _PROBE_SCHEMA, 24, mode)
            except _Unreachable:
                raise
            except BackendError as e:
                tried.append(f"{mode}: {e}")
                continue
            if not schema_errors(text, _PROBE_SCHEMA):
                return mode
            tried.append(f"{mode}: answer {text[:60]!r} ignored the schema")
        raise BackendError(
            f"The server at {self.base_url} did not honour any structured-output form "
            f"({'; '.join(tried)}). Use a server with grammar or JSON-schema support, "
            "or set the structured mode explicitly."
        )

    def complete(self, messages: list[Message], schema: dict | None, max_tokens: int) -> Completion:
        """Ask, validate against `schema`, and re-ask with the validation error if needed."""
        mode = self.resolve_structured() if schema is not None else "json_object"
        messages = list(messages)
        prompt_tokens = completion_tokens = 0
        for attempt in range(self._reasks + 1):
            text, usage, finish = self._chat(messages, schema, max_tokens, mode)
            text = _escape_control_characters(text) if schema is not None else text
            prompt_tokens += usage.get("prompt_tokens") or 0
            completion_tokens += usage.get("completion_tokens") or 0
            problem = schema_errors(text, schema) if schema is not None else None
            if not problem or finish == "length" or attempt == self._reasks:
                break  # a truncated answer will not improve by asking again
            messages += [
                {"role": "assistant", "content": text},
                {"role": "user", "content": f"That answer is not valid: {problem}. Reply again with JSON that "
                 "matches the schema exactly."},
            ]
        return Completion(text, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)

    def _chat(
        self, messages: list[Message], schema: dict | None, max_tokens: int, mode: str
    ) -> tuple[str, dict, str | None]:
        extra = {**(request_constraint(mode, schema) if schema is not None else {}), **self._extra_body}
        model = self.model
        reply = self._call(
            lambda: self._client.chat.completions.create(
                model=model, messages=messages, temperature=0.0,  # type: ignore[arg-type]
                max_tokens=max_tokens, seed=self.config.seed, extra_body=extra,
            ),
            "/chat/completions",
        )
        try:
            choice = reply.choices[0]
            calls = choice.message.tool_calls or []
            if mode == "tools" and schema is not None and calls:
                text = calls[0].function.arguments  # type: ignore[union-attr]
            else:
                text = choice.message.content or ""
        except (AttributeError, IndexError, TypeError) as e:
            raise BackendError(f"The server at {self.base_url} sent an unexpected reply: {str(reply)[:200]}") from e
        usage = reply.usage.model_dump() if reply.usage else {}
        return text, usage, choice.finish_reason

    def _call(self, request: Callable[[], T], path: str) -> T:
        """One request with retries and exponential backoff on connection errors, timeouts, 429 and 5xx."""
        url = self.base_url + path
        failure = ""
        cause: Exception | None = None
        for attempt in range(self.config.max_retries + 1):
            if attempt:
                delay = self._backoff * 2 ** (attempt - 1)
                time.sleep(delay * (1 + 0.1 * random.random()))
            try:
                return request()
            except openai.APIConnectionError as e:  # refused, reset, DNS, timeouts
                failure, cause = f"{type(e).__name__}: {e.__cause__ or e}", e
            except openai.APIStatusError as e:
                message = _server_message(e)
                if e.status_code == 429 or e.status_code >= 500:
                    failure, cause = f"HTTP {e.status_code}: {message}", e
                    continue
                raise BackendError(
                    f"The server at {url} rejected the request (HTTP {e.status_code}): {message}"
                ) from e
            except openai.OpenAIError as e:
                raise BackendError(f"The request to {url} failed: {e}") from e
        raise _Unreachable(
            f"The server at {self.base_url} is unreachable or failing after {self.config.max_retries + 1} "
            f"attempts ({failure}). Check that it is running and that --base-url is right, "
            "or retry later if it is overloaded."
        ) from cause


def request_constraint(mode: str, schema: dict) -> dict:
    """The request fields that carry `schema` in each structured-output dialect."""
    if mode == "json_object":  # llama_cpp.server turns this into a grammar
        return {"response_format": {"type": "json_object", "schema": schema}}
    if mode == "json_schema":  # vLLM, OpenAI, Ollama
        return {"response_format": {"type": "json_schema",
                                    "json_schema": {"name": "answer", "schema": schema, "strict": True}}}
    if mode == "tools":
        return {
            "tools": [{"type": "function", "function": {
                "name": "answer", "description": "Record the answer.", "parameters": schema}}],
            "tool_choice": {"type": "function", "function": {"name": "answer"}},
        }
    raise BackendError(f"Unknown structured mode {mode!r}: use one of {', '.join(STRUCTURED)}.")


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


def schema_errors(text: str, schema: dict) -> str | None:
    """None if `text` is JSON valid against `schema`, else the first problem in words."""
    try:
        value = json.loads(text)
    except ValueError as e:
        return f"not JSON ({e})"
    try:
        import jsonschema
    except ImportError:
        return _first_error(value, schema, schema, "$")
    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(value))
    if error is None:
        return None
    return f"{error.json_path}: {error.message}"


_TYPES: dict[str, Any] = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def _is_type(value: Any, kind: str) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, _TYPES.get(kind, object))


def _first_error(value: Any, schema: dict, root: dict, where: str) -> str | None:
    """A small validator for the subset we generate: type, enum, const, properties, required,
    additionalProperties, items, min/maxItems, min/maxLength, minimum/maximum, anyOf/oneOf/allOf, $ref."""
    if "$ref" in schema:
        return _first_error(value, resolve_ref(schema["$ref"], root), root, where)
    kinds = schema.get("type")
    if kinds is not None:
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if not any(_is_type(value, k) for k in kinds):
            return f"{where}: {value!r} is not of type {' or '.join(kinds)}"
    if "enum" in schema and value not in schema["enum"]:
        return f"{where}: {value!r} is not one of {schema['enum']}"
    if "const" in schema and value != schema["const"]:
        return f"{where}: {value!r} is not {schema['const']!r}"
    for key in ("anyOf", "oneOf"):
        if key in schema and all(_first_error(value, s, root, where) for s in schema[key]):
            return f"{where}: {value!r} matches none of the allowed forms"
    for part in schema.get("allOf", []):
        if problem := _first_error(value, part, root, where):
            return problem
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                return f"{where}: '{name}' is a required property"
        for name, item in value.items():
            if name in properties:
                if problem := _first_error(item, properties[name], root, f"{where}.{name}"):
                    return problem
            elif schema.get("additionalProperties") is False:
                return f"{where}: unexpected property '{name}'"
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            return f"{where}: fewer than {schema['minItems']} items"
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            return f"{where}: more than {schema['maxItems']} items"
        for i, item in enumerate(value):
            if problem := _first_error(item, schema.get("items", {}), root, f"{where}[{i}]"):
                return problem
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            return f"{where}: shorter than {schema['minLength']} characters"
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            return f"{where}: longer than {schema['maxLength']} characters"
    if _is_type(value, "number"):
        if "minimum" in schema and value < schema["minimum"]:
            return f"{where}: {value} is less than {schema['minimum']}"
        if "maximum" in schema and value > schema["maximum"]:
            return f"{where}: {value} is greater than {schema['maximum']}"
    return None
