"""ops-core data movement and shape operators: EXPAND_DIMS (Keras Conv1D's first step) on a
random axis, written positive or negative; SQUEEZE of every size-1 axis or of a chosen one;
TRANSPOSE of 2- to 5-D tensors (batch 1, so the batch axis moves too) by a random permutation;
SPACE_TO_BATCH_ND / BATCH_TO_SPACE_ND on 3-D and 4-D tensors with random blocks, paddings and
crops (the pair a dilated convolution converts to); RESIZE_NEAREST_NEIGHBOR up and down,
align_corners or half_pixel_centers (Keras 3's UpSampling2D converts to a SHAPE/TILE/RESHAPE
chain instead, and TFLM has no TILE)."""

import numpy as np

from . import generator


def _samples(rng: np.random.Generator, shape: tuple[int, ...]) -> list[np.ndarray]:
    return [rng.normal(0, rng.uniform(0.5, 3.0), shape).astype(np.float32) for _ in range(32)]


def _model(shape: tuple[int, ...], fn):
    import tensorflow as tf

    class Op(tf.keras.layers.Layer):
        def call(self, x):
            return fn(x)

    return tf.keras.Sequential([tf.keras.Input(shape=shape), Op()])


@generator("EXPAND_DIMS")
def expand_dims(rng: np.random.Generator):
    """tf.expand_dims at any position of a 1- to 3-D (plus batch) tensor, the axis negative at times."""
    import tensorflow as tf

    shape = tuple(int(d) for d in rng.integers(1, 7, size=int(rng.integers(1, 4))))
    axis = int(rng.integers(1, len(shape) + 2))
    axis = axis - (len(shape) + 2) if rng.random() < 0.5 else axis
    return _model(shape, lambda x: tf.expand_dims(x, axis)), _samples(rng, shape)


