"""Score extraction records against gold answers, with exactly the figures of the reference scorer.

The reference is `eval/score.py` next to SCHEMA.md. It is not shipped with the tool, so its logic
is restated here; tests run both on the same files and require every figure to be equal. Where the
reference would crash on a malformed prediction (a number where a list belongs, say) this module
treats the value as missing instead.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from extractor.errors import InputError

HEADLINE = (
    "claims_f1",
    "claims_kind_f1",
    "speedup_f1",
    "code_url_f1",
    "introduced_f1",
    "architecture_acc",
    "domain_acc",
    "task_acc@0.5",
)
LABEL_FIELDS = ("kind", "direction", "bound")


def load_records(path: str | Path) -> dict[str, dict]:
    """Read a JSONL file of records keyed by `id`; a later record with the same id wins, as in score.py."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise InputError(f"{path}: cannot read the file ({e.strerror or e}); check the path.") from e
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 text ({e.reason}); save the file as UTF-8 JSONL.") from e
    records: dict[str, dict] = {}
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line:
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(
                f"{path}:{number}: not valid JSON ({e.msg} at column {e.colno}); "
                "each line must be one JSON object."
            ) from e
        if not isinstance(record, dict) or "id" not in record:
            raise InputError(f'{path}:{number}: expected a JSON object with an "id" field on each line.')
        records[record["id"]] = record
    return records


# --- the reference scorer's normalisations -------------------------------------------------------


def norm_url(url: Any) -> str | None:
    """URLs match ignoring whitespace, case, the scheme, `www.`, trailing punctuation and `{...}` residue."""
    if not url or not isinstance(url, str):
        return None
    url = re.sub(r"\s+", "", url).rstrip(".,);]}").lower()
    url = re.sub(r"\{.*$", "", url)
    url = re.sub(r"^https?:/*(www\.)?", "", url)
    return url.rstrip("/")


def norm_name(name: Any) -> str:
    """Names match ignoring case, spaces, hyphens and punctuation ("Nugget 2D" == "Nugget2D")."""
    return re.sub(r"[\W_]+", "", _text(name).lower())


def token_f1(a: Any, b: Any) -> float:
    """Token-multiset F1 of two short phrases: how tasks and metric names are compared."""
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return 0.0
    common, left = 0, list(tb)
    for token in ta:
        if token in left:
            left.remove(token)
            common += 1
    if common == 0:
        return 0.0
    p, r = common / len(ta), common / len(tb)
    return 2 * p * r / (p + r)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1; nothing predicted and nothing expected counts as perfect."""
    p = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def values_close(a: Any, b: Any) -> bool:
    """Claim values match within 1% of the gold value (at least 0.01)."""
    try:
        x, y = float(a), float(b)
    except (TypeError, ValueError):
        return False
    return abs(x - y) <= max(0.01, 0.01 * abs(y))


def match_claims(pred: list[dict], gold: list[dict], need_kind: bool = False) -> list[tuple[dict, dict]]:
    """Greedy one-to-one matching on value and unit (and kind): each gold claim takes the first free prediction."""
    used: set[int] = set()
    pairs: list[tuple[dict, dict]] = []
    for g in gold:
        for index, c in enumerate(pred):
            if index in used:
                continue
            if (
                values_close(c.get("value"), g["value"])
                and c.get("unit") == g["unit"]
                and (not need_kind or c.get("kind") == g["kind"])
            ):
                used.add(index)
                pairs.append((c, g))
                break
    return pairs


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _tokens(value: Any) -> tuple[str, ...]:
    return _words(_text(value))


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    """Cached: the task ranker compares every pair of a paper's candidate phrases."""
    return tuple(re.findall(r"[a-z0-9]+", text.lower()))


def _members(value: Any) -> list:
    # score.py iterates whatever it finds (`x or []`); values it cannot iterate count as empty here.
    return list(value) if value and isinstance(value, (list, str, dict)) else []


def _claims(record: dict) -> list[dict]:
    return [c for c in _members(record.get("claims")) if isinstance(c, dict)]


def _task_options(gold: dict) -> list[str]:
    return [gold["task"], *gold.get("task_alternatives", [])]


def _resolve_ids(gold: dict[str, dict], ids: Iterable[str] | None) -> list[str]:
    # Sorted like score.py: float sums depend on the order of their terms.
    chosen = sorted(gold) if ids is None else sorted(set(ids) & set(gold))
    if not chosen:
        raise InputError("No gold answers to score: the gold file is empty or none of the chosen ids are in it.")
    return chosen


