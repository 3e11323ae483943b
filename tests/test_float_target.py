"""Float models on the target, beyond the float parity suite (test_suites/test_float.py, part of
the default `pytest --board=qemu` run):

- a float model on a core without an FPU (QEMU mps2-an385, Cortex-M3: profile qemu-m3) is
  refused in one line before anything is built or flashed, while an int8 model runs there;
- the firmware refuses to build float kernels for a core without an FPU too;
- a broken float operator (HIL_TEST_BREAK_OPCODE) fails the float suite, and the first
  divergent layer analysis names it in the float32 and float16-weights models alike (the
  float16 model's six DEQUANTIZE operators come first, so MAX_POOL_2D is op #7 there).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hil.boards import find_profile
from hil.engines.oracle import check_fpu
from hil.engines.table import float_ops
from hil.errors import BuildError, UnsupportedModelError
from hil.harness.build import build_firmware
from hil.model.tflite import load_model

ROOT = Path(__file__).resolve().parents[1]
FLOAT32 = ROOT / "models" / "digits_cnn" / "digits_cnn_float32.tflite"
FP16 = ROOT / "models" / "digits_cnn" / "digits_cnn_fp16.tflite"
INT8 = ROOT / "models" / "digits_cnn" / "digits_cnn.tflite"
ENV = {k: v for k, v in os.environ.items() if k not in ("HIL_RESULTS_DB", "PYTEST_ADDOPTS")}


def test_float_model_refused_before_flashing_on_a_core_without_fpu():
    start = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "hil.cli", "run", "--board", "qemu-m3", str(FLOAT32)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120, env=ENV)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert re.fullmatch(r"hil: \[unsupported-model\] digits_cnn_float32\.tflite: float model \(6 operators on float "
                        r"kernels: CONV_2D, MAX_POOL_2D, FULLY_CONNECTED, SOFTMAX\) on board qemu-m3 \(cortex-m3\), "
                        r"which has no FPU; .* Nothing was built or flashed\.", lines[0]), lines[0]
    assert "building firmware" not in result.stdout + result.stderr
    assert time.monotonic() - start < 30


def test_fpu_check_passes_int8_and_fpu_boards():
    m3, m4 = find_profile("qemu-m3"), find_profile("qemu")
    assert not m3.fpu and m4.fpu
    check_fpu(load_model(INT8), m3)  # int8 kernels need no FPU
    check_fpu(load_model(FP16), m4)
    with pytest.raises(UnsupportedModelError, match="no FPU"):
        check_fpu(load_model(FP16), m3)
    assert not float_ops(load_model(INT8)) and len(float_ops(load_model(FP16))) == 12


def test_int8_model_runs_on_the_core_without_fpu():
    cmd = [sys.executable, "-m", "pytest", "test_suites/test_parity.py", "--board=qemu-m3", "--only-model",
           "hello_world", "--vectors", "3", "--no-results", "-p", "no:cacheprovider", "-q"]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, env=ENV)
    assert result.returncode == 0 and re.search(r"\b3 passed\b", result.stdout), result.stdout[-3000:]


def test_firmware_refuses_float_kernels_without_fpu():
    with pytest.raises(BuildError, match="HIL_FLOAT_KERNELS needs a core with an FPU"):
        build_firmware("mps2_an385", FLOAT32)


def test_broken_float_operator_is_named_in_float32_and_fp16_models():
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "test_suites/test_float.py", "--board=qemu", "--only-model=digits_cnn_float32",
         "--only-model=digits_cnn_fp16",
         "--vectors=1", "--hil-define=HIL_TEST_BREAK_OPCODE=17", "--no-results", "-q", "-rf", "-p", "no:randomly"],
        cwd=ROOT, capture_output=True, text=True, timeout=900, env=dict(ENV, TF_CPP_MIN_LOG_LEVEL="3"))
    out = result.stdout
    assert result.returncode == 1, out[-3000:]
    for name, op_index in (("digits_cnn_float32", 1), ("digits_cnn_fp16", 7)):
        match = re.search(rf"\[parity\] {name} vector 0: max \|error\| .*?; first divergent operator: op #(\d+) "
                          r"(\w+) \(of \d+\), output tensor \d+ '[^']*' float32\[1, 4, 4, 16\]: max \|diff\| "
                          r"[\d.e+-]+ at \[[\d, ]+\] \(target [\d.e+-]+, reference [\d.e+-]+\), \d+/256 elements "
                          r"differ; its input tensor \d+ matched the host, so it is the culprit", out)
        assert match, (name, out[-3000:])
        assert (int(match.group(1)), match.group(2)) == (op_index, "MAX_POOL_2D")
