"""The pipeline for one paper: normalise -> rules find candidates -> the model chooses -> Extraction.

The rules produce a complete answer on their own (`Settings(use_model=False)`); the model only
chooses among what the rules found, inside schemas whose enums are those candidates, so it can
relabel but never invent a number, a URL or a name. With `--ask all` a model fills the whole
record instead and the rules check it (`whole.py`).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from extractor.backends import Backend
from extractor.candidates import Quantity, find_quantities, find_urls, pick_code_url
from extractor.errors import BackendError
from extractor.labels import ClaimLabel, label_claims, open_fields
from extractor.learned.claims import predict_claims
from extractor.learned.fields import low_confidence, predict_fields
from extractor.learned.linear import artefacts_digest
from extractor.learned.names import predict_names
from extractor.learned.reader import Reader
from extractor.learned.task import predict_tasks
from extractor.normalize import Normalized, normalize
from extractor.schema import Claim, Extraction, Paper
from extractor.validate import Problem

if TYPE_CHECKING:
    from extractor.prompts import Question

# The model's side (prompts, structured answers, `--ask all`) is imported where a model is asked:
# it pulls in instructor and openai, about 1 s of CPU that `--no-model` would spend for nothing.

MODEL_FIELDS = ("task", "domain", "architecture", "claims")
CUE_FIELDS = ("domain", "architecture")  # the fields whose cues the rules count: open or in conflict


@dataclass(frozen=True)
class Settings:
    """Pipeline settings that change answers; with the backend's identity they form the resume key."""

    use_model: bool = True
    # Measured on the dev answers, the bundled 135M-270M models make every field worse than the
    # rules (README, "What the model adds"), so by default they decide nothing; a bigger model can.
    ask: tuple[str, ...] = ()  # fields the model always decides
    fallback: tuple[str, ...] = ()  # fields it decides when the rules found no cue (domain, architecture)
    # Fields it answers too where the learned answer is not confident; a disagreement becomes a problem to check.
    # None by default: the low-confidence answers are the review queue themselves, and the bundled
    # model's generated answers were noise (README); it reads every abstract instead (`learned/reader.py`).
    review: tuple[str, ...] = ()
    context_chars: int = 300  # how much of the abstract the model reads (its opening states the task)
    # Which numbers are claims and of what kind: the trained model (`learned/claims.py`) over every
    # candidate, or, if False, the hand rules alone as before (every number they accept, their labels).
    learned_claims: bool = True

    @property
    def whole(self) -> bool:
        """`--ask all`: the model fills the whole record and the rules check it (`whole.py`)."""
        return self.needs_model and "all" in self.ask

    def fields_for(self, draft: Draft) -> list[str]:
        """The fields the model decides for this paper, in MODEL_FIELDS order (none of them apart when it fills the whole record)."""
        if not self.needs_model or self.whole:
            return []
        return [f for f in MODEL_FIELDS if f in self.ask or (f in self.fallback and f in draft.open)]

    @property
    def needs_model(self) -> bool:
        return self.use_model and bool(self.ask or self.fallback or self.review)

    def describe(self) -> dict:
        on = self.needs_model
        fields = {"ask": self.ask, "fallback": self.fallback, "review": self.review}
        return {"use_model": on, **{k: list(v) if on else [] for k, v in fields.items()}, "review_where": "low-confidence",
                "context_chars": self.context_chars, "claims": "learned" if self.learned_claims else "rules"}


@dataclass
class Draft:
    """What the rules found and decided for one paper, before the model is asked."""

    paper: Paper
    norm: Normalized
    title: str
    quantities: list[Quantity]
    labels: list[ClaimLabel]
    tasks: list[str]
    domain: str
    architecture: str
    introduced: list[str]
    code_url: str | None
    unsure: set[str]  # fields whose learned answer is not confident (a better review queue than conflicting cues)
    confidence: dict[str, float] = field(default_factory=dict)  # the learned fields' probabilities

    @cached_property
    def open(self) -> set[str]:
        """The fields the rules answered only by default, with no cue in the text: found when asked
        (only a model's `--fallback` asks, so `--no-model` never pays for it)."""
        return open_fields(self.title, self.norm.text)


@dataclass
class Result:
    paper_id: str
    extraction: Extraction
    problems: list[Problem] = field(default_factory=list)  # the model's disagreements with the rules
    timings: dict[str, float] = field(default_factory=dict)
    tokens: dict[str, int] = field(default_factory=lambda: {"prompt": 0, "completion": 0})


