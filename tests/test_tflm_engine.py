"""The tflm engine on QEMU against a real TFLM build: runs only where TFLM_ROOT names a TFLM
tree with a libtensorflow-microlite.a built by TFLM's Makefile for the board (docs/porting.md).
No TFLM tree can be installed on the project's own machines, so here these tests skip."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from hil import paths
from hil.boards import find_profile
from hil.harness.runner import Harness
from hil.model import catalog

TFLM_ROOT = os.environ.get("TFLM_ROOT")

pytestmark = [
    pytest.mark.skipif(not TFLM_ROOT, reason="TFLM_ROOT is not set: the tflm engine builds only against a "
                                             "user-provided TFLM tree (docs/porting.md)"),
    pytest.mark.skipif(shutil.which("qemu-system-arm") is None, reason="needs qemu-system-arm"),
]


def _model(name: str) -> catalog.ModelConfig:
    path = paths.shared_models_dir() / name
    if not path.is_file():
        pytest.skip(f"{path} not present (third-party models live in ../shared/models)")
    return catalog.adhoc(path, vectors=3, seed=7)


@pytest.fixture(scope="module")
def harness():
    h = Harness(find_profile("qemu"), engine="tflm", tflm_root=TFLM_ROOT)
    h.check_tools()
    yield h
    h.close()


def test_ready_frame_reports_the_tflm_engine_and_its_arena(harness):
    target = harness.target(_model("person_detect.tflite"))
    ready = target.device.ready
    assert ready.engine == "tflm" and ready.status == 0, ready.message
    assert 0 < ready.arena_used <= ready.arena_size


def test_repeated_invokes_keep_the_input_and_match_tflm(harness):
    """RUN with repeat > 1 relies on the adapter restoring its input copy before each Invoke."""
    config = _model("person_detect.tflite")
    for index in range(len(config.vectors(3).inputs)):
        result = harness.run_vector(config, index, repeat=3)
        assert result.parity.exact, f"vector {index}: {result.parity}"
        assert len(set(result.ticks)) == 1  # same work every repeat on the deterministic emulator


def test_per_op_profile_covers_every_operator(harness):
    config = _model("person_detect.tflite")
    target = harness.target(config)
    target.device.infer(target.vectors.inputs[0])
    profile = target.device.profile()
    assert [p.opcode for p in profile] == [op.opcode for op in config.info().ops]
    assert all(p.ticks > 0 for p in profile), "a TFLM built with BUILD_TYPE=release reports no per-op events"


def test_parity_and_timing_suites_pass_with_the_tflm_engine(tmp_path):
    """The HIL suites themselves, through the pytest plugin, with --engine tflm."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "test_suites/test_parity.py", "test_suites/test_deadlines.py",
         "test_suites/test_cycles.py", "--board=qemu", "--engine=tflm", f"--tflm-root={TFLM_ROOT}",
         "--vectors=3", "-q", "-p", "no:randomly", f"--junitxml={tmp_path / 'junit.xml'}", "--no-results"],
        cwd=paths.REPO_ROOT, capture_output=True, text=True, timeout=3600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    junit = (tmp_path / "junit.xml").read_text()
    assert 'failures="0"' in junit and 'errors="0"' in junit
    assert np.count_nonzero([" passed" in line for line in result.stdout.splitlines()[-3:]]) == 1
