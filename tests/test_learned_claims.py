"""The learned claims filter: its features, the shipped artefact's verdicts, and training on a slice."""

from __future__ import annotations

import json

import pytest

from extractor.extract import Settings, extract_paper
from extractor.learned import claims, claims_fit
from extractor.learned.linear import LinearModel
from extractor.learned.train import Corpus
from extractor.normalize import normalize
from extractor.schema import Paper

# (sentence, the number's text, features it must have, features it must not have)
FEATURES = [
    ("Our kernel achieves a 2.5x speedup over FlashAttention.", "2.5x",
     {"unit:x", "a1:speedup", "b1:a", "b2:achiev", "own", "rule:True", "cue_a:speed", "mag:x:2-10", "first:True"},
     {"prior", "rule:False"}),
    ("We train on 10,000 images collected from the web.", "10,000",
     {"unit:abs", "a1:imag", "b1:on", "rule:False", "setup_near", "mag:abs:1k+"},
     {"unit:%", "cue_a:speed"}),
    ("Prior methods reach only 40% accuracy. Ours reaches up to 72.5% accuracy.", "72.5%",
     {"unit:%", "bound:up-to", "first:False", "last:True", "bb:reach_up", "a:accuracy"},
     {"prior"}),
    ("Prior methods reach only 40% accuracy. Ours reaches up to 72.5% accuracy.", "40%",
     {"prior", "prior_before", "b1:only", "first:True", "nums_in_sentence:1"},
     {"own"}),
    ("It lowers latency from 120 to 40 ms.", "40",
     {"fromto:True", "fromto_dir:down", "a1:ms", "cue_b:time"},
     {"fromto:False"}),
]


@pytest.mark.parametrize("sentence,number,present,absent", FEATURES)
def test_features(sentence: str, number: str, present: set[str], absent: set[str]):
    text = normalize(sentence).text
    quantities, labels, rows = claims.paper_features(text)
    index = next(i for i, q in enumerate(quantities) if q.text == number or text[q.start : q.end] == number)
    features = rows[index]
    assert present <= set(features), sorted(present - set(features))
    assert not absent & set(features), sorted(absent & set(features))


@pytest.mark.parametrize("text,expected", [
    ("improves F1 by 2.4 percentage points", "%"),
    ("+44pp on the benchmark", "%"),
    ("a score of 44 points", "abs"),
])
def test_percentage_points_are_percent(text: str, expected: str):
    quantities, _ = claims.candidates(normalize(text).text)
    assert quantities[0].unit == expected


@pytest.mark.parametrize("words,stems", [
    ("Outperforms the baselines, reaching 3.5", ["outperform", "the", "baselin", "reach", "<n>"]),
    ("FPS at 120ms", ["fps", "at", "<n>", "ms"]),
])
def test_tokens(words: str, stems: list[str]):
    assert [t for t in claims.tokens(words) if t != ","] == stems


def test_gold_kinds_match_value_and_unit_and_prefer_the_evidence():
    raw = "We use 3 seeds. Our method is 3x faster, while the baseline is 3x slower than ours."
    norm = normalize(raw)
    quantities, _ = claims.candidates(norm.text)
    gold = [{"value": 3.0, "unit": "x", "kind": "speedup", "evidence": "Our method is 3x faster"}]
    kinds = claims_fit.gold_kinds(raw, norm, quantities, gold)
    assert [(q.text, k) for q, k in zip(quantities, kinds)] == [("3", "none"), ("3x", "speedup"), ("3x", "none")]


def test_shipped_model_keeps_a_speedup_and_drops_a_setup_count():
    kept, labels = claims.predict_claims(normalize("Our kernel achieves a 2.5x speedup over FlashAttention.").text)
    assert [(q.value, q.unit, label.kind) for q, label in zip(kept, labels)] == [(2.5, "x", "speedup")]
    kept, _ = claims.predict_claims(normalize("We train on 10,000 images and evaluate on 5 benchmarks.").text)
    assert kept == []


