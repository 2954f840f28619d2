"""issue 12 items 1-2: `extract` reads lazily and writes as it goes (memory flat in input size), and
reads the inputs people have at the scale of arXiv: the Kaggle snapshot, gzip, Parquet, --filter-categories."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from extractor.cli import cli
from extractor.corpus import read_papers
from extractor.store import Store

# Peak RSS of `extract --no-model --limit N` over a 200,000-line file. Measured: 151 MB at N=1,000,
# against 343 MB before extract streamed (it read all 200,000 papers first); the rest of the bound is
# for the caches that fill as papers go by (a name cache, the last 100,000 ids) and DuckDB's buffers.
PEAK_MB = 230


def _synthetic(path: Path, n: int) -> None:
    with path.open("w") as out:
        for i in range(n):
            out.write(json.dumps({"id": f"s{i:07d}", "title": f"Net{i}: fast nets for task {i % 97}",
                                  "abstract": f"We present Net{i}, a decoder-only model that runs {i % 9 + 2}x faster "
                                              f"than the baseline and reaches {50 + i % 40}% accuracy."}) + "\n")


def _peak_mb(args: list[str], cwd: Path) -> int:
    """Peak resident memory of an `extractor` command in a child process, in MB: its VmHWM, read until it
    exits (a high-water mark, so the last reading holds). Not ru_maxrss: Linux carries into it the memory
    of the forked copy of this test process before exec."""
    log = cwd / "stderr.log"
    peak = 0
    with log.open("wb") as err:
        child = subprocess.Popen([sys.executable, "-m", "extractor", *args], cwd=cwd, stdout=subprocess.DEVNULL,
                                 stderr=err, env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
        while child.poll() is None:
            try:  # only once it runs extractor: between fork and exec it is a copy of this process
                if Path(f"/proc/{child.pid}/cmdline").read_bytes().split(b"\0")[1:3] == [b"-m", b"extractor"]:
                    status = Path(f"/proc/{child.pid}/status").read_text()
                    peak = max(peak, int(status.split("VmHWM:")[1].split()[0]) // 1024)
            except (OSError, IndexError):  # exiting: its memory map is gone
                pass
            time.sleep(0.1)
    assert child.returncode == 0, log.read_text()
    assert peak > 0, "the child's memory was never read"
    return peak


def test_memory_stays_flat_over_a_200000_line_input(tmp_path):
    """The whole file is never in memory: extracting its first 1,000 or 3,000 papers peaks under PEAK_MB, and
    2,000 papers more cost little. (Extracting all 200,000 took 618-630 s on 2 busy cores, too long for CI;
    docs/scale.md gives its memory curve: peak 270 MB at 100,000 papers, 288 at the end; the next tests
    measure the store's share: its resident memory over 65,536 papers, its peak over 262,144.)"""
    big = tmp_path / "big.jsonl"
    _synthetic(big, 200_000)
    peaks = [_peak_mb(["extract", str(big), "--no-model", "--limit", str(n), "--db", str(tmp_path / f"{n}.duckdb")], tmp_path)
             for n in (1000, 3000)]
    assert max(peaks) < PEAK_MB, peaks
    assert peaks[1] - peaks[0] < 30, peaks
    with Store(tmp_path / "3000.duckdb", read_only=True) as store:
        assert store.query("select count(*) from extractions where status = 'ok'")[1] == [(3000,)]


# Writes N synthetic papers through Store as run.py does (a chunk of 256 added and checked, batches of 64
# written), with the rules' answers for 97 of them reused, printing its VmRSS every EVERY papers.
# The rules run ~70 papers/s here, this ~2,000/s: DuckDB's share is measured over 80,000 papers in 40 s.
STORE_CHILD = """
import sys
from pathlib import Path
from extractor.extract import Settings, extract_paper
from extractor.schema import Paper
from extractor.store import Store
from extractor.store_batch import Written
from extractor.validate import validate

n, every, db = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
Store.REOPEN_EVERY = int(sys.argv[4]) if len(sys.argv) > 4 else Store.REOPEN_EVERY

def paper(i):
    return Paper(id=f"s{i:07d}", title=f"Net{i}: fast nets for task {i % 97}",
                 abstract=f"We present Net{i}, a decoder-only model that runs {i % 9 + 2}x faster "
                          f"than the baseline and reaches {50 + i % 40}% accuracy.")

answers = [(r, validate(paper(i), r.extraction)) for i in range(97) if (r := extract_paper(paper(i), None, Settings(use_model=False)))]
store = Store(db)
run_id = store.start_run("k", {})
for start in range(0, n, 256):
    chunk = [paper(i) for i in range(start, min(n, start + 256))]
    store.changed_papers(chunk)
    store.add_papers(chunk)
    store.done_among("k", [p.id for p in chunk])
    for at in range(0, len(chunk), 64):
        batch = []
        for p in chunk[at : at + 64]:
            r, problems = answers[int(p.id[1:]) % 97]
            batch.append(Written(p.id, r.extraction, problems, dict(r.timings), dict(r.tokens), paper=p))
        store.write_extractions(run_id, "k", batch)
        if (start + at + 64) % every == 0:
            print(start + at + 64, int(Path("/proc/self/status").read_text().split("VmRSS:")[1].split()[0]) // 1024, flush=True)
store.close()
"""


def test_the_store_holds_no_more_memory_after_65000_papers_than_after_10000(tmp_path):
    """DuckDB keeps memory for every row a connection took (its own heap, key indexes, cached blocks) until
    the connection closes: over 65,536 papers written as run.py writes them, the writer's VmRSS rose 27 MB
    from its first samples to its last with one connection (177 -> 204 MB, means of four samples 4,096 papers
    apart), 7 MB with Store.REOPEN_EVERY (169 -> 176 MB; samples vary by +-8 MB with DuckDB's log cycle).
    Asserted: under 15 MB (half the growth without, twice the noise with), and every sample under PEAK_MB."""
    result = subprocess.run([sys.executable, "-c", STORE_CHILD, "65536", "4096", str(tmp_path / "s.duckdb")],
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert result.returncode == 0, result.stderr
    rss = [int(line.split()[1]) for line in result.stdout.splitlines()]
    assert len(rss) == 16, result.stdout
    first, last = sum(rss[1:5]) / 4, sum(rss[-4:]) / 4  # rss[0] is before DuckDB's first checkpoint
    assert last - first < 15, rss
    assert max(rss) < PEAK_MB, rss


# Adds N synthetic papers through Store in chunks of 256, reconnecting every 10,240 papers as a writer does,
# and prints the process's peak (VmHWM) after each reconnect. Only the papers table: ~8,000 papers/s.
PAPERS_CHILD = """
import sys
from pathlib import Path
from extractor.schema import Paper
from extractor.store import Store

n, db = int(sys.argv[1]), sys.argv[2]
for start in range(0, n, 10_240):
    with Store(db) as store:
        for at in range(start, start + 10_240, 256):
            store.add_papers(Paper(id=f"s{i:07d}", title=f"Net{i}: fast nets for task {i % 97}",
                                   abstract=f"We present Net{i}, a decoder-only model that runs {i % 9 + 2}x faster "
                                            f"than the baseline and reaches {50 + i % 40}% accuracy.")
                             for i in range(at, at + 256))
    print(start + 10_240, int(Path("/proc/self/status").read_text().split("VmHWM:")[1].split()[0]) // 1024, flush=True)
"""


def test_the_store_peak_does_not_grow_when_a_table_crosses_a_row_group(tmp_path):
    """A checkpoint compresses a table's filling row group whole: at DuckDB's default size (122,880 rows) that
    briefly took tens of MB more each time a table crossed one, so the peak rose with the input even though the
    resident memory did not. With Store.ROW_GROUP_SIZE, over 262,144 papers (two of the old row groups) the peak
    rose 6-9 MB past its value at 40,960 papers, against 47-51 MB at the default size (113 -> 164 MB)."""
    result = subprocess.run([sys.executable, "-c", PAPERS_CHILD, "262144", str(tmp_path / "p.duckdb")],
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    assert result.returncode == 0, result.stderr
    peaks = [int(line.split()[1]) for line in result.stdout.splitlines()]
    assert len(peaks) == 26, result.stdout
    assert peaks[-1] - peaks[3] < 25, peaks


KAGGLE = [  # the Kaggle arXiv metadata snapshot: a .json file of one object per line
    {"id": "0704.0001", "submitter": "A. B.", "title": "FastNet", "abstract": " FastNet is 3x faster than ResNet.\n",
     "categories": "cs.CL cs.LG", "update_date": "2024-01-01"},
    {"id": "0704.0002", "submitter": "C. D.", "title": "Hadrons", "abstract": " We measure hadrons.\n",
     "categories": "hep-ph", "update_date": "2024-01-02"},
    {"id": "0704.0003", "submitter": "E. F.", "title": "SlowNet", "abstract": " SlowNet uses 40% less memory.\n",
     "categories": "cs.CV", "update_date": "2024-01-03"},
]


def test_a_gzipped_kaggle_snapshot_filtered_by_category(tmp_path):
    path = tmp_path / "arxiv-metadata-oai-snapshot.json.gz"
    with gzip.open(path, "wt") as f:
        f.writelines(json.dumps(r) + "\n" for r in KAGGLE)
    assert [p.id for p in read_papers([path])] == ["0704.0001", "0704.0002", "0704.0003"]
    assert [p.id for p in read_papers([path], categories=["cs.LG", "cs.CV"])] == ["0704.0001", "0704.0003"]
    db = str(tmp_path / "k.duckdb")
    result = CliRunner().invoke(cli, ["extract", str(path), "--no-model", "--filter-categories", "cs.CL,cs.AI", "--db", db])
    assert result.exit_code == 0, result.output
    with Store(db, read_only=True) as store:
        assert [p.id for p in store.papers()] == ["0704.0001"]


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_a_summary_key_is_read_with_field(tmp_path, suffix):
    rows = "".join(json.dumps({"id": f"x{i}", "title": "T", "summary": f"Abstract {i}."}) + "\n" for i in range(3)).encode()
    path = tmp_path / f"api{suffix}"
    path.write_bytes(gzip.compress(rows) if suffix.endswith(".gz") else rows)
    assert [p.abstract for p in read_papers([path], fields={"abstract": "summary"})] == ["Abstract 0.", "Abstract 1.", "Abstract 2."]


def test_parquet_input(tmp_path):
    path = tmp_path / "papers.parquet"
    with duckdb.connect() as db:
        db.execute("CREATE TABLE t AS SELECT * FROM (VALUES ('a1', 'FastNet', 'FastNet is 3x faster.', 'cs.LG'),"
                   " ('a2', 'Hadrons', 'We measure hadrons.', 'hep-ph')) v(id, title, abstract, categories)")
        db.execute(f"COPY t TO '{path}' (FORMAT parquet)")
    assert [(p.id, p.title) for p in read_papers([path])] == [("a1", "FastNet"), ("a2", "Hadrons")]
    assert [p.id for p in read_papers([path], categories=["cs.LG"])] == ["a1"]
    bad = tmp_path / "bad.parquet"
    bad.write_text("not parquet")
    with pytest.raises(Exception, match="not a readable Parquet file"):
        list(read_papers([bad]))


def test_a_writer_that_reconnects_stores_every_paper_once_and_resumes(tmp_path, monkeypatch):
    """Store.REOPEN_EVERY closes and reopens the connection between batches: nothing written is lost or doubled."""
    from extractor.extract import Settings
    from extractor.run import run_extraction

    monkeypatch.setattr(Store, "REOPEN_EVERY", 100)
    big = tmp_path / "big.jsonl"
    _synthetic(big, 700)
    with Store(tmp_path / "r.duckdb") as store:
        first = run_extraction(store, read_papers([big]), None, Settings(use_model=False))
        again = run_extraction(store, read_papers([big]), None, Settings(use_model=False))
        counts = store.query("select (select count(*) from papers), (select count(distinct paper_id) from extractions),"
                             " (select count(*) from extractions), (select count(*) from claims)")[1]
    assert (first.done, again.skipped, again.done) == (700, 700, 0)
    assert counts[0][:3] == (700, 700, 700) and counts[0][3] > 0
