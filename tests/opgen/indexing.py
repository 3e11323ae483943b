"""ops-core indexing and cutting operators, written with the flatbuffer object API (no TensorFlow
conversion: these models cost nothing to make in CI). Each model holds one node of the operator
per type TFLM's kernel takes, so one firmware covers every cell: GATHER (any axis and
batch_dims, constant or input positions), GATHER_ND, EMBEDDING_LOOKUP, SLICE (int32 or int64 begin and size, size -1, a
computed begin), SPLIT, SPLIT_V, UNPACK and PACK (every axis, negative axes)."""

import numpy as np
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from . import generator
from .flatbuffer import Graph
from .typed import BOOL, FLOAT32, INT8, INT16, INT32, INT64, axis_written, quantization, shape, tensor, values

OPS, OPTIONS = schema.BuiltinOperator, schema.BuiltinOptions


@generator("GATHER", quant="none")
def gather(rng: np.random.Generator):
    """Input rank 1-4 along any axis, batch_dims up to the axis, positions of rank batch_dims to
    batch_dims + 2, constant or a model input kept within the axis."""
    g = Graph()
    for dtype in (INT8, FLOAT32):
        dims = shape(rng, 1, 4)
        axis = int(rng.integers(0, len(dims)))
        batch_dims = int(rng.integers(0, axis + 1))
        pos_dims = dims[:batch_dims] + shape(rng, 0 if len(dims) > 1 else 1, 2, 4)  # no scalar output
        out_dims = dims[:axis] + pos_dims[batch_dims:] + dims[axis + 1:]
        quant = quantization(rng, dtype)
        positions = rng.integers(0, dims[axis], size=pos_dims).astype(INT32)
        constant = rng.random() < 0.5
        pos = g.tensor(tensor(pos_dims, INT32, data=positions if constant else None))
        if not constant:
            g.bound(pos, 0, dims[axis] - 1)
        options = schema.GatherOptionsT()
        options.axis = axis_written(rng, axis, len(dims))
        options.batchDims = batch_dims - len(pos_dims) if batch_dims and rng.random() < 0.5 else batch_dims
        g.op(OPS.GATHER, [tensor(dims, dtype, quant), pos], [tensor(out_dims, dtype, quant)],
             OPTIONS.GatherOptions, options)
    return g.build()


@generator("GATHER_ND", quant="none")
def gather_nd(rng: np.random.Generator):
    """Params of rank 1-4, index vectors of length 1 to the rank (slices or single elements) in
    an indices tensor of rank 1-3, constant or a model input kept within each dimension."""
    g = Graph()
    for dtype in (INT8, FLOAT32):
        dims = shape(rng, 1, 4)
        nd = int(rng.integers(1, len(dims) + 1))
        batch = shape(rng, 0, 2, 4)
        high = np.asarray(dims[:nd]) - 1
        quant = quantization(rng, dtype)
        constant = rng.random() < 0.5
        data = rng.integers(0, high + 1, size=batch + (nd,)).astype(INT32) if constant else None
        indices = g.tensor(tensor(batch + (nd,), INT32, data=data))
        if not constant:
            g.bound(indices, 0, high)
        g.op(OPS.GATHER_ND, [tensor(dims, dtype, quant), indices], [tensor(batch + dims[nd:], dtype, quant)],
             OPTIONS.GatherNdOptions, schema.GatherNdOptionsT())
    return g.build()


@generator("EMBEDDING_LOOKUP", quant="none")
def embedding_lookup(rng: np.random.Generator):
    """Tables of rank 2-4: int8 read as int8, int8 read as float32 (TFLM's hybrid path: zero point
    0), float32; row numbers constant or a model input kept within the table."""
    g = Graph()
    for dtype, out_type in ((INT8, INT8), (INT8, FLOAT32), (FLOAT32, FLOAT32)):
        dims = shape(rng, 2, 4)
        count = int(rng.integers(1, 6))
        scale, zero_point = quantization(rng, dtype)
        quant = (scale, 0 if out_type == FLOAT32 else zero_point)
        constant = rng.random() < 0.5
        data = rng.integers(0, dims[0], count).astype(INT32) if constant else None
        rows = g.tensor(tensor((count,), INT32, data=data))
        if not constant:
            g.bound(rows, 0, dims[0] - 1)
        table = tensor(dims, dtype, quant, values(rng, dtype, dims) if rng.random() < 0.5 else None)
        g.op(OPS.EMBEDDING_LOOKUP, [rows, table],
             [tensor((count,) + dims[1:], out_type, quant if out_type == dtype else (None, 0))])
    return g.build()


