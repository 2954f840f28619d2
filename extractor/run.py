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
from extractor.errors import BackendError, InputError
from extractor.extract import Result, Settings, config_key, extract_paper
from extractor.learned.reader import Reader
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


def run_extraction(
    store: Store,
    papers: Iterable[Paper],
    backend: Backend | None,
    settings: Settings,
    *,
    force: bool = False,
    on_changed: str = "redo",
    concurrency: int = 1,
    on_start: Callable[[int], None] | None = None,
    on_paper: Progress | None = None,
    limit_failures: int = 5,
    read_seconds: float = 0.0,
    reader: Reader | None = None,
) -> RunSummary:
    """Extract every paper not yet done under this configuration and store it paper by paper.

    Failures of one paper are recorded (and retried by the next run); after `limit_failures`
    backend failures in a row the run stops, since the engine or server is likely down.

    A paper whose id is stored with another title or abstract is extracted again and its stored text
    replaced with its rows (`on_changed="redo"`), or the run stops before writing anything ("refuse")."""
    if on_changed not in ON_CHANGED:
        raise ValueError(f"on_changed must be one of {ON_CHANGED}, not {on_changed!r}")
    description = backend.describe() if backend is not None and settings.needs_model else {"backend": "rules"}
    if reader is not None:
        description = {**description, "reader": reader.name}  # the heads it feeds were trained on this model
    key = config_key(description, settings)
    papers = list(papers)
    read_each = read_seconds / len(papers) if papers else 0.0
    changed = store.changed_papers(papers)
    if changed and on_changed == "refuse":
        raise InputError(changed_message(changed))
    store.add_papers(papers)
    done = set() if force else store.done_ids(key) - {new.id for _, new in changed}
    todo = [p for p in papers if p.id not in done]
    run_id = store.start_run(key, {**description, **settings.describe()})
    summary = RunSummary(run_id, key, total=len(papers), skipped=len(papers) - len(todo), changed=len(changed))
    if on_start:
        on_start(len(todo))
    started = time.perf_counter()
    in_a_row = 0

    def work(paper: Paper) -> tuple[Paper, Result | None, str | None, float]:
        t0 = time.perf_counter()
        try:
            return paper, extract_paper(paper, backend, settings, reader), None, time.perf_counter() - t0
        except BackendError as e:
            return paper, None, str(e), time.perf_counter() - t0

    def record(paper: Paper, result: Result | None, error: str | None, seconds: float) -> None:
        nonlocal in_a_row
        t0 = time.perf_counter()
        if result is None:
            store.write_extraction(run_id, key, paper.id, None, [], {"read": read_each, "model": seconds}, {}, error=error,
                                   paper=paper)
            summary.failed[paper.id] = error or "unknown error"
            in_a_row += 1
        else:
            problems = validate(paper, result.extraction) + result.problems
            result.timings["read"] = read_each
            result.timings["rules"] += time.perf_counter() - t0  # validation is rules too; the store times its write
            store.write_extraction(run_id, key, paper.id, result.extraction, problems, result.timings, result.tokens,
                                   paper=paper)
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