def draft_extraction(paper: Paper, learned_claims: bool = True, read: dict[str, float] | None = None) -> Draft:
    """Rules and the learned parts: the claims found and labelled, every field guessed (domain and
    architecture by the learned classifiers, with their confidence; `read`: the reader's features)."""
    norm = normalize(paper.abstract)
    title = normalize(paper.title).text
    text = norm.text
    if learned_claims:
        quantities, labels = predict_claims(text)
    else:
        quantities = find_quantities(text)
        labels = label_claims(text, quantities)
    names = predict_names(title, text)  # the rules' candidates and more, filtered by a learned model
    learned = predict_fields(title, text, read)  # domain and architecture: words, cues, known names (and the reader)
    return Draft(
        paper=paper,
        norm=norm,
        title=title,
        quantities=quantities,
        labels=labels,
        tasks=predict_tasks(title, text),  # the title rules' phrases, a learned pick first when it is clearly better
        domain=learned["domain"][0],
        architecture=learned["architecture"][0],
        introduced=names,
        code_url=pick_code_url(find_urls(text)),
        unsure=low_confidence(learned),
        confidence={f: round(p, 3) for f, (_, p) in learned.items()},
    )


def evidence_span(norm: Normalized, q: Quantity) -> tuple[int, int]:
    """Raw [start, end) of the phrase around a number: from the previous comma to the next one, in whole words.

    The phrase is capped at ~110 characters before the number and ~90 after; where a cap falls inside
    a word the phrase drops that word (or, next to the number, keeps all of it), so it never starts
    or ends mid-word ("le reduction", "compared to the inference of FP16" cut to "...comp")."""
    text = norm.text
    lo = max(q.clause.start, q.start - 110)
    hi = min(q.clause.end, q.end + 90)
    left = text.rfind(", ", lo, q.start)
    start = left + 2 if left >= 0 else lo
    right = min((i for i in (text.find(", ", q.end, hi), text.find(". ", q.end, hi)) if i >= 0), default=hi)
    start, right = _word_start(text, start, q.start), _word_end(text, right, q.end)
    while start < q.start and text[start].isspace():
        start += 1
    while right > q.end and text[right - 1] in _TRAILING:
        right -= 1
    return norm.raw_span(start, right)


_TRAILING = " .,;:([{"


def _inside_word(text: str, at: int) -> bool:
    return 0 < at < len(text) and not text[at - 1].isspace() and not text[at].isspace()


def _word_start(text: str, start: int, keep: int) -> int:
    """`start` moved off a cut word: past it if the number `keep` stays inside, else back to its beginning."""
    if not _inside_word(text, start):
        return start
    after = next((i + 1 for i in range(start, keep) if text[i].isspace()), None)
    if after is not None:
        return after
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return start


def _word_end(text: str, end: int, keep: int) -> int:
    """`end` moved off a cut word: before it if the number ending at `keep` stays inside, else to its end."""
    if not _inside_word(text, end):
        return end
    before = next((i for i in range(end - 1, keep - 1, -1) if text[i].isspace()), None)
    if before is not None:
        return before
    while end < len(text) and not text[end].isspace():
        end += 1
    return end


def build_claim(draft: Draft, q: Quantity, label: ClaimLabel) -> Claim:
    start, end = evidence_span(draft.norm, q)
    return Claim(
        metric=label.metric,
        kind=label.kind,  # type: ignore[arg-type]
        value=q.value,
        value_max=q.value_max,
        unit=q.unit,  # type: ignore[arg-type]
        direction=label.direction,  # type: ignore[arg-type]
        bound=q.bound,  # type: ignore[arg-type]
        baseline=label.baseline,
        evidence=draft.paper.abstract[start:end],
        evidence_start=start,
        evidence_end=end,
    )


def finish(draft: Draft, answers: dict) -> Extraction:
    """The Extraction from the rules' draft and the model's answers (which override the rules)."""
    kinds: dict[int, str] = answers.get("claim_kinds", {})
    claims = []
    for i, (q, label) in enumerate(zip(draft.quantities, draft.labels)):
        kind = kinds.get(i, label.kind)
        if kind == "none":
            continue
        if kind != label.kind:
            label = ClaimLabel(kind, "decrease" if kind == "reduction" else label.direction, label.metric, label.baseline)
        claims.append(build_claim(draft, q, label))
    return Extraction(
        task=answers.get("task", draft.tasks[0]),
        domain=answers.get("domain", draft.domain),
        architecture=answers.get("architecture", draft.architecture),
        introduced=draft.introduced,
        claims=claims,
        code_url=draft.code_url,
    )


