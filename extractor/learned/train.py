"""Fit every learned component from the expert answers and write `extractor/data/*.json`.

    python -m extractor.learned.train           # what `make train` runs; prints the dev figures

Trained on the `train` split of arxiv_gold (plus the project's own answers for listing papers),
chosen on `dev`; `test` is never read here. Fixed seeds: the same corpus gives the same files.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from extractor.learned.linear import DATA, Features, LinearModel

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


def fit_linear(rows: Sequence[Features], labels: Sequence[str], c: float = 1.0, class_weight: str | None = None,
               meta: dict | None = None, min_weight: float = 1e-3) -> LinearModel:
    """Logistic regression (scikit-learn, fixed seed) over dict features, exported as a LinearModel."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform(rows)
    clf = LogisticRegression(C=c, class_weight=class_weight, max_iter=2000, random_state=0)
    clf.fit(x, labels)
    classes = tuple(str(k) for k in clf.classes_)
    coef, bias = clf.coef_, clf.intercept_
    if len(classes) == 2:  # binary: one row of weights for the second class; the first gets zeros
        coef = [[0.0] * coef.shape[1], list(coef[0])]
        bias = [0.0, float(bias[0])]
    else:
        coef, bias = [list(r) for r in coef], [float(b) for b in bias]
    weights = {}
    for j, name in enumerate(vec.feature_names_):
        row = tuple(round(float(coef[k][j]), 4) for k in range(len(classes)))
        if max(abs(w) for w in row) >= min_weight:
            weights[name] = row
    return LinearModel(classes, weights, tuple(round(b, 4) for b in bias), meta or {})


def load_jsonl(path: Path) -> dict[str, dict]:
    return {r["id"]: r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines()) if r}


__all__ = ["DATA", "SHARED", "fit_linear", "load_jsonl"]
