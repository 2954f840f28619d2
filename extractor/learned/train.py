"""Fit every learned component from the expert answers and write `extractor/data/*.json`.

    python -m extractor.learned.train           # what `make train` runs; prints the dev figures

Trained on the `train` split of arxiv_gold plus the project's own answers for listing papers
(`tests/data/own_answers.jsonl`), chosen on arxiv_gold `dev` and `dev_gold.jsonl`; `test` is never
read here. A component may also fit on `own_arxiv`, the project's own answers for 350 other arXiv
papers (`tests/data/own_arxiv_answers.jsonl`, labelled per `eval/LABELING.md`), where that wins. Fixed seeds: the same corpus gives the same files.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from extractor.evaluate import load_records
from extractor.learned.linear import DATA, Features, LinearModel
from extractor.schema import Paper

ROOT = Path(__file__).resolve().parents[2]
# The shared answer sets sit next to the checkout (`../shared/data`), or further up for a git worktree.
SHARED = next((p / "shared" / "data" for p in ROOT.parents if (p / "shared" / "data").is_dir()), ROOT.parent / "shared" / "data")
# Each component module has `train(corpus: Corpus) -> dict[str, float]`: it fits, saves, returns dev figures.
COMPONENTS: tuple[str, ...] = ("claims", "names", "task", "fields")


@dataclass(frozen=True)
class Example:
    """A paper with its expert answer; `source` says which answer set it came from."""

    paper: Paper
    gold: dict
    source: str  # "arxiv" | "own" | "dev_gold"


class Corpus:
    """The answer sets by role: `train` (and `own_arxiv`) to fit, `dev` and `dev_gold` to choose; never `test`."""

    def __init__(self, shared: Path = SHARED, root: Path = ROOT) -> None:
        self.shared, self.root = shared, root

    def split(self, name: str) -> list[Example]:
        if name == "test":
            raise ValueError("training never reads the test split")
        if name == "dev_gold":
            return self._examples(self.shared / "papers.jsonl", self.shared / "dev_gold.jsonl", "dev_gold")
        if name == "own_arxiv":
            return self._examples(self.shared / "arxiv_sample.jsonl", self.root / "tests/data/own_arxiv_answers.jsonl", "own")
        ids = json.loads((self.shared / "arxiv_gold_split.json").read_text(encoding="utf-8"))[name]
        examples = self._examples(self.shared / "arxiv_sample.jsonl", self.shared / "arxiv_gold.jsonl", "arxiv", set(ids))
        if name == "train":
            examples += self._examples(self.shared / "papers.jsonl", self.root / "tests/data/own_answers.jsonl", "own")
        return examples

    @staticmethod
    def _examples(papers: Path, gold: Path, source: str, ids: set[str] | None = None) -> list[Example]:
        answers = load_records(gold)
        wanted = sorted(answers if ids is None else ids & set(answers))
        records = load_records(papers)
        return [Example(Paper(id=i, title=records[i]["title"], abstract=records[i]["abstract"]), answers[i], source)
                for i in wanted]


def fit_linear(rows: Sequence[Features], labels: Sequence[str], c: float = 1.0, class_weight: str | None = None,
               meta: dict | None = None, min_weight: float = 1e-3) -> LinearModel:
    """Logistic regression (scikit-learn, fixed seed) over dict features, exported as a LinearModel."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    vec = DictVectorizer()
    x = vec.fit_transform(rows)
    clf = LogisticRegression(C=c, class_weight=class_weight, max_iter=3000, random_state=0)
    with threadpool_limits(1):  # BLAS threads on a busy 2-core machine made fits ten times slower
        clf.fit(x, labels)
    classes = tuple(str(k) for k in clf.classes_)
    coef, bias = clf.coef_, clf.intercept_
    if len(classes) == 2:  # binary: one row of weights for the second class; the first gets zeros
        rows_w, biases = [[0.0] * coef.shape[1], list(coef[0])], [0.0, float(bias[0])]
    else:
        rows_w, biases = [list(r) for r in coef], [float(b) for b in bias]
    weights = {}
    for j, name in enumerate(vec.feature_names_):
        row = tuple(round(float(rows_w[k][j]), 4) for k in range(len(classes)))
        if max(abs(w) for w in row) >= min_weight:
            weights[name] = row
    return LinearModel(classes, weights, tuple(round(b, 4) for b in biases), meta or {})


def main(argv: Sequence[str] = ()) -> int:
    """Train the named components (default: all) and print each one's dev figures."""
    corpus = Corpus()
    for name in argv or COMPONENTS:
        figures = importlib.import_module(f"extractor.learned.{name}").train(corpus)
        print(name, " ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


__all__ = ["DATA", "Corpus", "Example", "fit_linear"]
