"""Float models on the built-in engine, decided on the host before anything is built: which
operators select a float kernel (cells of kind FPU in firmware/engines/builtin/ops.def), the
refusals mirroring those kernels' prepare, and the refusal of float models on cores without an FPU."""

from __future__ import annotations

from collections.abc import Callable

from hil.boards.profile import BoardProfile
from hil.engines.table import float_ops, op_cells
from hil.errors import UnsupportedModelError
from hil.model.refusals import (
    FLOAT16,
    FLOAT32,
    activation_problem,
    axis_problem,
    broadcasts,
    conv_geometry_problem,
    paddings_problem,
    pool_window_problem,
    tensors_of,
)
from hil.model.tflite import ModelInfo, OpInfo, TensorInfo

_F32_ONLY = "float32 kernel: input and output must be float32"


def needs_float_kernels(model: ModelInfo) -> bool:
    return bool(float_ops(model))


def check_fpu(model: ModelInfo, profile: BoardProfile) -> None:
    """Refuses, in one line and before building or flashing, a float model on a core without an
    FPU: the float kernels are built for hard-float cores only."""
    ops = float_ops(model)
    if not ops or profile.fpu:
        return
    names = ", ".join(dict.fromkeys(op.name for op in ops))
    raise UnsupportedModelError(
        f"{model.path.name}: float model ({len(ops)} operators on float kernels: {names}) on board {profile.name} "
        f"({profile.core}), which has no FPU; the built-in engine runs float models only on cores with one "
        f"(Cortex-M4F, M7, M55): use the int8 model or a board with an FPU. Nothing was built or flashed.")


# ---- per-kernel refusals, mirroring each *_f32.c prepare ----


def _f32(*tensors: TensorInfo | None) -> bool:
    return all(t is not None and t.dtype == FLOAT32 for t in tensors)


def _widened_weights(model: ModelInfo) -> set[int]:
    """Outputs of DEQUANTIZE operators over constant float16 tensors: the firmware widens them
    once at load and treats them as constants (dequantize_f16.c)."""
    return {op.outputs[0] for op in model.ops if op.name == "DEQUANTIZE" and op.inputs and op.outputs
            and model.tensors[op.inputs[0]].dtype == FLOAT16 and model.tensors[op.inputs[0]].is_const}


def _const(model: ModelInfo, t: TensorInfo) -> bool:
    return t.is_const or t.index in _widened_weights(model)


def _fc(op: OpInfo, model: ModelInfo) -> str | None:
    ins, outs = tensors_of(op, model)
    if len(ins) < 2 or ins[0] is None or ins[1] is None or not outs:
        return "needs an input, a filter and an output"
    bias = ins[2] if len(ins) > 2 else None
    if not _f32(ins[0], ins[1], outs[0]) or (bias is not None and bias.dtype != FLOAT32):
        return "float32 kernel: input, weights, bias and output must be float32"
    if not _const(model, ins[1]) or len(ins[1].shape) != 2:
        return "weights must be a constant 2-D tensor"
    if getattr(op.options, "weightsFormat", 0) != 0:
        return "shuffled weights formats are not supported"
    return activation_problem(op)


def _conv(op: OpInfo, model: ModelInfo, depthwise: bool) -> str | None:
    ins, outs = tensors_of(op, model)
    if len(ins) < 2 or ins[0] is None or ins[1] is None or len(outs) != 1:
        return "needs an input, a filter and one output"
    inp, filt, out = ins[0], ins[1], outs[0]
    bias = ins[2] if len(ins) > 2 else None
    if not _f32(inp, filt, out) or (bias is not None and bias.dtype != FLOAT32):
        return "float32 kernel: input, weights, bias and output must be float32"
    if len(inp.shape) != 4 or len(filt.shape) != 4 or len(out.shape) != 4:
        return "input, weights and output must be 4-D (NHWC)"
    if not _const(model, filt) or (depthwise and filt.shape[0] != 1):
        return "weights must be a constant [1, kh, kw, channels] tensor" if depthwise else "weights must be constant"
    return activation_problem(op) or conv_geometry_problem(op, inp, filt, depthwise)


def _pool(op: OpInfo, model: ModelInfo) -> str | None:
    (inp, *_), (out, *_) = tensors_of(op, model)
    if not _f32(inp, out):
        return _F32_ONLY
    if len(inp.shape) != 4 or len(out.shape) != 4:
        return "input and output must be 4-D (NHWC)"
    return activation_problem(op) or pool_window_problem(op, inp)


def _binary(op: OpInfo, model: ModelInfo) -> str | None:
    ins, outs = tensors_of(op, model)
    if len(ins) != 2 or None in ins or len(outs) != 1:
        return "needs two inputs and an output" if op.name == "ADD" else "needs two inputs and one output"
    if not _f32(ins[0], ins[1], outs[0]):
        return "float32 kernel: inputs and output must be float32"
    if not broadcasts(ins[0].shape, ins[1].shape, outs[0].shape):
        return "input shapes do not broadcast to the output shape"
    return activation_problem(op)


def _unary(op: OpInfo, model: ModelInfo) -> str | None:
    (inp, *_), (out, *_) = tensors_of(op, model)
    return None if _f32(inp, out) else _F32_ONLY


def _pad(op: OpInfo, model: ModelInfo) -> str | None:
    if len(op.inputs) > 2:
        return "a constant_values input (the PADV2 form) is not supported"
    inp, paddings, out = (model.tensors[i] for i in (op.inputs[0], op.inputs[1], op.outputs[0]))
    if not _f32(inp, out):
        return _F32_ONLY
    return paddings_problem(model, paddings)


def _mean(op: OpInfo, model: ModelInfo) -> str | None:
    inp, axis, out = (model.tensors[i] for i in (op.inputs[0], op.inputs[1], op.outputs[0]))
    if not _f32(inp, out):
        return _F32_ONLY
    return axis_problem(inp, axis)


def _dequantize_f16(op: OpInfo, model: ModelInfo) -> str | None:
    (inp, *_), (out, *_) = tensors_of(op, model)
    if inp.dtype != FLOAT16 or out.dtype != FLOAT32:
        return "only float16 input with float32 output is supported"
    if not inp.is_const:
        return "only constant float16 tensors (float16 weights) are supported"
    return None


FLOAT_CHECKS: dict[str, Callable[[OpInfo, ModelInfo], str | None]] = {
    "FULLY_CONNECTED": _fc,
    "CONV_2D": lambda op, model: _conv(op, model, depthwise=False),
    "DEPTHWISE_CONV_2D": lambda op, model: _conv(op, model, depthwise=True),
    "AVERAGE_POOL_2D": _pool,
    "MAX_POOL_2D": _pool,
    "ADD": _binary,
    "MUL": _binary,
    "SOFTMAX": _unary,
    "LOGISTIC": _unary,
    "TANH": _unary,
    "RELU": _unary,
    "RELU6": _unary,
    "PAD": _pad,
    "MEAN": _mean,
    "DEQUANTIZE": _dequantize_f16,
}


def float_op_problem(op: OpInfo, model: ModelInfo) -> str | None | bool:
    """Why the float kernel cannot run this operator, None when it can, or False when the
    operator does not select a float kernel (the integer checks apply)."""
    cell = None if op.custom else op_cells(model).get(op.index)
    if cell is None or cell.kind != "FPU":
        return False
    check = FLOAT_CHECKS.get(op.name)
    return check(op, model) if check else None
