"""The in-process engine: a GGUF model run by llama-cpp-python, answers constrained by a grammar."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

import llama_cpp
from jinja2 import TemplateError as _TemplateError  # jinja2 comes with llama_cpp
from llama_cpp import Llama, LlamaGrammar, llama_chat_format
from llama_cpp.llama_grammar import json_schema_to_gbnf
from openai.types.chat import ChatCompletion

from extractor.backends import DEFAULT_THREADS, BackendConfig, Completion, Message
from extractor.backends.structured import chat_completion, request_schema
from extractor.errors import BackendError

MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def default_model_path() -> Path:
    """The bundled model: $EXTRACTOR_MODEL, then ./models/, then the repository's models/."""
    tried: list[Path] = []
    env = os.environ.get("EXTRACTOR_MODEL")
    if env:
        path = Path(env).expanduser()
        tried.append(path / MODEL_FILE if path.is_dir() else path)
    tried += [Path.cwd() / "models" / MODEL_FILE, Path(__file__).resolve().parents[2] / "models" / MODEL_FILE]
    for path in tried:
        if path.is_file():
            return path
    raise BackendError(
        f"No model file found; tried {', '.join(str(p) for p in tried)}. "
        "Run `make models` to fetch the bundled model, or pass --model PATH.gguf."
    )


# llama-cpp-python's schema converter lets raw control characters (a newline, say) into strings,
# which is not JSON; llama.cpp's own converter excludes them like this.
_LOOSE_CHAR = r'char ::= [^"\\] |'
_JSON_CHAR = r'char ::= [^"\\\x7F\x00-\x1F] |'


@lru_cache(maxsize=512)
def grammar_for(schema_json: str) -> LlamaGrammar:
    """The GBNF grammar for a JSON schema string, converted once per distinct schema."""
    gbnf = json_schema_to_gbnf(schema_json).replace(_LOOSE_CHAR, _JSON_CHAR)
    return LlamaGrammar.from_string(gbnf, verbose=False)


def plain_prompt(messages: list[Message]) -> str:
    """A template-free prompt for base models: 'role: content' blocks, ending with 'assistant:'."""
    return "".join(f"{m['role']}: {m['content']}\n\n" for m in messages) + "assistant:"


class _StableLlama(Llama):
    """A Llama whose answer to a prompt does not depend on what the KV cache held before.

    llama-cpp-python resumes a fully cached prompt by re-evaluating its last token alone, and
    llama.cpp computes a lone token with other kernels than a batch (measured: a repeated prompt
    got a different greedy answer). Rewinding so at least two prompt tokens are evaluated
    together keeps prefix reuse and gives the same logits as a fresh context."""

    def generate(self, tokens: Any, *args: Any, **kwargs: Any) -> Any:
        self.n_tokens = min(self.n_tokens, max(0, len(tokens) - 2))
        return super().generate(tokens, *args, **kwargs)


