"""FULLY_CONNECTED: Dense layers of random width, with and without bias and fused activations,
in int8 and in the 16x8 scheme (`also`)."""

import numpy as np

from . import generator


@generator("FULLY_CONNECTED", also=("int16",))
def dense(rng: np.random.Generator):
    import tensorflow as tf

    depth, units = int(rng.integers(1, 64)), int(rng.integers(1, 48))
    activation = [None, "relu", "relu6"][int(rng.integers(0, 3))]
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(depth,)),
        tf.keras.layers.Dense(units, activation=activation, use_bias=bool(rng.integers(0, 2))),
    ])
    return model, [rng.normal(0, 1, (depth,)).astype(np.float32) for _ in range(32)]
