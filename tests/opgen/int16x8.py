"""CONV_2D and FULLY_CONNECTED cases of TFLite's 16x8 scheme (int16 activations, int8 weights,
int64 bias; TFLM's 16x8 kernels) beyond the 16x8 twins of the int8 generators (conv.py,
fully_connected.py, pooling.py): depths above 256 (the optimized paths' int32 partial sums
are flushed into int64), per-tensor Dense weights (TFLM's per-tensor multiplier comes from a
float product of the scales), batched rows, and int32 biases (the converter's
`_experimental_full_integer_quantization_bias_type`, which makes TFLM accumulate in int32).
Each generator keeps its helpers in its body: the model cache is keyed by this module's source."""

import numpy as np

from . import generator


@generator("CONV_2D", quant="int16")
def conv2d_16x8_dilated_deep(rng: np.random.Generator):
    """A 3x3 window over 32-40 channels (K above 256: chunked partial sums), then a dilated
    convolution. Keras' dilated layers convert to SPACE_TO_BATCH_ND + conv + BATCH_TO_SPACE_ND,
    so the dilated one calls tf.nn.conv2d (the converter then keeps the dilation factors)."""
    import tensorflow as tf

    h, w, c = int(rng.integers(6, 11)), int(rng.integers(6, 11)), int(rng.integers(32, 41))
    filters, kh, kw = int(rng.integers(1, 9)), int(rng.integers(1, 4)), int(rng.integers(2, 4))
    dh, activation = int(rng.integers(1, 3)), int(rng.integers(0, 4))
    padding = ["SAME", "VALID"][int(rng.integers(0, 2))]

    class DilatedConv(tf.keras.layers.Layer):
        def build(self, shape):
            self.kernel = self.add_weight(shape=(kh, kw, shape[-1], filters), initializer="glorot_uniform")
            self.bias = self.add_weight(shape=(filters,), initializer="random_normal")

        def call(self, x):
            y = tf.nn.conv2d(x, self.kernel, strides=1, padding=padding, dilations=[1, dh, 2, 1]) + self.bias
            return [y, tf.nn.relu(y), tf.nn.relu6(y), tf.minimum(tf.maximum(y, -1.0), 1.0)][activation]

    model = tf.keras.Sequential([
        tf.keras.Input(shape=(h, w, c)),
        tf.keras.layers.Conv2D(int(rng.integers(4, 9)), 3, padding="same", activation="relu"),
        DilatedConv(),
    ])
    return model, [rng.normal(0, 1, (h, w, c)).astype(np.float32) for _ in range(32)]


@generator("FULLY_CONNECTED", quant="int16")
def dense_16x8(rng: np.random.Generator):
    """Per-channel or per-tensor weights (TFLM computes the per-tensor multiplier from a float
    product of the scales), with or without bias, 1-300 inputs."""
    import tensorflow as tf

    depth, units = int(rng.integers(1, 300)), int(rng.integers(1, 40))
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(depth,)),
        tf.keras.layers.Dense(units, activation=[None, "relu", "relu6"][int(rng.integers(0, 3))],
                              use_bias=bool(rng.integers(0, 2)), bias_initializer="random_normal"),
    ])
    model.per_tensor_dense = bool(rng.integers(0, 2))
    return model, [rng.normal(0, 1, (depth,)).astype(np.float32) for _ in range(32)]


@generator("FULLY_CONNECTED", quant="int16")
def dense_16x8_batched(rng: np.random.Generator):
    """Dense over the last axis of a [rows, depth] input: batches of rows."""
    import tensorflow as tf

    rows, depth, units = int(rng.integers(2, 6)), int(rng.integers(1, 64)), int(rng.integers(1, 24))
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(rows, depth), batch_size=1),  # a fixed batch: no dynamic-shape ops
        tf.keras.layers.Dense(units, activation="relu", bias_initializer="random_normal"),
    ])
    return model, [rng.normal(0, 1, (rows, depth)).astype(np.float32) for _ in range(32)]


@generator("CONV_2D", quant="int16")
def conv_dense_16x8_int32_bias(rng: np.random.Generator):
    """CONV_2D then FULLY_CONNECTED with int32 biases: TFLM accumulates in int32 for both."""
    import tensorflow as tf

    h, w, c = int(rng.integers(3, 8)), int(rng.integers(3, 8)), int(rng.integers(1, 6))
    filters = int(rng.integers(1, 9))
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(h, w, c), batch_size=1),
        tf.keras.layers.Conv2D(filters, 3, padding="same", bias_initializer="random_normal"),
        tf.keras.layers.Reshape((h * w * filters,)),
        tf.keras.layers.Dense(int(rng.integers(1, 9)), bias_initializer="random_normal"),
    ])
    model.bias_int32 = True
    return model, [rng.normal(0, 1, (h, w, c)).astype(np.float32) for _ in range(32)]
