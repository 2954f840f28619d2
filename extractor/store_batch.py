"""Many papers' rows in one DuckDB transaction: the store's write path.

DuckDB spends about a millisecond on each statement and several on each commit, so writing paper by
paper (five statements and a commit each) cost as much as the rules. Here a batch of papers costs a
fixed dozen statements: each table's new rows go in as one INSERT over parallel lists (`unnest`).
A paper's rows are still all-or-nothing, since they share their batch's transaction; a crash loses
at most the batch not yet committed, which the next run redoes (its ids are not in `done_ids`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb

from extractor.errors import StoreError
from extractor.schema import Claim, Extraction, Paper
from extractor.validate import Problem

# Column name -> DuckDB type of each table a paper writes, in table order (store.py's m001_initial).
COLUMNS = {
    "introduced": {"paper_id": "VARCHAR", "idx": "INTEGER", "name": "VARCHAR"},
    "claims": {"paper_id": "VARCHAR", "idx": "INTEGER", "metric": "VARCHAR", "kind": "VARCHAR", "value": "DOUBLE",
               "value_max": "DOUBLE", "unit": "VARCHAR", "direction": "VARCHAR", "bound": "VARCHAR",
               "baseline": "VARCHAR", "evidence": "VARCHAR", "evidence_start": "INTEGER", "evidence_end": "INTEGER"},
    "problems": {"paper_id": "VARCHAR", "idx": "INTEGER", "rule": "VARCHAR", "field": "VARCHAR", "message": "VARCHAR"},
    "extractions": {"paper_id": "VARCHAR", "run_id": "INTEGER", "config_key": "VARCHAR", "status": "VARCHAR",
                    "error": "VARCHAR", "task": "VARCHAR", "domain": "VARCHAR", "architecture": "VARCHAR",
                    "code_url": "VARCHAR", "seconds_read": "DOUBLE", "seconds_rules": "DOUBLE", "seconds_model": "DOUBLE",
                    "seconds_store": "DOUBLE", "prompt_tokens": "INTEGER", "completion_tokens": "INTEGER"},
}


@dataclass
class Written:
    """One paper's outcome to store: an extraction, or None and the error that stopped it."""

    paper_id: str
    extraction: Extraction | None
    problems: list[Problem] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    tokens: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    paper: Paper | None = None  # given: its stored title and abstract are rewritten to it


def claim_values(c: Claim, abstract: str) -> tuple:
    """A claims row after (paper_id, idx); offsets the caller left empty are found in the abstract."""
    start, end = c.evidence_start, c.evidence_end
    if start is None and c.evidence and (found := abstract.find(c.evidence)) >= 0:
        start, end = found, found + len(c.evidence)
    return c.metric, c.kind, c.value, c.value_max, c.unit, c.direction, c.bound, c.baseline, c.evidence, start, end


def paper_rows(w: Written, run_id: int, config_key: str, abstract: str, store_seconds: float) -> dict[str, list[tuple]]:
    """Table -> rows of one paper, in COLUMNS order (also what the Parquet writer stores)."""
    x = w.extraction
    error = w.error if x is not None or w.error else "no extraction and no error given"
    fields = (x.task, x.domain, x.architecture, x.code_url) if x is not None else (None, None, None, None)
    t, k = w.timings, w.tokens
    return {
        "introduced": [(w.paper_id, i, name) for i, name in enumerate(x.introduced)] if x is not None else [],
        "claims": [(w.paper_id, i, *claim_values(c, abstract)) for i, c in enumerate(x.claims)] if x is not None else [],
        "problems": [(w.paper_id, i, p.rule, p.field, p.message) for i, p in enumerate(w.problems)],
        "extractions": [(w.paper_id, run_id, config_key, "ok" if x is not None else "failed", error, *fields,
                         t.get("read"), t.get("rules"), t.get("model"), t.get("store", store_seconds),
                         k.get("prompt"), k.get("completion"))],
    }


def _insert(db: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """One INSERT over parallel lists, whatever the number of rows."""
    if not rows:
        return
    columns = COLUMNS[table]
    select = ", ".join(f"unnest(?::{kind}[])" for kind in columns.values())
    db.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select}", [list(col) for col in zip(*rows)])


def write_batch(db: duckdb.DuckDBPyConnection, path: str, run_id: int, config_key: str, batch: Sequence[Written]) -> None:
    """Replace each paper's current extraction; the caller holds the transaction."""
    started = time.perf_counter()
    latest = {w.paper_id: w for w in batch}  # a paper given twice: its last outcome stands
    for w in latest.values():
        if w.paper is not None and w.paper.id != w.paper_id:
            raise StoreError(f"write_extraction got paper {w.paper.id!r} for paper_id {w.paper_id!r}.")
    ids = list(latest)
    found = {i: (abstract, rewrite) for i, abstract, rewrite in db.execute(
        "SELECT id, abstract, EXISTS (SELECT 1 FROM extractions WHERE paper_id = id) FROM papers"
        " WHERE id IN (SELECT unnest(?::VARCHAR[]))", [ids]).fetchall()}
    missing = [i for i in ids if i not in found]
    if missing:
        raise StoreError(f"Paper {missing[0]} is not in {path}: add it with add_papers() first.")
    rewrite = [i for i in ids if found[i][1]]
    if rewrite:  # children never exist without their extraction row, so new papers skip the deletes
        for table in ("claims", "introduced", "problems", "extractions"):
            db.execute(f"DELETE FROM {table} WHERE paper_id IN (SELECT unnest(?::VARCHAR[]))", [rewrite])
    texts = [w.paper for w in latest.values() if w.paper is not None]
    if texts:
        db.execute(
            "UPDATE papers SET title = g.title, abstract = g.abstract FROM (SELECT unnest(?::VARCHAR[]) AS id,"
            " unnest(?::VARCHAR[]) AS title, unnest(?::VARCHAR[]) AS abstract) g"
            " WHERE papers.id = g.id AND (papers.title <> g.title OR papers.abstract <> g.abstract)",
            [[p.id for p in texts], [p.title for p in texts], [p.abstract for p in texts]])
    tables: dict[str, list[tuple]] = {name: [] for name in COLUMNS}
    for w in latest.values():
        abstract = w.paper.abstract if w.paper is not None else found[w.paper_id][0]
        for name, rows in paper_rows(w, run_id, config_key, abstract, 0.0).items():
            tables[name] += rows
    heads = tables.pop("extractions")
    for name, rows in tables.items():
        _insert(db, name, rows)
    each = (time.perf_counter() - started) / len(latest)  # the write's seconds before its commit, shared out
    at = list(COLUMNS["extractions"]).index("seconds_store")
    _insert(db, "extractions", [row if "store" in w.timings else (*row[:at], each, *row[at + 1:])
                                for row, w in zip(heads, latest.values())])
