"""`extractor serve` in a real browser: corrections land in DuckDB, stale edits are refused, extract runs alongside."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator

import pytest
from click.testing import CliRunner
from conftest import INJECTION, TRICKY_ABSTRACT, OfflinePage
from werkzeug.serving import make_server

from extractor import reviews
from extractor.cli import cli
from extractor.store import Store
from extractor.validate import Problem
from extractor.web import queue
from extractor.web.app import create_app

# Select `text` inside the abstract as a reader would with the mouse (the page then computes the offsets).
SELECT_JS = """(text) => {
  const root = document.getElementById("abstract");
  const at = root.textContent.indexOf(text);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let pos = 0, node, started = false;
  while ((node = walker.nextNode())) {
    const end = pos + node.data.length;
    if (!started && at < end) { range.setStart(node, at - pos); started = true; }
    if (started && at + text.length <= end) { range.setEnd(node, at + text.length - pos); break; }
    pos = end;
  }
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}"""


@pytest.fixture
def serve() -> Iterator[Callable[..., str]]:
    """Start the review app on 127.0.0.1 (a free port) in a thread; returns its base URL."""
    servers = []

    def start(db: str, **options) -> str:
        server = make_server("127.0.0.1", 0, create_app(db, **options), threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def speedups(db: str) -> list[dict]:
    result = CliRunner().invoke(cli, ["speedups", "--db", db, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_a_correction_clicked_in_the_app_lands_in_duckdb_and_in_speedups(tricky_db, serve, offline_page):
    base = serve(tricky_db, reviewer="alice")
    page = offline_page.page
    page.goto(f"{base}/paper/x1")
    assert page.locator("h1").inner_text() == INJECTION
    claim = page.locator("#claim-0")
    claim.locator("input[name=value]").fill("4.5")
    claim.locator("button[value=correct]").click()
    assert "Saved: claim 0 (correct)" in page.locator("#message").inner_text()
    page.select_option("#architecture select[name=value]", "hybrid")
    page.locator("#architecture button[value=correct]").click()
    assert page.locator("#message").inner_text() == "Saved: architecture (correct)."

    with Store(tricky_db, read_only=True) as store:
        rows = store.query("SELECT field, claim_idx, action, old_value, new_value, reviewer FROM reviews ORDER BY id")[1]
        machine = store.query("SELECT value FROM claims WHERE paper_id = 'x1' AND idx = 0")[1]
        architecture = store.query("SELECT architecture FROM extractions WHERE paper_id = 'x1'")[1]
    assert [(r[0], r[1], r[2], r[5]) for r in rows] == [("claim", 0, "correct", "alice"), ("architecture", None, "correct", "alice")]
    assert json.loads(rows[0][3])["value"] == 3.5 and json.loads(rows[0][4])["value"] == 4.5
    assert (json.loads(rows[1][3]), json.loads(rows[1][4])) == ("decoder-only", "hybrid")
    assert machine == [(3.5,)] and architecture == [("decoder-only",)]  # the extraction stays as the rules made it
    [row] = [r for r in speedups(tricky_db) if r["paper_id"] == "x1"]
    assert (row["value"], row["architecture"]) == (4.5, "hybrid")
    assert offline_page.dialogs == []


def test_after_a_drop_the_next_claims_keep_their_own_forms(tricky_db, serve, offline_page):
    page = offline_page.page
    page.goto(f"{serve(tricky_db)}/paper/x1")
    page.locator("#claim-1 button[value=drop]").click()
    assert "Saved: claim 1 (drop)" in page.locator("#message").inner_text()
    assert page.locator("#claim-1").count() == 0
    page.locator("#claim-2 input[name=metric]").fill("top-1 accuracy")
    page.locator("#claim-2 button[value=correct]").click()
    assert "Saved: claim 2 (correct)" in page.locator("#message").inner_text()
    page.locator("mark").last.focus()
    assert "claim 2 · improvement: top-1 accuracy" in page.locator("#tip").inner_text()
    with Store(tricky_db, read_only=True) as store:
        [(_, x)] = store.extractions(["x1"])
    assert [c.metric for c in x.claims] == ["inference speed", "top-1 accuracy"]


def test_two_reviewers_editing_one_field_the_second_is_refused(tricky_db, serve, browser):
    base = serve(tricky_db)
    alice, bob = OfflinePage(browser), OfflinePage(browser)
    try:
        for who in (alice, bob):
            who.page.goto(f"{base}/paper/x1")
        for who, name in ((alice, "alice"), (bob, "bob")):
            who.page.fill("#reviewer-name", name)
            who.page.locator("form.reviewer button").click()
        alice.page.fill("#task input[name=value]", "long-context inference")
        bob.page.fill("#task input[name=value]", "attention")
        alice.page.locator("#task button[value=correct]").click()
        with bob.page.expect_response(lambda r: r.request.method == "POST") as answer:
            bob.page.locator("#task button[value=correct]").click()
        assert answer.value.status == 409
        message = bob.page.locator("#message").inner_text()
        assert "Not saved: task of x1 was changed by alice" in message and "Reload the page" in message
        assert bob.page.locator("#task input[name=value]").input_value() == "long-context inference"  # shows the current value
        assert alice.blocked == bob.blocked == [] and alice.dialogs == bob.dialogs == []
    finally:
        alice.context.close()
        bob.context.close()
    with Store(tricky_db, read_only=True) as store:
        assert store.query("SELECT reviewer, new_value FROM reviews")[1] == [("alice", '"long-context inference"')]


def add_claim(page, evidence: str, value: str) -> None:
    """Select `evidence` in the abstract and add an accuracy improvement of `value` points."""
    form = page.locator("#add-claim")
    page.evaluate(SELECT_JS, evidence)
    assert evidence in page.locator("#selection").inner_text()
    form.locator("input[name=metric]").fill("accuracy")
    form.locator("input[name=value]").fill(value)
    form.locator("select[name=kind]").select_option("improvement")
    form.locator("select[name=unit]").select_option("abs")
    form.locator("#add-button").click()


def test_a_claim_added_by_selecting_its_evidence_gets_the_app_s_offsets(tricky_db, serve, offline_page):
    base = serve(tricky_db)
    page = offline_page.page
    page.goto(f"{base}/paper/x1")
    add_claim(page, "2.1 points", "5")
    assert "does not state the value 5" in page.locator("#message").inner_text()
    add_claim(page, "2.1 points", "2.1")
    assert "Saved: a new claim (add)" in page.locator("#message").inner_text()
    with Store(tricky_db, read_only=True) as store:
        [(_, x)] = store.extractions(["x1"])
    added = x.claims[-1]
    start = TRICKY_ABSTRACT.index("2.1 points")  # code points: the 𝒪 before it is one, not two as in UTF-16
    assert (added.evidence, added.evidence_start, added.evidence_end, added.value) == ("2.1 points", start, start + 10, 2.1)
    assert len(x.claims) == 4


def test_extract_writes_the_database_while_the_app_runs(tricky_db, serve):
    base = serve(tricky_db, retry_seconds=0.5)
    assert urllib.request.urlopen(f"{base}/").status == 200
    result = subprocess.run([sys.executable, "-m", "extractor", "extract", "--sample", "--limit", "3", "--no-model",
                             "--db", tricky_db], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr  # the app held no lock between requests
    assert "p002" in urllib.request.urlopen(f"{base}/?q=").read().decode()

    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('held', flush=True);"
                               " sys.stdin.read()", tricky_db], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(urllib.error.HTTPError) as busy:
            urllib.request.urlopen(f"{base}/")
        assert busy.value.code == 503
        text = busy.value.read().decode()
        assert "is open in another process" in text and "Nothing was saved; try again" in text
    finally:
        holder.communicate("", timeout=30)
    assert urllib.request.urlopen(f"{base}/").status == 200


def test_off_loopback_every_request_needs_the_token_and_forms_their_secret(tricky_db):
    client = create_app(tricky_db, token="s3cret").test_client()
    assert client.get("/").status_code == 403
    assert client.get("/?token=wrong").status_code == 403
    assert client.get("/?token=s3cret").status_code == 200
    assert client.get("/paper/x1").status_code == 200  # the cookie carries it from now on
    assert client.post("/paper/x1/field", data={"field": "task", "action": "accept", "seen": '"x"'}).status_code == 403
    page = client.get("/paper/x1").get_data(as_text=True)
    assert "Content-Security-Policy" in client.get("/").headers and "<script>alert" not in page


def test_eval_scores_the_machine_against_the_reviews(tricky_db):
    with Store(tricky_db) as store, store.transaction("review") as db:
        reviews.record(db, reviews.Review("x1", "architecture", "correct", "decoder-only", "hybrid", "alice"))
        reviews.record(db, reviews.Review("x1", "domain", "accept", "language", None, "alice"))
    result = CliRunner().invoke(cli, ["eval", "--gold-from-reviews", "--db", tricky_db, "--format", "json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.output)
    assert metrics["architecture_acc"] == 0.0 and metrics["domain_acc"] == 1.0
    none = CliRunner().invoke(cli, ["eval", "--db", tricky_db])
    assert none.exit_code != 0 and "GOLD file or --gold-from-reviews" in none.output


@pytest.mark.parametrize(("field", "value", "message"), [
    ("domain", "astrology", "is not a domain"), ("task", "  ", "cannot be empty"),
    ("code_url", "javascript:alert(1)", "not a web address"), ("claims", "x", "Unknown field")])
def test_bad_field_values_are_refused_with_what_is_allowed(field, value, message):
    with pytest.raises(reviews.ReviewRefused, match=message):
        reviews.check_field(field, value)


def test_the_queue_puts_likely_wrong_records_first_and_drops_reviewed_problems():
    problems = [Problem("a", "low-confidence", "domain", "'vision' has probability 0.90; check it"),
                Problem("b", "low-confidence", "architecture", "'hybrid' has probability 0.30; check it"),
                Problem("c", "evidence-not-verbatim", "claims[1].evidence", "..."),
                Problem("d", "low-confidence", "domain", "'code' has probability 0.10; check it")]
    assert [i.paper_id for i in queue.order(problems, {})] == ["c", "d", "b", "a"]
    assert [i.paper_id for i in queue.order(problems, {"c": {"claims[1]"}, "d": {"domain"}})] == ["b", "a"]


def test_a_new_extraction_that_renumbers_claims_does_not_inherit_their_corrections(tricky_db):
    with Store(tricky_db) as store:
        with store.transaction("review") as db:
            seen = reviews.current(db, "x1", "claim", 0)
            reviews.record(db, reviews.Review("x1", "claim", "correct", seen, seen | {"value": 4.5}, "alice", 0))
            reviews.record(db, reviews.Review("x1", "claim", "drop", reviews.current(db, "x1", "claim", 2), None, "alice", 2))
        [(_, x)] = store.extractions(["x1"])
        assert [c.value for c in x.claims] == [4.5, 40]
        [(_, raw)] = store.extractions(["x1"], reviewed=False)
        run = store.start_run("again", {})
        store.write_extraction(run, "again", "x1", raw.model_copy(update={"claims": raw.claims[::-1]}), [], {}, {})
        [(_, again)] = store.extractions(["x1"])
    assert [(c.metric, c.value) for c in again.claims] == [("accuracy", 2.1), ("memory", 40), ("inference speed", 3.5)]


def test_the_queue_page_lists_open_problems_and_a_review_settles_them(tricky_db):
    client = create_app(tricky_db).test_client()
    page = client.get("/queue").get_data(as_text=True)
    assert page.index("/paper/x2") < page.index("/paper/x1")  # 1 + (1 - 0.40) outweighs a metric that is not one
    assert "&#39;accuracy&#39; &lt;b&gt;is&lt;/b&gt; fine" in page
    with Store(tricky_db) as store, store.transaction("review") as db:
        reviews.record(db, reviews.Review("x2", "domain", "accept", "vision", None, "alice"))
    page = client.get("/queue").get_data(as_text=True)
    assert "/paper/x2" not in page and "/paper/x1" in page


def test_serve_binds_loopback_and_elsewhere_prints_a_token(tricky_db):
    process = subprocess.Popen([sys.executable, "-m", "extractor", "serve", "--db", tricky_db, "--host", "0.0.0.0",
                                "--port", "0"], stderr=subprocess.PIPE, text=True)
    try:
        line = process.stderr.readline()
        assert line.startswith("Review app on http://0.0.0.0:") and "?token=" in line, line
        url = line.split()[3].replace("0.0.0.0", "127.0.0.1")
        assert urllib.request.urlopen(url).status == 200
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url.split("?")[0])
        assert refused.value.code == 403
    finally:
        process.send_signal(signal.SIGINT)
        _, rest = process.communicate(timeout=30)
    assert "Stopped; every review was saved" in rest


def test_serve_stops_on_ctrl_c_even_when_started_with_it_ignored(tricky_db):
    # a shell without job control starts `extractor serve &` with SIGINT ignored; Ctrl-C must still stop it
    process = subprocess.Popen([sys.executable, "-m", "extractor", "serve", "--db", tricky_db, "--port", "0"],
                               stderr=subprocess.PIPE, text=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        assert process.stderr.readline().startswith("Review app on http://127.0.0.1:")
    finally:
        process.send_signal(signal.SIGINT)
        try:
            _, rest = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert "Stopped; every review was saved" in rest


@pytest.mark.parametrize(("text", "found"), [
    ("", ["x1", "x2"]), ("PLAIN", ["x2"]), ("onerror", ["x1"]), ("image classification", ["x2"]),
    ("bert", ["x1"]), ("top-1", []), ("%", ["x1"])])
def test_search_looks_in_titles_abstracts_tasks_and_claims(tricky_db, text, found):
    client = create_app(tricky_db).test_client()
    page = client.get("/", query_string={"q": text}).get_data(as_text=True)
    assert [pid for pid in ("x1", "x2") if f'href="/paper/{pid}"' in page] == found


def test_a_review_of_a_claim_another_reviewer_dropped_is_refused(tricky_db):
    with Store(tricky_db) as store, store.transaction("review") as db:
        seen = reviews.current(db, "x1", "claim", 2)
        reviews.record(db, reviews.Review("x1", "claim", "drop", seen, None, "alice", 2))
        with pytest.raises(reviews.ReviewRefused, match="claim 2 of x1 is gone") as refused:
            reviews.record(db, reviews.Review("x1", "claim", "correct", seen, seen | {"value": 3}, "bob", 2))
    assert refused.value.stale
