"""Single-operator and multi-operator .tflite models for cells the converter does not emit (fused
activations on int32 operators, type pairs and scales it never chooses, probes of the reference's
lookup tables, int4 packed weights, custom operators, L2_POOL_2D): the writer is
hil/model/writer.py, re-exported here for the generators. A generator may return the bytes of
such a model instead of (keras_model, representative)."""

from hil.model.writer import (  # noqa: F401 - the opgen generators import them from here
    BOUNDS_KEY,
    INT4,
    MAX_IO,
    Graph,
    Tensor,
    input_bounds,
    options,
    pack_int4,
    single_op_model,
)
