"""Command-line interface: parse options, call the library, print. Data on stdout, progress on stderr."""

from __future__ import annotations

import functools
import itertools
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from extractor.errors import ExtractorError, InputError
from extractor.scale_cli import attach, import_command, run_on_ray, scale_options

DEFAULT_DB = "outputs/extractor.duckdb"


def _stderr():
    from rich.console import Console

    return Console(stderr=True)


def _stdout():
    from rich.console import Console

    # Piped or captured (make demo in CI), rich would assume 80 columns and fold every cell.
    return Console(soft_wrap=True, width=None if sys.stdout.isatty() else 150)


def handle_errors(fn: Callable) -> Callable:
    """Turn ExtractorError into a clean message and exit code 1; EXTRACTOR_DEBUG=1 keeps tracebacks."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ExtractorError as e:
            if os.environ.get("EXTRACTOR_DEBUG"):
                raise
            click.echo(f"Error: {e}", err=True)
            sys.exit(1)

    return wrapper


def db_option(fn: Callable) -> Callable:
    return click.option(
        "--db", "db", default=DEFAULT_DB, show_default=True, type=click.Path(),
        help="DuckDB file to use, or the Parquet folder of `extract --engine ray --out DIR`."
    )(fn)


def format_option(fn: Callable) -> Callable:
    from extractor.report import FORMATS

    return click.option(
        "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True, help="Output format."
    )(fn)


def _open_store(db: str, read_only: bool = False):
    from extractor.errors import StoreError
    from extractor.store import Store

    if Path(db).is_dir():  # a Parquet folder of `extract --engine ray --out DIR`, read through views
        from extractor.attach import attached_store

        if not read_only:
            raise StoreError(f"{db} is a folder: only `extract --engine ray --out {db}` writes it; pass --db a DuckDB file.")
        return attached_store(db)
    if read_only and db != ":memory:" and not Path(db).exists():
        raise StoreError(f"No database at {db}. Run `extractor extract PATH --db {db}` first (or `make demo`).")
    return Store(db, read_only=read_only)


def _print_rows(columns: list[str], rows: list[tuple], fmt: str, title: str | None = None) -> None:
    from extractor.report import render

    out = render(columns, rows, fmt, title=title)
    if isinstance(out, str):
        click.echo(out, nl=not out.endswith("\n"))
    else:
        _stdout().print(out)


@click.group()
@click.version_option(package_name="extractor")
def cli() -> None:
    """Extract tasks, architectures, coined names and quantitative claims from ML paper abstracts
    with a local quantized LLM, store them in DuckDB and query them.

    \b
    Quick start:
        extractor extract --sample          # the bundled 176 papers, bundled model
        extractor speedups                  # the table of reported speed-ups
        extractor sql "select kind, count(*) from claims group by kind"
    """


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option("--sample", is_flag=True, help="Extract the bundled sample corpus (176 papers).")
@click.option("--input-format", type=click.Choice(["jsonl", "json", "csv", "listing", "atom", "parquet"]), help="Input format (default: from the extension, .gz left aside; a .json file of one object per line is read as JSON Lines).")
@click.option("--field", "field_map", multiple=True, metavar="NAME=KEY", help="Read NAME (title, abstract, id) from another JSON key or CSV column, e.g. --field abstract=summary (repeatable).")
@click.option("--csv-delimiter", metavar="CHAR", help="CSV separator, e.g. ';' or tab (default: the one whose header names the columns).")
@click.option("--on-error", type=click.Choice(["fail", "skip"]), default="fail", show_default=True, help="A bad input record stops the run, or is skipped and reported.")
@click.option("--backend", type=click.Choice(["llama_cpp", "openai", "fake"]), default="llama_cpp", show_default=True, help="Model engine.")
@click.option("--model", "model", help="GGUF path (llama_cpp; default: the bundled SmolLM2) or model name (openai).")
@click.option("--base-url", "base_urls", multiple=True, help="OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1 (with --backend openai); repeat it to spread requests over several.")
@click.option("--api-key-env", help="Name of the environment variable holding the API key (never the key itself).")
@click.option("--structured", type=click.Choice(["auto", "json_object", "json_schema", "tools"]), default="auto", show_default=True, help="Structured-output request shape (openai backend).")
@click.option("--request-json", metavar="JSON", help='Extra fields for every request (openai backend), e.g. \'{"repeat_penalty": 1.0}\'.')
@click.option("--concurrency", type=click.IntRange(1, 64), default=1, show_default=True, help="Papers in flight at once (openai backend).")
@click.option("--threads", type=click.IntRange(1, 256), help="CPU threads for llama.cpp (default: 1 to generate answers, where on a CPU other processes use 2 ran ~7x slower than 1; to read abstracts, the cores the load average leaves idle).")
@click.option("--no-model", is_flag=True, help="Rules and learned heads alone: no model is loaded, none reads the abstracts (the ablation baseline).")
@click.option("--no-reader", is_flag=True, help="The bundled model does not read each abstract: domain and architecture from words and cues alone (about 50x faster, a few points less accurate).")
@click.option("--ask", default="", metavar="FIELDS", help="Fields the model decides instead of the rules: task,domain,architecture,claims; or all (it fills the whole record, the rules check it).")
@click.option("--fallback", default="", metavar="FIELDS", help="Fields the model decides only where the rules found no cue: domain,architecture.")
@click.option("--review", default="", metavar="FIELDS", help="Fields (domain, architecture) the model answers too where the learned answer is not confident; where it disagrees a validation problem is stored (default: none).")
@click.option("--force", is_flag=True, help="Redo papers already extracted with the same model and config (their stored text is rewritten too).")
@click.option("--changed", "on_changed", type=click.Choice(["redo", "refuse"]), default="redo", show_default=True,
              help="An input paper whose id is stored with another title or abstract: extract it again (its stored "
                   "text and rows are replaced), or stop before writing and name both versions.")
@click.option("--limit", type=int, help="Only the first N papers.")
@click.option("--filter-categories", metavar="CATS", help="Only papers with one of these arXiv categories (the Kaggle snapshot's `categories`), e.g. cs.CL,cs.LG.")
@click.option("--ids", "only_ids", metavar="IDS", help="Only these ids: comma-separated, @FILE (one per line) or @SPLIT.json:NAME.")
@scale_options
@db_option
@handle_errors
def extract(paths: tuple[str, ...], sample: bool, input_format: str | None, field_map: tuple[str, ...], csv_delimiter: str | None,
            on_error: str, backend: str, model: str | None,
            base_urls: tuple[str, ...], api_key_env: str | None, structured: str, request_json: str | None, concurrency: int, threads: int | None,
            no_model: bool, no_reader: bool, ask: str, fallback: str, review: str, force: bool, on_changed: str, limit: int | None,
            filter_categories: str | None, only_ids: str | None, engine: str, out: str | None, actors: int, shard_size: int, max_in_flight: int,
            db: str) -> None:
    """Extract papers from PATHS (JSONL, JSON array, CSV, Atom XML, listing-page text, or - for stdin) into the database.

    A rerun skips papers already extracted with the same model and settings, so an interrupted
    run resumes where it stopped.

    \b
    Examples:
        extractor extract --sample
        extractor extract papers.jsonl --db my.duckdb
        extractor extract listing.txt --no-model
        cat papers.jsonl | extractor extract - --input-format jsonl
        extractor extract arxiv-metadata-oai-snapshot.json --limit 1000 --no-model
        extractor extract openalex.jsonl --field title=display_name
        extractor extract export.csv --csv-delimiter ';' --field abstract=Summary
        extractor extract papers.csv --backend openai --base-url http://127.0.0.1:8000/v1 --model local --concurrency 4
        extractor extract ../shared/data/arxiv_sample.jsonl --ids @../shared/data/arxiv_gold_split.json:test
    """
    from extractor.backends import BackendConfig, get_backend
    from extractor.corpus import read_papers, read_sample
    from extractor.extract import CUE_FIELDS, Settings

    err = _stderr()
    if not paths and not sample:
        raise click.UsageError("Give one or more PATHS to read, or --sample for the bundled corpus.")
    skipped: list[str] = []

    def on_skip(e: InputError) -> None:
        skipped.append(str(e))
        err.print(f"[yellow]skipped[/]: {e}", highlight=False)

    t0 = time.perf_counter()
    read = read_papers(paths, input_format, on_error=on_error, on_skip=on_skip, fields=_field_map(field_map),
                       csv_delimiter=_delimiter(csv_delimiter), categories=_categories(filter_categories))
    papers = itertools.chain(read_sample() if sample else (), read)
    if only_ids:
        wanted = set(_parse_ids(only_ids))
        papers = (p for p in papers if p.id in wanted)
    papers = itertools.islice(papers, limit)
    first = list(itertools.islice(papers, 256))  # read before the database opens: a bad first chunk writes nothing
    read_seconds = time.perf_counter() - t0
    if not first and only_ids and not skipped:
        raise click.BadParameter("none of the papers read has one of these ids", param_hint="--ids")
    if not first:
        raise InputError(_nothing_read(paths, len(skipped)))
    papers = itertools.chain(first, papers)  # the rest is read as the run goes: memory stays flat
    settings = Settings(use_model=not no_model, ask=_fields("--ask", ask),
                        fallback=_fields("--fallback", fallback, CUE_FIELDS), review=_fields("--review", review, CUE_FIELDS))
    if engine == "ray":
        options = {"format": input_format, "fields": field_map, "delimiter": csv_delimiter, "categories": filter_categories,
                   "ids": only_ids, "limit": limit, "sample": sample}
        return run_on_ray(papers, paths, options, out, actors, shard_size, settings, base_urls, max_in_flight, model, structured,
                          _json_object(request_json) if request_json else {}, not no_model and not no_reader, threads)
    engine = reader = None
    if not no_model and not no_reader:
        from extractor.backends.llama_cpp import default_model_path
        from extractor.learned.reader import Reader, reader_threads

        reader = Reader(default_model_path(), n_threads=threads or reader_threads())
    if settings.needs_model:
        from extractor.backends.fleet import FleetBackend  # (openai's client: imported only when a model answers)

        config = BackendConfig(model=model, n_threads=threads, base_url=base_urls[0] if base_urls else None, api_key_env=api_key_env,
                               structured=structured, extra={"body": _json_object(request_json)} if request_json else {})
        with err.status(f"Loading {backend} model ..."):
            engine = get_backend(backend, config) if len(base_urls) < 2 else FleetBackend(config, list(base_urls), max_in_flight)
        if backend == "openai":
            err.print(f"Structured output: {engine.resolve_structured()} ({engine.probe_note})")  # type: ignore[attr-defined]
    with _open_store(db) as store:
        summary = _run_with_progress(store, papers, engine, reader, settings, force, on_changed, concurrency, read_seconds)
    _print_summary(summary, len(skipped), db)
    if summary.failed:
        sys.exit(2)


def _field_map(specs: tuple[str, ...]) -> dict[str, str]:
    from extractor.corpus import FIELDS

    out: dict[str, str] = {}
    for spec in specs:
        name, sep, key = (part.strip() for part in spec.partition("="))
        if not sep or not key or name not in FIELDS:
            raise click.BadParameter(f"{spec!r} is not NAME=KEY with NAME one of {', '.join(FIELDS)}; "
                                     "e.g. --field abstract=summary", param_hint="--field")
        out[name] = key
    return out


def _categories(value: str | None) -> frozenset[str] | None:
    return frozenset(c.strip() for c in value.split(",") if c.strip()) or None if value else None


def _delimiter(value: str | None) -> str | None:
    if value is None:
        return None
    value = {"tab": "\t", "\\t": "\t", "semicolon": ";", "comma": ",", "pipe": "|"}.get(value.lower(), value)
    if len(value) != 1:
        raise click.BadParameter(f"{value!r} is not one character; e.g. ';' or tab", param_hint="--csv-delimiter")
    return value


def _json_object(text: str) -> dict:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise click.BadParameter(f"--request-json is not JSON ({e.msg}); write it like '{{\"repeat_penalty\": 1.0}}'") from e
    if not isinstance(value, dict):
        raise click.BadParameter("--request-json must be a JSON object")
    return value


def _fields(option: str, value: str, allowed: tuple[str, ...] | None = None) -> tuple[str, ...]:
    from extractor.extract import MODEL_FIELDS

    allowed = allowed or (*MODEL_FIELDS, "all")
    fields = tuple(f.strip() for f in value.split(",") if f.strip())
    unknown = [f for f in fields if f not in allowed]
    if unknown:
        raise click.BadParameter(f"unknown field {unknown[0]!r}; choose from {','.join(allowed)}", param_hint=option)
    return fields


def _nothing_read(paths: tuple[str, ...], skipped: int) -> str:
    where = ", ".join(paths) or "the input"
    if skipped:
        return (f"No paper could be read from {where}: all {skipped} records were skipped (reasons above). "
                "Fix them, or check --input-format.")
    return f"{where} holds no papers: nothing to extract. Check the path, or --input-format."


def _run_with_progress(store, papers, engine, reader, settings, force, on_changed, concurrency, read_seconds):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from extractor.run import run_extraction

    columns = [TextColumn("[bold]extract"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]} papers/s"),
               TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn()]
    with Progress(*columns, console=_stderr(), transient=False) as progress:
        task = progress.add_task("extract", total=None, rate="–")

        def on_start(n: int | None) -> None:
            progress.update(task, total=n)

        def on_paper(summary, paper_id: str) -> None:
            n = summary.done + len(summary.failed) + summary.skipped
            progress.update(task, completed=n, rate=f"{n / summary.seconds:.2f}" if summary.seconds else "–")

        try:
            return run_extraction(store, papers, engine, settings, force=force, on_changed=on_changed, concurrency=concurrency,
                                  on_start=on_start, on_paper=on_paper, read_seconds=read_seconds, reader=reader)
        except KeyboardInterrupt:
            progress.stop()
            _stderr().print("[yellow]Interrupted.[/] Every finished paper is stored; rerun the same command to resume.")
            sys.exit(130)


def _print_summary(summary, skipped: int, db: str) -> None:
    from extractor.report import summary_lines

    err = _stderr()
    for line in summary_lines(summary, skipped, db):
        err.print(line, highlight=False, soft_wrap=True)  # unfolded: the validate command stays copyable


def _parse_ids(spec: str) -> list[str]:
    """Ids from `a,b,c`, `@FILE` (one per line) or `@SPLIT.json:NAME` (a list in a JSON object, as score.py's --ids)."""
    from extractor.errors import InputError

    if not spec.startswith("@"):
        return [s.strip() for s in spec.split(",") if s.strip()]
    path, sep, key = spec[1:].rpartition(":")
    if not (sep and path.endswith(".json")):
        path, key = spec[1:], ""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise InputError(f"{path}: cannot read the ids file ({e.strerror or e}); check the path.") from e
    if not key:
        return [line.strip() for line in text.splitlines() if line.strip()]
    splits = json.loads(text)
    if key not in splits:
        raise InputError(f"{path}: no split named {key!r}; it has {', '.join(sorted(splits))}.")
    return list(splits[key])


from extractor.query_cli import COMMANDS as QUERY_COMMANDS  # noqa: E402  (they import cli's helpers)
from extractor.web.commands import COMMANDS as WEB_COMMANDS  # noqa: E402  (report, serve)

for _command in (*QUERY_COMMANDS, *WEB_COMMANDS):
    cli.add_command(_command)
cli.add_command(attach)
cli.add_command(import_command)
