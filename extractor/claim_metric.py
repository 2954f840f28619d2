"""The metric and baseline a claim names: the words around its number, minus comparison words.

Split from `claim_labels` (which decides kinds and directions) so each module keeps one job.
Pure functions over clean text: no model, no I/O.
"""

from __future__ import annotations

import re

METRIC_STOP = re.compile(
    r"^(?:of|in|on|the|a|an|and|it|them|its|their|our|by|to|for|with|over|than|relative|average|averaged|"
    r"improvements?|reductions?|speed-?ups?|increases?|decreases?|gains?|higher|lower|fewer|less|more|better|"
    r"faster|smaller|larger|savings?|points?|percent(?:age)?|times|overall|total|additional|absolute|relative|only|up)$",
    re.I,
)


# Verbs before "by" that say a number changed; the metric is the words after them.
_CHANGE_VERB = re.compile(r"(?:improv|reduc|outperform|surpass|increas|decreas|boost|lower|rais|enhanc|exceed|beat)\w*$", re.I)
# Words that start a condition of the result ("on WikiText", "across all sizes"), not its metric.
_CONDITION = frozenset("compared than over on across while against vs with without when at from".split())


def claim_metric(after: str, before: str, kind: str) -> str:
    """The short noun phrase measured: words after the number, minus comparison words."""
    words = re.findall(r"[A-Za-z][\w\-/@.]*", after.split(",")[0])[:6]
    picked: list[str] = []
    for w in (w.strip(".") for w in words):
        if w.lower() in _CONDITION:
            break  # what follows is a condition ("on WikiText", "across all sizes"), not the metric
        if w and not METRIC_STOP.match(w):
            picked.append(w.lower())
        if len(picked) == 3:
            break
    if picked:
        return " ".join(picked)
    m = re.search(r"([A-Za-z][\w\-]*(?:\s+[A-Za-z][\w\-]*)?)\s+(?:by|of|to)\s*(?:up to|over|about|~)?\s*$", before)
    words = [w for w in m.group(1).split() if not _CHANGE_VERB.match(w)] if m else []
    if words and not METRIC_STOP.match(words[-1]):
        return " ".join(words).lower()  # "improves accuracy by 3 points": accuracy
    return {"speedup": "inference speed", "reduction": "cost", "improvement": "performance", "score": "score"}.get(kind, "value")


_BASELINE = re.compile(
    r"\b(?:compared\s+(?:to|with)|relative\s+to|over|than|against|vs\.?|versus|from)\s+(?:the\s+)?"
    r"([\w\-.+/ ]{2,50}?)(?=\s*(?:[,.;()]|\s(?:on|in|for|across|while|with|and|by|at|under)\b|$))",
    re.I,
)


def claim_baseline(after: str) -> str | None:
    """What the number is compared against, from the words after it ("over the strongest baseline")."""
    m = _BASELINE.search(after)
    return m.group(1).strip() if m else None


__all__ = ["METRIC_STOP", "claim_baseline", "claim_metric"]
