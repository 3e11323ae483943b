"""What an engine can run, decided on the host before anything is built or flashed."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from hil.errors import UnsupportedModelError
from hil.model.float_support import float_op_problem
from hil.model.refusals import (
    FLOAT32,
    INT8,
    INT16,
    INT32,
    INT64,
    activation_problem,
    axis_problem,
    broadcasts,
    conv_geometry_problem,
    paddings_problem,
    pool_window_problem,
    tensors_of,
)
from hil.model.tflite import ModelInfo, OpInfo, TensorInfo


def _op_problem(op: OpInfo, model: ModelInfo) -> str | None:
    """Why the built-in engine cannot run this operator, or None."""
    if op.custom:
        return "custom operator"
    typed = float_op_problem(op, model)  # float kernels (ops.def kind FPU) are chosen first
    if typed is not False:
        return typed
    from hil.engines.table import op_cells

    if op_cells(model).get(op.index) is None:
        return "operator not implemented by the built-in engine for this type"
    check = _OP_CHECKS.get(op.name)
    return check(op, model) if check else None


# ---- per-kernel refusals, mirroring each kernel's prepare in firmware/engines/builtin/kernels ----


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
    return activation_problem(op) or conv_geometry_problem(op, inp, filt, depthwise)


def _pool_problem(op: OpInfo, model: ModelInfo) -> str | None:
    """AVERAGE_POOL_2D / MAX_POOL_2D (hil_pool_prepare_type in kernels/pool.h)."""
    inp, out = model.tensors[op.inputs[0]], model.tensors[op.outputs[0]]
    if inp.dtype != INT8 or out.dtype != INT8:
        return "only int8 input and output are supported"
    if len(inp.shape) != 4 or len(out.shape) != 4:
        return "input and output must be 4-D (NHWC)"
    if abs(inp.scale - out.scale) > 1e-6 or inp.zero_point != out.zero_point:
        return "input and output quantization must be equal"
    return activation_problem(op) or pool_window_problem(op, inp)


def _pad_problem(op: OpInfo, model: ModelInfo) -> str | None:
    """PAD (kernels/pad.h)."""
    if len(op.inputs) > 2:
        return "a constant_values input (the PADV2 form) is not supported"
    inp, paddings, out = (model.tensors[i] for i in (op.inputs[0], op.inputs[1], op.outputs[0]))
    if inp.dtype != INT8 or out.dtype != INT8:
        return "only int8 input and output are supported"
    return paddings_problem(model, paddings)


def _mean_problem(op: OpInfo, model: ModelInfo) -> str | None:
    """MEAN (kernels/mean.h)."""
    inp, axis, out = (model.tensors[i] for i in (op.inputs[0], op.inputs[1], op.outputs[0]))
    if inp.dtype != INT8 or out.dtype != INT8:
        return "only int8 input and output are supported"
    return axis_problem(inp, axis)


# ---- ADD, MUL, SOFTMAX, LOGISTIC, TANH, RELU, RELU6, QUANTIZE, DEQUANTIZE and the data movement
# ops (kernels/add.c ... pack.c); the numeric checks redo the kernels' double arithmetic ----


def _frexp_q31(real: float) -> tuple[int, int]:
    """hil_quantize_multiplier (TFLM's QuantizeMultiplier): a Q31 mantissa and its exponent."""
    mantissa, exponent = math.frexp(real)
    q = math.floor(mantissa * (1 << 31) + 0.5)  # C's round(): halves away from zero (q >= 0 here)
    return (q // 2, exponent + 1) if q == 1 << 31 else (q, exponent)


def _binary_problem(op: OpInfo, model: ModelInfo) -> str | None:
    """ADD / MUL (add.c, mul.c)."""
    ins, outs = tensors_of(op, model)
    if len(ins) != 2 or None in ins or len(outs) != 1:
        return "needs two inputs and an output" if op.name == "ADD" else "needs two inputs and one output"
    a, b, out = ins[0], ins[1], outs[0]
    if {a.dtype, b.dtype, out.dtype} != {INT8}:
        return "only int8 inputs and output are supported"
    if not broadcasts(a.shape, b.shape, out.shape):
        return "input shapes do not broadcast to the output shape"
    if op.name == "ADD":
        twice = 2.0 * max(a.scale, b.scale)
        reals = [a.scale / twice, b.scale / twice, twice / ((1 << 20) * out.scale)] if twice > 0 and out.scale > 0 \
            else [0.0]
        if not all(0.0 < r < 1.0 and _frexp_q31(r)[1] <= 0 for r in reals):
            return "quantization scales give a rescale factor outside (0, 1), which TFLM rejects"
    return None


def _softmax_problem(op: OpInfo, model: ModelInfo) -> str | None:
    """SOFTMAX (softmax.c)."""
    (inp, *_), (out, *_) = tensors_of(op, model)
    if inp.dtype != INT8 or out.dtype not in (INT8, INT16):
        return "only int8 input with int8 or int16 output is supported"
    if out.dtype == INT8 and (out.zero_point != -128 or np.float32(out.scale) != np.float32(1.0 / 256)):
        return "int8 output must have zero point -128 and scale 1/256"
    if out.dtype == INT16 and (out.zero_point != -32768 or abs(np.float32(out.scale) - np.float32(1.0 / 65536))
                               > np.float32(0.001) * np.float32(1.0 / 65536)):
        return "int16 output must have zero point -32768 and scale 1/65536"
    beta = float(getattr(op.options, "beta", 0.0) or 0.0)
    if not min(beta * inp.scale * (1 << 26), float((1 << 31) - 1)) > 1.0:
        return "beta * input scale is too small for TFLM's int8 softmax"
    return None


def _int8_in_out(op: OpInfo, model: ModelInfo) -> tuple[TensorInfo, TensorInfo] | str:
    (inp, *_), (out, *_) = tensors_of(op, model)
    if inp is None or inp.dtype != INT8 or out.dtype != INT8:
        return "only int8 input and output are supported"
    return inp, out


def _sigmoid_problem(op: OpInfo, model: ModelInfo) -> str | None:
    """LOGISTIC / TANH (logistic.c, tanh.c): the input rescale needs a frexp exponent in [0, 30]."""
    tensors = _int8_in_out(op, model)
    if isinstance(tensors, str):
        return tensors
    inp, out = tensors
    if op.name == "LOGISTIC" and out.zero_point != -128:
        return "int8 output must have zero point -128 (as in TFLM)"
    real = inp.scale * (1 << 27)
    if not (real > 0 and 0 <= math.frexp(real)[1] <= 30):
        return f"input scale out of the range TFLM's int8 {op.name.lower()} handles"
    return None


def _relu_problem(op: OpInfo, model: ModelInfo) -> str | None:
    """RELU / RELU6 (relu.c, relu6.c)."""
    tensors = _int8_in_out(op, model)
    if isinstance(tensors, str):
        return tensors
    inp, out = tensors
    if op.name == "RELU" and not (inp.scale > 0 and out.scale > 0):
        return "input and output need quantization scales"
    if op.name == "RELU6" and not inp.scale > 0:
        return "input has no quantization scale"
    return None


_QUANTIZE_PAIRS = {FLOAT32: {INT8, INT16}, INT8: {INT8, INT16, INT32}, INT16: {INT8, INT16, INT32},
                   INT32: {INT8, INT16}}


def _quantize_problem(op: OpInfo, model: ModelInfo) -> str | None:
    """QUANTIZE (quantize.c)."""
    (inp, *_), (out, *_) = tensors_of(op, model)
    if out.dtype not in _QUANTIZE_PAIRS.get(inp.dtype, set()):
        return "supports float32 -> int8/int16 and int8/int16/int32 -> int8/int16 (int8/int16 -> int32)"
    if len(out.scales) != 1 or not out.scale > 0:
        return "output must be quantized per tensor (one scale)"
    if inp.dtype != FLOAT32 and not inp.scale > 0:
        return "integer input needs a quantization scale"
    return None


def _dequantize_problem(op: OpInfo, model: ModelInfo) -> str | None:
    """DEQUANTIZE (dequantize.c)."""
    (inp, *_), (out, *_) = tensors_of(op, model)
    if inp.dtype not in (INT8, INT16) or out.dtype != FLOAT32:
        return "only int8 or int16 input with float32 output is supported"
    if len(inp.scales) != 1:
        return "input must be quantized per tensor (one scale)"
    return None


_COPYABLE = {FLOAT32, INT32, INT64, 6, INT16, INT8}  # float32, int32, int64, bool, int16, int8


def _concatenation_problem(op: OpInfo, model: ModelInfo) -> str | None:
    """CONCATENATION (concatenation.c)."""
    if len(op.inputs) > 10:
        return "more than 10 inputs (TFLM's limit)"
    if getattr(op.options, "fusedActivationFunction", 0) != 0:
        return "fused activations are not supported (as in TFLM)"
    if model.tensors[op.outputs[0]].dtype not in _COPYABLE:
        return "unsupported element type"
    return None


def _shape_problem(op: OpInfo, model: ModelInfo) -> str | None:
    """SHAPE (shape.c)."""
    return None if model.tensors[op.outputs[0]].dtype == INT32 else "only an int32 output is supported (as in TFLM)"


def _strided_slice_problem(op: OpInfo, model: ModelInfo) -> str | None:
    """STRIDED_SLICE (strided_slice.c)."""
    ins, (out, *_) = tensors_of(op, model)
    inp = ins[0]
    if inp.dtype != out.dtype or inp.dtype not in (FLOAT32, INT32, 6, INT16, INT8):
        return "input and output must share a 1-, 2- or 4-byte type"
    if not 1 <= len(inp.shape) <= 4:
        return "input must have 1 to 4 dimensions (as in TFLM)"
    if len(ins) != 4 or any(t is None or not t.is_const or t.dtype != INT32 or t.size != len(inp.shape)
                            for t in ins[1:]):
        return "begin, end and strides must be constant int32 tensors, one value per input dimension"
    if getattr(op.options, "ellipsisMask", 0) or getattr(op.options, "newAxisMask", 0):
        return "ellipsis and new-axis masks are not supported (as in TFLM)"
    if getattr(op.options, "offset", False):
        return "the offset option is not supported"
    return None


def _pack_problem(op: OpInfo, model: ModelInfo) -> str | None:
    """PACK (pack.c)."""
    if getattr(op.options, "valuesCount", 0) != len(op.inputs):
        return "values_count differs from the number of inputs"
    if model.tensors[op.outputs[0]].dtype not in _COPYABLE:
        return "unsupported element type"
    return None


_OP_CHECKS: dict[str, Callable[[OpInfo, ModelInfo], str | None]] = {
    "CONV_2D": lambda op, model: _conv_problem(op, model, depthwise=False),
    "DEPTHWISE_CONV_2D": lambda op, model: _conv_problem(op, model, depthwise=True),
    "AVERAGE_POOL_2D": _pool_problem,
    "MAX_POOL_2D": _pool_problem,
    "PAD": _pad_problem,
    "MEAN": _mean_problem,
    "ADD": _binary_problem,
    "MUL": _binary_problem,
    "SOFTMAX": _softmax_problem,
    "LOGISTIC": _sigmoid_problem,
    "TANH": _sigmoid_problem,
    "RELU": _relu_problem,
    "RELU6": _relu_problem,
    "QUANTIZE": _quantize_problem,
    "DEQUANTIZE": _dequantize_problem,
    "CONCATENATION": _concatenation_problem,
    "SHAPE": _shape_problem,
    "STRIDED_SLICE": _strided_slice_problem,
    "PACK": _pack_problem,
}


# TFLM's DEQUANTIZE (kernels/dequantize_common.cc, TFLM 90b983c2) takes int8, int16 or uint8 input:
# a float16-weights model (DEQUANTIZE float16 -> float32) fails in AllocateTensors on the target.
_TFLM_DEQUANTIZE_INPUTS = {INT8, INT16, 3}  # 3: uint8


def _tflm_op_problem(op: OpInfo, model: ModelInfo) -> str | None:
    """What TFLM's own kernels refuse at AllocateTensors and the host can see first, or None.
    Everything else a TFLM build decides at link time (the resolver) and at load."""
    if op.name == "DEQUANTIZE" and not op.custom:
        (inp, *_), _ = tensors_of(op, model)
        if inp.dtype not in _TFLM_DEQUANTIZE_INPUTS:
            return f"TFLM's DEQUANTIZE takes int8, int16 or uint8 input, not {inp.dtype_name}"
    return None


def unsupported_ops(model: ModelInfo, engine: str = "builtin") -> list[str]:
    """One entry per problem, e.g. 'UNIDIRECTIONAL_SEQUENCE_LSTM at op #0 (operator not implemented ...)'."""
    problems = []
    if engine == "builtin" and model.subgraphs > 1:
        problems.append(f"{model.subgraphs} subgraphs (control flow)")
    op_problem = _op_problem if engine == "builtin" else _tflm_op_problem
    by_reason: dict[tuple[str, str], list[int]] = {}
    for op in model.ops:
        reason = op_problem(op, model)
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
