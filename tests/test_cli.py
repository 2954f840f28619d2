"""The commands as a user runs them: extract into a real DuckDB file, then query, show, validate, export, eval."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from extractor.cli import cli
from extractor.store import Store

from conftest import count_done

SHARED = Path(os.environ.get("EXTRACTOR_SHARED") or Path(__file__).resolve().parents[2] / "shared")  # next to the repo
SCHEMA_FIELDS = {"id", "task", "domain", "architecture", "introduced", "claims", "code_url"}
CLAIM_FIELDS = {"metric", "kind", "value", "value_max", "unit", "direction", "bound", "baseline", "evidence"}


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> str:
    """The bundled corpus extracted by the rules alone into a real DuckDB file."""
    db = str(tmp_path_factory.mktemp("db") / "sample.duckdb")
    result = invoke("extract", "--sample", "--no-model", "--db", db)
    assert result.exit_code == 0, result.output
    return db


def test_every_command_has_help_with_an_example():
    for name, command in cli.commands.items():
        result = invoke(name, "--help")
        assert result.exit_code == 0
        assert command.help and len(command.help) > 40, name
        assert "Example" in result.output, name


def test_extract_stores_every_bundled_paper_once(sample_db):
    with Store(sample_db, read_only=True) as store:
        _, rows = store.query("select count(*), count(distinct paper_id) from extractions where status = 'ok'")
        assert rows == [(176, 176)]
        _, rows = store.query("select count(*) from papers")
        assert rows == [(176,)]


def test_sql_answers_claims_by_kind_in_every_format(sample_db):
    result = invoke("sql", "select kind, count(*) as n from claims group by kind order by kind", "--db", sample_db, "--format", "json")
    counts = {r["kind"]: r["n"] for r in json.loads(result.output)}
    assert set(counts) <= {"speedup", "reduction", "improvement", "score", "other"}
    assert counts["speedup"] > 10
    lines = invoke("sql", "select kind from claims", "--db", sample_db, "--format", "jsonl").output.splitlines()
    assert all(json.loads(line)["kind"] for line in lines)
    rows = list(csv.DictReader(io.StringIO(invoke("sql", "select kind, value from claims", "--db", sample_db, "--format", "csv").output)))
    assert rows and set(rows[0]) == {"kind", "value"}
    assert "kind" in invoke("sql", "select kind from claims limit 3", "--db", sample_db).output


def test_sql_error_says_what_to_do(sample_db):
    result = CliRunner().invoke(cli, ["sql", "select nope from claims", "--db", sample_db])
    assert result.exit_code == 1
    assert "Error:" in result.output and "SHOW TABLES" in result.output


def test_speedups_are_sorted_and_filtered(sample_db):
    rows = json.loads(invoke("speedups", "--db", sample_db, "--format", "json").output)
    ratios = [r["value"] for r in rows if r["unit"] == "x"]
    assert ratios == sorted(ratios, reverse=True) and len(ratios) > 5
    big = json.loads(invoke("speedups", "--db", sample_db, "--format", "json", "--min-value", "10").output)
    assert big and all(r["value"] >= 10 and r["unit"] == "x" for r in big)
    dec = json.loads(invoke("speedups", "--db", sample_db, "--format", "json", "--architecture", "decoder-only").output)
    assert dec and all(r["architecture"] == "decoder-only" for r in dec)
    assert "Reported speed-ups" in invoke("speedups", "--db", sample_db).output


def test_speedups_keep_units_apart(sample_db):
    """issue item 9: a percentage is not a factor; a column per unit; the method is a coined name or nothing."""
    rows = json.loads(invoke("speedups", "--db", sample_db, "--format", "json").output)
    percents = [r["value"] for r in rows if r["unit"] == "%"]
    assert percents, "the sample has speed-ups stated in percent"
    low = min(percents)
    only_percent = json.loads(invoke("speedups", "--db", sample_db, "--format", "json", "--min-percent", str(low)).output)
    assert {r["unit"] for r in only_percent} == {"%"} and len(only_percent) == len(percents)
    both = json.loads(invoke("speedups", "--db", sample_db, "--format", "json", "--min-value", "10", "--min-percent", "0").output)
    assert {r["unit"] for r in both} == {"x", "%"}
    table = invoke("speedups", "--db", sample_db).output
    assert "speed-up ×" in table and "faster by %" in table and "not a factor" in table
    titles_without_names = [r["title"] for r in rows if r["method"] is None]
    assert titles_without_names and not any(t[:30] in table for t in titles_without_names)
    assert "--min-value" in invoke("speedups", "--help").output and "--min-percent" in invoke("speedups", "--help").output


def test_show_wraps_the_abstract_and_says_none(sample_db):
    """issue item 8: the whole abstract, wrapped in its panel; code_url None reads "none"."""
    with Store(sample_db, read_only=True) as store:
        (paper_id, abstract), = store.query(
            "select p.id, p.abstract from papers p join extractions e on e.paper_id = p.id "
            "where e.code_url is null and length(p.abstract) > 1200 order by p.id limit 1")[1]
    out = invoke("show", paper_id, "--db", sample_db).output
    assert "code_url: none" in out and "None" not in out
    lines = out.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("╭"))
    panel = [line.strip("│ ") for line in lines[top + 1:] if line.startswith("│")]
    assert len(panel) > 5 and all(len(line) <= 150 for line in lines)
    assert " ".join(" ".join(panel).split()) == " ".join(abstract.split())


def test_show_marks_evidence(sample_db):
    result = invoke("show", "p008", "--db", sample_db)
    assert "mmMamba" in result.output and "20.6" in result.output and "Abstract" in result.output
    missing = CliRunner().invoke(cli, ["show", "nope", "--db", sample_db])
    assert missing.exit_code == 1 and "No paper 'nope'" in missing.output


def test_validate_lists_and_filters_problems(tmp_path):
    db = str(tmp_path / "reviewed.duckdb")
    invoke("extract", "--sample", "--limit", "20", "--backend", "fake", "--review", "domain,architecture", "--no-reader",
           "--db", db)  # the fake model disagrees often
    rows = list(csv.DictReader(io.StringIO(invoke("validate", "--db", db, "--format", "csv").output)))
    assert rows and set(rows[0]) == {"paper_id", "rule", "field", "message"}
    assert any(r["rule"] == "model-disagrees" for r in rows)
    review = json.loads(invoke("validate", "--db", db, "--format", "json", "--rule", "model-disagrees").output)
    assert review and {r["rule"] for r in review} == {"model-disagrees"}
    rest = json.loads(invoke("validate", "--db", db, "--format", "json", "--exclude-rule", "model-disagrees").output)
    assert len(review) + len(rest) == len(rows) and all(r["rule"] != "model-disagrees" for r in rest)


def test_export_is_exactly_the_schema_and_scores_like_score_py(sample_db, tmp_path):
    pred = tmp_path / "pred.jsonl"
    invoke("export", "--format", "jsonl", "--db", sample_db, "-o", str(pred))
    records = [json.loads(line) for line in pred.read_text().splitlines()]
    assert len(records) == 176
    for r in records:
        assert set(r) == SCHEMA_FIELDS
        assert all(set(c) == CLAIM_FIELDS for c in r["claims"])
    gold = SHARED / "data" / "dev_gold.jsonl"
    reference = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), str(pred), str(gold), "--json"],
                               capture_output=True, text=True, check=True)
    ours = json.loads(invoke("eval", str(gold), "--pred", str(pred), "--format", "json").output)
    assert ours == json.loads(reference.stdout)
    from_db = json.loads(invoke("eval", str(gold), "--db", sample_db, "--format", "json").output)
    assert {k: v for k, v in from_db.items() if k != "evidence_grounded"} == {k: v for k, v in ours.items() if k != "evidence_grounded"}
    assert from_db["evidence_grounded"] == 1.0  # checked against the stored raw abstracts
    assert invoke("export", "--format", "csv", "--db", sample_db).output.startswith("id,task,domain")


def test_extract_and_eval_one_split_like_score_py(tmp_path):
    """`extract --ids @SPLIT.json:NAME` then `eval --split NAME` scores what score.py's --ids scores."""
    data = Path(__file__).parent / "data" / "eval"
    gold = tmp_path / "gold.jsonl"
    gold.write_text((data / "gold.jsonl").read_text())
    (tmp_path / "gold_split.json").write_text((data / "split.json").read_text())
    db = str(tmp_path / "split.duckdb")
    assert invoke("extract", str(data / "papers.jsonl"), "--no-model", "--ids", f"@{tmp_path / 'gold_split.json'}:test", "--db", db).exit_code == 0
    with Store(db, read_only=True) as store:
        assert {p.id for p in store.papers()} == set(json.loads((data / "split.json").read_text())["test"]) & {"e02", "e04", "e06"}
    pred = tmp_path / "pred.jsonl"
    invoke("export", "--db", db, "-o", str(pred))
    reference = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), str(pred), str(gold),
                                f"--ids={tmp_path / 'gold_split.json'}:test", "--json"], capture_output=True, text=True, check=True)
    ours = json.loads(invoke("eval", str(gold), "--split", "test", "--db", db, "--format", "json").output)
    assert ours == json.loads(reference.stdout)
    assert "no split named 'nope'" in CliRunner().invoke(cli, ["eval", str(gold), "--split", "nope", "--db", db]).output


