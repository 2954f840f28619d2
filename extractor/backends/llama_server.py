"""Start a local `python -m llama_cpp.server` for the endpoint backend (bench and tests use it)."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from extractor.errors import BackendError


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_llama_server(model: Path, log: Path, port: int | None = None, threads: int = 1,
                       timeout: float = 120.0) -> tuple[subprocess.Popen, str]:
    """Start the server on 127.0.0.1 and wait until it answers; returns the process and its base URL (…/v1)."""
    port = port or free_port()
    n = str(threads)
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
               "--port", str(port), "--n_ctx", "2048", "--n_threads", n, "--n_threads_batch", n, "--seed", "0"]
    with log.open("ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise BackendError(f"llama_cpp.server exited with {process.returncode}:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=2) as response:
                if response.status == 200:
                    return process, base_url
        except OSError:  # refused while the model loads
            pass
        if time.monotonic() > deadline:
            stop_process(process)
            raise BackendError(f"llama_cpp.server did not start in {timeout:.0f} s:\n{log.read_text()[-2000:]}")
        time.sleep(0.25)


def stop_process(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
