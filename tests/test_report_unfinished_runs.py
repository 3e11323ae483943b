"""Runs that did not finish (defect 4 of issue 14): a run stopped by Ctrl-C, killed, or ended
by an internal error says so in its badge, Markdown summary and run list, and is never the
baseline of a later run; a database written by the previous schema is migrated and its runs
classified."""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys

import pytest
from synth_history import SLOW_FIVE, badge, clean_env, report, session, workdir


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> dict:
    """A complete run; one stopped by Ctrl-C (SIGINT) after 12 of 32 tests whose cycles are 10%
    higher; one killed (SIGKILL); one ended by an internal error (exit status 3); then a complete
    run as slow as the interrupted one."""
    base = workdir(tmp_path_factory.mktemp("unfinished"))
    db = base / "results.sqlite"
    runs = {"base": base, "db": db}
    rc, runs["complete"], output = session(base, db)
    assert rc == 0, output
    rc, runs["interrupted"], output = session(base, db, SYNTH_SLOW=SLOW_FIVE, SYNTH_STOP="SIGINT@13")
    assert rc == 2 and "12 passed" in output, output
    rc, runs["killed"], _ = session(base, db, SYNTH_SLOW=SLOW_FIVE, SYNTH_STOP="SIGKILL@13")
    assert rc == -9
    rc, runs["crashed"], output = session(base, db, SYNTH_SLOW=SLOW_FIVE, SYNTH_CRASH_AFTER="5")
    assert rc == 3 and "INTERNALERROR" in output, output
    rc, runs["after"], output = session(base, db, SYNTH_SLOW=SLOW_FIVE)
    assert rc == 0, output
    return runs


def test_a_run_stopped_by_ctrl_c_is_reported_as_interrupted(history):
    rc, data, html, md, _ = report(history["base"], history["db"], "--run", str(history["interrupted"]))
    css, text = badge(html)
    assert css != "ok" and "interrupted" in text.lower(), text
    assert "all passed" not in text
    assert data["run"]["state"] == "interrupted" and data["run"]["exit_status"] == 2
    assert data["summary"]["total"] == 12
    first_line = md.splitlines()[0]
    assert first_line.endswith("INTERRUPTED"), first_line
    assert "interrupted" in md.lower() and "12 tests" in md


def test_a_run_ended_by_an_internal_error_is_not_green(history):
    _, data, html, md, _ = report(history["base"], history["db"], "--run", str(history["crashed"]))
    css, text = badge(html)
    assert css != "ok" and "incomplete" in text.lower() and "exit status 3" in text, text
    assert data["run"]["state"] == "incomplete" and data["run"]["exit_status"] == 3
    assert md.splitlines()[0].endswith("INCOMPLETE") and "exit status 3" in md


def test_a_killed_run_is_not_green(history):
    _, data, html, md, _ = report(history["base"], history["db"], "--run", str(history["killed"]))
    css, text = badge(html)
    assert css != "ok" and "incomplete" in text.lower(), text
    assert data["run"]["state"] == "incomplete" and data["run"]["ended_at"] is None
    assert md.splitlines()[0].endswith("INCOMPLETE")


def test_unfinished_runs_are_never_a_baseline(history):
    """The last run is compared with the complete one, so its 10% slower cycles are regressions;
    compared with the interrupted, killed or crashed runs (as slow) they would not be."""
    _, data, _, md, output = report(history["base"], history["db"])
    assert data["run"]["id"] == history["after"]
    assert data["previous_run"]["id"] == history["complete"]
    assert data["run"]["state"] == "complete"
    assert {b["run_id"] for b in data["compared_with"]} == {history["complete"]}
    assert sorted(r["model"] for r in data["regressions"] if r["kind"] == "cycles") == SLOW_FIVE.split(",")
    assert f"vs run #{history['complete']}" in output


def test_the_run_list_says_which_runs_did_not_finish(history):
    proc = subprocess.run([sys.executable, "-m", "hil.cli", "report", "--db", str(history["db"]), "--list"],
                          capture_output=True, text=True, timeout=120, env=clean_env())
    lines = {int(m.group(1)): line for line in proc.stdout.splitlines() if (m := re.match(r"#(\d+)", line))}
    assert "(interrupted" in lines[history["interrupted"]]
    assert "(incomplete" in lines[history["killed"]] and "(incomplete" in lines[history["crashed"]]
    assert "(interrupted" not in lines[history["complete"]] and "(incomplete" not in lines[history["complete"]]


# -- a database written before run completion was recorded --------------------------------------


def test_a_version_1_database_is_migrated_and_its_runs_classified(tmp_path):
    """Schema version 1 (from MIGRATIONS[0], never edited) with three runs: one that ended with
    exit status 0, one with 2 (Ctrl-C) and one without an end. Opening it migrates it; the
    report classifies each, and the interrupted run is not the baseline of the last one."""
    from hil.results.store import MIGRATIONS

    db = tmp_path / "old.sqlite"
    conn = sqlite3.connect(db)
    conn.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    runs = [("2025-01-01T00:00:00+00:00", "2025-01-01T00:10:00+00:00", 0, 10_000),
            ("2025-01-02T00:00:00+00:00", "2025-01-02T00:10:00+00:00", 2, 11_000),
            ("2025-01-03T00:00:00+00:00", None, None, 11_000)]
    for run_id, (started, ended, status, cycles) in enumerate(runs, start=1):
        conn.execute("INSERT INTO runs (id, started_at, ended_at, board, engine, exit_status) VALUES "
                     "(?, ?, ?, 'qemu', 'builtin', ?)", (run_id, started, ended, status))
        conn.execute("INSERT INTO results (run_id, nodeid, suite, outcome, board, engine, model, cycles, provenance) "
                     "VALUES (?, 't.py::test_cycles[m]', 't', 'passed', 'qemu', 'builtin', 'm', ?, 'virtual')",
                     (run_id, cycles))
    conn.commit()
    conn.close()
    badges, states = {}, {}
    for run_id in (1, 2, 3):
        _, data, html, _, _ = report(tmp_path, db, "--run", str(run_id))
        badges[run_id], states[run_id] = badge(html), data["run"].get("state")
    assert badges[1] == ("ok", "all passed, no regressions")
    assert badges[2][0] != "ok" and badges[2][1].startswith("interrupted"), badges
    assert badges[3][0] != "ok" and badges[3][1].startswith("incomplete"), badges
    assert states == {1: "complete", 2: "interrupted", 3: "incomplete"}
    version = sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0]
    assert version >= 2
    _, data, _, _, _ = report(tmp_path, db, "--run", "3")
    assert data["previous_run"]["id"] == 1  # not the interrupted run 2
