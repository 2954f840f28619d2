"""Run the pipeline over many papers into the store: resume, one writer, optional concurrency.

Each paper's rows are written in one transaction as soon as it is done, so a crash, a kill -9
or Ctrl-C loses at most the papers in flight; the next run with the same key skips the rest.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from extractor.backends import Backend
from extractor.errors import BackendError
from extractor.extract import Result, Settings, config_key, extract_paper
from extractor.schema import Paper
from extractor.store import Store
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
    seconds: float = 0.0
    status: str = "done"


Progress = Callable[[RunSummary, str], None]


def run_extraction(
    store: Store,
    papers: Iterable[Paper],
    backend: Backend | None,
    settings: Settings,
    *,
    force: bool = False,
    concurrency: int = 1,
    on_start: Callable[[int], None] | None = None,
    on_paper: Progress | None = None,
    limit_failures: int = 5,
    read_seconds: float = 0.0,
) -> RunSummary:
    """Extract every paper not yet done under this configuration and store it paper by paper.

    Failures of one paper are recorded (and retried by the next run); after `limit_failures`
    backend failures in a row the run stops, since the engine or server is likely down."""
    description = backend.describe() if backend is not None and settings.needs_model else {"backend": "rules"}
    key = config_key(description, settings)
    papers = list(papers)
    read_each = read_seconds / len(papers) if papers else 0.0
    store.add_papers(papers)
    done = set() if force else store.done_ids(key)
    todo = [p for p in papers if p.id not in done]
    run_id = store.start_run(key, {**description, **settings.describe()})
    summary = RunSummary(run_id, key, total=len(papers), skipped=len(papers) - len(todo))
    if on_start:
        on_start(len(todo))
    started = time.perf_counter()
    in_a_row = 0

    def work(paper: Paper) -> tuple[Paper, Result | None, str | None, float]:
        t0 = time.perf_counter()
        try:
            return paper, extract_paper(paper, backend, settings), None, time.perf_counter() - t0
        except BackendError as e:
            return paper, None, str(e), time.perf_counter() - t0

    def record(paper: Paper, result: Result | None, error: str | None, seconds: float) -> None:
        nonlocal in_a_row
        t0 = time.perf_counter()
        if result is None:
            store.write_extraction(run_id, key, paper.id, None, [], {"read": read_each, "model": seconds}, {}, error=error)
            summary.failed[paper.id] = error or "unknown error"
            in_a_row += 1
        else:
            problems = validate(paper, result.extraction) + result.problems
            result.timings["read"] = read_each
            result.timings["rules"] += time.perf_counter() - t0  # validation is rules too; the store times its write
            store.write_extraction(run_id, key, paper.id, result.extraction, problems, result.timings, result.tokens)
            summary.done += 1
            summary.problems += len(problems)
            in_a_row = 0
        summary.seconds = time.perf_counter() - started
        if on_paper:
            on_paper(summary, paper.id)

    try:
        if concurrency <= 1:
            for paper in todo:
                record(*work(paper))
                if in_a_row >= limit_failures:
                    summary.status = "failed"
                    break
        else:
            _run_concurrently(todo, work, record, concurrency, lambda: in_a_row >= limit_failures, summary)
    except KeyboardInterrupt:
        summary.status = "interrupted"
        store.finish_run(run_id, "interrupted")
        raise
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
