"""Real Keras layers as users write them, converted by TensorFlow's converter (int8, or the
16x8 scheme), so the engine meets the converter's own graph patterns rather than hand-built
single operators: Conv1D (EXPAND_DIMS or RESHAPE around CONV_2D), Conv2DTranspose decoders
(TRANSPOSE_CONV), ... Each builder returns (keras model, input shape); conversions are cached
under $HIL_CACHE_DIR/keras-patterns by (builder source, scheme), like tests/opgen.

Notes from converting these (TensorFlow 2.21): Keras' UpSampling2D with its default nearest
interpolation converts to RESHAPE + TILE, an operator TFLM does not have; with
interpolation="bilinear" it is RESIZE_BILINEAR. A batch dimension of None makes Conv1D
EXPAND_DIMS + CONV_2D + RESHAPE and dilated convolutions SPACE_TO_BATCH_ND + conv +
BATCH_TO_SPACE_ND; a fixed batch of 1 gives RESHAPE + CONV_2D and a dilated CONV_2D."""

from __future__ import annotations

import hashlib
import inspect
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from hil import paths

Builder = Callable[[], tuple[object, tuple[int, ...]]]


def conv2d_transpose_decoder():
    """An encoder-decoder: strided CONV_2D down, Conv2DTranspose (TRANSPOSE_CONV) up, as in
    segmentation and audio decoders."""
    import tensorflow as tf
    layers = tf.keras.layers
    return tf.keras.Sequential([
        tf.keras.Input((16, 16, 3)),
        layers.Conv2D(8, 3, strides=2, padding="same", activation="relu"),
        layers.Conv2D(16, 3, strides=2, padding="same", activation="relu"),
        layers.Conv2DTranspose(8, 3, strides=2, padding="same", activation="relu"),
        layers.Conv2DTranspose(3, 4, strides=2, padding="same"),
    ]), (16, 16, 3)


def conv1d():
    """An accelerometer 1-D CNN as Keras converts it with a free batch: EXPAND_DIMS + CONV_2D +
    RESHAPE per Conv1D, MEAN, dense, softmax."""
    import tensorflow as tf
    layers = tf.keras.layers
    return tf.keras.Sequential([
        tf.keras.Input((64, 3)),
        layers.Conv1D(8, 5, padding="same", activation="relu"),
        layers.Conv1D(8, 3, strides=2),
        layers.GlobalAveragePooling1D(),
        layers.Dense(4),
        layers.Softmax(),
    ]), (64, 3)


def dilated_conv1d_batch1():
    """Dilated Conv1D with SAME padding and a fixed batch of 1: one CONV_2D with dilation."""
    import tensorflow as tf
    layers = tf.keras.layers
    return tf.keras.Sequential([
        tf.keras.Input((32, 4), batch_size=1),
        layers.Conv1D(8, 3, dilation_rate=2, padding="same", activation="relu"),
    ]), (32, 4)


def dilated_conv1d_free_batch():
    """Dilated Conv1D with a free batch: SPACE_TO_BATCH_ND + EXPAND_DIMS + CONV_2D + RESHAPE +
    BATCH_TO_SPACE_ND, whose space-to-batch output the converter writes with the batch not
    multiplied by the block (it is dynamic). The engine refuses it with the workaround (a fixed
    batch of 1, dilated_conv1d_batch1)."""
    import tensorflow as tf
    layers = tf.keras.layers
    return tf.keras.Sequential([
        tf.keras.Input((32, 4)),
        layers.Conv1D(8, 3, dilation_rate=2, padding="valid", activation="relu"),
    ]), (32, 4)


def resizing_nearest():
    """A decoder step that upsamples with Resizing(interpolation="nearest")
    (RESIZE_NEAREST_NEIGHBOR) before a convolution."""
    import tensorflow as tf
    layers = tf.keras.layers
    return tf.keras.Sequential([
        tf.keras.Input((8, 8, 3)),
        layers.Resizing(16, 16, interpolation="nearest"),
        layers.Conv2D(4, 3, padding="same"),
    ]), (8, 8, 3)


