"""The review queue: papers in order of how likely their record is wrong, from their validation problems."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from extractor.validate import Problem

# How strongly a problem says the record is wrong: broken evidence or an impossible value is almost surely
# wrong; the model disagreeing with a learned answer often is; a low-confidence answer weighs 1 - p more.
WEIGHTS = {"evidence-not-verbatim": 3.0, "evidence-not-at-offsets": 3.0, "evidence-missing-number": 2.5,
           "speedup-not-above-one": 3.0, "percent-out-of-range": 3.0, "range-inverted": 3.0,
           "model-disagrees": 2.5, "duplicate-claim": 2.0, "metric-not-a-metric": 1.5}
_PROBABILITY = re.compile(r"probability (\d*\.\d+)")
_CLAIM = re.compile(r"claims\[(\d+)\]")


@dataclass(frozen=True)
class QueueItem:
    paper_id: str
    score: float
    problems: tuple[Problem, ...]


def weight(problem: Problem) -> float:
    """One open problem's weight; a low-confidence answer of probability p weighs 1 + (1 - p)."""
    if problem.rule == "low-confidence":
        found = _PROBABILITY.search(problem.message)
        return 1.0 + (1.0 - float(found.group(1)) if found else 0.5)
    return WEIGHTS.get(problem.rule, 1.0)


def target(problem: Problem) -> str:
    """What a review must touch to settle the problem: a field name, or `claims[i]` for any field of claim i."""
    found = _CLAIM.match(problem.field)
    return f"claims[{found.group(1)}]" if found else problem.field.split(".")[0]


def order(problems: list[Problem], reviewed: dict[str, set[str]]) -> list[QueueItem]:
    """Papers with open problems (not settled by a review), most likely wrong first, then by id."""
    open_problems: dict[str, list[Problem]] = defaultdict(list)
    for p in problems:
        if target(p) not in reviewed.get(p.paper_id, set()):
            open_problems[p.paper_id].append(p)
    items = [QueueItem(pid, round(sum(weight(p) for p in ps), 3), tuple(ps)) for pid, ps in open_problems.items()]
    return sorted(items, key=lambda item: (-item.score, item.paper_id))
