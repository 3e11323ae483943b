"""The tflm engine on QEMU against a real TFLM build: runs only where TFLM_ROOT names a TFLM
tree with a libtensorflow-microlite.a built by TFLM's Makefile for the board (docs/porting.md);
TFLM_LIB picks the library when the tree holds several for a board (a board whose core it was
not built for takes the tree's only library for its own core, or skips saying so). No TFLM tree
ships with the project and CI has none, so there these tests skip."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_helpers import hil

from hil import paths
from hil.boards import find_profile
from hil.engines.tflm_tree import built_for, find_libraries, target_arch
from hil.harness.config import HarnessConfig
from hil.harness.runner import Harness
from hil.model import catalog

TFLM_ROOT = os.environ.get("TFLM_ROOT")

pytestmark = [
    pytest.mark.skipif(not TFLM_ROOT, reason="TFLM_ROOT is not set: the tflm engine builds only against a "
                                             "user-provided TFLM tree (docs/porting.md)"),
    pytest.mark.skipif(shutil.which("qemu-system-arm") is None, reason="needs qemu-system-arm"),
]


def _shared(name: str) -> Path:
    path = paths.shared_models_dir() / name
    if not path.is_file():
        pytest.skip(f"{path} not present (third-party models live in ../shared/models)")
    return path


def _model(name: str) -> catalog.ModelConfig:
    return catalog.adhoc(_shared(name), vectors=3, seed=7)


def _library(board: str) -> str:
    """TFLM_LIB when it was built for the board's core, else the tree's only library for that core."""
    arch = target_arch(find_profile(board))
    chosen = os.environ.get("TFLM_LIB")
    if chosen and built_for(Path(chosen)) in (arch, None):
        return chosen
    libs = find_libraries(Path(TFLM_ROOT), arch)
    if len(libs) != 1:
        pytest.skip(f"{len(libs)} TFLM libraries for TARGET_ARCH={arch} under {TFLM_ROOT}: set TFLM_LIB to the one "
                    f"to test on {board}")
    return str(libs[0])


@pytest.fixture(scope="module")
def harness():
    h = Harness(HarnessConfig(find_profile("qemu"), engine="tflm", tflm_root=TFLM_ROOT, tflm_lib=_library("qemu")))
    h.check_tools()
    yield h
    h.close()


def _spread_in_instructions(target, ticks: list[int]) -> tuple[float, float]:
    """Spread of repeated invokes in instructions, and one counter tick in instructions: the
    counter's resolution. The same work can straddle one more or one fewer tick boundary."""
    cycles = [target.clock.cycles(t) for t in ticks]
    return max(cycles) - min(cycles), target.clock.cycles(1)


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
        spread, tick = _spread_in_instructions(harness.target(config), result.ticks)
        assert spread <= tick, f"vector {index}: repeats differ by {spread} instructions ({result.ticks} ticks)"


def test_first_invoke_costs_what_the_next_ones_do(harness):
    """Nothing the adapter does for itself is measured: neither its input copy nor the one-time
    LOG frame about a missing per-op profile (a BUILD_TYPE=release library) before the first
    invoke's end (it once added 6,880 instructions to hello_world's worst case)."""
    config = _model("hello_world_int8.tflite")
    harness.discard(config)  # a fresh session: the first RUN is the target's first invoke
    target = harness.target(config)
    result = harness.run_vector(config, 0, repeat=4)
    assert result.parity.exact, result.parity
    spread, tick = _spread_in_instructions(target, result.ticks)
    assert spread <= tick, f"first vs later invokes: {result.ticks} ticks"
    if harness.engine.tflm.per_op_profile is False:  # the note was sent, and outside the measured region
        assert any("profiler saw 0 of" in line for line in target.device.client.logs), target.device.client.logs


def test_per_op_profile_covers_every_operator(harness):
    if harness.engine.tflm.per_op_profile is False:
        pytest.skip(f"{harness.engine.tflm.lib} was built with BUILD_TYPE=release (no error strings): TFLM emits no "
                    f"per-operator profiler events")
    config = _model("person_detect.tflite")
    target = harness.target(config)
    target.device.infer(target.vectors.inputs[0])
    profile = target.device.profile()
    assert [p.opcode for p in profile] == [op.opcode for op in config.info().ops]
    assert all(p.ticks > 0 for p in profile)


@pytest.mark.parametrize("board", ["qemu", "qemu-m55"])
@pytest.mark.parametrize("model", ["person_detect.tflite", "micro_speech_quantized.tflite"])
def test_hil_run_is_bit_exact_with_host_tflm(board, model):
    """`hil run --engine tflm` as a user types it, on the Cortex-M4 and the Cortex-M55."""
    path, lib = _shared(model), _library(board)
    result = hil("run", "--board", board, "--engine", "tflm", "--tflm-root", TFLM_ROOT, "--tflm-lib", lib,
                 "--vectors", "3", "--json", "--no-results", path, timeout=1800)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    run = json.loads(result.stdout)
    assert (run["engine"], run["board"], run["vectors"]) == ("tflm", board, 3)
    assert run["exact"] and run["mismatching"] == 0 and run["max_abs_diff_lsb"] == 0, run
    assert run["cycles"] > run["macs"] / 4  # a real inference: no core here does 4 MACs per instruction


def test_parity_and_timing_suites_pass_with_the_tflm_engine(tmp_path):
    """The HIL suites themselves, through the pytest plugin, with --engine tflm."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "test_suites/test_parity.py", "test_suites/test_deadlines.py",
         "test_suites/test_cycles.py", "--board=qemu", "--engine=tflm", f"--tflm-root={TFLM_ROOT}",
         f"--tflm-lib={_library('qemu')}",
         "--vectors=3", "-q", "-p", "no:randomly", f"--junitxml={tmp_path / 'junit.xml'}", "--no-results"],
        cwd=paths.REPO_ROOT, capture_output=True, text=True, timeout=3600)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    junit = (tmp_path / "junit.xml").read_text()
    assert 'failures="0"' in junit and 'errors="0"' in junit
    assert sum(" passed" in line for line in result.stdout.splitlines()[-3:]) == 1
