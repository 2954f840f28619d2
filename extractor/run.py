"""Run the pipeline over many papers into the store: resume, one writer, optional concurrency.

The input is read lazily, a chunk at a time, and finished papers are written in small batches, each
paper's rows all or nothing: a crash or kill -9 loses at most the papers in flight and the batch not
yet written (Ctrl-C loses only those in flight); the next run with the same key skips the rest.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sized
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from itertools import islice

from extractor.backends import Backend
from extractor.errors import BackendError, InputError
from extractor.extract import Result, Settings, config_key, extract_paper
from extractor.learned.reader import Reader
from extractor.schema import Paper
from extractor.store import Store
from extractor.store_batch import Written
from extractor.validate import validate


@dataclass
class RunSummary:
    run_id: int
    config_key: str
    total: int = 0
    skipped: int = 0
    done: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    problems: int = 0
    problems_by_rule: dict[str, int] = field(default_factory=dict)  # rule -> count
    changed: int = 0  # papers stored before with another title or abstract, extracted again
    seconds: float = 0.0
    status: str = "done"


Progress = Callable[[RunSummary, str], None]
ON_CHANGED = ("redo", "refuse")


def changed_message(changed: list[tuple[Paper, Paper]]) -> str:
    """Name both versions of each changed paper, where they differ, so the user can tell which is right."""
    lines = [f"{len(changed)} paper id(s) of the input are stored with another title or abstract:"]
    for old, new in changed[:5]:
        lines.append(f"  {new.id}: " + "; ".join(_difference(name, getattr(old, name), getattr(new, name))
                                             for name in ("title", "abstract") if getattr(old, name) != getattr(new, name)))
    if len(changed) > 5:
        lines.append(f"  and {len(changed) - 5} more")
    lines.append("Rerun with --changed redo to extract the input's version (it replaces the stored one and its "
                 "extraction), or give the new papers ids of their own.")
    return "\n".join(lines)


def _difference(name: str, old: str, new: str) -> str:
    at = next((i for i, (a, b) in enumerate(zip(old, new)) if a != b), min(len(old), len(new)))
    lo = max(0, at - 20)

    def part(text: str) -> str:
        return ("..." if lo else "") + repr(text[lo : at + 30])[1:-1] + ("..." if len(text) > at + 30 else "")

    where = f" from character {at}" if at else ""
    return f"{name} differs{where}: stored '{part(old)}', input '{part(new)}'"


CHUNK = 256  # papers read, checked against the store and added to it at a time: memory stays flat
# Finished papers written per transaction (at most this many are lost to a kill -9) ... A transaction
# costs about 8 ms whatever its size: at the rules' 150-250 papers a second, 64 a batch spent 0.17 ms a
# paper on them, 256 spends 0.07, and BATCH_SECONDS still bounds the loss to about a second's papers.
BATCH = 256
BATCH_SECONDS = 1.0  # ... or fewer, when a slow model takes longer than this to finish them


class _Writer:
    """Buffers finished papers and writes them in one transaction per BATCH (store_batch.py)."""

    def __init__(self, store: Store, run_id: int, key: str) -> None:
        self.store, self.run_id, self.key = store, run_id, key
        self.pending: list[Written] = []
        self.since = time.perf_counter()

    def add(self, written: Written) -> None:
        self.pending.append(written)
        if len(self.pending) >= BATCH or time.perf_counter() - self.since >= BATCH_SECONDS:
            self.flush()

    def flush(self) -> None:
        batch, self.pending = self.pending, []
        self.store.write_extractions(self.run_id, self.key, batch)
        self.since = time.perf_counter()


def _timed_chunks(papers: Iterable[Paper], size: int) -> Iterator[tuple[list[Paper], float]]:
    """The input `size` papers at a time, each chunk with the seconds spent reading it (input is read lazily)."""
    it = iter(papers)
    while True:
        t0 = time.perf_counter()
        chunk = list(islice(it, size))
        if not chunk:
            return
        yield chunk, time.perf_counter() - t0


def run_extraction(
    store: Store,
    papers: Iterable[Paper],
    backend: Backend | None,
    settings: Settings,
    *,
    force: bool = False,
    on_changed: str = "redo",
    concurrency: int = 1,
    on_start: Callable[[int | None], None] | None = None,
    on_paper: Progress | None = None,
    limit_failures: int = 5,
    read_seconds: float = 0.0,
    reader: Reader | None = None,
) -> RunSummary:
    """Extract every paper not yet done under this configuration and store it as it goes.

    The input is read CHUNK papers at a time (a list, or a lazy iterator whose length is unknown), so
    memory stays flat however long it is; finished papers are written BATCH at a time, each paper's
    rows in one transaction. Failures of one paper are recorded (and retried by the next run); after
    `limit_failures` backend failures in a row the run stops, since the engine or server is likely down.

    A paper whose id is stored with another title or abstract is extracted again and its stored text
    replaced with its rows (`on_changed="redo"`), or the run stops before writing anything ("refuse":
    the whole input is read first to check it)."""
    if on_changed not in ON_CHANGED:
        raise ValueError(f"on_changed must be one of {ON_CHANGED}, not {on_changed!r}")
    description = backend.describe() if backend is not None and settings.needs_model else {"backend": "rules"}
    if reader is not None:
        description = {**description, "reader": reader.name}  # the heads it feeds were trained on this model
    key = config_key(description, settings)
    if on_changed == "refuse":
        papers = list(papers)
        if changed := store.changed_papers(papers):
            raise InputError(changed_message(changed))
    # Seconds the caller spent reading: shared out over a list, else charged to the first chunk (read up front).
    read_share = read_seconds / len(papers) if isinstance(papers, Sized) and len(papers) else 0.0
    read_ahead = 0.0 if isinstance(papers, Sized) else read_seconds
    run_id = store.start_run(key, {**description, **settings.describe()})
    summary = RunSummary(run_id, key)
    writer = _Writer(store, run_id, key)
    if on_start:
        on_start(len(papers) if isinstance(papers, Sized) else None)
    started = time.perf_counter()
    in_a_row = 0
    read_each: dict[str, float] = {}  # paper id -> its share of the reading, until it is written

    def todo() -> Iterator[Paper]:
        """The papers to extract, chunk by chunk: each chunk is added to the store and checked for resume."""
        nonlocal read_ahead
        for chunk, seconds in _timed_chunks(papers, CHUNK):
            seconds, read_ahead = seconds + read_ahead, 0.0
            changed = store.changed_papers(chunk)
            store.add_papers(chunk)
            done = set() if force else store.done_among(key, [p.id for p in chunk]) - {new.id for _, new in changed}
            summary.total += len(chunk)
            summary.changed += len(changed)
            for paper in chunk:
                if paper.id in done:
                    summary.skipped += 1
                    if on_paper:
                        on_paper(summary, paper.id)
                    continue
                read_each[paper.id] = read_share + seconds / len(chunk)
                yield paper

    def work(paper: Paper) -> tuple[Paper, Result | None, str | None, float]:
        t0 = time.perf_counter()
        try:
            return paper, extract_paper(paper, backend, settings, reader), None, time.perf_counter() - t0
        except BackendError as e:
            return paper, None, str(e), time.perf_counter() - t0

    def record(paper: Paper, result: Result | None, error: str | None, seconds: float) -> None:
        nonlocal in_a_row
        t0 = time.perf_counter()
        read = read_each.pop(paper.id, 0.0)
        if result is None:
            writer.add(Written(paper.id, None, [], {"read": read, "model": seconds}, {}, error=error, paper=paper))
            summary.failed[paper.id] = error or "unknown error"
            in_a_row += 1
        else:
            problems = validate(paper, result.extraction) + result.problems
            result.timings["read"] = read
            result.timings["rules"] += time.perf_counter() - t0  # validation is rules too; the store times its write
            writer.add(Written(paper.id, result.extraction, problems, result.timings, result.tokens, paper=paper))
            summary.done += 1
            summary.problems += len(problems)
            for problem in problems:
                summary.problems_by_rule[problem.rule] = summary.problems_by_rule.get(problem.rule, 0) + 1
            in_a_row = 0
        summary.seconds = time.perf_counter() - started
        if on_paper:
            on_paper(summary, paper.id)

    try:
        if concurrency <= 1:
            for paper in todo():
                record(*work(paper))
                if in_a_row >= limit_failures:
                    summary.status = "failed"
                    break
        else:
            _run_concurrently(todo(), work, record, concurrency, lambda: in_a_row >= limit_failures, summary)
    except BaseException as e:  # Ctrl-C, or a bad record further down the input: keep what is finished
        writer.flush()
        summary.status = "interrupted" if isinstance(e, KeyboardInterrupt) else "failed"
        store.finish_run(run_id, summary.status)
        raise
    writer.flush()
    store.finish_run(run_id, summary.status)
    summary.seconds = time.perf_counter() - started
    return summary


def _run_concurrently(todo, work, record, concurrency: int, give_up, summary: RunSummary) -> None:
    """Up to `concurrency` papers in flight; this thread alone writes to the store."""
    pending = iter(todo)
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        running: set[Future] = set()

        def top_up() -> None:
            for paper in pending:
                running.add(pool.submit(work, paper))
                if len(running) >= concurrency:
                    break

        top_up()
        while running:
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                record(*future.result())
            if give_up():
                summary.status = "failed"
                for future in running:
                    future.cancel()
                for future in running:
                    if not future.cancelled():
                        record(*future.result())
                return
            top_up()
