"""Learned `domain` and `architecture`: a linear model per field over words, the rules' cues and known names.

Features of a paper (pure, `paper_features`):
- `t:`/`a:` lowercased word unigrams and bigrams of the title and the abstract, binary, each group
  L2-normalised so a long abstract does not outweigh its title;
- `rd:`/`ra:` the rules' cue counts (`labels._domain_scores`, `labels.arch_counts`) and `rg:` their
  guesses one-hot, so the learned model starts from what the hand rules know;
- `fam:`/`fl:` and `mod:`/`ml:` counts of named model families and modality words from
  `extractor/data/families.json` (YOLO -> other, ViT/CLIP -> encoder-only, LLaVA -> decoder-only ...),
  per entry and summed per label: the annotators' knowledge as data; an entry with "masks" voids others
  where it matches (prompt tuning of vision-language models: those VLMs are CLIP's kind, not decoder-only);
- `tn:`/`tk:` the one kind of family the title, or the whole paper, names (entries marked "cue" aside):
  not weights but rules `decide` applies before the model (RULES_DECIDE, TITLE_DECIDES, ONLY_KIND_DECIDES).
With the bundled model reading the abstract (`reader.py`), its embedding joins these features,
standardised and weighted by READER_WEIGHT, in a second pair of models (`domain_reader.json`,
`architecture_reader.json`); `--no-model` uses the first pair.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache

from extractor.cues import Pruned
from extractor.labels import LOWERED_SCAN, _domain_scores, arch_counts, guess_architecture, guess_domain
from extractor.learned.linear import DATA, LinearModel, load_joint, load_model
from extractor.learned.reader import Reader, read_cached
from extractor.normalize import normalize

FIELDS = ("domain", "architecture")
# Below this probability an answer goes to review (chosen on dev, see `train`); the rules' "unsure"
# sets flag about as many papers.
REVIEW_BELOW = {"domain": 0.6, "architecture": 0.5}
C = {"domain": 0.5, "architecture": 0.5}  # chosen by 5-fold CV on train (0.25-2 all within a point)
# Where the rules name a specific kind other than decoder-only (a title "Decoder-Only or
# Encoder-Decoder?", BERT, T5, Mamba), their answer stands: 5-fold CV on train 0.716 -> 0.732.
RULES_DECIDE = {"architecture": frozenset({"multiple", "encoder-only", "encoder-decoder", "state-space", "hybrid"})}
# Where the title names families of one kind only (`tn:`: YOLO, U-Net, NeRF, diffusion; SAM, DETR, Whisper;
# CLIP, ViT; Mamba), that kind stands unless the rules decide: 5-fold CV on train 0.730 -> 0.730, own350
# 0.757 -> 0.766, dev 0.767 -> 0.802 (as a learned weight instead: CV lower).
TITLE_DECIDES = {"architecture": frozenset({"other", "encoder-only", "encoder-decoder", "state-space"})}
# Where the paper names families of one kind only (GPT, LLaMA, an MLLM; a CNN or diffusion model; CLIP; Whisper),
# that kind: decoder-only alone, CV 0.753 -> 0.755, own350 0.797 -> 0.800, dev 0.802 -> 0.826, devgold 0.800;
# every kind, CV 0.758, own350 0.803, dev 0.837, devgold 0.800.
ONLY_KIND_DECIDES = {"architecture": frozenset({"decoder-only", "other", "encoder-only", "encoder-decoder", "state-space"})}
_DECIDERS = (("rg", RULES_DECIDE), ("tn", TITLE_DECIDES), ("tk", ONLY_KIND_DECIDES))
# The answer sets both fields fit on (`Corpus.split`): our own answers for 350 other arXiv papers join
# train. Expert-fold 5-fold CV over the 455 train papers (own answers always fitted), with the reader:
# domain .866 -> .873, architecture .771 -> .787; arxiv dev .837 -> .884 and .826 -> .837; dev_gold
# .850 and .800 unchanged (words only: architecture CV .760 -> .765, dev_gold .800 -> .783). Before
# the title and only-kind rules, architecture lost (CV .758 -> .743), and fitted on train alone.
TRAIN_SETS = ("train", "own_arxiv")
READER_WEIGHT = 0.1  # of a standardised embedding unit against the words: 5-fold CV on train over 0.02-0.2
READER_CACHE = DATA.parent.parent / "outputs" / "reader_cache.json"
_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


@lru_cache(maxsize=1)
def _tables() -> dict[str, list[tuple[str, str, Pruned, bool]]]:
    """Each entry's pattern and whether it reads the lowercased text: a case-insensitive pattern is
    run, lowercased, on lowercased text (`cues.py`: the same counts, faster than re.IGNORECASE),
    and only with the alternatives whose leading text the paper holds (`cues.Pruned`)."""
    return {group: [(name, e["label"], Pruned(e["pattern"], case=e.get("case", False)), not e.get("case"))
                    for name, e in entries.items()] for group, entries in _raw_tables().items()}


@lru_cache(maxsize=1)
def _cue_entries() -> frozenset[str]:
    """The entries that are wording cues ("cue": true: "LLM", "hybrid", "compared") rather than a named
    family or a modality: they do not count as the title naming one (`_counts`)."""
    return frozenset(name for entries in _raw_tables().values() for name, e in entries.items() if e.get("cue"))


@lru_cache(maxsize=1)
def _masks() -> dict[str, frozenset[str]]:
    """The entries that, where they match, void others ("masks": prompt tuning of vision-language models
    names the CLIP kind, so "VLM" there is no generative, decoder-only one)."""
    return {name: frozenset(e["masks"]) for entries in _raw_tables().values() for name, e in entries.items() if e.get("masks")}


@lru_cache(maxsize=1)
def _raw_tables() -> dict[str, dict[str, dict]]:
    raw = json.loads((DATA / "families.json").read_text(encoding="utf-8"))
    return {group: raw[group] for group in ("architecture", "domain")}


def _ngrams(text: str, prefix: str) -> dict[str, float]:
    """Binary unigrams and bigrams, L2-normalised, in the text's order (a set's order changes with the
    hash seed, and with it the last bits of the model's sums from one process to the next)."""
    words = _WORD.findall(text.lower())
    named = [prefix + w for w in words]  # each gram named as it is made: "a:w" and "a:w v", in one pass each
    grams = dict.fromkeys(named)
    grams.update(dict.fromkeys(map(" ".join, zip(named, words[1:]))))
    if not grams:
        return {}
    return dict.fromkeys(grams, 1.0 / math.sqrt(len(grams)))


