"""Operators with state across invokes: UNIDIRECTIONAL_SEQUENCE_LSTM (int8 with int16 cell, 16x8,
float32), SVDF (int8 with int8 or int16 state, float32), and resource variables (VAR_HANDLE,
READ_VARIABLE, ASSIGN_VARIABLE, initialised by CALL_ONCE).

Keras 3's LSTM converts to a WHILE loop, not to UNIDIRECTIONAL_SEQUENCE_LSTM, and no Keras layer
gives SVDF, so both are written with the schema's object API (opgen/flatbuffer.py), with
quantization parameters the converter would choose (symmetric per-tensor weights, biases at
input x weights scale, a power-of-two int16 cell scale) and scales that keep gates and states
moving instead of saturating. Resource variables come from the converter (a tf.Module with a
tf.Variable, experimental_enable_resource_variables). The opgen suites run a model's vectors in
one sequence of invokes, so each case checks the state carried over from invoke to invoke.
"""

import numpy as np
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from . import generator
from .flatbuffer import Tensor, single_op_model

# ---- UNIDIRECTIONAL_SEQUENCE_LSTM ----


def _lstm_sizes(rng: np.random.Generator) -> dict:
    return {"batch": int(rng.integers(1, 3)), "time": int(rng.integers(1, 6)), "input": int(rng.integers(1, 12)),
            "units": int(rng.integers(1, 10)), "time_major": bool(rng.integers(0, 2)),
            "clip": float(rng.choice([0.0, 2.5]))}


def _lstm_options(s: dict) -> schema.UnidirectionalSequenceLSTMOptionsT:
    options = schema.UnidirectionalSequenceLSTMOptionsT()
    options.fusedActivationFunction = schema.ActivationFunctionType.TANH  # the only cell activation TFLM runs
    options.cellClip, options.projClip, options.timeMajor = s["clip"], 0.0, s["time_major"]
    return options


def _lstm_model(s: dict, input_t: Tensor, weights: list[Tensor], biases: list[Tensor], hidden: Tensor,
                cell: Tensor, output: Tensor) -> bytes:
    """TFLM's 24-input layout: input, 4 input weights, 4 recurrent weights (input, forget, cell,
    output gates), 3 absent peepholes, 4 biases, absent projection, hidden and cell states,
    4 absent layer norms."""
    inputs = [input_t, *weights, None, None, None, *biases, None, None, hidden, cell, None, None, None, None]
    return single_op_model(schema.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM, inputs, [output],
                           schema.BuiltinOptions.UnidirectionalSequenceLSTMOptions, _lstm_options(s))


def _io_shape(s: dict, last: int) -> tuple[int, int, int]:
    return (s["time"], s["batch"], last) if s["time_major"] else (s["batch"], s["time"], last)


def _quantized_lstm(rng: np.random.Generator, act: type, bias: type, in_scale: float, state_scale: float) -> bytes:
    s = _lstm_sizes(rng)
    w_scale, r_scale = 0.6 / 127 / np.sqrt(s["input"]), 0.6 / 127 / np.sqrt(s["units"])
    zp = (lambda: int(rng.integers(-20, 21))) if act is np.int8 else (lambda: 0)
    input_t = Tensor(_io_shape(s, s["input"]), act, in_scale, zp())
    hidden_zp = zp()
    weights = [Tensor((s["units"], s["input"]), np.int8, w_scale, 0, rng.integers(-127, 128, (s["units"], s["input"])))
               for _ in range(4)]
    weights += [Tensor((s["units"], s["units"]), np.int8, r_scale, 0, rng.integers(-127, 128, (s["units"], s["units"])))
                for _ in range(4)]
    bias_scale = in_scale * w_scale
    biases = [Tensor((s["units"],), bias, bias_scale, 0, np.round(rng.normal(0, 0.5, s["units"]) / bias_scale))
              for _ in range(4)]
    hidden = Tensor((s["batch"], s["units"]), act, state_scale, hidden_zp, variable=True)
    cell = Tensor((s["batch"], s["units"]), np.int16, 2.0 ** -11, 0, variable=True)
    output = Tensor(_io_shape(s, s["units"]), act, state_scale, hidden_zp)
    return _lstm_model(s, input_t, weights, biases, hidden, cell, output)


@generator("UNIDIRECTIONAL_SEQUENCE_LSTM")
def lstm_int8(rng: np.random.Generator) -> bytes:
    """8x8 -> 16: int8 activations and weights, int32 biases, int16 cell state."""
    return _quantized_lstm(rng, np.int8, np.int32, 1.0 / 64, 1.0 / 128)


@generator("UNIDIRECTIONAL_SEQUENCE_LSTM", quant="int16")
def lstm_int16(rng: np.random.Generator) -> bytes:
    """16x8: int16 activations, int8 weights, int64 biases, int16 cell state."""
    return _quantized_lstm(rng, np.int16, np.int64, 2.0 ** -12, 2.0 ** -15)


