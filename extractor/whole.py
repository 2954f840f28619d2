"""`--ask all`: the model fills the whole Extraction, and the rules check every answer it gives.

The model reads the title, the abstract and the rules' draft, and fills `ModelRecord` through
instructor. Its validators ground each answer in the paper (passed as validation context): a
claim's evidence is a verbatim part of the abstract that writes the claim's value (in digits,
LaTeX or words), an introduced name occurs in the title or abstract, a code URL in the abstract;
enums are closed by the types. A failing answer is re-asked with the validators' messages; what
still fails falls back to the rules' answer for that field (or is dropped, for one claim or name)
and becomes a `model-ungrounded` problem. Offsets are computed here, never taken from the model.
"""

from __future__ import annotations

import json
import re
from typing import Any, ClassVar, Optional

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator
from pydantic_core import from_json

from extractor.backends import Message
from extractor.backends.structured import InvalidAnswer, ask
from extractor.candidates import find_quantities
from extractor.normalize import Normalized, normalize
from extractor.number_words import find_word_numbers
from extractor.schema import Architecture, Bound, Claim, Direction, Domain, Extraction, Kind, Unit
from extractor.validate import Problem

MAX_TOKENS = 700  # a whole record; strings and lists are capped so a small model cannot run on
SYSTEM = (
    "You read a machine-learning paper's title and abstract and fill its record as JSON.\n"
    "task: the main problem addressed, a short phrase. domain: the data modality. architecture: the model family "
    "the paper proposes or studies (decoder-only: GPT, LLaMA, VLMs; encoder-only: BERT; encoder-decoder: T5; "
    "state-space: Mamba; other: CNNs, diffusion U-Nets, GNNs, MLPs; unspecified only if the abstract gives no clue).\n"
    "introduced: names the paper coins for its own method, model, dataset or benchmark, as written.\n"
    "claims: each number the paper reports as a result of its own work: metric, kind (speedup for time or speed, "
    "reduction for a saving, improvement over a baseline, score for a level reached, other), value as a number, "
    "unit (x, %, abs), direction, bound (exact, up-to, at-least, about), the baseline compared against, and evidence: "
    "the phrase of the abstract, copied exactly, that states the number. Set-up counts are not claims.\n"
    "code_url: the code link given in the abstract, or null.\n"
    "A draft by rules is given; correct it where the abstract says otherwise, and add what it missed."
)


class ModelClaim(BaseModel):
    """A claim as the model states it; where its evidence sits is found by extractor."""

    model_config = ConfigDict(extra="ignore")

    metric: str = Field(max_length=60)
    kind: Kind
    value: float
    value_max: Optional[float] = None
    unit: Unit
    direction: Direction
    bound: Bound
    baseline: Optional[str] = Field(default=None, max_length=80)
    evidence: str = Field(max_length=240)


class ModelRecord(BaseModel):
    """The whole record the model fills; `for_paper` makes the per-paper model whose validators ground it."""

    model_config = ConfigDict(extra="ignore")
    paper: ClassVar[Optional[PaperText]] = None

    task: str = Field(max_length=100)
    domain: Domain
    architecture: Architecture
    introduced: list[str] = Field(default_factory=list, max_length=6)
    claims: list[ModelClaim] = Field(default_factory=list, max_length=10)
    code_url: Optional[str] = Field(default=None, max_length=120)

    @model_validator(mode="after")
    def grounded(self) -> ModelRecord:
        if self.paper is not None:
            problems = ground(self, self.paper)
            if problems:
                raise ValueError("; ".join(f"{where}: {message}" for where, message in problems))
        return self

    @classmethod
    def for_paper(cls, paper: PaperText) -> type[ModelRecord]:
        """The same schema, validated against this paper. (Not instructor's `context`: with one,
        instructor renders every message as a Jinja template, and abstracts hold LaTeX braces.)"""
        return type(cls.__name__, (cls,), {"paper": paper, "__module__": __name__, "__doc__": cls.__doc__})


class PaperText:
    """What the validators check against: the raw and clean title and abstract."""

    def __init__(self, title: str, abstract: str) -> None:
        self.raw = abstract
        self.norm: Normalized = normalize(abstract)
        self.title = normalize(title).text
        self._folded = _fold(self.title + " " + self.norm.text)

    def locate(self, evidence: str) -> tuple[int, int] | None:
        """Raw [start, end) of `evidence` in the abstract: verbatim in the raw text, else in the clean
        text (the model read the clean one) mapped back to raw characters; a line break may stand
        for a space and back (the rules' draft quotes the raw text)."""
        words = evidence.split()
        if not words:
            return None
        pattern = re.compile(r"\s+".join(map(re.escape, words)))
        if found := pattern.search(self.raw):
            return found.span()
        if found := pattern.search(self.norm.text):
            return self.norm.raw_span(*found.span())
        return None

    def mentions(self, name: str) -> bool:
        folded = _fold(name)
        return bool(folded) and folded in self._folded

    def has_url(self, url: str) -> bool:
        bare = url.strip().rstrip("/.")
        return bool(bare) and (bare in self.raw or bare in self.norm.text)


