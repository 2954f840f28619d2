"""Training the claims models: the filter, the kind model, and the thresholds that join them to the rules.

The thresholds (`drop`, `add`, `kind_confidence`, see `claims.decide`) are chosen by 5-fold
cross-validation over the train split, grouped by paper: each fold's models are fitted on the other
four and judge its papers; the choice maximises the sum of the scorer's claims, claims_kind and
speedup F1 over those out-of-fold verdicts. Dev and dev_gold are only reported, never used to choose.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from extractor.candidates import Quantity
from extractor.evaluate import match_claims, prf, values_close
from extractor.learned.claims import ARTEFACT, KIND_ARTEFACT, Models, decide, kind_features, paper_features, rule_kinds
from extractor.learned.linear import DATA, Features, LinearModel, load_model
from extractor.learned.train import Corpus, Example, fit_linear
from extractor.normalize import Normalized, normalize

C = 0.3  # regularisation of both models (chosen earlier by 5-fold CV for the filter)
FOLDS = 5
DROP_GRID = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)  # 1.0: the rules' numbers always stay
ADD_GRID = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)  # 1.0: no number the rules reject is added
KIND_GRID = (0.0, 0.5, 0.6, 0.7, 1.01)  # 1.01: the rules' kind always


@dataclass
class _Paper:
    """One answered paper, read once: its candidates, features, rules' kinds, gold kinds and gold claims."""

    quantities: list[Quantity]
    rows: list[Features]
    kind_rows: list[Features]
    rule_kinds: list[str]
    kinds: list[str]  # gold kind of each candidate, "none" if it matches no gold claim
    gold: list[dict]


def gold_kinds(raw: str, norm: Normalized, quantities: Sequence[Quantity], gold: Sequence[dict]) -> list[str]:
    """Each candidate's gold kind, or "none": matched as the scorer matches (value within 1 %, same unit),
    preferring the candidate that lies inside the gold claim's evidence when a value occurs twice."""
    kinds = ["none"] * len(quantities)
    for g in gold:
        free = [k for k, q in enumerate(quantities) if kinds[k] == "none" and q.unit == g["unit"] and values_close(q.value, g["value"])]
        if not free:
            continue
        at = raw.find(g.get("evidence") or "\0")
        inside = [k for k in free if at >= 0 and at <= norm.raw_span(quantities[k].start, quantities[k].end)[0] < at + len(g["evidence"])]
        kinds[(inside or free)[0]] = g["kind"]
    return kinds


def read_papers(examples: Sequence[Example]) -> list[_Paper]:
    out = []
    for e in examples:
        norm = normalize(e.paper.abstract)
        quantities, labels, rows = paper_features(norm.text)
        rks = rule_kinds(norm.text, quantities, labels)
        kind_rows = [kind_features(f, rk, q.unit) for f, rk, q in zip(rows, rks, quantities)]
        out.append(_Paper(quantities, rows, kind_rows, rks, gold_kinds(e.paper.abstract, norm, quantities, e.gold["claims"]), e.gold["claims"]))
    return out


def _fit(rows: list[Features], labels: list[str], meta: dict | None = None) -> LinearModel:
    model = fit_linear(rows, labels, c=C, meta=meta, min_weight=0.02)  # small weights change little; the file stays small
    return replace(model, weights={k: tuple(round(w, 3) for w in row) for k, row in model.weights.items()})


def fit(papers: Sequence[_Paper], meta: dict | None = None) -> Models:
    """The filter on every candidate (gold kind or none); the kind model on the candidates that are claims."""
    filt = _fit([f for p in papers for f in p.rows], [k for p in papers for k in p.kinds], meta)
    pairs = [(f, k) for p in papers for f, k in zip(p.kind_rows, p.kinds) if k != "none"]
    kind = _fit([f for f, _ in pairs], [k for _, k in pairs])
    return Models(filt, kind)


Verdicts = list[list[tuple[float, dict[str, float]]]]  # per paper, per candidate: P(none), kind probabilities


def verdicts(models: Models, papers: Sequence[_Paper]) -> Verdicts:
    return [[(models.filter.probabilities(f).get("none", 0.0), models.kind.probabilities(kf)) for f, kf in zip(p.rows, p.kind_rows)]
            for p in papers]


