"""`extractor report` in a real browser (Debian's chromium), offline: highlights, sorting, filtering, escaping."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import INJECTION, TRICKY_ABSTRACT

from extractor.cli import cli
from extractor.store import Store
from extractor.web.marks import json_for_script, segments, slug

# Where each text node of the abstract starts and ends, counted in code points as Python counts offsets.
MARKS_JS = """() => {
  const root = document.getElementById("abstract");
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const marks = [];
  let pos = 0, node;
  while ((node = walker.nextNode())) {
    const length = Array.from(node.data).length;
    const mark = node.parentElement.closest("mark");
    if (mark) marks.push({start: pos, end: pos + length, claims: mark.dataset.claims.split(" ").map(Number)});
    pos += length;
  }
  return {text: root.textContent, marks: marks};
}"""


def write_report(db: str, out: Path) -> Path:
    result = CliRunner().invoke(cli, ["report", "--db", db, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Report written: open file://" in result.output
    return out


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory) -> tuple[str, Path]:
    """The bundled corpus, rules only, as a database and its report."""
    folder = tmp_path_factory.mktemp("report")
    db = str(folder / "sample.duckdb")
    result = CliRunner().invoke(cli, ["extract", "--sample", "--no-model", "--db", db])
    assert result.exit_code == 0, result.output
    return db, write_report(db, folder / "site")


def test_segments_cut_overlapping_evidence_at_every_boundary():
    cut = segments("abcdefgh", [(1, 5, "speedup"), (3, 7, "reduction"), (9, 12, "score")])
    assert [(s.text, s.claims) for s in cut] == [("a", ()), ("bc", (0,)), ("de", (0, 1)), ("fg", (1,)), ("h", ())]
    assert cut[2].kind == "speedup"


@pytest.mark.parametrize(("paper_id", "expected"), [("p001", "p001"), ("2101.00001", "2101.00001"), ("cs/0101", "cs_0101-")])
def test_paper_ids_become_safe_file_names(paper_id, expected):
    assert slug(paper_id).startswith(expected) and "/" not in slug(paper_id)


def test_json_in_a_script_block_cannot_close_it():
    text = str(json_for_script({"title": INJECTION, "x": "a\u2028b & <!--"}))
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"title": INJECTION, "x": "a\u2028b & <!--"}


def test_highlights_sit_exactly_on_the_stored_offsets(tricky_db, tmp_path, offline_page):
    site = write_report(tricky_db, tmp_path / "site")
    page = offline_page.page
    page.goto((site / "papers" / "x1.html").as_uri())
    seen = page.evaluate(MARKS_JS)
    assert seen["text"] == TRICKY_ABSTRACT
    with Store(tricky_db, read_only=True) as store:
        [(_, stored)] = store.extractions(["x1"])
    assert len(stored.claims) == 3
    for i, claim in enumerate(stored.claims):
        covered = sorted((m["start"], m["end"]) for m in seen["marks"] if i in m["claims"])
        assert covered[0][0] == claim.evidence_start and covered[-1][1] == claim.evidence_end
        assert all(a[1] == b[0] for a, b in zip(covered, covered[1:])), f"claim {i} is highlighted with gaps"
        assert "".join(TRICKY_ABSTRACT[s:e] for s, e in covered) == claim.evidence
    assert page.locator("mark.k-speedup").count() >= 1 and page.locator("mark.k-reduction").count() == 0  # nested: speed-up colour
    page.locator("mark").first.focus()
    assert "inference speed 3.5×" in page.locator("#tip").inner_text()


def test_a_script_in_the_title_shows_as_text_and_runs_nothing(tricky_db, tmp_path, offline_page):
    site = write_report(tricky_db, tmp_path / "site")
    page = offline_page.page
    for url in ((site / "papers" / "x1.html").as_uri(), (site / "index.html").as_uri()):
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.get_by_text(INJECTION, exact=True).count() >= 1
        assert page.locator("img").count() == 0 and page.locator("b").count() == 0
    page.goto((site / "papers" / "x1.html").as_uri())
    assert page.locator("h1").inner_text() == INJECTION
    assert page.evaluate("JSON.parse(document.getElementById('paper-data').textContent).title") == INJECTION
    assert page.locator("a[href^='javascript']").count() == 0
    assert offline_page.dialogs == []


def test_the_speedup_table_sorts_and_filters(sample_report, offline_page):
    db, site = sample_report
    with Store(db, read_only=True) as store:
        columns, rows = store.speedups()
    speedups = [dict(zip(columns, r)) for r in rows]
    page = offline_page.page
    page.goto((site / "index.html").as_uri())
    table = page.locator("#speedups")

    def values() -> list[float]:
        """The value column's sort keys of the rows shown, top to bottom."""
        cells = table.locator("tbody tr:not([hidden]) td.num")
        return [float(v) for v in cells.evaluate_all("cells => cells.map(c => c.dataset.sort)")]

    assert len(values()) == len(speedups) > 5

    table.get_by_role("button", name="value").click()
    assert values() == sorted(values()) and table.locator("th[aria-sort=ascending]").count() == 1
    table.get_by_role("button", name="value").click()
    assert values() == sorted(values(), reverse=True)

    architecture = speedups[0]["architecture"]
    page.select_option("#f-architecture", architecture)
    expected = [r for r in speedups if r["architecture"] == architecture]
    assert len(values()) == len(expected)
    assert page.locator("#shown").inner_text() == f"{len(expected)} of {len(speedups)}"
    page.select_option("#f-architecture", "")

    page.select_option("#f-unit", "x")
    page.fill("#f-min", "10")
    expected = [r for r in speedups if r["unit"] == "x" and r["value"] >= 10]
    assert sorted(values()) == sorted(r["value"] for r in expected)

    page.fill("#f-min", "")
    page.select_option("#f-unit", "")
    task = speedups[0]["task"]
    page.fill("#f-task", task.upper())
    assert len(values()) == len([r for r in speedups if task.lower() in r["task"].lower()])
    assert offline_page.dialogs == []


def test_every_paper_has_a_page_linked_from_the_index(sample_report, offline_page):
    db, site = sample_report
    with Store(db, read_only=True) as store:
        count = store.stats()["papers"]
    assert len(list((site / "papers").glob("*.html"))) == count
    page = offline_page.page
    page.goto((site / "index.html").as_uri())
    page.fill("#paper-search", "mamba")
    visible = page.locator("#papers tbody tr:not([hidden])")
    assert 0 < visible.count() < count
    visible.locator("a", has_text=re.compile("mamba", re.I)).first.click()
    assert "mamba" in page.locator("h1").inner_text().lower()
    assert page.locator("svg").count() == 0 and page.locator("#abstract").count() == 1
