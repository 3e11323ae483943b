"""One door to the target: every suite and tool runs its inferences through Harness.infer, which
decodes faults, names a dead emulator and restarts a lost target, and holds outputs to the
reference through the target's one ParityRule (integer or float, from the output types)."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import numpy as np
import pytest

from hil import paths
from hil.boards import find_profile
from hil.errors import Category, HilError, ProtocolError
from hil.harness.config import HarnessConfig
from hil.harness.runner import Harness
from hil.model import catalog
from hil.model.tflite import load_model
from hil.verdicts.float_parity import FloatParity
from hil.verdicts.parity import Parity, ParityRule

ROOT = paths.REPO_ROOT
# Only the link itself and the runner's door talk to a Device's inference methods.
ALLOWED = {"hil/harness/runner.py"}
needs_qemu = pytest.mark.skipif(shutil.which("qemu-system-arm") is None or shutil.which("arm-none-eabi-gcc") is None,
                                reason="needs qemu-system-arm and arm-none-eabi-gcc (./setup.sh)")


def _device_inferences(path: Path) -> list[int]:
    """Lines calling `<...>.device.infer(...)` / `.device.run(...)` or `device.infer(...)`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("infer", "run")):
            continue
        owner = node.func.value
        if (isinstance(owner, ast.Attribute) and owner.attr == "device") or \
                (isinstance(owner, ast.Name) and owner.id == "device"):
            found.append(node.lineno)
    return found


def test_suites_and_tools_infer_only_through_the_harness():
    files = [*ROOT.joinpath("hil").rglob("*.py"), *ROOT.joinpath("test_suites").glob("*.py"),
             *ROOT.joinpath("bench").glob("*.py")]
    bypass = [f"{p.relative_to(ROOT)}:{line}" for p in files
              if not p.relative_to(ROOT).as_posix().startswith("hil/link/")
              and p.relative_to(ROOT).as_posix() not in ALLOWED for line in _device_inferences(p)]
    assert not bypass, f"inference without fault triage (use Harness.infer): {bypass}"


def test_the_scan_sees_a_bypass(tmp_path):
    sample = tmp_path / "suite.py"
    sample.write_text("def f(target, device):\n    target.device.infer([1])\n    device.run([b''])\n")
    assert _device_inferences(sample) == [2, 3]


def test_parity_rule_follows_the_output_types():
    int8 = load_model(paths.models_dir() / "hello_world" / "hello_world.tflite")
    float32 = load_model(paths.models_dir() / "hello_world" / "hello_world_float32.tflite")
    assert ParityRule.for_outputs(int8.output_tensors) == ParityRule(False, 0)
    assert ParityRule.for_outputs(float32.output_tensors, 2) == ParityRule(True, 2)

    ref = [np.array([0.5, -1.25], np.float32)]
    near = [np.array([0.5 + 1e-7, -1.25], np.float32)]
    floating = ParityRule(True).compare(near, ref)
    assert isinstance(floating, FloatParity) and floating.within_tolerance and not floating.exact
    integer = ParityRule(False, 1).compare([np.array([3, 5], np.int8)], [np.array([4, 5], np.int8)])
    assert isinstance(integer, Parity) and integer.within_tolerance and not integer.exact
    assert not ParityRule(False, 0).compare([np.array([3], np.int8)], [np.array([4], np.int8)]).within_tolerance


@needs_qemu
def test_a_fault_through_the_door_is_decoded_counted_and_restarted():
    model = next(m for m in catalog.discover() if m.name == "hello_world")
    harness = Harness(HarnessConfig(find_profile("qemu"), defines=("HIL_TEST_FAULT_AT_INVOKE=2",
                                                                   "HIL_TEST_FAULT_KIND=1")))
    try:
        target = harness.target(model)
        spec = target.device.ready.inputs[0]
        with pytest.raises(ProtocolError, match=f"wants .*{spec.nbytes} bytes"):
            harness.infer(target, [np.zeros(spec.nbytes + 3, spec.np_dtype)])
        assert harness.target(model) is target  # refused before any exchange: the target is kept
        first = harness.infer(target, target.vectors.inputs[0])  # invoke 1 runs; invoke 2 faults
        assert target.compare(first.outputs, target.expected(0)).exact
        with pytest.raises(HilError) as info:
            harness.infer(target, target.vectors.inputs[0])
        error = info.value
        assert error.category == Category.HARD_FAULT
        assert error.details["pc_function"] == "hil_test_fault", error.one_line()  # decoded against the ELF
        assert not target.session.alive()  # discarded: the next request starts a fresh target
        fresh = harness.target(model)
        assert fresh is not target
        assert fresh.compare(harness.infer(fresh, fresh.vectors.inputs[0]).outputs, fresh.expected(0)).exact
    finally:
        harness.close()
