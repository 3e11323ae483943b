"""Refusal checks shared by the int8 kernels (support.py) and the float32 kernels
(float_support.py): each mirrors a prepare step both kinds of kernel run in the firmware."""

from __future__ import annotations

import numpy as np

from hil.model.tflite import ModelInfo, OpInfo, TensorInfo

# TFLite TensorType codes the checks name.
FLOAT32 = 0
FLOAT16 = 1
INT32 = 2
INT64 = 4
INT16 = 7
INT8 = 9

_FUSED_ACTIVATIONS = {0, 1, 2, 3}  # NONE, RELU, RELU_N1_TO_1, RELU6


def const_array(model: ModelInfo, index: int, dtype: type) -> np.ndarray | None:
    """A constant tensor's values stored inside the flatbuffer, or None."""
    tensor = model.raw.subgraphs[0].tensors[index]
    buffers = model.raw.buffers or []
    data = buffers[tensor.buffer].data if tensor.buffer < len(buffers) else None
    return None if data is None or len(data) == 0 else np.frombuffer(bytes(data), dtype=dtype)


def window_ok(padding: int, size: int, filt: int, stride: int, dilation: int) -> bool:
    """hil_window_axis in padding.h: SAME/VALID with positive sizes and a non-empty output."""
    if padding not in (0, 1) or min(size, filt, stride, dilation) <= 0:
        return False
    return padding == 0 or size + stride - ((filt - 1) * dilation + 1) >= stride


def activation_problem(op: OpInfo) -> str | None:
    """The fused activations every kernel with one supports, int8 and float32."""
    if getattr(op.options, "fusedActivationFunction", 0) not in _FUSED_ACTIVATIONS:
        return "fused activation must be NONE, RELU, RELU6 or RELU_N1_TO_1"
    return None


def conv_geometry_problem(op: OpInfo, inp: TensorInfo, filt: TensorInfo, depthwise: bool) -> str | None:
    """Channels and window of CONV_2D / DEPTHWISE_CONV_2D, int8 and float32 (conv_geometry.c)."""
    o = op.options
    if depthwise:
        multiplier = getattr(o, "depthMultiplier", 0)
        if multiplier <= 0 or inp.shape[3] * multiplier != filt.shape[3]:
            return "depth multiplier does not match the channel counts"
    elif inp.shape[3] % filt.shape[3] or filt.shape[0] % (inp.shape[3] // filt.shape[3]):
        return "input channels do not split into the weights' groups"
    padding = getattr(o, "padding", 0)
    if not (window_ok(padding, inp.shape[1], filt.shape[1], getattr(o, "strideH", 0), getattr(o, "dilationHFactor", 1))
            and window_ok(padding, inp.shape[2], filt.shape[2], getattr(o, "strideW", 0),
                           getattr(o, "dilationWFactor", 1))):
        return "invalid padding, stride, dilation or filter size"
    return None


def pool_window_problem(op: OpInfo, inp: TensorInfo) -> str | None:
    """The pooling window, int8 and float32."""
    o = op.options
    padding = getattr(o, "padding", 0)
    if not (window_ok(padding, inp.shape[1], getattr(o, "filterHeight", 0), getattr(o, "strideH", 0), 1)
            and window_ok(padding, inp.shape[2], getattr(o, "filterWidth", 0), getattr(o, "strideW", 0), 1)):
        return "invalid padding, stride or filter size"
    return None


def paddings_problem(model: ModelInfo, paddings: TensorInfo) -> str | None:
    """PAD's paddings tensor, int8 and float32 (kernels/pad.h)."""
    values = const_array(model, paddings.index, np.int64 if paddings.dtype == INT64 else np.int32)
    if paddings.dtype not in (INT32, INT64) or not paddings.is_const or values is None:
        return "paddings must be a constant int32 or int64 tensor"
    if (values < 0).any():
        return "negative paddings are not supported"
    return None


def axis_problem(inp: TensorInfo, axis: TensorInfo) -> str | None:
    """MEAN's axis tensor and input, int8 and float32."""
    if axis.dtype != INT32 or not axis.is_const:
        return "axis must be a constant int32 tensor"
    if not inp.shape:
        return "scalar input"
    return None


def tensors_of(op: OpInfo, model: ModelInfo) -> tuple[list[TensorInfo | None], list[TensorInfo]]:
    return ([model.tensors[i] if i >= 0 else None for i in op.inputs], [model.tensors[i] for i in op.outputs])


def broadcasts(a: tuple[int, ...], b: tuple[int, ...], out: tuple[int, ...]) -> bool:
    """hil_broadcast_prepare: both inputs right-aligned against the output, each dimension
    equal to the output's or 1, and the output no larger than the larger input."""
    if len(a) > len(out) or len(b) > len(out):
        return False
    pad_a, pad_b = (1,) * (len(out) - len(a)) + a, (1,) * (len(out) - len(b)) + b
    return all(x in (o, 1) and y in (o, 1) and (o == 1 or o in (x, y))
               for x, y, o in zip(pad_a, pad_b, out, strict=True))
