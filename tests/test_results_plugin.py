"""The results plugin inside real pytest sessions (subprocesses with the installed hil plugin):
categories, incremental writes, a killed run, xdist workers, JUnit properties, opting out.

The sessions' tests are small stand-ins that fill `hil_record` by hand; they exercise the
plugin and the store, not a target (tests/test_nightly.py does that on QEMU)."""

import os
import signal
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET

import pytest

from hil.results.store import ResultsStore

SUITE = textwrap.dedent('''
    import pytest
    from hil.errors import BuildError, TransportTimeout

    @pytest.fixture
    def broken_build():
        raise BuildError("cmake failed: see build.log")

    def test_pass(hil_record):
        hil_record.update(model="m", vector=0, cycles=100, provenance="virtual", exact=True,
                          per_op=[{"index": 0, "op": "ADD", "cycles": 100, "macs": 0}], custom_metric=1.5)

    def test_parity_message(hil_record):
        hil_record.update(model="m", vector=1, cycles=101, exact=False, max_abs_diff_lsb=3.0)
        pytest.fail("[parity] m vector 1: max |diff| 3 LSB", pytrace=False)

    def test_hil_error(hil_record):
        raise TransportTimeout("no answer within 2.0 s")

    def test_plain_exception(hil_record):
        raise ValueError("boom")

    def test_assertion(hil_record):
        assert 1 == 2

    def test_unknown_prefix(hil_record):
        pytest.fail("[not-a-category] text", pytrace=False)

    def test_setup_error(hil_record, broken_build):
        pass

    def test_skipped(hil_record):
        pytest.skip("no such board here")

    @pytest.mark.xfail(reason="known issue")
    def test_xfail(hil_record):
        raise AssertionError("expected")

    @pytest.mark.hil
    def test_marker_only():
        pass

    def test_not_hil():
        pass
''')

EXPECTED = {  # test -> (outcome, category)
    "test_pass": ("passed", None), "test_parity_message": ("failed", "parity"),
    "test_hil_error": ("failed", "timeout"), "test_plain_exception": ("failed", "error"),
    "test_assertion": ("failed", "error"), "test_unknown_prefix": ("failed", "error"),
    "test_setup_error": ("error", "build-failed"), "test_skipped": ("skipped", None),
    "test_xfail": ("xfailed", None), "test_marker_only": ("passed", None),
}


def run_session(tmp_path, source: str, *args: str, env: dict | None = None, name: str = "test_suite_x.py",
                check_rc: int | None = None) -> subprocess.CompletedProcess:
    (tmp_path / name).write_text(source)
    environ = {k: v for k, v in os.environ.items() if k not in ("HIL_RESULTS_DB", "PYTEST_ADDOPTS")}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", name, *args],
                          cwd=tmp_path, capture_output=True, text=True, env={**environ, **(env or {})}, timeout=300)
    if check_rc is not None:
        assert proc.returncode == check_rc, proc.stdout + proc.stderr
    return proc


def rows_by_name(db) -> tuple[dict, dict]:
    with ResultsStore(db, create=False) as store:
        (run,) = store.runs()
        return run, {r["nodeid"].split("::")[-1]: r for r in store.results(run["id"])}


def test_each_test_gets_its_outcome_category_and_record(tmp_path):
    db = tmp_path / "r.sqlite"
    proc = run_session(tmp_path, SUITE, f"--results-db={db}", f"--junitxml={tmp_path / 'j.xml'}", check_rc=1)
    assert f"results: run 1 in {db}" in proc.stdout
    run, rows = rows_by_name(db)
    assert {name: (r["outcome"], r["category"]) for name, r in rows.items()} == EXPECTED
    assert run["complete"] and run["exit_status"] == 1 and run["board"] == "qemu" and run["engine"] == "builtin"
    assert run["summary"]["failures_by_category"] == {"parity": 1, "timeout": 1, "error": 3, "build-failed": 1}
    assert run["command"].startswith("pytest -q") and run["git_commit"] is None  # tmp_path is no checkout
    ok = rows["test_pass"]
    assert (ok["model"], ok["cycles"], ok["exact"], ok["custom_metric"], ok["suite"]) == ("m", 100, True, 1.5,
                                                                                         "test_suite_x")
    assert ok["per_op"] == [{"index": 0, "op": "ADD", "cycles": 100, "macs": 0}]
    assert rows["test_parity_message"]["message"].startswith("[parity] m vector 1")
    assert rows["test_hil_error"]["message"] == "[timeout] no answer within 2.0 s"
    assert rows["test_plain_exception"]["message"] == "ValueError: boom"
    assert rows["test_skipped"]["message"] == "Skipped: no such board here"
    assert all(r["duration_s"] is not None and r["duration_s"] >= 0 for r in rows.values())
    # the metrics are JUnit testcase properties too
    cases = {c.get("name"): c for c in ET.parse(tmp_path / "j.xml").getroot().iter("testcase")}
    props = {p.get("name"): p.get("value") for p in cases["test_pass"].iter("property")}
    assert props["cycles"] == "100" and props["provenance"] == "virtual" and '"op": "ADD"' in props["per_op"]
    props = {p.get("name"): p.get("value") for p in cases["test_parity_message"].iter("property")}
    assert props["category"] == "parity" and props["max_abs_diff_lsb"] == "3.0"


