"""The learned names filter: its candidates, its shipped artefact, and training on a small slice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.learned import names as learned
from extractor.learned.linear import LinearModel
from extractor.learned.train import Corpus, Example
from extractor.names import key
from extractor.schema import Paper

GATHERED = [
    # the subtitle words that spell the title's acronym, cut at a preposition
    ("MSGS: Multispectral 3D Gaussian Splatting for Scenes", "We test it.", "Multispectral 3D Gaussian Splatting"),
    ("DiMo: Discrete Diffusion Modeling for Motion Generation", "We test it.", "Discrete Diffusion Modeling"),
    # a coined head's subtitle before its first preposition, even when it does not spell every letter
    ("SGDFuse: SAM-Guided Diffusion for Image Fusion", "We test it.", "SAM-Guided Diffusion"),
    # ... also when the title's colon has no space after it
    ("ProMSA:Progressive Multimodal Search Agents for Question Answering", "We test it.", "Progressive Multimodal Search Agents"),
    # "NAME (Long Form)" and "NAME, a Long Form ..." in the abstract
    ("A Study", "We propose TACache (Trajectory-Aware Cache), a method.", "Trajectory-Aware Cache"),
    ("A Study", "We propose LCDS, a Logic-Controlled Discharge Summary generation system.", "Logic-Controlled Discharge Summary"),
    # "Full Name (ACR)" with no coining verb, capitalised runs, emphasised names, versions kept whole
    ("A Study", "It has a Rank Minimization Module (RMM) inside.", "RMM"),
    ("A Study", "It combines Positional Weight Preservation with pruning.", "Positional Weight Preservation"),
    ("A Study", "In this work, we introduce \\textbf{Delta Prover}, an agent.", "Delta Prover"),
    ("A Study", "We present E3C-3.0, a dataset.", "E3C-3.0"),
    ("A Study", "We propose Lion, an adversarial distillation method.", "Lion"),
    # a title with no head opens with its method's name, up to the first preposition
    ("Entropy-Guided Attention for Private LLMs", "We propose an entropy-guided attention mechanism.", "Entropy-Guided Attention"),
    ("Deep Improvement Supervision", "We test it.", "Deep Improvement Supervision"),
]

NOT_GATHERED = [
    # a title lead that is a sentence or a class of things is no name
    ("Towards Better Models for Text", "We test it.", "Towards Better Models"),
    ("Small Language Models", "We test it.", "Small Language Models"),
]


@pytest.mark.parametrize("title,abstract,unexpected", NOT_GATHERED)
def test_gather_leaves_out(title: str, abstract: str, unexpected: str):
    assert key(unexpected) not in {key(c.text) for c in learned.gather(title, abstract)}


def test_title_lead_gives_way_to_a_longer_rule_name():
    title = "Decoder Pre-Training with only Text for Recognition"
    found = {key(c.text): c.sources for c in learned.gather(title, "We propose Decoder Pre-training with only text for STR (DPTR).")}
    assert "title_lead" not in found.get(key("Decoder Pre-Training"), set())
    assert "title_lead" in {s for c in learned.gather("Entropy-Guided Attention for LLMs", "We test it.") for s in c.sources}


PARTNERS = [
    # a phrase whose word initials are a token's capitals is its long form, wherever the two stand
    ("You Only Cache Once: Decoder-Decoder Architectures", "We introduce YOCO, an architecture.", "YOCO", "You Only Cache Once"),
    ("DNA Design", "We propose ATGC-Gen, an Automated Transformer Generator for Controllable Generation.",
     "ATGC-Gen", "Automated Transformer Generator for Controllable Generation"),
    # "Full Name (ACR)" keeps the pair it was found as
    ("A Study", "We propose Sparse Texture Guidance (STG).", "STG", "Sparse Texture Guidance"),
]


@pytest.mark.parametrize("title,abstract,token,phrase", PARTNERS)
def test_gather_links_a_name_to_its_long_form(title: str, abstract: str, token: str, phrase: str):
    found = {key(c.text): c for c in learned.gather(title, abstract)}
    assert found[key(token)].partner == key(phrase) and found[key(phrase)].partner == key(token)


@pytest.mark.parametrize("title,abstract,expected", GATHERED)
def test_gather_proposes(title: str, abstract: str, expected: str):
    assert key(expected) in {key(c.text) for c in learned.gather(title, abstract)}


def test_rule_names_are_candidates_with_their_source():
    found = {c.text: c.sources for c in learned.gather("CodeT5: Identifier-aware Models", "We present CodeT5, a model.")}
    assert "rule" in found["CodeT5"]


def test_known_table_counts_papers_not_mentions():
    table = learned.known_table(["We use GRPO and GRPO.", "GRPO helps.", "We propose FooNet."])
    assert table["grpo"] == 2 and "foonet" not in table


def test_shipped_artefact_loads_and_keeps_plain_coinages():
    model, known, low, high = learned._artefact()
    assert isinstance(model, LinearModel) and known and 0 < low <= high < 1
    names = learned.predict_names("CodeT5: Identifier-aware Models", "We present CodeT5, a model. It beats BERT and GPT-4.")
    assert "CodeT5" in names and "BERT" not in names and "GPT-4" not in names


class _Slice(Corpus):
    """A handful of papers in place of the answer sets, written to a temporary folder."""

    def __init__(self, shared: Path, examples: list[Example]) -> None:
        super().__init__(shared)
        self.examples = examples

    def split(self, name: str) -> list[Example]:
        return [e for e in self.examples if (e.source == "dev_gold") == (name == "dev_gold")]


def test_training_on_a_small_slice_writes_a_loadable_artefact(tmp_path: Path):
    papers = [("FooNet: Fast Nets", "We propose FooNet, a network. It beats BERT.", ["FooNet"]),
              ("BarGen: Text Generation", "We introduce BarGen (Bar Generator). We use GPT-4.", ["BarGen", "Bar Generator"]),
              ("A Study of Baselines", "We compare BERT and RoBERTa on GLUE.", []),
              ("QuxLM: Small Models", "We present QuxLM, trained with LoRA.", ["QuxLM"])]
    examples = [Example(Paper(id=f"x{i}", title=t, abstract=a), {"introduced": g}, "dev_gold" if i == 3 else "arxiv")
                for i, (t, a, g) in enumerate(papers)]
    (tmp_path / "arxiv_gold_split.json").write_text(json.dumps({"test": ["x9"]}))
    (tmp_path / "arxiv_sample.jsonl").write_text("".join(json.dumps({"id": e.paper.id, "abstract": e.paper.abstract}) + "\n" for e in examples))
    out = tmp_path / "names.json"
    figures = learned.train(_Slice(tmp_path, examples), path=out)
    model = LinearModel.from_json(json.loads(out.read_text()))
    assert set(figures) >= {"low", "high", "dev_f1", "dev_gold_f1"} and model.meta["low"] == figures["low"]


# The plain-string searches that replace a pattern compiled per name give what the pattern gave.
TEXTS = [
    "FooNet and foonet-2 (FooNet) with pre-FooNet, Echo-FooNet, FooNet_x, FooNet-based, FooNet-v2.1.",
    "x x x; Mamba-Mamba and mmMamba-linear, Falcon-180B. A-B-C",
    "LL\u00e4MmleinX, İstanbul İSTANBUL and DONUT, a Decoder-Only Network (DON).",
]
WORDS = ["FooNet", "foonet", "x x", "Mamba", "mmMamba", "Falcon", "A-B", "B", "İstanbul", "DONUT", "DON"]


@pytest.mark.parametrize("text", TEXTS)
def test_string_searches_match_the_per_name_patterns(text: str):
    import re

    from extractor.names import _EXPANSION_AFTER, followed_by, variants, word_hits

    for word in WORDS:
        q = re.escape(word)
        for flags, ignore in ((0, False), (re.I, True)):
            expected = [m.start() for m in re.finditer(r"(?<![\w-])" + q + r"(?![\w-])", text, flags)]
            assert list(word_hits(text, word, ignore_case=ignore)) == expected, word
        expected = [m.start() for m in re.finditer(r"\b" + q + r"\b", text, re.I)] if word.isalpha() else None
        if expected is not None:
            assert list(word_hits(text, word, ignore_case=True, hyphen=False)) == expected, word
        pattern = r"(?<![\w-])(" + q + r"-[A-Za-z0-9](?:[\w.]*\w)?|[A-Z]\w*-" + q + r")(?![\w-])"
        assert variants(text, word) == [m.span(1) for m in re.finditer(pattern, text)], word
        pattern = r"(?<![\w-])" + q + _EXPANSION_AFTER.pattern
        assert [(a, m.span(1)) for a, m in followed_by(text, word, _EXPANSION_AFTER)] == [(m.start(), m.span(1)) for m in re.finditer(pattern, text)]


FEATURES = [
    # a lower-case long form is a term in use; a capitalised one is more likely the paper's own
    ("A Study", "We search with breadth-first search (BFS).", "BFS", "partner_lower", 1.0),
    ("A Study", "We propose Sparse Texture Guidance (STG).", "STG", "partner_cap_words", 1.0),
    ("A Study", "We propose Sparse Texture Guidance (STG) and Dual Mixing (DM).", "STG", "pairs_2", 1.0),
    ("STG: Sparse Texture Guidance", "We propose Sparse Texture Guidance (STG).", "Sparse Texture Guidance", "partner_in_title", 1.0),
    # how much of the head's capitals the subtitle's initials spell, and a subtitle that is a verb phrase
    ("ANPrompt: Anti-noise Prompt Tuning for Models", "We test it.", "Anti-noise Prompt Tuning", "head_cover", 1.0),
    ("SGDFuse: SAM-Guided Diffusion for Image Fusion", "We test it.", "SAM-Guided Diffusion", "head_cover", 0.75),
    ("MamBEV: Enabling State Space Models to Learn", "We test it.", "Enabling State Space Models", "opens_ing", 1.0),
    # a part listed among the paper's own, built by it, or named as a part
    ("A Study", "It has (2) Cross-Step Consistency Control, which helps.", "Cross-Step Consistency Control", "enum_before", 1.0),
    ("A Study", "It consists of a Content-Aware Alignment Neck and more.", "Content-Aware Alignment Neck", "build_before", 1.0),
    ("A Study", "We integrate a Monte Carlo Dropout step.", "Monte Carlo Dropout", "build_before", 0.0),
    ("A Study", "We use it with the Phasor-Guided Flow Estimator module.", "Phasor-Guided Flow Estimator", "part_after", 1.0),
    ("A Study", "We search with (1) breadth-first search (BFS).", "breadth-first search", "enum_before", 0.0),
    # "on the X": a benchmark or tool in use
    ("A Study", "We reach a new best on the Harder Text Embedding Benchmark.", "Harder Text Embedding Benchmark", "using_before", 1.0),
    # first used before the paper speaks of itself: background
    ("A Study", "Monte Carlo Tree Search (MCTS) is popular. We propose FooNet.", "MCTS", "before_first_we", 1.0),
    ("A Study", "Search is popular. We propose FooNet (FN).", "FooNet", "before_first_we", 0.0),
    # a data set with its size in thousands
    ("A Study", "We release AgentTaxo-9K, a dataset.", "AgentTaxo-9K", "size_count", 1.0),
    ("A Study", "We release DocRec1K, a dataset.", "DocRec1K", "size_count", 1.0),
    ("A Study", "We fine-tune Qwen2.5-7B on it.", "Qwen2.5-7B", "size_count", 0.0),
]


@pytest.mark.parametrize("title,abstract,name,feature,value", FEATURES)
def test_candidate_features(title: str, abstract: str, name: str, feature: str, value: float):
    found = learned.gather(title, abstract)
    view = learned.PaperView(title, abstract, texts={key(c.text): c.text for c in found}, pairs=learned._pairs(found))
    c = next(c for c in found if key(c.text) == key(name))
    assert learned.features(c, title, abstract, {}, view=view).get(feature, 0.0) == value
