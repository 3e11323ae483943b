"""QUANTIZE and DEQUANTIZE: at the edges of models with float32 (or uint8) inputs and outputs, in
int8 and 16x8 models, and every integer pair TFLM requantizes between."""

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


def _convert(model, representative, ops_set: str, io_type: str | None) -> bytes:
    """Post-training quantization with the given ops set and model input/output type (None: float)."""
    import tensorflow as tf

    from . import _quantizing_converter

    converter = _quantizing_converter(model, representative)
    converter.target_spec.supported_ops = [getattr(tf.lite.OpsSet, ops_set)]
    if io_type:
        converter.inference_input_type = converter.inference_output_type = getattr(tf, io_type)
    return converter.convert()


@generator("QUANTIZE", quant="int16", int8_io=False)
def float_relu_i16(rng: np.random.Generator):
    """float32 -> int16 at the input, int16 -> float32 (DEQUANTIZE) at the output of a 16x8 model."""
    import tensorflow as tf

    model, rep = _float_model(rng, tf.keras.layers.ReLU())
    return _convert(model, rep, "EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8", None)


@generator("QUANTIZE", int8_io=False)
def uint8_io_relu(rng: np.random.Generator):
    """uint8 model input and output around an int8 model: QUANTIZE uint8 -> int8 and int8 -> uint8."""
    import tensorflow as tf

    model, rep = _float_model(rng, tf.keras.layers.ReLU())
    return _convert(model, rep, "TFLITE_BUILTINS_INT8", "uint8")


# Integer pairs TFLM's QUANTIZE requantizes between (quantize_common.cc).
_REQUANTIZE_PAIRS = [(np.int8, np.int8), (np.int8, np.int16), (np.int8, np.int32), (np.int8, np.uint8),
                     (np.uint8, np.int8), (np.int16, np.int8), (np.int16, np.int16), (np.int16, np.int32),
                     (np.int32, np.int8), (np.int32, np.int16)]


def _zero_point(rng: np.random.Generator, dtype) -> int:
    if dtype == np.uint8:
        return int(rng.choice([128, rng.integers(0, 256)]))
    return int(rng.integers(-20, 21)) if dtype == np.int8 else 0


@generator("QUANTIZE", quant="none")
def requantize_pairs(rng: np.random.Generator):
    """Every integer pair at random scales; int8 <-> uint8 also at equal scales with zero points
    128 apart (TFLM flips the sign bit there)."""
    from .flatbuffer import Tensor, single_op_model

    src, dst = _REQUANTIZE_PAIRS[int(rng.integers(len(_REQUANTIZE_PAIRS)))]
    shape = tuple(int(d) for d in rng.integers(1, 9, size=int(rng.integers(1, 4))))
    scales = [float(np.exp(rng.uniform(np.log(1e-3), np.log(1.0)))) for _ in range(2)]
    zero_points = [_zero_point(rng, src), _zero_point(rng, dst)]
    if {src, dst} == {np.int8, np.uint8} and rng.random() < 0.5:
        scales[1] = scales[0]
        zero_points = [0, 128] if src == np.int8 else [128, 0]
    return single_op_model(114, [Tensor(shape, src, scales[0], zero_points[0])],
                           [Tensor(shape, dst, scales[1], zero_points[1])])


@generator("DEQUANTIZE", quant="none")
def dequantize_uint8(rng: np.random.Generator):
    from .flatbuffer import Tensor, single_op_model

    shape = tuple(int(d) for d in rng.integers(1, 9, size=int(rng.integers(1, 4))))
    scale = float(np.exp(rng.uniform(np.log(1e-3), np.log(1.0))))
    return single_op_model(6, [Tensor(shape, np.uint8, scale, int(rng.integers(0, 256)))],
                           [Tensor(shape, np.float32)])
