"""Host-native builds of the firmware's portable C (agent + built-in engine), for tests:
the C unit tests (firmware/tests/test_*.c) and the host runner that runs a .tflite through
the built-in engine on this machine, so kernels are compared with TFLM without an emulator."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from hil import paths
from hil.harness.build import source_hash

NATIVE_SRC = paths.firmware_dir() / "tests"


@contextlib.contextmanager
def build_lock(build: Path):
    """Holds an exclusive lock on a shared build tree: pytest-xdist workers build the same tree."""
    build.mkdir(parents=True, exist_ok=True)
    with open(build / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def build_native(defines: tuple[str, ...] = (), sanitize: bool = True) -> Path:
    """Builds (or reuses) the native tree for these defines; returns the build directory.

    HIL_NATIVE_BUILD_DIR keeps one tree per set of defines across source changes and rebuilds
    it incrementally on every call (bench/mutation.py: a mutant recompiles one file, not all)."""
    incremental = os.environ.get("HIL_NATIVE_BUILD_DIR")
    options = "\0".join([*defines, str(sanitize)])
    sources = "" if incremental else source_hash(paths.firmware_dir()) + source_hash(NATIVE_SRC)
    key = hashlib.sha256((sources + "\0" + options).encode()).hexdigest()[:16]
    build = Path(incremental) / f"native-{key}" if incremental else paths.cache_dir() / f"native-{key}"
    stamp = build / ".built"
    if stamp.exists() and not incremental:
        return build
    with build_lock(build):
        if stamp.exists() and not incremental:
            return build
        generator = ["-G", "Ninja"] if shutil.which("ninja") else []
        subprocess.run(["cmake", "-S", str(NATIVE_SRC), "-B", str(build), *generator,
                        f"-DHIL_TEST_DEFINES={';'.join(defines)}", f"-DHIL_SANITIZE={'ON' if sanitize else 'OFF'}"],
                       check=True, capture_output=True)
        result = subprocess.run(["cmake", "--build", str(build)], capture_output=True, text=True)
        if result.returncode:
            raise RuntimeError(f"native build failed:\n{result.stdout[-3000:]}")
        stamp.touch()
    return build


class NativeRefusal(Exception):
    """The engine refused the model at load (its one-line message), or failed to invoke."""

    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code


def run_native(model: Path, vectors: list[list[np.ndarray]], output_specs: list[tuple[tuple, np.dtype]],
               build: Path | None = None, steps: int = 0) -> list[list[np.ndarray]]:
    """Runs every vector through the built-in engine natively; returns outputs per vector. A
    model with state keeps it across the vectors, reset before every `steps`-th when steps > 0."""
    build = build or build_native()
    with tempfile.TemporaryDirectory() as tmp:
        inputs, outputs = Path(tmp) / "in.bin", Path(tmp) / "out.bin"
        inputs.write_bytes(b"".join(np.ascontiguousarray(a).tobytes() for v in vectors for a in v))
        result = subprocess.run([str(build / "hil_host_runner"), str(model), str(inputs), str(outputs),
                                 *([str(steps)] if steps else [])], capture_output=True, text=True, timeout=600)
        if result.returncode:
            raise NativeRefusal(result.returncode, (result.stderr.strip().splitlines() or ["?"])[-1])
        raw = outputs.read_bytes()
    per_vector = [int(np.prod(shape)) * np.dtype(dtype).itemsize for shape, dtype in output_specs]
    out, pos = [], 0
    for _ in vectors:
        vector = []
        for (shape, dtype), n in zip(output_specs, per_vector, strict=True):
            vector.append(np.frombuffer(raw[pos:pos + n], dtype=dtype).reshape(shape))
            pos += n
        out.append(vector)
    return out
