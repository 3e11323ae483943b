"""TRANSPOSE_CONV: Keras Conv2DTranspose with random kernel sizes, strides, padding, filters,
bias and fused activations, in int8, in the 16x8 scheme and unquantized (float32). The model
cache is keyed by this module's source."""

import numpy as np

from . import generator


def _layer_args(rng: np.random.Generator) -> dict:
    return {"filters": int(rng.integers(1, 9)), "kernel_size": (int(rng.integers(1, 5)), int(rng.integers(1, 5))),
            "strides": (int(rng.integers(1, 4)), int(rng.integers(1, 4))),
            "padding": ["same", "valid"][int(rng.integers(0, 2))],
            "activation": [None, "relu", "relu6"][int(rng.integers(0, 3))],
            "use_bias": bool(rng.integers(0, 2)), "bias_initializer": "random_normal"}


@generator("TRANSPOSE_CONV", also=("int16", "none"))
def conv2d_transpose(rng: np.random.Generator):
    import tensorflow as tf

    h, w, c = int(rng.integers(1, 9)), int(rng.integers(1, 9)), int(rng.integers(1, 7))
    model = tf.keras.Sequential([tf.keras.Input(shape=(h, w, c), batch_size=1),
                                 tf.keras.layers.Conv2DTranspose(**_layer_args(rng))])
    return model, [rng.normal(0, 1, (h, w, c)).astype(np.float32) for _ in range(32)]
