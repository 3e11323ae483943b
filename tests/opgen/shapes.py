"""Data movement: CONCATENATION, RESHAPE (fixed shape and Keras Reshape), the Flatten chain
(SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE), STRIDED_SLICE on int8 with random begin / end /
strides / shrink axes, and PACK of int8 slices."""

import numpy as np

from . import generator


def _shape(rng: np.random.Generator, rank: int) -> tuple[int, ...]:
    return tuple(int(d) for d in rng.integers(1, 7, size=rank))


def _samples(rng: np.random.Generator, shape: tuple[int, ...]) -> list[np.ndarray]:
    return [rng.normal(0, rng.uniform(0.5, 3.0), shape).astype(np.float32) for _ in range(32)]


@generator("CONCATENATION")
def concatenate_slices(rng: np.random.Generator):
    """Pieces of one input (and a scaled copy) concatenated in a shuffled order along a random axis."""
    import tensorflow as tf

    shape = _shape(rng, int(rng.integers(1, 4)))
    axis = int(rng.integers(0, len(shape)))
    size = shape[axis]
    x = tf.keras.Input(shape=shape)
    cuts = sorted({0, size, *(int(c) for c in (rng.integers(1, size, size=2) if size > 1 else []))})
    pieces = []
    for lo, hi in zip(cuts, cuts[1:], strict=False):
        index = tuple(slice(lo, hi) if d == axis else slice(None) for d in range(len(shape)))
        pieces.append(tf.keras.layers.Lambda(lambda t, i=index: t[(slice(None),) + i])(x))
    pieces.append(tf.keras.layers.Lambda(lambda t: t * 0.5)(x))
    order = [int(i) for i in rng.permutation(len(pieces))]
    concat_axis = axis + 1 if rng.random() < 0.5 else axis - len(shape)  # positive or negative axis
    y = tf.keras.layers.Concatenate(axis=concat_axis)([pieces[i] for i in order])
    return tf.keras.Model(x, y), _samples(rng, shape)


@generator("RESHAPE")
def reshape_fixed(rng: np.random.Generator):
    """tf.reshape to a fully static shape: one RESHAPE with a constant shape tensor."""
    import tensorflow as tf

    shape = _shape(rng, int(rng.integers(1, 4)))
    n = int(np.prod(shape))
    split = int(rng.choice([d for d in range(1, n + 1) if n % d == 0]))
    target = (1, split, n // split)
    x = tf.keras.Input(shape=shape)
    y = tf.keras.layers.Lambda(lambda t: tf.reshape(t, target))(x)
    return tf.keras.Model(x, y), _samples(rng, shape)


@generator("RESHAPE")
def keras_reshape(rng: np.random.Generator):
    """A Keras Reshape layer (batch dimension left dynamic): SHAPE, STRIDED_SLICE, PACK, RESHAPE."""
    import tensorflow as tf

    shape = _shape(rng, int(rng.integers(1, 4)))
    n = int(np.prod(shape))
    split = int(rng.choice([d for d in range(1, n + 1) if n % d == 0]))
    model = tf.keras.Sequential([tf.keras.Input(shape=shape), tf.keras.layers.Reshape((split, n // split))])
    return model, _samples(rng, shape)


@generator("SHAPE")
def flatten(rng: np.random.Generator):
    """Keras Flatten: SHAPE -> STRIDED_SLICE (int32, shrink axis) -> PACK (int32) -> RESHAPE."""
    import tensorflow as tf

    shape = _shape(rng, int(rng.integers(2, 4)))
    model = tf.keras.Sequential([tf.keras.Input(shape=shape), tf.keras.layers.Flatten()])
    return model, _samples(rng, shape)


@generator("STRIDED_SLICE")
def int8_slice(rng: np.random.Generator):
    """Random begin / end / stride (negative too) per axis, some axes shrunk to one index."""
    import tensorflow as tf

    shape = _shape(rng, int(rng.integers(1, 4)))
    index = []
    for size in shape:
        kind = rng.random()
        if kind < 0.2:
            index.append(int(rng.integers(-size, size)))  # shrink axis
        elif kind < 0.35:
            index.append(slice(None))
        else:
            step = int(rng.choice([1, 1, 2, 3, -1, -2]))
            lo, hi = (int(v) for v in rng.integers(-size - 1, size + 2, size=2))
            if rng.random() < 0.3:
                lo = None  # begin mask
            if rng.random() < 0.3:
                hi = None  # end mask
            index.append(slice(lo, hi, step))
    if all(isinstance(i, int) for i in index):
        index[-1] = slice(None)
    # an empty slice is not a useful model: fall back to the whole axis
    probe = np.zeros(shape)[tuple(index)]
    if probe.size == 0:
        index = [slice(None) if isinstance(i, slice) else i for i in index]
    key = (slice(None),) + tuple(index)
    x = tf.keras.Input(shape=shape)
    y = tf.keras.layers.Lambda(lambda t: t[key])(x)
    return tf.keras.Model(x, y), _samples(rng, shape)


@generator("PACK")
def stack_slices(rng: np.random.Generator):
    """tf.stack of equal int8 slices of one input along a random new axis."""
    import tensorflow as tf

    shape = _shape(rng, int(rng.integers(1, 4)))
    axis = int(rng.integers(0, len(shape)))
    parts = int(rng.integers(2, 4))
    shape = tuple(d * parts if i == axis else d for i, d in enumerate(shape))
    width = shape[axis] // parts
    new_axis = int(rng.integers(1, len(shape) + 2))

    def stack(t):
        pieces = [t[(slice(None),) + tuple(slice(k * width, (k + 1) * width) if d == axis else slice(None)
                                          for d in range(len(shape)))] for k in range(parts)]
        return tf.stack(pieces, axis=new_axis)

    x = tf.keras.Input(shape=shape)
    return tf.keras.Model(x, tf.keras.layers.Lambda(stack)(x)), _samples(rng, shape)
