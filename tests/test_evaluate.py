"""evaluate.py must reproduce the reference scorer figure for figure, and explain() must agree with it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from extractor.errors import InputError
from extractor.evaluate import (
    HEADLINE,
    LabelDiff,
    PaperDiff,
    TaskDiff,
    ValueDiff,
    explain,
    load_records,
    norm_url,
    score,
)

SHARED = Path(__file__).resolve().parents[2] / "shared"
SCORER = SHARED / "eval" / "score.py"
DEV_GOLD = SHARED / "data" / "dev_gold.jsonl"
SHARED_PAPERS = SHARED / "data" / "papers.jsonl"
DATA = Path(__file__).parent / "data" / "eval"
PRED, GOLD, PAPERS, SPLIT = DATA / "pred.jsonl", DATA / "gold.jsonl", DATA / "papers.jsonl", DATA / "split.json"

needs_shared = pytest.mark.skipif(not SCORER.exists(), reason=f"reference scorer not found at {SCORER}")


def reference(pred: Path, gold: Path, *options: str) -> dict:
    """The reference scorer's figures, from its --json output."""
    done = subprocess.run(
        [sys.executable, str(SCORER), str(pred), str(gold), *options, "--json"],
        capture_output=True, text=True, check=True,
    )
    return json.loads(done.stdout)


def assert_same_figures(ours: dict, theirs: dict) -> None:
    assert list(ours) == list(theirs)
    for key, expected in theirs.items():
        got = ours[key]
        assert type(got) is type(expected), key
        assert got == expected or abs(got - expected) < 1e-12, (key, got, expected)


@needs_shared
def test_fixture_matches_reference() -> None:
    ours = score(load_records(PRED), load_records(GOLD))
    assert_same_figures(ours, reference(PRED, GOLD))
    assert 0 < ours["overall"] < 1  # the fixture exercises both hits and misses


@needs_shared
def test_fixture_with_papers_matches_reference() -> None:
    ours = score(load_records(PRED), load_records(GOLD), papers=load_records(PAPERS))
    theirs = reference(PRED, GOLD, f"--papers={PAPERS}")
    assert_same_figures(ours, theirs)
    assert ours["evidence_grounded"] < score(load_records(PRED), load_records(GOLD))["evidence_grounded"]


@needs_shared
def test_fixture_with_ids_matches_reference() -> None:
    ids = json.loads(SPLIT.read_text())["test"]  # includes an id that is not in gold
    ours = score(load_records(PRED), load_records(GOLD), ids=ids)
    assert_same_figures(ours, reference(PRED, GOLD, f"--ids={SPLIT}:test"))
    assert ours["papers"] == 3


@needs_shared
@pytest.mark.parametrize("options", [(), (f"--papers={SHARED_PAPERS}",)])
def test_dev_gold_against_itself(options: tuple[str, ...]) -> None:
    gold = load_records(DEV_GOLD)
    papers = load_records(SHARED_PAPERS) if options else None
    ours = score(gold, gold, papers=papers)
    assert_same_figures(ours, reference(DEV_GOLD, DEV_GOLD, *options))
    assert ours["overall"] == 1.0
    assert all(ours[h] == 1.0 for h in HEADLINE)


def test_headline_is_the_overall_mean() -> None:
    m = score(load_records(PRED), load_records(GOLD))
    assert m["overall"] == sum(m[h] for h in HEADLINE) / len(HEADLINE)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https: //github.com/salesforce/CodeT5", "github.com/salesforce/codet5"),
        ("https://github.com/a/b.", "github.com/a/b"),
        ("(https://github.com/a/b).", "(https://github.com/a/b"),  # a leading "(" keeps the scheme, as in score.py
        ("https://github.com/x/guided-llm{entropy-guided-llm}.", "github.com/x/guided-llm"),
        ("http://www.aka.ms/YOCO/", "aka.ms/yoco"),
        ("", None),
        (None, None),
    ],
)
def test_norm_url(url: str | None, expected: str | None) -> None:
    assert norm_url(url) == expected


def test_load_records_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a"}\n\n{"id": oops}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.jsonl:3: not valid JSON"):
        load_records(bad)


@pytest.mark.parametrize("line", ['["a"]', '{"task": "x"}'])
def test_load_records_wants_objects_with_id(tmp_path: Path, line: str) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r'bad\.jsonl:1: expected a JSON object with an "id"'):
        load_records(bad)


def test_load_records_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_records(tmp_path / "nope.jsonl")


def test_load_records_later_id_wins(tmp_path: Path) -> None:
    path = tmp_path / "dup.jsonl"
    path.write_text('{"id": "a", "n": 1}\n{"id": "a", "n": 2}\n', encoding="utf-8")
    assert load_records(path) == {"a": {"id": "a", "n": 2}}


def test_score_with_nothing_to_score() -> None:
    with pytest.raises(InputError, match="No gold answers"):
        score({}, load_records(GOLD), ids=["unknown"])


# --- explain -----------------------------------------------------------------------------------------


@pytest.fixture
def diffs() -> dict[str, PaperDiff]:
    return {d.paper_id: d for d in explain(load_records(PRED), load_records(GOLD))}


def test_explain_lists_only_papers_that_differ(diffs: dict[str, PaperDiff]) -> None:
    assert sorted(diffs) == ["e02", "e03", "e04", "e05", "e06"]  # e01 matches; e99 has no gold
    assert all(diffs.values())


def test_explain_gold_against_itself_is_empty() -> None:
    gold = load_records(GOLD)
    assert explain(gold, gold) == []