@lru_cache(maxsize=1)
def _case_literals() -> frozenset[str]:
    """The leading texts read as written (those read in lowercased text join `LOWERED_SCAN`, with the
    lowercased ASCII ones of these: where a text holds one, its lowercased text holds that)."""
    starts: dict[bool, set[str]] = {True: set(), False: set()}
    for entries in _tables().values():
        for _, _, cue, lower in entries:
            starts[lower].update(s for s in cue.starts if s)
    LOWERED_SCAN.include(starts[True] | {s.lower() for s in starts[False] if s.isascii()})
    return frozenset(starts[False])


@lru_cache(maxsize=2)
def _scanned(title: str, text: str) -> tuple[tuple[str, str], dict[bool, frozenset[str]]]:
    """The lowered title and text, and the tables' leading texts present in the paper (lowercased or as
    written): one scan for both tables and the rules' cues (cached: each table's `_counts` asks). A leading
    text read as written is looked for only where its lowercased one is present (most are not)."""
    case = _case_literals()
    lowered = title.lower(), text.lower()
    found = LOWERED_SCAN.present("\0".join(lowered))  # no leading text holds a NUL: none spans the two
    joined = f"{title}\0{text}"
    return lowered, {True: found, False: frozenset(s for s in case if (s.lower() in found or not s.isascii()) and s in joined)}


def _counts(title: str, text: str, group: str, name_prefix: str, label_prefix: str) -> dict[str, float]:
    """log(1 + count) per table entry and per label; a title mention counts twice. Where the title names
    entries of one label only (wording cues aside), `tn:<group>=<label>`: a family named in the title is
    what the paper is about far more often than one named in the text; where the whole paper does,
    `tk:<group>=<label>` (`decide` reads both; they are not weights)."""
    feats: dict[str, float] = {}
    per_label: Counter[str] = Counter()
    titled: set[str] = set()
    named: set[str] = set()
    cues = _cue_entries()
    lowered, present = _scanned(title, text)
    found: list[tuple[str, str, int, int]] = []
    for name, label, cue, lower in _tables()[group]:
        kept = cue.kept(present[lower])
        if not kept:
            continue
        a, b = lowered if lower else (title, text)
        in_title = cue.count(a, kept)
        n = 2 * in_title + cue.count(b, kept)
        if n:
            found.append((name, label, in_title, n))
    masks = _masks()
    voided = frozenset().union(*(masks[name] for name, *_ in found if name in masks))
    for name, label, in_title, n in found:
        if name in voided:
            continue
        if name not in cues:
            named.add(label)
            if in_title:
                titled.add(label)
        feats[name_prefix + name] = math.log1p(n)
        per_label[label] += n
    feats.update({label_prefix + label: math.log1p(n) for label, n in per_label.items()})
    if per_label:
        feats[label_prefix + "top=" + per_label.most_common(1)[0][0]] = 1.0
    if len(titled) == 1:
        feats[f"tn:{group}={titled.pop()}"] = 1.0
    if len(named) == 1:
        feats[f"tk:{group}={named.pop()}"] = 1.0
    return feats


