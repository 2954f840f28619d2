"""The endpoint backend end to end against a real llama_cpp.server: same records, concurrency, a server that dies."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from extractor.backends import BackendConfig
from extractor.backends.openai import OpenAIBackend
from extractor.corpus import read_sample
from extractor.extract import MODEL_FIELDS, Settings
from extractor.run import run_extraction
from extractor.schema import export_record
from extractor.store import Store
from conftest import count_done, start_llama_server, stop_process

# The model decides every field, so the comparison covers every answer it gives.
DECIDE_ALL = Settings(ask=MODEL_FIELDS, review=())
# llama_cpp.server samples with repeat_penalty 1.1 by default; in process it is 1.0.
SAME_SAMPLING = {"body": {"repeat_penalty": 1.0}}


def _records(store: Store) -> dict[str, dict]:
    return {pid: export_record(pid, e) for pid, e in store.extractions()}


@pytest.mark.server
@pytest.mark.model
def test_server_gives_the_in_process_records_with_concurrency(llama_server, llama_backend):
    papers = list(read_sample())[:4]
    endpoint = OpenAIBackend(BackendConfig(base_url=llama_server, model="local", extra=SAME_SAMPLING))
    assert endpoint.resolve_structured() == "json_object"
    with Store(":memory:") as remote, Store(":memory:") as local:
        served = run_extraction(remote, papers, endpoint, DECIDE_ALL, concurrency=2)
        in_process = run_extraction(local, papers, llama_backend, DECIDE_ALL)
        assert served.done == in_process.done == 4 and not served.failed
        assert _records(remote) == _records(local)
        (prompt_tokens, completion_tokens), = remote.query("select prompt_tokens, completion_tokens from runs")[1]
        assert prompt_tokens > 0 and completion_tokens > 0


@pytest.mark.server
def test_server_killed_mid_run_keeps_what_was_done_and_a_rerun_completes(model_path, tmp_path):
    log = tmp_path / "server.log"
    server, url = start_llama_server(model_path, log)
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    db = tmp_path / "endpoint.duckdb"
    command = [sys.executable, "-m", "extractor", "extract", "--sample", "--limit", "8", "--backend", "openai",
               "--base-url", url, "--model", "local", "--ask", "task,domain,architecture",
               "--request-json", '{"repeat_penalty": 1.0}', "--no-reader", "--db", str(db)]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 240
        while count_done(db) < 2 and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.3)
        stop_process(server)
        out, err = run.communicate(timeout=300)
    finally:
        if server.poll() is None:
            stop_process(server)
    done_before = count_done(db)
    assert run.returncode == 2, err
    assert "failed" in err and "unreachable" in err and "the next run of the same command does the rest" in err
    assert 2 <= done_before < 8
    server, url = start_llama_server(model_path, log, port=port)
    try:
        rerun = subprocess.run(command, capture_output=True, text=True, timeout=600)
    finally:
        stop_process(server)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{8 - done_before} extracted, {done_before} already done, 0 failed" in rerun.stderr.replace("\n", " ")
    with Store(str(db), read_only=True) as store:
        assert store.query("select count(*), count(distinct paper_id) from extractions where status = 'ok'")[1] == [(8, 8)]