def test_explain_wrong_labels_and_invented_claims(diffs: dict[str, PaperDiff]) -> None:
    d = diffs["e02"]
    assert [(x.gold["value"], x.fields) for x in d.claims_mislabeled] == [
        (41.0, ("bound",)), (339.0, ("kind",)), (33.3, ("direction",))
    ]
    assert all(isinstance(x, LabelDiff) for x in d.claims_mislabeled)
    assert [c["value"] for c in d.claims_invented] == [5.7]
    assert d.claims_missed == ()
    assert d.code_url == ValueDiff("https://example.com/{this https URL}", None)
    assert d.domain is None and d.architecture is None


def test_explain_missing_prediction(diffs: dict[str, PaperDiff]) -> None:
    d = diffs["e03"]
    assert d.missing
    assert [c["value"] for c in d.claims_missed] == [75.0]
    assert d.introduced_missed == ("MemCut",)
    assert d.code_url == ValueDiff(None, "https://github.com/a/missing")
    assert d.task == TaskDiff(None, "memory reduction", "memory reduction", 0.0)


def test_explain_task_alternative_names_and_fields(diffs: dict[str, PaperDiff]) -> None:
    d = diffs["e04"]
    assert d.task is not None and d.task.best == "speculative decoding" and d.task.passed
    assert d.task.f1 == pytest.approx(2 / 3)
    assert d.domain == ValueDiff("vision", "language")
    assert d.architecture == ValueDiff("encoder-decoder", "decoder-only")
    # "token-recycling" and "Token Recycling" both match gold, so neither is invented.
    assert d.introduced_missed == ("TR",)
    assert d.introduced_invented == ("GPT-4",)
    assert [c["unit"] for c in d.claims_missed] == ["abs"]
    assert [x.fields for x in d.claims_mislabeled] == [("direction",)]
    assert d.code_url is None  # "" and null both mean no URL


def test_explain_empty_task_and_matching_url(diffs: dict[str, PaperDiff]) -> None:
    d = diffs["e05"]
    assert d.task == TaskDiff("", "kv cache", "kv cache", 0.0) and not d.task.passed
    assert d.code_url is None  # www., case and trailing slash are ignored
    assert not (d.claims_missed or d.claims_invented or d.claims_mislabeled)


def test_explain_unit_mismatch_is_miss_plus_invention(diffs: dict[str, PaperDiff]) -> None:
    d = diffs["e06"]
    assert d.task is not None and d.task.passed and d.task.f1 == pytest.approx(0.8)
    assert [(c["value"], c["unit"]) for c in d.claims_missed] == [(1.4, "%")]
    assert [(c["value"], c["unit"]) for c in d.claims_invented] == [(0.3, "%"), (1.4, "x")]
    assert d.introduced_invented == ("CTC",)
    assert d.code_url is None


def test_explain_agrees_with_claim_counts() -> None:
    pred, gold = load_records(PRED), load_records(GOLD)
    m = score(pred, gold)
    diffs = explain(pred, gold)
    gold_claims = sum(len(g["claims"]) for g in gold.values())
    missed = sum(len(d.claims_missed) for d in diffs)
    invented = sum(len(d.claims_invented) for d in diffs)
    tp = gold_claims - missed
    assert m["claims_r"] == tp / gold_claims
    assert m["claims_p"] == tp / (tp + invented)


def test_explain_respects_ids(diffs: dict[str, PaperDiff]) -> None:
    only = explain(load_records(PRED), load_records(GOLD), ids=["e04", "e01"])
    assert [d.paper_id for d in only] == ["e04"]
    assert only[0] == diffs["e04"]


def _perturb(gold: dict[str, dict], seed: int) -> list[dict]:
    """Predictions that drift from gold in many small ways, to compare both scorers on messy input."""
    import random

    rng = random.Random(seed)
    out = []
    for i, g in sorted(gold.items()):
        if rng.random() < 0.1:
            continue  # missing prediction
        p = json.loads(json.dumps(g))
        p.pop("task_alternatives", None)
        if rng.random() < 0.4:
            p["task"] = rng.choice([*g.get("task_alternatives", []), "something else", "", g["task"].upper()])
        for field, choices in (("domain", ["language", "vision"]), ("architecture", ["decoder-only", "other"])):
            if rng.random() < 0.3:
                p[field] = rng.choice(choices)
        if rng.random() < 0.3:
            urls = [None, "https://github.com/x/y", (g["code_url"] or "").upper() + ".", "https://"]
            p["code_url"] = rng.choice(urls)
        if rng.random() < 0.3:
            p["introduced"] = [*g["introduced"][1:], "Invented-Name", "invented name"]
        claims = p["claims"]
        for c in claims:
            if rng.random() < 0.3:
                c["value"] = c["value"] * rng.choice([1.005, 1.02, 0.5])
            if rng.random() < 0.2:
                c[rng.choice(["kind", "direction", "bound"])] = rng.choice(["speedup", "decrease", "about"])
            if rng.random() < 0.2:
                c["evidence"] = rng.choice(["", c["evidence"] + " (paraphrased)"])
            if rng.random() < 0.1:
                c["metric"] = "some other metric"
        rng.shuffle(claims)
        if rng.random() < 0.2:
            claims.append({"metric": "x", "kind": "speedup", "value": 2, "unit": "x", "evidence": "2x"})
        out.append(p)
    return out


@needs_shared
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_perturbed_dev_gold_matches_reference(tmp_path: Path, seed: int) -> None:
    pred_path = tmp_path / "pred.jsonl"
    records = _perturb(load_records(DEV_GOLD), seed)
    pred_path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    pred, gold, papers = load_records(pred_path), load_records(DEV_GOLD), load_records(SHARED_PAPERS)
    assert_same_figures(score(pred, gold, papers=papers), reference(pred_path, DEV_GOLD, f"--papers={SHARED_PAPERS}"))
