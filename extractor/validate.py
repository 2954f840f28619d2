"""Rules over an Extraction -> list[Problem]: findings are data, stored and reported, never raised."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    paper_id: str
    rule: str  # short stable name, e.g. "evidence-not-verbatim"
    field: str  # e.g. "claims[2].evidence", "code_url"
    message: str
