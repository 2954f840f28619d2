"""Pure pieces the pages share: evidence segments, claim labels, safe links and JSON for <script> blocks."""

from __future__ import annotations

import json
import re
import zlib
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from extractor.report import BOUND_SIGNS, UNIT_SIGNS, compact_number


@dataclass(frozen=True)
class Segment:
    """A stretch of the abstract, [start, end), and the claims whose evidence covers it (none: plain text)."""

    start: int
    end: int
    text: str
    claims: tuple[int, ...]
    kind: str | None  # the first covering claim's kind colours the stretch


def segments(abstract: str, spans: list[tuple[int, int, str]]) -> list[Segment]:
    """Cut the abstract at every evidence boundary, so overlapping claims each keep their exact offsets.

    `spans` are (start, end, kind) by claim index; spans outside the abstract or empty are left unmarked."""
    valid = {i: (s, e, k) for i, (s, e, k) in enumerate(spans) if s is not None and e is not None and 0 <= s < e <= len(abstract)}
    cuts = sorted({0, len(abstract), *(s for s, _, _ in valid.values()), *(e for _, e, _ in valid.values())})
    out = []
    for start, end in zip(cuts, cuts[1:]):
        covering = tuple(i for i, (s, e, _) in valid.items() if s <= start and end <= e)
        out.append(Segment(start, end, abstract[start:end], covering, valid[covering[0]][2] if covering else None))
    return out


def value_text(claim: Any) -> str:
    """A claim's value as people write it: ≤3.5×, 20–30%, ~12 (a Claim, or a speed-up row as a dict)."""
    c = claim if isinstance(claim, dict) else vars(claim)
    value = compact_number(c["value"])
    if c["value_max"] is not None:
        value += "–" + compact_number(c["value_max"])
    return BOUND_SIGNS.get(c["bound"], "") + value + UNIT_SIGNS.get(c["unit"], "")


def claim_summary(claim: Any) -> str:
    """One line naming every field of a claim, for tooltips and screen readers."""
    parts = [f"{claim.kind}: {claim.metric} {value_text(claim)} ({claim.direction})"]
    if claim.baseline:
        parts.append(f"vs {claim.baseline}")
    return " ".join(parts)


def safe_url(url: str | None) -> str | None:
    """Only http(s) addresses become links: escaping does not stop a `javascript:` URL."""
    return url if url and re.match(r"https?://", url, re.I) else None


def json_for_script(value: Any) -> Markup:
    """JSON safe inside <script type="application/json">: no `</script>`, no HTML comment, no line separators."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return Markup(text)


def slug(paper_id: str) -> str:
    """A file name for a paper id (arXiv ids hold `/` and `.`); the id's own characters where they are safe."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]", "_", paper_id).strip(".") or "paper"
    # a changed id gets a stable hash (Python's hash() changes per process), so `a/b` and `a_b` stay apart
    return cleaned if cleaned == paper_id else f"{cleaned}-{zlib.crc32(paper_id.encode('utf-8')):08x}"
