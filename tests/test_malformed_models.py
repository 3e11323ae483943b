"""Malformed .tflite files generated from a real model (tests/malformed_models.py) against the
built-in engine's loader, natively under ASan + UBSan: each must be refused with the right
code and a one-line message, never read out of bounds.

Two runners: the host runner (tests/native.py, the engine as the parity tests use it) checks the
refusal; the fuzz_loader target replays every file in a buffer of exactly the file's size, so a
read one byte past the end is an ASan error, and runs one inference when a file loads."""

from __future__ import annotations

import pytest
from fuzz_native import build_fuzzers, real_models, replay
from malformed_models import all_cases
from native import NativeRefusal, build_native, run_native

from hil import paths

BASE_MODEL = paths.models_dir() / "hello_world" / "hello_world.tflite"
CASES = all_cases(BASE_MODEL.read_bytes())


@pytest.fixture(scope="module")
def native_build():
    return build_native()


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("malformed")
    for case in CASES:
        (folder / f"{case.name}.tflite").write_bytes(case.data)
    return folder


@pytest.mark.parametrize("case", [c for c in CASES if not c.may_load], ids=lambda c: c.name)
def test_loader_refuses_malformed_model(case, case_dir, native_build):
    with pytest.raises(NativeRefusal) as info:
        run_native(case_dir / f"{case.name}.tflite", [[]], [], native_build)
    message = str(info.value)
    assert "Sanitizer" not in message and "runtime error" not in message, message
    if case.code is not None:
        assert info.value.code == case.code, f"{case.name}: code {info.value.code} ({message}), want {case.code}"
    assert case.message in message, f"{case.name}: {message!r} does not mention {case.message!r}"


def test_malformed_models_never_read_out_of_bounds(case_dir):
    """Every case, the ones that may load too (then one inference runs). Exact-size buffers:
    the host runner rounds its model buffer up, the fuzz target does not."""
    files = sorted(case_dir.glob("*.tflite"))
    result = replay(build_fuzzers(), "loader", files)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr.count("Running: ") == len(files)


def test_real_models_truncated_everywhere_never_crash(tmp_path):
    """Every real model cut at 64 points spread over its length (plus its first 64 lengths)."""
    files = []
    for model in real_models():
        data = model.read_bytes()
        cuts = sorted(set(range(0, min(64, len(data)))) | {len(data) * k // 64 for k in range(64)})
        for cut in cuts:
            path = tmp_path / f"{model.stem}-{cut}.tflite"
            path.write_bytes(data[:cut])
            files.append(path)
    result = replay(build_fuzzers(), "loader", files)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr.count("Running: ") == len(files) > 1000
