"""ops-core filling, broadcasting and reversing operators, written with the flatbuffer object API
(no TensorFlow conversion), one node per TFLM type in one model: ZEROS_LIKE, FILL (int8 to
int64 dims), BROADCAST_TO (int32 or int64 shape, rank growing up to 5), BROADCAST_ARGS (a
constant shape and a model-input shape kept broadcastable) and REVERSE_V2 (a contiguous block of
axes in any order, negative axes, constant or model-input axes)."""

import numpy as np
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from . import generator
from .flatbuffer import Graph
from .typed import BOOL, FLOAT32, INT8, INT16, INT32, INT64, UINT8, quantization, shape, tensor

OPS, OPTIONS = schema.BuiltinOperator, schema.BuiltinOptions


@generator("ZEROS_LIKE", quant="none")
def zeros_like(rng: np.random.Generator):
    g = Graph()
    for dtype in (INT8, INT32, INT64, FLOAT32):
        dims = shape(rng, 0, 4)
        quant = quantization(rng, dtype)
        g.op(OPS.ZEROS_LIKE, [tensor(dims, dtype, quant)], [tensor(dims, dtype, quant)], OPTIONS.ZerosLikeOptions,
             schema.ZerosLikeOptionsT())
    return g.build()


@generator("FILL", quant="none")
def fill(rng: np.random.Generator):
    """A scalar value (a model input) over a rank 0-4 output; dims of any integer type."""
    g = Graph()
    for dtype in (INT8, INT32, FLOAT32):
        dims = shape(rng, 0, 4)
        index = (INT8, INT16, INT32, INT64)[int(rng.integers(0, 4))]
        quant = quantization(rng, dtype)
        g.op(OPS.FILL, [tensor((len(dims),), index, data=np.asarray(dims, index)), tensor((), dtype, quant)],
             [tensor(dims, dtype, quant)], OPTIONS.FillOptions, schema.FillOptionsT())
    return g.build()


@generator("BROADCAST_TO", quant="none")
def broadcast_to(rng: np.random.Generator):
    """An input of rank 1-4 with some dimensions 1, to an output of up to 5 dimensions."""
    g = Graph()
    for dtype in (INT8, INT16, INT32, INT64, BOOL, FLOAT32):
        out = shape(rng, 1, 5, 4)
        rank = int(rng.integers(1, len(out) + 1))
        dims = tuple(1 if rng.random() < 0.4 else d for d in out[len(out) - rank:])
        index = INT64 if rng.random() < 0.3 else INT32
        quant = quantization(rng, dtype)
        g.op(OPS.BROADCAST_TO, [tensor(dims, dtype, quant), tensor((len(out),), index, data=np.asarray(out, index))],
             [tensor(out, dtype, quant)], OPTIONS.BroadcastToOptions, schema.BroadcastToOptionsT())
    return g.build()


@generator("BROADCAST_ARGS", quant="none")
def broadcast_args(rng: np.random.Generator):
    """A constant shape and a model-input shape of other lengths; each input dimension is kept
    broadcastable with the constant's (any size where the constant has 1 or nothing, else 1 or
    the constant's: one of the two, chosen per seed)."""
    g = Graph()
    for dtype in (INT32, INT64):
        fixed = np.asarray([1 if rng.random() < 0.4 else d for d in shape(rng, 1, 4)], dtype)
        length = int(rng.integers(1, 5))
        low, high = [], []
        for i in range(length):
            other = fixed[len(fixed) - length + i] if len(fixed) - length + i >= 0 else 1
            if other == 1:
                low.append(1), high.append(6)
            else:
                pick = int(other) if rng.random() < 0.7 else 1
                low.append(pick), high.append(pick)
        free = g.tensor(tensor((length,), dtype))
        g.bound(free, low, high)
        inputs = [free, tensor(fixed.shape, dtype, data=fixed)]
        if rng.random() < 0.5:
            inputs.reverse()
        g.op(OPS.BROADCAST_ARGS, inputs, [tensor((max(length, len(fixed)),), dtype)])
    return g.build()


@generator("REVERSE_V2", quant="none")
def reverse_v2(rng: np.random.Generator):
    """Rank 1-5 inputs; a contiguous block of 1 to rank axes, in any order, some negative; the
    float32 node's axes are a model input (held to the same values)."""
    g = Graph()
    for dtype in (INT8, UINT8, INT16, INT32, INT64, BOOL, FLOAT32):
        dims = shape(rng, 1, 5, 4)
        count = int(rng.integers(1, len(dims) + 1))
        first = int(rng.integers(0, len(dims) - count + 1))
        axes = rng.permutation(np.arange(first, first + count))
        axes = np.asarray([a - len(dims) if rng.random() < 0.3 else a for a in axes], INT32)
        quant = quantization(rng, dtype) if dtype != UINT8 else (float(rng.uniform(0.005, 0.1)), 128)
        computed = dtype == FLOAT32
        a = g.tensor(tensor(axes.shape, INT32, data=None if computed else axes))
        if computed:
            g.bound(a, axes, axes)
        g.op(OPS.REVERSE_V2, [tensor(dims, dtype, quant), a], [tensor(dims, dtype, quant)], OPTIONS.ReverseV2Options,
             schema.ReverseV2OptionsT())
    return g.build()