def _fold(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def numbers_in(text: str) -> set[float]:
    """Every number `text` writes: digits (through LaTeX, as the rules read them) and number words."""
    clean = normalize(text).text
    values = {float(m.group().replace(",", "")) for m in re.finditer(r"\d+(?:,\d{3})*(?:\.\d+)?", clean)}
    for q in find_quantities(clean, keep_all=True):
        values.update(v for v in (q.value, q.value_max) if v is not None)
    for value, value_max, *_ in find_word_numbers(clean):
        values.update(v for v in (value, value_max) if v is not None)
    return values


def _written(value: float, numbers: set[float]) -> bool:
    return any(abs(value - n) <= 1e-6 * max(1.0, abs(n)) for n in numbers)


def claim_problem(claim: ModelClaim, paper: PaperText) -> str | None:
    """Why a claim is not grounded, or None."""
    span = paper.locate(claim.evidence)
    if span is None:
        return f"evidence {claim.evidence[:80]!r} is not a verbatim part of the abstract; copy the phrase exactly"
    numbers = numbers_in(paper.raw[span[0] : span[1]])
    for name, value in (("value", claim.value), ("value_max", claim.value_max)):
        if value is not None and not _written(value, numbers):
            return f"{name} {value:g} is not written in its evidence {claim.evidence[:80]!r}"
    return None


def repeats(claims: list[ModelClaim], paper: PaperText) -> list[tuple[int, int]]:
    """(i, j): claim i states the same value, in the same unit, from the same evidence as an earlier claim j."""
    seen: dict[tuple, int] = {}
    found = []
    for i, c in enumerate(claims):
        key = (paper.locate(c.evidence), c.value, c.value_max, c.unit)
        if key in seen:
            found.append((i, seen[key]))
        else:
            seen[key] = i
    return found


def ground(record: ModelRecord, paper: PaperText) -> list[tuple[str, str]]:
    """(field, message) for every answer the paper does not support, and every claim said twice."""
    problems = [(f"claims[{i}]", why) for i, c in enumerate(record.claims) if (why := claim_problem(c, paper))]
    problems += [(f"claims[{i}]", f"repeats claims[{j}]") for i, j in repeats(record.claims, paper)]
    problems += [(f"introduced[{i}]", f"{name!r} occurs in neither the title nor the abstract")
                 for i, name in enumerate(record.introduced) if not paper.mentions(name)]
    if record.code_url and not paper.has_url(record.code_url):
        problems.append(("code_url", f"{record.code_url!r} is not in the abstract; use null"))
    if not record.task.strip():
        problems.append(("task", "is empty"))
    return problems


def prompt(title: str, abstract: str, draft: Extraction) -> list[Message]:
    """The paper, then the rules' draft as the starting point."""
    rules = draft.model_dump(mode="json")
    for claim in rules.get("claims", []):  # as the model reads the abstract: no raw line breaks to copy
        claim["evidence"] = " ".join(claim["evidence"].split())
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"Title: {title}\nAbstract: {abstract}\n\nDraft by rules: "
         f"{json.dumps(rules, ensure_ascii=False)}\n\nGive the corrected record."},
    ]


def fill(paper_id: str, title: str, abstract: str, rules: Extraction, backend: Any,
         tokens: dict[str, int], max_retries: int = 2) -> tuple[Extraction, list[Problem]]:
    """The model's whole record, grounded; the rules' answer wherever the model's still fails."""
    paper = PaperText(title, abstract)
    messages = prompt(paper.title, paper.norm.text, rules)
    problems: list[Problem] = []
    try:
        answer = ask(backend, messages, ModelRecord.for_paper(paper), MAX_TOKENS, max_retries=max_retries)
        tokens["prompt"] += answer.prompt_tokens
        tokens["completion"] += answer.completion_tokens
        record = answer.value
    except InvalidAnswer as e:
        tokens["prompt"] += e.usage.prompt_tokens
        tokens["completion"] += e.usage.completion_tokens
        extraction, problems = salvage(paper_id, e.text, rules, paper, str(e))
    else:
        extraction = to_extraction(record, paper)
    return extraction, problems + disagreements(paper_id, rules, extraction)


_SCALARS = {name: TypeAdapter(ModelRecord.model_fields[name].annotation) for name in ("domain", "architecture")}


def _scalar_problem(name: str, value: Any, paper: PaperText) -> str | None:
    """Why the model's task, domain, architecture or code_url cannot stand, or None."""
    if name in _SCALARS:
        try:
            _SCALARS[name].validate_python(value)
        except ValidationError as e:
            return str(e.errors()[0]["msg"])
        return None
    if name == "task":
        return None if isinstance(value, str) and value.strip() else "no task given"
    if value is None:
        return None
    return None if isinstance(value, str) and paper.has_url(value) else f"{value!r} is not in the abstract"


