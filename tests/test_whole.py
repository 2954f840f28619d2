"""`--ask all`: a fake backend plays a capable model; grounding keeps only what the abstract supports."""

from __future__ import annotations

import json

import pytest

from extractor.backends.fake import FakeBackend
from extractor.extract import Settings, extract_paper
from extractor.schema import Paper
from extractor.whole import ModelRecord, PaperText, claim_problem, numbers_in

PAPER = Paper(id="w1", title="FastNet: Fast Networks for Image Classification",
              abstract="We propose FastNet. It is up to 3.5times faster and uses 40\\% less memory than ResNet. "
                       "Code: https://github.com/example/fastnet.")
ALL = Settings(ask=("all",), review=())

SPEEDUP = {"metric": "speed", "kind": "speedup", "value": 3.5, "value_max": None, "unit": "x", "direction": "increase",
           "bound": "up-to", "baseline": None, "evidence": "up to 3.5times faster"}
MEMORY = {"metric": "memory", "kind": "reduction", "value": 40, "value_max": None, "unit": "%", "direction": "decrease",
          "bound": "exact", "baseline": "ResNet", "evidence": "40% less memory than ResNet"}  # as the model read it: clean text
CORRECT = {"task": "image classification", "domain": "vision", "architecture": "other", "introduced": ["FastNet"],
           "claims": [SPEEDUP, MEMORY], "code_url": "https://github.com/example/fastnet"}


def record(**changes: object) -> str:
    return json.dumps({**CORRECT, **changes})


def rules_of(problems: list) -> list[tuple[str, str]]:
    return [(p.rule, p.field) for p in problems if p.rule != "low-confidence"]


def test_a_correct_record_is_kept_with_offsets_computed_by_extractor() -> None:
    backend = FakeBackend([record()])
    result = extract_paper(PAPER, backend, ALL)
    extraction = result.extraction
    assert (extraction.task, extraction.domain, extraction.architecture) == ("image classification", "vision", "other")
    assert extraction.introduced == ["FastNet"] and extraction.code_url == "https://github.com/example/fastnet"
    assert [(c.value, c.unit, c.kind) for c in extraction.claims] == [(3.5, "x", "speedup"), (40.0, "%", "reduction")]
    for claim in extraction.claims:
        assert PAPER.abstract[claim.evidence_start : claim.evidence_end] == claim.evidence
    assert extraction.claims[1].evidence == "40\\% less memory than ResNet"  # the raw text, LaTeX escape and all
    assert not [p for p in result.problems if p.rule == "model-ungrounded"]
    assert len(backend.history) == 1 and result.tokens["prompt"] > 0 and result.tokens["completion"] > 0
    (messages, schema, max_tokens), = backend.history
    assert "Draft by rules:" in messages[-1]["content"] and "3.5" in messages[-1]["content"]
    assert schema == ModelRecord.model_json_schema() and max_tokens >= 500


def test_an_ungrounded_claim_is_reasked_then_dropped_and_stored_as_a_problem() -> None:
    invented = {**SPEEDUP, "value": 5.0}  # evidence real, value not written in it
    backend = FakeBackend([record(claims=[invented, MEMORY])] * 3)
    result = extract_paper(PAPER, backend, ALL)
    assert len(backend.history) == 3  # the first answer and two re-asks
    reask = backend.history[1][0][-1]["content"]
    assert "claims[0]: value 5 is not written in its evidence 'up to 3.5times faster'" in reask
    assert [(c.value, c.unit) for c in result.extraction.claims] == [(40.0, "%")]
    assert ("model-ungrounded", "claims[0]") in rules_of(result.problems)
    assert ("model-disagrees", "claims") in rules_of(result.problems)  # the rules also found 3.5x
    assert result.tokens["prompt"] > 3 * len(PAPER.abstract) // 4  # every attempt is counted


def test_an_invented_name_is_reasked_and_a_corrected_answer_kept() -> None:
    backend = FakeBackend([record(introduced=["FastNet", "MegaNet"]), record()])
    result = extract_paper(PAPER, backend, ALL)
    assert "introduced[1]: 'MegaNet' occurs in neither the title nor the abstract" in backend.history[1][0][-1]["content"]
    assert result.extraction.introduced == ["FastNet"]
    assert not [p for p in result.problems if p.rule == "model-ungrounded"]


