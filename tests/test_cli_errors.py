"""User errors end in one line and a non-zero exit, before anything is built or flashed."""

import os
import subprocess
import sys
from pathlib import Path

from malformed_models import WHILE, with_operator

from hil import paths

ROOT = Path(__file__).resolve().parents[1]


def run(*args, timeout=120):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env=env)


def test_renode_without_renode_is_one_line():
    result = run("-m", "pytest", "--board=renode", "test_suites")
    assert result.returncode != 0
    lines = [ln for ln in (result.stdout + result.stderr).splitlines() if ln.strip()]
    assert len(lines) == 1, lines
    assert "Renode" in lines[0] and "install" in lines[0]


def test_unknown_board_is_one_line():
    result = run("-m", "pytest", "--board=no-such-board", "test_suites")
    lines = [ln for ln in (result.stdout + result.stderr).splitlines() if ln.strip()]
    assert result.returncode != 0 and len(lines) == 1 and "unknown board" in lines[0]


def test_hil_run_refuses_unsupported_model_before_building(tmp_path):
    env_cache = tmp_path / "cache"
    model = tmp_path / "hello_world_while.tflite"  # its FULLY_CONNECTED turned into WHILE (control flow)
    model.write_bytes(with_operator((paths.models_dir() / "hello_world" / "hello_world.tflite").read_bytes(), 1, WHILE))
    result = subprocess.run([sys.executable, "-m", "hil.cli", "run", str(model)], cwd=ROOT, capture_output=True,
                            text=True, env=dict(os.environ, HIL_CACHE_DIR=str(env_cache), TF_CPP_MIN_LOG_LEVEL="3"))
    assert result.returncode != 0
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "no kernel for WHILE (int8) at op #1" in lines[0], lines
    assert "Nothing was built or flashed" in lines[0]
    assert not (env_cache / "firmware").exists()  # nothing was built (a wall-time bound flaked under load)
