"""SOFTMAX, LOGISTIC, TANH, RELU, RELU6 as standalone layers on random shapes, with input
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
