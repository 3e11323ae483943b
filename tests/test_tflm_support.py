"""What TFLM itself cannot run is refused on the host before building (hil/engines/tflm_support.py):
float16-weights models, whose DEQUANTIZE takes float16 input (TFLM 90b983c2 fails them in
AllocateTensors on the target). Their float32 and int8 siblings are not refused.

The refusal is checked where a user meets it: the oracle's check, `hil run --engine tflm` and the
float suite under `--engine=tflm`. Those two run against a placeholder TFLM tree (a header and an
empty archive at the paths the harness looks for, tests/test_tflm_tree.py): the refusal must come
before anything is built, so nothing of TFLM is needed, and a build attempt would fail on it."""

from __future__ import annotations

import pytest
from cli_helpers import hil, one_line, pytest_session
from test_tflm_tree import lib, tree

from hil import paths
from hil.boards import find_profile
from hil.engines.engine import BuiltinEngine, TflmEngine
from hil.engines.tflm_support import refusal
from hil.errors import UnsupportedModelError
from hil.model.tflite import load_model

DIGITS = paths.models_dir() / "digits_cnn"
FP16 = DIGITS / "digits_cnn_fp16.tflite"
REASON = "DEQUANTIZE at op #0, #1, #2, #3, #4, #5 (TFLM's DEQUANTIZE takes int8, int16, uint8 input, not float16)"


@pytest.fixture
def placeholder_tree(tmp_path, monkeypatch):
    """A TFLM tree that satisfies the harness's lookup and could build nothing."""
    monkeypatch.delenv("TFLM_ROOT", raising=False)
    monkeypatch.delenv("TFLM_LIB", raising=False)
    root = tree(tmp_path / "tflm")
    lib(root, "cortex_m_generic_cortex-m4+fp_release_gcc")
    return root


def test_float16_weights_are_refused_for_tflm_in_one_line():
    with pytest.raises(UnsupportedModelError) as info:
        TflmEngine().check_model(load_model(FP16), find_profile("qemu"))
    line = info.value.one_line()
    assert "\n" not in line and "the tflm engine cannot run this model" in line
    assert REASON in line and "Nothing was built" in line


@pytest.mark.parametrize("name", ["digits_cnn.tflite", "digits_cnn_float32.tflite"])
def test_int8_and_float32_models_are_left_to_tflm(name):
    assert refusal(load_model(DIGITS / name)) is None
    TflmEngine().check_model(load_model(DIGITS / name), find_profile("qemu"))


def test_float16_weights_are_left_to_the_builtin_engine():
    BuiltinEngine().check_model(load_model(FP16), find_profile("qemu"))


def test_hil_run_refuses_float16_weights_before_building(placeholder_tree, tmp_path):
    cache = tmp_path / "cache"
    result = hil("run", "--engine", "tflm", "--tflm-root", placeholder_tree, "--vectors", "1", "--no-results", FP16,
                 HIL_CACHE_DIR=str(cache))
    line = one_line(result)
    assert line.startswith("hil: [unsupported-model] digits_cnn_fp16.tflite: the tflm engine cannot run this model")
    assert REASON in line and "Nothing was built or flashed" in line
    assert "building" not in result.stderr and not list(cache.glob("build/*")), "refused only after building"


def test_float_suite_skips_float16_variants_under_tflm_with_that_reason(placeholder_tree, tmp_path):
    cache = tmp_path / "cache"
    result = pytest_session("test_suites/test_float.py", "--engine=tflm", f"--tflm-root={placeholder_tree}",
                            "--only-model=digits_cnn_fp16", "--vectors=2", "--no-results", "-rs",
                            HIL_CACHE_DIR=str(cache))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    skips = [line for line in result.stdout.splitlines() if line.startswith("SKIPPED")]
    assert len(skips) == 1 and skips[0].startswith("SKIPPED [2] "), result.stdout[-3000:]
    assert "[unsupported-model] digits_cnn_fp16.tflite: the tflm engine cannot run this model" in skips[0]
    assert REASON in skips[0]
    assert "2 skipped" in result.stdout.splitlines()[-1] and not list(cache.glob("build/*"))
