"""DIV, FLOOR_DIV, FLOOR_MOD, SQUARED_DIFFERENCE and ADD_N in the types TFLM runs them: converted
Keras graphs where the converter emits the cell (float32 everywhere; SQUARED_DIFFERENCE int8, 16x8
and int32), models written with the schema's object API where it does not (int8 DIV, int8 ADD_N;
int32 DIV is in preprocessor_ops.py). Divisors never reach zero (TFLM divides by it, or fails the
invoke for FLOOR_DIV): constants without zeros, or |b| + offset. int8 DIV uses scale ratios
input1 / (input2 * output) of 64 and more, the range where TFLM's shifts stay within 31 bits for
every int8 pair (kernels/div.c says what happens below it). Shapes up to 4-D, as TFLM's 4-D
broadcast functions take."""

import numpy as np

from . import generator
from .elementwise import _activation, _shapes


def _log_uniform(rng: np.random.Generator, low: float, high: float) -> float:
    return float(np.exp(rng.uniform(np.log(low), np.log(high))))


def _nonzero(rng: np.random.Generator, shape: tuple[int, ...], low: float, high: float) -> np.ndarray:
    """Random magnitudes in [low, high) with random signs: a divisor without zeros."""
    return (rng.uniform(low, high, shape) * rng.choice([-1.0, 1.0], shape)).astype(np.float32)


def _float_binary(rng: np.random.Generator, fn):
    """fn(x, divisor) with the divisor a broadcast constant of lower rank, or |b| + offset of a
    second input of the same shape."""
    import tensorflow as tf

    shape, other = _shapes(rng, 3)
    x = tf.keras.Input(shape=shape)
    if rng.random() < 0.5:
        const = _nonzero(rng, other[int(rng.integers(0, len(other))):], 0.2, 3.0)
        y = tf.keras.layers.Lambda(lambda t: fn(t, tf.constant(const)))(x)
        inputs = x
    else:
        offset = float(rng.uniform(0.1, 1.0))
        b = tf.keras.Input(shape=shape)
        y = tf.keras.layers.Lambda(lambda ts: fn(ts[0], tf.abs(ts[1]) + offset))([x, b])
        inputs = [x, b]
    return tf.keras.Model(inputs, y), []


@generator("DIV", quant="none")
def div_float(rng: np.random.Generator):
    """x / ((|b| + offset) * signs), b of a broadcast shape (the converter turns a division by a
    constant into MUL), a fused ReLU / ReLU6 or none."""
    import tensorflow as tf

    shape, other = _shapes(rng, 3)
    offset = float(rng.uniform(0.1, 1.0))
    signs = rng.choice([-1.0, 1.0], other).astype(np.float32)
    x, b = tf.keras.Input(shape=shape), tf.keras.Input(shape=other)
    out = tuple(int(d) for d in np.broadcast_shapes(shape, other))
    y = tf.keras.layers.Lambda(lambda ts: ts[0] / ((tf.abs(ts[1]) + offset) * signs), output_shape=out)([x, b])
    return tf.keras.Model([x, b], _activation(rng, y)), []


@generator("FLOOR_DIV", quant="none", input_range=(-8.0, 8.0))
def floor_div(rng: np.random.Generator):
    import tensorflow as tf

    return _float_binary(rng, tf.math.floordiv)


@generator("FLOOR_MOD", quant="none", input_range=(-8.0, 8.0))
def floor_mod(rng: np.random.Generator):
    import tensorflow as tf

    return _float_binary(rng, tf.math.floormod)


def _broadcast_pair(rng: np.random.Generator) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """(input shape, constant shape, output shape): the constant may have fewer dimensions."""
    shape, other = _shapes(rng, 3)
    shape, other = (1, *shape), other[int(rng.integers(0, len(other))):]
    return shape, other, tuple(int(d) for d in np.broadcast_shapes(shape, other))


def _div_options(rng: np.random.Generator, activations: list[int]):
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    options = schema.DivOptionsT()
    options.fusedActivationFunction = int(rng.choice(activations))
    return schema.BuiltinOptions.DivOptions, options


