"""`hil nightly` end to end on QEMU: two real runs of the default suites (hello_world, 5
vectors), the second built with the test-only define HIL_TEST_SLOW_OPCODE=9, which makes every
FULLY_CONNECTED operator burn extra instructions. The second run's report must list the cycle
regression (naming FULLY_CONNECTED) at the top, its JUnit XML must carry the metrics, and
nightly must exit non-zero; the first run must exit 0."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

SLOW_FC = "--hil-define=HIL_TEST_SLOW_OPCODE=9"  # 9 = FULLY_CONNECTED's builtin operator code
SMALL = ["--only-model", "hello_world", "--vectors", "5"]


@dataclass
class NightlyHistory:
    db: Path
    first: Path
    second: Path
    first_rc: int
    second_rc: int
    first_output: str
    second_output: str
    seconds: float


_CACHE: dict[str, NightlyHistory] = {}


def nightly(out: Path, db: Path, *pytest_args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_STEP_SUMMARY", "HIL_RESULTS_DB", "PYTEST_ADDOPTS")}
    return subprocess.run([sys.executable, "-m", "hil.cli", "nightly", "--board", "qemu", "--out", str(out), "--db",
                           str(db), "--no-step-summary", "--", *SMALL, *pytest_args],
                          capture_output=True, text=True, env=env, timeout=1200)


def real_nightly_history(tmp_path_factory) -> NightlyHistory:
    """The two nightly runs, made once per test process (the browser test reuses them)."""
    if "history" not in _CACHE:
        base = tmp_path_factory.mktemp("nightly")
        db = base / "results.sqlite"
        start = time.monotonic()
        first = nightly(base / "first", db)
        second = nightly(base / "second", db, SLOW_FC)
        _CACHE["history"] = NightlyHistory(db, base / "first", base / "second", first.returncode, second.returncode,
                                           first.stdout + first.stderr, second.stdout + second.stderr,
                                           time.monotonic() - start)
    return _CACHE["history"]


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> NightlyHistory:
    return real_nightly_history(tmp_path_factory)


def test_first_nightly_run_passes_and_writes_everything(history):
    assert history.first_rc == 0, history.first_output
    for name in ("report.html", "report.json", "summary.md", "junit.xml"):
        assert (history.first / name).stat().st_size > 0, name
    data = json.loads((history.first / "report.json").read_text())
    assert data["previous_run"] is None and data["regressions"] == []
    assert data["summary"]["failed"] == 0 and data["summary"]["passed"] >= 6
    suites = {t["suite"] for t in data["tests"]}
    assert {"test_parity", "test_cycles", "test_deadlines", "test_footprint"} <= suites
    (model,) = data["models"]
    assert model["model"] == "hello_world" and model["provenance"] == "virtual" and model["cycles"] > 1000
    assert model["per_op"] and {op["op"] for op in model["per_op"]["ops"]} == {"FULLY_CONNECTED"}
    # the energy suite's estimate, from the qemu profile's [power] model (docs/energy.md)
    assert "test_energy" in suites and model["energy_provenance"] == "estimated" and model["energy_uj"] > 0
    assert model["energy_source"].startswith("power model of qemu:")
    assert "run #" in history.first_output and "0 regressions" in history.first_output


def test_second_run_with_a_slow_kernel_reports_the_cycle_regression(history):
    assert history.second_rc != 0, history.second_output
    data = json.loads((history.second / "report.json").read_text())
    first = json.loads((history.first / "report.json").read_text())
    assert data["previous_run"]["id"] == first["run"]["id"]
    assert data["run"]["defines"] == ["HIL_TEST_SLOW_OPCODE=9"]
    cycles = [r for r in data["regressions"] if r["kind"] == "cycles"]
    assert len(cycles) == 1, data["regressions"]
    reg = cycles[0]
    assert reg["model"] == "hello_world" and reg["provenance"] == "virtual"
    assert reg["current"] > reg["previous"] * 1.02 and reg["tests_over"] >= 5  # at least every parity vector
    assert all(op["op"] == "FULLY_CONNECTED" for op in reg["ops"])  # when a slower test has a profile
    # the estimated energy follows the cycles: an energy regression with its provenance
    energy = [r for r in data["regressions"] if r["kind"] == "energy"]
    assert len(energy) == 1 and energy[0]["provenance"] == "estimated", data["regressions"]
    assert energy[0]["current"] > energy[0]["previous"] * 1.02 and "[estimated]" in energy[0]["message"]
    # the cycle-baseline suite itself now fails with the cycles category, naming the operator
    failing = {r["nodeid"].split("::")[-1]: r for r in data["regressions"] if r["kind"] == "newly-failing"}
    assert failing["test_cycles[hello_world]"]["category"] == "cycles"
    assert failing["test_cycles[hello_world]"]["model"] == "hello_world"  # from its parameters: it failed unrecorded
    assert "FULLY_CONNECTED" in failing["test_cycles[hello_world]"]["message"]
    html = (history.second / "report.html").read_text()
    assert html.index('id="regressions"') < html.index('id="summary"')
    assert 'data-kind="cycles"' in html and "FULLY_CONNECTED" in html
    md = (history.second / "summary.md").read_text()
    assert f"### Regressions vs run #{first['run']['id']}" in md and "| cycles | qemu | hello_world |" in md
    assert "REGRESSION [cycles] hello_world on qemu" in history.second_output


def test_junit_xml_carries_the_metrics(history):
    root = ET.parse(history.second / "junit.xml").getroot()
    cases = {c.get("name"): c for c in root.iter("testcase")}
    parity = {p.get("name"): p.get("value") for p in cases["test_parity[hello_world-v000]"].iter("property")}
    assert parity["provenance"] == "virtual" and int(parity["cycles"]) > 0 and parity["exact"] == "True"
    assert parity["model"] == "hello_world" and int(parity["flash_bytes"]) > 0
    cycles_case = cases["test_cycles[hello_world]"]
    props = {p.get("name"): p.get("value") for p in cycles_case.iter("property")}
    assert cycles_case.find("failure") is not None and props["category"] == "cycles"


def test_nightly_that_runs_no_hil_test_fails_with_one_line(tmp_path):
    def run(*pytest_args):
        return subprocess.run([sys.executable, "-m", "hil.cli", "nightly", "--out", str(tmp_path / "o"), "--db",
                               str(tmp_path / "r.sqlite"), "--no-step-summary", "--", *pytest_args],
                              capture_output=True, text=True, timeout=300)

    deselected = run("-k", "no_test_has_this_name")
    assert deselected.returncode != 0 and "recorded no HIL test" in deselected.stderr
    skipped = run("--only-model", "no_such_model", "-k", "test_parity")  # a typo must not give a green nightly
    assert skipped.returncode != 0 and "no HIL test passed or failed" in skipped.stderr
