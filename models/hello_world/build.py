"""hello_world: the classic TFLM sine regressor, trained, converted to full int8, with vectors.

    python models/hello_world/build.py      # rewrites hello_world.tflite and vectors.npz

Dataset: x uniform in [0, 2*pi), y = sin(x) + Gaussian noise (sigma 0.1); synthetic, seeded.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 1234
TRAIN, TEST = 1000, 100


def dataset(seed: int = SEED):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0, 2 * np.pi, TRAIN + TEST).astype(np.float32)
    y = (np.sin(x) + rng.normal(0, 0.1, x.shape)).astype(np.float32)
    x_test = np.linspace(0, 2 * np.pi, TEST, endpoint=False, dtype=np.float32)
    return (x[:TRAIN, None], y[:TRAIN, None]), (x_test[:, None], np.sin(x_test)[:, None].astype(np.float32))


def keras_model():
    import tensorflow as tf

    return tf.keras.Sequential([
        tf.keras.Input(shape=(1,)),
        tf.keras.layers.Dense(16, activation="relu"),
        tf.keras.layers.Dense(16, activation="relu"),
        tf.keras.layers.Dense(1),
    ])


def train(x, y, epochs: int = 300):
    import tensorflow as tf

    tf.keras.utils.set_random_seed(SEED)
    tf.config.experimental.enable_op_determinism()
    model = keras_model()
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    model.fit(x, y, epochs=epochs, batch_size=64, verbose=0)
    return model


def convert(model, representative_x) -> bytes:
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: ([x[None, :]] for x in representative_x)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    return converter.convert()


def main() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from hil.model import load_model
    from hil.vectors import quantize

    (x, y), (x_test, y_test) = dataset()
    model = train(x, y)
    tflite_path = HERE / "hello_world.tflite"
    tflite_path.write_bytes(convert(model, x[:300]))
    spec = load_model(tflite_path).input_tensors[0]
    inputs = quantize(x_test, spec.scale, spec.zero_point, np.int8).reshape(-1, 1, 1)
    np.savez(HERE / "vectors.npz", inputs=inputs, labels=y_test.ravel(), x=x_test.ravel())
    print(f"wrote {tflite_path.name} ({tflite_path.stat().st_size} B) and {len(inputs)} vectors")


if __name__ == "__main__":
    main()
