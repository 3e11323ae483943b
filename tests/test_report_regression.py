"""Regression detection end to end through the real results plugin and `hil report`: pytest
sessions record synthetic cycle/footprint/parity figures (a stand-in suite, no target), then
the report of the last run must list the injected regressions at the top.

The same scenario on real QEMU runs is in tests/test_nightly.py."""

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hil.cli import main as hil_main

SYNTH_SUITE = textwrap.dedent('''
    """Stand-in suite: figures come from environment variables, shaped like test_parity records."""
    import os
    import pytest

    SLOW = float(os.environ.get("SYNTH_SLOW", "1"))        # factor on operator #1
    FLASH = 30000 + int(os.environ.get("SYNTH_FLASH_EXTRA", "0"))
    DIFF = float(os.environ.get("SYNTH_DIFF", "0"))        # max |diff| of vector 2 (tolerance 1 LSB)
    FAIL = os.environ.get("SYNTH_FAIL") == "1"             # vector 1 fails parity

    @pytest.mark.parametrize("vector", range(3))
    def test_synth(hil_record, vector):
        ops = [("FULLY_CONNECTED", 1000 + vector, 256), ("FULLY_CONNECTED", round(4000 * SLOW), 1024),
               ("SOFTMAX", 500, 0)]
        cycles = sum(c for _, c, _ in ops)
        diff = DIFF if vector == 2 else 0.0
        hil_record.update(board="qemu", engine="builtin", model="synth_model", model_sha256="ab" * 32,
                          firmware_key="fw", vector=vector, exact=diff == 0, max_abs_diff_lsb=diff,
                          mismatches=int(diff > 0), rmse=diff, cosine=1.0, top1_agree=True, cycles=cycles,
                          cycles_min=cycles,
                          latency_us=cycles / 25.0, provenance="virtual", cpu_hz=25_000_000, deadline_us=1000.0,
                          flash_bytes=FLASH, ram_bytes=8192, arena_bytes=1752,
                          per_op=[{"index": i, "op": op, "cycles": c, "macs": m} for i, (op, c, m) in enumerate(ops)])
        if FAIL and vector == 1:
            pytest.fail("[parity] synth_model vector 1: max |diff| 5 LSB (tolerance 1)", pytrace=False)
''')


def record_run(workdir: Path, db: Path, suite: str = SYNTH_SUITE, **env: str) -> int:
    """One pytest session of a stand-in suite recorded in `db`; returns its run id."""
    (workdir / "test_synth.py").write_text(suite)
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SYNTH_", "HIL_RESULTS"))}
    run_file = workdir / "run-id"
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_synth.py",
                           f"--results-db={db}"], cwd=workdir, capture_output=True, text=True, timeout=300,
                          env={**environ, **env, "HIL_RESULTS_RUN_FILE": str(run_file)})
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    return int(run_file.read_text())


def make_history(workdir: Path) -> tuple[Path, list[int]]:
    """Three runs: two identical, the third with operator #1 25% slower (a cycle regression),
    flash +512 B, a parity degradation within tolerance and a newly failing vector."""
    db = workdir / "history.sqlite"
    runs = [record_run(workdir, db), record_run(workdir, db),
            record_run(workdir, db, SYNTH_SLOW="1.25", SYNTH_FLASH_EXTRA="512", SYNTH_DIFF="1", SYNTH_FAIL="1")]
    return db, runs


def report(db: Path, tmp_path: Path, *args: str) -> tuple[int, dict, str, str]:
    html, js, md = tmp_path / "r.html", tmp_path / "r.json", tmp_path / "r.md"
    rc = hil_main(["report", "--db", str(db), "--out", str(html), "--json", str(js), "--markdown", str(md),
                   "--no-step-summary", *args])
    return rc, json.loads(js.read_text()), html.read_text(), md.read_text()


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    return make_history(tmp_path_factory.mktemp("history"))


def test_injected_cycle_regression_is_listed_at_the_top(history, tmp_path, capsys):
    db, runs = history
    rc, data, html, md = report(db, tmp_path, "--fail-on-regression")
    assert rc == 1
    assert data["run"]["id"] == runs[2] and data["previous_run"]["id"] == runs[1]
    kinds = [r["kind"] for r in data["regressions"]]
    assert kinds == ["newly-failing", "cycles", "parity", "footprint"]
    cyc = data["regressions"][1]
    assert (cyc["model"], cyc["previous"], cyc["current"], cyc["tests_over"]) == ("synth_model", 5500, 6500, 3)
    assert cyc["ops"][0]["index"] == 1 and cyc["ops"][0]["op"] == "FULLY_CONNECTED"
    assert "5,500 -> 6,500 virtual (+18.2%" in cyc["message"] and "#1 FULLY_CONNECTED 4,000 -> 5,000" in cyc["message"]
    assert data["regressions"][0]["nodeid"].endswith("test_synth[1]") and data["regressions"][0]["category"] == "parity"
    assert "flash 30,000 B -> 30,512 B" in data["regressions"][3]["message"]
    # HTML: the regressions come before the summary, each row links to its details
    assert html.index('id="regressions"') < html.index('id="summary"') < html.index('id="models"')
    assert html.count('<tr class="regression"') == 4
    model_anchor = data["models"][0]["anchor"]
    assert f'href="#{model_anchor}"' in html and f'id="{model_anchor}"' in html
    assert f'id="{data["regressions"][0]["anchor"]}"' in html  # the failing test's row exists
    # self-contained: no scripts, and every link or reference points inside the page
    assert "<script" not in html and "<metadata" not in html
    assert not re.findall(r'(?:src|href)\s*=\s*"(?!#)', html) and not re.findall(r"url\((?!#)", html)
    assert html.count('<svg class="chart"') == 2  # per-op chart + trend chart of synth_model
    assert "### Regressions vs run" in md and "| cycles | qemu | synth_model |" in md
    assert "REGRESSION [cycles] synth_model on qemu" in capsys.readouterr().out


