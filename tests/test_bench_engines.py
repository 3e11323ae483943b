"""bench/engines.py (`python -m bench.run --tflm-root`): a figure counts only from a run whose
outputs matched host TFLM, and a cell without a figure says why (refused, failed, mismatch).

The measurement runs the real built-in engine on QEMU, once as built and once with a test-only
rounding defect (HIL_TEST_BREAK_ROUNDING) that must show as a mismatch, not as a number. The table
test feeds print_side_by_side a result of the shape measure() returns."""

from __future__ import annotations

import shutil

import pytest

from bench.engines import measure, print_side_by_side
from hil.boards import find_profile
from hil.harness.config import HarnessConfig
from hil.harness.runner import Harness
from hil.model import catalog

VECTORS = 20  # the broken rounding changes some of hello_world's outputs, not all (tests/test_parity_can_fail.py)


def _hello_world() -> catalog.ModelConfig:
    return next(m for m in catalog.discover() if m.name == "hello_world")


@pytest.mark.skipif(shutil.which("qemu-system-arm") is None, reason="needs qemu-system-arm")
@pytest.mark.parametrize("defines", [(), ("HIL_TEST_BREAK_ROUNDING",)], ids=["as-built", "broken-rounding"])
def test_measure_checks_every_vector_against_host_tflm(defines):
    harness = Harness(HarnessConfig(find_profile("qemu"), defines=defines, vector_limit=VECTORS))
    try:
        entry = measure(harness, _hello_world())
    finally:
        harness.close()
    assert entry["vectors"] == VECTORS and entry["per_mac"] > 0
    if defines:
        assert entry["mismatching"] >= 1 and entry["max_abs_diff"] >= 1, entry
    else:
        assert entry["mismatching"] == 0 and entry["max_abs_diff"] == 0, entry


def test_cells_without_a_figure_say_why(capsys):
    ok = {"vectors": 3, "mismatching": 0, "max_abs_diff": 0, "macs": 288, "per_mac": 11.94,
          "by_op_type": {"FULLY_CONNECTED": 11.53}, "arena_bytes": 1704, "flash_bytes": 23936}
    result = {"engines": [{"label": "builtin", "engine": "builtin", "commit": "abc"},
                          {"label": "TFLM x reference release", "engine": "tflm", "lib": "/t/a.a"},
                          {"label": "TFLM x CMSIS-NN release", "engine": "tflm", "lib": "/t/b.a"},
                          {"label": "TFLM y", "engine": "tflm", "lib": "/t/c.a"}],
              "models": {"hello_world": {
                  "builtin": ok,
                  "TFLM x reference release": {**ok, "mismatching": 2, "max_abs_diff": 3},
                  "TFLM x CMSIS-NN release": {"error": "[unsupported-model] no", "refused": True},
                  "TFLM y": {"error": "[build-failed] CMake configure failed", "refused": False}}}}
    print_side_by_side(result, "instructions")
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("hello_world  "))
    assert row.split()[1:] == ["288", "11.94", "mismatch", "refused", "failed"]
    assert "hello_world FULLY_CONNECTED" in out and "11.53" in out
    assert "1 of 2 engine x model runs matched on every vector (6 vectors; max |diff| of those 0)" in out
    assert "hello_world on TFLM x reference release: 2 of 3 vectors differ from host TFLM (max |diff| 3)" in out
    assert "hello_world on TFLM y: [build-failed] CMake configure failed" in out
