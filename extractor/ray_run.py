"""`extract --engine ray --out DIR`: the same per-paper pipeline on Ray Data, into Parquet, resumable.

The driver reads the input lazily (any format `extract` reads) and stages it as numbered shards of
SHARD papers (`DIR/_input/shard-00000.jsonl`); Ray Data maps the shards not yet done over a pool of
actors (`map_batches`), each of which loads its engine once, runs `extract_paper` on every paper of
a shard, writes the shard's rows through an in-memory Store (the very code of the DuckDB path, so
the records are the same) and copies each table to `DIR/<table>/shard-00000.parquet`. A shard is
done when its marker `DIR/_done/shard-00000.json` exists, which is written last: a rerun after the
driver was killed skips done shards and redoes the rest, so no paper is lost and none is written twice.
`extractor attach DIR` (attach.py) queries the Parquet files in place.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from extractor.errors import BackendError, InputError
from extractor.extract import Settings, config_key, extract_paper
from extractor.schema import Paper

SHARD = 500  # papers per shard: the unit of work, of output files and of resume
TABLES = ("papers", "extractions", "claims", "introduced", "problems")


@dataclass(frozen=True)
class Engine:
    """What each actor loads: a fleet of OpenAI-compatible servers, the in-process model, or no model."""

    base_urls: tuple[str, ...] = ()
    model: str | None = None
    structured: str = "auto"
    in_flight: int = 4  # requests in flight per server, across all actors
    request_body: dict = field(default_factory=dict)
    reader: bool = False  # the bundled model reads every abstract (the default pipeline)
    threads: int = 1


def shard_name(i: int) -> str:
    return f"shard-{i:05d}"


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def stage(papers: Iterable[Paper], out: Path, fingerprint: str, inputs: str, size: int = SHARD) -> int:
    """Write the input as numbered shards once (a rerun finds `_input/_complete`); return their count."""
    folder = out / "_input"
    done = folder / "_complete"
    staged = _recorded(done, "fingerprint", fingerprint, "a run over other input files or options", "inputs")
    if staged:
        return int(staged["shards"])
    folder.mkdir(parents=True, exist_ok=True)
    it, n = iter(papers), 0
    while chunk := list(islice(it, size)):
        _write_atomically(folder / f"{shard_name(n)}.jsonl", "".join(
            json.dumps({"id": p.id, "title": p.title, "abstract": p.abstract}, ensure_ascii=False) + "\n" for p in chunk))
        n += 1
    _write_atomically(done, json.dumps({"fingerprint": fingerprint, "shards": n, "inputs": inputs}))
    return n


def fingerprint(paths: Iterable[str], options: dict) -> str:
    """The identity of an input: file paths, sizes and modification times, and the reading options."""
    parts = []
    for p in paths:
        st = Path(p).stat() if p != "-" else None
        parts.append([str(Path(p).resolve()) if st else p, st.st_size if st else 0, st.st_mtime_ns if st else 0])
    blob = json.dumps({"inputs": parts, "options": options}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _backend(engine: Engine, actors: int):
    """The actor's model client; the per-server bound is shared out among the actors."""
    from extractor.backends import BackendConfig

    config = BackendConfig(model=engine.model, structured=engine.structured, n_threads=engine.threads,
                           extra={"body": engine.request_body} if engine.request_body else {})
    if engine.base_urls:
        from extractor.backends.fleet import FleetBackend

        return FleetBackend(config, list(engine.base_urls), max(1, engine.in_flight // actors))
    from extractor.backends import get_backend

    return get_backend("llama_cpp", config)


class ShardWorker:
    """A Ray actor: loads the engine once, then extracts whole shards into Parquet files."""

    def __init__(self, out: str, settings: Settings, engine: Engine, key: str, run_id: int, actors: int) -> None:
        self.out, self.settings, self.key, self.run_id = Path(out), settings, key, run_id
        self.backend = _backend(engine, actors) if settings.needs_model else None
        self.threads = engine.in_flight * len(engine.base_urls) // actors if engine.base_urls and self.backend else 1
        self.reader = None
        if engine.reader:
            from extractor.backends.llama_cpp import default_model_path
            from extractor.learned.reader import Reader

            self.reader = Reader(default_model_path(), n_threads=engine.threads)

    def __call__(self, batch: dict) -> dict:
        counts = [self.shard(int(i)) for i in batch["shard"]]
        return {"shard": [int(i) for i in batch["shard"]], "ok": [c[0] for c in counts], "failed": [c[1] for c in counts]}

    def shard(self, i: int) -> tuple[int, int]:
        from extractor.store import Store
        from extractor.store_batch import Written
        from extractor.validate import validate

        lines = (self.out / "_input" / f"{shard_name(i)}.jsonl").read_text(encoding="utf-8").splitlines()
        papers = [Paper(**json.loads(line)) for line in lines]

        def work(paper: Paper) -> Written:
            t0 = time.perf_counter()
            try:
                result = extract_paper(paper, self.backend, self.settings, self.reader)
            except BackendError as e:
                return Written(paper.id, None, [], {"model": time.perf_counter() - t0}, {}, error=str(e))
            t1 = time.perf_counter()
            problems = validate(paper, result.extraction) + result.problems
            result.timings["rules"] += time.perf_counter() - t1
            return Written(paper.id, result.extraction, problems, result.timings, result.tokens)

        if self.threads > 1:
            with ThreadPoolExecutor(self.threads) as pool:
                written = list(pool.map(work, papers))
        else:
            written = [work(p) for p in papers]
        with Store(":memory:") as store:
            store.add_papers(papers)
            store.write_extractions(self.run_id, self.key, written)
            for table in TABLES:
                folder = self.out / table
                folder.mkdir(exist_ok=True)
                tmp = folder / f".{shard_name(i)}.parquet.tmp"
                quoted = str(tmp).replace("'", "''")
                store.query(f"COPY (SELECT * FROM {table} ORDER BY ALL) TO '{quoted}' (FORMAT parquet)")
                os.replace(tmp, folder / f"{shard_name(i)}.parquet")
        failed = sum(w.extraction is None for w in written)
        _write_atomically(self.out / "_done" / f"{shard_name(i)}.json", json.dumps({"ok": len(papers) - failed, "failed": failed}))
        return len(papers) - failed, failed


@dataclass
class RaySummary:
    shards: int = 0
    skipped: int = 0  # shards done by an earlier run
    done: int = 0
    failed: int = 0
    seconds: float = 0.0


def done_shards(out: Path) -> set[int]:
    """Shards whose marker exists and that had no failed paper (those are redone, the failures retried)."""
    done = set()
    for marker in (out / "_done").glob("shard-*.json"):
        if json.loads(marker.read_text())["failed"] == 0:
            done.add(int(marker.stem.split("-")[1]))
    return done


def _clear_unfinished(out: Path, todo: list[int]) -> None:
    """Remove output a killed run left for shards that will be redone, so no paper shows up twice meanwhile."""
    for i in todo:
        for table in TABLES:
            (out / table / f"{shard_name(i)}.parquet").unlink(missing_ok=True)
        (out / "_done" / f"{shard_name(i)}.json").unlink(missing_ok=True)


def _recorded(path: Path, key: str, value: str, what: str, shown: str) -> dict | None:
    """The folder's record at `path` (None before the first run); another `value` of `key` is refused."""
    if not path.exists():
        return None
    record = json.loads(path.read_text())
    if record[key] != value:
        out = path.parent.parent if path.parent.name == "_input" else path.parent
        raise InputError(f"{out} holds {what} ({record[shown]}). Pass another --out folder, or delete this one "
                         "to start over.")
    return record


def _check_config(out: Path, key: str, config: dict) -> int:
    """The run's settings are the folder's: another configuration needs another folder. Returns the run id."""
    path = out / "_config.json"
    stored = _recorded(path, "config_key", key, "extractions made with other settings", "config")
    run_id = stored["runs"] + 1 if stored else 1
    _write_atomically(path, json.dumps({"config_key": key, "config": config, "runs": run_id}, default=str))
    return run_id


def run_ray(papers: Iterable[Paper], out: Path, settings: Settings, engine: Engine, description: dict,
            input_key: str, inputs: str, actors: int = 2, shard_size: int = SHARD, on_shard: Callable[[RaySummary], None] | None = None) -> RaySummary:
    """Extract into `out` with Ray Data (connecting to RAY_ADDRESS's cluster, else starting a local one)."""
    os.environ.setdefault("RAY_DATA_LOG_LEVEL", "ERROR")  # progress is ours: a line a shard
    import ray

    (out / "_done").mkdir(parents=True, exist_ok=True)
    config = {**description, **settings.describe()}
    key = config_key(description, settings)
    run_id = _check_config(out, key, config)
    started = time.perf_counter()
    summary = RaySummary(shards=stage(papers, out, input_key, inputs, shard_size))
    done = done_shards(out)
    todo = [i for i in range(summary.shards) if i not in done]
    summary.skipped = summary.shards - len(todo)
    _clear_unfinished(out, todo)
    if todo:
        if not ray.is_initialized():
            if os.environ.get("RAY_ADDRESS"):  # a cluster: its resources are its own
                ray.init(log_to_driver=False)
            else:  # a local cluster for this run: the actors and one CPU to feed them
                ray.init(num_cpus=actors + 1, include_dashboard=False, log_to_driver=False)
        ray.data.DataContext.get_current().enable_progress_bars = False
        ds = ray.data.from_items([{"shard": i} for i in todo], override_num_blocks=len(todo))
        results = ds.map_batches(ShardWorker, batch_size=1, concurrency=min(actors, len(todo)), num_cpus=1,
                                 fn_constructor_kwargs={"out": str(out), "settings": settings, "engine": engine,
                                                        "key": key, "run_id": run_id, "actors": actors})
        for row in results.iter_rows():
            summary.done += row["ok"]
            summary.failed += row["failed"]
            summary.seconds = time.perf_counter() - started
            if on_shard:
                on_shard(summary)
    summary.seconds = time.perf_counter() - started
    _write_run(out, run_id, key, config, summary)
    return summary


def _write_run(out: Path, run_id: int, key: str, config: dict, summary: RaySummary) -> None:
    """The run's row of the `runs` table, as the DuckDB store keeps it."""
    import duckdb

    folder = out / "runs"
    folder.mkdir(exist_ok=True)
    path = str(folder / f"run-{run_id:04d}.parquet").replace("'", "''")
    with duckdb.connect() as db:
        db.execute(
            f"""COPY (SELECT ?::INTEGER AS id, ?::VARCHAR AS config_key, ?::JSON AS config,
                timezone('UTC', current_timestamp) - to_seconds(?) AS started_at, timezone('UTC', current_timestamp) AS finished_at,
                ?::VARCHAR AS status, ?::INTEGER AS papers_ok, ?::INTEGER AS papers_failed,
                NULL::DOUBLE AS seconds_read, NULL::DOUBLE AS seconds_rules, NULL::DOUBLE AS seconds_model,
                NULL::DOUBLE AS seconds_store, NULL::BIGINT AS prompt_tokens, NULL::BIGINT AS completion_tokens)
            TO '{path}' (FORMAT parquet)""",
            [run_id, key, json.dumps(config, sort_keys=True, default=str), summary.seconds,
             "done" if not summary.failed else "failed", summary.done, summary.failed])
