"""Builds bench/models/transfer16k.tflite: a 16 KB int8 input, an 8x8 average pool, a 256 B
output. Its compute is negligible, so streaming it through the harness measures the harness's
own overhead against the raw link. Regenerate with:  .venv/bin/python bench/make_transfer_model.py"""

from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def main() -> None:
    import tensorflow as tf

    tf.keras.utils.set_random_seed(0)
    model = tf.keras.Sequential([tf.keras.Input(shape=(128, 128, 1)), tf.keras.layers.AveragePooling2D(8)])
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    rng = np.random.default_rng(0)
    converter.representative_dataset = lambda: ([rng.uniform(-1, 1, (1, 128, 128, 1)).astype(np.float32)]
                                                 for _ in range(16))
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    out = HERE / "models" / "transfer16k.tflite"
    out.parent.mkdir(exist_ok=True)
    out.write_bytes(converter.convert())
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
