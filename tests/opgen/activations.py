"""SOFTMAX, LOGISTIC, TANH, RELU, RELU6, LEAKY_RELU, HARD_SWISH as standalone layers on random shapes, with input
ranges from narrow to wide (the input scale drives the kernels' fixed-point rescaling and, for
softmax, how many inputs fall below diff_min)."""

import numpy as np

from . import generator


def _shape(rng: np.random.Generator, max_rank: int = 3) -> tuple[int, ...]:
    rank = int(rng.integers(1, max_rank + 1))
    return tuple(int(d) for d in rng.integers(1, 9, size=rank))


def _samples(rng: np.random.Generator, shape: tuple[int, ...]) -> list[np.ndarray]:
    spread = float(np.exp(rng.uniform(np.log(0.05), np.log(30.0))))
    offset = float(rng.uniform(-0.5, 0.5)) * spread
    return [rng.normal(offset, spread, shape).astype(np.float32) for _ in range(32)]


def _single_layer(rng: np.random.Generator, layer, max_rank: int = 3):
    import tensorflow as tf

    shape = _shape(rng, max_rank)
    model = tf.keras.Sequential([tf.keras.Input(shape=shape), layer])
    return model, _samples(rng, shape)


@generator("SOFTMAX")
def softmax(rng: np.random.Generator):
    import tensorflow as tf

    # the softmax axis up to 129 wide; at most ~1000 elements, since the TFLM reference
    # interpreter's default arena (10x the model size) must hold the tensors
    shape = _shape(rng, 2)[:-1] + (int(rng.integers(2, 130)),)
    model = tf.keras.Sequential([tf.keras.Input(shape=shape), tf.keras.layers.Softmax()])
    return model, _samples(rng, shape)


@generator("LOGISTIC")
def sigmoid(rng: np.random.Generator):
    import tensorflow as tf

    return _single_layer(rng, tf.keras.layers.Activation("sigmoid"))


@generator("TANH")
def tanh(rng: np.random.Generator):
    import tensorflow as tf

    return _single_layer(rng, tf.keras.layers.Activation("tanh"))


@generator("RELU")
def relu(rng: np.random.Generator):
    import tensorflow as tf

    return _single_layer(rng, tf.keras.layers.ReLU())


@generator("RELU6")
def relu6(rng: np.random.Generator):
    import tensorflow as tf

    return _single_layer(rng, tf.keras.layers.ReLU(6.0))


@generator("LEAKY_RELU", also=("int16",))
def leaky_relu(rng: np.random.Generator):
    import tensorflow as tf

    # alpha mostly in (0, 1) as in real models, sometimes negative or above 1 (other multipliers)
    choices = [rng.uniform(0.01, 0.5), rng.uniform(-1.0, 0.0), rng.uniform(1.0, 3.0)]
    alpha = float(rng.choice(choices, p=[0.6, 0.2, 0.2]))
    return _single_layer(rng, tf.keras.layers.LeakyReLU(negative_slope=alpha), max_rank=4)


@generator("HARD_SWISH")
def hard_swish(rng: np.random.Generator):
    import tensorflow as tf

    return _single_layer(rng, tf.keras.layers.Activation("hard_swish"), max_rank=4)


# ---- int16 (16x8): converted layers, and the power-of-two input scales TFLM rescales without a
# multiplier (the converter picks range / 32768, never those) ----

@generator("LOGISTIC", quant="int16")
def sigmoid_i16(rng: np.random.Generator):
    import tensorflow as tf

    return _single_layer(rng, tf.keras.layers.Activation("sigmoid"))


@generator("TANH", quant="int16")
def tanh_i16(rng: np.random.Generator):
    import tensorflow as tf

    return _single_layer(rng, tf.keras.layers.Activation("tanh"))