def _reshape_to_squeeze(model: bytes) -> bytes:
    """The converter writes tf.squeeze as RESHAPE: the same operator as SQUEEZE, with the size-1
    axes the two shapes differ by as squeeze_dims (TFLM's SQUEEZE takes its shape from the output)."""
    import flatbuffers
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    m = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(model, 0))
    sg = m.subgraphs[0]
    op = next(o for o in sg.operators if m.operatorCodes[o.opcodeIndex].builtinCode == schema.BuiltinOperator.RESHAPE)
    code = schema.OperatorCodeT()
    code.builtinCode = code.deprecatedBuiltinCode = schema.BuiltinOperator.SQUEEZE
    code.version = 1
    m.operatorCodes.append(code)
    op.opcodeIndex = len(m.operatorCodes) - 1
    in_shape, out_shape = list(sg.tensors[op.inputs[0]].shape), list(sg.tensors[op.outputs[0]].shape)
    dims, j = [], 0
    for i, d in enumerate(in_shape):
        if j < len(out_shape) and out_shape[j] == d:
            j += 1
        else:
            dims.append(i)
    op.inputs = op.inputs[:1]
    op.builtinOptionsType = schema.BuiltinOptions.SqueezeOptions
    op.builtinOptions = schema.SqueezeOptionsT()
    op.builtinOptions.squeezeDims = dims
    builder = flatbuffers.Builder(1024)
    builder.Finish(m.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


@generator("SQUEEZE", edit=_reshape_to_squeeze)
def squeeze(rng: np.random.Generator):
    """tf.squeeze of size-1 axes (all of them, or one chosen; negative at times) between others."""
    import tensorflow as tf

    shape = [int(d) for d in rng.integers(2, 6, size=int(rng.integers(1, 3)))]
    ones = sorted(int(a) for a in rng.choice(len(shape) + 1, size=int(rng.integers(1, 3)), replace=False))
    for a in reversed(ones):
        shape.insert(a, 1)
    chosen = ones if rng.random() < 0.5 else [ones[int(rng.integers(0, len(ones)))]]
    axes = [a + 1 - (len(shape) + 1) if rng.random() < 0.5 else a + 1 for a in chosen]  # the batch stays
    return _model(tuple(shape), lambda x: tf.squeeze(x, axes)), _samples(rng, tuple(shape))


@generator("TRANSPOSE")
def transpose(rng: np.random.Generator):
    """tf.transpose by a random non-identity permutation of every axis, the batch axis included."""
    import tensorflow as tf

    rank = int(rng.integers(2, 6))
    shape = tuple(int(d) for d in rng.integers(2, 6, size=rank - 1))
    perm = [int(a) for a in rng.permutation(rank)]
    while perm == sorted(perm):
        perm = [int(a) for a in rng.permutation(rank)]
    x = tf.keras.Input(shape=shape, batch_size=1)
    y = tf.keras.layers.Lambda(lambda t: tf.transpose(t, perm))(x)
    return tf.keras.Model(x, y), _samples(rng, shape)


def _space_batch_geometry(rng: np.random.Generator, rank: int, padded: bool = True):
    """(spatial shape, block, paddings): per spatial axis size + paddings divisible by the block."""
    spatial = 2 if rank == 4 else 1
    block = [int(b) for b in rng.integers(1, 4, size=spatial)]
    sizes, pads = [], []
    for b in block:
        if not padded:
            sizes.append(b * int(rng.integers(1, 4)))
            pads.append([0, 0])
            continue
        top, size = int(rng.integers(0, 3)), int(rng.integers(1, 8))
        bottom = (-(size + top)) % b + b * int(rng.integers(0, 2))
        sizes.append(size)
        pads.append([top, bottom])
    return sizes, block, pads


@generator("SPACE_TO_BATCH_ND")
def space_to_batch(rng: np.random.Generator):
    """tf.space_to_batch_nd of a 3-D (NHC) or 4-D (NHWC) tensor, batch 1, without padding: TFLM
    pads with SpaceToBatchParams.output_offset, which its kernel never initializes (whatever the
    persistent buffer held: zero in a fresh arena, other bytes after earlier interpreters in the
    same process), so padded outputs have no reference to be held to."""
    import tensorflow as tf

    rank = int(rng.choice([3, 4]))
    sizes, block, pads = _space_batch_geometry(rng, rank, padded=False)
    shape = (*sizes, int(rng.integers(1, 5)))
    x = tf.keras.Input(shape=shape, batch_size=1)
    y = tf.keras.layers.Lambda(lambda t: tf.space_to_batch_nd(t, block, pads))(x)
    return tf.keras.Model(x, y), _samples(rng, shape)


@generator("BATCH_TO_SPACE_ND")
def batch_to_space(rng: np.random.Generator):
    """tf.batch_to_space of a 3-D or 4-D tensor whose batch is the block's product, with crops;
    the model's batch-1 input is reshaped to that batch first (a RESHAPE before the operator)."""
    import tensorflow as tf

    rank = int(rng.choice([3, 4]))
    sizes, block, crops = _space_batch_geometry(rng, rank)
    batch_sizes = [(s + a + b) // k for s, (a, b), k in zip(sizes, crops, block, strict=True)]
    inner = (*batch_sizes, int(rng.integers(1, 5)))
    shape = (int(np.prod(block)) * inner[0], *inner[1:])
    x = tf.keras.Input(shape=shape, batch_size=1)
    y = tf.keras.layers.Lambda(lambda t: tf.batch_to_space(tf.reshape(t, (-1, *inner)), block, crops))(x)
    return tf.keras.Model(x, y), _samples(rng, shape)


@generator("RESIZE_NEAREST_NEIGHBOR")
def resize_nearest(rng: np.random.Generator):
    """tf.compat.v1.image.resize_nearest_neighbor to any size, align_corners or half_pixel_centers."""
    import tensorflow as tf

    shape = (int(rng.integers(1, 9)), int(rng.integers(1, 9)), int(rng.integers(1, 4)))
    size = [int(rng.integers(1, 12)), int(rng.integers(1, 12))]
    align = bool(rng.integers(0, 2))
    half = not align and bool(rng.integers(0, 2))
    return _model(shape, lambda x: tf.compat.v1.image.resize_nearest_neighbor(
        x, size, align_corners=align, half_pixel_centers=half)), _samples(rng, shape)