def test_eval_explain_names_differences(sample_db):
    out = invoke("eval", str(SHARED / "data" / "dev_gold.jsonl"), "--db", sample_db, "--ids", "p008,p110", "--explain").output
    assert "p008" in out or "p110" in out
    assert "claims_f1" in out


def test_listing_pages_give_the_bundled_corpus(tmp_path):
    db = str(tmp_path / "raw.duckdb")
    pages = sorted(str(p) for p in (SHARED / "data" / "raw").glob("*.txt"))
    assert invoke("extract", *pages, "--no-model", "--db", db).exit_code == 0
    with Store(db, read_only=True) as store:
        got = sorted((p.title, p.abstract) for p in store.papers())
    expected = sorted((r["title"], r["abstract"]) for r in map(json.loads, (SHARED / "data" / "papers.jsonl").open()))
    assert got == expected


def test_stdin_input(tmp_path):
    db = str(tmp_path / "stdin.duckdb")
    line = json.dumps({"title": "FastNet: Faster Nets", "abstract": "FastNet is 3x faster than ResNet."})
    result = invoke("extract", "-", "--input-format", "jsonl", "--no-model", "--db", db, input=line + "\n")
    assert result.exit_code == 0
    with Store(db, read_only=True) as store:
        (_, extraction), = store.extractions()
    assert extraction.claims[0].value == 3 and extraction.claims[0].kind == "speedup"


