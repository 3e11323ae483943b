"""The results store on its own: schema versioning and migrations, WAL, upserts, concurrent writers."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from hil.errors import ConfigError
from hil.results import store as results_store
from hil.results.store import ResultsStore


def test_new_database_is_versioned_and_in_wal_mode(tmp_path):
    with ResultsStore(tmp_path / "sub" / "r.sqlite") as store:
        assert store.schema_version() == results_store.SCHEMA_VERSION >= 1
        assert store.journal_mode() == "wal"
        assert {"cycles", "per_op"} & set(store.record_columns) == {"cycles"}


def test_a_database_from_a_newer_harness_is_refused(tmp_path):
    path = tmp_path / "r.sqlite"
    ResultsStore(path).close()
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {results_store.SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(ConfigError, match="newer than this harness"):
        ResultsStore(path)


def test_missing_database_is_a_one_line_config_error(tmp_path):
    with pytest.raises(ConfigError, match="no results database at .*run the HIL suites first"):
        ResultsStore(tmp_path / "absent.sqlite", create=False)


def test_record_round_trip_with_extra_keys_per_op_and_numpy_values(tmp_path):
    with ResultsStore(tmp_path / "r.sqlite") as store:
        run = store.start_run(board="qemu", engine="builtin", defines=["X"])
        record = {"model": "m", "vector": np.int64(3), "exact": np.bool_(False), "cycles": np.int64(1234),
                  "cosine": np.float64(0.5), "rmse": float("nan"), "provenance": "virtual",
                  "new_metric": {"a": [1, 2]}, "per_op": [{"index": 0, "op": "CONV_2D", "cycles": 1000, "macs": 500,
                                                           "note": "x"}, {"index": 1, "op": "SOFTMAX", "cycles": 234}]}
        store.record_test(run, "t.py::a", outcome="passed", suite="t", record=record)
        (row,) = store.results(run)
        assert row["vector"] == 3 and row["exact"] is False and row["cycles"] == 1234 and row["cosine"] == 0.5
        assert row["rmse"] is None  # NaN is not a number a report can compare
        assert row["new_metric"] == {"a": [1, 2]}
        assert row["per_op"] == [{"index": 0, "op": "CONV_2D", "cycles": 1000, "macs": 500, "note": "x"},
                                 {"index": 1, "op": "SOFTMAX", "cycles": 234, "macs": None}]
        assert store.run(run)["defines"] == ["X"] and not store.run(run)["complete"]


def test_a_structure_reported_for_a_scalar_column_is_kept(tmp_path):
    with ResultsStore(tmp_path / "r.sqlite") as store:
        run = store.start_run(board="qemu", engine="builtin")
        store.record_test(run, "t.py::a", outcome="passed",
                          record={"model": "m", "cycles": 10, "latency_us": {"p50": 1.5, "p99": 2.5}})
        (row,) = store.results(run)
        assert row["cycles"] == 10 and row["latency_us"] == {"p50": 1.5, "p99": 2.5}


def test_a_later_report_of_the_same_test_replaces_its_row(tmp_path):
    with ResultsStore(tmp_path / "r.sqlite") as store:
        run = store.start_run(board="qemu", engine="builtin")
        first = store.record_test(run, "t.py::a", outcome="passed", record={"cycles": 10, "per_op": [
            {"index": 0, "op": "ADD", "cycles": 10}]})
        second = store.record_test(run, "t.py::a", outcome="error", category="timeout", record={"model": "m"})
        assert first == second
        (row,) = store.results(run)
        assert (row["outcome"], row["category"], row["model"]) == ("error", "timeout", "m")
        assert row["cycles"] is None and "per_op" not in row
        summary = store.finish_run(run, exit_status=1)
        assert summary == {"total": 1, "outcomes": {"error": 1}, "failures_by_category": {"timeout": 1}}
        assert store.run(run)["complete"] and store.run(run)["exit_status"] == 1


def test_a_migration_upgrades_an_existing_database(tmp_path, monkeypatch):
    path = tmp_path / "r.sqlite"
    with ResultsStore(path) as store:
        run = store.start_run(board="qemu", engine="builtin")
        store.record_test(run, "t.py::a", outcome="passed", record={"energy_uj": 7.5})
        assert "energy_uj" not in store.record_columns
    migration = "ALTER TABLE results ADD COLUMN energy_uj REAL"
    monkeypatch.setattr(results_store, "MIGRATIONS", [*results_store.MIGRATIONS, migration])
    monkeypatch.setattr(results_store, "SCHEMA_VERSION", len(results_store.MIGRATIONS))
    with ResultsStore(path) as store:
        assert store.schema_version() == results_store.SCHEMA_VERSION
        assert "energy_uj" in store.record_columns
        store.record_test(run, "t.py::b", outcome="passed", record={"energy_uj": 8.0})
        rows = {r["nodeid"]: r for r in store.results(run)}
        assert rows["t.py::a"]["energy_uj"] == 7.5  # old row: still readable from its JSON column
        column = store.conn.execute("SELECT energy_uj FROM results WHERE nodeid = 't.py::b'").fetchone()[0]
        assert column == 8.0


WRITER = textwrap.dedent("""
    import sys
    from hil.results.store import ResultsStore
    path, run, worker = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with ResultsStore(path) as store:
        for i in range(40):
            store.record_test(run, f"t.py::w{worker}_{i}", outcome="passed", worker=worker,
                              record={"cycles": i, "per_op": [{"index": 0, "op": "ADD", "cycles": i}]})
""")


def test_concurrent_writers_lose_nothing(tmp_path):
    path = tmp_path / "r.sqlite"
    with ResultsStore(path) as store:
        run = store.start_run(board="qemu", engine="builtin")
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(run), str(w)]) for w in range(4)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0, 0]
    with ResultsStore(path) as store:
        rows = store.results(run)
        assert len(rows) == 160 and all(len(r["per_op"]) == 1 for r in rows)
        assert {r["worker"] for r in rows} == {"0", "1", "2", "3"}
