"""The model zoo: every source follows the common interface and has its artifacts; the
artifact comparison explains differences; and `hil models build --check` on a real (retrained)
hello_world finds exactly the files that were tampered with, which also shows that a fresh
build reproduces every other committed file byte for byte."""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

import numpy as np
import pytest
from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

from hil import zoo
from hil.cli import main
from hil.errors import BuildError
from hil.model import catalog
from hil.model.tflite import load_model
from hil.zoo.build import run_build
from hil.zoo.check import (
    Tolerance,
    compare_file,
    equivalence,
    first_differing_byte,
    text_differences,
    text_equivalence,
)
from hil.zoo.npzio import read_npz, write_npz

MODELS = Path(__file__).resolve().parents[1] / "models"
HELLO = MODELS / "hello_world"


@pytest.mark.parametrize("name", zoo.names(MODELS))
def test_model_source_interface_and_committed_artifacts(name):
    module = zoo.load_source(name, MODELS)
    directory = MODELS / name
    has_test = (directory / zoo.TEST).is_file()
    for file in zoo.artifacts(name, has_test, MODELS):
        assert (directory / file).is_file(), f"{name}: {file} is not committed"
    config = catalog.load_config(directory / "model.toml")
    assert config.tflite == directory / f"{name}.tflite"
    assert config.extra["quality"]["task"] == module.TASK
    info = load_model(config.tflite)
    assert [t.dtype_name for t in info.input_tensors + info.output_tensors] == ["int8", "int8"]
    vectors = read_npz(directory / zoo.VECTORS)
    assert vectors["inputs"].dtype == np.int8 and 0 < len(vectors["inputs"]) <= 100
    assert vectors["inputs"].shape[1:] == info.input_tensors[0].shape
    assert len(vectors["labels"]) == len(vectors["float_outputs"]) == len(vectors["inputs"])
    assert vectors["float_outputs"].dtype == np.float32
    assert f"# {name}" in (directory / zoo.CARD).read_text()


@pytest.mark.parametrize("name", zoo.names(MODELS))
def test_int16x8_conversion_is_in_the_catalog_with_its_vectors(name):
    """The build's 16x8 conversion (int16 input and output) and its parity vectors (the int8
    ones' samples, quantized for it) enter the catalog through models/<name>/model_int16x8.toml."""
    directory = MODELS / name
    config = catalog.load_config(directory / "model_int16x8.toml")
    assert config.name == f"{name}_int16x8" and config.tflite == directory / f"{name}_int16x8.tflite"
    assert config.vectors_file == directory / zoo.VECTORS_16X8 and config.tolerance_lsb == 0
    info = load_model(config.tflite)
    assert [t.dtype_name for t in info.input_tensors + info.output_tensors] == ["int16", "int16"]
    vectors, int8 = read_npz(config.vectors_file), read_npz(directory / zoo.VECTORS)
    assert vectors["inputs"].dtype == np.int16 and vectors["inputs"].shape[1:] == info.input_tensors[0].shape
    np.testing.assert_array_equal(vectors["labels"], int8["labels"])
    assert config.name in {c.name for c in catalog.discover(MODELS)}


def test_float_variants_are_not_in_the_default_catalog():
    tflites = {c.tflite.name for c in catalog.discover(MODELS)}
    assert "digits_cnn.tflite" in tflites
    assert not [t for t in tflites if t.endswith(("_float32.tflite", "_fp16.tflite"))]
    assert load_model(MODELS / "digits_cnn" / "digits_cnn_float32.tflite").input_tensors[0].dtype_name == "float32"


def test_write_npz_is_byte_reproducible_and_loadable(tmp_path):
    arrays = {"inputs": np.arange(12, dtype=np.int8).reshape(3, 4), "labels": np.array(["a", "b", "c"])}
    write_npz(tmp_path / "a.npz", arrays)
    write_npz(tmp_path / "b.npz", dict(reversed(list(arrays.items()))))
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    loaded = np.load(tmp_path / "a.npz")
    assert np.array_equal(loaded["inputs"], arrays["inputs"]) and loaded["labels"].tolist() == ["a", "b", "c"]


def _weight_offset(data: bytes) -> tuple[int, str]:
    """File offset of the first int8 weight tensor's data, and the tensor's name."""
    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(data, 0))
    for tensor in model.subgraphs[0].tensors:
        buf = model.buffers[tensor.buffer].data
        if tensor.type == schema.TensorType.INT8 and buf is not None and len(buf) >= 64:
            raw = np.asarray(buf, np.uint8).tobytes()
            assert data.count(raw) == 1
            return data.index(raw), tensor.name.decode()
    raise AssertionError("no int8 weight tensor")


def _tamper_tflite(path: Path) -> str:
    data = bytearray(path.read_bytes())
    offset, name = _weight_offset(bytes(data))
    data[offset + 3] = (data[offset + 3] + 2) % 256
    path.write_bytes(bytes(data))
    return name


