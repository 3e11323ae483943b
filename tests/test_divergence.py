"""The first divergent layer.

End to end on QEMU: digits_cnn (CONV_2D, MAX_POOL_2D, CONV_2D, MAX_POOL_2D, RESHAPE,
FULLY_CONNECTED, SOFTMAX) built with the test-only defect HIL_TEST_BREAK_OPCODE=17, which
corrupts every MAX_POOL_2D output after its eval. The parity suite must fail and its message
must name op #1 MAX_POOL_2D (not a later operator, although every later output differs too),
with its inputs matching; the results store and the HTML report must carry it.

Also: tensor validity on the normal firmware (memory reuse) against the host, and the
analysis logic itself on host-made tensors (a stand-in device, so each branch is reachable).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hil.boards import find_profile
from hil.harness.config import HarnessConfig
from hil.harness.runner import Harness
from hil.link.protocol import TENSOR_CONST, TENSOR_VALID, TensorEntry, TensorSpec
from hil.model import catalog
from hil.model.reference import TflmReference
from hil.model.tflite import load_model
from hil.results.store import ResultsStore
from hil.verdicts.divergence import analyse, diff_tensor

ROOT = Path(__file__).resolve().parents[1]
MAX_POOL_2D = 17


def digits() -> catalog.ModelConfig:
    return next(m for m in catalog.discover() if m.name == "digits_cnn")


def test_broken_operator_is_named_in_parity_failure(tmp_path):
    db = tmp_path / "results.sqlite"
    env = {k: v for k, v in os.environ.items() if k not in ("HIL_RESULTS_DB", "PYTEST_ADDOPTS")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "test_suites/test_parity.py", "--board=qemu", "--only-model=digits_cnn",
         "--vectors=3", f"--hil-define=HIL_TEST_BREAK_OPCODE={MAX_POOL_2D}", f"--results-db={db}", "-q", "-rf",
         "-p", "no:randomly"],
        cwd=ROOT, capture_output=True, text=True, timeout=900, env=dict(env, TF_CPP_MIN_LOG_LEVEL="3"))
    out = result.stdout
    assert result.returncode == 1, out[-3000:]
    match = re.search(r"\[parity\] digits_cnn vector (\d+): max \|diff\| .*?; first divergent operator: op #(\d+) "
                      r"(\w+) \(of 7\), output tensor (\d+) '[^']*' int8\[1, 4, 4, 16\]: max \|diff\| (\d+) LSB at "
                      r"\[[\d, ]+\] \(target (-?\d+), reference (-?\d+)\), (\d+)/256 elements differ; its input "
                      r"tensor 8 matched the host, so it is the culprit \(ops #0\.\.#0 matched\)", out)
    assert match, out[-3000:]
    assert match.group(2, 3, 4) == ("1", "MAX_POOL_2D", "9")
    assert int(match.group(5)) > 0 and match.group(6) != match.group(7) and int(match.group(8)) > 0
    print(match.group(0))

    with ResultsStore(db, create=False) as store:
        rows = [r for r in store.results(store.latest_run_id()) if r["outcome"] == "failed"]
    assert rows and all(r["divergence"]["op_index"] == 1 and r["divergence"]["op"] == "MAX_POOL_2D" for r in rows)
    assert rows[0]["divergence"]["inputs_match"] is True

    html = tmp_path / "report.html"
    report = subprocess.run([sys.executable, "-m", "hil.cli", "report", "--db", str(db), "--out", str(html),
                             "--no-step-summary"], cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert report.returncode == 0, report.stdout + report.stderr
    text = html.read_text()
    assert "First divergent layer" in text and "op #1 MAX_POOL_2D" in text


def test_normal_firmware_marks_reused_tensors_invalid():
    """Without HIL_DEBUG_TENSORS the planner reuses memory: LIST_TENSORS must say which tensors
    still hold this inference's value, and every tensor it calls valid must equal the host's."""
    config = digits()
    harness = Harness(HarnessConfig(find_profile("qemu")))
    try:
        target = harness.target(config)
        vector = target.vectors.inputs[0]
        target.device.infer(vector)
        entries, _ = target.device.list_tensors()
        reference = TflmReference(config.tflite, preserve_all_tensors=True)
        reference.run(vector)
        info = target.info
        assert [e.spec.shape for e in entries] == [t.shape for t in info.tensors]
        invalid = [e.index for e in entries if not e.valid]
        assert invalid, "the normal planner reuses memory, so some intermediate tensor must be overwritten"
        assert all(not info.tensors[i].is_const for i in invalid)
        for entry in entries:
            if entry.valid:
                got = target.device.get_tensor(entry)
                expected = np.asarray(reference._interp.GetTensor(entry.index, 0)["tensor_data"])
                assert np.array_equal(got, expected.reshape(got.shape)), f"tensor {entry.index}"
    finally:
        harness.close()


# ---- the analysis on host-made tensors: a stand-in device serving the host's own tensors ----


class StandInDevice:
    """Serves TFLM's preserved tensors as if a target held them, with chosen ones altered."""

    def __init__(self, info, reference: TflmReference, altered: dict[int, np.ndarray], invalid: set[int] = frozenset()):
        self.info, self.reference, self.altered, self.invalid = info, reference, altered, invalid

    def list_tensors(self):
        entries = []
        for t in self.info.tensors:
            flags = (TENSOR_CONST if t.is_const else 0) | (0 if t.index in self.invalid else TENSOR_VALID)
            spec = TensorSpec(t.dtype, t.shape, t.scale, t.zero_point, t.size * t.np_dtype.itemsize)
            entries.append(TensorEntry(t.index, t.name, flags, spec))
        return entries, 1

    def get_tensor(self, entry):
        if entry.index in self.altered:
            return self.altered[entry.index]
        return np.asarray(self.reference._interp.GetTensor(entry.index, 0)["tensor_data"]).copy()


