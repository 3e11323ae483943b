"""Generated single-operator models: small Keras models with seeded random shapes and
parameters, converted with TFLite's converter, one per (operator, seed). Used to check each
kernel of the built-in engine against TFLM, natively and on the target.

A generator module registers functions with @generator("OP_NAME"); each takes a seeded
numpy Generator and returns (keras_model, representative_inputs), or the bytes of a model it
wrote itself (opgen/flatbuffer.py: cells the converter does not emit; such a generator says
`written=True`). How the model is converted is the generator's `quant`:
- "int8": full int8 post-training quantization (the default);
- "int16": 16x8 (int16 activations, int8 weights, 64-bit bias: the converter's
  EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8 ops set), int16 inputs and outputs;
- "none": no quantization (float32 models, and integer models whose tensors are int32).
`also` registers the same Keras model under further quants (the 16x8 twin of an int8
generator, named <function>_int16). A Keras model may ask for converter options with
attributes: `per_tensor_dense` (Dense weights per tensor), `bias_int32` (int32 biases in 16x8).
Converted models are cached under .hil-cache/opgen by (op, seed, generator source, and
opgen/flatbuffer.py's for written models), so reruns do not reconvert.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import importlib
import inspect
import os
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hil import paths

Generator = Callable[[np.random.Generator], tuple[object, list[np.ndarray]]]
REGISTRY: dict[str, list[Generator]] = {}


QUANTS = ("int8", "int16", "none")


Sampler = Callable[[np.random.Generator, list[tuple[tuple[int, ...], np.dtype]]], list[np.ndarray]]


def generator(op_name: str, int8_io: bool = True, quant: str = "int8",
              input_range: tuple[float, float] | None = None, edit: Callable[[bytes], bytes] | None = None,
              sample: Sampler | None = None, also: tuple[str, ...] = (), written: bool = False):
    """int8_io=False keeps float32 model inputs and outputs (QUANTIZE / DEQUANTIZE at the edges);
    input_range bounds the float test inputs (default [-1, 1): hil.model.vectors), for operators
    defined on part of the line only (LOG, SQRT, RSQRT); `edit` rewrites the converted model (an
    operator the converter never emits from Keras, e.g. SQUEEZE, made from the one it emits, with
    the schema's object API); `sample(rng, [(shape, dtype)])` draws one test vector where uniform
    values would miss what matters (audio-like levels, shift counts). Models written with
    opgen/flatbuffer.py may also bound single inputs of any type themselves (Graph.bound: positions
    that must stay within the gathered axis). OpCase.vectors applies all three. `also`: further
    quants of the same Keras model; `written`: the generator returns model bytes (no Keras model:
    no float conversion of it either)."""
    assert quant in QUANTS and all(q in QUANTS for q in also), (quant, also)

    def tag(fn: Generator, q: str) -> Generator:
        fn.int8_io, fn.quant, fn.input_range, fn.edit, fn.sample = int8_io, q, input_range, edit, sample
        # a generator annotated `-> bytes` writes its model whether or not the flag was given
        fn.written = written or fn.__annotations__.get("return") in (bytes, "bytes")
        REGISTRY.setdefault(op_name, []).append(fn)
        return fn

    def register(fn: Generator) -> Generator:
        for other in also:
            twin = functools.wraps(fn)(lambda rng, _fn=fn: _fn(rng))
            twin.__name__ = f"{fn.__name__}_{other}"
            tag(twin, other)
        return tag(fn, quant)
    return register


@dataclass(frozen=True)
class OpCase:
    op: str
    variant: str
    seed: int
    tflite: Path
    quant: str = "int8"
    input_range: tuple[float, float] | None = None
    sample: Sampler | None = None

    @property
    def id(self) -> str:
        return f"{self.op}-{self.variant}-s{self.seed}"

    def vectors(self, count: int, seed: int) -> list[list[np.ndarray]]:
        """Test inputs: the generator's sampler if it has one, else hil.model.vectors' random ones
        with the model's per-input bounds and float inputs within input_range."""
        from hil.model.tflite import load_model
        from hil.model.vectors import random_vectors

        specs = load_model(self.tflite).input_tensors
        rng = np.random.default_rng(seed)
        if self.sample is not None:
            return [self.sample(rng, [(tuple(t.shape), t.np_dtype) for t in specs]) for _ in range(count)]
        vectors = random_vectors(specs, count, seed=seed).inputs
        bounds = self._bounds()
        if bounds:
            vectors = [[_within(v, bounds.get(i), rng) for i, v in enumerate(vector)] for vector in vectors]
        if self.input_range is None:
            return vectors
        low, high = self.input_range
        return [[(low + (v + 1) / 2 * (high - low)).astype(np.float32) if v.dtype == np.float32 else v for v in vector]
                for vector in vectors]

    def write_vectors(self, count: int, seed: int) -> None:
        """Saves vectors(count, seed) beside the model (NAME.npz, which `hil run` and the harness
        take instead of their own random vectors), so runs on the target get the same inputs as
        native runs; nothing is written where vectors() are the plain random ones."""
        if self.input_range is None and self.sample is None and not self._bounds():
            return
        vectors = self.vectors(count, seed)
        arrays = {f"input_{i}": np.stack([v[i] for v in vectors]) for i in range(len(vectors[0]))}
        tmp = self.tflite.with_suffix(f".{os.getpid()}.npz")  # xdist workers may write the same case
        np.savez(tmp, **arrays)
        tmp.replace(self.tflite.with_suffix(".npz"))

    def _bounds(self) -> dict[int, tuple]:
        from .flatbuffer import input_bounds

        return input_bounds(self.tflite.read_bytes())


def _within(values: np.ndarray, bounds: tuple | None, rng: np.random.Generator) -> np.ndarray:
    """Fresh values of the same dtype and shape in [low, high] (integers) or [low, high) (floats);
    low and high are numbers or arrays that broadcast to the shape (a bound per element)."""
    if bounds is None:
        return values
    low, high = (np.broadcast_to(np.asarray(b), values.shape) for b in bounds)
    if np.issubdtype(values.dtype, np.integer):
        return rng.integers(low, high, size=values.shape, endpoint=True).astype(values.dtype)
    return rng.uniform(low, high, size=values.shape).astype(values.dtype)


def _quantizing_converter(model, representative: list[np.ndarray]):
    """A converter with post-training quantization calibrated on the representative samples."""
    import tensorflow as tf

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]

    def rep():  # a sample is one array (one model input) or a list of arrays (several inputs)
        names = [t.name for t in model.inputs]
        for sample in representative:
            arrays = sample if isinstance(sample, (list, tuple)) else [sample]
            parts = [np.asarray(p, np.float32)[None] for p in arrays]
            # several inputs by name: the converted model may order its inputs differently
            yield dict(zip(names, parts, strict=True)) if len(parts) > 1 else parts

    converter.representative_dataset = rep
    # converter options a generator asks for on its model: per-tensor Dense weights, int32 biases
    converter._experimental_disable_per_channel_quantization_for_dense_layers = getattr(model, "per_tensor_dense",
                                                                                         False)
    if getattr(model, "bias_int32", False):
        converter._experimental_full_integer_quantization_bias_type = tf.int32
    return converter


