"""Compares committed model artifacts with a fresh build and explains any difference:
which file, sizes, the first differing byte, and per file type the first differing tensor
(.tflite: name, shape, values that differ, max |diff| in stored units and in real values),
array (.npz) or line (CARD.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

_DTYPES = {0: np.float32, 1: np.float16, 2: np.int32, 3: np.uint8, 4: np.int64, 7: np.int16, 9: np.int8}


@dataclass
class Difference:
    file: str
    summary: str
    details: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [f"{self.file}: {self.summary}", *[f"    {d}" for d in self.details]]


def first_differing_byte(a: bytes, b: bytes) -> int | None:
    n = min(len(a), len(b))
    view_a, view_b = np.frombuffer(a, np.uint8, n), np.frombuffer(b, np.uint8, n)
    diff = np.flatnonzero(view_a != view_b)
    if diff.size:
        return int(diff[0])
    return None if len(a) == len(b) else n


def compare_file(committed: Path, built: Path) -> Difference | None:
    name = committed.name
    if not built.is_file():
        return Difference(name, "the build did not produce this file")
    if not committed.is_file():
        return Difference(name, f"not committed (the build writes it, {built.stat().st_size:,} B)")
    a, b = committed.read_bytes(), built.read_bytes()
    if a == b:
        return None
    offset = first_differing_byte(a, b)
    summary = f"differs: committed {len(a):,} B, built {len(b):,} B, first differing byte at offset {offset:,}"
    if name.endswith(".tflite"):
        details = tflite_differences(a, b)
    elif name.endswith(".npz"):
        details = npz_differences(committed, built)
    else:
        details = text_differences(a.decode(errors="replace"), b.decode(errors="replace"))
    return Difference(name, summary, details)


def compare_dirs(committed_dir: Path, built_dir: Path, files: list[str]) -> list[Difference]:
    diffs = [compare_file(committed_dir / f, built_dir / f) for f in files]
    return [d for d in diffs if d is not None]


# ---- .tflite ----


def _parse(data: bytes):
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    return schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(data, 0))


def _values(model, tensor) -> np.ndarray | None:
    buf = model.buffers[tensor.buffer] if tensor.buffer < len(model.buffers or []) else None
    if buf is None or buf.data is None or len(buf.data) == 0:
        return None
    dtype = _DTYPES.get(int(tensor.type))
    raw = np.asarray(buf.data, np.uint8).tobytes()
    return np.frombuffer(raw, dtype) if dtype is not None else np.frombuffer(raw, np.uint8)


def _real(values: np.ndarray, tensor) -> np.ndarray:
    """Stored values as real numbers: dequantized with the tensor's (per-channel) scale."""
    q = tensor.quantization
    scales = np.asarray(q.scale if q is not None and q.scale is not None else [], np.float64)
    if not scales.size or not np.issubdtype(values.dtype, np.integer):
        return values.astype(np.float64)
    zps = np.asarray(q.zeroPoint if q.zeroPoint is not None else [0] * scales.size, np.float64)
    if scales.size == 1:
        return (values.astype(np.float64) - zps[0]) * scales[0]
    shape = [int(d) for d in tensor.shape]
    axis = int(q.quantizedDimension)
    vals = values.astype(np.float64).reshape(shape)
    bshape = [1] * len(shape)
    bshape[axis] = scales.size
    return ((vals - zps.reshape(bshape)) * scales.reshape(bshape)).ravel()


def _name(tensor) -> str:
    return tensor.name.decode() if isinstance(tensor.name, bytes) else str(tensor.name)


def _quant(tensor) -> tuple:
    q = tensor.quantization
    if q is None:
        return ((), ())
    return (tuple(np.asarray(q.scale if q.scale is not None else [], np.float32).tolist()),
            tuple(np.asarray(q.zeroPoint if q.zeroPoint is not None else [], np.int64).tolist()))