@generator("UNIDIRECTIONAL_SEQUENCE_LSTM", quant="none")
def lstm_float32(rng: np.random.Generator) -> bytes:
    s = _lstm_sizes(rng)
    weights = [Tensor((s["units"], s["input"]), np.float32, data=rng.normal(0, 0.4, (s["units"], s["input"])))
               for _ in range(4)]
    weights += [Tensor((s["units"], s["units"]), np.float32, data=rng.normal(0, 0.4, (s["units"], s["units"])))
                for _ in range(4)]
    biases = [Tensor((s["units"],), np.float32, data=rng.normal(0, 0.4, s["units"])) for _ in range(4)]
    return _lstm_model(s, Tensor(_io_shape(s, s["input"]), np.float32), weights, biases,
                       Tensor((s["batch"], s["units"]), np.float32, variable=True),
                       Tensor((s["batch"], s["units"]), np.float32, variable=True),
                       Tensor(_io_shape(s, s["units"]), np.float32))


# ---- SVDF ----


def _svdf_sizes(rng: np.random.Generator) -> dict:
    rank, units = int(rng.integers(1, 4)), int(rng.integers(1, 12))
    return {"batch": int(rng.integers(1, 3)), "input": int(rng.integers(4, 40)), "memory": int(rng.integers(2, 10)),
            "rank": rank, "units": units, "filters": rank * units}


def _svdf(s: dict, tensors: list[Tensor], activation: int) -> bytes:
    options = schema.SVDFOptionsT()
    options.rank, options.fusedActivationFunction = s["rank"], activation
    return single_op_model(schema.BuiltinOperator.SVDF, tensors[:5], tensors[5:], schema.BuiltinOptions.SVDFOptions,
                           options)


def _quantized_svdf(rng: np.random.Generator, state: type) -> bytes:
    s = _svdf_sizes(rng)
    limit = np.iinfo(state).max
    in_scale, wf_scale, state_scale, wt_scale = 0.02, 0.01, 0.05, 1.0 / limit
    b, f, m, u = s["batch"], s["filters"], s["memory"], s["units"]
    return _svdf(s, [
        Tensor((b, s["input"]), np.int8, in_scale, int(rng.integers(-20, 20))),
        Tensor((f, s["input"]), np.int8, wf_scale, 0, rng.integers(-127, 128, (f, s["input"]))),
        Tensor((f, m), state, wt_scale, 0, rng.integers(-limit, limit + 1, (f, m))),
        Tensor((u,), np.int32, state_scale * wt_scale, 0, rng.integers(-2000, 2000, u) * (limit // 127)),
        Tensor((b, m * f), state, state_scale, int(rng.integers(-10, 10)) if state is np.int8 else 0, variable=True),
        Tensor((b, u), np.int8, 0.1 * float(np.sqrt(m * s["rank"])), int(rng.integers(-10, 10))),
    ], schema.ActivationFunctionType.NONE)


@generator("SVDF")
def svdf_int8(rng: np.random.Generator) -> bytes:
    """int8 state and time weights (TFLM's keyword_scrambled_8bit)."""
    return _quantized_svdf(rng, np.int8)


@generator("SVDF")
def svdf_int16_state(rng: np.random.Generator) -> bytes:
    """int16 state and time weights with int8 input (TFLM's keyword_scrambled)."""
    return _quantized_svdf(rng, np.int16)


@generator("SVDF", quant="none")
def svdf_float32(rng: np.random.Generator) -> bytes:
    s = _svdf_sizes(rng)
    b, f, m, u = s["batch"], s["filters"], s["memory"], s["units"]
    activation = int(rng.choice([schema.ActivationFunctionType.NONE, schema.ActivationFunctionType.RELU]))
    return _svdf(s, [
        Tensor((b, s["input"]), np.float32),
        Tensor((f, s["input"]), np.float32, data=rng.normal(0, 0.5, (f, s["input"]))),
        Tensor((f, m), np.float32, data=rng.normal(0, 0.5, (f, m))),
        Tensor((u,), np.float32, data=rng.normal(0, 0.5, u)),
        Tensor((b, m * f), np.float32, variable=True),
        Tensor((b, u), np.float32),
    ], activation)


# ---- resource variables (VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE, CALL_ONCE) ----


def _variable_model(rng: np.random.Generator, quantized: bool) -> bytes:
    """A tf.Module keeping a running mix of its inputs in a tf.Variable (initial value from the
    CALL_ONCE init subgraph): the output depends on every earlier invoke since the last reset."""
    import tensorflow as tf

    width, decay = int(rng.integers(1, 16)), float(rng.uniform(0.2, 0.9))
    initial = rng.uniform(-0.5, 0.5, (1, width)).astype(np.float32)

    class Mixer(tf.Module):
        def __init__(self):
            super().__init__()
            self.v = tf.Variable(initial)

        @tf.function(input_signature=[tf.TensorSpec([1, width], tf.float32)])
        def __call__(self, x):
            mixed = self.v * decay + x
            self.v.assign(mixed)
            return mixed * 2.0

    module = Mixer()
    converter = tf.lite.TFLiteConverter.from_concrete_functions([module.__call__.get_concrete_function()], module)
    converter.experimental_enable_resource_variables = True
    if quantized:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = lambda: ([rng.uniform(-1, 1, (1, width)).astype(np.float32)]
                                                    for _ in range(32))
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = converter.inference_output_type = tf.int8
    return converter.convert()


@generator("VAR_HANDLE", quant="none")
def variables_float32(rng: np.random.Generator) -> bytes:
    return _variable_model(rng, quantized=False)


@generator("VAR_HANDLE")
def variables_int8(rng: np.random.Generator) -> bytes:
    """int8 inputs and outputs; the converter keeps the variable float (QUANTIZE/DEQUANTIZE)."""
    return _variable_model(rng, quantized=True)