# --- scoring ---------------------------------------------------------------------------------------


def score(
    pred: dict[str, dict],
    gold: dict[str, dict],
    ids: Iterable[str] | None = None,
    papers: dict[str, dict] | None = None,
) -> dict[str, float | int]:
    """All of score.py's metrics, in its order; `overall` is the mean of HEADLINE.

    `ids` limits scoring to those gold papers (unknown ids are ignored, as with --ids);
    `papers` (id -> record with `abstract`) makes `evidence_grounded` check evidence is verbatim.
    """
    chosen = _resolve_ids(gold, ids)
    n = len(chosen)
    get = {i: pred.get(i) or {} for i in chosen}
    m: dict[str, float | int] = {"papers": n, "missing": sum(i not in pred for i in chosen)}
    m["architecture_acc"] = sum(get[i].get("architecture") == gold[i]["architecture"] for i in chosen) / n
    m["domain_acc"] = sum(get[i].get("domain") == gold[i]["domain"] for i in chosen) / n
    task_scores = [max(token_f1(get[i].get("task"), t) for t in _task_options(gold[i])) for i in chosen]
    m["task_tokenf1"] = sum(task_scores) / n
    m["task_acc@0.5"] = sum(s >= 0.5 for s in task_scores) / n

    tp = fp = fn = 0
    for i in chosen:
        pu, gu = norm_url(get[i].get("code_url")), norm_url(gold[i]["code_url"])
        if pu and gu and pu == gu:
            tp += 1
        else:
            fp += bool(pu)
            fn += bool(gu)
    m["code_url_p"], m["code_url_r"], m["code_url_f1"] = prf(tp, fp, fn)

    tp = fp = fn = 0
    for i in chosen:
        ps = {norm_name(s) for s in _members(get[i].get("introduced")) if isinstance(s, str)}
        gs = {norm_name(s) for s in gold[i]["introduced"]}
        tp, fp, fn = tp + len(ps & gs), fp + len(ps - gs), fn + len(gs - ps)
    m["introduced_p"], m["introduced_r"], m["introduced_f1"] = prf(tp, fp, fn)

    all_pairs: list[tuple[dict, dict]] = []
    for label, need_kind, only in (("claims", False, None), ("claims_kind", True, None), ("speedup", True, "speedup")):
        tp = fp = fn = 0
        for i in chosen:
            pc, gc = _claims(get[i]), gold[i]["claims"]
            if only:
                pc = [c for c in pc if c.get("kind") == only]
                gc = [c for c in gc if c["kind"] == only]
            pairs = match_claims(pc, gc, need_kind)
            tp, fp, fn = tp + len(pairs), fp + len(pc) - len(pairs), fn + len(gc) - len(pairs)
            if label == "claims":
                all_pairs += pairs
        m[f"{label}_p"], m[f"{label}_r"], m[f"{label}_f1"] = prf(tp, fp, fn)

    k = len(all_pairs) or 1
    for field in LABEL_FIELDS:
        m[f"matched_{field}_acc"] = sum(p.get(field) == g[field] for p, g in all_pairs) / k
    m["matched_metric_tokenf1"] = sum(token_f1(p.get("metric"), g["metric"]) for p, g in all_pairs) / k
    m["evidence_grounded"] = _evidence_grounded(get, chosen, papers)
    m["overall"] = sum(m[h] for h in HEADLINE) / len(HEADLINE)
    return m


def _evidence_grounded(get: dict[str, dict], chosen: list[str], papers: dict[str, dict] | None) -> float:
    """Share of predicted claims whose evidence is non-empty and, when abstracts are known, verbatim."""
    grounded = total = 0
    for i in chosen:
        abstract = papers[i]["abstract"] if papers and i in papers else None
        for c in _members(get[i].get("claims")):
            total += 1  # score.py counts non-dict entries too, as ungrounded
            evidence = (c.get("evidence") or "") if isinstance(c, dict) else ""
            if evidence and (abstract is None or (isinstance(evidence, str) and evidence in abstract)):
                grounded += 1
    return grounded / total if total else 1.0


