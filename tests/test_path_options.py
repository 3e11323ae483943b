"""Path-valued options (`--port /dev/ttyS0`, `--model x.tflite`, `--tflm-root DIR`, `--results-db PATH`)
behave the same in the space form and the `=` form: pytest determines its rootdir and config file
before plugins register their options, so without care it takes the value for a path argument
(rootdir /dev, no pyproject.toml, no testpaths or addopts, the harness's own tests collected, the
results database under /dev/reports)."""

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ENV = {k: v for k, v in os.environ.items() if k not in ("HIL_RESULTS_DB", "PYTEST_ADDOPTS")}


def pytest_run(args: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=dict(ENV, TF_CPP_MIN_LOG_LEVEL="3"))


def session_facts(proc: subprocess.CompletedProcess) -> tuple[str, str | None, int]:
    """(rootdir, configfile, tests collected) from a `--collect-only` session's header and summary."""
    out = proc.stdout
    rootdir = re.search(r"^rootdir: (\S+)", out, re.M)
    configfile = re.search(r"^configfile: (\S+)", out, re.M)
    collected = re.search(r"(\d+) tests? collected", out)
    assert rootdir and collected, out[-3000:] + proc.stderr[-2000:]
    return rootdir.group(1), configfile.group(1) if configfile else None, int(collected.group(1))


def both_forms(option: str, value: str, base: list[str], cwd: Path) -> list[tuple[str, str | None, int]]:
    return [session_facts(pytest_run([*base, *form, "--collect-only"], cwd))
            for form in ([f"{option}={value}"], [option, value])]


@pytest.fixture(scope="module")
def user_model(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("usermodel") / "x.tflite"
    shutil.copy(ROOT / "models" / "hello_world" / "hello_world.tflite", path)
    return path


@pytest.mark.parametrize("option", ["--port", "--model", "--tflm-root", "--results-db"])
@pytest.mark.parametrize("cwd", [".", "test_suites"], ids=["checkout", "subdir"])
def test_space_form_keeps_the_project_rootdir(option, cwd, user_model, tmp_path):
    """From the checkout (testpaths apply) and from a subfolder (its tests only), both forms give
    the checkout as rootdir, pyproject.toml as config file and the same tests."""
    values = {"--port": ("--board=stm32", "/dev/ttyS0"), "--model": ("--board=qemu", str(user_model)),
              "--tflm-root": ("--board=qemu", str(tmp_path)),
              "--results-db": ("--board=qemu", str(tmp_path / "results.sqlite"))}
    (tmp_path / "results.sqlite").touch()  # pytest takes only existing paths for path arguments
    board, value = values[option]
    equal, space = both_forms(option, value, [board], ROOT / cwd)
    assert equal[0] == str(ROOT) and equal[1] == "pyproject.toml", equal
    assert space == equal, f"{option} {value} from {cwd}: {space} vs {option}={value}: {equal}"


def test_space_form_from_outside_the_checkout(tmp_path):
    """From another directory with the suites' path given, both forms agree as well."""
    equal, space = both_forms("--port", "/dev/ttyS0", ["--board=stm32", str(ROOT / "test_suites")], tmp_path)
    assert equal[0] == str(ROOT) and space == equal, (space, equal)


MARKED_TEST = """\
import pytest

@pytest.mark.hil
def test_marked():
    pass
"""


def test_results_db_stays_under_the_project_rootdir(tmp_path):
    """The default results database is reports/results.sqlite under the project's rootdir, not
    under the folder of a path option's value (here a stand-in for /dev/ttyS0, so a failing
    run does not write into /dev)."""
    project = tmp_path / "project"
    (project / "test_suites").mkdir(parents=True)
    shutil.copy(ROOT / "pyproject.toml", project / "pyproject.toml")
    (project / "test_suites" / "test_marked.py").write_text(MARKED_TEST)
    port = tmp_path / "dev" / "ttyS0"  # a real tty (the harness opens the port), in a folder of the test's own
    port.parent.mkdir()
    controller, tty = os.openpty()
    port.symlink_to(os.ttyname(tty))
    try:
        for form in ([f"--port={port}"], ["--port", str(port)]):
            proc = pytest_run(["--board=stm32", *form, "-q"], project)
            assert proc.returncode == 0 and "1 passed" in proc.stdout, proc.stdout[-2000:] + proc.stderr[-2000:]
    finally:
        os.close(controller)
        os.close(tty)
    db = project / "reports" / "results.sqlite"
    assert sorted(tmp_path.rglob("*.sqlite")) == [db], "the results database followed --port's folder"
    with sqlite3.connect(db) as con:
        runs = con.execute("SELECT COUNT(DISTINCT run_id) FROM results WHERE nodeid LIKE '%test_marked'").fetchone()
    assert runs == (2,)