def upsampling_bilinear():
    """A decoder step as Keras users write it: Conv2D, UpSampling2D(interpolation="bilinear")
    (RESIZE_BILINEAR, half_pixel_centers) twice, Conv2D."""
    import tensorflow as tf
    layers = tf.keras.layers
    return tf.keras.Sequential([
        tf.keras.Input((6, 5, 3)),
        layers.Conv2D(4, 3, padding="same", activation="relu"),
        layers.UpSampling2D(2, interpolation="bilinear"),
        layers.UpSampling2D((3, 2), interpolation="bilinear"),
        layers.Conv2D(2, 3, padding="same"),
    ]), (6, 5, 3)


def global_max_pool():
    """A CNN head with GlobalMaxPooling2D (REDUCE_MAX over height and width)."""
    import tensorflow as tf
    layers = tf.keras.layers
    return tf.keras.Sequential([
        tf.keras.Input((12, 12, 3)),
        layers.Conv2D(8, 3, padding="same", activation="relu"),
        layers.GlobalMaxPooling2D(),
        layers.Dense(5),
    ]), (12, 12, 3)


def leaky_relu_subtract():
    """Two dense branches, one through LeakyReLU (LEAKY_RELU), subtracted (SUB)."""
    import tensorflow as tf
    layers = tf.keras.layers
    inp = tf.keras.Input((16,))
    a = layers.Dense(8)(inp)
    b = layers.LeakyReLU(negative_slope=0.2)(layers.Dense(8)(inp))
    return tf.keras.Model(inp, layers.Subtract()([a, b])), (16,)


def argmax_head():
    """A classifier that returns its class index (ARG_MAX, int32 output) instead of scores."""
    import tensorflow as tf
    layers = tf.keras.layers
    inp = tf.keras.Input((20,))
    x = layers.Dense(16, activation="relu")(inp)
    x = layers.Dense(6)(x)
    return tf.keras.Model(inp, layers.Lambda(lambda t: tf.math.argmax(t, axis=-1, output_type=tf.int32))(x)), (20,)


def mobilenet_v3_block():
    """A MobileNetV3-small inverted residual block: 1x1 expansion with hard-swish (HARD_SWISH),
    3x3 depthwise, squeeze-and-excite (MEAN, 1x1 convs, hard-sigmoid, MUL), 1x1 projection and
    the residual ADD, as keras.applications.MobileNetV3Small builds them."""
    import tensorflow as tf
    layers = tf.keras.layers
    inp = tf.keras.Input((16, 16, 8))
    x = layers.Activation("hard_swish")(layers.Conv2D(24, 1)(inp))
    x = layers.Activation("hard_swish")(layers.DepthwiseConv2D(3, padding="same")(x))
    se = layers.GlobalAveragePooling2D(keepdims=True)(x)
    se = layers.Conv2D(8, 1, activation="relu")(se)
    se = layers.Conv2D(24, 1, activation="hard_sigmoid")(se)
    x = layers.Multiply()([x, se])
    x = layers.Conv2D(8, 1)(x)
    return tf.keras.Model(inp, layers.Add()([x, inp])), (16, 16, 8)


def converted(build: Builder, quant: str = "int8") -> Path:
    """build()'s model converted (int8, or 16x8: quant "int16"), cached."""
    key = hashlib.sha256((inspect.getsource(build) + quant).encode()).hexdigest()[:16]
    path = paths.cache_dir() / "keras-patterns" / f"{build.__name__}-{quant}-{key}.tflite"
    if path.exists():
        return path
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf
    from opgen import convert_int8, convert_int16x8

    tf.keras.utils.set_random_seed(11)
    model, shape = build()
    rng = np.random.default_rng(11)
    samples = [rng.normal(0, 1, shape).astype(np.float32) for _ in range(32)]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(convert_int16x8(model, samples) if quant == "int16" else convert_int8(model, samples))
    tmp.replace(path)
    return path