def convert_int8(model, representative: list[np.ndarray], int8_io: bool = True) -> bytes:
    """Full-integer conversion with a representative dataset (TFLite's int8 PTQ)."""
    import tensorflow as tf

    converter = _quantizing_converter(model, representative)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    if int8_io:
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    return converter.convert()


def convert_int16x8(model, representative: list[np.ndarray]) -> bytes:
    """16x8 post-training quantization: int16 activations (inputs and outputs too), int8 weights."""
    import tensorflow as tf

    converter = _quantizing_converter(model, representative)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
    converter.inference_input_type = tf.int16
    converter.inference_output_type = tf.int16
    return converter.convert()


def _load_generators() -> None:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


def _build(fn: Generator, seed: int) -> bytes:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    tf.keras.utils.set_random_seed(seed)
    built = fn(np.random.default_rng(seed))
    if isinstance(built, bytes):  # written with the flatbuffer object API (opgen/flatbuffer.py)
        return built
    model, representative = built
    quant = getattr(fn, "quant", "int8")
    if quant == "int16":
        converted = convert_int16x8(model, representative)
    elif quant == "none":
        converted = tf.lite.TFLiteConverter.from_keras_model(model).convert()
    else:
        converted = convert_int8(model, representative, int8_io=getattr(fn, "int8_io", True))
    return fn.edit(converted) if getattr(fn, "edit", None) else converted


def _convert_missing(todo: list[tuple[Generator, int, Path]]) -> None:
    """Converts every case whose model is not cached yet. Concurrent processes (xdist workers
    collecting the same cases) share the work: each takes the cases no other holds the lock of,
    then waits for the rest, so every model is converted once."""
    deferred = []
    for fn, seed, path in todo:
        if not _convert_locked(fn, seed, path, wait=False):
            deferred.append((fn, seed, path))
    for fn, seed, path in deferred:
        _convert_locked(fn, seed, path, wait=True)


def _convert_locked(fn: Generator, seed: int, path: Path, wait: bool) -> bool:
    """False when another process holds the case and `wait` is False."""
    with open(path.with_suffix(".lock"), "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            return False
        if not path.exists():
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(_build(fn, seed))
            tmp.replace(path)
    return True


def cases(ops: list[str] | None = None, seeds: range = range(3)) -> list[OpCase]:
    """Every (operator, generator variant, seed), converting any model not yet cached."""
    _load_generators()
    out_dir = paths.cache_dir() / "opgen"
    out_dir.mkdir(exist_ok=True)
    result, todo = [], []
    for op in sorted(REGISTRY):
        if ops and op not in ops:
            continue
        for fn in REGISTRY[op]:
            source = inspect.getsource(inspect.getmodule(fn))  # the generator and its helpers
            if fn.written:  # and the model writer
                source += inspect.getsource(importlib.import_module(f"{__name__}.flatbuffer"))
            for seed in seeds:
                key = hashlib.sha256(f"{op}\0{seed}\0{source}".encode()).hexdigest()[:16]
                path = out_dir / f"{op.lower()}-{fn.__name__}-s{seed}-{key}.tflite"
                if not path.exists():
                    todo.append((fn, seed, path))
                result.append(OpCase(op, fn.__name__, seed, path, fn.quant, fn.input_range, fn.sample))
    _convert_missing(todo)
    return result