# --- explaining ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskDiff:
    """The predicted task against gold, with its best token F1 over gold and its alternatives."""

    pred: str | None
    gold: str
    best: str  # the gold phrasing the prediction came closest to
    f1: float

    @property
    def passed(self) -> bool:
        """Whether it still counts for task_acc@0.5."""
        return self.f1 >= 0.5


@dataclass(frozen=True)
class ValueDiff:
    """A single-valued field that differs: domain, architecture or code_url."""

    pred: Any
    gold: Any


@dataclass(frozen=True)
class LabelDiff:
    """A matched claim pair (same value and unit) whose kind, bound or direction differ."""

    pred: dict
    gold: dict
    fields: tuple[str, ...]


@dataclass(frozen=True)
class PaperDiff:
    """What one paper's prediction gets wrong against gold; empty parts are None or ()."""

    paper_id: str
    missing: bool = False  # no prediction at all for this paper
    task: TaskDiff | None = None
    domain: ValueDiff | None = None
    architecture: ValueDiff | None = None
    code_url: ValueDiff | None = None
    introduced_missed: tuple[str, ...] = ()
    introduced_invented: tuple[str, ...] = ()
    claims_missed: tuple[dict, ...] = ()
    claims_invented: tuple[dict, ...] = ()
    claims_mislabeled: tuple[LabelDiff, ...] = ()

    def __bool__(self) -> bool:
        """True when anything differs, so `if diff:` reads naturally."""
        return self.missing or any(
            getattr(self, name)
            for name in (
                "task", "domain", "architecture", "code_url", "introduced_missed",
                "introduced_invented", "claims_missed", "claims_invented", "claims_mislabeled",
            )
        )


def explain(pred: dict[str, dict], gold: dict[str, dict], ids: Iterable[str] | None = None) -> list[PaperDiff]:
    """Per-paper differences behind score(): the same matching, kept instead of counted."""
    diffs = (explain_paper(i, pred.get(i), gold[i]) for i in _resolve_ids(gold, ids))
    return [d for d in diffs if d]


def explain_paper(paper_id: str, pred: dict | None, gold: dict) -> PaperDiff:
    """The differences for one paper; `pred` None means the prediction is missing."""
    record = pred or {}
    task = record.get("task")
    best_f1, best = max(((token_f1(task, t), t) for t in _task_options(gold)), key=lambda pair: pair[0])

    pu, gu = norm_url(record.get("code_url")), norm_url(gold["code_url"])
    pred_names = [s for s in _members(record.get("introduced")) if isinstance(s, str)]
    pred_norm, gold_norm = {norm_name(s) for s in pred_names}, {norm_name(s) for s in gold["introduced"]}

    pc, gc = _claims(record), gold["claims"]
    pairs = match_claims(pc, gc)
    matched_pred, matched_gold = {id(p) for p, _ in pairs}, {id(g) for _, g in pairs}
    mislabeled = []
    for p, g in pairs:
        fields = tuple(f for f in LABEL_FIELDS if p.get(f) != g[f])
        if fields:
            mislabeled.append(LabelDiff(p, g, fields))

    return PaperDiff(
        paper_id=paper_id,
        missing=pred is None,
        task=None if best_f1 == 1.0 else TaskDiff(task if isinstance(task, str) else None, gold["task"], best, best_f1),
        domain=_value_diff(record.get("domain"), gold["domain"]),
        architecture=_value_diff(record.get("architecture"), gold["architecture"]),
        code_url=None if (pu or None) == (gu or None) else ValueDiff(record.get("code_url"), gold["code_url"]),
        introduced_missed=_unique(s for s in gold["introduced"] if norm_name(s) not in pred_norm),
        introduced_invented=_unique(s for s in pred_names if norm_name(s) not in gold_norm),
        claims_missed=tuple(g for g in gc if id(g) not in matched_gold),
        claims_invented=tuple(c for c in pc if id(c) not in matched_pred),
        claims_mislabeled=tuple(mislabeled),
    )


def _value_diff(pred: Any, gold: Any) -> ValueDiff | None:
    return None if pred == gold else ValueDiff(pred, gold)


def _unique(names: Iterable[str]) -> tuple[str, ...]:
    # Scoring compares sets of normalised names, so "FTP" and "ftp" are one miss, not two.
    seen: set[str] = set()
    out = []
    for name in names:
        if norm_name(name) not in seen:
            seen.add(norm_name(name))
            out.append(name)
    return tuple(out)
