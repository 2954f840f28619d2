"""Each validation rule fires on its own crafted bad case, and a good extraction raises nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from extractor.schema import Claim, Extraction, Paper
from extractor.validate import RULES, Problem, mentions_value, metric_not_a_metric, validate

ABSTRACT = (
    "We present FastNet, a decoder-only model. FastNet achieves up to 3.5 times faster inference "
    "and reduces memory by 40\\%, reaching 20,6 BLEU. It cuts cost by two orders of magnitude, "
    "keeps sim0.6 points of accuracy and uses only 1/3 of the parameters, with 140\\% higher throughput. "
    "Latency drops 2.4 sim 6.5 times. "
    "Code: https: //github.com/Org/FastNet ."
)
PAPER = Paper(id="p1", title="FastNet: Fast Nets for LL\\\"aMmlein", abstract=ABSTRACT)


def claim(evidence: str, value: float, **fields: object) -> Claim:
    """A claim whose evidence offsets point at its first occurrence in ABSTRACT."""
    start = ABSTRACT.find(evidence)
    defaults = dict(metric="m", kind="score", unit="abs", direction="increase", bound="exact")
    return Claim(
        evidence=evidence, value=value, evidence_start=start if start >= 0 else None,
        evidence_end=start + len(evidence) if start >= 0 else None, **{**defaults, **fields},
    )


GOOD = Extraction(
    task="llm inference acceleration",
    domain="language",
    architecture="decoder-only",
    introduced=["FastNet", "Fast Net", "LLäMmlein"],
    code_url="https://github.com/org/fastnet",
    claims=[
        claim("up to 3.5 times faster inference", 3.5, kind="speedup", unit="x", bound="up-to"),
        claim("reduces memory by 40\\%", 40, kind="reduction", unit="%", direction="decrease"),
        claim("20,6 BLEU", 20.6),
        claim("cuts cost by two orders of magnitude", 100, kind="reduction", unit="x", bound="about"),
        claim("sim0.6 points", 0.6, bound="about"),
        claim("uses only 1/3 of the parameters", 66.7, kind="reduction", unit="%", direction="decrease"),
        claim("140\\% higher throughput", 140, kind="improvement", unit="%"),
        claim("Latency drops 2.4 sim 6.5 times", 2.4, value_max=6.5, kind="speedup", unit="x", direction="decrease"),
    ],
)


def with_claim(index: int, **update: object) -> Callable[[Extraction], Extraction]:
    def change(e: Extraction) -> Extraction:
        claims = list(e.claims)
        claims[index] = claims[index].model_copy(update=update)
        return e.model_copy(update={"claims": claims})

    return change


def with_fields(**update: object) -> Callable[[Extraction], Extraction]:
    return lambda e: e.model_copy(update=update)


def test_good_extraction_has_no_problems() -> None:
    assert validate(PAPER, GOOD) == []


def test_dev_gold_has_no_problems() -> None:
    shared = Path(__file__).resolve().parents[2] / "shared" / "data"
    if not (shared / "dev_gold.jsonl").exists():
        pytest.skip("shared data not found")
    lines = (shared / "papers.jsonl").read_text(encoding="utf-8").splitlines()
    papers = {r["id"]: Paper(**r) for r in map(json.loads, lines)}
    for line in (shared / "dev_gold.jsonl").read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        extraction = Extraction(**{k: v for k, v in gold.items() if k in Extraction.model_fields})
        assert validate(papers[gold["id"]], extraction) == [], gold["id"]


BAD_CASES = [
    ("evidence-not-verbatim", "claims[0].evidence",
     with_claim(0, evidence="up to 3.5x faster inference", evidence_start=None, evidence_end=None)),
    ("evidence-not-verbatim", "claims[0].evidence", with_claim(0, evidence_start=3)),
    ("evidence-not-verbatim", "claims[0].evidence", with_claim(0, evidence_end=None)),
    ("evidence-not-verbatim", "claims[0].evidence", with_claim(0, evidence="", evidence_start=None, evidence_end=None)),
    ("evidence-missing-number", "claims[2].evidence", with_claim(2, value=20.7)),
    ("evidence-missing-number", "claims[1].evidence", with_claim(1, value_max=45.0)),
    ("evidence-missing-number", "claims[3].evidence", with_claim(3, value=1000)),
    ("range-inverted", "claims[7].value_max", with_claim(7, value=6.5, value_max=2.4)),
    ("percent-out-of-range", "claims[6].value", with_claim(6, kind="reduction", direction="decrease")),
    ("speedup-not-above-one", "claims[4].value", with_claim(4, kind="speedup", unit="x")),
    ("task-too-long", "task", with_fields(task="accelerating the inference of very large language models on gpus")),
    ("task-not-lowercase", "task", with_fields(task="LLM inference acceleration")),
    ("code-url-not-in-abstract", "code_url", with_fields(code_url="https://github.com/org/slownet")),
    ("introduced-not-in-text", "introduced[1]", with_fields(introduced=["FastNet", "GhostNet"])),
    ("duplicate-claim", "claims[8]", lambda e: e.model_copy(update={"claims": [*e.claims, e.claims[2]]})),
    ("metric-not-a-metric", "claims[0].metric", with_claim(0, metric="from fastertransformer")),
]


@pytest.mark.parametrize(
    ("rule", "field", "change"), BAD_CASES, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(BAD_CASES)]
)
def test_each_rule_fires_alone(rule: str, field: str, change: Callable[[Extraction], Extraction]) -> None:
    problems = validate(PAPER, change(GOOD))
    assert [(p.rule, p.field) for p in problems] == [(rule, field)]
    assert problems[0].paper_id == "p1" and problems[0].message


def test_every_rule_has_a_bad_case() -> None:
    assert {rule for rule, _, _ in BAD_CASES} == set(RULES)


def test_problems_are_data() -> None:
    bad = GOOD.model_copy(update={"task": "LLM Inference", "code_url": "https://example.com"})
    problems = validate(PAPER, bad)
    assert problems == validate(PAPER, bad)  # pure: same input, same findings
    assert all(isinstance(p, Problem) for p in problems)
    assert [p.rule for p in problems] == ["task-not-lowercase", "code-url-not-in-abstract"]


@pytest.mark.parametrize(
    ("evidence", "value", "expected"),
    [
        ("20.6times speedup", 20.6, True),
        ("20,6 BLEU", 20.6, True),
        ("1,000 tokens", 1000, True),
        ("\\textless2MB of storage", 2, True),
        ("sim7\\% lower", 7, True),
        ("by 30\\%", 30, True),
        ("with only 5.7M parameters", 5.7, True),
        ("41-137times", 137, True),
        ("2.4 sim 6.5 times", 6.5, True),
        ("-0.5 BLEU", -0.5, True),
        ("by 1/3 to 2/3", 33.3, True),
        ("by 1/3 to 2/3", 66.7, True),
        ("twice as fast", 2, True),
        ("a two-fold speedup", 2, True),
        ("doubles the throughput", 100, True),
        ("an order of magnitude faster", 10, True),
        ("several orders of magnitude less memory", 1000, True),
        ("halves the memory", 50, True),
        ("20.6times speedup", 20.0, False),
        ("20.6times speedup", 21, False),
        ("up to 3.65 times", 3.6, False),
        ("improves accuracy", 2, False),
        ("twice as fast", 3, False),
    ],
)
def test_mentions_value(evidence: str, value: float, expected: bool) -> None:
    assert mentions_value(evidence, value) is expected


@pytest.mark.parametrize(
    ("metric", "flagged"),
    [
        ("k context lengths", True),  # "128k context lengths": the rest of the number
        ("from fastertransformer", True),  # the baseline
        ("on alpacaeval", True),
        ("achieves", True),
        ("respectively", True),
        ("b model", True),  # "7B model"
        ("s accuracy", True),  # "the model's accuracy"
        ("dB", True),
        ("pp", True),
        ("textbf rightarrow", True),
        ("--", True),
        ("inference speed", False),
        ("top-1 accuracy", False),
        ("3d detection mAP", False),
        ("j f", False),  # J&F
        ("m", False),
        ("relative improvement", False),
        ("kv cache memory", False),
    ],
)
def test_metric_not_a_metric(metric: str, flagged: bool) -> None:
    found = metric_not_a_metric(claim("20,6 BLEU", 20.6, metric=metric), PAPER)
    assert bool(found) is flagged, found
    if found:
        assert repr(metric) in found