def tflite_differences(a: bytes, b: bytes) -> list[str]:
    """Tensor-level explanation of two .tflite files that differ (committed a, built b)."""
    try:
        ma, mb = _parse(a), _parse(b)
    except Exception as exc:  # noqa: BLE001 - a truncated file raises anything
        return [f"cannot parse for a tensor-level comparison: {exc}"]
    ga, gb = ma.subgraphs[0], mb.subgraphs[0]
    ops_a = [int(ma.operatorCodes[o.opcodeIndex].builtinCode) for o in ga.operators or []]
    ops_b = [int(mb.operatorCodes[o.opcodeIndex].builtinCode) for o in gb.operators or []]
    if ops_a != ops_b:
        return [f"operators differ: committed {ops_a}, built {ops_b} (builtin codes)"]
    ta, tb = ga.tensors or [], gb.tensors or []
    if len(ta) != len(tb):
        return [f"tensor count differs: committed {len(ta)}, built {len(tb)}"]
    lines: list[str] = []
    worst_lsb, worst_real, worst_where = 0.0, 0.0, ""
    for i, (x, y) in enumerate(zip(ta, tb, strict=True)):
        label = f"tensor #{i} '{_name(x)}' {[int(d) for d in x.shape]}"
        if _name(x) != _name(y) or list(x.shape) != list(y.shape) or x.type != y.type:
            lines.append(f"{label}: name/shape/type differ (built: '{_name(y)}' {[int(d) for d in y.shape]}, "
                         f"type {y.type})")
            continue
        if _quant(x) != _quant(y):
            sa, sb = np.asarray(_quant(x)[0]), np.asarray(_quant(y)[0])
            rel = float(np.max(np.abs(sa - sb) / np.abs(sa))) if sa.shape == sb.shape and sa.size else float("nan")
            lines.append(f"{label}: quantization differs (max relative scale diff {rel:.3g}, zero points "
                         f"{'equal' if _quant(x)[1] == _quant(y)[1] else 'differ'})")
        va, vb = _values(ma, x), _values(mb, y)
        if va is None or vb is None or va.shape != vb.shape:
            if (va is None) != (vb is None):
                lines.append(f"{label}: constant data present in only one file")
            continue
        if np.array_equal(va, vb):
            continue
        stored = np.abs(va.astype(np.float64) - vb.astype(np.float64))
        real = np.abs(_real(va, x) - _real(vb, y))
        count = int(np.count_nonzero(stored))
        first = int(np.flatnonzero(stored)[0])
        lines.append(f"{label}: {count}/{va.size} values differ, first at flat index {first} "
                     f"({va[first]} vs {vb[first]}); max |diff| {stored.max():g} stored units, "
                     f"{real.max():.6g} real")
        if stored.max() > worst_lsb:
            worst_lsb, worst_real, worst_where = float(stored.max()), float(real.max()), _name(x)
    if worst_where:
        lines.insert(0, f"max |weight diff| {worst_lsb:g} stored units ({worst_real:.6g} real) in '{worst_where}'")
    if not lines:
        lines.append("every tensor, quantization and constant is equal: the difference is in metadata "
                     "(e.g. the converter's version or conversion metadata)")
    return lines[:12] + ([f"... and {len(lines) - 12} more"] if len(lines) > 12 else [])


# ---- .npz ----


def npz_differences(a: Path, b: Path) -> list[str]:
    from hil.zoo.npzio import read_npz

    try:
        da, db = read_npz(a), read_npz(b)
    except Exception as exc:  # noqa: BLE001 - a damaged file raises anything
        return [f"cannot read for an array-level comparison: {exc}"]
    lines = []
    for key in sorted(set(da) | set(db)):
        if key not in da or key not in db:
            lines.append(f"array '{key}' only in the {'committed' if key in da else 'built'} file")
            continue
        x, y = da[key], db[key]
        if x.shape != y.shape or x.dtype != y.dtype:
            lines.append(f"array '{key}': committed {x.dtype}{list(x.shape)}, built {y.dtype}{list(y.shape)}")
            continue
        if np.array_equal(x, y):
            continue
        diff = np.abs(x.astype(np.float64) - y.astype(np.float64))
        first = np.unravel_index(int(np.flatnonzero(diff)[0]), x.shape)
        lines.append(f"array '{key}' {x.dtype}{list(x.shape)}: {int(np.count_nonzero(diff))} values differ, "
                     f"first at {list(map(int, first))} ({x[first]} vs {y[first]}), max |diff| {diff.max():.6g}")
    return lines or ["every array is equal: the difference is in the zip container"]


# ---- text ----


def text_differences(a: str, b: str) -> list[str]:
    la, lb = a.splitlines(), b.splitlines()
    for i, (x, y) in enumerate(zip(la, lb, strict=False)):
        if x != y:
            return [f"line {i + 1}: committed: {x.strip()[:150]}", f"line {i + 1}: built:     {y.strip()[:150]}"]
    return [f"committed has {len(la)} lines, built {len(lb)}"]


# ---- equivalence within a stated tolerance (another CPU) ----


