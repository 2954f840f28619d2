"""The command line of the scale path: `extract --engine ray --out DIR`, `attach`, `import`, `--db DIR`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from extractor.extract import Settings
    from extractor.schema import Paper


def scale_options(fn: Callable) -> Callable:
    """The options `extract` takes for Ray: where to write, how many actors, the bound per server."""
    for option in reversed([
        click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
                     help="local: this process into --db; ray: Ray Data actors into Parquet files under --out "
                          "(pip install 'extractor[ray]'; RAY_ADDRESS picks a cluster, else a local one starts)."),
        click.option("--out", type=click.Path(file_okay=False), help="Folder of Parquet tables (--engine ray); a rerun resumes."),
        click.option("--actors", type=click.IntRange(1, 4096), default=2, show_default=True,
                     help="Ray actors, each one CPU and its own engine (--engine ray)."),
        click.option("--shard-size", type=click.IntRange(1, 1_000_000), default=500, show_default=True,
                     help="Papers per shard, the unit of work and of resume (--engine ray; fixed once a folder is started)."),
        click.option("--max-in-flight", type=click.IntRange(1, 4096), default=4, show_default=True,
                     help="Requests in flight per --base-url server, in all (several --base-url spread the load)."),
    ]):
        fn = option(fn)
    return fn


def run_on_ray(papers: Iterable[Paper], paths: tuple[str, ...], read_options: dict, out: str | None, actors: int, shard_size: int,
               settings: Settings, base_urls: tuple[str, ...], in_flight: int, model: str | None, structured: str,
               request_body: dict, reader: bool, threads: int | None) -> None:
    """`extract --engine ray`: check the options, run, print where the tables are and how to query them."""
    try:
        import ray  # noqa: F401
    except ImportError:
        raise click.UsageError("--engine ray needs Ray Data: pip install 'extractor[ray]'.") from None
    from rich.console import Console

    from extractor.ray_run import Engine, fingerprint, run_ray

    if not out:
        raise click.UsageError("--engine ray writes Parquet tables: give the folder with --out DIR.")
    if "-" in paths:
        raise click.UsageError("--engine ray reads files (a rerun must read the same input): save stdin to a file first.")
    engine = Engine(base_urls=base_urls, model=model, structured=structured, in_flight=in_flight,
                    request_body=request_body, reader=reader, threads=threads or 1)
    description: dict = {"backend": "rules"}
    if settings.needs_model:
        if base_urls:
            from extractor.backends import BackendConfig
            from extractor.backends.fleet import FleetBackend

            description = FleetBackend(BackendConfig(model=model, structured=structured), list(base_urls), in_flight).describe()
        else:
            from extractor.backends.llama_cpp import default_model_path

            description = {"backend": "llama_cpp", "model": Path(model or default_model_path()).name}
    if reader:
        from extractor.backends.llama_cpp import default_model_path

        description = {**description, "reader": default_model_path().name}
    err = Console(stderr=True)

    def on_shard(summary) -> None:
        err.print(f"{summary.done + summary.failed} papers extracted, {summary.failed} failed "
                  f"({summary.seconds:.0f} s)", highlight=False, soft_wrap=True)

    try:
        summary = run_ray(papers, Path(out), settings, engine, description, fingerprint(paths, read_options),
                          ", ".join(paths), actors=actors, shard_size=shard_size, on_shard=on_shard)
    except KeyboardInterrupt:
        err.print("[yellow]Interrupted.[/] Every finished shard is kept; rerun the same command to resume.")
        raise SystemExit(130) from None
    err.print(f"{summary.done} papers extracted, {summary.failed} failed, {summary.skipped} of {summary.shards} shards "
              f"done before ({summary.seconds:.1f} s) -> {out}", highlight=False, soft_wrap=True)
    err.print(f"Query it: extractor speedups --db {out}   (or `extractor attach {out} --db FILE`)", highlight=False, soft_wrap=True)
    if summary.failed:
        raise SystemExit(2)


@click.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--db", "db", required=True, type=click.Path(dir_okay=False), help="New DuckDB file to hold the views.")
def attach(folder: str, db: str) -> None:
    """Make a DuckDB file of views over FOLDER's Parquet tables (from `extract --engine ray --out FOLDER`):
    every command then reads them in place with --db FILE. `--db FOLDER` does the same without a file.

    \b
    Example:
        extractor attach runs/arxiv --db arxiv.duckdb && extractor speedups --db arxiv.duckdb
    """
    from extractor.attach import attach_to_file
    from extractor.cli import handle_errors

    handle_errors(attach_to_file)(Path(folder), Path(db))
    click.echo(f"{db}: views over {folder}; e.g. extractor sql \"select count(*) from extractions\" --db {db}", err=True)


@click.command(name="import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--db", "db", required=True, type=click.Path(dir_okay=False), help="DuckDB file to copy into (made if missing).")
def import_command(folder: str, db: str) -> None:
    """Copy FOLDER's Parquet tables into a DuckDB file; a paper already there is replaced by FOLDER's version.

    \b
    Example:
        extractor import runs/arxiv --db outputs/extractor.duckdb
    """
    from extractor.attach import import_folder
    from extractor.cli import handle_errors

    n = handle_errors(import_folder)(Path(folder), Path(db))
    click.echo(f"{n} papers copied from {folder} into {db}", err=True)