@generator("SLICE", quant="none")
def slice_(rng: np.random.Generator):
    """Rank 1-5 boxes; begin and size int32 or int64, size -1 (to the end) now and then; the
    float32 node's begin is a model input (a slice computed at run time)."""
    g = Graph()
    for dtype in (INT8, INT16, INT32, BOOL, FLOAT32):
        dims = shape(rng, 1, 5, 4)
        sizes = [int(rng.integers(1, d + 1)) for d in dims]
        begin = [int(rng.integers(0, d - s + 1)) for d, s in zip(dims, sizes, strict=True)]
        written = [-1 if b + s == d and rng.random() < 0.3 else s for d, b, s in zip(dims, begin, sizes, strict=True)]
        index = INT64 if rng.random() < 0.3 else INT32
        quant = quantization(rng, dtype)
        computed = dtype == FLOAT32
        b = g.tensor(tensor((len(dims),), index, data=None if computed else np.asarray(begin, index)))
        if computed:
            g.bound(b, 0, [d - s for d, s in zip(dims, sizes, strict=True)])
        g.op(OPS.SLICE, [tensor(dims, dtype, quant), b, tensor((len(dims),), index, data=np.asarray(written, index))],
             [tensor(sizes, dtype, quant)], OPTIONS.SliceOptions, schema.SliceOptionsT())
    return g.build()


def _cut(rng: np.random.Generator, parts: int) -> tuple[tuple[int, ...], int]:
    """(input shape, axis) whose axis has at least `parts` positions."""
    dims = list(shape(rng, 1, 4))
    axis = int(rng.integers(0, len(dims)))
    dims[axis] = max(dims[axis], parts)
    return tuple(dims), axis


@generator("SPLIT", quant="none")
def split(rng: np.random.Generator):
    """Into 1-4 equal parts along any axis (a scalar or one-element axis tensor)."""
    g = Graph()
    for dtype in (INT8, INT16, INT32, FLOAT32):
        parts = int(rng.integers(1, 5))
        dims, axis = _cut(rng, 1)
        dims = dims[:axis] + (parts * int(rng.integers(1, 4)),) + dims[axis + 1:]
        out = dims[:axis] + (dims[axis] // parts,) + dims[axis + 1:]
        quant = quantization(rng, dtype)
        axis_shape = () if rng.random() < 0.5 else (1,)
        axis_data = np.full(axis_shape, axis_written(rng, axis, len(dims)), INT32)
        options = schema.SplitOptionsT()
        options.numSplits = parts
        g.op(OPS.SPLIT, [tensor(axis_shape, INT32, data=axis_data), tensor(dims, dtype, quant)],
             [tensor(out, dtype, quant) for _ in range(parts)], OPTIONS.SplitOptions, options)
    return g.build()


@generator("SPLIT_V", quant="none")
def split_v(rng: np.random.Generator):
    """Into 1-4 parts of random sizes along any axis; size_splits may hold a -1 (TFLM reads the
    outputs' shapes)."""
    g = Graph()
    for dtype in (INT8, INT16, INT32, FLOAT32):
        parts = int(rng.integers(1, 5))
        dims, axis = _cut(rng, parts)
        cuts = sorted(int(c) for c in rng.choice(np.arange(1, dims[axis]), size=parts - 1, replace=False))
        sizes = np.diff([0, *cuts, dims[axis]]).astype(INT32)
        if rng.random() < 0.5:
            sizes_written = sizes.copy()
            sizes_written[int(rng.integers(0, parts))] = -1
        else:
            sizes_written = sizes
        quant = quantization(rng, dtype)
        options = schema.SplitVOptionsT()
        options.numSplits = parts
        g.op(OPS.SPLIT_V, [tensor(dims, dtype, quant), tensor((parts,), INT32, data=sizes_written),
                           tensor((), INT32, data=np.asarray(axis_written(rng, axis, len(dims)), INT32))],
             [tensor(dims[:axis] + (int(s),) + dims[axis + 1:], dtype, quant) for s in sizes],
             OPTIONS.SplitVOptions, options)
    return g.build()


@generator("UNPACK", quant="none")
def unpack(rng: np.random.Generator):
    """Every index of any axis of a rank 2-4 input (dimensions up to 4: 16 outputs at most)."""
    g = Graph()
    for dtype in (INT8, INT16, INT32, FLOAT32):
        dims = shape(rng, 2, 4, 4)
        axis = int(rng.integers(0, len(dims)))
        out = dims[:axis] + dims[axis + 1:]
        quant = quantization(rng, dtype)
        options = schema.UnpackOptionsT()
        options.num = dims[axis]
        options.axis = axis_written(rng, axis, len(dims))
        g.op(OPS.UNPACK, [tensor(dims, dtype, quant)], [tensor(out, dtype, quant) for _ in range(dims[axis])],
             OPTIONS.UnpackOptions, options)
    return g.build()


@generator("PACK", quant="none")
def pack(rng: np.random.Generator):
    """2-4 inputs (one of them constant) stacked along any axis of the output, every TFLM type."""
    g = Graph()
    for dtype in (INT8, INT16, INT32, INT64, FLOAT32):
        dims = shape(rng, 1, 3)
        axis = int(rng.integers(0, len(dims) + 1))
        count = int(rng.integers(2, 5))
        quant = quantization(rng, dtype)
        constant = int(rng.integers(0, count))
        inputs = [tensor(dims, dtype, quant, values(rng, dtype, dims) if i == constant else None) for i in range(count)]
        options = schema.PackOptionsT()
        options.valuesCount = count
        options.axis = axis_written(rng, axis, len(dims) + 1)
        g.op(OPS.PACK, inputs, [tensor(dims[:axis] + (count,) + dims[axis:], dtype, quant)],
             OPTIONS.PackOptions, options)
    return g.build()
