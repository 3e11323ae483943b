"""NEG, SQRT, RSQRT, SQUARE, EXP, LOG, SIN, COS, CEIL, FLOOR, ROUND: float32 models of one
tf.math function on random shapes (TFLM runs these in float32 only), test inputs inside each
function's domain; RSQRT also int8, after ABS and ADD so its input stays above the zero point
(TFLM fails the invoke below it)."""

import numpy as np

from . import generator


def _shape(rng: np.random.Generator) -> tuple[int, ...]:
    return tuple(int(d) for d in rng.integers(1, 9, size=int(rng.integers(1, 5))))


def _float_graph(rng: np.random.Generator, fn_name: str):
    import tensorflow as tf

    shape = _shape(rng)
    x = tf.keras.Input(shape=shape)
    fn = getattr(tf.math, fn_name)
    return tf.keras.Model(x, tf.keras.layers.Lambda(lambda t: fn(t))(x)), []


def _register(op: str, fn_name: str, input_range: tuple[float, float] | None) -> None:
    def fn(rng: np.random.Generator):
        return _float_graph(rng, fn_name)

    fn.__name__ = fn.__qualname__ = fn_name
    generator(op, quant="none", input_range=input_range)(fn)


for _op, _fn, _range in (("NEG", "negative", None), ("SQRT", "sqrt", (0.0, 4.0)), ("RSQRT", "rsqrt", (0.01, 4.0)),
                         ("SQUARE", "square", (-3.0, 3.0)), ("EXP", "exp", (-4.0, 4.0)), ("LOG", "log", (1e-3, 8.0)),
                         ("SIN", "sin", (-6.0, 6.0)), ("COS", "cos", (-6.0, 6.0)), ("CEIL", "ceil", (-5.0, 5.0)),
                         ("FLOOR", "floor", (-5.0, 5.0)), ("ROUND", "round", (-5.0, 5.0))):
    _register(_op, _fn, _range)


@generator("RSQRT")
def rsqrt_int8(rng: np.random.Generator):
    import tensorflow as tf

    shape = _shape(rng)
    offset = float(rng.uniform(0.05, 1.0))
    x = tf.keras.Input(shape=shape)
    y = tf.keras.layers.Lambda(lambda t: tf.math.rsqrt(tf.abs(t) + offset))(x)
    spread = float(np.exp(rng.uniform(np.log(0.1), np.log(10.0))))
    return tf.keras.Model(x, y), [rng.normal(0, spread, shape).astype(np.float32) for _ in range(32)]
