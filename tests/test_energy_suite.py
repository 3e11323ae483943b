"""The energy suite can fail: the same zoo model that passes within its [energy] budget fails under
a tighter @pytest.mark.energy budget in a user's suite, and under a model.toml budget below its
estimate; the failure says the figure is estimated and from which power model."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.cli_helpers import ROOT, pytest_session

USER_SUITE = '''
import pytest
from hil.pytest.suites import assert_energy

@pytest.mark.energy(uj=1.0)
def test_tight(hil, hil_model, request):
    assert_energy(hil, hil_model, request)

def test_models_own_budget(hil, hil_model, request):
    assert_energy(hil, hil_model, request)
'''


def test_an_exceeded_energy_budget_fails_and_the_model_budget_passes(tmp_path):
    suite = ROOT / "test_suites" / f"test_energy_tmp_{tmp_path.name}.py"  # inside the project: its conftest and rootdir
    suite.write_text(USER_SUITE)
    try:
        result = pytest_session(str(suite), "--board=qemu", "--only-model=hello_world", "-rf", "--vectors=2")
    finally:
        suite.unlink()
    out = result.stdout
    assert result.returncode == 1, out[-3000:]
    assert "1 failed, 1 passed" in out, out[-3000:]
    assert re.search(r"\[energy\] hello_world on qemu: energy budget 1\.0 uJ per inference exceeded by "
                     r"\d+ nJ \(\+\d+\.\d%\): 1\.\d uJ per inference .*\[estimated\]; power model of qemu",
                     out), out[-3000:]


def test_a_model_budget_below_the_estimate_fails(tmp_path):
    models = tmp_path / "models"
    shutil.copytree(ROOT / "models" / "hello_world", models / "hello_world")
    toml = models / "hello_world" / "model.toml"
    toml.write_text(toml.read_text().replace("budget_uj = 4", "budget_uj = 0.5"))
    result = pytest_session("test_suites/test_energy.py", "--board=qemu", "--only-model=hello_world", "-rf",
                            "--vectors=2", HIL_MODELS_DIR=str(models))
    assert result.returncode == 1, result.stdout[-3000:]
    assert "energy budget 500 nJ per inference exceeded" in result.stdout, result.stdout[-3000:]
    assert Path(toml).is_file()
