"""issue 12: `extract --engine ray` on a real local Ray cluster, Parquet read back through DuckDB views,
and a simulated fleet of three OpenAI-compatible servers (latency, 503s, a bound on requests in flight).

One Ray cluster for the module (`ray.init(num_cpus=4)`: two actors and room for Ray Data's own tasks);
the killed-driver test runs the CLI in a child process that joins it through RAY_ADDRESS."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import ray
from click.testing import CliRunner

from extractor.attach import attached_store
from extractor.backends import BackendConfig
from extractor.backends.fleet import FleetBackend
from extractor.backends.structured import ask, choice_model
from extractor.cli import cli
from extractor.errors import BackendError
from extractor.extract import Settings
from extractor.ray_run import Engine, ShardWorker, _check_config, done_shards, stage
from extractor.schema import Paper
from extractor.store import Store
from fleet_server import FakeServer

SAMPLE = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "arxiv_sample.jsonl"
if not SAMPLE.exists():
    SAMPLE = Path("/work/shared/data/arxiv_sample.jsonl")
FLEET = ["--ask", "task,domain,architecture", "--no-reader", "--structured", "json_object", "--model", "fake-gpu"]


@pytest.fixture(scope="module")
def cluster():
    ray.init(num_cpus=4, include_dashboard=False, log_to_driver=False)
    yield ray.get_runtime_context().gcs_address
    ray.shutdown()


@pytest.fixture(scope="module")
def papers(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("input") / "papers.jsonl"
    path.write_text("".join(SAMPLE.open().readlines()[:300]))
    return path


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def exported(db: str) -> dict[str, dict]:
    lines = run("export", "--format", "jsonl", "--db", db).splitlines()
    return {r["id"]: r for r in map(json.loads, lines)}


def test_ray_gives_the_records_of_the_single_process_path(cluster, papers, tmp_path):
    out, db = str(tmp_path / "ray"), str(tmp_path / "local.duckdb")
    run("extract", str(papers), "--no-model", "--engine", "ray", "--out", out, "--shard-size", "100")
    run("extract", str(papers), "--no-model", "--db", db)
    assert sorted(p.name for p in (tmp_path / "ray" / "claims").iterdir()) == [f"shard-0000{i}.parquet" for i in range(3)]
    assert exported(out) == exported(db)  # --db DIR: DuckDB views over the Parquet files
    assert run("sql", "select count(*) as n, count(distinct paper_id) as ids from extractions", "--db", out,
               "--format", "csv").split() == ["n,ids", "300,300"]
    assert "speed" in run("speedups", "--db", out, "--format", "csv")

    attached = str(tmp_path / "attached.duckdb")  # views kept in a small file, and a copy into a store
    run("attach", out, "--db", attached)
    copied = str(tmp_path / "copied.duckdb")
    run("import", out, "--db", copied)
    assert exported(attached) == exported(copied) == exported(db)
    with Store(copied, read_only=True) as store:
        assert store.query("select count(*) from runs")[1] == [(1,)]
        assert store.stored_problems() == []

    again = run("extract", str(papers), "--no-model", "--engine", "ray", "--out", out)  # a rerun finds every shard done
    assert "3 of 3 shards done before" in again


def test_a_folder_refuses_other_input_and_is_read_only_to_other_commands(cluster, papers, tmp_path):
    out = str(tmp_path / "ray")
    run("extract", str(papers), "--no-model", "--engine", "ray", "--out", out, "--limit", "20")
    result = CliRunner().invoke(cli, ["extract", str(papers), "--no-model", "--engine", "ray", "--out", out])
    assert result.exit_code == 1 and "other input files or options" in result.output
    result = CliRunner().invoke(cli, ["extract", str(papers), "--no-model", "--db", out])  # views are read-only
    assert result.exit_code == 1 and "only `extract --engine ray" in result.output


@pytest.fixture
def fleet():
    servers = [FakeServer(latency=0.02, fail_every=7) for _ in range(3)]
    yield servers
    for s in servers:
        s.close()


def test_a_fleet_of_three_servers_bounded_retried_and_resumed_after_the_driver_is_killed(cluster, papers, tmp_path, fleet):
    """Every paper exactly once, in-flight never above the bound, 503s retried, a killed driver's
    rerun redoing only the shards it had not finished."""
    out = tmp_path / "fleet"
    urls = [arg for s in fleet for arg in ("--base-url", s.url)]
    command = [sys.executable, "-m", "extractor", "extract", str(papers), "--engine", "ray", "--out", str(out),
               "--shard-size", "20", "--actors", "2", "--max-in-flight", "2", *urls, *FLEET]
    child = subprocess.Popen(command, env={**os.environ, "RAY_ADDRESS": cluster},
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and len(list((out / "_done").glob("*.json"))) < 4 and child.poll() is None:
        time.sleep(0.2)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    finished = {p.name: p.stat().st_mtime_ns for p in (out / "_done").glob("*.json")}
    assert 0 < len(finished) < 15, "the kill should land mid-run"
    before = sum(s.stats()["requests"] for s in fleet)

    rerun = subprocess.run(command, env={**os.environ, "RAY_ADDRESS": cluster}, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert f"{len(finished)} of 15 shards done before" in rerun.stderr
    assert all((out / "_done" / name).stat().st_mtime_ns == t for name, t in finished.items())  # not redone

    rows = run("sql", "select count(*) as n, count(distinct paper_id) as ids, count(*) filter (where status = 'ok') as ok,"
                      " sum(prompt_tokens) > 0 as asked from extractions", "--db", str(out), "--format", "csv").split()[1]
    assert rows == "300,300,300,True"
    stats = [s.stats() for s in fleet]
    assert all(s["peak_in_flight"] <= 2 for s in stats), stats
    assert all(s["requests"] > 0 for s in stats), stats  # the load is spread
    assert sum(s["failures"] for s in stats) > 0  # 503s were sent, and retried: no paper failed
    redone = 300 - 20 * len(finished)  # papers of the shards the rerun did: one request each, and a 503 one more
    assert redone <= sum(s["requests"] for s in stats) - before <= redone * 1.25 + 10


def test_several_base_urls_in_one_process(papers, tmp_path, fleet):
    """Without Ray too, --base-url A --base-url B spreads `--concurrency` papers over the servers, bounded."""
    db = str(tmp_path / "fleet.duckdb")
    urls = [arg for s in fleet for arg in ("--base-url", s.url)]
    run("extract", str(papers), "--limit", "40", "--backend", "openai", "--concurrency", "4", "--max-in-flight", "1",
        *urls, *FLEET, "--db", db)
    with Store(db, read_only=True) as store:
        assert store.query("select count(*) from extractions where status = 'ok' and prompt_tokens > 0")[1] == [(40,)]
    stats = [s.stats() for s in fleet]
    assert all(s["peak_in_flight"] == 1 and s["requests"] > 0 for s in stats), stats


def test_a_request_that_fails_on_one_server_is_tried_on_the_others():
    bad, good = FakeServer(latency=0, fail_every=1), FakeServer(latency=0)
    try:
        config = BackendConfig(model="fake-gpu", structured="json_object", max_retries=0)
        fleet = FleetBackend(config, [bad.url, good.url], in_flight=1)
        question = choice_model("Question", {"task": ["a", "b"]})
        answers = [ask(fleet, [{"role": "user", "content": "?"}], question, 8).value.model_dump() for _ in range(4)]
        assert answers == [{"task": "a"}] * 4
        assert good.stats()["requests"] == 4 and bad.stats()["failures"] >= 1
        with pytest.raises(BackendError, match="Every server failed"):
            ask(FleetBackend(config, [bad.url], in_flight=1), [{"role": "user", "content": "?"}], question, 8)
    finally:
        bad.close()
        good.close()


def test_a_paper_every_server_fails_is_recorded_failed_and_its_shard_redone(tmp_path):
    """The actor's work without Ray: the failed rows are written, and the shard is left to the next run."""
    down = FakeServer(latency=0, fail_every=1)
    try:
        out = tmp_path / "out"
        (out / "_done").mkdir(parents=True)
        _check_config(out, "key", {})
        stage([Paper(id=f"p{i}", title="FastNet", abstract=f"FastNet is {i + 2}x faster.") for i in range(2)], out, "in", "test")
        engine = Engine(base_urls=(down.url,), model="fake-gpu", structured="json_object")
        worker = ShardWorker(str(out), Settings(ask=("task",), review=()), engine, "key", 1, 1)
        assert worker.shard(0) == (0, 2)
        assert done_shards(out) == set()
        with attached_store(out) as store:
            rows = store.query("select paper_id, status, error like '%503%' from extractions order by 1")[1]
        assert rows == [("p0", "failed", True), ("p1", "failed", True)]
    finally:
        down.close()
