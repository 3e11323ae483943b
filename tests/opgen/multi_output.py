"""Models with several outputs of different types, so every path that handles outputs (the
agent's RUN reply, parity per output, records) sees more than one: a two-head classifier whose
first head is int8 scores and whose second is the int32 ARG_MAX of another head."""

import numpy as np

from . import generator


@generator("ARG_MAX")
def two_heads(rng: np.random.Generator):
    """Input -> FULLY_CONNECTED scores (int8 output) and FULLY_CONNECTED -> ARG_MAX (int32 output)."""
    import tensorflow as tf

    features, classes = int(rng.integers(4, 17)), int(rng.integers(2, 7))
    x = tf.keras.Input(shape=(features,))
    scores = tf.keras.layers.Dense(int(rng.integers(2, 9)), activation="relu")(x)
    label = tf.keras.layers.Lambda(lambda t: tf.argmax(t, axis=-1, output_type=tf.int32))(
        tf.keras.layers.Dense(classes)(x))
    model = tf.keras.Model(x, [scores, label])
    return model, [rng.normal(0, 1, (features,)).astype(np.float32) for _ in range(32)]
