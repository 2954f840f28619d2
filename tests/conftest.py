"""Shared fixtures. Each block says whose it is; add yours in a block of its own."""

from __future__ import annotations

# --- backends: fake_backend, model_path, llama_backend, llama_server, stub_server ---------------
import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from extractor.backends import BackendConfig
from extractor.backends.fake import FakeBackend
from extractor.backends.llama_server import start_llama_server, stop_process
from fleet_server import send_json


@pytest.fixture
def fake_backend() -> FakeBackend:
    """A backend that answers with minimal schema instances unless given replies."""
    return FakeBackend()


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The bundled SmolLM2 GGUF; fails with the fix (`make models`) if it is missing."""
    from extractor.backends.llama_cpp import default_model_path

    return default_model_path()


@pytest.fixture(scope="session")
def llama_backend(model_path: Path) -> Any:
    """One in-process engine for the whole session (loading costs ~0.2 s, the KV cache is shared).

    One thread: on a shared or busy machine llama.cpp's spinning thread pool slows down up to 100x."""
    from extractor.backends.llama_cpp import LlamaCppBackend

    return LlamaCppBackend(BackendConfig(model=str(model_path), n_ctx=2048, n_threads=1))


@pytest.fixture(scope="session")
def llama_server(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `python -m llama_cpp.server` on 127.0.0.1; yields its base URL (…/v1)."""
    process, base_url = start_llama_server(model_path, tmp_path_factory.mktemp("server") / "server.log")
    try:
        yield base_url
    finally:
        stop_process(process)


class StubServer:
    """A scripted OpenAI-compatible server: each request gets the next (status, body) from `script`."""

    def __init__(self) -> None:
        self.script: list[tuple[int, Any]] = []
        self.requests: list[dict] = []
        self.headers: list[dict[str, str]] = []
        self.fallback: Callable[[dict], tuple[int, Any]] | None = None
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self, status: int, body: Any) -> None:
                send_json(self, status, body)

            def do_GET(self) -> None:
                self._reply(200, {"object": "list", "data": [{"id": "stub-model", "object": "model"}]})

            def do_POST(self) -> None:
                request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.requests.append(request)
                stub.headers.append({k.lower(): v for k, v in self.headers.items()})
                if stub.script:
                    self._reply(*stub.script.pop(0))
                elif stub.fallback is not None:
                    self._reply(*stub.fallback(request))
                else:
                    self._reply(500, {"error": {"message": "stub script is empty"}})

            def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def stub_server() -> Iterator[StubServer]:
    """A local scripted HTTP server on 127.0.0.1 for retry, error and re-ask tests."""
    server = StubServer()
    yield server
    server.close()

# --- end backends ---------------------------------------------------------------------------


def count_done(db: Path) -> int:
    """Extractions stored so far in a database another process is writing (read from a copy: the writer holds the lock)."""
    if not db.exists():
        return 0
    copy = db.with_suffix(".copy")
    try:
        copy.write_bytes(db.read_bytes())
        wal = db.with_suffix(".duckdb.wal")
        copy_wal = copy.with_suffix(".copy.wal")
        if wal.exists():
            copy_wal.write_bytes(wal.read_bytes())
        from extractor.store import Store

        with Store(str(copy), read_only=True) as store:
            return store.query("select count(*) from extractions where status = 'ok'")[1][0][0]
    except Exception:
        return 0
    finally:
        for f in (copy, copy.with_suffix(".copy.wal")):
            f.unlink(missing_ok=True)


# --- browser (issue 13): chromium, offline_page -----------------------------------------------

@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium driven by Playwright (its own browser download needs the network). Missing fails."""
    from playwright.sync_api import sync_playwright

    from extractor.errors import ExtractorError
    from extractor.web.browser import launch

    with sync_playwright() as playwright:
        try:
            chromium = launch(playwright)
        except ExtractorError as e:
            pytest.fail(str(e))
        yield chromium
        chromium.close()


class OfflinePage:
    """A page in its own browser context that aborts every request not to file:// or loopback, and records
    those requests and any dialog (alert, confirm) a script opened."""

    def __init__(self, browser: Any) -> None:
        self.blocked: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport={"width": 1200, "height": 900})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route: Any) -> None:
        from urllib.parse import urlsplit

        url = route.request.url
        if url.startswith(("file:", "data:")) or urlsplit(url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def offline_page(browser: Any) -> Iterator[OfflinePage]:
    """An OfflinePage; the test fails if the page asked the network for anything or a script failed."""
    page = OfflinePage(browser)
    yield page
    page.context.close()
    assert page.blocked == [], f"the page requested non-local URLs: {page.blocked}"
    assert page.errors == [], f"scripts failed in the page: {page.errors}"

INJECTION = "</script><script>alert(1)</script>"
TRICKY_ABSTRACT = ("We study 𝒪(n) attention <img src=x onerror=alert(2)> for long inputs. FastNet runs 3.5x faster than "
                   "BERT and cuts memory by 40% while improving accuracy by 2.1 points.")


@pytest.fixture
def tricky_db(tmp_path: Path) -> str:
    """A database with one hostile paper (script in the title, HTML in the abstract, a javascript: code URL, a
    character outside the BMP before the evidence) whose three claims overlap, plus one plain paper; each has
    a stored problem (x2 a low-confidence domain)."""
    from extractor.schema import Claim, Extraction, Paper
    from extractor.store import Store
    from extractor.validate import Problem

    def claim(evidence: str, **fields: Any) -> Claim:
        start = TRICKY_ABSTRACT.index(evidence)
        return Claim(evidence=evidence, evidence_start=start, evidence_end=start + len(evidence), **fields)

    hostile = Extraction(task="long-context <b>inference</b>", domain="language", architecture="decoder-only",
                         introduced=["FastNet"], code_url="javascript:alert(3)", claims=[
        claim("runs 3.5x faster than BERT and cuts memory by 40%", metric="inference speed", kind="speedup", value=3.5,
              unit="x", direction="increase", bound="exact", baseline="BERT"),
        claim("cuts memory by 40%", metric="memory", kind="reduction", value=40, unit="%", direction="decrease",
              bound="exact"),
        claim("improving accuracy by 2.1 points", metric="accuracy", kind="improvement", value=2.1, unit="abs",
              direction="increase", bound="exact")])
    plain = Extraction(task="image classification", domain="vision", architecture="encoder-only", claims=[])
    db = str(tmp_path / "tricky.duckdb")
    with Store(db) as store:
        store.add_papers([Paper(id="x1", title=INJECTION, abstract=TRICKY_ABSTRACT),
                          Paper(id="x2", title="A plain paper", abstract="We classify images with 2 layers.")])
        run = store.start_run("test", {})
        store.write_extraction(run, "test", "x1", hostile, [
            Problem("x1", "metric-not-a-metric", "claims[2].metric", "'accuracy' <b>is</b> fine")], {}, {})
        store.write_extraction(run, "test", "x2", plain, [
            Problem("x2", "low-confidence", "domain", "'vision' has probability 0.40; check it")], {}, {})
        store.finish_run(run)
    return db


# --- end browser --------------------------------------------------------------------------------
