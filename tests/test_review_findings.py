"""Findings of the review of issue 14 (defect 11): a harness variant keeps the TFLM tree, the
quality suite reports a target failure in its category, the repo paths that comments point at
exist, and emulator sessions leave no folders or logs behind."""

from __future__ import annotations

import dataclasses
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from hil.boards import find_profile
from hil.errors import HilError
from hil.harness.config import HarnessConfig
from hil.harness.runner import Harness

ROOT = Path(__file__).resolve().parents[1]
HELLO = ROOT / "models" / "hello_world" / "hello_world.tflite"


def test_a_harness_variant_keeps_the_tflm_tree(tmp_path):
    """The robustness suite's faulting and hanging builds come from Harness.variant(); under
    --engine tflm they must link the same user-supplied TFLM tree."""
    config = HarnessConfig(find_profile("qemu"), engine="tflm", tflm_root=str(tmp_path / "tflm"), defines=("A=1",))
    variant = Harness(config).variant(("HIL_TEST_HANG_AT_INVOKE=3",))
    assert variant.config.tflm_root == variant.engine.tflm_root == str(tmp_path / "tflm")
    assert (variant.engine.name, variant.config.defines) == ("tflm", ("A=1", "HIL_TEST_HANG_AT_INVOKE=3"))


def test_a_target_fault_in_the_quality_suite_is_a_categorised_failure(tmp_path):
    """The second inference of the quality suite's firmware faults: the test must fail as a hard
    fault (as every suite does), not with a TypeError from its own error handling."""
    db = tmp_path / "r.sqlite"
    env = {k: v for k, v in os.environ.items() if k not in ("HIL_RESULTS_DB", "PYTEST_ADDOPTS")}
    result = subprocess.run([sys.executable, "-m", "pytest", "test_suites/test_quality.py", "--only-model",
                             "hello_world", "--hil-define=HIL_TEST_FAULT_AT_INVOKE=2", f"--results-db={db}",
                             f"--quality-json={tmp_path / 'q.json'}", "-p", "no:cacheprovider", "-q"],
                            cwd=ROOT, capture_output=True, text=True, timeout=900, env=env)
    assert result.returncode == 1, result.stdout[-3000:]
    (category, message), = sqlite3.connect(db).execute("SELECT category, message FROM results").fetchall()
    assert category == "hard-fault" and "TypeError" not in message, message


# -- pointers in comments ---------------------------------------------------------------------

REPO_PATH = re.compile(r"\b((?:hil|tests|firmware|docs|models|test_suites|bench|baselines)/[\w./-]*\w)")


def _commented_files() -> list[Path]:
    """The operator lists of the built-in engine and the board profiles: their comments tell a
    newcomer where the other half of each fact lives."""
    return sorted([*ROOT.glob("firmware/**/ops*.def"), *(ROOT / "hil" / "boards" / "profiles").glob("*.toml")])


def _comments(path: Path) -> str:
    text = path.read_text()
    if path.suffix == ".toml":
        return "\n".join(line.split("#", 1)[1] for line in text.splitlines() if "#" in line)
    return "\n".join(re.findall(r"/\*.*?\*/|//[^\n]*", text, re.S))


@pytest.mark.parametrize("path", _commented_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_repo_path_a_comment_names_exists(path):
    named = {m.group(1).split("::")[0] for m in REPO_PATH.finditer(_comments(path))}
    missing = sorted(p for p in named if not (ROOT / p).exists())
    assert not missing, f"{path.relative_to(ROOT)} points at {missing}"


def test_the_pointer_check_finds_the_files_it_reads():
    files = _commented_files()
    assert any(p.name == "ops.def" for p in files) and any(p.name == "qemu.toml" for p in files)
    assert REPO_PATH.findall("see tests/test_timing.py::test_x and hil/model.py.") == ["tests/test_timing.py",
                                                                                      "hil/model.py"]


# -- what emulator sessions leave behind ------------------------------------------------------


@pytest.fixture
def own_tmp(tmp_path, monkeypatch) -> Path:
    """tempfile's directory for this test alone, so whatever a session leaves there is its own."""
    path = tmp_path / "tmp"
    path.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(path))
    return path


def test_a_qemu_session_leaves_no_log_behind(own_tmp):
    from hil.boards.qemu import QemuBackend
    from hil.harness.build import build_firmware

    session = QemuBackend(find_profile("qemu")).start(build_firmware("mps2_an386", HELLO).elf)
    assert session.log_path is not None and session.log_path.parent == own_tmp
    session.stop()
    assert list(own_tmp.iterdir()) == []


def _standin_renode(tmp_path: Path, monkeypatch):
    from test_renode_backend import STANDIN_RENODE, _fake_exe

    if subprocess.run(["which", "qemu-system-arm"], capture_output=True).returncode != 0:
        pytest.skip("the stand-in renode runs the ELF on qemu-system-arm, which is not installed")
    monkeypatch.setenv("FAKE_RENODE_RECORD", str(tmp_path / "record.txt"))
    return _fake_exe(tmp_path / "renode" / "renode", STANDIN_RENODE)


def _quick_renode_profile():
    profile = find_profile("renode")
    return dataclasses.replace(profile, settings={**profile.settings, "listen_s": 0.5, "ready_timeout": 20.0})


def test_a_renode_session_leaves_no_folder_or_log_behind_standin_renode(tmp_path, own_tmp, monkeypatch):
    """Through the stand-in `renode` script of tests/test_renode_backend.py (no Renode here)."""
    from hil.boards.renode import RenodeBackend
    from hil.harness.build import build_firmware

    exe = _standin_renode(tmp_path, monkeypatch)
    elf = build_firmware("stm32f4", HELLO).elf
    session = RenodeBackend(_quick_renode_profile(), renode_path=str(exe)).start(elf)
    try:
        assert session.device.echo(b"x") == b"x"
        left = sorted(p.name for p in own_tmp.iterdir())
        assert any(n.startswith("hil-renode-") and not n.endswith(".log") for n in left), left  # its work folder
    finally:
        session.stop()
    assert list(own_tmp.iterdir()) == []
    monkeypatch.setenv("FAKE_RENODE_MODE", "error")  # a start that fails cleans up too
    with pytest.raises(HilError, match="Renode reported an error"):
        RenodeBackend(_quick_renode_profile(), renode_path=str(exe)).start(elf)
    assert list(own_tmp.iterdir()) == []
