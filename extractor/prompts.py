"""Short questions for a tiny model, each answered inside a per-paper schema whose enums are the candidates.

Every question about one paper starts with the same messages (instructions, then the paper),
so the engine's KV cache for that prefix is reused and only the question is new per call.
"""

from __future__ import annotations

from dataclasses import dataclass

from extractor.backends import Message
from extractor.schema import ARCHITECTURES, DOMAINS, KINDS

SYSTEM = (
    "You read machine-learning paper abstracts and answer questions about them with JSON. "
    "Pick only from the options the schema allows."
)

# Few-shot examples are written for this prompt, not taken from the evaluation answers.
_GUIDES = {
    "domain": "domain = the data modality (language, code, speech, vision, multimodal, time-series, science, robotics, other).",
    "architecture": "architecture = the model family the paper proposes or studies: decoder-only (GPT, LLaMA), "
    "encoder-only (BERT), encoder-decoder (T5, BART), state-space (Mamba), hybrid, multiple (compares several), unspecified.",
}
_CLAIM_GUIDE = (
    "For each numbered result say its kind: speedup (faster, throughput, latency), reduction (less memory, "
    "parameters, tokens, cost, error), improvement (better than a baseline), score (a level reached), "
    "other, or none if the number only describes the set-up."
)

# Bounds against run-away output: answers are short and their strings are capped.
MAX_TOKENS_PAPER = 48
MAX_TOKENS_CLAIMS = 12


@dataclass(frozen=True)
class Question:
    """One call: the messages, the constraining schema and a token budget."""

    name: str
    messages: list[Message]
    schema: dict
    max_tokens: int


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
    schema = {
        "type": "object",
        "properties": {f: {"type": "string", "enum": enums[f]} for f in fields},
        "required": list(fields),
    }
    guide = [_GUIDES[f] for f in fields if f in _GUIDES]
    if "task" in fields:
        guide.append("task = the main problem, one of: " + "; ".join(tasks) + ".")
    text = "\n".join(guide) + f"\nAnswer with {' and '.join(fields)}."
    return Question("paper", _ask(prefix, text), schema, MAX_TOKENS_PAPER)


def claims_question(prefix: list[Message], snippets: list[str]) -> Question:
    """The kind of each numbered result, or none when it is not a result of the paper's own work."""
    keys = [f"n{i + 1}" for i in range(len(snippets))]
    kind_enum = {"type": "string", "enum": [*KINDS, "none"]}
    schema = {
        "type": "object",
        "properties": {k: kind_enum for k in keys},
        "required": keys,
    }
    listing = "\n".join(f"{k}: {s}" for k, s in zip(keys, snippets))
    text = f"{_CLAIM_GUIDE}\n{listing}"
    return Question("claims", _ask(prefix, text), schema, MAX_TOKENS_CLAIMS + 8 * len(keys))
