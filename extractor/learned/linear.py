"""A small trained linear classifier, stored as JSON: named features -> class probabilities.

Every learned component (paper fields, which numbers are claims) is one of these. Inference is
plain Python over a sparse dict of features, so the runtime needs no scikit-learn; `extractor.learned.train`
fits them (with scikit-learn, the `train` extra) and writes the JSON files under `extractor/data/`.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

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
        totals = list(self.bias)
        for name, value in features.items():
            row = self.weights.get(name)
            if row is not None and value:
                for k, w in enumerate(row):
                    totals[k] += w * value
        top = max(totals)
        exps = [math.exp(t - top) for t in totals]
        norm = sum(exps)
        return {c: e / norm for c, e in zip(self.classes, exps)}

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
