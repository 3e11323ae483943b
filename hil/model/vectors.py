"""Test vectors: committed files of quantized inputs, or seeded random inputs."""

from __future__ import annotations

import pickle
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hil.errors import ConfigError
from hil.model.tflite import TensorInfo

DEFAULT_STEPS = 4  # invokes per sequence of a model with state, when neither the vectors nor the config say


@dataclass
class VectorSet:
    inputs: list[list[np.ndarray]]           # per vector, one array per model input
    labels: np.ndarray | None = None         # class labels or float targets, when known
    source: str = ""
    extra: dict[str, np.ndarray] = field(default_factory=dict)
    # A model with state: runs of consecutive vectors whose state carries over from one invoke to
    # the next; the state is reset before each run. None: every vector stands alone.
    sequences: list[range] | None = None

    def __len__(self) -> int:
        return len(self.inputs)

    def sequence(self, index: int) -> range:
        """The sequence vector `index` belongs to (itself alone for a model without state)."""
        if self.sequences is None:
            return range(index, index + 1)
        return next(r for r in self.sequences if index in r)

    def describe_step(self, index: int) -> str:
        """Where a vector stands in its sequence, for messages ("" without sequences)."""
        if self.sequences is None:
            return ""
        seq = self.sequence(index)
        return (f" (step {index - seq.start + 1} of {len(seq)} of the sequence from vector {seq.start}, "
                "state carried over)")


def fixed_sequences(count: int, steps: int) -> list[range]:
    """`count` vectors in sequences of `steps` (the last may be shorter); steps <= 0: one sequence."""
    steps = count if steps <= 0 else steps
    return [range(start, min(start + steps, count)) for start in range(0, count, max(steps, 1))]


def sequences_from_ids(ids: np.ndarray, path: Path) -> list[range]:
    """Sequences from a per-vector `sequence` array: a run of equal consecutive values is one."""
    ids = np.asarray(ids).ravel()
    if ids.size == 0 or not np.issubdtype(ids.dtype, np.integer):
        raise ConfigError(f"{path}: `sequence` must hold one integer per vector (vectors with the same consecutive "
                          "value form one sequence whose state carries over)")
    starts = [0, *(int(i) for i in np.flatnonzero(ids[1:] != ids[:-1]) + 1), len(ids)]
    return [range(a, b) for a, b in zip(starts, starts[1:], strict=False)]


def quantize(values: np.ndarray, scale: float, zero_point: int, dtype: np.dtype) -> np.ndarray:
    """Float to integer with TFLite's affine quantization: round(x / scale) + zero_point, clamped."""
    info = np.iinfo(dtype)
    q = np.round(np.asarray(values, np.float64) / scale) + zero_point
    return np.clip(q, info.min, info.max).astype(dtype)


def dequantize(values: np.ndarray, scale: float, zero_point: int) -> np.ndarray:
    return (np.asarray(values, np.float64) - zero_point) * scale


def random_vectors(specs: list[TensorInfo], count: int, seed: int) -> VectorSet:
    """Uniform over each input's integer range (or [-1, 1) for float inputs, False / True for
    bool inputs); reproducible."""
    rng = np.random.default_rng(seed)
    vectors = []
    for _ in range(count):
        vector = []
        for spec in specs:
            dtype = spec.np_dtype
            if dtype == np.bool_:
                vector.append(rng.integers(0, 2, size=spec.shape).astype(np.bool_))
            elif np.issubdtype(dtype, np.integer):
                info = np.iinfo(dtype)
                vector.append(rng.integers(info.min, info.max, size=spec.shape, endpoint=True, dtype=dtype))
            else:
                vector.append(rng.uniform(-1, 1, size=spec.shape).astype(dtype))
        vectors.append(vector)
    return VectorSet(vectors, source=f"random(seed={seed})")


def _check_shape(arr: np.ndarray, spec: TensorInfo, path: Path, index: int) -> np.ndarray:
    if arr.dtype != spec.np_dtype:
        raise ConfigError(f"{path}: input {index} has dtype {arr.dtype}, the model wants {spec.dtype_name} "
                          f"(quantize float samples with `hil vectors`)")
    per_vector = int(np.prod(spec.shape))
    if arr.size % per_vector:
        raise ConfigError(f"{path}: input {index} holds {arr.size} values, not a multiple of the model's "
                          f"{list(spec.shape)} ({per_vector} values per vector)")
    return arr.reshape((-1, *spec.shape))


# What numpy raises for a file that is not a readable .npy/.npz of plain arrays (cut-off zip,
# pickled objects, text with a .npy name).
_UNREADABLE = (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error, pickle.UnpicklingError)


def read_arrays(path: Path) -> dict[str, np.ndarray]:
    """Every array of a .npz by name, or a .npy as {"": array}; ConfigError naming the file if
    numpy cannot read it as numeric arrays (object arrays are refused: they need pickle)."""
    try:
        if path.suffix == ".npy":
            return {"": np.load(path, allow_pickle=False)}
        with np.load(path, allow_pickle=False) as data:
            if not isinstance(data, np.lib.npyio.NpzFile):
                raise ValueError("not a .npz archive")
            return {k: data[k] for k in data.files}
    except _UNREADABLE as exc:
        raise ConfigError(f"{path} is not a readable {path.suffix or '.npz'} of numeric arrays ({exc}): write it "
                          "with numpy.savez (.npz) or numpy.save (.npy), numbers only, no Python objects") from None


def load_vectors(path: Path, specs: list[TensorInfo], limit: int | None = None) -> VectorSet:
    """A .npz with `inputs` (one input) or `input_0`, `input_1`, ...; or a .npy of inputs.
    Optional arrays: `labels`; `sequence` (one integer per vector: for a model with state, runs of
    equal values are sequences whose state carries over). Leading axis = vector index."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"vector file {path} does not exist")
    data = read_arrays(path)
    if path.suffix == ".npy":
        arrays, labels, extra = [data[""]], None, {}
    else:
        names = ["inputs"] if "inputs" in data else [f"input_{i}" for i in range(len(specs))]
        missing = [n for n in names if n not in data]
        if missing:
            raise ConfigError(f"{path} lacks {', '.join(missing)} (expected `inputs` or `input_N` arrays)")
        arrays = [data[n] for n in names]
        labels = data.get("labels")
        extra = {k: v for k, v in data.items() if k not in names and k not in ("labels", "sequence")}
    if len(arrays) != len(specs):
        raise ConfigError(f"{path} has {len(arrays)} input arrays, the model has {len(specs)} inputs")
    shaped = [_check_shape(a, s, path, i) for i, (a, s) in enumerate(zip(arrays, specs, strict=True))]
    total = min(len(a) for a in shaped)
    if total == 0:
        raise ConfigError(f"{path} holds no vectors (its input arrays have 0 rows): give at least one sample")
    count = total if limit is None else min(total, limit)
    vectors = [[a[i] for a in shaped] for i in range(count)]
    # Per-vector companions (one row per vector: float outputs, raw samples) are cut like the inputs.
    extra = {k: (v[:count] if v.ndim and len(v) == total else v) for k, v in extra.items()}
    ids = data.get("sequence") if path.suffix != ".npy" else None
    if ids is not None and np.asarray(ids).size < total:
        raise ConfigError(f"{path}: `sequence` has {np.asarray(ids).size} values for {total} vectors: give one per "
                          "vector")
    sequences = sequences_from_ids(np.asarray(ids).ravel()[:count], path) if ids is not None else None
    return VectorSet(vectors, labels[:count] if labels is not None else None, str(path), extra, sequences)
