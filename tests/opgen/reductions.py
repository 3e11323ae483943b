"""ops-core reductions: REDUCE_MAX as Keras GlobalMaxPooling1D/2D (keepdims both ways) and
tf.reduce_max / tf.reduce_min over random axis lists (negative, several, keep_dims both ways);
ARG_MAX / ARG_MIN (int32 output, as TFLM) on any axis: int8 inputs tie often, which checks that
the first index wins."""

import numpy as np

from . import generator


def _reduce_model(shape: tuple[int, ...], fn, axes: list[int], keepdims: bool):
    import tensorflow as tf

    class Reduce(tf.keras.layers.Layer):
        def call(self, x):
            return fn(x, axis=axes, keepdims=keepdims)

    return tf.keras.Sequential([tf.keras.Input(shape=shape), Reduce()])


def _axes(rng: np.random.Generator, rank: int) -> list[int]:
    """1 to rank-1 of the non-batch axes of a rank-D tensor, some written negative."""
    chosen = sorted(int(a) for a in rng.choice(range(1, rank), int(rng.integers(1, rank)), replace=False))
    return [a - rank if rng.integers(0, 2) else a for a in chosen]


def _samples(rng: np.random.Generator, shape: tuple[int, ...]) -> list[np.ndarray]:
    return [rng.normal(0.3, 1, shape).astype(np.float32) for _ in range(32)]


@generator("REDUCE_MAX")
def global_max_pooling(rng: np.random.Generator):
    import tensorflow as tf

    keepdims = bool(rng.integers(0, 2))
    if rng.random() < 0.5:
        shape = (int(rng.integers(1, 11)), int(rng.integers(1, 11)), int(rng.integers(1, 9)))
        layer = tf.keras.layers.GlobalMaxPooling2D(keepdims=keepdims)
    else:
        shape = (int(rng.integers(1, 25)), int(rng.integers(1, 9)))
        layer = tf.keras.layers.GlobalMaxPooling1D(keepdims=keepdims)
    return tf.keras.Sequential([tf.keras.Input(shape=shape), layer]), _samples(rng, shape)


@generator("REDUCE_MAX")
def reduce_max_axes(rng: np.random.Generator):
    import tensorflow as tf

    shape = tuple(int(d) for d in rng.integers(1, 7, size=3))
    return _reduce_model(shape, tf.reduce_max, _axes(rng, 4), bool(rng.integers(0, 2))), _samples(rng, shape)


@generator("REDUCE_MIN")
def reduce_min_axes(rng: np.random.Generator):
    import tensorflow as tf

    shape = tuple(int(d) for d in rng.integers(1, 7, size=int(rng.integers(2, 4))))
    return _reduce_model(shape, tf.reduce_min, _axes(rng, len(shape) + 1), bool(rng.integers(0, 2))), \
        _samples(rng, shape)


def _arg_model(rng: np.random.Generator, fn):
    import tensorflow as tf

    shape = tuple(int(d) for d in rng.integers(1, 7, size=int(rng.integers(1, 4))))
    axis = int(rng.integers(1, len(shape) + 1))
    axis = axis - (len(shape) + 1) if rng.random() < 0.5 else axis

    class Arg(tf.keras.layers.Layer):
        def call(self, x):
            return fn(x, axis=axis, output_type=tf.int32)

    return tf.keras.Sequential([tf.keras.Input(shape=shape), Arg()]), _samples(rng, shape)


@generator("ARG_MAX")
def arg_max(rng: np.random.Generator):
    import tensorflow as tf

    return _arg_model(rng, tf.math.argmax)


@generator("ARG_MIN")
def arg_min(rng: np.random.Generator):
    import tensorflow as tf

    return _arg_model(rng, tf.math.argmin)
