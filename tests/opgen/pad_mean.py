"""PAD and MEAN: Keras ZeroPadding1D/2D and tf.pad on every axis of a 4-D tensor (the generic,
non image-style case); GlobalAveragePooling1D/2D with and without keepdims, and tf.reduce_mean
over random axis lists (negative, several, with keep_dims both ways). The converter gives MEAN
its own output quantization, so these exercise TFLM's requantizing path; the
equal-quantization path is covered by edited models in tests/test_kernels_conv_native.py."""

import numpy as np

from . import generator


@generator("PAD")
def zero_padding_2d(rng: np.random.Generator):
    import tensorflow as tf

    h, w, c = int(rng.integers(1, 9)), int(rng.integers(1, 9)), int(rng.integers(1, 6))
    pads = tuple(tuple(int(v) for v in rng.integers(0, 4, 2)) for _ in range(2))
    model = tf.keras.Sequential([tf.keras.Input(shape=(h, w, c)), tf.keras.layers.ZeroPadding2D(pads)])
    return model, [rng.normal(0, 1, (h, w, c)).astype(np.float32) for _ in range(32)]


@generator("PAD")
def zero_padding_1d(rng: np.random.Generator):
    import tensorflow as tf

    steps, c = int(rng.integers(1, 17)), int(rng.integers(1, 6))
    pads = tuple(int(v) for v in rng.integers(0, 5, 2))
    model = tf.keras.Sequential([tf.keras.Input(shape=(steps, c)), tf.keras.layers.ZeroPadding1D(pads)])
    return model, [rng.normal(0, 1, (steps, c)).astype(np.float32) for _ in range(32)]


@generator("PAD")
def pad_every_axis(rng: np.random.Generator):
    """tf.pad with paddings on the channel axis too (TFLM's generic Pad path). The batch axis
    stays unpadded: Keras leaves it dynamic, so a padded batch gives an inconsistent model."""
    import tensorflow as tf

    h, w, c = int(rng.integers(1, 7)), int(rng.integers(1, 7)), int(rng.integers(1, 5))
    paddings = [[0, 0]] + rng.integers(0, 3, (3, 2)).tolist()

    class Pad(tf.keras.layers.Layer):
        def call(self, x):
            return tf.pad(x, paddings)

    model = tf.keras.Sequential([tf.keras.Input(shape=(h, w, c)), Pad()])
    return model, [rng.normal(0, 1, (h, w, c)).astype(np.float32) for _ in range(32)]


@generator("MEAN")
def global_average_pooling(rng: np.random.Generator):
    import tensorflow as tf

    h, w, c = int(rng.integers(1, 13)), int(rng.integers(1, 13)), int(rng.integers(1, 17))
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(h, w, c)),
        tf.keras.layers.GlobalAveragePooling2D(keepdims=bool(rng.integers(0, 2))),
    ])
    return model, [rng.normal(0, 1, (h, w, c)).astype(np.float32) for _ in range(32)]


@generator("MEAN")
def global_average_pooling_1d(rng: np.random.Generator):
    import tensorflow as tf

    steps, c = int(rng.integers(1, 33)), int(rng.integers(1, 9))
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(steps, c)),
        tf.keras.layers.GlobalAveragePooling1D(keepdims=bool(rng.integers(0, 2))),
    ])
    return model, [rng.normal(0, 1, (steps, c)).astype(np.float32) for _ in range(32)]


@generator("MEAN")
def reduce_mean_axes(rng: np.random.Generator):
    """tf.reduce_mean of a 4-D tensor over 1-3 random axes, some written negative."""
    import tensorflow as tf

    h, w, c = int(rng.integers(1, 9)), int(rng.integers(1, 9)), int(rng.integers(1, 9))
    n_axes = int(rng.integers(1, 4))
    axes = sorted(int(a) for a in rng.choice([1, 2, 3], n_axes, replace=False))
    axes = [a - 4 if rng.integers(0, 2) else a for a in axes]
    keepdims = bool(rng.integers(0, 2))

    class Mean(tf.keras.layers.Layer):
        def call(self, x):
            return tf.reduce_mean(x, axis=axes, keepdims=keepdims)

    model = tf.keras.Sequential([tf.keras.Input(shape=(h, w, c)), Mean()])
    return model, [rng.normal(0.5, 1, (h, w, c)).astype(np.float32) for _ in range(32)]
