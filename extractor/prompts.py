"""Short questions for a tiny model, each answered inside a per-paper schema whose enums are the candidates.

Every call starts with the same system message (instructions and the field guide), so its KV
cache is reused across papers; every question about one paper then shares the paper's message,
so only the question itself is new per call.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel

from extractor.backends import Message
from extractor.backends.structured import choice_model
from extractor.schema import ARCHITECTURES, DOMAINS, KINDS

_CLAIM_GUIDE = (
    "For each numbered result say its kind: speedup (faster, throughput, latency), reduction (less memory, "
    "parameters, tokens, cost, error), improvement (better than a baseline), score (a level reached), "
    "other, or none if the number only describes the set-up."
)
SYSTEM = (
    "You read machine-learning paper abstracts and answer questions about them with JSON, "
    "picking only from the options the schema allows.\n"
    "domain = the data modality (language, code, speech, vision, multimodal, time-series, science, robotics, other).\n"
    "architecture = the model family the paper proposes or studies: decoder-only (GPT, LLaMA), encoder-only (BERT), "
    "encoder-decoder (T5, BART), state-space (Mamba), hybrid, multiple (compares several), unspecified.\n"
    "task = the main problem the paper addresses, one of the phrases offered."
)

# Bounds against run-away output: answers are short and their strings are capped.
MAX_TOKENS_PAPER = 48
MAX_TOKENS_CLAIMS = 12


@dataclass(frozen=True)
class Question:
    """One call: the messages, the Pydantic model instructor fills (its schema constrains the engine)
    and a token budget."""

    name: str
    messages: list[Message]
    model: type[BaseModel]
    max_tokens: int

    @property
    def schema(self) -> dict:
        return self.model.model_json_schema()


def paper_prefix(title: str, text: str, max_chars: int) -> list[Message]:
    """The shared prefix of every question about a paper; the abstract is cut to bound the prompt."""
    body = text if len(text) <= max_chars else text[:max_chars].rsplit(" ", 1)[0] + " ..."
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"Title: {title}\nAbstract: {body}"},
    ]


def _ask(prefix: list[Message], text: str) -> list[Message]:
    # The question joins the paper's message so the prefix tokens stay identical across questions.
    last = prefix[-1]
    return [*prefix[:-1], {"role": "user", "content": f"{last['content']}\n\n{text}"}]


def paper_question(prefix: list[Message], tasks: list[str], fields: list[str]) -> Question:
    """Some of task (one of the title's phrases), domain and architecture, in one short object."""
    enums = {"task": tasks, "domain": list(DOMAINS), "architecture": list(ARCHITECTURES)}
    model = choice_model("PaperAnswer", {f: enums[f] for f in fields})
    text = f"Answer with {' and '.join(fields)}."
    if "task" in fields:
        text = "Task phrases: " + "; ".join(tasks) + ".\n" + text
    return Question("paper", _ask(prefix, text), model, MAX_TOKENS_PAPER)


def claims_question(prefix: list[Message], snippets: list[str]) -> Question:
    """The kind of each numbered result, or none when it is not a result of the paper's own work."""
    keys = [f"n{i + 1}" for i in range(len(snippets))]
    model = choice_model("ClaimKinds", {k: [*KINDS, "none"] for k in keys})
    listing = "\n".join(f"{k}: {s}" for k, s in zip(keys, snippets))
    text = f"{_CLAIM_GUIDE}\n{listing}"
    return Question("claims", _ask(prefix, text), model, MAX_TOKENS_CLAIMS + 8 * len(keys))