def salvage(paper_id: str, text: str, rules: Extraction, paper: PaperText, why: str) -> tuple[Extraction, list[Problem]]:
    """From a last answer that still fails (or was cut off): every field that holds, the rules' answer
    for the others. A claim or name that is not grounded is dropped (each a problem); a scalar that
    fails, or a field the answer never reached, is the rules'."""
    try:  # a cut-off answer keeps its complete fields (an unfinished string or item is left out)
        raw = from_json(text, allow_partial=True)
    except ValueError:
        raw = None
    if not isinstance(raw, dict) or not raw:
        return rules, [Problem(paper_id, "model-ungrounded", "record", f"the rules' answer kept: {why[:300]}")]
    problems: list[Problem] = []
    fields: dict[str, Any] = {}
    for name in ("task", "domain", "architecture", "code_url"):
        value = raw.get(name, getattr(rules, name))
        if why_not := _scalar_problem(name, value, paper):
            problems.append(Problem(paper_id, "model-ungrounded", name, f"the rules' answer kept: {why_not}"))
            value = getattr(rules, name)
        fields[name] = value
    if "claims" not in raw:  # never reached
        raw["claims"] = [c.model_dump(mode="json") for c in rules.claims]
    if "introduced" not in raw:
        raw["introduced"] = list(rules.introduced)
    kept_claims: list[ModelClaim] = []
    for i, item in enumerate(raw["claims"] or []):
        try:
            claim = ModelClaim.model_validate(item)
        except ValidationError as e:
            problems.append(Problem(paper_id, "model-ungrounded", f"claims[{i}]", f"dropped: {e.errors()[0]['msg']}"))
            continue
        if why_not := claim_problem(claim, paper) or _repeated(claim, kept_claims, paper):
            problems.append(Problem(paper_id, "model-ungrounded", f"claims[{i}]", f"dropped: {why_not}"))
        else:
            kept_claims.append(claim)
    claims = [_claim(c, paper) for c in kept_claims]
    names = []
    for i, name in enumerate(raw["introduced"] or []):
        if isinstance(name, str) and paper.mentions(name):
            names.append(name)
        else:
            problems.append(Problem(paper_id, "model-ungrounded", f"introduced[{i}]",
                                    f"dropped: {name!r} occurs in neither the title nor the abstract"))
    return Extraction(**fields, introduced=list(dict.fromkeys(names)), claims=claims), problems


def _repeated(claim: ModelClaim, kept: list[ModelClaim], paper: PaperText) -> str | None:
    return "repeats an earlier claim" if repeats([*kept, claim], paper) else None


def _claim(claim: ModelClaim, paper: PaperText) -> Claim:
    """A grounded claim, its evidence sliced from the raw abstract at offsets found here."""
    start, end = paper.locate(claim.evidence) or (0, 0)
    return Claim(**claim.model_dump(exclude={"evidence"}), evidence=paper.raw[start:end],
                 evidence_start=start, evidence_end=end)


def to_extraction(record: ModelRecord, paper: PaperText) -> Extraction:
    """The Extraction from a record that passed every validator."""
    return Extraction(task=record.task.strip(), domain=record.domain, architecture=record.architecture,
                      introduced=list(dict.fromkeys(record.introduced)),
                      claims=[_claim(c, paper) for c in record.claims], code_url=record.code_url or None)


def _claim_key(claim: Claim) -> tuple[float, str]:
    return claim.value, claim.unit


def disagreements(paper_id: str, rules: Extraction, model: Extraction) -> list[Problem]:
    """Where the model's grounded record differs from the rules' draft: worth a human look."""
    problems = []
    for name in ("task", "domain", "architecture", "code_url"):
        if getattr(rules, name) != getattr(model, name):
            problems.append(Problem(paper_id, "model-disagrees", name,
                                    f"the rules say {getattr(rules, name)!r}, the model says {getattr(model, name)!r}"))
    if {_fold(n) for n in rules.introduced} != {_fold(n) for n in model.introduced}:
        problems.append(Problem(paper_id, "model-disagrees", "introduced",
                                f"the rules say {rules.introduced!r}, the model says {model.introduced!r}"))
    ours, theirs = sorted(map(_claim_key, rules.claims)), sorted(map(_claim_key, model.claims))
    if ours != theirs:
        problems.append(Problem(paper_id, "model-disagrees", "claims",
                                f"the rules find {_values(ours)}, the model {_values(theirs)}"))
    return problems


def _values(keys: list[tuple[float, str]]) -> str:
    return "[" + ", ".join(f"{v:g}{u if u != 'abs' else ''}" for v, u in keys) + "]" if keys else "none"
