"""The `report` and `serve` commands; cli.py registers them with one line."""

from __future__ import annotations

import os
import secrets
import signal
from pathlib import Path

import click

from extractor.cli import _open_store, _stderr, db_option, handle_errors
from extractor.errors import ExtractorError


@click.command()
@click.option("--out", "out", default="outputs/report", show_default=True, type=click.Path(file_okay=False),
              help="Folder to write the site into (created; its pages are replaced).")
@db_option
@handle_errors
def report(out: str, db: str) -> None:
    """Write a static HTML report that opens from file:// with no network.

    An index (charts, the sortable and filterable speed-up table, every paper) and one page per
    paper with each claim's evidence highlighted in the abstract. Reviews made in `extractor serve`
    are applied.

    \b
    Example:
        extractor report --db outputs/extractor.duckdb --out outputs/report
    """
    from rich.progress import Progress

    from extractor.web.site import build

    with _open_store(db, read_only=True) as store, Progress(console=_stderr(), transient=True) as bar:
        task = bar.add_task("Writing paper pages", total=None)
        index = build(store, Path(out), lambda done, total: bar.update(task, completed=done, total=total))
    click.echo(f"Report written: open {index.resolve().as_uri()}")


LOOPBACK = ("127.0.0.1", "localhost", "::1")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; any other than loopback requires a token (printed in the address).")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port (0: any free one).")
@click.option("--token", envvar="EXTRACTOR_SERVE_TOKEN", help="Token every request must carry (default: a random one "
              "when --host is not loopback). Read from EXTRACTOR_SERVE_TOKEN if set.")
@click.option("--reviewer", default=lambda: os.environ.get("USER") or "reviewer", show_default="$USER",
              help="Name recorded with each review (each browser can set its own).")
@db_option
@handle_errors
def serve(host: str, port: int, token: str | None, reviewer: str, db: str) -> None:
    """Start the review app: browse and search papers, the review queue, correct fields and claims.

    Corrections go into the `reviews` table; the extractions stay as made, and speedups, export,
    report and the reviewed_* views see the corrected values. The database is opened per request, so
    `extractor extract` can write it while the app runs.

    \b
    Example:
        extractor serve --db outputs/extractor.duckdb
        # then open http://127.0.0.1:8765/
    """
    from werkzeug.serving import make_server

    from extractor.web.app import create_app

    _open_store(db, read_only=False).close()  # a clear error now for a bad path, and the reviews table exists
    if host not in LOOPBACK and not token:
        token = secrets.token_urlsafe(18)
    try:
        server = make_server(host, port, create_app(db, token=token, reviewer=reviewer), threaded=True)
    except OSError as e:
        raise ExtractorError(f"Cannot listen on {host}:{port}: {e.strerror or e}. Pass another --port.") from e
    # A shell without job control starts a background command with SIGINT ignored, and Python keeps that:
    # the server would then outlive `kill -INT` (and a test's Ctrl-C). Ctrl-C always stops it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{server.server_port}/" + (f"?token={token}" if token else "")
    click.echo(f"Review app on {url}  (Ctrl-C to stop; the database {db} is opened per request)", err=True)
    try:
        server.serve_forever()  # werkzeug's returns on Ctrl-C
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    click.echo("Stopped; every review was saved when it was made.", err=True)


COMMANDS = [report, serve]