KILLED = textwrap.dedent('''
    import os, signal
    import pytest

    @pytest.mark.parametrize("i", range(5))
    def test_vector(hil_record, i):
        if i == 3:
            os.kill(os.getpid(), signal.SIGKILL)  # the run dies mid-way, like a killed CI job
        hil_record.update(model="m", vector=i, cycles=1000 + i, provenance="virtual")
''')


def test_a_killed_run_keeps_what_it_measured(tmp_path):
    db = tmp_path / "r.sqlite"
    proc = run_session(tmp_path, KILLED, f"--results-db={db}")
    assert proc.returncode == -signal.SIGKILL
    run, rows = rows_by_name(db)
    assert sorted(rows) == [f"test_vector[{i}]" for i in range(3)]
    assert [rows[f"test_vector[{i}]"]["cycles"] for i in range(3)] == [1000, 1001, 1002]
    assert not run["complete"] and run["ended_at"] is None


XDIST = textwrap.dedent('''
    import pytest

    @pytest.mark.parametrize("i", range(12))
    def test_vector(hil_record, i):
        hil_record.update(model="m", vector=i, cycles=1000 + i, provenance="virtual")
''')


def test_xdist_workers_write_into_one_run(tmp_path):
    db = tmp_path / "r.sqlite"
    run_session(tmp_path, XDIST, f"--results-db={db}", "-n", "2", check_rc=0)
    run, rows = rows_by_name(db)
    assert len(rows) == 12 and all(r["outcome"] == "passed" for r in rows.values())
    assert {r["worker"] for r in rows.values()} == {"gw0", "gw1"}
    assert run["complete"] and run["summary"]["outcomes"] == {"passed": 12}


def test_environment_variable_and_opt_out(tmp_path):
    db = tmp_path / "env.sqlite"
    run_session(tmp_path, XDIST, env={"HIL_RESULTS_DB": str(db)}, check_rc=0)
    assert rows_by_name(db)[0]["tests"] == 12
    other = tmp_path / "other.sqlite"
    run_session(tmp_path, XDIST, "--no-results", env={"HIL_RESULTS_DB": str(other)}, check_rc=0)
    assert not other.exists()


def test_a_session_without_hil_tests_records_no_run(tmp_path):
    db = tmp_path / "r.sqlite"
    run_session(tmp_path, "def test_plain():\n    pass\n", f"--results-db={db}", check_rc=0)
    assert not db.exists()
    run_session(tmp_path, "def test_plain():\n    pass\n", f"--results-db={db}", "-n", "2", check_rc=0)
    with ResultsStore(db, create=False) as store:
        assert store.runs() == [] and store.conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 0


@pytest.mark.parametrize("message,category", [("[parity] x", "parity"), ("[hard-fault] PC 0x1", "hard-fault"),
                                              ("[deadline] WCET 10 us", "deadline"), ("[parity]x", "error"),
                                              ("parity: x", "error")])
def test_category_from_message_prefix(message, category):
    from hil.pytest.results import category_of

    class Failed(Exception):
        def __init__(self, msg):
            self.msg = msg

    assert category_of(Failed(message)) == category


PARAMETRIZED = textwrap.dedent('''
    from hil.errors import BuildError

    def test_build_fails(hil_model, hil_vector, hil_record):
        raise BuildError("arm-none-eabi-gcc failed: see build.log")
''')


def test_a_test_failing_before_it_records_still_belongs_to_its_model(tmp_path):
    db = tmp_path / "r.sqlite"
    run_session(tmp_path, PARAMETRIZED, f"--results-db={db}", "--only-model", "hello_world", "--vectors", "2",
                check_rc=1)
    _, rows = rows_by_name(db)
    assert {name: (r["model"], r["vector"], r["category"]) for name, r in rows.items()} == {
        "test_build_fails[hello_world-v000]": ("hello_world", 0, "build-failed"),
        "test_build_fails[hello_world-v001]": ("hello_world", 1, "build-failed")}
