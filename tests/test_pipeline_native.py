"""Pipelines (several models in sequence on one target, hil/model/pipeline.py and
firmware/engines/builtin/pipeline.c) through the built-in engine on the host: every stage's
outputs bit-exact with TFLM running the same chain, stages run several times per pipeline run,
state carried over, and refusals that name the stage."""

import wave

import numpy as np
import pytest
from native import NativeRefusal, build_native, run_native
from seqmodels import shared_model

from hil.boards import find_profile
from hil.engines.oracle import refusal
from hil.errors import ConfigError
from hil.model.pipeline import PipelineReference, Stage, container_bytes, read_container, write_container
from hil.model.recordings import Framing, recording_vectors
from hil.model.reference import TflmReference
from hil.model.tflite import load_model
from hil.model.vectors import quantize, random_vectors


def chains():
    """(id, stages) of pipelines of third-party models whose outputs fit the next inputs."""
    hello, speech = "hello_world_int8.tflite", "micro_speech_quantized.tflite"
    return [
        ("hello-x3", [(hello, 1), (hello, 1), (hello, 1)]),  # one invoke each, byte for byte
        ("hello1960-speech", [(hello, 1960), (speech, 1)]),  # 1960 outputs stacked into one input
        ("dtln49-lstm", [("dtln_noise_suppression.tflite", 49), ("micro_speech_lstm.tflite", 1)]),  # with state
        # TFLM's micro_speech audio frontend (signal operators, with state) over 49 windows into its classifier
        ("audio49-speech", [("audio_preprocessor_int8.tflite", 49), (speech, 1)]),
    ]


def stages_of(spec):
    return [Stage(shared_model(name), invokes) for name, invokes in spec]


def test_container_round_trip():
    hello = shared_model("hello_world_int8.tflite")
    stages = [Stage(hello, 3, "first"), Stage(hello)]
    data = container_bytes(stages)
    assert data[:4] == b"HILP"
    path = write_container(stages)
    read = read_container(path)
    assert [(invokes, name) for _, invokes, name in read] == [(3, "first"), (1, "hello_world_int8")]
    assert all(model == stages[0].tflite.read_bytes() for model, _, _ in read)
    info = load_model(path)
    assert [t.shape for t in info.input_tensors] == [(3, 1, 1)]
    assert [t.shape for t in info.output_tensors] == [(3, 1, 1), (1, 1)]
    assert len(info.ops) == 2 * len(load_model(stages[0].tflite).ops)


@pytest.mark.parametrize("name, spec", chains(), ids=[c[0] for c in chains()])
def test_pipeline_every_stage_bit_exact_natively(name, spec):
    container = write_container(stages_of(spec))
    info = load_model(container)
    vectors = random_vectors(info.input_tensors, 3, seed=4).inputs
    got = run_native(container, vectors, [(t.shape, t.np_dtype) for t in info.output_tensors], build_native())
    reference = PipelineReference(info, TflmReference)
    for i, vector in enumerate(vectors):
        want = reference.run(vector)
        for k, view in enumerate(info.pipeline.stages):
            for o in view.outputs:
                assert np.array_equal(got[i][o], want[o]), f"{name} vector {i} stage {k} output {o}"
    assert all(len(np.unique(got[i][-1])) >= 1 for i in range(3))


def test_stage_that_does_not_fit_the_next_is_refused_naming_it(tmp_path):
    container = write_container(stages_of([("hello_world_int8.tflite", 5), ("micro_speech_quantized.tflite", 1)]))
    with pytest.raises(NativeRefusal, match=r"^stage 1: pipeline: a stage's outputs per run differ in size"):
        run_native(container, [[np.zeros((5, 1, 1), np.int8)]], [], build_native())
    reason = refusal(load_model(container), find_profile("qemu"))  # the host asks the same code first
    assert reason.startswith("stage 1 'micro_speech_quantized': pipeline: a stage's outputs per run differ"), reason


def test_unsupported_operator_is_named_in_its_stage(tmp_path):
    from malformed_models import WHILE, with_operator

    broken = tmp_path / "speech_while.tflite"
    broken.write_bytes(with_operator(shared_model("micro_speech_quantized.tflite").read_bytes(), 2, WHILE))
    container = write_container([Stage(shared_model("hello_world_int8.tflite"), 1960), Stage(broken, 1, "keyword")])
    reason = refusal(load_model(container), find_profile("qemu"))
    assert reason.startswith("stage 1 'keyword': no kernel for WHILE (int8) at op #2"), reason


def test_too_many_stages_is_one_line():
    with pytest.raises(ConfigError, match="1 to 4 stages"):
        container_bytes([Stage(shared_model("hello_world_int8.tflite"))] * 5)


def _wav(path, samples, rate=16000):
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(rate)
        f.writeframes(np.asarray(samples, "<i2").tobytes())
    return path


def test_wav_and_csv_recordings_are_framed_into_input_windows(tmp_path):
    """keyword_scrambled takes int16 [1, 96]: a WAV is cut into windows of 96 samples, 48 apart;
    a pipeline whose first stage runs 3 times takes 3 windows per vector; a CSV stream is read
    in full-scale units and quantized with the input's scale."""
    model = load_model(shared_model("keyword_scrambled.tflite"))
    samples = (np.arange(1000) * 7 % 65536 - 32768).astype(np.int16)
    wav = _wav(tmp_path / "a.wav", samples)
    vectors = recording_vectors([wav], model.input_tensors[0], 1, Framing(96, 48, 16000))
    assert len(vectors) == 1 + (1000 - 96) // 48 and vectors.sequences == [range(len(vectors))]
    assert np.array_equal(vectors.inputs[2][0].ravel(), samples[96:192])
    stacked = load_model(write_container([Stage(shared_model("keyword_scrambled.tflite"), 3)]))
    triples = recording_vectors([wav], stacked.input_tensors[0], 3, Framing(96, 48))
    assert triples.inputs[1][0].shape == (3, 1, 96)
    assert np.array_equal(triples.inputs[1][0][0].ravel(), samples[3 * 48:3 * 48 + 96])
    csv = tmp_path / "s.csv"
    csv.write_text("x\n" + "\n".join(f"{v:.4f}" for v in np.linspace(-1, 1, 10)) + "\n")
    hello = load_model(shared_model("hello_world_int8.tflite"))
    framed = recording_vectors([csv], hello.input_tensors[0], 1, Framing())
    spec = hello.input_tensors[0]
    assert len(framed) == 10 and framed.inputs[9][0] == quantize(np.ones((1, 1)), spec.scale, spec.zero_point, np.int8)
    with pytest.raises(ConfigError, match="sampled at 8000 Hz"):
        recording_vectors([_wav(tmp_path / "b.wav", samples, 8000)], model.input_tensors[0], 1,
                          Framing(sample_rate=16000))
