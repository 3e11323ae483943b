"""The float32 kernels compiled for the host (ASan + UBSan, HIL_FLOAT_KERNELS) against TFLM's
float reference: the catalog models' float32 and float16-weights conversions, and every
single-operator generator of tests/opgen converted to float32 instead of int8. Also the host's
refusals of float operators agree with the engine's.

On the host (x86-64: no fused multiply-add at -O1, glibc's expf) the kernels follow TFLM's float
reference kernels in loop order and come out bit-identical on these models; the assertion is
the float tolerance of hil/verdicts/float_parity.py all the same, the one the target is held to.
"""

from __future__ import annotations

import hashlib
import inspect
import os
from pathlib import Path

import numpy as np
import opgen
import pytest
from native import NativeRefusal, build_native, run_native

from hil import paths
from hil.boards import find_profile
from hil.engines.oracle import ask, refusal
from hil.engines.table import float_ops
from hil.model import catalog
from hil.model.reference import TflmReference
from hil.model.tflite import load_model
from hil.model.vectors import random_vectors
from hil.verdicts.float_parity import compare_float, host_reference_model

FLOAT_SEEDS = 2  # per generator; the int8 suite covers more seeds of the same shapes


@pytest.fixture(scope="module")
def float_build() -> Path:
    return build_native(("HIL_FLOAT_KERNELS",))


def float_models() -> list[Path]:
    out = []
    for config in catalog.discover():
        stem = config.tflite.with_suffix("")
        out += [p for p in (Path(f"{stem}_float32.tflite"), Path(f"{stem}_fp16.tflite")) if p.is_file()]
    return out


def float_inputs(info, count: int, seed: int) -> list[list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    return [[rng.normal(0, 1, t.shape).astype(np.float32) for t in info.input_tensors] for _ in range(count)]


@pytest.mark.parametrize("model", float_models(), ids=lambda p: p.stem)
def test_catalog_float_model_natively(model, float_build):
    info = load_model(model)
    assert float_ops(info) and refusal(info, find_profile("qemu")) is None
    vectors = float_inputs(info, 10, seed=1)
    got = run_native(model, vectors, [(t.shape, t.np_dtype) for t in info.output_tensors], float_build)
    reference = TflmReference(host_reference_model(model))
    worst = max((compare_float(g, reference.run(v)) for g, v in zip(got, vectors, strict=True)),
                key=lambda p: p.max_abs_error)
    print(f"{model.name}: {worst.message()}")
    assert worst.within_tolerance, worst.message()


# ---- single-operator float models from the opgen generators ----


def _convert_float(fn, seed: int) -> bytes:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    tf.keras.utils.set_random_seed(seed)
    built = fn(np.random.default_rng(seed))
    assert not isinstance(built, bytes), f"{fn.__name__} writes its own model: register it with quant='none' or 'int16'"
    return tf.lite.TFLiteConverter.from_keras_model(built[0]).convert()


def float_op_cases() -> list[tuple[str, Path]]:
    """(id, float32 .tflite) for every generator and seed, converted once and cached."""
    opgen._load_generators()
    out_dir = paths.cache_dir() / "opgen-f32"
    out_dir.mkdir(parents=True, exist_ok=True)
    cases = []
    for op in sorted(opgen.REGISTRY):
        for fn in opgen.REGISTRY[op]:
            if not getattr(fn, "int8_io", True) or fn.quant != "int8" or fn.written:
                continue  # float only at the edges (QUANTIZE / DEQUANTIZE), int16, unquantized or written models
            source = inspect.getsource(inspect.getmodule(fn))
            for seed in range(FLOAT_SEEDS):
                key = hashlib.sha256(f"f32\0{op}\0{seed}\0{source}".encode()).hexdigest()[:16]
                path = out_dir / f"{op.lower()}-{fn.__name__}-s{seed}-{key}.tflite"
                if not path.exists():
                    tmp = path.with_suffix(f".{os.getpid()}.tmp")  # xdist workers may convert the same case
                    tmp.write_bytes(_convert_float(fn, seed))
                    tmp.replace(path)
                cases.append((f"{op}-{fn.__name__}-s{seed}", path))
    return cases


def pytest_generate_tests(metafunc):
    if "float_case" in metafunc.fixturenames:
        cases = float_op_cases()
        metafunc.parametrize("float_case", [p for _, p in cases], ids=[i for i, _ in cases])


def test_single_op_float_natively(float_case, float_build):
    info = load_model(float_case)
    problem = refusal(info, find_profile("qemu"))
    vectors = random_vectors(info.input_tensors, 6, seed=3).inputs
    specs = [(t.shape, t.np_dtype) for t in info.output_tensors]
    try:
        got = run_native(float_case, vectors, specs, float_build)
    except NativeRefusal as exc:
        assert problem, f"the engine refused {float_case.name} ({exc}) but the host accepts it"
        assert ask(info, find_profile("qemu")).message[:159] == str(exc), (str(exc), problem)  # host runner: 160 B
        pytest.skip(f"refused by host and engine alike: {exc}")
    assert problem is None, f"the host refuses {float_case.name} ({problem}) but the engine ran it"
    reference = TflmReference(float_case)
    for i, vector in enumerate(vectors):
        parity = compare_float(got[i], reference.run(vector))
        assert parity.within_tolerance, f"{float_case.name} vector {i} ({info.op_histogram()}): {parity.message()}"
