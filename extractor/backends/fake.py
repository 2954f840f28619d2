"""A real backend with canned replies, for tests and dry runs (like llm's MockModel)."""

from __future__ import annotations

import json
import threading
from collections import deque
from typing import Any, Callable, Union

from openai.types.chat import ChatCompletion

from extractor.backends import Completion, Message

Reply = Callable[[list[Message], Union[dict, None]], str]


class FakeBackend:
    """Answer from a queue of replies, then from `replies(messages, schema)`, then with a minimal schema instance.

    Every call is recorded in `history` as (messages, schema, max_tokens)."""

    name = "fake"
    structured = "json_schema"

    def __init__(self, replies: list[str] | Reply | None = None) -> None:
        self._reply: Reply | None = replies if callable(replies) else None
        self._queue: deque[str] = deque([] if replies is None or callable(replies) else replies)
        self.history: list[tuple[list[Message], dict | None, int]] = []
        self._lock = threading.Lock()

    def add_replies(self, *replies: str) -> None:
        """Queue more canned replies."""
        with self._lock:
            self._queue.extend(replies)

    def complete(self, messages: list[Message], schema: dict | None, max_tokens: int) -> Completion:
        """Return the next canned reply (or a generated one) and record the call."""
        with self._lock:
            self.history.append(([dict(m) for m in messages], schema, max_tokens))  # type: ignore[misc]
            queued = self._queue.popleft() if self._queue else None
        if queued is not None:
            text = queued
        elif self._reply is not None:
            text = self._reply(messages, schema)
        elif schema is not None:
            text = json.dumps(minimal_instance(schema))
        else:
            text = ""
        prompt = "".join(m["content"] for m in messages)
        # A rough, deterministic stand-in for a tokenizer: ~4 characters per token.
        return Completion(text, prompt_tokens=_rough_tokens(prompt), completion_tokens=_rough_tokens(text))

    def create(self, *, messages: list[Message], max_tokens: int, **request: Any) -> ChatCompletion:
        """The chat-completion call instructor drives: answers as `complete` with the request's schema."""
        from extractor.backends.structured import chat_completion, request_schema

        return chat_completion(self.complete(messages, request_schema(request), max_tokens), request, model="fake")

    def complete_text(self, prompt: str, schema: dict | None, max_tokens: int) -> Completion:
        """Raw-prompt completion, answered like a single user message."""
        return self.complete([{"role": "user", "content": prompt}], schema, max_tokens)

    def describe(self) -> dict:
        return {"backend": "fake"}


def _rough_tokens(text: str) -> int:
    return (len(text) + 3) // 4


def minimal_instance(schema: dict, root: dict | None = None) -> Any:
    """The smallest value that validates against `schema`: first enum value, "", [], null, 0, required keys only.

    Handles type (also lists of types), enum, const, properties/required, items/minItems,
    minLength, minimum, anyOf/oneOf/allOf and local $ref (#/$defs/..., #/definitions/...)."""
    root = schema if root is None else root
    if "$ref" in schema:
        return minimal_instance(resolve_ref(schema["$ref"], root), root)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [resolve_ref(o["$ref"], root) if "$ref" in o else o for o in schema[key]]
            for option in options:
                if option.get("type") == "null":
                    return None
            return minimal_instance(options[0], root)
    if "allOf" in schema:
        merged: dict = {}
        for part in schema["allOf"]:
            merged.update(resolve_ref(part["$ref"], root) if "$ref" in part else part)
        return minimal_instance(merged, root)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = "null" if "null" in kind else (kind[0] if kind else None)
    if kind is None:
        kind = "object" if "properties" in schema else "array" if "items" in schema else "null"
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: minimal_instance(properties.get(name, {}), root) for name in schema.get("required", [])}
    if kind == "array":
        count = schema.get("minItems", 0)
        return [minimal_instance(schema.get("items", {}), root) for _ in range(count)]
    if kind == "string":
        return "a" * schema.get("minLength", 0)
    if kind in ("integer", "number"):
        low = max(schema.get("minimum", 0), schema.get("exclusiveMinimum", -1) + 1)
        return max(0, low) if kind == "integer" else float(max(0, low))
    if kind == "boolean":
        return False
    return None


def resolve_ref(ref: str, root: dict) -> dict:
    """Follow a local JSON pointer like '#/$defs/Claim'."""
    if not ref.startswith("#"):
        raise ValueError(f"Only local $ref are supported, not {ref!r}")
    node: Any = root
    for part in ref.lstrip("#").strip("/").split("/"):
        if part:
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def schema_errors(text: str, schema: dict) -> str | None:
    """None if `text` is JSON valid against `schema`, else the first problem in words (tests check raw
    engine answers with it; the pipeline validates through instructor and Pydantic)."""
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
