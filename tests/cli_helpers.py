"""Running `hil` and pytest as a user would (subprocesses from the checkout) and reading their
one-line refusals; shared by the tests of bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HELLO = ROOT / "models" / "hello_world" / "hello_world.tflite"


def _env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("HIL_RESULTS_DB", "PYTEST_ADDOPTS", "GITHUB_STEP_SUMMARY", "HIL_BOARDS_PATH")}
    return {**env, "TF_CPP_MIN_LOG_LEVEL": "3", **extra}


def hil(*args: str, cwd: Path = ROOT, timeout: float = 600, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hil.cli", *map(str, args)], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=_env(**env))


def pytest_session(*args: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=900, env=_env(**env))


def one_line(result: subprocess.CompletedProcess) -> str:
    """The single non-empty line of a refusal (non-zero exit, no traceback); "[hil] " progress
    lines (building, starting the board) before it are not part of the refusal."""
    text = result.stdout + result.stderr
    assert result.returncode != 0, text
    assert "Traceback" not in text, text
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("[hil] ")]
    assert len(lines) == 1, lines
    return lines[0]