BAD_INPUTS = [
    ("bad.jsonl", b'{"title": "A", "abstract": "B"}\n{"title": "C", "abstract": \n', ["bad.jsonl:2", "JSON"]),
    ("noabs.csv", b"title,summary\nA,B\n", ["noabs.csv", "abstract"]),
    ("empty.jsonl", b"", ["empty.jsonl", "empty"]),
    ("blob.jsonl", bytes(range(256)) * 4, ["blob.jsonl", "binary"]),
]


@pytest.mark.parametrize("name,content,expected", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_gives_a_clear_error_and_writes_nothing(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    db = tmp_path / "bad.duckdb"
    result = CliRunner().invoke(cli, ["extract", str(path), "--no-model", "--db", str(db)])
    assert result.exit_code == 1
    for word in expected:
        assert word.lower() in result.output.lower(), result.output
    assert not db.exists()


KAGGLE_LINE = {"id": "0704.0001", "submitter": "P. B.", "title": "FastNet: Faster Nets", "abstract": "  FastNet is 3x faster than ResNet.\n"}
ATOM = ('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2401.00001v1</id>'
        "<title>FastNet:\n  Faster Nets</title><summary>FastNet is 3x faster than ResNet.</summary></entry></feed>")
OPENALEX = {"id": "https://openalex.org/W1", "display_name": "FastNet: Faster Nets",
            "abstract_inverted_index": {"FastNet": [0], "is": [1], "3x": [2], "faster": [3], "than": [4], "ResNet.": [5]}}
INPUTS = [  # issue items 4-7: files as people have them, each to one stored paper
    ("arxiv-metadata-oai-snapshot.json", json.dumps(KAGGLE_LINE) + "\n" + json.dumps({**KAGGLE_LINE, "id": "0704.0002", "abstract": "FastNet is 3x faster than VGG."}) + "\n",
     [], ["0704.0001", "0704.0002"]),
    ("excel.csv", "Title;Summary\nFastNet: Faster Nets;FastNet is 3x faster than ResNet.\n", ["--field", "abstract=Summary"], None),
    ("tabs.csv", "title\tabstract\nFastNet: Faster Nets\tFastNet is 3x faster than ResNet.\n", ["--csv-delimiter", "tab"], None),
    ("query.xml", ATOM, [], ["2401.00001v1"]),
    ("works.jsonl", json.dumps(OPENALEX) + "\n", ["--field", "title=display_name"], ["W1"]),
]


@pytest.mark.parametrize("name,content,options,ids", INPUTS, ids=[i[0] for i in INPUTS])
def test_inputs_people_have(tmp_path, name, content, options, ids):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    db = str(tmp_path / "in.duckdb")
    result = invoke("extract", str(path), *options, "--no-model", "--db", db)
    assert result.exit_code == 0, result.output
    with Store(db, read_only=True) as store:
        stored = dict(store.extractions())
        papers = store.papers()
    assert ids is None or sorted(stored) == ids
    assert all(p.title == "FastNet: Faster Nets" for p in papers)
    assert all(e.claims[0].value == 3 and e.claims[0].kind == "speedup" for e in stored.values())


INPUT_ERRORS = [  # each names the file, the line, what is wrong and the flag or command that fixes it
    ("latin1.csv", b"title,abstract\nT,caf\xe9 au lait\n", [], ["latin1.csv:2:", "not UTF-8", "iconv -f latin1 -t utf-8"]),
    ("feed.xml", ATOM.encode(), ["--input-format", "listing"], ["feed.xml:1:", "this is XML", "--input-format atom"]),
    ("p.jsonl", b'{"title": "T", "summary": "S"}\n', [], ["p.jsonl:1:", "--field abstract=summary", "--on-error skip"]),
    ("p.json", (json.dumps(KAGGLE_LINE) + "\n" + json.dumps(KAGGLE_LINE) + "\n").encode(), ["--input-format", "json"],
     ["p.json:2:", "--input-format jsonl"]),
    ("p.csv", b"title;abstract\nT;A\n", ["--csv-delimiter", ","], ["p.csv:1:", '--csv-delimiter ";"']),
]


@pytest.mark.parametrize("name,content,options,expected", INPUT_ERRORS, ids=[e[0] for e in INPUT_ERRORS])
def test_input_errors_say_what_to_do(tmp_path, name, content, options, expected):
    path = tmp_path / name
    path.write_bytes(content)
    db = tmp_path / "bad.duckdb"
    result = CliRunner().invoke(cli, ["extract", str(path), *options, "--no-model", "--db", str(db)])
    assert result.exit_code == 1
    message = " ".join(result.output.split())
    assert all(word in message for word in expected), result.output
    assert not db.exists()


@pytest.mark.parametrize("options,expected", [
    (["--field", "summary"], "NAME=KEY"),
    (["--field", "abstrct=summary"], "NAME=KEY"),
    (["--csv-delimiter", ";;"], "one character"),
])
def test_bad_input_options_are_usage_errors(tmp_path, options, expected):
    path = tmp_path / "p.jsonl"
    path.write_text('{"title": "T", "abstract": "A"}\n')
    result = CliRunner().invoke(cli, ["extract", str(path), *options, "--no-model", "--db", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 2 and expected in result.output


def test_skip_mode_reports_and_keeps_good_records(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"title": "A", "abstract": "A is 2x faster."}\nnot json\n{"title": "C", "abstract": "C."}\n')
    db = str(tmp_path / "mixed.duckdb")
    result = CliRunner().invoke(cli, ["extract", str(path), "--no-model", "--on-error", "skip", "--db", db])
    assert result.exit_code == 0
    assert "skipped" in result.output and "mixed.jsonl:2" in result.output
    with Store(db, read_only=True) as store:
        assert store.query("select count(*) from extractions")[1] == [(2,)]


def _extract_in_background(tmp_path: Path) -> tuple[subprocess.Popen, Path]:
    """`extract --no-model` over 1,500 arXiv papers in another process, and the database it writes."""
    papers = tmp_path / "papers.jsonl"
    papers.write_text("".join((SHARED / "data" / "arxiv_sample.jsonl").open().readlines()[:1500]))
    db = tmp_path / "background.duckdb"
    command = [sys.executable, "-m", "extractor", "extract", str(papers), "--no-model", "--db", str(db)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL), db


def test_sigkill_mid_run_then_rerun_stores_every_paper_once(tmp_path):
    """A run killed with SIGKILL loses at most the paper in flight; the rerun resumes without duplicates."""
    child, db = _extract_in_background(tmp_path)
    done = 0
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and done < 50:  # wait until it has stored some, then kill it hard
        time.sleep(0.5)
        done = count_done(db)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    first = count_done(db)
    assert 0 < first < 1500, "the kill should land mid-run"
    subprocess.run(child.args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with Store(str(db), read_only=True) as store:
        assert store.query("select count(*), count(distinct paper_id) from extractions where status = 'ok'")[1] == [(1500, 1500)]
        assert store.query("select count(*) from papers")[1] == [(1500,)]
        orphans = store.query("select count(*) from claims c left join extractions e using (paper_id) where e.paper_id is null")
        assert orphans[1] == [(0,)]
        runs = store.query("select count(*) from runs")[1][0][0]
        assert runs == 2


def test_missing_database_says_how_to_make_one(tmp_path):
    result = CliRunner().invoke(cli, ["speedups", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 1 and "extractor extract" in result.output


def test_no_paths_is_a_usage_error():
    result = CliRunner().invoke(cli, ["extract"])
    assert result.exit_code == 2 and "--sample" in result.output


@pytest.mark.model
def test_extract_with_the_bundled_model(tmp_path):
    """The real GGUF through the whole command: it reads every abstract by default, and when asked to
    review it answers too; every stored record is valid and counted in the runs table."""
    db = str(tmp_path / "model.duckdb")
    result = invoke("extract", "--sample", "--limit", "3", "--review", "domain,architecture", "--db", db)
    assert result.exit_code == 0, result.output
    with Store(db, read_only=True) as store:
        assert len(dict(store.extractions())) == 3
        (reader, model), = store.query("select config->>'reader', config->>'model' from runs")[1]
        assert reader.startswith("SmolLM2-135M-Instruct.Q4_1.gguf:mean") and model == "SmolLM2-135M-Instruct.Q4_1.gguf"
        (read,), = store.query("select min(seconds_model) from extractions")[1]
        assert read > 0  # every paper was read by the model
    without = str(tmp_path / "words.duckdb")
    assert invoke("extract", "--sample", "--limit", "3", "--no-reader", "--db", without).exit_code == 0
    with Store(db, read_only=True) as read, Store(without, read_only=True) as words:
        assert {p for p, _ in read.extractions()} == {p for p, _ in words.extractions()}


# -- issue 10: data integrity, exit codes, summaries, readers during a run ---------------------------


def _jsonl(path: Path, *records: dict) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return str(path)


V1 = {"id": "a1", "title": "FastNet", "abstract": "FastNet decodes 2x faster than the baseline."}
V2 = {"id": "a1", "title": "FastNet 2", "abstract": "FastNet 2 uses 30% less memory and runs 5x faster than FastNet."}


def test_a_changed_paper_is_extracted_again_with_its_new_text(tmp_path):
    db = str(tmp_path / "changed.duckdb")
    assert invoke("extract", _jsonl(tmp_path / "v1.jsonl", V1), "--no-model", "--db", db).exit_code == 0
    rerun = invoke("extract", _jsonl(tmp_path / "v2.jsonl", V2), "--no-model", "--db", db)
    assert rerun.exit_code == 0 and "1 extracted, 0 already done" in rerun.output
    assert "1 paper was stored with another title or abstract" in rerun.output
    shown = invoke("show", "a1", "--db", db).output
    assert "FastNet 2" in shown and "30% less memory" in shown and "2x faster" not in shown
    assert json.loads(invoke("validate", "--db", db, "--rule", "evidence-not-at-offsets", "--format", "json").output) == []
    with Store(db, read_only=True) as store:
        assert store.query("select value from claims order by idx")[1] == [(30.0,), (5.0,)]
        assert store.query("select count(*) from papers")[1] == [(1,)]


def test_changed_refuse_names_both_versions_and_writes_nothing(tmp_path):
    db = str(tmp_path / "refuse.duckdb")
    invoke("extract", _jsonl(tmp_path / "v1.jsonl", V1), "--no-model", "--db", db)
    result = CliRunner().invoke(cli, ["extract", _jsonl(tmp_path / "v2.jsonl", V2), "--no-model", "--changed", "refuse",
                                      "--db", db])
    assert result.exit_code == 1
    assert "a1: title differs" in result.output and "'FastNet'" in result.output and "'FastNet 2'" in result.output
    assert "abstract differs" in result.output and "--changed redo" in result.output
    with Store(db, read_only=True) as store:
        assert store.paper("a1").title == "FastNet"  # type: ignore[union-attr]
        assert store.query("select count(*) from runs")[1] == [(1,)]


def test_force_rewrites_the_paper_row_with_its_rows(tmp_path):
    db = str(tmp_path / "force.duckdb")
    invoke("extract", _jsonl(tmp_path / "v2.jsonl", V2), "--no-model", "--db", db)
    assert invoke("extract", _jsonl(tmp_path / "v1.jsonl", V1), "--no-model", "--force", "--db", db).exit_code == 0
    with Store(db, read_only=True) as store:
        assert store.paper("a1").abstract == V1["abstract"]  # type: ignore[union-attr]
        assert store.query("select value, evidence from claims")[1] == [(2.0, "FastNet decodes 2x faster than the baseline")]
        assert store.stored_problems() == []


def test_a_run_that_reads_no_record_fails(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n{also not\n")
    db = str(tmp_path / "none.duckdb")
    result = CliRunner().invoke(cli, ["extract", str(bad), "--no-model", "--on-error", "skip", "--db", db])
    assert result.exit_code == 1 and "No paper could be read" in result.output and "all 2 records were skipped" in result.output
    empty = tmp_path / "empty.json"
    empty.write_text("[]")
    result = CliRunner().invoke(cli, ["extract", str(empty), "--no-model", "--db", db])
    assert result.exit_code == 1 and "no papers" in result.output


def test_eval_that_matches_no_answer_fails_and_some_warns(sample_db, tmp_path):
    gold = [json.loads(line) for line in (SHARED / "data" / "dev_gold.jsonl").read_text().splitlines()[:2]]
    renamed = tmp_path / "renamed.jsonl"
    _jsonl(renamed, *({**g, "id": "zz-" + g["id"]} for g in gold))
    result = CliRunner().invoke(cli, ["eval", str(renamed), "--db", sample_db])
    assert result.exit_code == 1 and "None of the 2 answer ids" in result.output
    half = tmp_path / "half.jsonl"
    _jsonl(half, gold[0], {**gold[1], "id": "zz-" + gold[1]["id"]})
    result = CliRunner().invoke(cli, ["eval", str(half), "--db", sample_db, "--format", "json"])
    assert result.exit_code == 0 and "only 1 of the 2 answer ids have a prediction" in result.output
    assert json.loads(result.stdout)["missing"] == 1


def test_summary_names_the_problems(tmp_path):
    db = str(tmp_path / "reviewed.duckdb")
    result = invoke("extract", "--sample", "--limit", "20", "--backend", "fake", "--review", "domain,architecture", "--no-reader",
                    "--db", db)
    line = next(line for line in result.output.splitlines() if " problems: " in line)
    with Store(db, read_only=True) as store:
        counts = dict(store.query("select rule, count(*) from problems group by rule order by 2 desc, 1")[1])
    assert line.startswith(f"{sum(counts.values())} problems: " + ", ".join(f"{n} {rule}" for rule, n in counts.items()))
    assert f"see `extractor validate --rule {next(iter(counts))}" in line and line.endswith(f"--db {db}`")


def test_read_commands_while_an_extraction_writes(tmp_path):
    """DuckDB lets no process open a file another writes: sql, speedups and show say so, and work afterwards."""
    child, db = _extract_in_background(tmp_path)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and count_done(db) < 5:  # the writer holds the file and is writing
            time.sleep(0.5)
        for args in (["sql", "select count(*) from claims"], ["speedups"], ["show", "2503.12926"]):
            result = CliRunner().invoke(cli, [*args, "--db", str(db)])
            assert child.poll() is None, "the extraction should still be running"
            assert result.exit_code == 1, result.output
            assert f"in use for writing by another process (PID {child.pid})" in result.output
            assert "Try again when it finishes" in result.output and "would" not in result.output
    finally:
        child.send_signal(signal.SIGINT)  # an interrupted run keeps every finished paper
        child.wait(timeout=60)
    result = invoke("sql", "select count(*) > 0 from extractions", "--db", str(db), "--format", "csv")
    assert result.exit_code == 0 and result.output.splitlines()[1] == "True"
