"""Models that keep state across invokes, through the built-in engine on the host against TFLM
driven the same way: every operator's output of every invoke, in sequences with the state
reset between them (hil_host_runner STEPS, the host interpreter's reset())."""

import numpy as np
import pytest
from native import build_native, run_native
from seqmodels import expose_all_outputs, shared_model

from hil.engines.table import float_ops
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


def state_cases():
    import opgen
    return opgen.cases(["SVDF", "UNIDIRECTIONAL_SEQUENCE_LSTM", "VAR_HANDLE"], seeds=range(2))


@pytest.mark.parametrize("case", state_cases(), ids=lambda c: c.id)
def test_generated_state_is_carried_over_and_reset(case):
    """The generated models with state (tests/opgen/sequence.py), their vectors in sequences of 3
    and alone: each bit-exact with TFLM driven the same way (float32 too: TFLM's loop order), and
    carrying the state over changes outputs after a sequence's first step."""
    info = load_model(case.tflite)
    is_float = bool(float_ops(info))
    build = build_native(("HIL_FLOAT_KERNELS",) if is_float else ())
    vectors = case.vectors(VECTORS, seed=case.seed)
    specs = [(t.shape, t.np_dtype) for t in info.output_tensors]
    runs = {steps: run_native(case.tflite, vectors, specs, build, steps=steps) for steps in (STEPS, 1)}
    for steps, got in runs.items():
        for i, (g, w) in enumerate(zip(got, host_outputs(case.tflite, vectors, steps), strict=True)):
            assert all(np.array_equal(a, b) for a, b in zip(g, w, strict=True)), f"{case.id} steps {steps} vector {i}"
    carried, alone = runs[STEPS], runs[1]
    assert any(not np.array_equal(carried[i][0], alone[i][0]) for i in range(VECTORS) if i % STEPS), case.id


LSTM_MODELS = ["trained_lstm_int8.tflite", "trained_lstm.tflite", "micro_speech_lstm.tflite",
               "dtln_noise_suppression.tflite"]  # mnist_lstm int8 and float32, TFLM's two LSTM examples


@pytest.mark.parametrize("name", LSTM_MODELS)
def test_lstm_model_every_operator_bit_exact_across_invokes(name, tmp_path):
    """TFLM's LSTM example models, every operator's output of every invoke in sequences of 3
    (DTLN's hidden and cell states are variables carried over; float32 bit for bit as well)."""
    model = expose_all_outputs(shared_model(name), tmp_path / name)
    info = load_model(model)
    vectors = random_vectors(info.input_tensors, VECTORS, seed=5).inputs
    specs = [(t.shape, t.np_dtype) for t in info.output_tensors]
    build = build_native(("HIL_FLOAT_KERNELS",) if float_ops(info) else ())
    got, want = run_native(model, vectors, specs, build, steps=STEPS), host_outputs(model, vectors, STEPS)
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        differ = [k for k, (a, b) in enumerate(zip(g, w, strict=True)) if not np.array_equal(a, b)]
        assert not differ, f"{name} vector {i}: outputs of ops {differ} differ ({compare_outputs(g, w).message()})"


SIGNAL_STATE = ["delay", "framer", "stacker", "spectral_subtraction", "overlap_add_int16"]  # float: test_float_native


@pytest.mark.parametrize("name", SIGNAL_STATE)
def test_signal_operator_state_is_reset_between_sequences(name, tmp_path):
    """Signal operators with state of their own (delay lines, framers, stackers, the noise estimate,
    overlap-add buffers) in sequences of 3, reset between them, match TFLM reset the same way. (The
    built-in engine once left their reset hooks unregistered: a sequence started from the state the
    one before left, and an audio pipeline's second recording differed from TFLM on the target.)"""
    from opgen import signal as signal_generators

    generate = getattr(signal_generators, name)
    rng = np.random.default_rng(3)
    model = tmp_path / f"{name}.tflite"
    model.write_bytes(generate(rng))
    info = load_model(model)
    vectors = [generate.sample(rng, [(tuple(t.shape), t.np_dtype) for t in info.input_tensors])
               for _ in range(VECTORS)]
    got = run_native(model, vectors, [(t.shape, t.np_dtype) for t in info.output_tensors], build_native(),
                     steps=STEPS)
    for i, (g, w) in enumerate(zip(got, host_outputs(model, vectors, STEPS), strict=True)):
        parity = compare_outputs(g, w)
        assert parity.exact, f"{name} vector {i} (step {i % STEPS + 1} of {STEPS}): {parity.message()}"
