"""TFLM's sequence and audio example models on QEMU through `hil run --json`, bit-exact with the
host TFLM interpreter driven the same way (sequences of invokes, state reset between them).

Three of them are in ../shared/models (and run in CI); the others come from TFLM's source tree,
which the project does not carry: put them in a folder and point HIL_SHARED_MODELS at it (the
tests skip, naming the file and its origin, when one is absent)."""

import json
import os
import subprocess
import sys

import pytest

from hil import paths

LSTM = "UNIDIRECTIONAL_SEQUENCE_LSTM"
FRONTEND = {"SignalWindow", "SignalRfft", "SignalFilterBank", "SignalPCAN", "SignalFilterBankLog"}
# file, where TFLM keeps it, operators it must contain, vectors, invokes per sequence, bit-exact
MODELS = [
    ("keyword_scrambled_8bit.tflite", "models/", {"SVDF"}, 6, 3, True),
    ("trained_lstm_int8.tflite", "examples/mnist_lstm/", {LSTM}, 4, 2, True),
    ("micro_speech_quantized.tflite", "examples/micro_speech/models/", {"DEPTHWISE_CONV_2D"}, 2, None, True),
    ("keyword_scrambled.tflite", "models/", {"SVDF"}, 6, 3, True),
    # float32: the Cortex-M4F's expf/tanhf differ from the host's in the last bits (within the float tolerance)
    ("trained_lstm.tflite", "examples/mnist_lstm/", {LSTM}, 4, 2, False),
    ("dtln_noise_suppression.tflite", "examples/dtln/", {LSTM}, 4, 2, True),
    ("micro_speech_lstm.tflite", "third_party/xtensa/examples/micro_speech_lstm/", {LSTM}, 2, 2, True),
    ("audio_preprocessor_int8.tflite", "examples/micro_speech/models/", FRONTEND, 4, 4, True),
    ("audio_preprocessor_float.tflite", "examples/micro_speech/models/", FRONTEND, 4, 4, True),
]


def model_path(name: str, origin: str):
    path = paths.shared_models_dir() / name
    if not path.is_file():
        pytest.skip(f"{path} is not present: copy tensorflow/lite/micro/{origin}{name} from a TFLM tree into a "
                    "folder and set HIL_SHARED_MODELS to it")
    return path


@pytest.mark.parametrize("name, origin, ops, vectors, steps, bit_exact", MODELS, ids=[m[0].removesuffix(".tflite")
                                                                           for m in MODELS])
def test_hil_run_json_matches_tflm(name, origin, ops, vectors, steps, bit_exact):
    """Every vector matches TFLM (byte for byte, or within the float tolerance where the target's
    float library differs), in the sequences asked for."""
    args = [sys.executable, "-m", "hil.cli", "run", "--board", "qemu", str(model_path(name, origin)),
            "--vectors", str(vectors), "--json", "--no-results"] + (["--steps", str(steps)] if steps else [])
    result = subprocess.run(args, cwd=paths.REPO_ROOT, capture_output=True, text=True, timeout=1800,
                            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout)
    assert summary["exact"] and summary["mismatching"] == 0 and summary["vectors"] == vectors
    assert (summary["max_abs_diff_lsb"] == 0) == bit_exact
    if steps:
        assert summary["sequences"] == [steps] * (vectors // steps)
    assert {op["op"] for op in summary["per_op"]} >= ops
