"""TensorFlow set-up for reproducible training, and the three conversions every model gets.

Determinism (measured on this project's build machine, see docs/models.md):
- oneDNN picks its kernels by the CPU's instruction set at run time: weights differed between
  AVX-512 and AVX2- or SSE4.1-capped runs (ONEDNN_MAX_CPU_ISA), even with
  TF_ENABLE_ONEDNN_OPTS=0 (float32 contractions still use its GEMM). Training therefore runs in
  float64 (Eigen kernels compiled into the wheel); oneDNN graph rewrites are off as well.
- One intra-op and one inter-op thread: the split of a reduction across threads depends on the
  core count, and with it the summation order.
- tf.keras.utils.set_random_seed + enable_op_determinism for initialisers, shuffling, dropout.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

import numpy as np

Progress = Callable[[str], None]

ENV = {
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "TF_DETERMINISTIC_OPS": "1",
    "CUDA_VISIBLE_DEVICES": "",
    "PYTHONHASHSEED": "0",
}


def prepare_tensorflow():
    """Imports TensorFlow configured for reproducible CPU training; call before any TF work."""
    for key, value in ENV.items():
        os.environ[key] = value
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.experimental.enable_op_determinism()
    return tf


def use_float64() -> None:
    """Train in float64: TensorFlow's float32 MatMul/Conv go through oneDNN's GEMM even with
    TF_ENABLE_ONEDNN_OPTS=0, and it dispatches on the CPU (weights differed with oneDNN capped to
    AVX2 vs AVX-512); float64 runs Eigen's kernels compiled into the wheel."""
    import keras

    keras.config.set_floatx("float64")


def float32_copy(module, model):
    """The trained float64 model as the float32 Keras model the converters take (the same
    architecture from `module.keras_model()`, weights rounded to float32)."""
    import keras
    import tensorflow as tf

    weights = [np.asarray(w, np.float64).astype(np.float32) for w in model.get_weights()]
    tf.keras.backend.clear_session()  # same layer names as the float64 model had
    keras.config.set_floatx("float32")
    copy = module.keras_model()
    copy.set_weights(weights)
    return copy


def seed_everything(seed: int) -> None:
    """Seeds Python, NumPy and TensorFlow, and resets Keras' layer-name counters (names end up
    in the .tflite, so a second model built in the same process must not get `dense_3`)."""
    import tensorflow as tf

    tf.keras.backend.clear_session()
    tf.keras.utils.set_random_seed(seed)


def fit(model, x, y, *, epochs: int, batch_size: int, progress: Progress, validation=None,
        every: int | None = None) -> None:
    """model.fit with one progress line every few epochs instead of Keras' progress bars."""
    import tensorflow as tf

    every = every or max(1, epochs // 10)

    class _Lines(tf.keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if (epoch + 1) % every == 0 or epoch + 1 == epochs:
                shown = ", ".join(f"{k} {v:.4f}" for k, v in sorted((logs or {}).items()))
                progress(f"  epoch {epoch + 1}/{epochs}: {shown}")

    model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0, shuffle=True,
              validation_data=validation, callbacks=[_Lines()])


def compile_and_fit(model, x, y, progress: Progress, *, epochs: int, batch_size: int, every: int, loss: str,
                    metrics: list[str] | None = None, optimizer="adam"):
    """The zoo's training: model.compile, then `fit`; returns the model."""
    model.compile(optimizer=optimizer, loss=loss, **({"metrics": metrics} if metrics else {}))
    fit(model, x, y, epochs=epochs, batch_size=batch_size, progress=progress, every=every)
    return model


def predict(model, x: np.ndarray, batch: int = 256) -> np.ndarray:
    """Float outputs of the Keras model, batch by batch (no progress bar, inference mode)."""
    outs = [np.asarray(model(x[i:i + batch], training=False)) for i in range(0, len(x), batch)]
    return np.concatenate(outs).astype(np.float32)


def _representative(samples: np.ndarray) -> Callable[[], Iterable[list[np.ndarray]]]:
    return lambda: ([s[None].astype(np.float32)] for s in samples)


def converter_batch1(model):
    """A converter for the model wrapped with a batch-size-1 input. Keras 3 layers such as
    Reshape compute the batch dimension at run time (SHAPE, STRIDED_SLICE, PACK before
    RESHAPE); with a static batch of 1 the converter emits one RESHAPE with a constant shape."""
    import tensorflow as tf

    inp = tf.keras.Input(batch_shape=(1, *model.input_shape[1:]), name="input")
    return tf.lite.TFLiteConverter.from_keras_model(tf.keras.Model(inp, model(inp)))


def convert_int8(model, representative: np.ndarray, scheme: str = "int8") -> bytes:
    """Full-integer quantization: int8 weights (per channel) and activations, int8 input and
    output; activation ranges calibrated on `representative` (samples of the training split).
    scheme "int16x8": TFLite's 16x8 scheme instead (int16 activations, input and output, int8
    weights, int64 bias), the one TFLM's 16x8 kernels run."""
    import tensorflow as tf

    int16 = scheme == "int16x8"
    converter = converter_batch1(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = _representative(representative)
    converter.target_spec.supported_ops = [
        tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8 if int16
        else tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int16 if int16 else tf.int8
    converter.inference_output_type = tf.int16 if int16 else tf.int8
    return converter.convert()


def convert_float32(model) -> bytes:
    return converter_batch1(model).convert()


def convert_fp16(model) -> bytes:
    """Float16 weights, float32 activations (DEQUANTIZE ops expand the weights at load)."""
    import tensorflow as tf

    converter = converter_batch1(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.target_spec.supported_types = [tf.float16]
    return converter.convert()