@generator("DIV", quant="none")
def div_int8(rng: np.random.Generator):
    """A model input over a constant divisor (never its zero point), fused activation or not."""
    from .flatbuffer import Tensor, single_op_model

    shape, const_shape, out_shape = _broadcast_pair(rng)
    s1, s2 = _log_uniform(rng, 1e-3, 0.5), _log_uniform(rng, 1e-3, 0.5)
    s_out = s1 / (s2 * _log_uniform(rng, 64.0, 4096.0))
    zp1, zp2, zp_out = (int(v) for v in rng.integers(-30, 31, 3))
    divisor = rng.integers(-128, 128, const_shape)
    divisor[divisor == zp2] = zp2 + 1
    return single_op_model(42, [Tensor(shape, np.int8, s1, zp1), Tensor(const_shape, np.int8, s2, zp2,
                                                                          divisor.astype(np.int8))],
                           [Tensor(out_shape, np.int8, s_out, zp_out)], *_div_options(rng, [0, 1, 3]))


# ---- SQUARED_DIFFERENCE ----

@generator("SQUARED_DIFFERENCE", also=("int16",))
def squared_difference(rng: np.random.Generator):
    """Two inputs of one shape, or an input and a broadcast constant."""
    import tensorflow as tf

    shape, other = _shapes(rng, 3)
    spread = float(rng.uniform(0.2, 4.0))
    x = tf.keras.Input(shape=shape)
    if rng.random() < 0.5:
        const = rng.normal(0, spread, other[int(rng.integers(0, len(other))):]).astype(np.float32)
        model = tf.keras.Model(x, tf.keras.layers.Lambda(lambda t: tf.math.squared_difference(t, const))(x))
        return model, [rng.normal(0, spread, shape).astype(np.float32) for _ in range(32)]
    b = tf.keras.Input(shape=shape)
    model = tf.keras.Model([x, b], tf.keras.layers.Lambda(lambda ts: tf.math.squared_difference(*ts))([x, b]))
    return model, [[rng.normal(0, spread, shape).astype(np.float32) for _ in range(2)] for _ in range(32)]


@generator("SQUARED_DIFFERENCE", quant="none")
def squared_difference_int32(rng: np.random.Generator):
    """int32 over the whole int32 range: the difference and its square wrap."""
    import tensorflow as tf

    shape, other = _shapes(rng, 3)
    x, b = tf.keras.Input(shape=shape, dtype="int32"), tf.keras.Input(shape=other, dtype="int32")
    out = tuple(int(d) for d in np.broadcast_shapes(shape, other))
    y = tf.keras.layers.Lambda(lambda ts: tf.math.squared_difference(*ts), output_shape=out)([x, b])
    return tf.keras.Model([x, b], y), []


# ---- ADD_N ----

@generator("ADD_N", quant="none")
def add_n_float(rng: np.random.Generator):
    import tensorflow as tf

    shape, _ = _shapes(rng, 3)
    inputs = [tf.keras.Input(shape=shape) for _ in range(int(rng.integers(2, 5)))]
    return tf.keras.Model(inputs, tf.keras.layers.Lambda(lambda ts: tf.math.add_n(ts))(inputs)), []


@generator("ADD_N", quant="none")
def add_n_int8(rng: np.random.Generator):
    """2 to 5 int8 inputs sharing one scale and zero point (TFLM requires it; the converter keeps
    ADD_N in float)."""
    from .flatbuffer import Tensor, single_op_model

    shape, _ = _shapes(rng, 3)
    shape = (1, *shape)
    scale, zero_point = _log_uniform(rng, 1e-3, 1.0), int(rng.integers(-30, 31))
    inputs = [Tensor(shape, np.int8, scale, zero_point) for _ in range(int(rng.integers(2, 6)))]
    out = Tensor(shape, np.int8, scale * _log_uniform(rng, 0.5, 6.0), int(rng.integers(-30, 31)))
    return single_op_model(106, inputs, [out])