def _sigmoid_i16_model(rng: np.random.Generator, opcode: int, pot_exponents: list[int]) -> bytes:
    from .flatbuffer import Tensor, single_op_model

    shape = _shape(rng, 3)
    exponent = int(rng.choice(pot_exponents))
    scale = float(rng.choice([2.0 ** exponent, np.exp(rng.uniform(np.log(2e-5), np.log(2e-3)))]))
    return single_op_model(opcode, [Tensor(shape, np.int16, scale)], [Tensor(shape, np.int16, 2.0 ** -15)])


@generator("LOGISTIC", quant="int16")
def logistic_i16_scales(rng: np.random.Generator):
    return _sigmoid_i16_model(rng, 14, [-12, -13, -11])


@generator("TANH", quant="int16")
def tanh_i16_scales(rng: np.random.Generator):
    return _sigmoid_i16_model(rng, 28, [-12, -11, -13])


@generator("SOFTMAX", quant="int16")
def softmax_i16(rng: np.random.Generator):
    import tensorflow as tf

    shape = _shape(rng, 2)[:-1] + (int(rng.integers(2, 130)),)
    model = tf.keras.Sequential([tf.keras.Input(shape=shape), tf.keras.layers.Softmax()])
    return model, _samples(rng, shape)


@generator("SOFTMAX", quant="int16")
def softmax_i16_beta(rng: np.random.Generator):
    """beta other than 1 and input scales the converter would not pick (flatbuffer model)."""
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    from .flatbuffer import Tensor, single_op_model

    shape = _shape(rng, 2)[:-1] + (int(rng.integers(1, 200)),)
    options = schema.SoftmaxOptionsT()
    options.beta = float(np.exp(rng.uniform(np.log(0.1), np.log(10.0))))
    scale = float(np.exp(rng.uniform(np.log(1e-5), np.log(1e-2))))
    return single_op_model(25, [Tensor(shape, np.int16, scale)], [Tensor(shape, np.int16, 1.0 / 32768)],
                           schema.BuiltinOptions.SoftmaxOptions, options)


@generator("RELU", quant="int16")
def relu_i16(rng: np.random.Generator):
    import tensorflow as tf

    return _single_layer(rng, tf.keras.layers.ReLU())


@generator("RELU6", quant="int16")
def relu6_i16(rng: np.random.Generator):
    import tensorflow as tf

    return _single_layer(rng, tf.keras.layers.ReLU(6.0))


# ---- ABS: converted (int8, 16x8), at independent input and output scales, unquantized int16 ----

@generator("ABS", also=("int16",))
def abs_layer(rng: np.random.Generator):
    import tensorflow as tf

    shape = _shape(rng, 4)
    x = tf.keras.Input(shape=shape)
    return tf.keras.Model(x, tf.keras.layers.Lambda(lambda t: tf.abs(t))(x)), _samples(rng, shape)


@generator("ABS", quant="none")
def abs_scales(rng: np.random.Generator):
    """int8 at unrelated scales (TFLM rescales when they differ), int16 quantized or not."""
    from .flatbuffer import Tensor, single_op_model

    shape = _shape(rng, 3)
    dtype = np.int8 if rng.random() < 0.5 else np.int16
    scales = [float(np.exp(rng.uniform(np.log(1e-4), np.log(0.1)))) for _ in range(2)]
    if rng.random() < 0.3:
        scales[1] = scales[0]
    zero_points = [int(v) for v in rng.integers(-30, 30, 2)] if dtype == np.int8 else [0, 0]
    if dtype == np.int16 and rng.random() < 0.5:
        return single_op_model(101, [Tensor(shape, dtype)], [Tensor(shape, dtype)])
    return single_op_model(101, [Tensor(shape, dtype, scales[0], zero_points[0])],
                           [Tensor(shape, dtype, scales[1], zero_points[1])])


# ---- PRELU, ELU, LOG_SOFTMAX, L2_NORMALIZATION ----