def test_a_name_still_invented_is_dropped_and_the_url_falls_back_to_the_rules() -> None:
    backend = FakeBackend([record(introduced=["FastNet", "MegaNet"], code_url="https://github.com/else/where")] * 3)
    result = extract_paper(PAPER, backend, ALL)
    assert result.extraction.introduced == ["FastNet"]
    assert result.extraction.code_url == extract_paper(PAPER, None, Settings(use_model=False)).extraction.code_url
    assert {("model-ungrounded", "introduced[1]"), ("model-ungrounded", "code_url")} <= set(rules_of(result.problems))


def test_a_claim_said_twice_is_reasked_then_kept_once() -> None:
    backend = FakeBackend([record(claims=[SPEEDUP, MEMORY, {**SPEEDUP, "metric": "throughput"}])] * 3)
    result = extract_paper(PAPER, backend, ALL)
    assert "claims[2]: repeats claims[0]" in backend.history[1][0][-1]["content"]
    assert [c.value for c in result.extraction.claims] == [3.5, 40.0]
    assert ("model-ungrounded", "claims[2]") in rules_of(result.problems)


def test_an_answer_that_is_never_json_keeps_the_rules_record() -> None:
    backend = FakeBackend(["I think the paper is about networks."] * 3)
    rules = extract_paper(PAPER, None, Settings(use_model=False)).extraction
    result = extract_paper(PAPER, backend, ALL)
    assert result.extraction == rules
    assert rules_of(result.problems) == [("model-ungrounded", "record")]


def test_a_cut_off_answer_keeps_its_complete_fields_and_the_rules_for_the_rest() -> None:
    text = record(code_url=None)
    cut = text[: text.index('"evidence": "40')]  # inside the second claim, before code_url
    backend = FakeBackend([cut] * 3)
    rules = extract_paper(PAPER, None, Settings(use_model=False)).extraction
    result = extract_paper(PAPER, backend, ALL)
    assert (result.extraction.task, result.extraction.domain) == ("image classification", "vision")
    assert [c.value for c in result.extraction.claims] == [3.5]
    assert result.extraction.code_url == rules.code_url  # never reached
    assert ("model-ungrounded", "claims[1]") in rules_of(result.problems)


def test_disagreements_with_the_rules_are_stored() -> None:
    result = extract_paper(PAPER, FakeBackend([record(domain="science")]), ALL)
    disagree = [p for p in result.problems if p.rule == "model-disagrees"]
    assert any(p.field == "domain" and "the model says 'science'" in p.message for p in disagree)


@pytest.mark.parametrize("evidence, value, grounded", [
    ("up to 3.5times faster", 3.5, True),
    ("up to 3.5times\nfaster", 3.5, True),  # a line break for a space, as when quoting a raw abstract
    ("40\\% less memory", 40, True),  # raw text
    ("40% less memory", 40, True),  # clean text
    ("40% less memory", 4, False),
    ("uses forty percent less memory", 40, False),  # not in the abstract
    ("It is up to", 3.5, False),  # verbatim but without the number
])
def test_claim_grounding(evidence: str, value: float, grounded: bool) -> None:
    claim = ModelRecord.model_fields["claims"].annotation.__args__[0].model_validate({**SPEEDUP, "evidence": evidence, "value": value})
    assert (claim_problem(claim, PaperText(PAPER.title, PAPER.abstract)) is None) == grounded


@pytest.mark.parametrize("text, value", [
    ("a $2.4\\times$ speedup", 2.4), ("two orders of magnitude faster", 100.0), ("by 1,024 tokens", 1024.0),
    ("$\\sim$5 points", 5.0), ("three-fold", 3.0),
])
def test_numbers_are_read_through_latex_and_words(text: str, value: float) -> None:
    assert value in numbers_in(text)


@pytest.mark.server
@pytest.mark.model
def test_ask_all_in_process_and_against_llama_cpp_server_gives_one_grounded_record(llama_server, llama_backend):
    from extractor.backends import BackendConfig
    from extractor.backends.openai import OpenAIBackend
    from extractor.corpus import read_sample

    paper = next(p for p in read_sample() if "%" in p.abstract and len(p.abstract) < 900)
    local = extract_paper(paper, llama_backend, ALL)
    endpoint = OpenAIBackend(BackendConfig(base_url=llama_server, model="local", extra={"body": {"repeat_penalty": 1.0}}))
    served = extract_paper(paper, endpoint, ALL)
    assert served.extraction == local.extraction and served.problems == local.problems
    assert local.tokens["completion"] > 0 and served.tokens == local.tokens
    text = PaperText(paper.title, paper.abstract)
    for claim in local.extraction.claims:
        assert paper.abstract[claim.evidence_start : claim.evidence_end] == claim.evidence
        assert claim.value in numbers_in(claim.evidence)
    assert all(text.mentions(name) for name in local.extraction.introduced)
