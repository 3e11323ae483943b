"""ADD and MUL: two broadcasting inputs, or one input and a constant of lower rank, with and
without a fused activation (a ReLU / ReLU6 after the op is fused into it by the converter)."""

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


def _two_inputs(rng: np.random.Generator, layer):
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
    model = tf.keras.Model([a, b], _activation(rng, layer()([a_in, b_small])))
    scale = float(rng.uniform(0.2, 4.0))
    rep = [[rng.normal(0, scale, full).astype(np.float32), rng.normal(0, scale, full).astype(np.float32)]
           for _ in range(32)]
    return model, rep


def _with_constant(rng: np.random.Generator, op):
    import tensorflow as tf

    shape, other = _shapes(rng)
    drop = int(rng.integers(0, len(other)))  # the constant may have fewer (leading) dimensions
    const = rng.normal(0, rng.uniform(0.2, 3.0), other[drop:]).astype(np.float32)
    x = tf.keras.Input(shape=shape)
    y = tf.keras.layers.Lambda(lambda t: op(t, tf.constant(const)))(x)
    model = tf.keras.Model(x, _activation(rng, y))
    return model, [rng.normal(0, rng.uniform(0.5, 2.0), shape).astype(np.float32) for _ in range(32)]


@generator("ADD")
def add_two_inputs(rng: np.random.Generator):
    import tensorflow as tf

    return _two_inputs(rng, tf.keras.layers.Add)


@generator("ADD")
def add_constant(rng: np.random.Generator):
    import tensorflow as tf

    return _with_constant(rng, tf.add)


@generator("MUL")
def mul_two_inputs(rng: np.random.Generator):
    import tensorflow as tf

    return _two_inputs(rng, tf.keras.layers.Multiply)


@generator("MUL")
def mul_constant(rng: np.random.Generator):
    import tensorflow as tf

    return _with_constant(rng, tf.multiply)
