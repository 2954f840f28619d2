"""The bundled LLM as a reader: an abstract -> the mean of its last hidden states, as dense features.

The reader reads every abstract by default; its features feed the domain and architecture heads
(`fields.py`), which were trained on them. Measured with the fields classifier (words, rule cues,
known families) over 571 training papers, adding the SmolLM2 mean embedding of the first 128
tokens (standardised, weight 0.1): domain 5-fold CV 0.858 -> 0.879, architecture 0.730 -> 0.769;
on dev (86) and dev_gold (60) level (192 tokens: CV 0.876 / 0.769, dev_gold +1 paper each, at
1.5x the cost). Alone it loses to words; the model's prompted answers and label log-probabilities
added nothing beyond the plain mean. The cost is one forward pass, no generation.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

MAX_TOKENS = 128  # title and abstract, truncated: the cost grows linearly with it


def reader_threads() -> int:
    """As many threads as cores nothing else uses right now, at least one.

    One batched pass per abstract (SmolLM2, 192 tokens, this 2-core CPU): idle, 1.04 s with 2
    threads against 1.77 s with 1; beside a busy process (`yes > /dev/null`), 2.44 s against 1.74 s:
    llama.cpp's threads spin, so a thread without a core of its own stalls the others."""
    cores = os.cpu_count() or 1
    return max(1, min(cores, int(cores - busy_cores() + 0.5)))


def busy_cores(seconds: float = 0.2) -> float:
    """Cores other processes keep busy: the CPU's idle time over a moment (/proc/stat, Linux), else the
    1-minute load average, which also counts this process's own work of the last minute (a bench
    that had just run the rules got one thread on an idle machine, at half the speed)."""
    try:
        before = _cpu_times()
        time.sleep(seconds)
        after = _cpu_times()
        total = sum(after) - sum(before)
        idle = after[3] + after[4] - before[3] - before[4]  # idle and iowait
        if total > 0:
            return (os.cpu_count() or 1) * (1 - idle / total)
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):  # not on every platform
        return 0.0


def _cpu_times() -> list[int]:
    """user, nice, system, idle, iowait, irq, softirq, steal: the machine's CPU time so far, in ticks."""
    with open("/proc/stat", encoding="ascii") as f:
        return [int(x) for x in f.readline().split()[1:9]]


class Reader:
    """Loads the GGUF lazily (llama_cpp imported on first use); one context, reused paper after paper."""

    def __init__(self, model_path: str | Path, n_threads: int = 1) -> None:
        self.model_path = str(model_path)
        self.n_threads = n_threads
        self._llm: Any = None
        self._lock = threading.Lock()  # one llama.cpp context: papers in flight take turns

    @property
    def name(self) -> str:
        """What the heads were trained on: part of the resume key."""
        return f"{Path(self.model_path).name}:mean{MAX_TOKENS}"

    def _load(self) -> Any:
        if self._llm is None:
            import llama_cpp  # heavy: only when a paper is read

            self._llm = llama_cpp.Llama(
                model_path=self.model_path, embedding=True, n_ctx=512, n_batch=512, n_ubatch=512,
                pooling_type=llama_cpp.LLAMA_POOLING_TYPE_NONE, n_threads=self.n_threads,
                n_threads_batch=self.n_threads, seed=0, verbose=False,
            )
        return self._llm

    def features(self, title: str, abstract: str) -> dict[str, float]:
        """{"emb:i": mean over the prompt tokens (after BOS) of hidden unit i}; deterministic."""
        import llama_cpp
        import numpy as np

        with self._lock:
            llm = self._load()
            tokens = llm.tokenize(f"Title: {title.strip()}\nAbstract: {abstract.strip()}".encode(), add_bos=True)
            tokens = tokens[:MAX_TOKENS]
            n_embd = llm.n_embd()
            # Per-token states need pooling "none", which the public embed() does not return past BOS handling.
            llm._ctx.kv_cache_clear()
            llm._batch.set_batch(batch=tokens, n_past=0, logits_all=True)
            llm._ctx.decode(llm._batch)
            states = np.ctypeslib.as_array(llama_cpp.llama_get_embeddings(llm._ctx.ctx), shape=(len(tokens) * n_embd,))
            mean = states.reshape(len(tokens), n_embd)[1:].mean(axis=0)
        return {f"emb:{i}": round(float(v), 5) for i, v in enumerate(mean)}


def read_cached(reader: Reader, papers: Iterable[tuple[str, str, str]], cache: Path,
                on_paper: Callable[[int, int], None] | None = None) -> dict[str, dict[str, float]]:
    """Features of (key, title, abstract) papers, kept in a JSON cache so `make train` reads each once."""
    import json

    store: dict[str, dict[str, float]] = {}
    if cache.exists():
        saved = json.loads(cache.read_text(encoding="utf-8"))
        if saved.get("reader") == reader.name:
            store = saved["features"]
    todo = [p for p in papers if p[0] not in store]
    for n, (key, title, abstract) in enumerate(todo, start=1):
        store[key] = reader.features(title, abstract)
        if on_paper:
            on_paper(n, len(todo))
        if n % 50 == 0 or n == len(todo):  # an interrupted build resumes
            cache.parent.mkdir(parents=True, exist_ok=True)
            cache.write_text(json.dumps({"reader": reader.name, "features": store}), encoding="utf-8")
    return store