def paper_features(title: str, text: str, extra: Mapping[str, float] | None = None) -> dict[str, float]:
    """All features of one paper (clean title and text, as `draft_extraction` has them)."""
    feats = _ngrams(title, "t:") | _ngrams(text, "a:")
    for d, n in _domain_scores(title, text).items():
        if n:
            feats[f"rd:{d}"] = math.log1p(n)
    in_title, in_text = arch_counts(title, text)
    for a in in_title:
        n = 2 * in_title[a] + in_text[a]
        if n:
            feats[f"ra:{a}"] = math.log1p(n)
    feats[f"rg:domain={guess_domain(title, text)}"] = 1.0
    feats[f"rg:architecture={guess_architecture(title, text)}"] = 1.0
    feats |= _counts(title, text, "architecture", "fam:", "fl:")
    feats |= _counts(title, text, "domain", "mod:", "ml:")
    if extra:
        feats |= extra
    return feats


def predict_fields(title: str, text: str, read: Mapping[str, float] | None = None) -> dict[str, tuple[str, float]]:
    """Each field's most probable label and its probability, from the shipped models; with the
    reader's features (`read`), from the models trained with them."""
    feats = paper_features(title, text)
    if read:
        models = {f: load_model(f"{f}_reader") for f in FIELDS}
        return {f: decide(f, model, feats | _standardised(read, model.meta)) for f, model in models.items()}
    together = load_joint(FIELDS).probabilities(feats)  # both fields read the same features: one lookup
    return {f: decide(f, model, feats, probs) for f, model, probs in zip(FIELDS, load_joint(FIELDS).models, together)}


def _standardised(read: Mapping[str, float], meta: Mapping) -> dict[str, float]:
    """The reader's raw features on the scale the model was trained with (train mean, weight / std)."""
    mean, scale = meta["reader_mean"], meta["reader_scale"]
    return {k: (v - mean[k]) * scale[k] for k, v in read.items() if k in mean}


def decide(field: str, model: LinearModel, feats: Mapping[str, float], probs: Mapping[str, float] | None = None) -> tuple[str, float]:
    """The model's answer, or the rules' where they name a kind they are reliable on; with the
    model's probability for the answer given (`probs`: the model's, when already computed)."""
    probs = model.probabilities(feats) if probs is None else probs
    # the first that holds of: the rules' guess, the one kind the title names, the one kind the paper names (one of each a field)
    rule = next((r for prefix, kinds in _DECIDERS for r in kinds.get(field, ()) if feats.get(f"{prefix}:{field}={r}")), None)
    if rule is not None:
        return rule, probs.get(rule, 0.0)
    best = max(probs, key=probs.__getitem__)  # as `LinearModel.predict`
    return best, probs[best]


def low_confidence(answers: Mapping[str, tuple[str, float]]) -> set[str]:
    """The fields whose learned answer is less sure than the review threshold."""
    return {f for f, (_, p) in answers.items() if p < REVIEW_BELOW.get(f, 0.0)}


# --- training ---------------------------------------------------------------------------------


def _rows(examples: Sequence) -> list[dict[str, float]]:
    return [paper_features(normalize(e.paper.title).text, normalize(e.paper.abstract).text) for e in examples]


def _prune(rows: list[dict[str, float]], min_df: int = 2) -> list[dict[str, float]]:
    """Drop word features seen in fewer than `min_df` training papers: they only memorise a paper; and the
    kinds named (`tn:`, `tk:`), which `decide` reads as rules."""
    df = Counter(k for r in rows for k in r)
    return [{k: v for k, v in r.items() if (df[k] >= min_df or not k.startswith(("t:", "a:"))) and not k.startswith(("tn:", "tk:"))} for r in rows]


