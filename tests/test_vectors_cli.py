"""`hil vectors`: user samples -> quantized vector files, checked against the committed model
vectors (built by the model's own build script) and the real models' quantization parameters."""

from __future__ import annotations

import shutil
import wave
from pathlib import Path

import numpy as np
import pytest

from hil import zoo
from hil.cli import main
from hil.model import catalog
from hil.model.reference import TflmReference
from hil.model.tflite import load_model
from hil.model.vectors import quantize

MODELS = Path(__file__).resolve().parents[1] / "models"
DIGITS = MODELS / "digits_cnn" / "digits_cnn.tflite"
ANOMALY = MODELS / "anomaly_ae" / "anomaly_ae.tflite"


@pytest.fixture
def digits_model(tmp_path: Path) -> Path:
    model = tmp_path / "digits_cnn.tflite"
    shutil.copyfile(DIGITS, model)
    return model


def test_npy_round_trip_reproduces_the_committed_test_split(tmp_path, digits_model, capsys):
    data = zoo.load_source("digits_cnn").dataset()  # scikit-learn only, no TensorFlow
    np.save(tmp_path / "x.npy", data.x_test)
    np.save(tmp_path / "y.npy", data.y_test)
    assert main(["vectors", str(digits_model), str(tmp_path / "x.npy"), "--labels", str(tmp_path / "y.npy")]) == 0
    assert "360 vectors" in capsys.readouterr().out
    out = digits_model.with_suffix(".npz")
    with np.load(out) as made, np.load(MODELS / "digits_cnn" / "test.npz") as committed:
        assert np.array_equal(made["inputs"], committed["inputs"])
        assert made["inputs"].dtype == np.int8 and made["inputs"].shape == (360, 1, 8, 8, 1)
        assert np.array_equal(made["labels"], committed["labels"])
    # the suites pick the file up beside the model (pytest --model digits_cnn.tflite)
    config = catalog.adhoc(digits_model)
    vectors = config.vectors()
    assert config.vectors_file == out and len(vectors) == 360
    ref = TflmReference(digits_model)
    predicted = [int(np.argmax(ref.run(v)[0])) for v in vectors.inputs[:40]]
    assert np.mean(np.array(predicted) == vectors.labels[:40]) > 0.9


def test_png_class_folders_give_labels_and_range_mapping(tmp_path, digits_model):
    from PIL import Image

    images = tmp_path / "images"
    rng = np.random.default_rng(3)
    pixels = {}
    for cls in ("3", "7"):
        (images / cls).mkdir(parents=True)
        for i in range(2):
            p = rng.integers(0, 256, (8, 8), dtype=np.uint8)
            Image.fromarray(p, "L").save(images / cls / f"{i}.png")
            pixels[(cls, i)] = p
    out = tmp_path / "v.npz"
    assert main(["vectors", str(digits_model), str(images), "-o", str(out), "--classes",
                 ",".join(str(d) for d in range(10)), "--range", "0", "1"]) == 0
    spec = load_model(digits_model).input_tensors[0]
    with np.load(out) as made:
        assert made["labels"].tolist() == [3, 3, 7, 7]
        expected = [quantize(pixels[(c, i)] / 255.0, spec.scale, spec.zero_point, np.int8)
                    for c in ("3", "7") for i in range(2)]
        assert np.array_equal(made["inputs"].reshape(4, 8, 8), np.stack(expected))


def test_wrong_image_size_is_refused_unless_fit(tmp_path, digits_model, capsys):
    from PIL import Image

    folder = tmp_path / "big"
    folder.mkdir()
    Image.fromarray(np.full((16, 16), 200, np.uint8), "L").save(folder / "a.png")
    assert main(["vectors", str(digits_model), str(folder), "-o", str(tmp_path / "a.npz")]) == 1
    err = capsys.readouterr().err
    assert "16x16" in err and "--fit" in err and len(err.strip().splitlines()) == 1
    assert main(["vectors", str(digits_model), str(folder), "-o", str(tmp_path / "a.npz"), "--fit"]) == 0


def test_wav_folder_quantized_with_the_anomaly_models_input(tmp_path):
    model = tmp_path / "anomaly_ae.tflite"
    shutil.copyfile(ANOMALY, model)
    spec = load_model(model).input_tensors[0]
    clips = tmp_path / "clips"
    clips.mkdir()
    rng = np.random.default_rng(5)
    pcm = rng.integers(-20000, 20000, (3, spec.size), dtype=np.int16)
    for i, clip in enumerate(pcm):
        with wave.open(str(clips / f"c{i}.wav"), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(16000)
            w.writeframes(clip.tobytes())
    assert main(["vectors", str(model), str(clips)]) == 0
    with np.load(model.with_suffix(".npz")) as made:
        assert "labels" not in made.files
        expected = quantize(pcm / 32768.0, spec.scale, spec.zero_point, np.int8).reshape(3, *spec.shape)
        assert np.array_equal(made["inputs"], expected)


def test_bad_shape_and_existing_output_fail_in_one_line(tmp_path, digits_model, capsys):
    np.save(tmp_path / "bad.npy", np.zeros((5, 7), np.float32))
    assert main(["vectors", str(digits_model), str(tmp_path / "bad.npy")]) == 1
    err = capsys.readouterr().err.strip()
    assert "[configuration]" in err and "[5, 7]" in err and len(err.splitlines()) == 1
    np.save(tmp_path / "ok.npy", np.zeros((2, 8, 8), np.float32))
    assert main(["vectors", str(digits_model), str(tmp_path / "ok.npy")]) == 0
    assert main(["vectors", str(digits_model), str(tmp_path / "ok.npy")]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["vectors", str(digits_model), str(tmp_path / "ok.npy"), "--force"]) == 0


def test_clipping_is_reported(tmp_path, digits_model, capsys):
    np.save(tmp_path / "raw.npy", np.full((2, 8, 8), 16.0))  # raw 0..16 pixels, not scaled like training
    assert main(["vectors", str(digits_model), str(tmp_path / "raw.npy")]) == 0
    out = capsys.readouterr().out
    assert "100.00% of values were clipped" in out and "preprocessed" in out
