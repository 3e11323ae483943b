"""What an engine can run, decided on the host before anything is built or flashed."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from hil.errors import UnsupportedModelError
from hil.model import ModelInfo, OpInfo, builtin_engine_ops

INT8 = 9
INT32 = 2
INT64 = 4


def _op_problem(op: OpInfo, model: ModelInfo) -> str | None:
    """Why the built-in engine cannot run this operator, or None."""
    if op.custom:
        return "custom operator"
    if op.opcode not in builtin_engine_ops():
        return "operator not implemented by the built-in engine"
    check = _OP_CHECKS.get(op.name)
    return check(op, model) if check else None


# ---- per-kernel refusals, mirroring each kernel's prepare in firmware/engine/kernels ----

_FUSED_ACTIVATIONS = {0, 1, 2, 3}  # NONE, RELU, RELU_N1_TO_1, RELU6


def _const_array(model: ModelInfo, index: int, dtype: type) -> np.ndarray | None:
    """A constant tensor's values stored inside the flatbuffer, or None."""
    tensor = model.raw.subgraphs[0].tensors[index]
    buffers = model.raw.buffers or []
    data = buffers[tensor.buffer].data if tensor.buffer < len(buffers) else None
    return None if data is None or len(data) == 0 else np.frombuffer(bytes(data), dtype=dtype)


def _window_ok(padding: int, size: int, filt: int, stride: int, dilation: int) -> bool:
    """hil_window_axis in padding.h: SAME/VALID with positive sizes and a non-empty output."""
    if padding not in (0, 1) or min(size, filt, stride, dilation) <= 0:
        return False
    return padding == 0 or size + stride - ((filt - 1) * dilation + 1) >= stride


