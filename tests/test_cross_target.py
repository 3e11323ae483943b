"""The cross-target suite (test_suites/test_cross_target.py) on real emulators: the catalog on
Cortex-M4, M7 and M55 builds in one session, a bad target in one line, the comparison failing
when two targets disagree, and builtin vs TFLM where a TFLM tree is given."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hil.harness.multi import CrossResult
from hil.harness.runner import VectorResult
from hil.model import catalog
from hil.verdicts.parity import compare_outputs

ROOT = Path(__file__).resolve().parents[1]


def run_suite(tmp_path: Path, *args: str, timeout: float = 2400) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "pytest", "test_suites/test_cross_target.py", f"--results-db={tmp_path / 'r.sqlite'}",
           "-p", "no:cacheprovider", "-q", "-rs", *args]
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"}
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)


def test_the_catalog_gives_the_same_outputs_on_m4_m7_and_m55(tmp_path):
    proc = run_suite(tmp_path, "--cross-boards", "qemu,qemu-m7,qemu-m55", "--vectors", "2")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-3000:]
    present = [m for m in catalog.discover() if not m.missing_reason]
    assert re.search(rf"\b{2 * len(present)} passed\b", out), out[-3000:]


def test_without_two_targets_the_suite_says_how_to_run_it(tmp_path):
    proc = run_suite(tmp_path, "--only-model", "hello_world", "--vectors", "1")
    assert proc.returncode == 0 and "--cross-boards qemu,qemu-m7,qemu-m55" in proc.stdout, proc.stdout[-2000:]


def test_an_unknown_board_is_one_line(tmp_path):
    proc = run_suite(tmp_path, "--cross-boards", "qemu,qemu-m99", "--only-model", "hello_world", "--vectors", "1")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 4, out[-2000:]
    assert "unknown board 'qemu-m99'" in out and "Traceback" not in out, out[-2000:]


def _result(outputs: list[np.ndarray], reference: list[np.ndarray], tolerance: float) -> VectorResult:
    return VectorResult("m", 0, outputs, reference, compare_outputs(outputs, reference, tolerance), [1], [1], None)


def test_targets_within_tolerance_of_the_reference_but_not_of_each_other_fail():
    """Each target within its 1 LSB tolerance of the reference, yet the two differ: integer
    outputs must be the same on every target, so the comparison reports it."""
    reference = [np.array([10, 20, 30], dtype=np.int8)]
    low = [np.array([9, 20, 30], dtype=np.int8)]
    high = [np.array([11, 20, 30], dtype=np.int8)]
    result = CrossResult({"qemu": _result(low, reference, 1), "qemu-m7": _result(high, reference, 1)}, {})
    assert result.mismatches() == ["qemu-m7 differs from qemu at output 0: 1/3 elements, max |diff| 2 LSB"]
    same = CrossResult({"qemu": _result(low, reference, 1), "qemu-m7": _result(low, reference, 1)}, {})
    assert same.mismatches() == []


def test_builtin_and_tflm_give_the_same_outputs(tmp_path):
    root = os.environ.get("TFLM_ROOT")
    if not root:
        pytest.skip("TFLM_ROOT is not set: the two-engine comparison needs a TFLM tree with a built library "
                    "(docs/porting.md)")
    lib = ["--tflm-lib", os.environ["TFLM_LIB"]] if os.environ.get("TFLM_LIB") else []
    proc = run_suite(tmp_path, "--cross-boards", "qemu", "--cross-engines", "builtin,tflm", "--tflm-root", root, *lib,
                     "--only-model", "hello_world", "--only-model", "kws_dscnn", "--vectors", "2")
    out = proc.stdout + proc.stderr
    if proc.returncode == 4 and "choose one with --tflm-lib" in out:
        pytest.skip("several TFLM libraries for the Cortex-M4 in TFLM_ROOT: set TFLM_LIB to one")
    assert proc.returncode == 0 and re.search(r"\b4 passed\b", out), out[-3000:]
