"""DuckDB storage: schema and migrations, one transaction per paper, resume, and queries."""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import duckdb

from extractor.errors import StoreError
from extractor.schema import ARCHITECTURES, BOUNDS, DIRECTIONS, DOMAINS, KINDS, UNITS, Claim, Extraction, Paper
from extractor.store_batch import Written, write_batch
from extractor.validate import Problem, check_stored

DEFAULT_DB = "outputs/extractor.duckdb"
RUN_STATUSES = ("running", "done", "interrupted", "failed")
SCHEMAS_DIR = Path(__file__).resolve().parents[1] / "schemas"

Migration = Callable[[duckdb.DuckDBPyConnection], None]
MIGRATIONS: list[Migration] = []


def migration(fn: Migration) -> Migration:
    """Register a schema change; each is applied once, in definition order, and never edited afterwards."""
    MIGRATIONS.append(fn)
    return fn


def _in(column: str, values: Sequence[str]) -> str:
    # DDL cannot take parameters; these are code constants from schema.py, quoted for SQL.
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"CHECK ({column} IN ({quoted}))"


# Timestamps are naive UTC: fetching TIMESTAMPTZ into Python would need pytz.
_NOW = "timezone('UTC', current_timestamp)"


@migration
def m001_initial(db: duckdb.DuckDBPyConnection) -> None:
    """Create every table of SCHEMA.md.

    No foreign keys into `extractions`: DuckDB refuses to delete and re-insert a referenced row in one
    transaction, which is how a paper is rewritten; the per-paper transaction keeps papers whole instead.
    The CHECKs list schema.py's enums as they are when this runs: DuckDB cannot ALTER a CHECK, so changing
    an enum takes a new migration that rebuilds the table (then regenerate schemas/).
    """
    db.execute(f"""
        CREATE SEQUENCE runs_id_seq START 1;
        CREATE TABLE papers (
            id VARCHAR PRIMARY KEY, title VARCHAR NOT NULL, abstract VARCHAR NOT NULL, source VARCHAR,
            added_at TIMESTAMP NOT NULL DEFAULT {_NOW});
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY DEFAULT nextval('runs_id_seq'), config_key VARCHAR NOT NULL, config JSON,
            started_at TIMESTAMP NOT NULL DEFAULT {_NOW}, finished_at TIMESTAMP,
            status VARCHAR NOT NULL DEFAULT 'running' {_in("status", RUN_STATUSES)},
            papers_ok INTEGER, papers_failed INTEGER, seconds_read DOUBLE, seconds_rules DOUBLE,
            seconds_model DOUBLE, seconds_store DOUBLE, prompt_tokens BIGINT, completion_tokens BIGINT);
        CREATE TABLE extractions (
            paper_id VARCHAR PRIMARY KEY REFERENCES papers (id), run_id INTEGER, config_key VARCHAR NOT NULL,
            status VARCHAR NOT NULL {_in("status", ("ok", "failed"))}, error VARCHAR, task VARCHAR,
            domain VARCHAR {_in("domain", DOMAINS)}, architecture VARCHAR {_in("architecture", ARCHITECTURES)},
            code_url VARCHAR, seconds_read DOUBLE, seconds_rules DOUBLE, seconds_model DOUBLE,
            seconds_store DOUBLE, prompt_tokens INTEGER, completion_tokens INTEGER,
            extracted_at TIMESTAMP NOT NULL DEFAULT {_NOW},
            CHECK (status = 'failed' OR (task IS NOT NULL AND domain IS NOT NULL AND architecture IS NOT NULL)),
            CHECK (status = 'ok' OR error IS NOT NULL));
        CREATE TABLE claims (
            paper_id VARCHAR NOT NULL, idx INTEGER NOT NULL, metric VARCHAR NOT NULL,
            kind VARCHAR NOT NULL {_in("kind", KINDS)}, value DOUBLE NOT NULL, value_max DOUBLE,
            unit VARCHAR NOT NULL {_in("unit", UNITS)}, direction VARCHAR NOT NULL {_in("direction", DIRECTIONS)},
            bound VARCHAR NOT NULL {_in("bound", BOUNDS)}, baseline VARCHAR, evidence VARCHAR NOT NULL,
            evidence_start INTEGER, evidence_end INTEGER, PRIMARY KEY (paper_id, idx));
        CREATE TABLE introduced (
            paper_id VARCHAR NOT NULL, idx INTEGER NOT NULL, name VARCHAR NOT NULL, PRIMARY KEY (paper_id, idx));
        CREATE TABLE problems (
            paper_id VARCHAR NOT NULL, idx INTEGER NOT NULL, rule VARCHAR NOT NULL, field VARCHAR NOT NULL,
            message VARCHAR NOT NULL, PRIMARY KEY (paper_id, idx));
    """)