@dataclass(frozen=True)
class Tolerance:
    """What `--check` accepts when a rebuild is not byte-identical. Training is float64 and
    deterministic; what may still move on another CPU is the int8 conversion's calibration (the
    TFLite interpreter's float kernels choose SIMD paths at run time), hence activation scales,
    zero points, biases and the quantized vectors. Overridable in model.toml [build]."""

    scale_rtol: float = 1e-5   # quantization scales, relative
    const_lsb: int = 1         # integer constants and zero points, stored units (+ scale_rtol relative)
    vector_lsb: int = 1        # quantized vector inputs
    float_rtol: float = 1e-6   # float constants and float arrays, relative

    @classmethod
    def from_table(cls, table: dict) -> Tolerance:
        known = {k: table[k] for k in ("scale_rtol", "const_lsb", "vector_lsb", "float_rtol") if k in table}
        return cls(**known)

    def describe(self) -> str:
        return (f"same graph, tensor names and shapes; quantization scales within {self.scale_rtol:g} relative; "
                f"zero points and integer constants within {self.const_lsb} LSB (+{self.scale_rtol:g} relative); "
                f"quantized vector inputs within {self.vector_lsb} LSB; labels identical; float values within "
                f"{self.float_rtol:g} relative; the card identical except its numbers")


def _close(a: np.ndarray, b: np.ndarray, lsb: float, rtol: float) -> bool:
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    return bool(np.all(np.abs(a64 - b64) <= lsb + rtol * np.abs(a64)))


def tflite_equivalence(a: bytes, b: bytes, tol: Tolerance) -> list[str]:
    """Problems that make two .tflite files more than numerically different ([] = equivalent)."""
    try:
        ma, mb = _parse(a), _parse(b)
    except Exception as exc:  # noqa: BLE001
        return [f"cannot parse: {exc}"]
    ga, gb = ma.subgraphs[0], mb.subgraphs[0]
    codes = lambda m, g: [int(m.operatorCodes[o.opcodeIndex].builtinCode) for o in g.operators or []]  # noqa: E731
    if codes(ma, ga) != codes(mb, gb) or len(ga.tensors or []) != len(gb.tensors or []):
        return ["different operators or tensor count"]
    problems = []
    for i, (x, y) in enumerate(zip(ga.tensors, gb.tensors, strict=True)):
        label = f"tensor #{i} '{_name(x)}'"
        if _name(x) != _name(y) or list(x.shape) != list(y.shape) or x.type != y.type:
            problems.append(f"{label}: name, shape or type differs")
            continue
        (sa, za), (sb, zb) = _quant(x), _quant(y)
        if len(sa) != len(sb) or not _close(np.asarray(sa), np.asarray(sb), 0, tol.scale_rtol):
            problems.append(f"{label}: scales differ by more than {tol.scale_rtol:g} relative")
        if len(za) != len(zb) or not _close(np.asarray(za), np.asarray(zb), tol.const_lsb, 0):
            problems.append(f"{label}: zero points differ by more than {tol.const_lsb}")
        va, vb = _values(ma, x), _values(mb, y)
        if (va is None) != (vb is None) or (va is not None and va.shape != vb.shape):
            problems.append(f"{label}: constant data differs in presence or size")
        elif va is not None and not np.array_equal(va, vb):
            integer = np.issubdtype(va.dtype, np.integer)
            if not _close(va, vb, tol.const_lsb if integer else 0, tol.scale_rtol if integer else tol.float_rtol):
                problems.append(f"{label}: constants differ beyond the tolerance")
    return problems


def npz_equivalence(a: Path, b: Path, tol: Tolerance) -> list[str]:
    from hil.zoo.npzio import read_npz

    da, db = read_npz(a), read_npz(b)
    if set(da) != set(db):
        return [f"arrays differ: committed {sorted(da)}, built {sorted(db)}"]
    problems = []
    for key in sorted(da):
        x, y = da[key], db[key]
        if x.shape != y.shape or x.dtype != y.dtype:
            problems.append(f"array '{key}': shape or dtype differs")
        elif key == "inputs" or key.startswith("input_"):
            if not _close(x, y, tol.vector_lsb, 0):
                problems.append(f"array '{key}': differs by more than {tol.vector_lsb} LSB")
        elif np.issubdtype(x.dtype, np.floating):
            if not _close(x, y, 0, tol.float_rtol):
                problems.append(f"array '{key}': differs by more than {tol.float_rtol:g} relative")
        elif not np.array_equal(x, y):
            problems.append(f"array '{key}' differs")
    return problems


_NUMBER = re.compile(r"[-+]?\d[\d,]*(\.\d+)?(e[-+]?\d+)?%?")


def text_equivalence(a: str, b: str) -> list[str]:
    if _NUMBER.sub("#", a) == _NUMBER.sub("#", b):
        return []
    return text_differences(a, b)


def equivalence(committed: Path, built: Path, tol: Tolerance) -> list[str]:
    """Why `built` is not equivalent to `committed` within `tol` ([] = equivalent)."""
    if not committed.is_file() or not built.is_file():
        return ["missing file"]
    if committed.suffix == ".tflite":
        return tflite_equivalence(committed.read_bytes(), built.read_bytes(), tol)
    if committed.suffix == ".npz":
        return npz_equivalence(committed, built, tol)
    return text_equivalence(committed.read_text(errors="replace"), built.read_text(errors="replace"))
