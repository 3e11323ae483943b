"""The first divergent layer: on a parity failure, rerun the failing vector on a debug firmware
that keeps every intermediate tensor, read them all back, run the host TFLM interpreter with
every tensor preserved, and name the first operator (in execution order) whose output differs
while its inputs still match.

The debug firmware is the same engine built with HIL_DEBUG_TENSORS: its planner gives every
tensor its own memory, so nothing is overwritten during the inference (the normal planner
reuses memory, which would make intermediate tensors unreadable). It is a different build with
a different firmware key; it is built and started only when a parity failure needs it, and
kept for further failures of the same model.
"""

from __future__ import annotations

import weakref
from dataclasses import asdict, dataclass, field

import numpy as np

from hil.errors import HilError
from hil.harness.runner import Harness, make_reference, replay_reference
from hil.link.protocol import TENSORS_OWN_MEMORY, TensorEntry
from hil.model.catalog import ModelConfig
from hil.model.reference import TflmReference
from hil.model.tflite import ModelInfo
from hil.verdicts.float_parity import ABS_TOL, REL_TOL

DEBUG_DEFINE = "HIL_DEBUG_TENSORS"
MAX_ANALYSES_PER_MODEL = 3  # debug reruns per model and session; later failures refer to the first
NAME_LIMIT = 72


@dataclass
class TensorDiff:
    """How one tensor on the target differs from the host's."""

    tensor: int
    name: str
    dtype: str
    shape: list[int]
    max_abs_diff: float          # LSB for integer tensors, absolute for float tensors
    unit: str                    # "LSB" or "abs"
    where: list[int] | None      # index of the largest difference
    target: float | None
    reference: float | None
    mismatches: int              # elements outside the tolerance
    elements: int

    @property
    def differs(self) -> bool:
        return self.mismatches > 0

    def describe(self) -> str:
        return f"tensor {self.tensor} '{_short(self.name)}' {self.dtype}{self.shape}"

    def detail(self) -> str:
        return (f"max |diff| {self.max_abs_diff:.6g}{' LSB' if self.unit == 'LSB' else ''} at {self.where} "
                f"(target {self.target:.6g}, reference {self.reference:.6g}), {self.mismatches}/{self.elements} "
                f"elements differ")


@dataclass
class Divergence:
    model: str
    vector: int
    status: str                  # found | input | none | not-reproduced | skipped | error
    note: str = ""
    op_index: int | None = None
    op: str | None = None
    ops_total: int = 0
    output: TensorDiff | None = None
    inputs_match: bool | None = None
    inputs: list[TensorDiff] = field(default_factory=list)  # the culprit's activation inputs
    unchecked_ops: list[int] = field(default_factory=list)   # ops whose output the target could not give
    firmware_key: str | None = None
    stage: str = ""  # a pipeline: the stage analysed alone (hil/verdicts/stage_divergence.py)

    def _culprit(self) -> str:
        differing = [d for d in self.inputs if d.differs]
        if differing:
            shown = "; ".join(f"{d.describe()}: {d.detail()}" for d in differing)
            return f"its inputs differ too ({shown}), so an earlier operator the target could not show is to blame"
        if not self.inputs_match:
            return "some of its inputs could not be read back, so an earlier operator may be to blame"
        if not self.inputs:
            return "it reads only constants, so it is the culprit"
        names = ", ".join(str(d.tensor) for d in self.inputs)
        return f"its input tensor{'s' if len(self.inputs) > 1 else ''} {names} matched the host, so it is the culprit"

    def message(self) -> str:
        where = f"in {self.stage}: " if self.stage else ""
        if self.status != "found" or self.output is None:
            return f"first divergent operator: {where}{self.note}"
        earlier = f"ops #0..#{self.op_index - 1} matched" if self.op_index else "it is the first operator"
        return (f"first divergent operator: {where}op #{self.op_index} {self.op} (of {self.ops_total}), output "
                f"{self.output.describe()}: {self.output.detail()}; {self._culprit()} ({earlier})")

    def record(self) -> dict:
        data = asdict(self)
        data["message"] = self.message()
        return data


# ---- comparing one tensor ----

def _short(name: str) -> str:
    return name if len(name) <= NAME_LIMIT else "..." + name[-(NAME_LIMIT - 3):]


def diff_tensor(index: int, name: str, target: np.ndarray, reference: np.ndarray,
                tolerance_lsb: float = 0) -> TensorDiff:
    """Integer tensors within `tolerance_lsb`; float tensors within the float tolerance
    (hil/verdicts/float_parity.py)."""
    t = np.asarray(target)
    r = np.asarray(reference).reshape(t.shape)
    is_float = np.issubdtype(t.dtype, np.floating)
    t64, r64 = t.astype(np.float64), r.astype(np.float64)
    err = np.abs(t64 - r64)
    if is_float:
        err = np.where(np.isnan(t64) & np.isnan(r64), 0.0, np.where(np.isnan(err), np.inf, err))
        outside = err > ABS_TOL + REL_TOL * np.abs(r64)
    else:
        outside = err > tolerance_lsb
    where = None
    tv = rv = None
    if err.size and float(err.max()) > 0:
        pos = np.unravel_index(int(np.argmax(err)), err.shape)
        where = [int(i) for i in pos]
        tv, rv = float(t64[pos]), float(r64[pos])
    return TensorDiff(index, name, str(t.dtype), [int(d) for d in t.shape], float(err.max()) if err.size else 0.0,
                      "abs" if is_float else "LSB", where, tv, rv, int(outside.sum()), int(err.size))


# ---- the analysis itself, given a device that ran the vector on the debug firmware ----

