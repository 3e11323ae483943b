"""DYNAMIC_UPDATE_SLICE, int8, int16, int32 and float32, written with the flatbuffer object API
(no TensorFlow conversion), one node per type in one model: rank 1-4 operands, updates of any
size up to the operand's (the whole operand at times), int32 or int64 start indices, constant
or model inputs, including negative and too-large starts (TFLM clamps them into range)."""

import numpy as np
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from . import generator
from .flatbuffer import Graph
from .typed import FLOAT32, INT8, INT16, INT32, INT64, quantization, shape, tensor

OPS, OPTIONS = schema.BuiltinOperator, schema.BuiltinOptions


@generator("DYNAMIC_UPDATE_SLICE", quant="none")
def dynamic_update_slice(rng: np.random.Generator) -> bytes:
    g = Graph()
    for dtype in (INT8, INT16, INT32, FLOAT32):
        dims = shape(rng, 1, 4, 5)
        whole = rng.random() < 0.15
        update = dims if whole else tuple(int(rng.integers(1, d + 1)) for d in dims)
        index = INT64 if rng.random() < 0.4 else INT32
        starts = np.asarray([int(rng.integers(-2, d - u + 3)) for d, u in zip(dims, update, strict=True)], index)
        quant = quantization(rng, dtype)
        if rng.random() < 0.5:
            start = tensor((len(dims),), index, data=starts)
        else:  # a model input, drawn in the same range as the constants
            start = g.tensor(tensor((len(dims),), index))
            g.bound(start, [-2] * len(dims), [d - u + 2 for d, u in zip(dims, update, strict=True)])
        g.op(OPS.DYNAMIC_UPDATE_SLICE, [tensor(dims, dtype, quant), tensor(update, dtype, quant), start],
             [tensor(dims, dtype, quant)])
    return g.build()
