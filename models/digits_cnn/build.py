"""digits_cnn: a small CNN on scikit-learn's bundled 8x8 handwritten digits, full int8.

    hil models build digits_cnn            # rewrites the artifacts (see hil/zoo/__init__.py)
    hil models build digits_cnn --check    # verifies the committed ones
"""

from __future__ import annotations

import numpy as np

from hil.zoo import Dataset

SEED = 1234
TASK = "classification"
PARITY_VECTORS = 100
CLASS_NAMES = [str(d) for d in range(10)]
EPOCHS = 40
CALIBRATION = 500  # training samples that calibrate the integer conversions
SPLIT_SEED = 0

CARD = {
    "goal": "Classify 8x8 grey-level images of handwritten digits 0-9: a small convolutional "
            "network for the engine's CONV_2D / MAX_POOL_2D / FULLY_CONNECTED / SOFTMAX path, "
            "trained on a real dataset.",
    "synthetic": False,
    "dataset": "scikit-learn's `load_digits` (bundled with scikit-learn, no download): 1797 "
               "8x8 images, pixel values 0..16, from the UCI optical recognition of handwritten "
               "digits data. The loader scales pixels to [0, 1] (x / 16); that float image is the "
               "model's input. Split: `train_test_split(test_size=0.2, stratify=labels, "
               "random_state=0)`.",
    "design": "Conv2D(16, 3x3, same, relu) -> MaxPool 2x2 -> Conv2D(32, 3x3, same, relu) -> "
              "MaxPool 2x2 -> Reshape(128) (a fixed-shape reshape, not Flatten, so the converter "
              "emits one RESHAPE) -> Dense(10) -> softmax. Adam, sparse categorical cross-entropy, "
              "40 epochs, batch 32.",
}


def dataset() -> Dataset:
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.images.astype(np.float32) / 16.0)[..., None]
    y = digits.target.astype(np.int32)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, stratify=y, random_state=SPLIT_SEED)
    counts = np.bincount(y_test, minlength=10)
    return Dataset(x_train, y_train, x_test, y_test,
                   notes={"test samples per class": ", ".join(f"{d}: {c}" for d, c in enumerate(counts))})


def keras_model():
    import tensorflow as tf

    layers = tf.keras.layers
    return tf.keras.Sequential([
        tf.keras.Input(shape=(8, 8, 1)),
        layers.Conv2D(16, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.MaxPooling2D(2),
        layers.Reshape((2 * 2 * 32,)),
        layers.Dense(10),
        layers.Softmax(),
    ])


def train(data: Dataset, progress):
    from hil.zoo.tfutil import compile_and_fit

    return compile_and_fit(keras_model(), data.x_train, data.y_train, progress, epochs=EPOCHS, batch_size=32, every=10,
                           loss="sparse_categorical_crossentropy", metrics=["accuracy"])
