"""A person's corrections: checked, refused when stale, stored in the `reviews` table beside the extractions.

The machine's answer stays in `extractions`/`claims`; the views `reviewed_extractions`/`reviewed_claims`
(store.py, m002_reviews) overlay the latest review of each field or claim, and every reader uses them.
Each write states the value the reviewer saw: if another review changed it meanwhile, the write is refused.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import duckdb
from pydantic import ValidationError

from extractor.errors import ExtractorError
from extractor.schema import ARCHITECTURES, DOMAINS, Claim, export_record
from extractor.validate import mentions_value

FIELDS = ("task", "domain", "architecture", "code_url")
ACTIONS = ("accept", "correct", "drop", "add")
ADDED_FROM = 1000  # added claims' indices start here, past any extraction's (store.py m002_reviews)
CLAIM_FIELDS = ("metric", "kind", "value", "value_max", "unit", "direction", "bound", "baseline", "evidence",
                "evidence_start", "evidence_end")


class ReviewRefused(ExtractorError):
    """A review that cannot be stored: stale (someone changed the value first) or an invalid value."""

    def __init__(self, message: str, stale: bool = False) -> None:
        super().__init__(message)
        self.stale = stale


@dataclass(frozen=True)
class Review:
    """One decision about one field or claim of a paper, as the reviewer made it."""

    paper_id: str
    field: str  # task | domain | architecture | code_url | claim
    action: str  # accept | correct | drop | add
    seen: Any  # the value the reviewer saw (None for add)
    new: Any  # the value to store (None for drop)
    reviewer: str
    claim_idx: int | None = None


def check_field(field: str, value: Any) -> Any:
    """A field's corrected value, cleaned, or ReviewRefused saying what is allowed."""
    text = (value or "").strip() if isinstance(value, str) or value is None else value
    if field == "task":
        if not text:
            raise ReviewRefused("The task cannot be empty: name what the paper works on, in a few lowercase words.")
        return text
    if field in ("domain", "architecture"):
        allowed = DOMAINS if field == "domain" else ARCHITECTURES
        if text not in allowed:
            raise ReviewRefused(f"{text!r} is not a {field}; choose one of {', '.join(allowed)}.")
        return text
    if field == "code_url":
        if text and not text.startswith(("http://", "https://")):
            raise ReviewRefused(f"{text!r} is not a web address: give an http(s):// URL, or leave it empty for none.")
        return text or None
    raise ReviewRefused(f"Unknown field {field!r}: reviews take {', '.join(FIELDS)} or a claim.")


def check_claim(data: dict[str, Any], abstract: str, added: bool = False) -> dict[str, Any]:
    """A claim's corrected or added value as stored JSON; the evidence must sit at its offsets.

    An added claim's offsets come from the reviewer's selection, so its value must be written there too."""
    values = {k: data.get(k) for k in CLAIM_FIELDS}
    for key in ("baseline", "value_max"):
        if values[key] in ("", None):
            values[key] = None
    try:
        claim = Claim(**values)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ReviewRefused(f"The claim's {where} is not valid: {first['msg']}.") from e
    if not math.isfinite(claim.value):
        raise ReviewRefused("The claim's value must be a finite number.")
    start, end = claim.evidence_start, claim.evidence_end
    if start is None or end is None or not 0 <= start < end <= len(abstract) or abstract[start:end] != claim.evidence:
        raise ReviewRefused("The evidence is not the text at the selected place in the abstract: select it again.")
    if added and not mentions_value(claim.evidence, claim.value):
        raise ReviewRefused(f"The selected evidence {claim.evidence!r} does not state the value {claim.value:g}: "
                            "select the words that state the number, or correct the value.")
    return claim.model_dump(exclude_none=False) | {"evidence_start": start, "evidence_end": end}


def current(db: duckdb.DuckDBPyConnection, paper_id: str, field: str, claim_idx: int | None = None) -> Any:
    """The value every reader sees now (reviews applied): a field's value, a claim as a dict, or None."""
    if field == "claim":
        result = db.execute(f"SELECT {', '.join(CLAIM_FIELDS)} FROM reviewed_claims WHERE paper_id = ? AND idx = ?",
                            [paper_id, claim_idx])
        row = result.fetchone()
        return dict(zip(CLAIM_FIELDS, row)) if row else None
    if field not in FIELDS:
        raise ReviewRefused(f"Unknown field {field!r}.")
    row = db.execute(f"SELECT {field} FROM reviewed_extractions WHERE paper_id = ? AND status = 'ok'", [paper_id]).fetchone()
    if row is None:
        raise ReviewRefused(f"Paper {paper_id!r} has no extraction to review.")
    return row[0]


def _same(a: Any, b: Any) -> bool:
    """Equal as JSON would carry them: 2 and 2.0 are the same number."""
    return json.loads(json.dumps(a)) == json.loads(json.dumps(b))


def record(db: duckdb.DuckDBPyConnection, review: Review) -> int:
    """Store one review inside the caller's transaction; refuse it if the value changed since it was seen."""
    if review.action not in ACTIONS:
        raise ReviewRefused(f"Unknown action {review.action!r}; use one of {', '.join(ACTIONS)}.")
    claim_idx = review.claim_idx
    if review.action == "add":
        (claim_idx,) = db.execute("SELECT greatest(max(claim_idx) + 1, ?) FROM reviews WHERE paper_id = ?",
                                  [ADDED_FROM, review.paper_id]).fetchone()
        now = None
    else:
        now = current(db, review.paper_id, review.field, claim_idx)
        if review.field == "claim" and now is None:
            raise ReviewRefused(f"Not saved: claim {claim_idx} of {review.paper_id} is gone (dropped by another reviewer, "
                                "or replaced by a new extraction). Reload the page.", stale=True)
        if not _same(now, review.seen):
            who = db.execute("SELECT reviewer, reviewed_at FROM latest_reviews WHERE paper_id = ? AND field = ?"
                             " AND claim_idx IS NOT DISTINCT FROM ?", [review.paper_id, review.field, claim_idx]).fetchone()
            by = f" by {who[0]} at {who[1]:%Y-%m-%d %H:%M:%S} UTC" if who else " by a new extraction"
            what = review.field if review.field != "claim" else f"claim {claim_idx}"
            raise ReviewRefused(
                f"Not saved: {what} of {review.paper_id} was changed{by} after you opened the page "
                f"(you saw {json.dumps(review.seen)}, it is now {json.dumps(now, default=str)}). "
                "Reload the page to see the current value, then review it again.", stale=True)
    new = now if review.action == "accept" else review.new
    (review_id,) = db.execute(
        "INSERT INTO reviews (paper_id, field, claim_idx, action, old_value, new_value, reviewer)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [review.paper_id, review.field, claim_idx, review.action, json.dumps(now), None if review.action == "drop"
         else json.dumps(new), review.reviewer]).fetchone()
    return review_id


def gold_from_reviews(store: Any) -> dict[str, dict]:
    """Answers to score against: each reviewed paper's record with its reviews applied (`eval --gold-from-reviews`).

    A reviewed paper's fields nobody touched count as right: reviewing a paper means looking at all of it."""
    ids = [pid for (pid,) in store.query("SELECT DISTINCT paper_id FROM reviews ORDER BY paper_id")[1]]
    return {pid: export_record(pid, x) for pid, x in store.extractions(ids, reviewed=True)}