def test_prior_work_numbers_are_dropped():
    """An opening sentence of background, before the paper speaks of its own work (`candidates.background_end`)."""
    text = normalize("Previous methods reach 61.2% accuracy. Our model reaches 78.4% accuracy on ImageNet.").text
    kept, _ = claims.predict_claims(text)
    assert [q.value for q in kept] == [78.4]


def test_pipeline_uses_the_model_unless_told_to_use_rules():
    paper = Paper(id="t", title="Fast attention", abstract="We train on 10,000 images. Our kernel achieves a 2.5x speedup over FlashAttention.")
    learned = extract_paper(paper, None, Settings(use_model=False)).extraction
    rules = extract_paper(paper, None, Settings(use_model=False, learned_claims=False)).extraction
    assert [(c.value, c.kind) for c in learned.claims] == [(2.5, "speedup")]
    assert [c.value for c in rules.claims] == [2.5]
    assert Settings().describe()["claims"] == "learned" and Settings(learned_claims=False).describe()["claims"] == "rules"


CHOICE = {"drop": 0.8, "add": 0.7, "kind_confidence": 0.6}


@pytest.mark.parametrize("p_none,kinds,rule_result,rule_kind,expected", [
    (0.7, {"speedup": 0.9, "score": 0.1}, True, "speedup", "speedup"),  # the rules' number stays unless P(none) > drop
    (0.9, {"speedup": 0.9, "score": 0.1}, True, "speedup", "none"),
    (0.35, {"score": 0.9, "other": 0.1}, False, "score", "none"),  # a rejected number joins only if P(claim) > add
    (0.2, {"score": 0.9, "other": 0.1}, False, "score", "score"),
    (0.1, {"improvement": 0.55, "score": 0.45}, True, "score", "score"),  # an unsure kind model leaves the rules' kind
    (0.1, {"improvement": 0.8, "score": 0.2}, True, "score", "improvement"),
])
def test_decide_joins_the_models_to_the_rules(p_none, kinds, rule_result, rule_kind, expected):
    assert claims.decide(p_none, kinds, rule_result, rule_kind, CHOICE) == expected


def test_rule_kinds_are_the_rules_alone_labels_for_accepted_numbers():
    text = normalize("We train on 10,000 images. Our kernel achieves a 2.5x speedup and 40% lower memory.").text
    quantities, labels, _ = claims.paper_features(text)
    kinds = claims.rule_kinds(text, quantities, labels)
    assert [(q.value, k) for q, k in zip(quantities, kinds) if q.rule_result] == [(2.5, "speedup"), (40.0, "reduction")]


def test_shipped_thresholds_were_chosen_by_cross_validation():
    meta = claims.load_models().filter.meta
    assert {"drop", "add", "kind_confidence", "cv_train", "dev", "dev_gold"} <= set(meta)
    assert meta["cv_train"]["claims_f1"] > 0.85


def test_training_on_a_slice_writes_loadable_models(tmp_path):
    path = tmp_path / "claims.json"
    figures = claims.train(Corpus(), path=path, limit=30)
    filt = LinearModel.from_json(json.loads(path.read_text(encoding="utf-8")))
    kind = LinearModel.from_json(json.loads((tmp_path / "claims_kind.json").read_text(encoding="utf-8")))
    assert "none" in filt.classes and set(filt.classes) <= set(claims.CLASSES) and "none" not in kind.classes
    assert filt.meta["train_papers"] == 30 and 0.0 <= figures["dev_claims_f1"] <= 1.0
    assert {"drop", "add", "kind_confidence"} <= set(filt.meta) and filt.meta["drop"] in claims_fit.DROP_GRID
    assert claims.judge("Our kernel achieves a 2.5x speedup.", claims.Models(filt, kind))  # the trained files are usable as is
