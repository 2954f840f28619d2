"""Which numbers are claims, and of what kind: a linear model over the wording around each number.

The rules propose every number (`find_quantities(keep_all=True)`, those they reject marked
`rule_result=False`) with a guessed label (`label_claims`). Hand rules only know the wordings they
were written for; this model, trained on the expert answers, reads the words around each number
(and the rules' own verdicts as features) and decides whether the paper reports it as a result of
its own work and which `kind` it is. The pipeline keeps the numbers it calls claims.
"""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Sequence
from dataclasses import dataclass, replace

from extractor.candidates import Quantity, find_quantities
from extractor.labels import ClaimLabel, label_claims
from extractor.learned.linear import Features, LinearModel, load_model
from extractor.learned.train import Corpus

ARTEFACT = "claims"
CLASSES = ("none", "speedup", "reduction", "improvement", "score", "other")

_SUFFIX = re.compile(r"(?<=[a-z]{3})(?:ing|ed|es|e|s)$")


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """"reduces", "reduced", "reducing", "reduce" -> "reduc": fewer, better-counted features (cached:
    the same words come back around every number)."""
    return _SUFFIX.sub("", word)


def _stems(words: str) -> frozenset[str]:
    return frozenset(stem(w) for w in words.split())


# --- keyword tables (data, not rules: each becomes a feature whose weight is learned) ------------
OWN_WORDS = _stems("we our ours us proposed propose")
PRIOR_WORDS = _stems("previous prior existing conventional traditional earlier baseline baselines standard vanilla original")
SETUP_WORDS = _stems("train dataset corpus samples examples images parameters params tokens languages tasks benchmarks models "
                     "layers hours annotated collected contains comprising consisting size")
# Word classes (stems, as `tokens` writes them) that say what a number measures; the model weighs them.
CUE_WORDS: dict[str, frozenset[str]] = {
    "speed": _stems("faster speedup speed-up speed throughput accelerat acceleration quicker fps latency wall-clock runtime "
                    "inference-time slowdown"),
    "time": _stems("latency time second hour minute ms wall-clock runtime day"),
    "cost": _stems("memory footprint storage parameter param flop compute cost token cache communication energy size "
                   "fewer less lower smaller reduc reduction sav saving compress compression cut shrink decreas only"),
    "gain": _stems("improv improvement gain outperform increas higher better boost surpass enhanc exceed beat over relative "
                   "absolute point pp lift"),
    "level": _stems("achiev reach attain obtain score accuracy top-1 f1 bleu map miou auc em record state-of-the-art sota"),
    "error": _stems("error wer cer perplexity fid loss mae rmse"),
    "budget": _stems("$ budget dollar usd gpu train training"),
    "degrade": _stems("degradation drop decline loss within only"),
    # what tells a level compared with a baseline (an improvement) from a level alone (a score)
    "compare": _stems("outperform surpass versus vs vs. against compared comparison relative beat exceed than over baseline"),
    "gap": _stems("gap lag lags behind within deviation difference"),
    "rank": _stems("rank ranks ranked place first second third fourth fifth top"),
    "overhead": _stems("overhead extra additional"),
}
# Unit words that make a bare number a percentage (SCHEMA: "pp" and "percentage points" are unit %).
_POINTS_PERCENT = re.compile(r"\s?-?(?:pp|p\.p\.|percentage[- ]points?|percent(?:age)?[- ]pts?)(?![A-Za-z])", re.I)