def figures(papers: Sequence[_Paper], judged: Verdicts, choice: dict[str, float]) -> dict[str, float]:
    """The scorer's claim figures (claims, claims_kind, speedup F1) for the choices made with `choice`."""
    counts = {name: [0, 0, 0] for name in ("claims", "claims_kind", "speedup")}
    for p, v in zip(papers, judged):
        pred = [{"value": q.value, "unit": q.unit, "kind": kind}
                for q, rk, (p_none, kp) in zip(p.quantities, p.rule_kinds, v)
                if (kind := decide(p_none, kp, q.rule_result, rk, choice)) != "none"]
        for name, need_kind, only in (("claims", False, None), ("claims_kind", True, None), ("speedup", True, "speedup")):
            pc = [c for c in pred if only is None or c["kind"] == only]
            gc = [c for c in p.gold if only is None or c["kind"] == only]
            tp = len(match_claims(pc, gc, need_kind))
            counts[name] = [counts[name][0] + tp, counts[name][1] + len(pc) - tp, counts[name][2] + len(gc) - tp]
    out = {}
    for name, (tp, fp, fn) in counts.items():
        p, r, f1 = prf(tp, fp, fn)
        out.update({f"{name}_f1": round(f1, 4), **({f"{name}_p": round(p, 4), f"{name}_r": round(r, 4)} if name == "claims" else {})})
    return out


def _objective(fig: dict[str, float]) -> float:
    return fig["claims_f1"] + fig["claims_kind_f1"] + fig["speedup_f1"]


def cross_validated(papers: Sequence[_Paper], folds: int = FOLDS) -> Verdicts:
    """Out-of-fold verdicts for every train paper (fold = position mod `folds`, so grouped by paper)."""
    out: Verdicts = [[] for _ in papers]
    for j in range(folds):
        models = fit([p for k, p in enumerate(papers) if k % folds != j])
        held = [k for k in range(len(papers)) if k % folds == j]
        for k, v in zip(held, verdicts(models, [papers[k] for k in held])):
            out[k] = v
    return out


def choose(papers: Sequence[_Paper], judged: Verdicts, folds: int = FOLDS) -> tuple[dict[str, float], dict[str, float]]:
    """The thresholds closest to the rules alone (drop, add, kind_confidence high first) whose summed F1 on
    the out-of-fold verdicts is within one standard error (across folds) of the best: differences smaller
    than that are noise, and the rules' own choices are the safer default. Returns the choice and its figures."""
    grid = [{"drop": d, "add": a, "kind_confidence": k}
            for d, a, k in itertools.product(sorted(DROP_GRID, reverse=True), sorted(ADD_GRID, reverse=True), sorted(KIND_GRID, reverse=True))]
    figs = [figures(papers, judged, choice) for choice in grid]
    best = max(range(len(grid)), key=lambda i: _objective(figs[i]))
    per_fold = [_objective(figures([papers[k] for k in range(len(papers)) if k % folds == j],
                                   [judged[k] for k in range(len(papers)) if k % folds == j], grid[best])) for j in range(folds)]
    se = statistics.stdev(per_fold) / math.sqrt(folds)
    pick = next(i for i in range(len(grid)) if _objective(figs[i]) >= _objective(figs[best]) - se)
    return {**grid[pick]}, {**figs[pick], "best_objective": round(_objective(figs[best]), 4), "se": round(se, 4)}


def train_claims(corpus: Corpus, path: Path | None = None, limit: int | None = None, folds: int = FOLDS) -> dict[str, float]:
    """Fit on `train`, choose the thresholds by cross-validation on train, save both artefacts (the
    filter's meta holds the thresholds and the figures), return the CV, dev and dev_gold figures."""
    from threadpoolctl import threadpool_limits  # comes with scikit-learn, the training extra

    train_papers = read_papers(corpus.split("train")[:limit])
    dev, dev_gold = read_papers(corpus.split("dev")), read_papers(corpus.split("dev_gold"))
    with threadpool_limits(1):  # BLAS threads fighting over a shared CPU make each fit 10x slower
        choice, cv = choose(train_papers, cross_validated(train_papers, folds), folds)
        models = fit(train_papers)
    meta = {"c": C, **choice, "train_papers": len(train_papers), "cv_train": cv,
            "dev": figures(dev, verdicts(models, dev), choice), "dev_gold": figures(dev_gold, verdicts(models, dev_gold), choice)}
    target = path or DATA / f"{ARTEFACT}.json"
    replace(models.filter, meta=meta).save(target)
    replace(models.kind, meta={"c": C, "of": ARTEFACT}).save(target.with_name(f"{KIND_ARTEFACT}.json") if path else DATA / f"{KIND_ARTEFACT}.json")
    load_model.cache_clear()
    return {**choice, **{f"cv_{k}": v for k, v in cv.items()}, **{f"dev_{k}": v for k, v in meta["dev"].items()},
            **{f"devgold_{k}": v for k, v in meta["dev_gold"].items()}}


__all__ = ["choose", "cross_validated", "figures", "fit", "gold_kinds", "read_papers", "train_claims", "verdicts"]