def test_identical_runs_have_no_regressions(history, tmp_path):
    db, runs = history
    rc, data, html, md = report(db, tmp_path, "--run", str(runs[1]), "--fail-on-regression")
    assert rc == 0 and data["regressions"] == [] and data["previous_run"]["id"] == runs[0]
    assert 'id="no-regressions"' in html and f"No regressions vs run #{runs[0]}." in md
    rc, data, _, _ = report(db, tmp_path, "--run", str(runs[0]))
    assert data["previous_run"] is None and data["regressions"] == []


def test_trends_cover_the_last_runs(history, tmp_path):
    db, runs = history
    _, data, _, _ = report(db, tmp_path)
    (series,) = data["trends"]
    assert [p["run_id"] for p in series["points"]] == runs
    assert [p["cycles"] for p in series["points"]] == [5502, 5502, 6502]
    assert [p["pass_rate"] for p in series["points"]] == [1.0, 1.0, pytest.approx(2 / 3)]
    _, data, _, _ = report(db, tmp_path, "--trend-runs", "2")
    assert [p["run_id"] for p in data["trends"][0]["points"]] == runs[1:]


def test_tolerance_decides_what_counts(history, tmp_path):
    db, _ = history
    _, data, _, _ = report(db, tmp_path, "--tolerance", "20%")
    assert "cycles" not in [r["kind"] for r in data["regressions"]]
    _, data, _, _ = report(db, tmp_path, "--footprint-tolerance", "1024")
    assert "footprint" not in [r["kind"] for r in data["regressions"]]


def test_markdown_is_appended_to_the_ci_job_summary(history, tmp_path, monkeypatch):
    db, runs = history
    summary = tmp_path / "step_summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    assert hil_main(["report", "--db", str(db), "--out", str(tmp_path / "x.html")]) == 0
    text = summary.read_text()
    assert text.startswith("earlier step\n") and f"## HIL report: run #{runs[2]} on qemu" in text


def test_report_errors_are_one_line(tmp_path, capsys):
    assert hil_main(["report", "--db", str(tmp_path / "none.sqlite")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("hil: [configuration] no results database at") and "\n" not in err
    assert hil_main(["report", "--db", str(tmp_path / "none.sqlite"), "--tolerance", "abc"]) == 1
    assert "--tolerance 'abc'" in capsys.readouterr().err


UNRECORDED = textwrap.dedent('''
    import os
    import pytest

    SLOW = float(os.environ.get("SYNTH_SLOW", "1"))

    def test_vector(hil_model, hil_vector, hil_record):  # parametrized by the hil plugin
        hil_record.update(model=hil_model.name, vector=hil_vector, cycles=round(1000 * SLOW), provenance="virtual")

    def test_model_level(hil_model, hil_record):
        """Fails before recording anything when SYNTH_FAIL is set, like a suite whose assertion
        comes before its hil_record.update()."""
        if os.environ.get("SYNTH_FAIL") == "1":
            pytest.fail("[cycles] worst case grew", pytrace=False)
        hil_record.update(model=hil_model.name, cycles=1000, provenance="virtual")
''')


def test_a_test_that_failed_before_recording_is_attributed_to_board_and_model(tmp_path):
    db = tmp_path / "r.sqlite"
    (tmp_path / "test_unrecorded.py").write_text(UNRECORDED)
    for env in ({}, {"SYNTH_FAIL": "1", "SYNTH_SLOW": "1.5"}):
        environ = {k: v for k, v in os.environ.items() if not k.startswith(("SYNTH_", "HIL_RESULTS"))}
        proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_unrecorded.py",
                               f"--results-db={db}", "--only-model", "hello_world", "--vectors", "2"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=300, env={**environ, **env})
        assert proc.returncode == (1 if env else 0), proc.stdout
    _, data, _, md = report(db, tmp_path)
    assert {(r["kind"], r["board"], r["model"]) for r in data["regressions"]} == {
        ("newly-failing", "qemu", "hello_world"), ("cycles", "qemu", "hello_world")}
    assert "on None" not in md and "| cycles | qemu | hello_world |" in md


def test_a_test_erroring_in_setup_after_passing_is_a_regression(tmp_path):
    """A setup error (a board that never boots, a missing model file) fails the test as much as a
    failed assertion: the report lists it as newly failing and counts it in the failures."""
    from hil.report.analysis import ReportOptions, build_report
    from hil.results.store import ResultsStore

    with ResultsStore(tmp_path / "r.sqlite") as store:
        for outcome in ("passed", "error"):
            run = store.start_run(board="qemu", engine="builtin")
            store.record_test(run, "test_suites/test_parity.py::test_parity[m-0]", outcome=outcome,
                              category=None if outcome == "passed" else "board-unreachable",
                              message=None if outcome == "passed" else "[board-unreachable] no READY in 5 s",
                              record={"model": "m", "vector": 0})
            store.finish_run(run, exit_status=0 if outcome == "passed" else 1, completed=True)
        report = build_report(store, run, ReportOptions(model_tolerances={}, model_deadlines={}))
    (regression,) = report["regressions"]
    assert regression["kind"] == "newly-failing" and "now error" in regression["message"]
    assert report["summary"]["failed"] == 1 and report["summary"]["passed"] == 0
