"""ops-core logic operators, written with the flatbuffer object API (no TensorFlow conversion),
one model per operator with a node per TFLM type: CAST (every input type to every output type),
the six comparisons (broadcasting inputs; each type also compared with itself so equality
happens; int8 with unequal scales and zero points, TFLM's rescaling), SELECT_V2 (a broadcasting
condition and values), LOGICAL_AND / OR (broadcasting) and NOT."""

import numpy as np
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from . import generator
from .flatbuffer import Graph, Tensor
from .typed import BOOL, FLOAT32, INT8, INT16, INT32, INT64, UINT32, quantization, shape, tensor, values

OPS, OPTIONS = schema.BuiltinOperator, schema.BuiltinOptions


def broadcast_shapes(rng: np.random.Generator, inputs: int) -> tuple[tuple[int, ...], list[tuple[int, ...]]]:
    """(output shape, input shapes): the inputs right-aligned to the output, some with fewer
    dimensions or size 1 where the output is larger."""
    full = shape(rng, 1, 4)
    shapes = []
    for _ in range(inputs):
        drop = int(rng.integers(0, len(full))) if rng.random() < 0.3 else 0
        shapes.append(tuple(1 if rng.random() < 0.3 else d for d in full[drop:]))
    return tuple(int(d) for d in np.broadcast_shapes(*shapes)), shapes


_TYPE_CODES = {INT8: schema.TensorType.INT8, INT16: schema.TensorType.INT16, INT32: schema.TensorType.INT32,
               UINT32: schema.TensorType.UINT32, FLOAT32: schema.TensorType.FLOAT32, BOOL: schema.TensorType.BOOL}


def _cast(rng: np.random.Generator, sources) -> bytes:
    g = Graph()
    dims = shape(rng, 1, 3)
    for source in sources:
        x = g.tensor(tensor(dims, source))
        unsigned = x
        if source == FLOAT32:
            g.bound(x, -100, 100)
            unsigned = g.tensor(tensor(dims, source))
            g.bound(unsigned, 0, 200)
        for target in (INT8, INT16, INT32, UINT32, FLOAT32):
            options = schema.CastOptionsT()
            options.inDataType, options.outDataType = _TYPE_CODES[source], _TYPE_CODES[target]
            g.op(OPS.CAST, [unsigned if target == UINT32 else x], [tensor(dims, target)], OPTIONS.CastOptions, options)
    return g.build()


# Every TFLM input type (int8, int16, int32, uint32, float32, bool) to every output type (int8,
# int16, int32, uint32, float32), in two models: the agent returns at most 16 outputs. Float
# inputs stay within the targets' ranges ([-100, 100), [0, 200) for uint32): out-of-range float
# to integer casts are undefined.
@generator("CAST", quant="none")
def cast_signed(rng: np.random.Generator):
    return _cast(rng, (INT8, INT16, INT32))


@generator("CAST", quant="none")
def cast_others(rng: np.random.Generator):
    return _cast(rng, (UINT32, FLOAT32, BOOL))


def _comparison(rng: np.random.Generator, opcode: int, options_type: int, options, types) -> bytes:
    g = Graph()
    for dtype in types:
        out, (a_dims, b_dims) = broadcast_shapes(rng, 2)
        a_quant = quantization(rng, dtype)
        b_quant = a_quant if rng.random() < 0.3 else quantization(rng, dtype)
        a = g.tensor(tensor(a_dims, dtype, a_quant))
        b = tensor(b_dims, dtype, b_quant, values(rng, dtype, b_dims) if rng.random() < 0.3 else None)
        if dtype in (INT32, INT64):
            g.bound(a, -3, 3)  # small values: equal ones happen
        g.op(opcode, [a, b], [tensor(out, BOOL)], options_type, options)
        g.op(opcode, [a, a], [tensor(a_dims, BOOL)], options_type, options)  # equal everywhere
    return g.build()


_COMPARISONS = (("EQUAL", "EqualOptions", "EqualOptionsT", (INT8, FLOAT32, INT32, INT64, BOOL)),
                ("NOT_EQUAL", "NotEqualOptions", "NotEqualOptionsT", (INT8, FLOAT32, INT32, INT64, BOOL)),
                # TFLM also takes int16 GREATER, but never sets its rescaling parameters (its
                # Prepare fills them for int8 only): no reference (hil/engines/tflm_ops.toml)
                ("GREATER", "GreaterOptions", "GreaterOptionsT", (INT8, FLOAT32, INT32, INT64)),
                ("GREATER_EQUAL", "GreaterEqualOptions", "GreaterEqualOptionsT", (INT8, FLOAT32, INT32, INT64)),
                ("LESS", "LessOptions", "LessOptionsT", (INT8, FLOAT32, INT32, INT64)),
                ("LESS_EQUAL", "LessEqualOptions", "LessEqualOptionsT", (INT8, FLOAT32, INT32, INT64)))


def _register_comparison(op: str, options_name: str, options_class: str, types) -> None:
    def fn(rng: np.random.Generator):
        return _comparison(rng, getattr(OPS, op), getattr(OPTIONS, options_name), getattr(schema, options_class)(),
                           types)

    fn.__name__ = fn.__qualname__ = op.lower()
    generator(op, quant="none")(fn)


for _op, _options_name, _options_class, _types in _COMPARISONS:
    _register_comparison(_op, _options_name, _options_class, _types)


@generator("SELECT_V2", quant="none")
def select_v2(rng: np.random.Generator):
    """A bool condition and two values (one constant now and then), all broadcasting."""
    g = Graph()
    for dtype in (INT8, INT16, FLOAT32):
        out, (c_dims, x_dims, y_dims) = broadcast_shapes(rng, 3)
        quant = quantization(rng, dtype)
        y = tensor(y_dims, dtype, quant, values(rng, dtype, y_dims) if rng.random() < 0.3 else None)
        g.op(OPS.SELECT_V2, [tensor(c_dims, BOOL), tensor(x_dims, dtype, quant), y], [tensor(out, dtype, quant)],
             OPTIONS.SelectV2Options, schema.SelectV2OptionsT())
    return g.build()


def _logical(rng: np.random.Generator, opcode: int, options_type: int, options) -> bytes:
    g = Graph()
    for _ in range(2):
        out, (a_dims, b_dims) = broadcast_shapes(rng, 2)
        g.op(opcode, [tensor(a_dims, BOOL), tensor(b_dims, BOOL)], [tensor(out, BOOL)], options_type, options)
    return g.build()


@generator("LOGICAL_AND", quant="none")
def logical_and(rng: np.random.Generator):
    return _logical(rng, OPS.LOGICAL_AND, OPTIONS.LogicalAndOptions, schema.LogicalAndOptionsT())


@generator("LOGICAL_OR", quant="none")
def logical_or(rng: np.random.Generator):
    return _logical(rng, OPS.LOGICAL_OR, OPTIONS.LogicalOrOptions, schema.LogicalOrOptionsT())


@generator("LOGICAL_NOT", quant="none")
def logical_not(rng: np.random.Generator):
    dims = shape(rng, 1, 4)
    g = Graph()
    g.op(OPS.LOGICAL_NOT, [Tensor(dims, BOOL)], [Tensor(dims, BOOL)], OPTIONS.LogicalNotOptions,
         schema.LogicalNotOptionsT())
    return g.build()
