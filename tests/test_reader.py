"""The reader's dense features: lazy, deterministic, one value per hidden unit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from extractor.learned import reader as reader_module
from extractor.learned.reader import Reader, reader_threads

MODEL = Path(__file__).resolve().parents[1] / "models" / "SmolLM2-135M-Instruct.Q4_1.gguf"


def test_the_model_is_loaded_only_when_a_paper_is_read() -> None:
    reader = Reader("no/such/file.gguf")  # constructing it opens nothing
    assert reader._llm is None


@pytest.mark.model
def test_features_are_deterministic_and_named_by_hidden_unit() -> None:
    if not MODEL.is_file():
        pytest.skip("bundled model not unpacked (make models)")
    reader = Reader(MODEL)
    title, abstract = "A small model for code search", "We train a 100M-parameter encoder on code and text pairs."
    first = reader.features(title, abstract)
    reader.features("Another paper", "Vision transformers for segmentation.")  # a different paper in between
    assert reader.features(title, abstract) == first
    assert len(first) == 576 and set(first) == {f"emb:{i}" for i in range(576)}


@pytest.mark.parametrize("cores, load, threads", [(2, 0.1, 2), (2, 0.6, 1), (2, 3.5, 1), (8, 2.2, 6), (1, 0.0, 1)])
def test_without_proc_stat_the_reader_takes_the_cores_the_load_average_leaves(monkeypatch, cores, load, threads) -> None:
    def no_proc_stat() -> list[int]:
        raise OSError("no /proc/stat")

    monkeypatch.setattr(reader_module, "_cpu_times", no_proc_stat)
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    assert reader_threads() == threads


@pytest.mark.parametrize("cores, busy_share, threads", [(2, 0.0, 2), (2, 0.2, 2), (2, 0.5, 1), (2, 1.0, 1), (8, 0.25, 6)])
def test_the_reader_takes_the_cores_idle_right_now(monkeypatch, cores, busy_share, threads) -> None:
    """Idle time over a moment, not the load average: this process's own earlier work does not count."""
    samples = iter([[100, 0, 0, 900, 0, 0, 0, 0], [100 + int(1000 * busy_share), 0, 0, 900 + int(1000 * (1 - busy_share)), 0, 0, 0, 0]])
    monkeypatch.setattr(reader_module, "_cpu_times", lambda: next(samples))
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    monkeypatch.setattr(os, "getloadavg", lambda: (9.0, 9.0, 9.0))  # not read
    assert reader_threads() == threads


def test_the_machine_s_cpu_times_are_read():
    times = reader_module._cpu_times()
    assert len(times) == 8 and all(t >= 0 for t in times) and sum(times) > 0