def fit_field(rows: list[dict[str, float]], labels: list[str], c: float, meta: dict | None = None) -> LinearModel:
    from extractor.learned.train import fit_linear

    return fit_linear(_prune(rows), labels, c=c, meta=meta, min_weight=0.01)


def accuracy(field: str, model: LinearModel, rows: Sequence[Mapping[str, float]], labels: Sequence[str]) -> float:
    return sum(decide(field, model, r)[0] == y for r, y in zip(rows, labels)) / max(len(labels), 1)


def cross_validate(field: str, rows: list[dict[str, float]], labels: list[str], c: float, folds: int = 5) -> float:
    """Accuracy of the pipeline's answer over `folds` interleaved folds (deterministic)."""
    hits = 0.0
    for k in range(folds):
        fit_idx = [i for i in range(len(rows)) if i % folds != k]
        model = fit_field([rows[i] for i in fit_idx], [labels[i] for i in fit_idx], c)
        test_idx = range(k, len(rows), folds)
        hits += accuracy(field, model, [rows[i] for i in test_idx], [labels[i] for i in test_idx]) * len(test_idx)
    return hits / len(rows)


def train(corpus, out_dir=DATA, examples: Sequence | None = None, reader=None, cache=READER_CACHE) -> dict[str, float]:
    """Fit both fields on `train` (or `examples`), save `domain.json` and `architecture.json`, and
    with a reader (for the full training set: the bundled model, if unpacked) `*_reader.json`;
    return accuracy on arxiv `dev` and `dev_gold`."""
    fit = list(examples) if examples is not None else [e for s in TRAIN_SETS for e in corpus.split(s)]
    held = {} if examples is not None else {s: corpus.split(s) for s in ("dev", "dev_gold")}
    figures = _fit_and_save(fit, held, {}, "", out_dir)
    reader = reader or (_bundled_reader() if examples is None else None)
    if reader is not None:
        papers = fit + [e for ex in held.values() for e in ex]
        read = read_cached(reader, [(_key(e), e.paper.title, e.paper.abstract) for e in papers],
                           cache, on_paper=lambda n, total: print(f"\rreading {n}/{total}", end="", flush=True))
        figures |= _fit_and_save(fit, held, {_key(e): read[_key(e)] for e in papers}, "_reader", out_dir)
    load_model.cache_clear()
    return figures


def _key(example) -> str:
    return f"{example.source}:{example.paper.id}"


def _bundled_reader():
    from extractor.backends.llama_cpp import default_model_path
    from extractor.errors import BackendError

    try:
        return Reader(default_model_path(), n_threads=2)
    except BackendError as e:
        print(f"No reader models: {e}")
        return None


def _fit_and_save(fit: list, held: dict[str, list], read: dict[str, dict[str, float]], suffix: str, out_dir) -> dict[str, float]:
    """One model per field over words and cues (and, with `suffix` "_reader", the reader's features)."""
    meta: dict = {}
    if suffix:
        vectors = [read[_key(e)] for e in fit]
        units = sorted(vectors[0], key=lambda k: int(k.split(":")[1]))
        mean = {u: sum(v[u] for v in vectors) / len(vectors) for u in units}
        std = {u: math.sqrt(sum((v[u] - mean[u]) ** 2 for v in vectors) / len(vectors)) + 1e-6 for u in units}
        meta = {"reader_mean": {u: round(mean[u], 6) for u in units},
                "reader_scale": {u: round(READER_WEIGHT / std[u], 6) for u in units}}

    def rows(examples: list) -> list[dict[str, float]]:
        base = _rows(examples)
        return [r | _standardised(read[_key(e)], meta) for r, e in zip(base, examples)] if suffix else base

    fit_rows = rows(fit)
    held_rows = {s: (ex, rows(ex)) for s, ex in held.items()}
    figures: dict[str, float] = {}
    for field in FIELDS:
        labels = [e.gold[field] for e in fit]
        model = fit_field(fit_rows, labels, C[field], {"field": field, "c": C[field], "train_papers": len(fit)})
        scores = {s: round(accuracy(field, model, r, [e.gold[field] for e in ex]), 4) for s, (ex, r) in held_rows.items()}
        model = LinearModel(model.classes, model.weights, model.bias, {**model.meta, **meta, "accuracy": scores})
        model.save(out_dir / f"{field}{suffix}.json")
        figures |= {f"{field}{suffix}_{s}": v for s, v in scores.items()}
    return figures


__all__ = ["FIELDS", "REVIEW_BELOW", "cross_validate", "decide", "low_confidence", "paper_features", "predict_fields", "train"]