@migration
def m002_reviews(db: duckdb.DuckDBPyConnection) -> None:
    """A person's corrections (extractor serve) beside the extractions, which stay as made; views overlay them.

    One row per decision: `field` is task|domain|architecture|code_url (values JSON scalars) or `claim`
    (values a claim as a JSON object, `claim_idx` its index; added claims are numbered from 1000, past any
    extraction's). The latest review of a (paper, field, claim) wins; `drop` hides a claim. A review of an
    extracted claim applies only while the claim at its index has the evidence it reviewed: a new extraction
    that renumbers the claims does not inherit corrections meant for others. `reviewed_extractions` and
    `reviewed_claims` are what readers see (speedups, export, report); `extractions` and `claims` keep the
    machine's answer.
    """
    fields = ("task", "domain", "architecture", "code_url", "claim")
    db.execute(f"""
        CREATE SEQUENCE reviews_id_seq START 1;
        CREATE TABLE reviews (
            id INTEGER PRIMARY KEY DEFAULT nextval('reviews_id_seq'), paper_id VARCHAR NOT NULL,
            field VARCHAR NOT NULL {_in("field", fields)}, claim_idx INTEGER,
            action VARCHAR NOT NULL {_in("action", ("accept", "correct", "drop", "add"))},
            old_value JSON, new_value JSON, reviewer VARCHAR NOT NULL, reviewed_at TIMESTAMP NOT NULL DEFAULT {_NOW},
            CHECK ((field = 'claim') = (claim_idx IS NOT NULL)));
        CREATE VIEW latest_reviews AS SELECT * FROM reviews
            QUALIFY row_number() OVER (PARTITION BY paper_id, field, claim_idx ORDER BY id DESC) = 1;
        CREATE VIEW reviewed_extractions AS
            SELECT e.* REPLACE (
                CASE WHEN t.id IS NULL THEN e.task ELSE t.new_value->>'$' END AS task,
                CASE WHEN d.id IS NULL THEN e.domain ELSE d.new_value->>'$' END AS domain,
                CASE WHEN a.id IS NULL THEN e.architecture ELSE a.new_value->>'$' END AS architecture,
                CASE WHEN u.id IS NULL THEN e.code_url ELSE u.new_value->>'$' END AS code_url)
            FROM extractions e
            LEFT JOIN latest_reviews t ON t.paper_id = e.paper_id AND t.field = 'task'
            LEFT JOIN latest_reviews d ON d.paper_id = e.paper_id AND d.field = 'domain'
            LEFT JOIN latest_reviews a ON a.paper_id = e.paper_id AND a.field = 'architecture'
            LEFT JOIN latest_reviews u ON u.paper_id = e.paper_id AND u.field = 'code_url';
        CREATE VIEW claim_reviews AS SELECT r.* FROM latest_reviews r WHERE r.field = 'claim' AND (r.claim_idx >= 1000
            OR EXISTS (SELECT 1 FROM claims c WHERE c.paper_id = r.paper_id AND c.idx = r.claim_idx
                       AND c.evidence = r.old_value->>'evidence'));
        CREATE VIEW reviewed_claims AS
            SELECT c.* FROM claims c WHERE NOT EXISTS (SELECT 1 FROM claim_reviews r
                WHERE r.paper_id = c.paper_id AND r.claim_idx = c.idx)
            UNION ALL
            SELECT r.paper_id, r.claim_idx AS idx, r.new_value->>'metric' AS metric, r.new_value->>'kind' AS kind,
                (r.new_value->>'value')::DOUBLE AS value, (r.new_value->>'value_max')::DOUBLE AS value_max,
                r.new_value->>'unit' AS unit, r.new_value->>'direction' AS direction, r.new_value->>'bound' AS bound,
                r.new_value->>'baseline' AS baseline, r.new_value->>'evidence' AS evidence,
                (r.new_value->>'evidence_start')::INTEGER AS evidence_start,
                (r.new_value->>'evidence_end')::INTEGER AS evidence_end
            FROM claim_reviews r WHERE r.action <> 'drop';
    """)


