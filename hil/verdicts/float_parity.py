"""Parity of float32 outputs (float32 and float16-weights models) against TFLM's float reference.

Integer kernels are bit-exact with TFLM; float kernels are not expected to be, because the same
formula evaluated in another order or with other instructions rounds differently:

- fused multiply-add: arm-none-eabi-gcc contracts `acc += w * x` into one VFMA (one rounding)
  on FPU cores, the host's TFLM build rounds the product and the sum separately;
- summation order: an accumulation in another order (tiled or unrolled loops) rounds at
  different points;
- libm: SOFTMAX, LOGISTIC and TANH call expf / tanhf, and newlib's are not glibc's (a few ULP
  apart).

So float parity is |target - reference| <= ABS_TOL + REL_TOL * |reference| per element (numpy's
isclose rule), and the report gives the largest absolute error, relative error and ULP distance.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hil.results.fields import Field

# Absolute error allowed near zero and relative error elsewhere (float32 has 2^-23 = 1.2e-7
# relative precision; these allow the accumulated rounding of a few thousand-term dot products
# and of libm's exp/tanh, well below anything that changes a model's decision).
ABS_TOL = 1e-5
REL_TOL = 1e-4


def ulp_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Number of representable float32 values between a and b (0 when equal; +-0 are equal)."""
    ia = np.asarray(a, np.float32).view(np.int32).astype(np.int64)
    ib = np.asarray(b, np.float32).view(np.int32).astype(np.int64)
    # Map the sign-magnitude bit patterns onto one monotonic integer line.
    ia = np.where(ia < 0, -(ia & 0x7FFFFFFF), ia)
    ib = np.where(ib < 0, -(ib & 0x7FFFFFFF), ib)
    return np.abs(ia - ib)


@dataclass
class FloatParity:
    within_tolerance: bool
    abs_tol: float
    rel_tol: float
    max_abs_error: float
    max_rel_error: float     # over elements whose reference magnitude is at least abs_tol
    max_ulp: int
    mismatches: int          # elements outside the tolerance
    differing: int           # elements not bit-identical
    elements: int
    output_index: int        # output holding the worst element (-1 when all are identical)
    worst_index: tuple[int, ...] | None
    target_value: float | None
    reference_value: float | None
    top1_agree: bool

    @property
    def exact(self) -> bool:
        return self.differing == 0

    @property
    def max_abs_diff(self) -> float:
        return self.max_abs_error

    def message(self) -> str:
        tol = f"tolerance {self.abs_tol:g} + {self.rel_tol:g} x |reference|"
        if self.worst_index is None:
            return f"float outputs identical ({tol})"
        return (f"max |error| {self.max_abs_error:.3g} (relative {self.max_rel_error:.3g}, {self.max_ulp} ULP; "
                f"{tol}); {self.mismatches}/{self.elements} elements outside it, {self.differing} not "
                f"bit-identical; worst at output {self.output_index} index {list(self.worst_index)}: target "
                f"{self.target_value:.9g}, reference {self.reference_value:.9g}")

    def metrics(self) -> dict:
        return {Field.EXACT: self.exact, Field.FLOAT_WITHIN_TOLERANCE: self.within_tolerance,
                Field.MAX_ABS_ERROR: self.max_abs_error, Field.MAX_REL_ERROR: self.max_rel_error,
                Field.MAX_ULP: self.max_ulp, Field.FLOAT_MISMATCHES: self.mismatches, Field.ABS_TOL: self.abs_tol,
                Field.REL_TOL: self.rel_tol,
                Field.TOP1_AGREE: self.top1_agree}