def _conv_problem(op: OpInfo, model: ModelInfo, depthwise: bool) -> str | None:
    """CONV_2D / DEPTHWISE_CONV_2D (conv_2d.c, depthwise_conv_2d.c)."""
    if len(op.inputs) < 2 or min(op.inputs[:2]) < 0 or len(op.outputs) != 1:
        return "needs an input, a filter and one output"
    inp, filt, out = model.tensors[op.inputs[0]], model.tensors[op.inputs[1]], model.tensors[op.outputs[0]]
    bias = model.tensors[op.inputs[2]] if len(op.inputs) > 2 and op.inputs[2] >= 0 else None
    if {inp.dtype, filt.dtype, out.dtype} != {INT8}:
        return "only int8 input, weights and output are supported"
    if bias is not None and bias.dtype != INT32:
        return "bias must be int32"
    if len(inp.shape) != 4 or len(filt.shape) != 4 or len(out.shape) != 4:
        return "input, weights and output must be 4-D (NHWC)"
    if not filt.is_const or (depthwise and filt.shape[0] != 1):
        return "weights must be a constant [1, kh, kw, channels] tensor" if depthwise else "weights must be constant"
    axis = 3 if depthwise else 0
    if len(filt.scales) > 1 and filt.quantized_dimension != axis:
        return f"per-channel weights must be quantized along dimension {axis}"
    if any(filt.zero_points):
        return "weights zero point must be 0 (symmetric int8 weights)"
    if getattr(op.options, "fusedActivationFunction", 0) not in _FUSED_ACTIVATIONS:
        return "fused activation must be NONE, RELU, RELU6 or RELU_N1_TO_1"
    multiplier = getattr(op.options, "depthMultiplier", 0)
    if depthwise and (multiplier <= 0 or inp.shape[3] * multiplier != filt.shape[3]):
        return "depth multiplier does not match the channel counts"
    if not depthwise and (inp.shape[3] % filt.shape[3] or filt.shape[0] % (inp.shape[3] // filt.shape[3])):
        return "input channels do not split into the weights' groups"
    o = op.options
    padding = getattr(o, "padding", 0)
    if not (_window_ok(padding, inp.shape[1], filt.shape[1], getattr(o, "strideH", 0), getattr(o, "dilationHFactor", 1))
            and _window_ok(padding, inp.shape[2], filt.shape[2], getattr(o, "strideW", 0),
                           getattr(o, "dilationWFactor", 1))):
        return "invalid padding, stride, dilation or filter size"
    return None


def _pool_problem(op: OpInfo, model: ModelInfo) -> str | None:
    """AVERAGE_POOL_2D / MAX_POOL_2D (hil_pool_prepare in padding.h)."""
    inp, out = model.tensors[op.inputs[0]], model.tensors[op.outputs[0]]
    if inp.dtype != INT8 or out.dtype != INT8:
        return "only int8 input and output are supported"
    if len(inp.shape) != 4 or len(out.shape) != 4:
        return "input and output must be 4-D (NHWC)"
    if abs(inp.scale - out.scale) > 1e-6 or inp.zero_point != out.zero_point:
        return "input and output quantization must be equal"
    if getattr(op.options, "fusedActivationFunction", 0) not in _FUSED_ACTIVATIONS:
        return "fused activation must be NONE, RELU, RELU6 or RELU_N1_TO_1"
    o = op.options
    padding = getattr(o, "padding", 0)
    if not (_window_ok(padding, inp.shape[1], getattr(o, "filterHeight", 0), getattr(o, "strideH", 0), 1)
            and _window_ok(padding, inp.shape[2], getattr(o, "filterWidth", 0), getattr(o, "strideW", 0), 1)):
        return "invalid padding, stride or filter size"
    return None


def _pad_problem(op: OpInfo, model: ModelInfo) -> str | None:
    """PAD (pad.c)."""
    if len(op.inputs) > 2:
        return "a constant_values input (the PADV2 form) is not supported"
    inp, paddings, out = (model.tensors[i] for i in (op.inputs[0], op.inputs[1], op.outputs[0]))
    if inp.dtype != INT8 or out.dtype != INT8:
        return "only int8 input and output are supported"
    values = _const_array(model, paddings.index, np.int64 if paddings.dtype == INT64 else np.int32)
    if paddings.dtype not in (INT32, INT64) or not paddings.is_const or values is None:
        return "paddings must be a constant int32 or int64 tensor"
    if (values < 0).any():
        return "negative paddings are not supported"
    return None


def _mean_problem(op: OpInfo, model: ModelInfo) -> str | None:
    """MEAN (mean.c)."""
    inp, axis, out = (model.tensors[i] for i in (op.inputs[0], op.inputs[1], op.outputs[0]))
    if inp.dtype != INT8 or out.dtype != INT8:
        return "only int8 input and output are supported"
    if axis.dtype != INT32 or not axis.is_const:
        return "axis must be a constant int32 tensor"
    if not inp.shape:
        return "scalar input"
    return None


_OP_CHECKS: dict[str, Callable[[OpInfo, ModelInfo], str | None]] = {
    "CONV_2D": lambda op, model: _conv_problem(op, model, depthwise=False),
    "DEPTHWISE_CONV_2D": lambda op, model: _conv_problem(op, model, depthwise=True),
    "AVERAGE_POOL_2D": _pool_problem,
    "MAX_POOL_2D": _pool_problem,
    "PAD": _pad_problem,
    "MEAN": _mean_problem,
}


def unsupported_ops(model: ModelInfo, engine: str = "builtin") -> list[str]:
    """One entry per problem, e.g. 'UNIDIRECTIONAL_SEQUENCE_LSTM at op #0 (operator not implemented ...)'."""
    if engine != "builtin":
        return []  # a TFLM build decides at link time what it supports
    problems = []
    if model.subgraphs > 1:
        problems.append(f"{model.subgraphs} subgraphs (control flow)")
    by_reason: dict[tuple[str, str], list[int]] = {}
    for op in model.ops:
        reason = _op_problem(op, model)
        if reason:
            by_reason.setdefault((op.name, reason), []).append(op.index)
    for (name, reason), indices in by_reason.items():
        where = ", ".join(f"#{i}" for i in indices)
        problems.append(f"{name} at op {where} ({reason})")
    return problems


def check_supported(model: ModelInfo, engine: str = "builtin") -> None:
    problems = unsupported_ops(model, engine)
    if problems:
        raise UnsupportedModelError(f"{model.path.name}: the {engine} engine cannot run this model: "
                                    f"{'; '.join(problems)}. Nothing was built or flashed.")