@pytest.fixture(scope="module")
def host_run():
    config = digits()
    info = load_model(config.tflite)
    reference = TflmReference(config.tflite, preserve_all_tensors=True)
    reference.run(config.vectors(limit=1).inputs[0])

    def tensor(i):
        return np.asarray(reference._interp.GetTensor(i, 0)["tensor_data"]).copy()
    return info, reference, tensor


def test_analysis_names_the_op_whose_inputs_match(host_run):
    info, reference, tensor = host_run
    conv_out = info.ops[2].outputs[0]
    bad = tensor(conv_out)
    bad.flat[5] = np.int8(bad.flat[5] ^ 0x40)
    later = {conv_out: bad, info.ops[3].outputs[0]: tensor(info.ops[3].outputs[0]) + np.int8(1)}
    result = analyse(StandInDevice(info, reference, later), info, reference, "digits_cnn", 0)
    assert (result.status, result.op_index, result.op, result.inputs_match) == ("found", 2, "CONV_2D", True)
    assert result.output.mismatches == 1 and result.output.where == list(np.unravel_index(5, bad.shape))
    assert "op #2 CONV_2D" in result.message() and "ops #0..#1 matched" in result.message()


def test_analysis_reports_inputs_that_could_not_be_read(host_run):
    info, reference, tensor = host_run
    pool_in, pool_out = info.ops[1].inputs[0], info.ops[1].outputs[0]
    bad = tensor(pool_out) + np.int8(2)
    result = analyse(StandInDevice(info, reference, {pool_out: bad}, invalid={pool_in}), info, reference, "d", 0)
    assert result.status == "found" and result.op_index == 1 and result.inputs_match is False
    assert result.unchecked_ops == [0]
    assert "could not be read back" in result.message()


def test_analysis_flags_a_corrupted_input_and_no_divergence(host_run):
    info, reference, tensor = host_run
    first_input = info.inputs[0]
    broken = tensor(first_input)
    broken.flat[0] = np.int8(broken.flat[0] ^ 1)
    result = analyse(StandInDevice(info, reference, {first_input: broken}), info, reference, "d", 0)
    assert result.status == "input" and "did not arrive intact" in result.message()
    clean = analyse(StandInDevice(info, reference, {}), info, reference, "d", 0)
    assert clean.status == "none" and "suspect memory planning" in clean.message()


def test_diff_tensor_float_tolerance():
    ref = np.array([1.0, 100.0, 0.0], np.float32)
    close = diff_tensor(0, "x", ref * np.float32(1 + 5e-5), ref)
    assert not close.differs and close.unit == "abs"
    far = diff_tensor(0, "x", ref + np.float32(0.05), ref)  # above 1e-5 + 1e-4 * 100
    assert far.mismatches == 3 and far.where is not None


def test_tensor_list_parsing():
    """TENSOR_LIST entries as firmware/agent/hil_agent.c writes them; a cut payload is a malformed
    frame (a protocol error) naming where it ends."""
    import struct

    from hil.link.protocol import MalformedFrame, parse_tensor_list

    def entry(flags: int, name: bytes, dtype: int, dims: list[int], scale: float, zp: int, nbytes: int) -> bytes:
        return (bytes([flags, len(name)]) + name + bytes([dtype, len(dims)]) + struct.pack(f"<{len(dims)}i", *dims)
                + struct.pack("<fiI", scale, zp, nbytes))

    payload = (struct.pack("<HHHH", 7, 3, 2, 1) + entry(5, b"w", 9, [2, 3], 0.5, -1, 6)
               + entry(6, b"act", 0, [4], 0, 0, 16))
    total, list_flags, first, entries = parse_tensor_list(payload)
    assert (total, list_flags, first) == (7, 1, 3)
    assert [(e.index, e.name, e.flags, e.spec.shape, e.spec.nbytes) for e in entries] == [
        (3, "w", 5, (2, 3), 6), (4, "act", 6, (4,), 16)]
    assert entries[0].valid and entries[1].valid and entries[1].spec.dtype_name == "float32"
    with pytest.raises(MalformedFrame, match="TENSOR_LIST frame of .* ends inside entry 1 spec"):
        parse_tensor_list(payload[:-3])
