"""Speed-up wordings and the kinds they take (SCHEMA: speed-ups, time cuts, speed levels, overheads)."""

from __future__ import annotations

import pytest

from extractor.candidates import find_quantities
from extractor.claim_labels import label_claims
from extractor.normalize import normalize

# (abstract fragment, [(kind, direction) of each number found, in order])
SPEED_LABELS = [
    # a speed word further back names another result: the gain or cut said nearer the number is its kind
    ("On the benchmark, with a 0.8 ms latency on GPU, our model outperforms two methods by 12.2% and 19.4% in accuracy",
     [("score", "decrease"), ("improvement", "increase"), ("improvement", "increase")]),
    ("it shows improved decoding throughput while reducing draft vocabularies by up to 97% with high coverage",
     [("reduction", "decrease")]),
    ("achieving a 1.38x inference speed-up, and increasing classification accuracy from 87.76% to 89.80%",
     [("speedup", "increase"), ("improvement", "increase")]),
    # what a cut or a margin is of, named right after the number, can be time or speed
    ("at a 95% reduction on PC and < 82% in inference latency on IoT devices", [("reduction", "decrease"), ("speedup", "decrease")]),
    ("comparable performance while saving nearly 50% of the training and inference time", [("speedup", "decrease")]),
    ("it outperforms GS, OmniSeg3D-gs, and SA3D by 15--1500 times in inference speed", [("speedup", "increase")]),
    ("it answers correctly 97.14% of the time", [("score", "increase")]),  # "of the time" alone is how often
    ("an average reduction of 11.7% in MAE and 6.7% in RMSE for response time prediction", [("reduction", "decrease")] * 2),
    # a time cut "by" an amount is a speed-up; an amount reached or added stays a level
    ("an accuracy of 93.18% while reducing the average search time by 2.42 seconds", [("score", "increase"), ("speedup", "decrease")]),
    ("it reduces the inference time to 2.4 seconds", [("score", "decrease")]),
    # minutes, hours and days a whole run takes are a budget (`other`); seconds and per-item times stay levels
    ("it is possible to map all neurons in less than 15 minutes with no parallelization", [("other", "decrease")]),
    ("requiring only about 5 minutes and $1 for a paper", [("other", "decrease"), ("other", "decrease")]),
    ("it generates a scene at a rate of under 10 minutes per square kilometer", [("score", "decrease")]),
    ("it runs inference in approximately 2.5 seconds on mobile devices", [("score", "decrease")]),
    # a time cut from one amount to another is a speed-up, whatever the units
    ("HHEM reduces evaluation time from 8 hours to 10 minutes", [("speedup", "decrease")]),
    # "time-of-day", "time-of-year" name a prediction target, not a clock measure
    ("it outperforms baselines by up to 16% on time-of-year, 8% time-of-day prediction, and 14% in geo-time aware retrieval",
     [("improvement", "increase")] * 3),
    # a named metric's loss beside a speed-up is a loss (`other`), not the speed-up
    ("it achieves a 1.85x speedup over early exit, with a modest mAP loss of 5.51%", [("speedup", "increase"), ("other", "decrease")]),
    # a signed gain names its metric after it: a speed word further back does not make it a speed-up
    ("outperforming prior methods by +0.031 ImageReward at 4.87x speedup and surpassing the baseline by +0.028 ImageReward at 3.54x speedup",
     [("improvement", "increase"), ("speedup", "increase"), ("improvement", "increase"), ("speedup", "increase")]),
    ("it delivers a 2x speedup (+35% throughput)", [("speedup", "increase"), ("speedup", "increase")]),
    # a share of a reference kept is `other`, beside a speed-up too: "of the target model's", "performance retention"
    ("it speeds decoding while keeping comparable quality (around 100% of the target model's performance)", [("other", "increase")]),
    ("SchED yields consistent speedup gains with 99.1-100% performance retention", [("other", "increase")]),
    ("it keeps accuracy even in the extreme 1.4% retention regime of visual token compression", [("reduction", "decrease")]),
    # a metric named right after the number is not a speed, whatever speed word stands before
    ("a reduction of 11.7% in MAE and 6.7% in RMSE for response time prediction, and 6.9% in MAE for throughput prediction",
     [("reduction", "decrease")] * 3),
    # ... but not when the nearer words speak of speed too, nor for a multiple
    ("with a small memory footprint, it reduces latency by 40%", [("speedup", "decrease")]),
    ("it accelerates decoding, outperforming EAGLE by 1.6x", [("speedup", "increase")]),
    # a share of time the method adds is a cost (`other`), as an overhead is; an amount added stays a level
    ("it reduces errors by up to 100x while adding negligible inference time (under 5%)",
     [("reduction", "decrease"), ("other", "increase")]),
    ("the monitor increases mean latency by only 2.34%", [("other", "increase")]),
    ("while it only has 4% more encoding time compared to JPEG", [("other", "increase")]),
    ("requiring zero LLM calls and adding fewer than 25ms of latency per turn", [("score", "decrease")]),
    ("it cuts the added latency by 30%", [("speedup", "decrease")]),
    # "speeds up" is speed wording: the number is no cost cut inherited from the one before
    ("it reduces training cost by up to 65% GPU hours, and (3) it speeds up inference by up to 71.3%",
     [("reduction", "decrease"), ("speedup", "increase")]),
]

# (fragment, [(value, unit) of each number found])
SPEED_UNITS = [
    ("our method can speed up generation by 2.23.", [(2.23, "x")]),
    ("it accelerates the decoding stage by about 1.7 on average", [(1.7, "x")]),
    ("it speeds up inference by up to 71.3%", [(71.3, "%")]),
    ("it reduces the error by 2.23.", [(2.23, "abs")]),
]


@pytest.mark.parametrize("raw,expected", SPEED_LABELS)
def test_speed_labels(raw: str, expected: list[tuple[str, str]]):
    text = normalize(raw).text
    labels = label_claims(text, find_quantities(text))
    assert [(label.kind, label.direction) for label in labels] == expected


@pytest.mark.parametrize("raw,expected", SPEED_UNITS)
def test_speed_units(raw: str, expected: list[tuple[float, str]]):
    assert [(q.value, q.unit) for q in find_quantities(normalize(raw).text)] == expected