def _prelu(rng: np.random.Generator):
    """Keras PReLU with random slopes (negative and above 1 too), shared along random axes, so
    alpha broadcasts against the input."""
    import tensorflow as tf

    shape = _shape(rng, 3)
    shared = [axis for axis in range(1, len(shape) + 1) if rng.random() < 0.4]
    layer = tf.keras.layers.PReLU(shared_axes=shared or None)
    model = tf.keras.Sequential([tf.keras.Input(shape=shape), layer])
    alpha = layer.get_weights()[0]
    layer.set_weights([rng.uniform(-0.5, 1.5, alpha.shape).astype(np.float32)])
    return model, _samples(rng, shape)


@generator("PRELU")
def prelu(rng: np.random.Generator):
    return _prelu(rng)


@generator("PRELU", quant="none")
def prelu_i16(rng: np.random.Generator):
    """int16 input and output, int8 alpha of a broadcast shape (the converter has no 16x8 PRELU)."""
    from .flatbuffer import Tensor, single_op_model

    shape = (1, *_shape(rng, 3))
    alpha_shape = tuple(d if rng.random() < 0.6 else 1 for d in shape[int(rng.integers(1, len(shape))):])
    log_uniform = lambda low, high: float(np.exp(rng.uniform(np.log(low), np.log(high))))  # noqa: E731
    in_scale, alpha_scale = log_uniform(1e-5, 1e-2), log_uniform(1e-3, 2e-2)
    alpha = rng.integers(-128, 128, alpha_shape).astype(np.int8)
    return single_op_model(54, [Tensor(shape, np.int16, in_scale),
                                Tensor(alpha_shape, np.int8, alpha_scale, int(rng.integers(-20, 21)), alpha)],
                           [Tensor(shape, np.int16, in_scale * log_uniform(0.3, 3.0))])


@generator("ELU", quant="none")
def elu(rng: np.random.Generator):
    import tensorflow as tf

    return _single_layer(rng, tf.keras.layers.Activation("elu"), max_rank=4)


def _every_int8(rng: np.random.Generator, specs) -> list[np.ndarray]:
    """Each of the 256 int8 values once, shuffled into the input's shape."""
    (shape, _), = specs
    return [rng.permutation(np.arange(-128, 128, dtype=np.int8)).reshape(shape)]


@generator("ELU", quant="none", sample=_every_int8)
def elu_int8(rng: np.random.Generator):
    """int8 (the converter leaves ELU in float between DEQUANTIZE and QUANTIZE): an output range
    from -1 up to the input's maximum, sometimes narrower (saturation). Every vector holds all 256
    inputs, so the whole table the kernel builds with the target's expf is compared with TFLM's."""
    from .flatbuffer import Tensor, single_op_model

    shape = [(256,), (1, 16, 16), (2, 8, 16)][int(rng.integers(3))]
    in_scale, in_zp = float(np.exp(rng.uniform(np.log(0.005), np.log(0.2)))), int(rng.integers(-40, 41))
    high = in_scale * (127 - in_zp) * float(rng.uniform(0.3, 1.0))
    out_scale = (high + 1.0) / 255
    out_zp = int(np.clip(round(-128 + 1.0 / out_scale), -128, 127))
    return single_op_model(111, [Tensor(shape, np.int8, in_scale, in_zp)], [Tensor(shape, np.int8, out_scale, out_zp)])


@generator("LOG_SOFTMAX")
def log_softmax(rng: np.random.Generator):
    import tensorflow as tf

    shape = _shape(rng, 2)[:-1] + (int(rng.integers(1, 130)),)
    x = tf.keras.Input(shape=shape)
    return tf.keras.Model(x, tf.keras.layers.Lambda(lambda t: tf.nn.log_softmax(t))(x)), _samples(rng, shape)


@generator("L2_NORMALIZATION")
def l2_normalization(rng: np.random.Generator):
    import tensorflow as tf

    shape = _shape(rng, 3)
    x = tf.keras.Input(shape=shape)
    return tf.keras.Model(x, tf.keras.layers.Lambda(lambda t: tf.math.l2_normalize(t, axis=-1))(x)), \
        _samples(rng, shape)
