"""`make screenshots`: docs/img/report-index.png and docs/img/report-paper.png from a written report.

Usage: python docs/screenshots.py REPORT_DIR OUT_DIR [PAPER_ID]"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from extractor.web.browser import launch


def main(report: Path, out: Path, paper: str = "p008") -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page(viewport={"width": 1100, "height": 820})
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
        page.goto((report / "index.html").as_uri())
        page.screenshot(path=out / "report-index.png")
        page.goto((report / "papers" / f"{paper}.html").as_uri())
        page.evaluate("window.scrollTo(0, document.getElementById('abstract').offsetTop - 360)")
        page.locator("mark").first.focus()  # shows a claim's fields over its evidence
        page.screenshot(path=out / "report-paper.png")
        browser.close()
    for name in ("report-index.png", "report-paper.png"):
        print(out / name)


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve(), Path(sys.argv[2]), *sys.argv[3:])
