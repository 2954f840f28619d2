"""`make screenshots`: docs/img/*.png of the report (index, a paper page) and of the review app.

Usage: python docs/screenshots.py DB REPORT_DIR OUT_DIR [PAPER_ID]
The review app runs on a copy of DB, so the pictures leave no review behind."""

from __future__ import annotations

import shutil
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from extractor.web.app import create_app
from extractor.web.browser import launch


def main(db: Path, report: Path, out: Path, paper: str = "p008") -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch, sync_playwright() as playwright:
        copy = Path(scratch) / db.name
        shutil.copy(db, copy)
        server = make_server("127.0.0.1", 0, create_app(str(copy), reviewer="you"), threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1100, "height": 820})
        local = ("file:", f"http://127.0.0.1:{server.server_port}/")
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(local) else route.abort())
        page.goto((report / "index.html").as_uri())
        page.screenshot(path=out / "report-index.png")
        page.goto((report / "papers" / f"{paper}.html").as_uri())
        page.evaluate("window.scrollTo(0, document.getElementById('abstract').offsetTop - 360)")
        page.locator("mark").first.focus()  # shows a claim's fields over its evidence
        page.screenshot(path=out / "report-paper.png")
        page.goto(f"{local[1]}paper/{paper}")
        page.evaluate("window.scrollTo(0, document.getElementById('task').offsetTop - 300)")
        page.screenshot(path=out / "review-app.png")
        browser.close()
        server.shutdown()
    for name in ("report-index.png", "report-paper.png", "review-app.png"):
        print(out / name)


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]).resolve(), Path(sys.argv[3]), *sys.argv[4:])
