"""The one path to a model: instructor fills a Pydantic model through an engine's chat-completion call.

Every backend offers `create(**request) -> ChatCompletion`, the OpenAI chat call instructor drives;
instructor builds the request (the schema in `response_format`, or as a tool), validates the
answer against the model's validators and re-asks with the validation error (`max_retries`).
Each engine turns the schema into the form it honours (a llama.cpp grammar in process,
`json_object` + `schema` for llama_cpp.server, `json_schema` for vLLM and hosted APIs).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

import instructor
from instructor.core.hooks import Hooks
from openai.types.chat import ChatCompletion
from pydantic import BaseModel, ConfigDict, create_model

from extractor.backends import Completion, Message
from extractor.errors import BackendError

M = TypeVar("M", bound=BaseModel)
# The instructor mode per request form: the schema goes in `response_format` unless it is a tool.
MODES = {"json_schema": instructor.Mode.JSON_SCHEMA, "json_object": instructor.Mode.JSON_SCHEMA,
         "tools": instructor.Mode.TOOLS}
DEFAULT_REASKS = 2  # validation re-asks after the first answer
# instructor logs each failed attempt at ERROR, which Python's last-resort handler would print under the
# progress bar; the errors that matter reach the user as BackendError / InvalidAnswer in words.
logging.getLogger("instructor").addHandler(logging.NullHandler())


@dataclass
class Answer(Generic[M]):
    """A validated answer and what it cost, re-asks included."""

    value: M
    prompt_tokens: int = 0
    completion_tokens: int = 0
    attempts: int = 1
    errors: list[str] = field(default_factory=list)  # the validation errors that were re-asked


class InvalidAnswer(BackendError):
    """The model's last answer still failed validation (or was cut off); it carries that answer."""

    def __init__(self, message: str, text: str, usage: Usage, errors: list[str]) -> None:
        super().__init__(message)
        self.text = text
        self.usage = usage
        self.errors = errors


@dataclass
class Usage:
    """Token counts summed from instructor's `completion:response` hook, one response per attempt."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    attempts: int = 0

    def add(self, response: Any) -> None:
        self.attempts += 1
        usage = getattr(response, "usage", None)
        self.prompt_tokens += int(getattr(usage, "prompt_tokens", 0) or 0)
        self.completion_tokens += int(getattr(usage, "completion_tokens", 0) or 0)


def ask(backend: Any, messages: list[Message], response_model: type[M], max_tokens: int,
        max_retries: int = DEFAULT_REASKS) -> Answer[M]:
    """Ask `backend` to fill `response_model`; validation failures are re-asked with their message.

    Raises InvalidAnswer if the last answer still fails (or was truncated), BackendError if the engine
    or server failed (transport retries are the openai client's own). No validation `context` is passed:
    with one, instructor renders the messages as Jinja templates, which would rewrite abstracts."""
    usage, errors = Usage(), []
    hooks = Hooks()
    hooks.on("completion:response", usage.add)
    hooks.on("parse:error", lambda error, **_: errors.append(str(error)))
    create = instructor.patch(create=backend.create, mode=MODES[getattr(backend, "structured", "json_schema")])
    try:
        value = create(response_model=response_model, messages=list(messages), max_tokens=max_tokens,
                       max_retries=max_retries, strict=False, hooks=hooks, temperature=0.0)
    except instructor.core.exceptions.IncompleteOutputException as e:
        text = _text(getattr(e, "last_completion", None))
        raise InvalidAnswer(f"The model's answer was cut off at {max_tokens} tokens: {text[:120]!r}", text,
                            usage, errors) from e
    except instructor.core.exceptions.InstructorRetryException as e:
        if isinstance(e.__cause__, BackendError):
            raise e.__cause__ from None  # the engine failed, not the answer
        text = _text(e.last_completion)
        raise InvalidAnswer(f"The model's answer is still invalid after {usage.attempts} attempt(s): "
                            f"{errors[-1] if errors else e}", text, usage, errors) from e
    return Answer(value, usage.prompt_tokens, usage.completion_tokens, usage.attempts, errors[:])


def _text(response: Any) -> str:
    """The answer text of a chat completion, tool-call arguments included."""
    try:
        message = response.choices[0].message
    except (AttributeError, IndexError, TypeError):
        return ""
    calls = getattr(message, "tool_calls", None) or []
    return calls[0].function.arguments if calls else (message.content or "")


def request_schema(request: dict) -> dict | None:
    """The JSON schema an instructor request carries, in whichever form it was put."""
    form = request.get("response_format") or {}
    if form.get("type") == "json_schema":
        return form["json_schema"]["schema"]
    if form.get("type") == "json_object" and "schema" in form:
        return form["schema"]
    for tool in request.get("tools") or []:
        return tool["function"]["parameters"]
    return None


def chat_completion(done: Completion, request: dict, finish: str = "stop", model: str = "") -> ChatCompletion:
    """An OpenAI ChatCompletion around a backend's text, shaped as the request asked (tool call or content)."""
    message: dict[str, Any] = {"role": "assistant", "content": done.text}
    if request.get("tools"):
        name = request["tools"][0]["function"]["name"]
        message = {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_0", "type": "function", "function": {"name": name, "arguments": done.text}}]}
    return ChatCompletion.model_validate({
        "id": "extractor", "object": "chat.completion", "created": int(time.time()), "model": model,
        "choices": [{"index": 0, "finish_reason": finish, "message": message}],
        "usage": {"prompt_tokens": done.prompt_tokens, "completion_tokens": done.completion_tokens,
                  "total_tokens": done.prompt_tokens + done.completion_tokens},
    })


def choice_model(name: str, choices: dict[str, list[str]]) -> type[BaseModel]:
    """A Pydantic model with one closed-enum string field per key, in the given order."""
    fields: dict[str, Any] = {key: (Literal[tuple(dict.fromkeys(values))], ...) for key, values in choices.items()}
    return create_model(name, __config__=ConfigDict(extra="ignore"), **fields)


class Probe(BaseModel):
    """The probe's answer: a made-up animal no model says unless the schema reaches the engine."""

    animal: Literal["zebra-7"]


PROBE_MESSAGES: list[Message] = [{"role": "user", "content": "Name an animal. Answer in JSON."}]