def ask_model(draft: Draft, backend: Backend, settings: Settings, tokens: dict[str, int]) -> dict:
    """Ask the short questions; answers are already inside the candidates' enums."""
    from extractor.prompts import claims_question, paper_prefix, paper_question

    fields = settings.fields_for(draft)
    reviewed = [f for f in MODEL_FIELDS if f in settings.review and f in draft.unsure and f not in fields]
    if not fields and not reviewed:
        return {}
    prefix = paper_prefix(draft.title, re.sub(r"\s+", " ", draft.norm.text), settings.context_chars)
    answers: dict = {}
    paper_fields = [f for f in MODEL_FIELDS if f != "claims" and (f in fields or f in reviewed)]
    if paper_fields:
        reply = _call(backend, paper_question(prefix, draft.tasks, paper_fields), tokens)
        answers.update({k: v for k, v in reply.items() if k in fields})
        answers["review"] = {k: v for k, v in reply.items() if k in reviewed}
    if "claims" in fields and draft.quantities:
        snippets = [draft.norm.text[max(q.clause.start, q.start - 60) : min(q.clause.end, q.end + 40)] for q in draft.quantities]
        reply = _call(backend, claims_question(prefix, snippets), tokens)
        answers["claim_kinds"] = {i: reply.get(f"n{i + 1}") for i in range(len(snippets)) if reply.get(f"n{i + 1}")}
    return answers


def _call(backend: Backend, question: Question, tokens: dict[str, int]) -> dict:
    """One question through instructor: its answer validates against the question's enums (re-asked if not)."""
    from extractor.backends.structured import InvalidAnswer, ask

    try:
        answer = ask(backend, question.messages, question.model, question.max_tokens)
    except InvalidAnswer as e:
        tokens["prompt"] += e.usage.prompt_tokens
        tokens["completion"] += e.usage.completion_tokens
        raise BackendError(f"The model's answer to the {question.name} question: {e}") from e
    tokens["prompt"] += answer.prompt_tokens
    tokens["completion"] += answer.completion_tokens
    return answer.value.model_dump()


def extract_paper(paper: Paper, backend: Backend | None, settings: Settings, reader: Reader | None = None) -> Result:
    """One paper through the whole pipeline, with seconds per stage and tokens spent; the model's
    seconds are its reading of the abstract (`reader`) and its answers (`backend`)."""
    t = time.perf_counter()
    read = reader.features(paper.title, paper.abstract) if reader is not None else None
    t0 = time.perf_counter()
    draft = draft_extraction(paper, settings.learned_claims, read)
    t1 = time.perf_counter()
    tokens = {"prompt": 0, "completion": 0}
    answers = ask_model(draft, backend, settings, tokens) if settings.needs_model and backend is not None else {}
    t2 = time.perf_counter()
    extraction = finish(draft, answers)
    problems = confidence_problems(paper.id, draft) + review_problems(paper.id, extraction, answers.get("review", {}))
    t3 = time.perf_counter()
    if settings.whole and backend is not None:
        from extractor.whole import fill

        extraction, checked = fill(paper.id, paper.title, paper.abstract, extraction, backend, tokens)
        problems += checked
    t4 = time.perf_counter()
    return Result(paper.id, extraction, problems, {"rules": (t1 - t0) + (t3 - t2), "model": (t0 - t) + (t2 - t1) + (t4 - t3)}, tokens)


def confidence_problems(paper_id: str, draft: Draft) -> list[Problem]:
    """The learned answers less sure than their field's review threshold: the review queue
    (`extractor validate --rule low-confidence`); on dev its architecture answers are wrong twice as often as the rest."""
    return [
        Problem(paper_id, "low-confidence", name, f"{getattr(draft, name)!r} has probability {draft.confidence[name]:.2f}; check it")
        for name in sorted(draft.unsure)
    ]


def review_problems(paper_id: str, extraction: Extraction, review: dict[str, str]) -> list[Problem]:
    """Where the model, asked the same question, answers otherwise than the rules: worth a human look."""
    return [
        Problem(paper_id, "model-disagrees", name, f"the rules say {getattr(extraction, name)!r}, the model says {answer!r}")
        for name, answer in review.items()
        if answer != getattr(extraction, name)
    ]


def config_key(backend_description: dict, settings: Settings) -> str:
    """A short stable hash of everything that changes answers: a rerun with the same key resumes."""
    blob = json.dumps({"backend": backend_description, "settings": settings.describe(), "learned": artefacts_digest()}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


__all__ = ["CUE_FIELDS", "MODEL_FIELDS", "Draft", "Result", "Settings", "config_key", "draft_extraction", "extract_paper", "finish"]
