"""Pipelines on QEMU (the real firmware) against TFLM running the same chain: `hil run --pipeline
--json`, stage-by-stage parity with a stage run several times per pipeline run, a pipeline with
state in sequences, recordings as inputs, and a failure that names its stage and, through the
debug firmware, the operator."""

import json
import os
import subprocess
import sys
import wave

import numpy as np
import pytest
from seqmodels import shared_model

from hil import paths
from hil.boards import find_profile
from hil.engines.oracle import ask
from hil.harness.config import HarnessConfig
from hil.harness.runner import Harness
from hil.model import catalog
from hil.model.recordings import Framing
from hil.verdicts.stage_divergence import explain_failure

VECTORS = 3


@pytest.fixture(scope="module")
def harness():
    h = Harness(HarnessConfig(find_profile("qemu"), vector_limit=VECTORS))
    yield h
    h.close()


def pipeline(*stages, steps=None):
    return catalog.adhoc_pipeline([f"{shared_model(name)}:{invokes}" for name, invokes in stages], vectors=VECTORS,
                                  steps=steps)


def hil_run(*args):
    command = [sys.executable, "-m", "hil.cli", "run", "--board", "qemu", "--json", "--no-results", *args]
    result = subprocess.run(command, cwd=paths.REPO_ROOT, capture_output=True, text=True, timeout=1800,
                            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def test_hil_run_pipeline_json_two_stages(tmp_path):
    """hello_world 1960 times per run, its outputs stacked into micro_speech's 1960 inputs."""
    summary = hil_run("--pipeline", f"{shared_model('hello_world_int8.tflite')}:1960",
                      str(shared_model("micro_speech_quantized.tflite")), "--vectors", str(VECTORS))
    assert summary["exact"] and summary["vectors"] == VECTORS
    assert [(s["name"], s["invokes"], s["first_to_differ"]) for s in summary["stages"]] == [
        ("hello_world_int8", 1960, 0), ("micro_speech_quantized", 1, 0)]
    assert len(summary["per_op"]) == 3 + 4  # hello_world's 3 operators, then micro_speech's 4


def test_pipeline_arena_is_the_oracles(harness):
    config = pipeline(("hello_world_int8.tflite", 1960), ("micro_speech_quantized.tflite", 1))
    device = harness.target(config).device
    assert device.ready.arena_used == ask(config.info(), harness.profile).arena_used > 0
    harness.discard(config)


def test_pipeline_with_state_in_sequences(harness):
    """DTLN (two LSTMs with state) 49 times per run into the micro_speech LSTM: every stage's
    outputs bit-exact, the state carried over inside a sequence and reset between them."""
    config = pipeline(("dtln_noise_suppression.tflite", 49), ("micro_speech_lstm.tflite", 1), steps=2)
    results = [harness.run_vector(config, i) for i in range(VECTORS)]
    harness.discard(config)
    assert all(r.parity.exact and not r.stage for r in results), [r.parity.message() for r in results]


def _wav(path, samples):
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(16000)
        f.writeframes(np.asarray(samples, "<i2").tobytes())
    return path


def test_wav_recording_through_a_streaming_model(harness, tmp_path):
    """A WAV framed into keyword_scrambled's int16 windows of 96 samples, 48 apart: one sequence
    (the SVDF histories carry over through the recording), bit-exact invoke by invoke."""
    t = np.arange(96 * 6) / 16000
    samples = (8000 * np.sin(2 * np.pi * 440 * t) + 3000 * np.sin(2 * np.pi * 1300 * t)).astype(np.int16)
    config = catalog.adhoc(shared_model("keyword_scrambled.tflite"))
    config.recordings, config.framing = [_wav(tmp_path / "tone.wav", samples)], Framing(96, 48, 16000)
    vectors = config.vectors()
    assert vectors.sequences == [range(len(vectors))] and len(vectors) == 11
    whole = Harness(HarnessConfig(harness.profile))  # every window: the module's harness keeps 3 vectors
    try:
        results = [whole.run_vector(config, i) for i in range(len(vectors))]
    finally:
        whole.close()
    assert all(r.parity.exact for r in results)


def test_stage_failure_names_the_stage_and_the_operator(harness):
    """A test-only defect corrupts DEPTHWISE_CONV_2D, which only the second stage has: the first
    stage matches, the failure names the second, and the debug firmware runs that stage alone
    on the inputs it had and names its operator."""
    broken = harness.variant(("HIL_TEST_BREAK_OPCODE=4",))
    try:
        config = pipeline(("hello_world_int8.tflite", 1960), ("micro_speech_quantized.tflite", 1))
        result = broken.run_vector(config, 0)
        assert not result.parity.within_tolerance
        assert result.stage == "stage 1 'micro_speech_quantized' (2 of 2)"
        divergence = explain_failure(broken, config, 0, result)
        assert divergence.status == "found" and divergence.op == "DEPTHWISE_CONV_2D" and divergence.op_index == 1
        assert divergence.message().startswith("first divergent operator: in stage 1 'micro_speech_quantized' "
                                               "(2 of 2), its invoke 0 of vector 0: op #1 DEPTHWISE_CONV_2D")
    finally:
        broken.close()


def test_wav_through_tflm_audio_frontend_into_micro_speech(harness, tmp_path):
    """TFLM's micro_speech chain from raw audio: a 2 s 16 kHz WAV framed into 30 ms windows 20 ms
    apart, audio_preprocessor_int8 (signal operators, with state) 49 times per run, its 49 x 40
    features stacked into micro_speech: both runs of the recording (one sequence) exact at every stage."""
    t = np.arange(32000) / 16000
    rng = np.random.default_rng(7)
    samples = (6000 * np.sin(2 * np.pi * 440 * t) * (t < 1) + 4000 * np.sin(2 * np.pi * 1800 * t) * (t >= 1)
               + rng.normal(0, 300, t.size)).astype(np.int16)
    config = pipeline(("audio_preprocessor_int8.tflite", 49), ("micro_speech_quantized.tflite", 1))
    config.recordings, config.framing = [_wav(tmp_path / "tones.wav", samples)], Framing(480, 320, 16000)
    vectors = config.vectors()
    assert vectors.sequences == [range(2)]
    results = [harness.run_vector(config, i) for i in range(len(vectors))]
    harness.discard(config)
    assert all(r.parity.exact and not r.stage for r in results), [r.parity.message() for r in results]
