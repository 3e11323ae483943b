"""Models that keep state across invokes, through the built-in engine on the host against TFLM
driven the same way: every operator's output of every invoke, in sequences with the state
reset between them (hil_host_runner STEPS, the host interpreter's reset())."""

import numpy as np
import pytest
from native import build_native, run_native
from seqmodels import expose_all_outputs, shared_model, svdf_model

from hil.model.reference import TflmReference
from hil.model.tflite import load_model
from hil.model.vectors import random_vectors
from hil.verdicts.parity import compare_outputs

STEPS, VECTORS = 3, 9
SVDF_MODELS = ["keyword_scrambled_8bit.tflite", "keyword_scrambled.tflite"]  # int8 and int16 state


def host_outputs(model, vectors, steps):
    ref = TflmReference(model)
    out = []
    for i, vector in enumerate(vectors):
        if steps and i % steps == 0:
            ref.reset()
        out.append(ref.run(vector))
    return out


def run_both(model, steps):
    info = load_model(model)
    vectors = random_vectors(info.input_tensors, VECTORS, seed=5).inputs
    specs = [(t.shape, t.np_dtype) for t in info.output_tensors]
    return run_native(model, vectors, specs, build_native(), steps=steps), host_outputs(model, vectors, steps)


@pytest.mark.parametrize("name", SVDF_MODELS)
def test_svdf_model_every_operator_bit_exact_across_invokes(name, tmp_path):
    model = expose_all_outputs(shared_model(name), tmp_path / name)
    got, want = run_both(model, STEPS)
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        parity = compare_outputs(g, w)
        assert parity.exact, f"{name} vector {i} (step {i % STEPS + 1} of {STEPS}): {parity.message()}"


def test_svdf_state_carries_over_and_reset_clears_it(tmp_path):
    """The same vectors with the state reset before each (steps 1) and carried over (steps 3):
    both match TFLM, and the carried state changes the SVDF outputs after a sequence's first step.
    (keyword_scrambled, int16 state: keyword_scrambled_8bit's SVDF outputs all saturate to -128 or
    127, so its history never shows in them.)"""
    name = "keyword_scrambled.tflite"
    model = expose_all_outputs(shared_model(name), tmp_path / name)
    carried, carried_host = run_both(model, STEPS)
    alone, alone_host = run_both(model, 1)
    for got, want in ((carried, carried_host), (alone, alone_host)):
        assert all(compare_outputs(g, w).exact for g, w in zip(got, want, strict=True))
    svdf = [i for i, op in enumerate(load_model(shared_model(name)).ops) if op.name == "SVDF"]
    for i in range(VECTORS):
        same = all(np.array_equal(carried[i][k], alone[i][k]) for k in svdf)
        assert same == (i % STEPS == 0), f"vector {i}: SVDF outputs {'equal' if same else 'differ'} with/without state"


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("kind", ["int8", "int16", "float32"])
def test_generated_svdf_bit_exact_across_invokes(kind, seed, tmp_path):
    """One SVDF of random size, rank and state type, its state carried over three invokes and
    reset: bit-exact with TFLM (float32 too: TFLM's loop order, checked bit for bit here)."""
    model = tmp_path / f"svdf_{kind}_{seed}.tflite"
    model.write_bytes(svdf_model(np.random.default_rng(seed), kind))
    build = build_native(("HIL_FLOAT_KERNELS",)) if kind == "float32" else build_native()
    info = load_model(model)
    vectors = random_vectors(info.input_tensors, VECTORS, seed=seed).inputs
    got = run_native(model, vectors, [(t.shape, t.np_dtype) for t in info.output_tensors], build, steps=STEPS)
    want = host_outputs(model, vectors, STEPS)
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        assert np.array_equal(g[0], w[0]), f"{kind} seed {seed} vector {i}: {g[0]} vs {w[0]}"
    assert len({g[0].tobytes() for g in got}) > 1  # the outputs move with the input
    alone = run_native(model, vectors, [(t.shape, t.np_dtype) for t in info.output_tensors], build, steps=1)
    assert any(not np.array_equal(alone[i][0], got[i][0]) for i in range(VECTORS) if i % STEPS)  # and the state
