"""The learned task ranker: its candidates, its shipped artefact, and training on a small slice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.learned import task as learned
from extractor.learned.linear import LinearModel
from extractor.learned.train import Corpus, Example
from extractor.schema import Paper

GATHERED = [
    # the title rules' phrases stay candidates
    ("CodeSearchNet: A Benchmark for Code Search", "We study it.", "code search", "rule"),
    # a run of the subtitle's pieces joined again at for/via/with
    ("DSO: Aligning 3D Generators with Simulation Feedback", "We study it.", "3d generators with simulation feedback alignment", "t_sub_run"),
    # the head of a titled paper when it is a plain phrase
    ("Adaptive Deep Reasoning: Triggering Deep Thinking When Needed", "We study it.", "adaptive deep reasoning", "t_head_part"),
    # "<action> of <object>" puts the object first
    ("Detection and Generation of Interference Errors", "We study it.", "interference errors detection and generation", "t_action_of"),
    # what the abstract says the paper addresses
    ("FooNet", "We address the problem of open-vocabulary object detection, which is hard.", "open-vocabulary object detection", "abs_problem"),
    ("FooNet", "In this work, we tackle long video understanding with a new model.", "long video understanding", "abs_we"),
    ("FooNet", "We propose a framework for multimodal generative recommendation.", "multimodal generative recommendation", "abs_for"),
    ("FooNet", "Generative recommendation (GR) has become a powerful paradigm.", "generative recommendation", "abs_subject"),
    ("FooNet", "Effective Class Incremental Segmentation (CIS) requires care.", "class incremental segmentation", "abs_acronym"),
]


@pytest.mark.parametrize("title,abstract,expected,source", GATHERED)
def test_gather_proposes(title: str, abstract: str, expected: str, source: str):
    found = {c.text: c.sources for c in learned.gather(title, abstract)}
    assert expected in found and source in found[expected]


@pytest.mark.parametrize("fragment,expected", [
    ("the speech recognition, which", "speech recognition"),
    ("in llms", ""),  # a fragment, not a noun phrase
    ("a b c d e f g h i j k", ""),  # too long to be a task
    ("kv cache compression for", "kv cache compression"),  # a trailing small word is dropped
    ("while multimodal llms", ""),  # "While multimodal LLMs excel, ...": a subordinate clause, not the subject
    ("although retrieval", ""),
])
def test_cut_keeps_the_noun_phrase(fragment: str, expected: str):
    assert learned._cut(fragment) == expected


@pytest.mark.parametrize("phrase,generic", [
    ("megrez2 technical report", 2 / 3),  # a report's title names the paper, not its task
    ("a causality perspective", 1 / 3),
    ("speech recognition", 0.0),
])
def test_generic_words_counted(phrase: str, generic: float):
    c = learned.TaskCandidate(phrase, {"rule"}, 0)
    f = learned.features(c, phrase, "", learned._counts(""), set(), [c])
    assert abs(f["generic_frac"] - generic) < 1e-9


def test_shipped_artefact_loads_and_answers_best_first():
    model = learned._artefact()
    assert isinstance(model, LinearModel) and "margin" in model.meta
    tasks = learned.predict_tasks("CodeSearchNet Challenge: Evaluating the State of Semantic Code Search",
                                  "Semantic code search is the task of retrieving relevant code given a query.")
    assert tasks and len(set(tasks)) == len(tasks) and all(t == t.lower() for t in tasks)


class _Slice(Corpus):
    """A handful of papers in place of the answer sets."""

    def __init__(self, examples: list[Example]) -> None:
        super().__init__(Path("/nonexistent"))
        self.examples = examples

    def split(self, name: str) -> list[Example]:
        return [e for e in self.examples if (e.source == "dev_gold") == (name == "dev_gold")]


def test_training_on_a_small_slice_writes_a_loadable_artefact(tmp_path: Path):
    papers = [("FooNet: Fast Code Search", "We address code search.", "code search"),
              ("BarGen: Text Generation for Stories", "We study story generation.", "story generation"),
              ("Baz: Speech Recognition with Transformers", "Speech recognition is a hard task.", "speech recognition"),
              ("Qux: Image Captioning via Attention", "We tackle image captioning.", "image captioning")]
    examples = [Example(Paper(id=f"x{i}", title=t, abstract=a), {"task": g, "task_alternatives": []}, "dev_gold" if i == 3 else "arxiv")
                for i, (t, a, g) in enumerate(papers)]
    out = tmp_path / "task.json"
    figures = learned.train(_Slice(examples), path=out)
    model = LinearModel.from_json(json.loads(out.read_text()))
    assert set(figures) >= {"margin", "dev_acc", "dev_gold_acc"} and model.meta["margin"] == figures["margin"]
