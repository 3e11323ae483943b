"""BATCH_MATMUL: tf.matmul of two model inputs with random batch shapes (broadcast where one
side is 1), transposed operands (adj_x / adj_y) and depths, in int8, in the 16x8 scheme and
unquantized (float32). The model cache is keyed by this module's source."""

import numpy as np

from . import generator


def _shapes(rng: np.random.Generator):
    """Shapes of x and y (batch axes first) and the adjoint flags, for x @ y."""
    m, k, n = int(rng.integers(1, 7)), int(rng.integers(1, 20)), int(rng.integers(1, 7))
    adj_x, adj_y = bool(rng.integers(0, 2)), bool(rng.integers(0, 2))
    batch = [int(rng.integers(1, 4)) for _ in range(int(rng.integers(0, 3)))]
    y_batch = [b if rng.integers(0, 3) else 1 for b in batch]
    if batch and rng.integers(0, 2):
        batch, y_batch = y_batch, batch  # either side may be the broadcast one
    x_shape = (*batch, k, m) if adj_x else (*batch, m, k)
    y_shape = (*y_batch, n, k) if adj_y else (*y_batch, k, n)
    return x_shape, y_shape, adj_x, adj_y


def _model(rng: np.random.Generator):
    import tensorflow as tf

    x_shape, y_shape, adj_x, adj_y = _shapes(rng)
    x, y = tf.keras.Input(x_shape, batch_size=1), tf.keras.Input(y_shape, batch_size=1)
    out = tf.keras.layers.Lambda(lambda t: tf.matmul(t[0], t[1], adjoint_a=adj_x, adjoint_b=adj_y))([x, y])
    samples = [[rng.normal(0, 1, x_shape).astype(np.float32), rng.normal(0, 1, y_shape).astype(np.float32)]
               for _ in range(32)]
    return tf.keras.Model([x, y], out), samples


@generator("BATCH_MATMUL", also=("int16", "none"))
def matmul(rng: np.random.Generator):
    return _model(rng)
