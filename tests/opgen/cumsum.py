"""CUMSUM, int8 and float32, written with the flatbuffer object API (no TensorFlow conversion):
rank 1-4 inputs, a random axis (written negative at times), exclusive and reverse either way,
one int8 and one float32 node per model. int8 outputs get a scale near the spread of a running
sum; lines are at most 8 long, as TFLM's 32-bit running sum (inputs scaled by 2^19) overflows
past about 16 full-scale values."""

import numpy as np
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from . import generator
from .flatbuffer import Graph
from .typed import FLOAT32, INT8, INT32, axis_written, quantization, shape, tensor

OPS, OPTIONS = schema.BuiltinOperator, schema.BuiltinOptions


@generator("CUMSUM", quant="none")
def cumsum(rng: np.random.Generator) -> bytes:
    g = Graph()
    for dtype in (INT8, FLOAT32, INT8):
        dims = shape(rng, 1, 4, 8)
        axis = int(rng.integers(0, len(dims)))
        quant = quantization(rng, dtype)
        out_quant = quant
        if dtype == INT8:
            out_quant = (quant[0] * float(rng.uniform(1.0, 2.0 * np.sqrt(dims[axis]))), int(rng.integers(-20, 21)))
        options = schema.CumsumOptionsT()
        options.exclusive, options.reverse = bool(rng.integers(0, 2)), bool(rng.integers(0, 2))
        written = np.asarray(axis_written(rng, axis, len(dims)), INT32)
        g.op(OPS.CUMSUM, [tensor(dims, dtype, quant), tensor((), INT32, data=written)],
             [tensor(dims, dtype, out_quant)], OPTIONS.CumsumOptions, options)
    return g.build()
