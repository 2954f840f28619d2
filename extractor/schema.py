"""The extraction contract of SCHEMA.md as pydantic models: Paper in, Extraction out."""

from __future__ import annotations

from typing import Literal, Optional, get_args

from pydantic import BaseModel, ConfigDict, Field

Domain = Literal["language", "code", "speech", "vision", "multimodal", "time-series", "science", "robotics", "other"]
Architecture = Literal[
    "decoder-only", "encoder-only", "encoder-decoder", "state-space", "hybrid", "multiple", "other", "unspecified"
]
Kind = Literal["speedup", "reduction", "improvement", "score", "other"]
Unit = Literal["x", "%", "abs"]
Direction = Literal["increase", "decrease"]
Bound = Literal["exact", "up-to", "at-least", "about"]

DOMAINS: tuple[str, ...] = get_args(Domain)
ARCHITECTURES: tuple[str, ...] = get_args(Architecture)
KINDS: tuple[str, ...] = get_args(Kind)
UNITS: tuple[str, ...] = get_args(Unit)
DIRECTIONS: tuple[str, ...] = get_args(Direction)
BOUNDS: tuple[str, ...] = get_args(Bound)


class Paper(BaseModel):
    """One input record: the raw title and abstract, exactly as read."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    abstract: str


class Claim(BaseModel):
    """A number the paper reports as a result of its own work, grounded in verbatim evidence."""

    metric: str
    kind: Kind
    value: float
    value_max: Optional[float] = None
    unit: Unit
    direction: Direction
    bound: Bound
    baseline: Optional[str] = None
    evidence: str
    # Where `evidence` sits in the raw abstract; stored, but not part of the exported record.
    evidence_start: Optional[int] = Field(default=None, exclude=True)
    evidence_end: Optional[int] = Field(default=None, exclude=True)


class Extraction(BaseModel):
    """One paper's answer, in exactly SCHEMA.md's fields."""

    task: str
    domain: Domain
    architecture: Architecture
    introduced: list[str] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    code_url: Optional[str] = None


def export_record(paper_id: str, extraction: Extraction) -> dict:
    """The record `score.py` reads: SCHEMA.md's fields plus `id`."""
    return {"id": paper_id, **extraction.model_dump()}
