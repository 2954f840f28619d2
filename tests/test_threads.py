"""The default llama.cpp thread count: one, because spinning threads collapse on a busy CPU (README, "Speed")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from extractor.backends import DEFAULT_THREADS, BackendConfig
from extractor.cli import cli


def test_help_says_the_default_thread_count():
    out = CliRunner().invoke(cli, ["extract", "--help"], catch_exceptions=False).output
    assert DEFAULT_THREADS == 1 and "default: 1" in " ".join(out.split())


@pytest.mark.parametrize(("asked", "used"), [(None, DEFAULT_THREADS), (2, 2)])
def test_the_engine_gets_the_default_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, asked, used):
    llama_cpp = pytest.importorskip("extractor.backends.llama_cpp")
    seen: dict[str, Any] = {}

    class Recorder:
        metadata: dict = {}

        def __init__(self, **kwargs: Any) -> None:
            seen.update(kwargs)

    monkeypatch.setattr(llama_cpp, "_StableLlama", Recorder)
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF")
    llama_cpp.LlamaCppBackend(BackendConfig(model=str(model), n_threads=asked))
    assert seen["n_threads"] == used and seen["n_threads_batch"] == used
