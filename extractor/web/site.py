"""`extractor report`: write the static site (index + one page per paper + shared assets) that opens from file://."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

from extractor.errors import ExtractorError
from extractor.store import Store
from extractor.web import marks
from extractor.web.pages import environment, index_charts, paper_pages, speedup_rows

ASSETS = ("site.css", "report.js")


def build(store: Store, out: Path, progress: Callable[[int, int], None] | None = None) -> Path:
    """Write the site into `out` (created; the files it writes are replaced) and return the index's path.

    Every link is relative and every asset is local, so the folder can be copied anywhere and opened offline."""
    try:
        (out / "papers").mkdir(parents=True, exist_ok=True)
        (out / "assets").mkdir(exist_ok=True)
    except OSError as e:
        raise ExtractorError(f"Cannot write the report into {out}: {e.strerror or e}. Pass --out a writable folder.") from e
    static = files("extractor.web") / "static"
    for name in ASSETS:
        with (static / name).open("rb") as src, open(out / "assets" / name, "wb") as dst:
            shutil.copyfileobj(src, dst)
    pages = paper_pages(store)
    links = _unique_slugs([p.paper.id for p in pages])
    speedups = speedup_rows(store)
    env = environment()
    paper_template = env.get_template("report_paper.html")
    for i, page in enumerate(pages, 1):
        (out / "papers" / f"{links[page.paper.id]}.html").write_text(
            paper_template.render(page=page, root="../", home="../index.html"), encoding="utf-8")
        if progress:
            progress(i, len(pages))
    index = out / "index.html"
    index.write_text(env.get_template("report_index.html").render(
        pages=pages, speedups=speedups, charts=index_charts(pages, speedups), links=links, root="",
        architectures=sorted({r["architecture"] for r in speedups if r["architecture"]}),
        stats=store.stats()), encoding="utf-8")
    return index


def _unique_slugs(ids: list[str]) -> dict[str, str]:
    """Paper id -> file name; ids that clean to the same name (case-insensitive file systems too) get a number."""
    taken: set[str] = set()
    out = {}
    for pid in ids:
        name = base = marks.slug(pid)
        n = 1
        while name.lower() in taken:
            n += 1
            name = f"{base}-{n}"
        taken.add(name.lower())
        out[pid] = name
    return out
