"""Query a Ray run's Parquet folder with every command: DuckDB views over `read_parquet`, or a copy.

`--db DIR` (any command) and `extractor attach DIR --db FILE` replace the store's tables by views of
the same names and columns over DIR's files, so `sql`, `speedups`, `show`, `validate`, `export` and
the rest read the Parquet in place, without copying; `extractor import DIR --db FILE` copies the rows
into a DuckDB file instead (a paper already there is replaced by the folder's version).
"""

from __future__ import annotations

from pathlib import Path

from extractor.errors import StoreError
from extractor.ray_run import TABLES
from extractor.store import Store

VIEWS = ("runs", *TABLES)
# Children before what they reference: DuckDB drops a referenced table only after its referrers.
_DROP_ORDER = ("claims", "introduced", "problems", "extractions", "papers", "runs")


def _files(folder: Path, table: str) -> str | None:
    """The glob of a table's Parquet files, or None when it has none (that table stays empty)."""
    if not any((folder / table).glob("*.parquet")):
        return None
    return str((folder / table).resolve() / "*.parquet").replace("'", "''")


def check_folder(folder: Path) -> None:
    if not (folder / "_config.json").exists() or _files(folder, "extractions") is None:
        raise StoreError(f"{folder} is not the output of `extractor extract --engine ray --out {folder}` (no "
                         "_config.json or no extractions/*.parquet): run that first, or pass --db a DuckDB file.")


def attach_views(store: Store, folder: Path) -> None:
    """Replace the store's (empty) tables by views over the folder's Parquet files."""
    check_folder(folder)
    for table in _DROP_ORDER:
        if _files(folder, table) is not None:
            is_view = store.query("SELECT 1 FROM duckdb_views() WHERE view_name = ?", [table])[1]
            store.query(f"DROP {'VIEW' if is_view else 'TABLE'} IF EXISTS {table}")
    for table in VIEWS:
        if (glob := _files(folder, table)) is not None:
            store.query(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{glob}')")


def attached_store(folder: str | Path) -> Store:
    """An in-memory store whose tables are the folder's Parquet files (`--db DIR`)."""
    store = Store(":memory:")
    try:
        attach_views(store, Path(folder))
    except BaseException:
        store.close()
        raise
    return store


def attach_to_file(folder: Path, db: Path) -> None:
    """A small DuckDB file holding only views over the folder (`extractor attach DIR --db FILE`)."""
    with Store(db) as store:
        _, rows = store.query("SELECT table_name FROM duckdb_tables() WHERE table_name = 'papers'"
                              " AND estimated_size > 0")
        if rows:
            raise StoreError(f"{db} already holds papers: attach into a new file, or copy with `extractor import`.")
        attach_views(store, folder)


def import_folder(folder: Path, db: Path) -> int:
    """Copy the folder's rows into a DuckDB store in one transaction; returns the papers copied."""
    check_folder(folder)
    glob = {t: _files(folder, t) for t in VIEWS}
    with Store(db) as store:
        store.query("BEGIN TRANSACTION")
        try:
            (offset,), = store.query("SELECT coalesce(max(id), 0) FROM runs")[1]
            if glob["runs"]:
                store.query(f"INSERT INTO runs SELECT * REPLACE (id + {offset} AS id) FROM read_parquet('{glob['runs']}')")
            store.query(f"INSERT INTO papers SELECT * FROM read_parquet('{glob['papers']}') ON CONFLICT (id) DO UPDATE"
                        " SET title = excluded.title, abstract = excluded.abstract")
            for table in ("claims", "introduced", "problems", "extractions"):
                store.query(f"DELETE FROM {table} WHERE paper_id IN (SELECT id FROM read_parquet('{glob['papers']}'))")
            store.query(f"INSERT INTO extractions SELECT * REPLACE (run_id + {offset} AS run_id)"
                        f" FROM read_parquet('{glob['extractions']}')")
            for table in ("claims", "introduced", "problems"):
                if glob[table]:
                    store.query(f"INSERT INTO {table} SELECT * FROM read_parquet('{glob[table]}')")
            (n,), = store.query(f"SELECT count(*) FROM read_parquet('{glob['papers']}')")[1]
            store.query("COMMIT")
        except BaseException:
            store.query("ROLLBACK")
            raise
    return n