def host_tensor(reference: TflmReference, index: int) -> np.ndarray:
    """A tensor of the last host inference (the interpreter must preserve all tensors)."""
    return np.asarray(reference._interp.GetTensor(index, 0)["tensor_data"])


def analyse(device, info: ModelInfo, reference: TflmReference, model: str, vector: int,
            tolerance_lsb: float = 0) -> Divergence:
    """Compares, operator by operator in execution order, the tensors the device holds after its
    last inference with the host reference's (which ran the same input)."""
    entries, list_flags = device.list_tensors()
    result = Divergence(model, vector, "none", ops_total=len(info.ops))
    if len(entries) != len(info.tensors):
        result.status, result.note = "error", (f"the target lists {len(entries)} tensors, the model has "
                                               f"{len(info.tensors)}")
        return result
    cache: dict[int, TensorDiff | None] = {}

    def compare(index: int) -> TensorDiff | None:
        if index not in cache:
            entry: TensorEntry = entries[index]
            cache[index] = (diff_tensor(index, info.tensors[index].name, device.get_tensor(entry),
                                        host_tensor(reference, index), tolerance_lsb) if entry.valid else None)
        return cache[index]

    for index in info.inputs:
        d = compare(index)
        if d is not None and d.differs:
            result.status, result.output = "input", d
            result.note = (f"the model input {d.describe()} already differs on the target ({d.detail()}): the "
                           f"vector did not arrive intact")
            return result
    for op in info.ops:
        outputs = [compare(i) for i in op.outputs if i >= 0]
        if any(d is None for d in outputs):
            result.unchecked_ops.append(op.index)
        bad = next((d for d in outputs if d is not None and d.differs), None)
        if bad is None:
            continue
        result.status, result.op_index, result.op, result.output = "found", op.index, op.name, bad
        activations = [i for i in op.inputs if i >= 0 and not info.tensors[i].is_const]
        result.inputs = [d for d in (compare(i) for i in activations) if d is not None]
        result.inputs_match = len(result.inputs) == len(activations) and not any(d.differs for d in result.inputs)
        return result
    own = "every tensor in its own memory" if list_flags & TENSORS_OWN_MEMORY else "memory reused"
    result.note = (f"no operator output differs from the host on the debug firmware ({own}), although the normal "
                   f"firmware's outputs did: suspect memory planning (a tensor overwritten while still needed) or "
                   f"state left from an earlier inference")
    if result.unchecked_ops:
        result.note += f"; ops {result.unchecked_ops} could not be checked (their outputs were not valid)"
    return result


# ---- the harness side: the debug firmware, started on demand ----

# Per debug harness: model name -> the Divergences analysed so far in the session.
_ANALYSES: weakref.WeakKeyDictionary[Harness, dict[str, list[Divergence]]] = weakref.WeakKeyDictionary()

def debug_harness(harness: Harness) -> Harness:
    """The harness's companion that builds and runs the debug firmware (same board, engine and
    test defines, plus HIL_DEBUG_TENSORS); one target at a time."""
    for companion in harness.companions:
        if DEBUG_DEFINE in companion.config.defines:
            return companion
    progress = harness.progress
    return harness.companion(harness.config.variant((DEBUG_DEFINE,), max_restarts=0, max_sessions=1),
                             progress=(lambda msg: progress(f"debug firmware (every tensor kept): {msg}"))
                             if progress else None)


def explain_parity_failure(harness: Harness, config: ModelConfig, index: int) -> Divergence:
    """Reruns vector `index` of `config` on the debug firmware and finds the first divergent
    operator. Never raises: a problem becomes a Divergence with status "error"."""
    if not harness.engine.tensor_access:
        return Divergence(config.name, index, "skipped",
                          note=f"not analysed: the {harness.engine.name} engine gives no access to intermediate "
                               f"tensors")
    debug = debug_harness(harness)
    done = _ANALYSES.setdefault(debug, {}).setdefault(config.name, [])
    if len(done) >= MAX_ANALYSES_PER_MODEL:
        first = done[0]
        return Divergence(config.name, index, "skipped",
                          note=f"not re-analysed for this vector ({MAX_ANALYSES_PER_MODEL} vectors of {config.name} "
                               f"already analysed in this session); vector {first.vector}: {first.message()}")
    single_session = harness.max_sessions <= 1  # a physical board: the debug firmware replaces the normal one
    try:
        if single_session:
            harness.discard(config)
        result = _run_debug(debug, config, index)
    except HilError as exc:
        result = Divergence(config.name, index, "error", note=f"not analysed: the debug firmware failed: "
                                                              f"{exc.one_line()}")
    finally:
        if single_session:
            debug.close()
    done.append(result)
    return result


def _run_debug(debug: Harness, config: ModelConfig, index: int) -> Divergence:
    """The vector on the debug firmware (after its sequence's earlier vectors, for a model with
    state) and the host driven the same way with every tensor kept."""
    outputs = debug.run_vector(config, index).outputs
    target = debug.target(config)
    reference = make_reference(config.tflite, preserve_all_tensors=True)
    expected = replay_reference(reference, target.vectors, index)[-1]
    reproduced = any(diff_tensor(i, "", t, r, config.tolerance_lsb).differs
                     for i, (t, r) in enumerate(zip(outputs, expected, strict=True)))
    result = analyse(target.device, target.info, reference, config.name, index, config.tolerance_lsb)
    result.firmware_key = target.firmware.key
    if result.status == "none" and not reproduced:
        result.status = "not-reproduced"
        result.note = ("the debug firmware (every tensor in its own memory) computes the host's outputs for this "
                       "vector, the normal firmware does not: suspect memory planning (a tensor overwritten while "
                       "still needed) or state left from an earlier inference")
    return result
