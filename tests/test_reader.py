"""The reader's dense features: lazy, deterministic, one value per hidden unit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
def test_the_reader_takes_the_cores_nothing_else_uses(monkeypatch, cores, load, threads) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
    assert reader_threads() == threads
