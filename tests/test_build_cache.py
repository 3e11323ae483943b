"""Firmware builds are cached by content: same inputs build nothing, any change rebuilds."""

import shutil

import pytest

from hil import paths
from hil.harness.build import build_firmware, source_hash

MODEL = paths.models_dir() / "hello_world" / "hello_world.tflite"


@pytest.fixture
def private_cache(tmp_path, monkeypatch):
    """A private cache and a frozen copy of the firmware sources, so nothing else changes them."""
    shutil.copytree(paths.firmware_dir(), tmp_path / "firmware")
    monkeypatch.setenv("HIL_FIRMWARE_DIR", str(tmp_path / "firmware"))
    monkeypatch.setenv("HIL_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path


def test_second_build_is_a_cache_hit(private_cache):
    first = build_firmware("mps2_an386", MODEL)
    second = build_firmware("mps2_an386", MODEL)
    assert not first.cached and second.cached
    assert first.elf == second.elf and first.elf.is_file()
    assert first.footprint.flash_bytes > MODEL.stat().st_size  # the model is embedded in flash


def test_model_change_rebuilds_with_a_new_key(private_cache):
    other = private_cache / "other.tflite"
    shutil.copyfile(paths.shared_models_dir() / "hello_world_int8.tflite", other)
    a = build_firmware("mps2_an386", MODEL)
    b = build_firmware("mps2_an386", other)
    assert a.key != b.key and not b.cached


def test_checkouts_with_the_same_sources_share_one_cache(private_cache, monkeypatch):
    """Two worktrees at the same commit with HIL_CACHE_DIR in common: the second reuses the first's
    ELF and builds a new model in a build tree of its own (CMake refuses one configured elsewhere)."""
    first = build_firmware("mps2_an386", MODEL)
    shutil.copytree(private_cache / "firmware", private_cache / "checkout2" / "firmware")
    monkeypatch.setenv("HIL_FIRMWARE_DIR", str(private_cache / "checkout2" / "firmware"))
    assert build_firmware("mps2_an386", MODEL).cached
    other = private_cache / "other.tflite"
    shutil.copyfile(paths.shared_models_dir() / "hello_world_int8.tflite", other)
    built = build_firmware("mps2_an386", other)
    assert not built.cached and built.elf.is_file() and built.key != first.key


def test_test_defines_change_the_key(private_cache):
    a = build_firmware("mps2_an386", MODEL)
    b = build_firmware("mps2_an386", MODEL, defines=("HIL_TEST_BREAK_ROUNDING",))
    assert a.key != b.key


def test_source_hash_sees_firmware_edits(tmp_path):
    fw = tmp_path / "fw"
    shutil.copytree(paths.firmware_dir(), fw)
    before = source_hash(fw)
    (fw / "agent" / "hil_agent.c").write_text((fw / "agent" / "hil_agent.c").read_text() + "\n/* edit */\n")
    assert source_hash(fw) != before
