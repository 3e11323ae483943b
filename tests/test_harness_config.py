"""The harness configuration and the engine objects, without a target: variants keep every
field, each engine answers for its own host checks, CMake arguments and tensor access."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from hil.boards import find_profile
from hil.engines.engine import BuiltinEngine, Engine, TflmEngine, engine_for
from hil.errors import ConfigError, UnsupportedModelError
from hil.harness.config import HarnessConfig
from hil.model.tflite import load_model

ROOT = Path(__file__).resolve().parents[1]
HELLO = ROOT / "models" / "hello_world" / "hello_world.tflite"
HELLO_FLOAT = ROOT / "models" / "hello_world" / "hello_world_float32.tflite"


def test_a_variant_keeps_every_field_and_adds_its_defines(tmp_path):
    config = HarnessConfig(find_profile("qemu-m7"), engine="tflm", defines=("A=1",),
                           backend_options={"cpu_hz": 1_000_000}, tflm_root=str(tmp_path), tflm_lib="lib.a",
                           vector_limit=3,
                           max_restarts=5, max_sessions=1)
    changed = {f.name for f in dataclasses.fields(HarnessConfig)
               if f.name != "profile" and getattr(config, f.name) == f.default}
    assert not changed, f"set every field to a non-default value in this test: {changed}"
    variant = config.variant(("B",))
    for f in dataclasses.fields(HarnessConfig):
        expected = ("A=1", "B") if f.name == "defines" else getattr(config, f.name)
        assert getattr(variant, f.name) == expected, f.name
    assert config.variant(max_sessions=2).max_sessions == 2 and config.defines == ("A=1",)


def test_engines_by_name():
    assert isinstance(engine_for("builtin"), BuiltinEngine) and engine_for("builtin").tensor_access
    tflm = engine_for("tflm", find_profile("qemu"), "/some/tree", "lib.a")
    assert isinstance(tflm, TflmEngine) and not tflm.tensor_access
    assert (tflm.profile.name, tflm.tflm_root, tflm.tflm_lib) == ("qemu", "/some/tree", "lib.a")
    other = engine_for("mine")  # unknown to the host: CMake refuses it, as before the engine objects
    assert type(other) is Engine and other.name == "mine" and other.cmake_args() == ()


def test_the_builtin_engine_checks_the_model_on_the_host():
    float_model = load_model(HELLO_FLOAT)
    BuiltinEngine().check_model(float_model, find_profile("qemu"))
    with pytest.raises(UnsupportedModelError, match="FPU"):
        BuiltinEngine().check_model(float_model, find_profile("qemu-m3"))  # float kernels, no FPU
    TflmEngine(None).check_model(float_model, find_profile("qemu-m3"))  # TFLM decides at link time
    assert BuiltinEngine().model_cmake_args(HELLO) == ()  # int8: no float kernels in the firmware
    assert BuiltinEngine().model_cmake_args(HELLO_FLOAT) == ("-DHIL_FLOAT_KERNELS=ON",)


def test_the_tflm_engine_needs_a_tree(monkeypatch):
    monkeypatch.delenv("TFLM_ROOT", raising=False)
    with pytest.raises(ConfigError, match="--tflm-root"):
        TflmEngine(find_profile("qemu")).check_tools()
