"""CONV_2D and DEPTHWISE_CONV_2D with random shapes, padding, strides, dilation, kernel sizes,
groups, depth multipliers and fused activations. Int8 PTQ quantizes their weights per channel;
each generator also has a 16x8 twin (int16 activations, int64 bias; `also`).

Keras' own dilated layers convert to SPACE_TO_BATCH_ND + conv + BATCH_TO_SPACE_ND, so the
dilated variants call TF's conv ops directly (the converter then emits CONV_2D /
DEPTHWISE_CONV_2D with dilation factors, and fuses min(max(x, -1), 1) as RELU_N1_TO_1).
Each generator keeps its helpers in its body: the model cache is keyed by that source."""

import numpy as np

from . import generator


@generator("CONV_2D", also=("int16",))
def conv2d(rng: np.random.Generator):
    import tensorflow as tf

    h, w, c = int(rng.integers(3, 13)), int(rng.integers(3, 13)), int(rng.integers(1, 9))
    kh, kw = int(rng.integers(1, 4)), int(rng.integers(1, 6))
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(h, w, c)),
        tf.keras.layers.Conv2D(int(rng.integers(1, 17)), (kh, kw), strides=int(rng.integers(1, 3)),
                               padding=["same", "valid"][int(rng.integers(0, 2))],
                               activation=[None, "relu", "relu6"][int(rng.integers(0, 3))],
                               use_bias=bool(rng.integers(0, 2))),
    ])
    return model, [rng.normal(0, 1, (h, w, c)).astype(np.float32) for _ in range(32)]


@generator("CONV_2D", also=("int16",))
def conv2d_dilated(rng: np.random.Generator):
    """Dilation 1-2 per axis (at least one 2), stride 1-2, any fused activation."""
    import tensorflow as tf

    h, w, c = int(rng.integers(5, 13)), int(rng.integers(5, 13)), int(rng.integers(1, 7))
    kh, kw, filters = int(rng.integers(1, 4)), int(rng.integers(2, 4)), int(rng.integers(1, 9))
    dh, sh, sw = int(rng.integers(1, 3)), int(rng.integers(1, 3)), int(rng.integers(1, 3))
    padding = ["SAME", "VALID"][int(rng.integers(0, 2))]
    activation = int(rng.integers(0, 4))

    class DilatedConv(tf.keras.layers.Layer):
        def build(self, shape):
            self.kernel = self.add_weight(shape=(kh, kw, c, filters), initializer="glorot_uniform")
            self.bias = self.add_weight(shape=(filters,), initializer="random_normal")

        def call(self, x):
            y = tf.nn.conv2d(x, self.kernel, strides=[1, sh, sw, 1], padding=padding, dilations=[1, dh, 2, 1])
            y = y + self.bias
            return [y, tf.nn.relu(y), tf.nn.relu6(y), tf.minimum(tf.maximum(y, -1.0), 1.0)][activation]

    model = tf.keras.Sequential([tf.keras.Input(shape=(h, w, c)), DilatedConv()])
    return model, [rng.normal(0, 1, (h, w, c)).astype(np.float32) for _ in range(32)]


@generator("CONV_2D", also=("int16",))
def conv2d_grouped(rng: np.random.Generator):
    """Keras groups > 1: weights hold in_c / groups input channels per filter."""
    import tensorflow as tf

    groups = int(rng.integers(2, 4))
    h, w, c = int(rng.integers(3, 10)), int(rng.integers(3, 10)), groups * int(rng.integers(1, 4))
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(h, w, c)),
        tf.keras.layers.Conv2D(groups * int(rng.integers(1, 4)), int(rng.integers(1, 4)), groups=groups,
                               strides=int(rng.integers(1, 3)), padding=["same", "valid"][int(rng.integers(0, 2))],
                               activation=[None, "relu"][int(rng.integers(0, 2))]),
    ])
    return model, [rng.normal(0, 1, (h, w, c)).astype(np.float32) for _ in range(32)]


@generator("CONV_2D", also=("int16",))
def conv2d_then_conv(rng: np.random.Generator):
    """Two convolutions: the second one's input zero point comes from real (ReLU) activations."""
    import tensorflow as tf

    h, w, c = int(rng.integers(4, 13)), int(rng.integers(4, 13)), int(rng.integers(1, 9))
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(h, w, c)),
        tf.keras.layers.Conv2D(int(rng.integers(2, 9)), 3, padding="same", activation="relu"),
        tf.keras.layers.Conv2D(int(rng.integers(1, 9)), int(rng.integers(1, 4)), strides=int(rng.integers(1, 3)),
                               padding=["same", "valid"][int(rng.integers(0, 2))]),
    ])
    return model, [rng.normal(0, 1, (h, w, c)).astype(np.float32) for _ in range(32)]


@generator("DEPTHWISE_CONV_2D", also=("int16",))
def depthwise(rng: np.random.Generator):
    import tensorflow as tf

    h, w, c = int(rng.integers(3, 13)), int(rng.integers(3, 13)), int(rng.integers(1, 9))
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(h, w, c)),
        tf.keras.layers.DepthwiseConv2D((int(rng.integers(1, 4)), int(rng.integers(1, 4))),
                                        strides=int(rng.integers(1, 3)), depth_multiplier=int(rng.integers(1, 4)),
                                        padding=["same", "valid"][int(rng.integers(0, 2))],
                                        activation=[None, "relu", "relu6"][int(rng.integers(0, 3))],
                                        use_bias=bool(rng.integers(0, 2))),
    ])
    return model, [rng.normal(0, 1, (h, w, c)).astype(np.float32) for _ in range(32)]


@generator("DEPTHWISE_CONV_2D", also=("int16",))
def depthwise_dilated(rng: np.random.Generator):
    """Dilation 2 (width) and 1-2 (height), stride 1-2, depth multiplier 1-3, any activation."""
    import tensorflow as tf

    h, w, c = int(rng.integers(5, 13)), int(rng.integers(5, 13)), int(rng.integers(1, 7))
    kh, kw, mult = int(rng.integers(1, 4)), int(rng.integers(2, 4)), int(rng.integers(1, 4))
    dh, sh, sw = int(rng.integers(1, 3)), int(rng.integers(1, 3)), int(rng.integers(1, 3))
    padding = ["SAME", "VALID"][int(rng.integers(0, 2))]
    activation = int(rng.integers(0, 4))

    class DilatedDepthwise(tf.keras.layers.Layer):
        def build(self, shape):
            self.kernel = self.add_weight(shape=(kh, kw, c, mult), initializer="glorot_uniform")
            self.bias = self.add_weight(shape=(c * mult,), initializer="random_normal")

        def call(self, x):
            y = tf.raw_ops.DepthwiseConv2dNative(input=x, filter=self.kernel, strides=[1, sh, sw, 1],
                                                 padding=padding, dilations=[1, dh, 2, 1])
            y = y + self.bias
            return [y, tf.nn.relu(y), tf.nn.relu6(y), tf.minimum(tf.maximum(y, -1.0), 1.0)][activation]

    model = tf.keras.Sequential([tf.keras.Input(shape=(h, w, c)), DilatedDepthwise()])
    return model, [rng.normal(0, 1, (h, w, c)).astype(np.float32) for _ in range(32)]
