"""The learned domain and architecture: features, the shipped models, and training on a slice."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from extractor.extract import draft_extraction
from extractor.learned import fields
from extractor.learned.fields import FIELDS, paper_features, predict_fields
from extractor.learned.linear import LinearModel, load_model
from extractor.learned.train import Corpus, Example
from extractor.schema import ARCHITECTURES, DOMAINS, Paper


@pytest.mark.parametrize(
    "title, text, present, absent",
    [
        # words: title and abstract unigrams and bigrams, lowercased, kept apart
        ("Fast Detectors", "We train a detector.", ["t:fast", "t:fast detectors", "a:detector", "a:train a"], ["a:fast", "t:Fast"]),
        # the rules' cues and guesses
        ("Speech recognition with CTC", "We improve ASR.", ["rd:speech", "rg:domain=speech", "rg:architecture=unspecified"], ["rd:vision"]),
        ("Tuning LLaMA", "We fine-tune Llama and GPT-2.", ["ra:decoder-only", "rg:architecture=decoder-only"], ["ra:encoder-only"]),
        # known families as data: YOLO and U-Net are CNNs (other), ViT and CLIP encoder-only, SAM encoder-decoder
        ("YOLOv8 for Fruit", "An improved YOLOv8 detector.", ["fam:cnn", "fl:other", "fl:top=other"], ["fam:gpt"]),
        ("CLIP probes", "We probe CLIP and ViT-B/16 features.", ["fam:clip", "fam:vit", "fl:encoder-only"], ["fl:decoder-only"]),
        ("Prompting SAM", "Masks from the Segment Anything Model.", ["fam:sam", "fl:encoder-decoder"], []),
        ("A Gaussian Splatting Renderer", "3D Gaussian splatting of scenes.", ["fam:nerf", "mod:vision_3d", "ml:vision"], []),
        # names inside a coined one, title-case phrases of case-sensitive families, methods outside the neural families
        ("CellCLIP and AfriNLLB", "RetroMAE and CountingDINO.", ["fam:clip", "fam:t5", "fam:vit"], ["fam:gpt"]),
        ("Dual-Stream Graph Neural Networks", "Normalizing Flows and Generative Adversarial Networks.", ["fam:gnn_words", "fam:gan_words"], []),
        ("Shape Recognition by Dictionary Learning", "Spiking neurons; tensor factorization.", ["fam:signal_ml", "fam:snn"], ["fam:classical"]),
        ("Hyperspectral Classification", "Bands reduced by principal component analysis.", [], ["fam:signal_ml"]),  # a preprocessing step, no model family
        ("Hyperdimensional Computing for LiDAR", "A neuro-fuzzy classifier.", ["fam:signal_ml", "tn:architecture=other"], []),
        ("RAG for Question Answering", "Retrieval-augmented generation cuts hallucinations.", ["fam:rag", "fl:decoder-only"], []),
        ("Gated Linear Attention", "A linear attention model.", ["fam:mamba", "fl:state-space"], []),
        ("Visual Autoregressive Modeling", "Next-scale prediction of images.", ["fam:var_gen", "tn:architecture=decoder-only"], []),
        ("Forecasting Load", "The MAE drops by 3%.", [], ["fam:vit"]),  # MAE the error, not the masked autoencoder
        # agents built on LLMs (a wording cue: it names no family), visual language models
        ("Deep Research Agents", "Agentic search; GUI agents and language agents.", ["fam:agentic", "fl:decoder-only"], ["tk:architecture=decoder-only"]),
        ("Reinforcement Learning Agents", "A policy for the agent.", [], ["fam:agentic"]),
        ("Building Webs", "With Visual Language Models.", ["fam:vl_words", "tk:architecture=decoder-only"], []),
        # modality words: counted per entry and per domain
        ("Protein Folding", "We predict protein structure from DNA.", ["mod:science", "ml:science", "ml:top=science"], ["ml:speech"]),
    ],
)
def test_features(title: str, text: str, present: list[str], absent: list[str]):
    feats = paper_features(title, text)
    assert all(k in feats for k in present), [k for k in present if k not in feats]
    assert not any(k in feats for k in absent)


@pytest.mark.parametrize(
    "title, text, named",
    [
        ("YOLO-Fruit: Apple Detection", "An improved detector.", "other"),  # a named family of one kind
        ("SARIF: Segment Anything for Image Forensics", "We adapt it.", "encoder-decoder"),
        ("Probing CLIP Features", "We probe them.", "encoder-only"),
        ("Better Chain-of-Thought Prompting", "Instruction tuning.", None),  # wording cues name no family
        ("A Hybrid Transformer", "It mixes attention.", None),
        ("Distilling LLaMA into a CNN", "Two kinds in the title.", None),  # two kinds: the title does not decide
        ("Efficient Detection", "A YOLO detector built on ResNet.", None),  # the text only
    ],
)
def test_the_title_names_one_kind(title: str, text: str, named: str | None):
    feats = paper_features(title, text)
    assert [k for k in feats if k.startswith("tn:architecture=")] == ([f"tn:architecture={named}"] if named else [])


@pytest.mark.parametrize(
    "title, text, kind",
    [
        ("Better Image Editing", "An MLLM agent plans the edits; we fine-tune LLaVA.", "decoder-only"),
        ("Better Image Editing", "A diffusion model edits; an MLLM plans.", None),  # two kinds
        ("Better Image Editing", "A large language model plans the edits.", None),  # a wording cue only
        # prompt tuning of vision-language models names the CLIP kind: "VLM" there is no decoder-only one
        ("Robust Prompt Tuning", "Prompt tuning adapts vision-language models (VLMs).", "encoder-only"),
        ("Prompt Learning under Noise", "Prompt learning adapts large pre-trained vision-language models.", "encoder-only"),
        ("Contrastive Pairs", "Contrastive vision-language models such as CLIP.", "encoder-only"),
        ("Industrial Inspection", "Prompt learning for vision-language models; LVLMs reason.", None),  # an LVLM stays decoder-only
        ("Better VLMs", "Vision-language models (VLMs) answer questions.", "decoder-only"),  # no CLIP cue: the convention
    ],
)
def test_the_only_kind_the_paper_names(title: str, text: str, kind: str | None):
    feats = paper_features(title, text)
    assert [k for k in feats if k.startswith("tk:architecture=")] == ([f"tk:architecture={kind}"] if kind else [])


def test_a_kind_named_in_the_title_decides_unless_the_rules_do():
    model = LinearModel(("decoder-only", "other", "multiple"), {"bias:x": (0.0, 0.0, 0.0)}, (2.0, 0.0, 0.0), {})
    assert fields.decide("architecture", model, {"tn:architecture=other": 1.0})[0] == "other"
    assert fields.decide("architecture", model, {"tn:architecture=decoder-only": 1.0})[0] == "decoder-only"  # (the model's)
    assert fields.decide("architecture", model, {"tn:architecture=other": 1.0, "rg:architecture=multiple": 1.0})[0] == "multiple"
    assert fields.decide("architecture", model, {})[0] == "decoder-only"
    other = LinearModel(("decoder-only", "other", "unspecified"), {"bias:x": (0.0, 0.0, 0.0)}, (0.0, 0.0, 2.0), {})
    assert fields.decide("architecture", other, {"tk:architecture=decoder-only": 1.0})[0] == "decoder-only"
    assert fields.decide("architecture", other, {"tk:architecture=other": 1.0})[0] == "other"
    assert fields.decide("architecture", other, {"tk:architecture=other": 1.0, "rg:architecture=multiple": 1.0})[0] == "multiple"
    assert fields.decide("architecture", other, {"tk:architecture=decoder-only": 1.0, "tn:architecture=other": 1.0})[0] == "other"


def test_the_title_kind_is_a_rule_not_a_weight():
    rows = [paper_features("YOLO for Apples", "A detector."), paper_features("LLaMA for Law", "An LLM.")] * 2
    model = fields.fit_field(rows, ["other", "decoder-only"] * 2, 0.5)
    assert not any(k.startswith("tn:") for k in model.weights)


def test_word_groups_are_l2_normalised_and_extra_features_pass_through():
    feats = paper_features("Two Words", "one two three", extra={"emb:0": 0.25})
    for prefix in ("t:", "a:"):
        assert sum(v * v for k, v in feats.items() if k.startswith(prefix)) == pytest.approx(1.0)
    assert feats["emb:0"] == 0.25


def test_the_features_come_in_the_same_order_whatever_the_hash_seed():
    """The model sums them in their order: a set's order would change the sums' last bits between processes."""
    script = "from extractor.learned.fields import paper_features; print(list(paper_features('Fast Nets', 'We train fast nets on images.')))"
    orders = {subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2", "3")}
    assert len(orders) == 1 and "'a:fast nets'" in orders.pop()


@pytest.mark.parametrize(
    "title, text, domain, architecture",
    [
        ("YOLO-Fruit: Real-Time Fruit Detection in Orchards",
         "We propose an improved YOLOv8 object detector with a lightweight convolutional backbone for detecting apples "
         "in orchard images. It reaches 92.1% mAP at 120 FPS.", "vision", "other"),
        ("Instruction Fine-Tuning LLaMA for Legal Question Answering",
         "We fine-tune LLaMA-2 7B with LoRA on legal questions and answers. The tuned large language model answers "
         "statutory questions better than GPT-3.5.", "language", "decoder-only"),
        ("Mamba for Streaming Speech Recognition",
         "We replace attention with a Mamba state space model to transcribe spoken audio and cut the word error rate. "
         "On LibriSpeech, the streaming recogniser keeps pace with the speaker.",
         "speech", "state-space"),
    ],
)
def test_shipped_models_answer_obvious_papers(title: str, text: str, domain: str, architecture: str):
    answers = predict_fields(title, text)
    assert answers["domain"][0] == domain and answers["architecture"][0] == architecture
    assert all(0.0 < p <= 1.0 for _, p in answers.values())


def test_the_draft_carries_the_learned_answers_and_their_confidence():
    paper = Paper(id="t", title="Instruction Fine-Tuning LLaMA for Legal Question Answering",
                  abstract="We fine-tune LLaMA-2 7B with LoRA on legal questions. The tuned large language model beats GPT-3.5.")
    draft = draft_extraction(paper)
    assert (draft.domain, draft.architecture) == ("language", "decoder-only")
    assert set(draft.confidence) == set(FIELDS) and all(0 < p <= 1 for p in draft.confidence.values())


def test_training_on_a_slice_writes_loadable_models(tmp_path):
    papers = [("Detecting cars in images", "A convolutional YOLO detector for images.", "vision", "other"),
              ("Chat with LLaMA", "We prompt a large language model, LLaMA, on text.", "language", "decoder-only"),
              ("Segmenting tumours", "A U-Net segments CT images.", "vision", "other"),
              ("Summarising news", "GPT-4 summarises news text.", "language", "decoder-only")] * 3
    examples = [Example(Paper(id=f"x{i}", title=t, abstract=a), {"domain": d, "architecture": r}, "own")
                for i, (t, a, d, r) in enumerate(papers)]
    assert fields.train(Corpus(), out_dir=tmp_path, examples=examples) == {}
    for name in FIELDS:
        model = LinearModel.from_json(json.loads((tmp_path / f"{name}.json").read_text()))
        assert model.meta["train_papers"] == len(examples)
        assert model.predict(paper_features("Detecting trucks", "A YOLO detector for images."))[0] in {"vision", "other"}


class WordCountReader:
    """A stand-in reader: two dense features any text has, so the reader heads train without a model."""

    name = "word-count"

    def features(self, title: str, abstract: str) -> dict[str, float]:
        return {"emb:0": float(len(abstract.split())), "emb:1": float("image" in abstract)}


def test_training_with_a_reader_writes_heads_that_standardise_its_features(tmp_path):
    papers = [("Detecting cars", "A convolutional YOLO detector for images.", "vision", "other"),
              ("Chat with LLaMA", "We prompt a large language model, LLaMA, on text.", "language", "decoder-only")] * 4
    examples = [Example(Paper(id=f"x{i}", title=t, abstract=a), {"domain": d, "architecture": r}, "own")
                for i, (t, a, d, r) in enumerate(papers)]
    fields.train(Corpus(), out_dir=tmp_path, examples=examples, reader=WordCountReader(), cache=tmp_path / "cache.json")
    assert json.loads((tmp_path / "cache.json").read_text())["reader"] == "word-count"
    model = LinearModel.from_json(json.loads((tmp_path / "domain_reader.json").read_text()))
    assert set(model.meta["reader_mean"]) == {"emb:0", "emb:1"} and model.meta["reader_mean"]["emb:1"] == 0.5
    assert {k for k in model.weights if k.startswith("emb:")} == {"emb:0", "emb:1"}


class SliceCorpus(Corpus):
    """A corpus of made-up papers by split, so `train` takes its full path (held-out sets, extras) in a second."""

    PAPERS = [("Detecting cars", "A convolutional YOLO detector for images.", "vision", "other"),
              ("Chat with LLaMA", "We prompt a large language model, LLaMA, on text.", "language", "decoder-only")]

    def split(self, name: str) -> list[Example]:
        copies = {"train": 4, "dev": 1, "dev_gold": 1, "own_arxiv": 3}[name]
        return [Example(Paper(id=f"{name}{i}", title=t, abstract=a), {"domain": d, "architecture": r}, name)
                for i, (t, a, d, r) in enumerate(self.PAPERS * copies)]


def test_training_fits_on_every_training_set_and_scores_on_the_held_out_ones(tmp_path):
    figures = fields.train(SliceCorpus(), out_dir=tmp_path, reader=WordCountReader(), cache=tmp_path / "cache.json")
    assert set(figures) == {f"{f}{s}_{h}" for f in FIELDS for s in ("", "_reader") for h in ("dev", "dev_gold")}
    fitted = sum(len(SliceCorpus().split(s)) for s in fields.TRAIN_SETS)
    assert fitted == 14  # train and own_arxiv, never dev or dev_gold
    for suffix in ("", "_reader"):
        for name in FIELDS:
            assert LinearModel.from_json(json.loads((tmp_path / f"{name}{suffix}.json").read_text())).meta["train_papers"] == fitted


def test_the_own_arxiv_answers_are_complete_and_hold_no_expert_answered_paper():
    own = Corpus().split("own_arxiv")
    expert = {json.loads(line)["id"] for line in (Corpus().shared / "arxiv_gold.jsonl").open(encoding="utf-8")}
    assert len(own) == 350 and not {e.paper.id for e in own} & expert  # above all, none of `test`
    assert all(e.gold["domain"] in DOMAINS and e.gold["architecture"] in ARCHITECTURES and e.paper.abstract for e in own)


def test_the_shipped_reader_heads_read_the_bundled_models_features():
    read = {f"emb:{i}": 0.0 for i in range(576)}
    answers = fields.predict_fields("Detecting cars in images", "A convolutional YOLO detector for images.", read)
    assert answers["domain"][0] in DOMAINS and answers["architecture"][0] in ARCHITECTURES
    assert len(load_model("domain_reader").meta["reader_mean"]) == 576
