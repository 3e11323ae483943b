"""QUANTIZE and DEQUANTIZE at the edges of models with float32 inputs and outputs."""

import numpy as np

from . import generator


def _float_model(rng: np.random.Generator, layer):
    import tensorflow as tf

    shape = tuple(int(d) for d in rng.integers(1, 9, size=int(rng.integers(1, 4))))
    model = tf.keras.Sequential([tf.keras.Input(shape=shape), layer])
    spread = float(rng.uniform(0.2, 1.5))  # test inputs are uniform in [-1, 1): some saturate
    return model, [rng.normal(0, spread, shape).astype(np.float32) for _ in range(32)]


@generator("QUANTIZE", int8_io=False)
def float_relu(rng: np.random.Generator):
    import tensorflow as tf

    return _float_model(rng, tf.keras.layers.ReLU())


@generator("DEQUANTIZE", int8_io=False)
def float_sigmoid(rng: np.random.Generator):
    import tensorflow as tf

    return _float_model(rng, tf.keras.layers.Activation("sigmoid"))
