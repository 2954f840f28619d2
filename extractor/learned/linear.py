"""A small trained linear classifier, stored as JSON: named features -> class probabilities.

Every learned component (paper fields, which numbers are claims) is one of these. Inference is one
numpy product over a sparse dict of features (a paper's candidates in one batch), so the runtime
needs no scikit-learn; `extractor.learned.train` fits them (with scikit-learn, the `train` extra)
and writes the JSON files under `extractor/data/`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

DATA = Path(__file__).parent.parent / "data"

Features = Mapping[str, float]


@dataclass(frozen=True)
class LinearModel:
    """Multinomial logistic regression: one weight per (class, feature) plus a bias per class."""

    classes: tuple[str, ...]
    weights: dict[str, tuple[float, ...]]  # feature -> one weight per class
    bias: tuple[float, ...]
    meta: dict  # how it was trained and what it scored on dev

    def probabilities(self, features: Features) -> dict[str, float]:
        """Softmax over the classes; unknown features are ignored."""
        return self.probabilities_many([features])[0]

    def probabilities_many(self, many: Sequence[Features]) -> list[dict[str, float]]:
        """`probabilities` of each feature set, in one matrix product (a paper's candidates at once)."""
        if not many:
            return []
        return _softmax(self.classes, self._two_class_totals(many) if len(self.classes) == 2 else self._totals(many))

    def _totals(self, many: Sequence[Features]) -> np.ndarray:
        """Each feature set's class totals: the bias, then each known feature's weights times its value, added in order."""
        index, matrix = self._matrix
        rows: list[int] = []
        values: list[float] = []
        owner: list[int] = []
        for k, features in enumerate(many):
            known = list(filter(index.__contains__, features))  # (in C: a Python loop here was most of the cost)
            rows.extend(map(index.__getitem__, known))
            values.extend(map(features.__getitem__, known))
            owner.extend([k] * len(known))
        totals = np.tile(np.asarray(self.bias), (len(many), 1))
        if rows:
            np.add.at(totals, owner, np.asarray(values)[:, None] * matrix[rows])
        return totals

    def _two_class_totals(self, many: Sequence[Features]) -> np.ndarray:
        """`_totals` of a two-class model in plain Python: the same float64 products and sums in the same
        order (the same bits), without numpy's cost per call, which was most of it for a paper's rows."""
        weights = self.weights
        out = []
        for features in many:
            t0, t1 = self.bias
            for name, value in features.items():
                w = weights.get(name)
                if w is not None:
                    t0 += value * w[0]
                    t1 += value * w[1]
            out.append((t0, t1))
        return np.array(out, dtype=float)

    @cached_property
    def _matrix(self) -> tuple[dict[str, int], np.ndarray]:
        """The weights as one matrix (a row per feature): a paper's scores are one product, not a Python loop."""
        return {name: i for i, name in enumerate(self.weights)}, np.array(list(self.weights.values()), dtype=float).reshape(-1, len(self.classes))

    def predict(self, features: Features) -> tuple[str, float]:
        """The most probable class and its probability (the answer's confidence)."""
        probs = self.probabilities(features)
        best = max(probs, key=lambda c: probs[c])
        return best, probs[best]

    def to_json(self) -> dict:
        return {"classes": list(self.classes), "bias": list(self.bias), "meta": self.meta,
                "weights": {name: list(row) for name, row in sorted(self.weights.items())}}

    @classmethod
    def from_json(cls, data: dict) -> LinearModel:
        return cls(tuple(data["classes"]), {k: tuple(v) for k, v in data["weights"].items()}, tuple(data["bias"]),
                   data.get("meta", {}))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), separators=(",", ":")) + "\n", encoding="utf-8")


def _softmax(classes: Sequence[str], totals: np.ndarray) -> list[dict[str, float]]:
    """Each row of class totals as probabilities."""
    exps = np.exp(totals - totals.max(axis=1, keepdims=True))
    return [dict(zip(classes, row)) for row in (exps / exps.sum(axis=1, keepdims=True)).tolist()]


class Joint:
    """Models that read the same features, scored together: one lookup of the features and one
    product over their weights side by side (zero where a model lacks a feature, and adding 0.0
    changes no sum), each model's totals added in the features' order as `probabilities` adds
    them, so the answers are the same to the last bit."""

    def __init__(self, models: Sequence[LinearModel]) -> None:
        self.models = tuple(models)
        names = list(dict.fromkeys(name for model in self.models for name in model.weights))
        self.index = {name: i for i, name in enumerate(names)}
        absent = [(0.0,) * len(model.classes) for model in self.models]
        self.matrix = np.array([[w for model, zero in zip(self.models, absent) for w in model.weights.get(name, zero)] for name in names],
                               dtype=float).reshape(len(names), -1)
        self.bias = np.array([b for model in self.models for b in model.bias], dtype=float)
        self.ends = np.cumsum([len(model.classes) for model in self.models])

    def probabilities(self, features: Features) -> list[dict[str, float]]:
        """Each model's `probabilities` of one feature set."""
        known = list(filter(self.index.__contains__, features))
        rows = np.fromiter(map(self.index.__getitem__, known), dtype=np.intp, count=len(known))  # (cheaper than a list index)
        terms = np.fromiter(map(features.__getitem__, known), dtype=float, count=len(known))[:, None] * self.matrix.take(rows, axis=0)
        totals = np.add.reduce(np.vstack((self.bias, terms)), axis=0)  # row by row, in order (over 2+ columns numpy adds no other way)
        return [_softmax(model.classes, np.ascontiguousarray(totals[None, end - len(model.classes) : end]))[0]
                for model, end in zip(self.models, self.ends)]


def load_joint(names: tuple[str, ...]) -> Joint:
    """Shipped artefacts that read the same features, scored together (`Joint`); built again when
    `load_model` gives other models (retrained, its cache cleared)."""
    joint = _joint(names)
    if any(model is not load_model(name) for model, name in zip(joint.models, names)):
        _joint.cache_clear()
        joint = _joint(names)
    return joint


@lru_cache(maxsize=None)
def _joint(names: tuple[str, ...]) -> Joint:
    return Joint([load_model(name) for name in names])


@lru_cache(maxsize=1)
def artefacts_digest() -> str:
    """A short hash of every shipped artefact: retrained models change answers, so they change the resume key."""
    digest = hashlib.sha256()
    for path in sorted(DATA.glob("*.json")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


@lru_cache(maxsize=None)
def load_model(name: str) -> LinearModel:
    """A trained artefact shipped in `extractor/data/NAME.json` (rebuilt by `make train`)."""
    path = DATA / f"{name}.json"
    return LinearModel.from_json(json.loads(path.read_text(encoding="utf-8")))
