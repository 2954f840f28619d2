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
        exps = np.exp(totals - totals.max(axis=1, keepdims=True))
        return [dict(zip(self.classes, row)) for row in (exps / exps.sum(axis=1, keepdims=True)).tolist()]

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
