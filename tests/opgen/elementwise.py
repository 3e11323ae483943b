"""ADD, SUB, MUL, MAXIMUM and MINIMUM: two broadcasting inputs, or one input and a constant of
lower rank, with and without a fused activation (a ReLU / ReLU6 after the op is fused into it by
the converter); in int8, int16 (16x8) and int32 / int64 (unquantized integer graphs)."""

import numpy as np

from . import generator


def _shapes(rng: np.random.Generator, max_rank: int = 5) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """A random shape (rank 1-4, or 5 now and then: 6-D with the batch dimension) and a
    broadcast-compatible shape of the same rank with some dimensions set to 1."""
    rank = min(max_rank, int(rng.choice([1, 2, 3, 4, 5], p=[0.2, 0.25, 0.25, 0.2, 0.1])))
    full = tuple(int(d) for d in rng.integers(1, 6 if rank < 5 else 4, size=rank))
    other = tuple(1 if rng.random() < 0.4 else d for d in full)
    if rng.random() < 0.5:
        full, other = other, tuple(max(a, b) for a, b in zip(full, other, strict=True))
    return full, other


def _activation(rng: np.random.Generator, x):
    import tensorflow as tf

    kind = int(rng.integers(0, 3))
    return [x, tf.keras.layers.ReLU()(x), tf.keras.layers.ReLU(6.0)(x)][kind]


def _two_inputs(rng: np.random.Generator, layer_name: str):
    """Two model inputs of one shape (the converter may reorder inputs, and calibration feeds
    samples in its order, so they must be interchangeable); the second is sliced down to the
    broadcast shape (an int8 STRIDED_SLICE) before the op."""
    import tensorflow as tf

    shape1, shape2 = _shapes(rng, max_rank=3)  # TFLM's STRIDED_SLICE stops at 4-D
    full = tuple(max(p, q) for p, q in zip(shape1, shape2, strict=True))
    a, b = tf.keras.Input(shape=full, name="in_0"), tf.keras.Input(shape=full, name="in_1")
    slices = (slice(None),) + tuple(slice(0, 1) if d == 1 else slice(None) for d in shape2)
    b_small = tf.keras.layers.Lambda(lambda t: t[slices])(b) if shape2 != full else b
    a_in = tf.keras.layers.Lambda(lambda t: t[(slice(None),) + tuple(
        slice(0, 1) if d == 1 else slice(None) for d in shape1)])(a) if shape1 != full else a
    model = tf.keras.Model([a, b], _activation(rng, getattr(tf.keras.layers, layer_name)()([a_in, b_small])))
    scale = float(rng.uniform(0.2, 4.0))
    rep = [[rng.normal(0, scale, full).astype(np.float32), rng.normal(0, scale, full).astype(np.float32)]
           for _ in range(32)]
    return model, rep


def _with_constant(rng: np.random.Generator, op_name: str):
    import tensorflow as tf

    shape, other = _shapes(rng)
    drop = int(rng.integers(0, len(other)))  # the constant may have fewer (leading) dimensions
    const = rng.normal(0, rng.uniform(0.2, 3.0), other[drop:]).astype(np.float32)
    x = tf.keras.Input(shape=shape)
    op = getattr(tf, op_name)
    y = tf.keras.layers.Lambda(lambda t: op(t, tf.constant(const)))(x)
    model = tf.keras.Model(x, _activation(rng, y))
    return model, [rng.normal(0, rng.uniform(0.5, 2.0), shape).astype(np.float32) for _ in range(32)]


def _register(op: str, name: str, build, quant: str) -> None:
    """One generator named `name` (the case id's variant) that calls build(rng)."""
    def fn(rng: np.random.Generator):
        return build(rng)

    fn.__name__ = fn.__qualname__ = name
    generator(op, quant=quant)(fn)


# (operator, name prefix, Keras layer, tf function); int8 and int16 (16x8 conversions) alike
_OPS = (("ADD", "add", "Add", "add"), ("SUB", "sub", "Subtract", "subtract"), ("MUL", "mul", "Multiply", "multiply"),
        ("MAXIMUM", "maximum", "Maximum", "maximum"), ("MINIMUM", "minimum", "Minimum", "minimum"))
for _op, _prefix, _layer, _fn in _OPS:
    for _quant, _suffix in (("int8", ""), ("int16", "_i16")):
        _register(_op, f"{_prefix}_two_inputs{_suffix}",
                  lambda rng, layer=_layer: _two_inputs(rng, layer), _quant)
        _register(_op, f"{_prefix}_constant{_suffix}", lambda rng, fn=_fn: _with_constant(rng, fn), _quant)


# ---- int32 and int64 (unquantized integer graphs, e.g. index arithmetic) ----

def _integer_graph(rng: np.random.Generator, op_name: str, dtype: str):
    """An integer input op an input of a broadcast shape, or op a constant (the converter fuses
    no activation into integer operators)."""
    import tensorflow as tf

    op = getattr(tf, op_name)
    shape, other = _shapes(rng)
    out = tuple(max(a, b) for a, b in zip(shape, other, strict=True))
    x = tf.keras.Input(shape=shape, dtype=dtype)
    if rng.random() < 0.5:
        const = rng.integers(-1000, 1000, size=other[int(rng.integers(0, len(other))):]).astype(dtype)
        y = tf.keras.layers.Lambda(lambda t: op(t, tf.constant(const)), output_shape=out)(x)
        inputs = x
    else:
        z = tf.keras.Input(shape=other, dtype=dtype)
        y = tf.keras.layers.Lambda(lambda ts: op(ts[0], ts[1]), output_shape=out)([x, z])
        inputs = [x, z]
    return tf.keras.Model(inputs, y), []


for _op, _prefix, _, _fn in _OPS:
    for _dtype in ("int32", "int64") if _op in ("MAXIMUM", "MINIMUM") else ("int32",):
        _register(_op, f"{_prefix}_{_dtype}", lambda rng, fn=_fn, dtype=_dtype: _integer_graph(rng, fn, dtype), "none")