WINDOW = 6  # words read on each side of the number
_TOKEN = re.compile(r"[a-z][a-z0-9'\-]*|\d+(?:[.,]\d+)*|[%×$~+<>±/()]")
_CLAUSE_SEP = re.compile(r"[,;:()]|\b(?:while|whereas|but|and|which|compared)\b", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'$\\])")


@dataclass(frozen=True)
class Judged:
    """A candidate number with the model's verdict: its kind ("none" if not a claim) and confidence."""

    quantity: Quantity
    label: ClaimLabel  # the rules' label, kind replaced by the model's
    kind: str
    p_claim: float  # 1 - P(none)


# --- candidates ---------------------------------------------------------------------------------


def as_percent_points(text: str, q: Quantity) -> Quantity:
    """"2.4 percentage points", "+44pp": a bare number that is a percentage (SCHEMA, unit `%`)."""
    if q.unit == "abs" and _POINTS_PERCENT.match(text, q.end):
        return replace(q, unit="%")
    return q


def candidates(text: str) -> tuple[list[Quantity], list[ClaimLabel]]:
    """Every number the rules find, kept or not, with the rules' labels."""
    quantities = candidates_only(text)
    return quantities, label_claims(text, quantities)


def candidates_only(text: str) -> list[Quantity]:
    """Every number the rules find, kept or not (unlabelled)."""
    return [as_percent_points(text, q) for q in find_quantities(text, keep_all=True)]


# --- features -------------------------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    """Lowercased words, crudely stemmed ("outperforms" = "outperform"), and symbols; every number
    is `<n>` so no value is learned by heart."""
    return ["<n>" if t[0].isdigit() else stem(t) for t in _TOKEN.findall(text.lower())]


def _magnitude(value: float) -> str:
    if value < 1:
        return "lt1"
    return "1" if value < 2 else "2-10" if value < 10 else "10-100" if value <= 100 else "100-1k" if value < 1000 else "1k+"


def _bag(prefix: str, words: Sequence[str], bigrams: bool = True) -> dict[str, float]:
    out = {f"{prefix}:{w}": 1.0 for w in words}
    if bigrams:
        out.update({f"{prefix}{prefix}:{a}_{b}": 1.0 for a, b in zip(words, words[1:])})
    return out


def sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for m in _SENTENCE.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return spans


def features(text: str, quantities: Sequence[Quantity], labels: Sequence[ClaimLabel], i: int,
             sentences: Sequence[tuple[int, int]] | None = None, groups: frozenset[str] | None = None) -> Features:
    """What the model reads about candidate `i`: the rules' verdict and label, the number's shape,
    and the words around it (position-prefixed windows, its clause, its sentence)."""
    q, label = quantities[i], labels[i]
    sentences = sentences if sentences is not None else sentence_spans(text)
    s_index = next((k for k, (a, b) in enumerate(sentences) if a <= q.start < b + 1), len(sentences) - 1)
    s_start, s_end = sentences[s_index]
    before, after = tokens(text[s_start : q.start]), tokens(text[q.end : s_end])
    f: dict[str, float] = {"bias": 1.0}
    use = (lambda g: True) if groups is None else groups.__contains__

    if use("shape"):
        f.update({f"unit:{q.unit}": 1.0, f"bound:{q.bound}": 1.0, f"rule:{q.rule_result}": 1.0,
                  f"mag:{q.unit}:{_magnitude(q.value)}": 1.0, f"range:{q.value_max is not None}": 1.0,
                  f"fromto:{q.baseline_value is not None}": 1.0, f"dec:{q.value != int(q.value)}": 1.0,
                  f"rule_unit:{q.rule_result}:{q.unit}": 1.0})
        if q.unit == "abs" and q.value == int(q.value) and 1900 < q.value < 2100:
            f["yearlike"] = 1.0
        if q.baseline_value is not None:
            f[f"fromto_dir:{'down' if q.value < q.baseline_value else 'up'}"] = 1.0
    if use("label"):
        f.update({f"rkind:{label.kind}": 1.0, f"rdir:{label.direction}": 1.0, f"rkind_unit:{label.kind}:{q.unit}": 1.0,
                  f"rkind_rule:{label.kind}:{q.rule_result}": 1.0})
    if use("window"):
        f.update(_bag("b", before[-WINDOW:]))
        f.update(_bag("a", after[:WINDOW]))
        for k, w in enumerate(reversed(before[-3:]), start=1):
            f[f"b{k}:{w}"] = 1.0
        for k, w in enumerate(after[:3], start=1):
            f[f"a{k}:{w}"] = 1.0
        if len(before) >= 2:
            f[f"b12:{before[-2]}_{before[-1]}"] = 1.0
        if len(after) >= 2:
            f[f"a12:{after[0]}_{after[1]}"] = 1.0
    if use("cues"):
        for side, words in (("b", before[-WINDOW:]), ("a", after[:WINDOW]), ("a3", after[:3])):
            for name, cue in CUE_WORDS.items():
                if cue.intersection(words):
                    f[f"cue_{side}:{name}"] = 1.0
                    f[f"cue_{side}:{name}:{q.unit}"] = 1.0
        near = set(before[-WINDOW:] + after[:WINDOW])
        whole = set(before + after)
        for name, cue in CUE_WORDS.items():
            if cue & near:
                f[f"rk_cue:{label.kind}:{name}"] = 1.0  # the rules' kind, read with the wording that may overrule it
            if cue & whole:
                f[f"cue_s:{name}"] = 1.0
                f[f"rk_cue_s:{label.kind}:{name}"] = 1.0
        for k, w in ((1, before[-1] if before else "^"), (2, after[0] if after else "$")):
            f[f"unit_{'b' if k == 1 else 'a'}1:{q.unit}:{w}"] = 1.0
    if use("clause"):
        lo = max([s_start] + [m.end() + s_start for m in _CLAUSE_SEP.finditer(text[s_start : q.start])])
        m = _CLAUSE_SEP.search(text, q.end, s_end)
        f.update(_bag("c", tokens(text[lo : q.start]) + tokens(text[q.end : m.start() if m else s_end]), bigrams=False))
    if use("sentence"):
        words = set(tokens(text[s_start:s_end]))
        f.update(_bag("s", sorted(words), bigrams=False))
        flags = {"own": words & OWN_WORDS, "prior": words & PRIOR_WORDS, "prior_before": set(before[-WINDOW:]) & PRIOR_WORDS,
                 "setup_near": set(before[-3:] + after[:3]) & SETUP_WORDS}
        f.update({name: 1.0 for name, hit in flags.items() if hit})
    if use("position"):
        f[f"first:{s_index == 0}"] = 1.0
        f[f"last:{s_index == len(sentences) - 1}"] = 1.0
        f[f"sentpos:{min(4, int(5 * s_index / max(1, len(sentences))))}"] = 1.0
        same = [o for o in quantities if s_start <= o.start < s_end]
        f[f"nums_in_sentence:{min(len(same), 4)}"] = 1.0
        f[f"nums_in_paper:{min(len(quantities) // 3, 4)}"] = 1.0
        f[f"rule_in_sentence:{min(sum(o.rule_result for o in same), 3)}"] = 1.0
    return f


def paper_features(text: str, groups: frozenset[str] | None = None) -> tuple[list[Quantity], list[ClaimLabel], list[Features]]:
    """Candidates, their rule labels and their features for one clean abstract."""
    quantities, labels = candidates(text)
    sentences = sentence_spans(text)
    return quantities, labels, [features(text, quantities, labels, i, sentences, groups) for i in range(len(quantities))]


# --- prediction -------------------------------------------------------------------------------------

KIND_ARTEFACT = "claims_kind"
# Used only when an artefact's meta lacks them; `train` chooses them by 5-fold cross-validation on train.
DEFAULT_CHOICE = {"drop": 0.8, "add": 0.7, "kind_confidence": 0.0}


@dataclass(frozen=True)
class Models:
    """The claims filter (is the number a claim, and P(none)) and the kind model (which kind, for a claim),
    with the thresholds that join them to the rules (in the filter's meta)."""

    filter: LinearModel
    kind: LinearModel

    @property
    def choice(self) -> dict[str, float]:
        return {k: float(self.filter.meta.get(k, v)) for k, v in DEFAULT_CHOICE.items()}


def load_models() -> Models:
    return Models(load_model(ARTEFACT), load_model(KIND_ARTEFACT))


def kind_features(f: Features, rule_kind: str, unit: str) -> Features:
    """The kind model reads what the filter reads plus the rules-alone kind (labelled among the numbers
    the rules accept, as `extract --no-model` labels them)."""
    return {**f, f"akind:{rule_kind}": 1.0, f"akind_unit:{rule_kind}:{unit}": 1.0}


def consistent_direction(kind: str, rule: ClaimLabel) -> str:
    """SCHEMA's direction for a kind: a reduction is a decrease; the rest keep the rules' reading."""
    if kind == "reduction":
        return "decrease"
    return rule.direction


def decide(p_none: float, kind_probs: dict[str, float], rule_result: bool, rule_kind: str, choice: dict[str, float]) -> str:
    """The kind, or "none". A number the rules accept stays unless P(none) exceeds `drop`; one they reject
    joins only when P(claim) exceeds `add`. Its kind is the kind model's when that is at least
    `kind_confidence` sure, else the rules'."""
    keep = p_none <= choice["drop"] if rule_result else 1.0 - p_none > choice["add"]
    if not keep:
        return "none"
    best = max(kind_probs, key=lambda k: kind_probs[k])
    return best if kind_probs[best] >= choice["kind_confidence"] else rule_kind


def rule_kinds(text: str, quantities: Sequence[Quantity], labels: Sequence[ClaimLabel]) -> list[str]:
    """The rules-alone kind of each candidate: labelled among the accepted numbers only (list members
    inherit from their neighbours), the rest as labelled among all candidates."""
    return _kinds_alone(quantities, labels, *_accepted(text, quantities, labels))


def _accepted(text: str, quantities: Sequence[Quantity], labels: Sequence[ClaimLabel]) -> tuple[list[Quantity], list[ClaimLabel]]:
    """The numbers the rules accept, labelled among themselves (the labelling of all, when they are all)."""
    accepted = [q for q in quantities if q.rule_result]
    return accepted, labelled(text, accepted, (quantities, labels))


def _kinds_alone(quantities: Sequence[Quantity], labels: Sequence[ClaimLabel], accepted: Sequence[Quantity],
                 accepted_labels: Sequence[ClaimLabel]) -> list[str]:
    alone = dict(zip(map(id, accepted), accepted_labels))
    return [alone[id(q)].kind if id(q) in alone else label.kind for q, label in zip(quantities, labels)]


def labelled(text: str, numbers: Sequence[Quantity], *known: tuple[Sequence[Quantity], Sequence[ClaimLabel]]) -> list[ClaimLabel]:
    """`label_claims(text, numbers)`, or a labelling in `known` made of these very numbers: a paper's
    three labellings (every candidate, those the rules accept, those kept) are mostly the same list."""
    for done, labels in known:
        if len(done) == len(numbers) and all(a is b for a, b in zip(done, numbers)):
            return list(labels)
    return label_claims(text, list(numbers))


def judge(text: str, models: Models | None = None) -> list[Judged]:
    """Every candidate number of a clean abstract with the models' verdict."""
    models = models or load_models()
    choice = models.choice
    quantities, labels, rows = paper_features(text)
    accepted, accepted_labels = _accepted(text, quantities, labels)
    kinds = _kinds_alone(quantities, labels, accepted, accepted_labels)
    p_nones = [p.get("none", 0.0) for p in models.filter.probabilities_many(rows)]
    p_kinds = models.kind.probabilities_many([kind_features(f, rk, q.unit) for q, rk, f in zip(quantities, kinds, rows)])
    out_kinds = [decide(p_none, p_kind, q.rule_result, rk, choice) for q, rk, p_none, p_kind in zip(quantities, kinds, p_nones, p_kinds)]
    p_claims = [1.0 - p_none for p_none in p_nones]
    kept = [q for q, kind in zip(quantities, out_kinds) if kind != "none"]
    final = dict(zip(map(id, kept), labelled(text, kept, (accepted, accepted_labels), (quantities, labels))))  # metric and baseline read as among the claims only
    out = []
    for q, label, kind, p_claim in zip(quantities, labels, out_kinds, p_claims):
        rule = final.get(id(q), label)
        out.append(Judged(q, ClaimLabel(kind, consistent_direction(kind, rule), rule.metric, rule.baseline), kind, p_claim))
    return out


def predict_claims(text: str, models: Models | None = None) -> tuple[list[Quantity], list[ClaimLabel]]:
    """The numbers judged claims, with their labels (kind from the models): what the pipeline keeps."""
    models = models or load_models()
    if rules_decide(models.choice):
        return rules_alone(text)
    kept = [j for j in judge(text, models) if j.kind != "none"]
    return [j.quantity for j in kept], [j.label for j in kept]


def rules_decide(choice: dict[str, float]) -> bool:
    """Whether thresholds leave the models nothing to decide: a probability is at most 1, so with drop
    and add at 1 `decide` keeps exactly the numbers the rules accept, and above 1 no kind is sure enough."""
    return choice["drop"] >= 1.0 and choice["add"] >= 1.0 and choice["kind_confidence"] > 1.0


def rules_alone(text: str) -> tuple[list[Quantity], list[ClaimLabel]]:
    """What `judge` keeps when the rules decide (`rules_decide`), without building the features the
    models would read: the accepted candidates, labelled among themselves."""
    accepted = [q for q in candidates_only(text) if q.rule_result]
    kept = [(q, label) for q, label in zip(accepted, label_claims(text, accepted)) if label.kind != "none"]
    return [q for q, _ in kept], [ClaimLabel(label.kind, consistent_direction(label.kind, label), label.metric, label.baseline)
                                  for _, label in kept]


def train(corpus: Corpus, **options) -> dict[str, float]:
    """Fit both models on `train`, choose the thresholds by 5-fold cross-validation (`claims_fit`)."""
    from extractor.learned.claims_fit import train_claims
    return train_claims(corpus, **options)


__all__ = ["ARTEFACT", "CLASSES", "KIND_ARTEFACT", "Judged", "Models", "candidates", "decide", "features", "judge",
           "kind_features", "labelled", "load_models", "predict_claims", "rule_kinds", "rules_alone", "rules_decide", "tokens", "train"]