def _tamper_vectors(path: Path, delta: int = 3) -> None:
    arrays = read_npz(path)
    arrays["inputs"][5] = arrays["inputs"][5] + np.int8(delta)
    write_npz(path, arrays)


def _nudge_scale(path: Path) -> None:
    """Moves one activation scale by one float32 ulp (what another CPU's calibration may do)."""
    data = bytearray(path.read_bytes())
    for t in load_model(path).tensors:
        if t.scales and not t.is_const:
            raw = struct.pack("<f", t.scale)
            if data.count(raw) == 1:
                at = data.index(raw)
                data[at:at + 4] = struct.pack("<f", np.nextafter(np.float32(t.scale), np.float32(1)))
                path.write_bytes(bytes(data))
                return
    raise AssertionError("no uniquely encoded activation scale")


def test_compare_file_names_the_tensor_and_weight_difference(tmp_path):
    built = HELLO / "hello_world.tflite"
    committed = tmp_path / "hello_world.tflite"
    shutil.copyfile(built, committed)
    assert compare_file(committed, built) is None
    name = _tamper_tflite(committed)
    diff = compare_file(committed, built)
    text = "\n".join(diff.lines())
    assert "first differing byte at offset" in diff.summary
    assert f"'{name}'" in text and "1/" in text and "max |weight diff| 2 stored units" in text


def test_compare_file_on_vectors_cards_and_missing_files(tmp_path):
    shutil.copyfile(HELLO / "vectors.npz", tmp_path / "vectors.npz")
    _tamper_vectors(tmp_path / "vectors.npz")
    diff = compare_file(tmp_path / "vectors.npz", HELLO / "vectors.npz")
    assert any("array 'inputs'" in d and "first at [5, 0, 0]" in d and "max |diff| 3" in d for d in diff.details)
    assert text_differences("a\nb\nc", "a\nB\nc")[0].startswith("line 2: committed: b")
    missing = compare_file(tmp_path / "CARD.md", HELLO / "CARD.md")
    assert "not committed" in missing.summary
    assert first_differing_byte(b"abc", b"abd") == 2 and first_differing_byte(b"ab", b"abc") == 2


def test_tolerance_accepts_float_noise_and_refuses_real_changes(tmp_path):
    tol = Tolerance()
    model = tmp_path / "m.tflite"
    shutil.copyfile(HELLO / "hello_world.tflite", model)
    _nudge_scale(model)
    assert compare_file(model, HELLO / "hello_world.tflite") is not None
    assert equivalence(model, HELLO / "hello_world.tflite", tol) == []
    shutil.copyfile(HELLO / "hello_world.tflite", model)
    _tamper_tflite(model)  # a weight moved by 2 LSB
    assert any("constants differ" in p for p in equivalence(model, HELLO / "hello_world.tflite", tol))
    vectors = tmp_path / "vectors.npz"
    shutil.copyfile(HELLO / "vectors.npz", vectors)
    _tamper_vectors(vectors, delta=1)
    assert equivalence(vectors, HELLO / "vectors.npz", tol) == []
    _tamper_vectors(vectors, delta=2)  # now 3 LSB from the original
    assert equivalence(vectors, HELLO / "vectors.npz", tol) == ["array 'inputs': differs by more than 1 LSB"]
    card = (HELLO / "CARD.md").read_text()
    assert text_equivalence(card, card.replace("0.02", "0.03")) == []
    assert text_equivalence(card, card.replace("Goal", "Aim")) != []


def test_broken_source_fails_in_one_line(tmp_path):
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "build.py").write_text("SEED = 1\n")
    with pytest.raises(BuildError) as err:
        run_build("broken", tmp_path / "out", lambda line: None, root=tmp_path)
    assert "lacks dataset, keras_model, train, TASK, CARD, CALIBRATION (or calibration(data))" in str(err.value)


def test_check_retrains_hello_world_and_reports_only_the_tampered_files(tmp_path, monkeypatch, capsys):
    """Retrains hello_world (about 30 s): every untampered committed file must come out byte
    for byte identical, the two tampered ones must be reported with their tensor / array."""
    root = tmp_path / "models"
    shutil.copytree(HELLO, root / "hello_world")
    tensor = _tamper_tflite(root / "hello_world" / "hello_world.tflite")
    _tamper_vectors(root / "hello_world" / zoo.VECTORS)
    monkeypatch.setenv("HIL_MODELS_DIR", str(root))
    assert main(["models", "build", "--check", "hello_world"]) == 1
    out = capsys.readouterr().out
    assert "hello_world: training" in out and "epoch 300/300" in out
    reported = {line.split(":")[0].strip() for line in out.splitlines() if ": differs" in line}
    assert reported == {"hello_world.tflite", "vectors.npz"}
    assert f"'{tensor}'" in out and "array 'inputs'" in out and "beyond the tolerance" in out
    assert "hil models build hello_world" in out  # how to accept the new build
