"""Debian's chromium under Playwright, for the browser tests and `make screenshots` (dev extra: playwright).

Playwright's own browser download needs the network, so the system chromium is driven through its path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from extractor.errors import ExtractorError

CHROMIUM_PATHS = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-dev-shm-usage"]


def chromium_path() -> str:
    """The installed chromium, or an error saying how to install it."""
    found = next((p for p in CHROMIUM_PATHS if Path(p).exists()), None)
    if found is None:
        raise ExtractorError("Debian's chromium is missing: run `apt-get install -y chromium` as root "
                             "(`make test` and `make screenshots` do it).")
    return found


def launch(playwright: Any) -> Any:
    """A headless chromium with no background network traffic of its own."""
    return playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
