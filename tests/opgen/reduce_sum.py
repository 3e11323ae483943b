"""SUM (int8, int16, float32), MEAN int16 and REDUCE_ALL (bool), written with the flatbuffer
object API (no TensorFlow conversion; MEAN int8 / float32 come from Keras in pad_mean.py). One
node per type in one model: rank 1-4 inputs, a random non-empty set of axes, some written
negative and one at times repeated, keep_dims either way. Quantized outputs get a scale near the
spread of their result, so few saturate."""

import numpy as np
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from . import generator
from .flatbuffer import Graph
from .typed import BOOL, FLOAT32, INT8, INT16, INT32, axis_written, quantization, shape, tensor

OPS, OPTIONS = schema.BuiltinOperator, schema.BuiltinOptions


def _reduction(rng: np.random.Generator, dims: tuple[int, ...]) -> tuple[np.ndarray, tuple[int, ...], int, bool]:
    """(axis tensor data, output shape, elements per output, keep_dims)."""
    count = int(rng.integers(1, len(dims) + 1))
    axes = sorted(int(a) for a in rng.choice(len(dims), count, replace=False))
    written = [axis_written(rng, a, len(dims)) for a in axes]
    if rng.random() < 0.2:
        written.append(written[0])  # a repeated axis counts once
    keep = bool(rng.integers(0, 2))
    out = tuple(1 if i in axes else d for i, d in enumerate(dims)) if keep else \
        tuple(d for i, d in enumerate(dims) if i not in axes)
    per_output = int(np.prod([dims[a] for a in axes]))
    return np.asarray(written, INT32), out, per_output, keep


def _reduce(g: Graph, rng: np.random.Generator, opcode: int, dtype, out_scale=None) -> None:
    dims = shape(rng, 1, 4, 5)
    axes, out, per_output, keep = _reduction(rng, dims)
    quant = quantization(rng, dtype)
    out_quant = quant
    if out_scale is not None and quant[0] is not None:
        out_quant = (quant[0] * out_scale(per_output) * float(rng.uniform(0.5, 2.0)), quantization(rng, dtype)[1])
    options = schema.ReducerOptionsT()
    options.keepDims = keep
    g.op(opcode, [tensor(dims, dtype, quant), tensor(axes.shape, INT32, data=axes)], [tensor(out, dtype, out_quant)],
         OPTIONS.ReducerOptions, options)


@generator("SUM", quant="none")
def sum_types(rng: np.random.Generator) -> bytes:
    g = Graph()
    for dtype in (INT8, INT16, FLOAT32):
        _reduce(g, rng, OPS.SUM, dtype, out_scale=lambda n: float(np.sqrt(n)))
    return g.build()


@generator("MEAN", quant="none")
def mean_int16(rng: np.random.Generator) -> bytes:
    g = Graph()
    for _ in range(2):
        _reduce(g, rng, OPS.MEAN, INT16, out_scale=lambda n: 1 / float(np.sqrt(n)))
    return g.build()


def _mostly_true(rng: np.random.Generator, specs: list[tuple[tuple[int, ...], np.dtype]]) -> list[np.ndarray]:
    """Inputs 90 % true, so that all-true groups occur as well as groups with one false."""
    return [rng.random(shape) < 0.9 for shape, _ in specs]


@generator("REDUCE_ALL", quant="none", sample=_mostly_true)
def reduce_all(rng: np.random.Generator) -> bytes:
    g = Graph()
    for _ in range(3):
        _reduce(g, rng, OPS.REDUCE_ALL, BOOL)
    return g.build()