class LlamaCppBackend:
    """Run a GGUF model in this process; one Llama object, so calls sharing a prefix reuse its KV cache.

    Calls are serialized with a lock: a Llama context is not thread-safe, and on a few CPU cores
    one request at a time is also the fastest."""

    name = "llama_cpp"
    structured = "json_schema"  # instructor's JSON_SCHEMA request; `create` turns its schema into a grammar

    def __init__(self, config: BackendConfig) -> None:
        self.config = config
        self.model_path = Path(config.model).expanduser() if config.model else default_model_path()
        if not self.model_path.is_file():
            raise BackendError(
                f"Model file {self.model_path} not found. Run `make models`, or pass --model PATH.gguf."
            )
        try:
            threads = config.n_threads or DEFAULT_THREADS
            self._llm = _StableLlama(
                model_path=str(self.model_path),
                n_ctx=config.n_ctx,
                n_threads=threads,
                n_threads_batch=threads,
                seed=config.seed,
                verbose=False,
            )
        except Exception as e:  # llama_cpp raises ValueError/RuntimeError with little detail
            raise BackendError(f"llama.cpp could not load {self.model_path}: {e}") from e
        # Base models often carry no chat template; llama-cpp-python would then silently use llama-2's.
        self.chat_template: bool = "tokenizer.chat_template" in self._llm.metadata
        self.last_timings: dict[str, float] = {}
        self._lock = threading.Lock()
        self._identity: str | None = None

    def create(self, *, messages: list[Message], max_tokens: int, **request: Any) -> ChatCompletion:
        """The chat-completion call instructor drives: the schema it put in the request (`response_format`
        of any type, or a tool) becomes a llama.cpp grammar on every attempt, re-asks included."""
        done, finish = self._generate(messages, request_schema(request), max_tokens)
        return chat_completion(done, request, finish, self.model_path.name)

    def complete(self, messages: list[Message], schema: dict | None, max_tokens: int) -> Completion:
        """One constrained answer (no validation): the engine call under `create`."""
        return self._generate(messages, schema, max_tokens)[0]

    def _generate(self, messages: list[Message], schema: dict | None, max_tokens: int) -> tuple[Completion, str]:
        """Chat completion through the GGUF's own template, constrained by a grammar built from `schema`;
        with the finish reason ("length" when cut off)."""
        constraint = self._constraint(schema)
        with self._lock:
            if self.chat_template:
                try:
                    response = self._timed(
                        self._llm.create_chat_completion,
                        messages=messages, temperature=0.0, max_tokens=max_tokens, **constraint,
                    )
                    return _completion(response, response["choices"][0]["message"].get("content"))
                except BackendError:
                    if not self._template_fails(messages):
                        raise
                    self.chat_template = False  # e.g. "System role not supported": use the plain prompt
            response = self._timed(
                self._llm.create_completion, prompt=plain_prompt(messages), temperature=0.0,
                max_tokens=max_tokens, stop=[] if schema is not None else ["\nuser:", "\nsystem:"], **constraint,
            )
            text = response["choices"][0]["text"]
            return _completion(response, text if schema is not None else text.strip())

    def complete_text(self, prompt: str, schema: dict | None, max_tokens: int) -> Completion:
        """Raw completion of `prompt` (no chat template), e.g. for base models."""
        constraint = self._constraint(schema)
        with self._lock:
            response = self._timed(
                self._llm.create_completion, prompt=prompt, temperature=0.0, max_tokens=max_tokens, **constraint
            )
        return _completion(response, response["choices"][0]["text"])[0]

    def describe(self) -> dict:
        return {
            "backend": "llama_cpp",
            "model": self.model_path.name,
            "model_sha256_prefix": self._model_identity(),
            "n_ctx": self.config.n_ctx,
        }

    def _model_identity(self) -> str:
        """sha256 of the first MiB plus the size: cheap, and enough to tell model files apart."""
        if self._identity is None:
            digest = hashlib.sha256()
            with self.model_path.open("rb") as f:
                digest.update(f.read(1 << 20))
            digest.update(str(self.model_path.stat().st_size).encode())
            self._identity = digest.hexdigest()[:16]
        return self._identity

    def _template_fails(self, messages: list[Message]) -> bool:
        """Whether the GGUF's chat template itself refuses these messages (templates raise ValueError)."""
        formatter = llama_chat_format.Jinja2ChatFormatter(
            template=self._llm.metadata["tokenizer.chat_template"], eos_token="", bos_token=""
        )
        try:
            formatter(messages=messages)
        except (_TemplateError, ValueError):
            return True
        return False

    def _constraint(self, schema: dict | None) -> dict[str, Any]:
        if schema is None:
            return {}
        try:
            return {"grammar": grammar_for(json.dumps(schema))}
        except Exception as e:  # the schema->GBNF converter raises plain exceptions on unsupported schemas
            raise BackendError(f"Could not turn the JSON schema into a llama.cpp grammar: {e}") from e

    def _timed(self, method: Any, **kwargs: Any) -> dict:
        """Call the engine, wrap its errors, and keep its own prompt/generation counters in `last_timings`."""
        before = _perf(self._llm)
        start = time.perf_counter()
        try:
            response = method(**kwargs)
        except Exception as e:
            raise BackendError(f"llama.cpp failed on {self.model_path.name}: {type(e).__name__}: {e}") from e
        after = _perf(self._llm)
        self.last_timings = {
            "wall_ms": (time.perf_counter() - start) * 1000,
            **{key: after[key] - before[key] for key in after},
        }
        return response


def _perf(llm: Llama) -> dict[str, float]:
    data = llama_cpp.llama_perf_context(llm.ctx)
    return {
        "prompt_eval_tokens": data.n_p_eval,
        "prompt_eval_ms": data.t_p_eval_ms,
        "eval_tokens": data.n_eval,
        "eval_ms": data.t_eval_ms,
    }


def _completion(response: dict, text: str | None) -> tuple[Completion, str]:
    usage = response.get("usage") or {}
    done = Completion(
        text or "",
        prompt_tokens=int(usage.get("prompt_tokens") or 0),
        completion_tokens=int(usage.get("completion_tokens") or 0),
    )
    return done, response["choices"][0].get("finish_reason") or "stop"
