"""hello_world: the classic TFLM sine regressor, trained and converted to full int8.

    hil models build hello_world            # rewrites the artifacts (see hil/zoo/__init__.py)
    hil models build hello_world --check    # verifies the committed ones
"""

from __future__ import annotations

import numpy as np

from hil.zoo import Dataset

SEED = 1234
TASK = "regression"
PARITY_VECTORS = 100
STORE_X = True
TRAIN, TEST = 1000, 100
EPOCHS = 300
CALIBRATION = 300  # training samples that calibrate the integer conversions

CARD = {
    "goal": "Approximate y = sin(x) on [0, 2*pi) with a tiny multilayer perceptron: the smallest "
            "end-to-end TinyML example (TFLM's hello_world), and the harness's fastest smoke test.",
    "synthetic": True,
    "dataset": "Training: 1000 values x uniform in [0, 2*pi) with targets sin(x) + Gaussian noise "
               "(sigma 0.1), seeded. Test: 100 evenly spaced x in [0, 2*pi) with noise-free targets "
               "sin(x); the vectors hold the quantized x as `inputs`, sin(x) as `labels`, the float x "
               "as `x`.",
    "design": "Dense(16, relu) -> Dense(16, relu) -> Dense(1): three FULLY_CONNECTED operators. "
              "Adam (learning rate 0.01), mean squared error, 300 epochs, batch 64.",
}


def dataset(seed: int = SEED) -> Dataset:
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 2 * np.pi, TRAIN + TEST).astype(np.float32)
    y = (np.sin(x) + rng.normal(0, 0.1, x.shape)).astype(np.float32)
    x_test = np.linspace(0, 2 * np.pi, TEST, endpoint=False, dtype=np.float32)
    return Dataset(x[:TRAIN, None], y[:TRAIN, None], x_test[:, None], np.sin(x_test).astype(np.float32))


def keras_model():
    import tensorflow as tf

    return tf.keras.Sequential([
        tf.keras.Input(shape=(1,)),
        tf.keras.layers.Dense(16, activation="relu"),
        tf.keras.layers.Dense(16, activation="relu"),
        tf.keras.layers.Dense(1),
    ])


def train(data: Dataset, progress):
    import tensorflow as tf

    from hil.zoo.tfutil import compile_and_fit

    return compile_and_fit(keras_model(), data.x_train, data.y_train, progress, epochs=EPOCHS, batch_size=64, every=50,
                           optimizer=tf.keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