def _migrate(db: duckdb.DuckDBPyConnection) -> None:
    """Apply, in order, each migration not yet recorded in _migrations; each in its own transaction."""
    db.execute(f"""CREATE TABLE IF NOT EXISTS _migrations (
        name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL DEFAULT {_NOW})""")
    for fn in _pending(db):
        with _transaction(db):
            fn(db)
            db.execute("INSERT INTO _migrations (name) VALUES (?)", [fn.__name__])


def _pending(db: duckdb.DuckDBPyConnection) -> list[Migration]:
    if not db.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = '_migrations'").fetchall():
        return list(MIGRATIONS)
    applied = {name for (name,) in db.execute("SELECT name FROM _migrations").fetchall()}
    return [fn for fn in MIGRATIONS if fn.__name__ not in applied]


@contextmanager
def _transaction(db: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Commit everything in the block or nothing, also on KeyboardInterrupt."""
    db.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        with suppress(duckdb.Error):
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _locked(e: duckdb.Error) -> bool:
    """Whether DuckDB refused to open the file because another process has it open."""
    return "Could not set lock" in str(e) or "Conflicting lock" in str(e)


def _open_error(path: str, e: duckdb.Error, read_only: bool = False) -> StoreError:
    """Turn DuckDB's open failure into a message that says what to do.

    DuckDB (1.4) locks the file: a writer holds it alone, readers share it. So a read-only open fails
    exactly when a process writes (an extraction), and a write fails while any process reads or writes."""
    text = str(e)
    if _locked(e):
        pid = re.search(r"PID (\d+)", text)
        who = f" (PID {pid.group(1)})" if pid else ""
        if read_only:
            return StoreError(
                f"The database {path} is in use for writing by another process{who}, most likely an extraction; "
                f"DuckDB lets no other process read the file until it finishes. Try again when it finishes, "
                f"or stop it (an interrupted run resumes where it left off)."
            )
        stop = f"`kill {pid.group(1)}`" if pid else "stopping it"
        return StoreError(
            f"The database {path} is open in another process{who}: an extraction writing it, or a command reading "
            f"it. DuckDB lets a process write a file only while no other has it open: wait for that one to finish, "
            f"stop it ({stop}; an interrupted run resumes where it left off), or pass another --db path."
        )
    if "not a valid DuckDB database" in text:
        return StoreError(f"{path} is not a DuckDB database: pass --db a new path or an extractor .duckdb file.")
    return StoreError(f"Could not open the database {path}: {text}. Check the path and its permissions, or pass --db.")


_CLAIM_COLUMNS = ("metric", "kind", "value", "value_max", "unit", "direction", "bound", "baseline", "evidence",
                  "evidence_start", "evidence_end")


class Store:
    """One DuckDB file holding papers, runs and each paper's current extraction."""

    # A writer reconnects after this many papers written: DuckDB keeps, for as long as a connection is
    # open, memory that grows with every row it took (about 0.5 KB a paper here: its own heap outside the
    # buffer pool, the key indexes, cached blocks), and gives it back only on close. Measured over 200,000
    # papers written as run.py writes them (docs/scale.md): the writer's RSS went 185 MB at 20,000 papers to
    # 245 MB at 200,000 without it, 183-197 MB throughout with it. Closing checkpoints (as DuckDB does anyway
    # every 16 MB of log), so a reconnect costs about a checkpoint.
    REOPEN_EVERY = 10_000
    # A writer attaches its file with row groups of this many rows, not DuckDB's 122,880: a checkpoint that
    # finds a table's row group just filled compresses it whole, which briefly took 30-90 MB more each time
    # a table crossed one, so the peak rose with the input though the resident memory did not. Over the
    # same 200,000 papers the writer's peak went 282 MB -> 222 MB (the file is ~20% larger).
    ROW_GROUP_SIZE = 16_384

    def __init__(self, path: str | Path = DEFAULT_DB, read_only: bool = False) -> None:
        self.path = str(path)
        self._written = 0  # papers written since the connection opened
        memory = self.path == ":memory:"
        if read_only and not memory and not Path(self.path).exists():
            raise StoreError(f"No database at {self.path}: run an extraction first, or pass --db an existing file.")
        try:
            if not memory and not read_only:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._db = self._connect(read_only)
        except OSError as e:
            raise StoreError(f"Could not create {self.path}: {e}. Pass --db a path in a writable folder.") from e
        except duckdb.Error as e:
            raise _open_error(self.path, e, read_only) from e
        try:
            if not read_only:
                with self._errors("upgrade the database schema"):
                    _migrate(self._db)
            elif _pending(self._db):
                # A database from an older version: upgrade it once, briefly writable, then read as asked.
                self._db.close()
                Store(self.path).close()
                self._db = self._connect(read_only=True)
        except BaseException:
            self._db.close()
            raise

    def _connect(self, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        """Open the connection (every open goes through here). A writer attaches its file with ROW_GROUP_SIZE,
        which DuckDB takes only at ATTACH and does not store in the file: readers open it as usual, and a
        file written with other row groups is read and appended to alike."""
        if read_only or self.path == ":memory:":
            return duckdb.connect(self.path, read_only=read_only)
        db = duckdb.connect()
        try:
            db.execute(f"ATTACH ? AS store (ROW_GROUP_SIZE {self.ROW_GROUP_SIZE})", [self.path])
            db.execute("USE store")
        except BaseException:
            db.close()
            raise
        return db

    def close(self) -> None:
        """Close the connection; DuckDB checkpoints the write-ahead log into the file here."""
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except duckdb.Error as e:
            raise StoreError(f"Could not {action} in {self.path}: {e}") from e

    def _rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        with self._errors("read"):
            return self._db.execute(sql, params).fetchall()

    @contextmanager
    def transaction(self, action: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """The connection inside one transaction, for modules that keep their own rows (reviews.py)."""
        with self._errors(action), _transaction(self._db):
            yield self._db

    # -- writes ---------------------------------------------------------------------------------

    def add_papers(self, papers: Iterable[Paper], source: str | None = None) -> int:
        """Insert papers whose id is new, leave existing ones as they are; return how many were added."""
        batch = list(papers)
        with self._errors("add papers"):
            # One statement over parallel lists: executemany costs ~1 ms a row in DuckDB.
            added = self._db.execute(
                "INSERT INTO papers (id, title, abstract, source) SELECT unnest(?::VARCHAR[]), unnest(?::VARCHAR[]),"
                " unnest(?::VARCHAR[]), ? ON CONFLICT DO NOTHING RETURNING id",
                [[p.id for p in batch], [p.title for p in batch], [p.abstract for p in batch], source],
            ).fetchall()
        return len(added)

    def changed_papers(self, papers: Iterable[Paper]) -> list[tuple[Paper, Paper]]:
        """(stored, given) for each given paper whose id is stored with another title or abstract.

        A paper's identity is its id and its content: a changed paper's extraction is stale."""
        batch = list(papers)
        rows = self._rows(
            "SELECT p.id, p.title, p.abstract FROM papers p"
            " JOIN (SELECT unnest(?::VARCHAR[]) AS id, unnest(?::VARCHAR[]) AS title, unnest(?::VARCHAR[]) AS abstract) g"
            " ON g.id = p.id WHERE g.title <> p.title OR g.abstract <> p.abstract",
            [[p.id for p in batch], [p.title for p in batch], [p.abstract for p in batch]],
        )
        stored = {i: Paper(id=i, title=t, abstract=a) for i, t, a in rows}
        return [(stored[p.id], p) for p in batch if p.id in stored and (stored[p.id].title, stored[p.id].abstract) != (p.title, p.abstract)]

    def start_run(self, config_key: str, config: dict) -> int:
        """Record a run's settings (backend describe() + pipeline settings) and return its id."""
        with self._errors("start a run"):
            (run_id,) = self._db.execute(
                "INSERT INTO runs (config_key, config) VALUES (?, ?) RETURNING id",
                [config_key, json.dumps(config, sort_keys=True, default=str)],
            ).fetchone()
        return run_id

    def finish_run(self, run_id: int, status: str = "done") -> None:
        """Close a run with done|interrupted|failed and the totals of the extractions it wrote."""
        if status not in RUN_STATUSES[1:]:
            raise StoreError(f"Unknown run status {status!r}: use one of {', '.join(RUN_STATUSES[1:])}.")
        with self._errors("finish run"):
            updated = self._db.execute(
                f"""UPDATE runs SET finished_at = {_NOW}, status = ?, papers_ok = t.ok, papers_failed = t.failed,
                    seconds_read = t.r, seconds_rules = t.ru, seconds_model = t.m, seconds_store = t.s,
                    prompt_tokens = t.pt, completion_tokens = t.ct
                FROM (SELECT count(*) FILTER (WHERE status = 'ok') AS ok,
                    count(*) FILTER (WHERE status = 'failed') AS failed,
                    coalesce(sum(seconds_read), 0) AS r, coalesce(sum(seconds_rules), 0) AS ru,
                    coalesce(sum(seconds_model), 0) AS m, coalesce(sum(seconds_store), 0) AS s,
                    coalesce(sum(prompt_tokens), 0) AS pt, coalesce(sum(completion_tokens), 0) AS ct
                    FROM extractions WHERE run_id = ?) AS t
                WHERE runs.id = ?""",
                [status, run_id, run_id],
            ).fetchone()
        if not updated or not updated[0]:
            raise StoreError(f"No run {run_id} in {self.path}.")

    def write_extraction(
        self, run_id: int, config_key: str, paper_id: str, extraction: Extraction | None, problems: list[Problem],
        timings: dict[str, float], tokens: dict[str, int], error: str | None = None, paper: Paper | None = None,
    ) -> None:
        """Replace a paper's current extraction in one transaction, so a crash never leaves half of it.

        `extraction=None` stores a 'failed' row with `error`, which done_ids() leaves out so it is retried.
        With `paper`, its stored title and abstract are rewritten in the same transaction, so the stored
        text is always the one the extraction was made from (a changed paper, or --force).
        Without timings["store"], the seconds this write took before its commit are recorded.
        """
        self.write_extractions(run_id, config_key, [Written(paper_id, extraction, problems, timings, tokens, error, paper)])

    def write_extractions(self, run_id: int, config_key: str, batch: Sequence[Written]) -> None:
        """Several papers' extractions in one transaction (store_batch.py): each paper all or nothing, ~20x cheaper."""
        if batch:
            ids = ", ".join(w.paper_id for w in batch[:3]) + (f" and {len(batch) - 3} more" if len(batch) > 3 else "")
            with self._errors(f"write the extraction of {ids}"), _transaction(self._db):
                write_batch(self._db, self.path, run_id, config_key, batch)
            self._written += len(batch)
            if self._written >= self.REOPEN_EVERY and self.path != ":memory:":
                self._reopen()

    def _reopen(self) -> None:
        """Close and reconnect (a writer, between transactions): DuckDB frees what it held only on close.

        Another process (`extractor stats`, a request of `extractor serve`) may take the file in the moment it
        is free: wait for it up to two minutes, as those are brief."""
        self._db.close()
        for attempt in range(240):
            try:
                self._db = self._connect()
                break
            except duckdb.Error as e:
                if attempt == 239 or not _locked(e):
                    raise _open_error(self.path, e) from e
                time.sleep(0.5)
        self._written = 0

    # -- reads ----------------------------------------------------------------------------------

    def done_ids(self, config_key: str) -> set[str]:
        """Papers whose current extraction came from this config and succeeded: a resumed run skips them."""
        rows = self._rows("SELECT paper_id FROM extractions WHERE config_key = ? AND status = 'ok'", [config_key])
        return {paper_id for (paper_id,) in rows}

    def done_among(self, config_key: str, ids: Sequence[str]) -> set[str]:
        """done_ids() limited to `ids`: what a streaming run asks per chunk, in memory bounded by the chunk."""
        rows = self._rows("SELECT paper_id FROM extractions WHERE config_key = ? AND status = 'ok'"
                          " AND paper_id IN (SELECT unnest(?::VARCHAR[]))", [config_key, list(ids)])
        return {paper_id for (paper_id,) in rows}

    def extractions(self, ids: Iterable[str] | None = None, reviewed: bool = True) -> Iterator[tuple[str, Extraction]]:
        """Successful extractions by paper id, rebuilt with claims in stored order and evidence offsets.

        With `reviewed`, a person's corrections (the reviews table) replace what they correct; without, the
        answers are the machine's own (what eval scores)."""
        extractions, claims_table = ("reviewed_extractions", "reviewed_claims") if reviewed else ("extractions", "claims")
        sql = f"SELECT paper_id, task, domain, architecture, code_url FROM {extractions} WHERE status = 'ok'"
        if ids is None:
            heads = self._rows(sql + " ORDER BY paper_id")
        else:
            heads = self._rows(sql + " AND paper_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY paper_id", [list(ids)])
        for at in range(0, len(heads), 500):  # children fetched in chunks: bounded memory, few queries
            chunk = heads[at : at + 500]
            chunk_ids = [h[0] for h in chunk]
            claims: dict[str, list[Claim]] = {}
            for paper_id, *values in self._rows(
                f"SELECT paper_id, {', '.join(_CLAIM_COLUMNS)} FROM {claims_table}"
                " WHERE paper_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY paper_id, idx",
                [chunk_ids],
            ):
                claims.setdefault(paper_id, []).append(Claim(**dict(zip(_CLAIM_COLUMNS, values))))
            names: dict[str, list[str]] = {}
            for paper_id, name in self._rows(
                "SELECT paper_id, name FROM introduced"
                " WHERE paper_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY paper_id, idx",
                [chunk_ids],
            ):
                names.setdefault(paper_id, []).append(name)
            for paper_id, task, domain, architecture, code_url in chunk:
                yield paper_id, Extraction(task=task, domain=domain, architecture=architecture,
                                           introduced=names.get(paper_id, []), claims=claims.get(paper_id, []),
                                           code_url=code_url)

    def paper(self, paper_id: str) -> Paper | None:
        """One paper as read, or None."""
        rows = self._rows("SELECT id, title, abstract FROM papers WHERE id = ?", [paper_id])
        return Paper(id=rows[0][0], title=rows[0][1], abstract=rows[0][2]) if rows else None

    def papers(self) -> Iterator[Paper]:
        """All papers by id; read up front, so callers may write to the store while iterating."""
        rows = self._rows("SELECT id, title, abstract FROM papers ORDER BY id")
        return (Paper(id=i, title=t, abstract=a) for i, t, a in rows)

    def problems(self, paper_id: str | None = None) -> list[Problem]:
        """Validation findings of the current extractions, of one paper or all, in the order found."""
        sql = "SELECT paper_id, rule, field, message FROM problems"
        if paper_id is None:
            return [Problem(*r) for r in self._rows(sql + " ORDER BY paper_id, idx")]
        return [Problem(*r) for r in self._rows(sql + " WHERE paper_id = ? ORDER BY idx", [paper_id])]

    def stored_problems(self) -> list[Problem]:
        """The store rules (validate.STORE_RULES) over every stored extraction and its stored paper."""
        papers = {p.id: p for p in self.papers()}
        return [problem for paper_id, x in self.extractions() for problem in check_stored(papers[paper_id], x)]

    def query(self, sql: str, params: Sequence[Any] = ()) -> tuple[list[str], list[tuple]]:
        """Run the user's SQL and return (column names, rows)."""
        try:
            result = self._db.execute(sql, params)
            if result.description is None:
                return [], []
            return [d[0] for d in result.description], result.fetchall()
        except duckdb.Error as e:
            hint = "List the tables with `SHOW TABLES`, a table's columns with `DESCRIBE claims`."
            raise StoreError(f"{e}\n{hint}") from e

    def speedups(
        self, task: str | None = None, architecture: str | None = None, min_value: float | None = None,
        min_percent: float | None = None,
    ) -> tuple[list[str], list[tuple]]:
        """The comparison table of reported speed-ups, reviews applied: ratios (x) first, then percentages, each largest first;
        `task` matches a substring, any case. A percentage is not a factor ("30% faster" is not 30x), so
        `min_value` keeps ratios of at least that many times and `min_percent` percentages of at least that
        many percent; given either, only the units it names are kept."""
        where, params = ["c.kind = 'speedup'"], []
        thresholds = [(unit, bound) for unit, bound in (("x", min_value), ("%", min_percent)) if bound is not None]
        if thresholds:
            where.append("(" + " OR ".join("(c.unit = ? AND c.value >= ?)" for _ in thresholds) + ")")
            params += [value for pair in thresholds for value in pair]
        if task is not None:
            where.append("contains(lower(e.task), lower(?))")
            params.append(task)
        if architecture is not None:
            where.append("e.architecture = lower(?)")
            params.append(architecture)
        sql = f"""
            SELECT p.id AS paper_id, p.title,
                (SELECT i.name FROM introduced i WHERE i.paper_id = p.id ORDER BY i.idx LIMIT 1) AS method,
                c.metric, c.value, c.value_max, c.bound, c.unit, c.direction, c.baseline, e.task, e.architecture
            FROM reviewed_claims c
            JOIN reviewed_extractions e ON e.paper_id = c.paper_id AND e.status = 'ok'
            JOIN papers p ON p.id = c.paper_id
            WHERE {" AND ".join(where)}
            ORDER BY c.unit = 'x' DESC, c.unit, c.value DESC, p.id, c.idx"""
        with self._errors("build the speed-up table"):
            result = self._db.execute(sql, params)
            return [d[0] for d in result.description], result.fetchall()

    def stats(self) -> dict:
        """Counts for a quick look at what the database holds."""
        (papers, ok, failed, claims, problems, runs), = self._rows(
            "SELECT (SELECT count(*) FROM papers), (SELECT count(*) FROM extractions WHERE status = 'ok'),"
            " (SELECT count(*) FROM extractions WHERE status = 'failed'), (SELECT count(*) FROM claims),"
            " (SELECT count(*) FROM problems), (SELECT count(*) FROM runs)")
        by_kind = dict.fromkeys(KINDS, 0) | dict(self._rows("SELECT kind, count(*) FROM claims GROUP BY kind"))
        return {"papers": papers, "extractions_ok": ok, "extractions_failed": failed, "claims": claims,
                "claims_by_kind": by_kind, "problems": problems, "runs": runs}


# -- the generated contract in schemas/ ---------------------------------------------------------


def _one_column_a_line(create: str) -> str:
    """Break DuckDB's one-line CREATE TABLE at top-level commas so diffs of store.sql stay readable."""
    head, paren, body = create.partition("(")
    if not create.startswith("CREATE TABLE") or not body.endswith(");"):
        return create
    parts, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(body[:-2]):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "," and depth == 0:
            parts.append(body[start:i].strip())
            start = i + 1
    parts.append(body[start:-2].strip())
    return head + "(\n" + ",\n".join("    " + p for p in parts) + "\n);"


def ddl() -> str:
    """The DDL the migrations produce, read back from DuckDB's catalog of a fresh database."""
    catalog = (
        "SELECT sql FROM duckdb_sequences() ORDER BY sequence_name",
        "SELECT sql FROM duckdb_tables() ORDER BY table_oid",  # creation order
        "SELECT sql FROM duckdb_views() WHERE NOT internal ORDER BY view_oid",
        "SELECT sql FROM duckdb_indexes() ORDER BY index_oid",
    )
    with duckdb.connect(":memory:") as db:
        _migrate(db)
        statements = [_one_column_a_line(sql) for query in catalog for (sql,) in db.execute(query).fetchall()]
    head = "-- Generated by `python3 -m extractor.store` from the migrations in extractor/store.py; do not edit.\n"
    return head + "\n\n".join(statements) + "\n"


def contract_files() -> dict[str, str]:
    """File name -> content of the language-neutral contract kept in schemas/.

    The JSON Schema is the serialization one: the exported record, without the stored evidence offsets.
    """
    schema = Extraction.model_json_schema(mode="serialization")
    return {"extraction.schema.json": json.dumps(schema, indent=2, ensure_ascii=False) + "\n", "store.sql": ddl()}


def write_contract(folder: Path = SCHEMAS_DIR) -> list[Path]:
    """Regenerate schemas/ from the code."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in contract_files().items():
        (folder / name).write_text(text, encoding="utf-8")
    return [folder / name for name in contract_files()]


if __name__ == "__main__":
    for written_path in write_contract(Path(sys.argv[1]) if len(sys.argv) > 1 else SCHEMAS_DIR):
        print(written_path)