def abs_error(target: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """|target - reference| per element, where NaN on both sides and equal infinities agree (0)
    and NaN on one side only is an infinite error (NaN compares false with every tolerance)."""
    with np.errstate(invalid="ignore"):
        err = np.abs(target - reference)
    agree = (target == reference) | (np.isnan(target) & np.isnan(reference))
    return np.where(agree, 0.0, np.where(np.isnan(err), np.inf, err))


def compare_float(target: list[np.ndarray], reference: list[np.ndarray], abs_tol: float = ABS_TOL,
                  rel_tol: float = REL_TOL) -> FloatParity:
    if len(target) != len(reference):
        raise ValueError(f"target has {len(target)} outputs, reference {len(reference)}")
    max_abs = max_rel = 0.0
    max_ulp = mismatches = differing = elements = 0
    worst: tuple[int, tuple[int, ...], float, float] | None = None
    worst_err = -1.0
    for out_index, (t, r) in enumerate(zip(target, reference, strict=True)):
        t32, r32 = np.asarray(t, np.float32), np.asarray(r, np.float32)
        if t32.shape != r32.shape:
            raise ValueError(f"output {out_index}: target shape {t32.shape} != reference {r32.shape}")
        t64, r64 = t32.astype(np.float64), r32.astype(np.float64)
        err = abs_error(t64, r64)
        elements += err.size
        differing += int((err > 0).sum())
        # the relative allowance of a NaN or infinite reference would be NaN or infinite: none
        allowance = abs_tol + rel_tol * np.where(np.isfinite(r64), np.abs(r64), 0.0)
        mismatches += int((err > allowance).sum())
        if not err.size:
            continue
        max_abs = max(max_abs, float(err.max()))
        big = np.abs(r64) >= abs_tol
        if big.any():
            max_rel = max(max_rel, float((err[big] / np.abs(r64[big])).max()))
        max_ulp = max(max_ulp, int(ulp_distance(t32, r32).max()))
        if float(err.max()) > worst_err and float(err.max()) > 0:
            idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(err)), err.shape))
            worst_err = float(err.max())
            worst = (out_index, idx, float(t32[idx]), float(r32[idx]))
    top1 = all(int(np.argmax(t)) == int(np.argmax(r)) for t, r in zip(target, reference, strict=True) if np.size(t))
    return FloatParity(
        within_tolerance=mismatches == 0, abs_tol=abs_tol, rel_tol=rel_tol, max_abs_error=max_abs,
        max_rel_error=max_rel, max_ulp=max_ulp, mismatches=mismatches, differing=differing, elements=elements,
        output_index=worst[0] if worst else -1, worst_index=worst[1] if worst else None,
        target_value=worst[2] if worst else None, reference_value=worst[3] if worst else None, top1_agree=top1)


# ---- the host reference of float16-weights models ----

def fp16_dequantize_ops(model) -> list[int]:
    """Indices of DEQUANTIZE operators whose input is a constant float16 tensor."""
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    sg, found = model.subgraphs[0], []
    for i, op in enumerate(sg.operators or []):
        code = model.operatorCodes[op.opcodeIndex]
        if max(int(code.builtinCode), int(code.deprecatedBuiltinCode)) != schema.BuiltinOperator.DEQUANTIZE:
            continue
        tensor = sg.tensors[op.inputs[0]]
        buf = model.buffers[tensor.buffer] if tensor.buffer < len(model.buffers) else None
        if tensor.type == schema.TensorType.FLOAT16 and buf is not None and buf.data is not None and len(buf.data):
            found.append(i)
    return found


def host_reference_model(path: Path | str) -> Path | bytes:
    """What the host's TFLM interpreter should run for this model: the model itself, or for a
    float16-weights model (TFLM has no float16 DEQUANTIZE) an equivalent rewrite in which every
    DEQUANTIZE of a constant float16 tensor becomes a RESHAPE (a copy) of the same weights
    widened to float32. float16 -> float32 is exact, so the rewrite computes what the float16
    model computes, and tensor and operator indices stay the same (the first-divergent-layer
    analysis compares tensors by index)."""
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    from hil.model.tflite import load_model

    info = load_model(path)
    if not any(op.name == "DEQUANTIZE" and info.tensors[op.inputs[0]].dtype == schema.TensorType.FLOAT16
               for op in info.ops):
        return Path(path)
    data = Path(path).read_bytes()
    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(data, 0))
    ops = fp16_dequantize_ops(model)
    if not ops:
        return Path(path)
    reshape = _opcode_index(model, schema.BuiltinOperator.RESHAPE)
    sg = model.subgraphs[0]
    for i in ops:
        op = sg.operators[i]
        tensor = sg.tensors[op.inputs[0]]
        buf = model.buffers[tensor.buffer]
        widened = np.frombuffer(bytes(buf.data), np.float16).astype(np.float32)
        buf.data = np.frombuffer(widened.tobytes(), np.uint8)
        tensor.type = schema.TensorType.FLOAT32
        op.opcodeIndex = reshape
        op.builtinOptionsType = schema.BuiltinOptions.NONE
        op.builtinOptions = None
    return _pack(model)


def _opcode_index(model, builtin: int) -> int:
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    for i, code in enumerate(model.operatorCodes):
        if max(int(code.builtinCode), int(code.deprecatedBuiltinCode)) == builtin:
            return i
    code = schema.OperatorCodeT()
    code.builtinCode = builtin
    code.deprecatedBuiltinCode = min(builtin, 127)
    code.version = 1
    model.operatorCodes.append(code)
    return len(model.operatorCodes) - 1


def _pack(model) -> bytes:
    import flatbuffers

    builder = flatbuffers.Builder(1 << 16)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())
