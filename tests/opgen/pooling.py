"""AVERAGE_POOL_2D and MAX_POOL_2D: Keras pooling layers with random pool sizes, strides and
padding, plus a fused-activation variant (TF pooling followed by ReLU6 / ReLU, which the
converter fuses into the pooling op). Inputs are centred near zero so windows sum to negative
values too, exercising TFLM's sign-dependent rounding of the average. Every generator has a
16x8 twin (int16 activations; `also`)."""

import numpy as np

from . import generator


@generator("AVERAGE_POOL_2D", also=("int16",))
def average_pool(rng: np.random.Generator):
    import tensorflow as tf

    h, w, c = int(rng.integers(2, 13)), int(rng.integers(2, 13)), int(rng.integers(1, 9))
    pool = (int(rng.integers(1, min(h, 4) + 1)), int(rng.integers(1, min(w, 4) + 1)))
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(h, w, c)),
        tf.keras.layers.AveragePooling2D(pool, strides=(int(rng.integers(1, 4)), int(rng.integers(1, 4))),
                                         padding=["same", "valid"][int(rng.integers(0, 2))]),
    ])
    return model, [rng.normal(0, 1, (h, w, c)).astype(np.float32) for _ in range(32)]


@generator("MAX_POOL_2D", also=("int16",))
def max_pool(rng: np.random.Generator):
    import tensorflow as tf

    h, w, c = int(rng.integers(2, 13)), int(rng.integers(2, 13)), int(rng.integers(1, 9))
    pool = (int(rng.integers(1, min(h, 4) + 1)), int(rng.integers(1, min(w, 4) + 1)))
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(h, w, c)),
        tf.keras.layers.MaxPooling2D(pool, strides=(int(rng.integers(1, 4)), int(rng.integers(1, 4))),
                                     padding=["same", "valid"][int(rng.integers(0, 2))]),
    ])
    return model, [rng.normal(0, 1, (h, w, c)).astype(np.float32) for _ in range(32)]


@generator("AVERAGE_POOL_2D", also=("int16",))
def average_pool_fused_activation(rng: np.random.Generator):
    """tf.nn.avg_pool2d then ReLU or ReLU6: converted into one op with a fused activation."""
    import tensorflow as tf

    h, w, c = int(rng.integers(3, 11)), int(rng.integers(3, 11)), int(rng.integers(1, 6))
    size, stride = int(rng.integers(2, 4)), int(rng.integers(1, 3))
    padding, relu6 = ["SAME", "VALID"][int(rng.integers(0, 2))], bool(rng.integers(0, 2))

    class PoolAct(tf.keras.layers.Layer):
        def call(self, x):
            y = tf.nn.avg_pool2d(x, size, stride, padding)
            return tf.nn.relu6(y) if relu6 else tf.nn.relu(y)

    model = tf.keras.Sequential([tf.keras.Input(shape=(h, w, c)), PoolAct()])
    return model, [rng.normal(0, 2, (h, w, c)).astype(np.float32) for _ in range(32)]


@generator("MAX_POOL_2D", also=("int16",))
def max_pool_fused_activation(rng: np.random.Generator):
    """tf.nn.max_pool2d then ReLU or ReLU6: converted into one op with a fused activation."""
    import tensorflow as tf

    h, w, c = int(rng.integers(3, 11)), int(rng.integers(3, 11)), int(rng.integers(1, 6))
    size, stride = int(rng.integers(2, 4)), int(rng.integers(1, 3))
    padding, relu6 = ["SAME", "VALID"][int(rng.integers(0, 2))], bool(rng.integers(0, 2))

    class PoolAct(tf.keras.layers.Layer):
        def call(self, x):
            y = tf.nn.max_pool2d(x, size, stride, padding)
            return tf.nn.relu6(y) if relu6 else tf.nn.relu(y)

    model = tf.keras.Sequential([tf.keras.Input(shape=(h, w, c)), PoolAct()])
    return model, [rng.normal(0, 2, (h, w, c)).astype(np.float32) for _ in range(32)]
