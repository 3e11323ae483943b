"""The results history: every HIL run appended to a SQLite database, one row per test.

Layout (schema version in PRAGMA user_version, upgraded by MIGRATIONS):
- runs: one row per pytest session (start/end time, git commit + dirty flag, board, engine,
  host, command line, test-only defines, exit status, whether it went through every test it
  planned and how many that was, summary). Only complete runs are baselines for a report.
- results: one row per test (nodeid, suite, outcome, failure category, duration) with the
  measurements of its `hil_record` dict in typed columns; record keys without a column are
  kept in the JSON column `extra`, so new metrics need no schema change.
- op_cycles: the per-operator profile of a test (index, op, cycles, MACs).

pytest-xdist workers write concurrently, so the database runs in WAL mode with a busy
timeout, and every write is one short IMMEDIATE transaction committed at once: a run that is
killed keeps every row written before the kill.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hil.errors import ConfigError

DB_ENV = "HIL_RESULTS_DB"
DEFAULT_RELATIVE = Path("reports") / "results.sqlite"
BUSY_TIMEOUT_S = 60.0

# Each entry upgrades the schema by one version; never edit a released entry, append a new one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        git_commit TEXT,
        git_dirty INTEGER,
        board TEXT,
        engine TEXT,
        host TEXT,
        command TEXT,
        defines TEXT NOT NULL DEFAULT '[]',
        hil_version TEXT,
        exit_status INTEGER,
        summary TEXT
    );
    CREATE TABLE results (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        nodeid TEXT NOT NULL,
        suite TEXT,
        outcome TEXT NOT NULL,
        category TEXT,
        message TEXT,
        duration_s REAL,
        worker TEXT,
        recorded_at TEXT,
        board TEXT,
        engine TEXT,
        model TEXT,
        model_sha256 TEXT,
        firmware_key TEXT,
        vector INTEGER,
        exact INTEGER,
        max_abs_diff_lsb REAL,
        mismatches INTEGER,
        rmse REAL,
        cosine REAL,
        top1_agree INTEGER,
        cycles INTEGER,
        cycles_min INTEGER,
        latency_us REAL,
        provenance TEXT,
        cpu_hz INTEGER,
        deadline_us REAL,
        wcet REAL,
        p50 REAL,
        p99 REAL,
        jitter REAL,
        baseline_cycles REAL,
        flash_bytes INTEGER,
        ram_bytes INTEGER,
        arena_bytes INTEGER,
        extra TEXT NOT NULL DEFAULT '{}',
        UNIQUE (run_id, nodeid)
    );
    CREATE INDEX results_by_model ON results (board, engine, model, run_id);
    CREATE TABLE op_cycles (
        result_id INTEGER NOT NULL REFERENCES results(id) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        op TEXT,
        cycles INTEGER,
        macs INTEGER,
        extra TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (result_id, idx)
    );
    """,
    # 2: whether a run went through every test it set out to run (not stopped by Ctrl-C, an
    # internal error, -x or a kill), and how many it planned. Runs of version 1 count as
    # complete when they ended with pytest's exit status 0 or 1.
    """
    ALTER TABLE runs ADD COLUMN completed INTEGER;
    ALTER TABLE runs ADD COLUMN planned INTEGER;
    UPDATE runs SET completed = (ended_at IS NOT NULL AND exit_status IN (0, 1));
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)
# Exit statuses of a run stopped on purpose: pytest's INTERRUPTED, and 128 + SIGINT / SIGTERM.
INTERRUPTED_STATUSES = (2, 130, 143)

# Columns of `results` that are not measurements from the test's record.
_RESULT_META = ("id", "run_id", "nodeid", "suite", "outcome", "category", "message", "duration_s", "worker",
                "recorded_at", "extra")
_RUN_JSON = ("defines", "summary")
FAILED_OUTCOMES = ("failed", "error")


def default_db_path(root: Path | None = None) -> Path:
    """$HIL_RESULTS_DB, else reports/results.sqlite under `root` (pytest's rootdir) or the cwd."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env)
    return (root or Path.cwd()) / DEFAULT_RELATIVE


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def to_plain(value: Any) -> Any:
    """numpy scalars, tuples and paths to what JSON and SQLite store; NaN/inf to None."""
    if hasattr(value, "item") and callable(value.item) and getattr(value, "ndim", 1) == 0:
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) or (hasattr(value, "tolist") and callable(value.tolist)):
        return [to_plain(v) for v in (value.tolist() if hasattr(value, "tolist") else value)]
    if isinstance(value, Path):
        return str(value)
    return value


def _json(value: Any) -> str:
    return json.dumps(to_plain(value), sort_keys=True, default=str)


class ResultsStore:
    """A connection to one results database; cheap to open, safe to use from several processes."""

    def __init__(self, path: Path | str, *, create: bool = True, timeout_s: float = BUSY_TIMEOUT_S):
        self.path = Path(path)
        if not create and not self.path.is_file():
            raise ConfigError(f"no results database at {self.path}: run the HIL suites first "
                              f"(pytest --board qemu) or pass --db / set {DB_ENV}")
        if create:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(f"cannot create the results directory {self.path.parent}: {exc}") from None
        try:
            self.conn = sqlite3.connect(self.path, timeout=timeout_s, isolation_level=None)
            self.conn.row_factory = sqlite3.Row
            self.conn.execute(f"PRAGMA busy_timeout = {int(timeout_s * 1000)}")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self._migrate()
            self.conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"results database {self.path} cannot be used: {exc}") from None
        self._result_columns = [r["name"] for r in self.conn.execute("PRAGMA table_info(results)")]
        self.record_columns = [c for c in self._result_columns if c not in _RESULT_META]

    # -- schema -------------------------------------------------------------------------------

    def _migrate(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise ConfigError(f"results database {self.path} has schema version {version}, newer than this "
                              f"harness understands ({SCHEMA_VERSION}): upgrade tinyml-hil or use another database")
        if version == SCHEMA_VERSION:
            return
        if self.conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            self.conn.execute("PRAGMA journal_mode = WAL")  # persistent; needs no open transaction
        with self.transaction():
            version = self.schema_version()  # another process may have migrated while we waited
            for number in range(version, SCHEMA_VERSION):
                for statement in _statements(MIGRATIONS[number]):
                    self.conn.execute(statement)
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def journal_mode(self) -> str:
        return str(self.conn.execute("PRAGMA journal_mode").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE takes the write lock up front, so concurrent writers wait (busy
        timeout) instead of failing on a lock upgrade."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> ResultsStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ------------------------------------------------------------------------------

    def start_run(self, *, board: str | None, engine: str | None, git_commit: str | None = None,
                  git_dirty: bool | None = None, host: str | None = None, command: str | None = None,
                  defines: list[str] | tuple[str, ...] = (), hil_version: str | None = None,
                  started_at: str | None = None, planned: int | None = None) -> int:
        """A new run; `planned` is the number of tests it sets out to run, when known."""
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO runs (started_at, git_commit, git_dirty, board, engine, host, command, defines, "
                "hil_version, planned) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (started_at or now_iso(), git_commit, None if git_dirty is None else int(git_dirty), board, engine,
                 host, command, _json(list(defines)), hil_version, planned))
            return int(cur.lastrowid)

    def record_test(self, run_id: int, nodeid: str, *, outcome: str, suite: str | None = None,
                    category: str | None = None, message: str | None = None, duration_s: float | None = None,
                    worker: str | None = None, record: dict | None = None) -> int:
        """Inserts or replaces the row of (run, nodeid); returns the row id."""
        record = dict(to_plain(record or {}))
        per_op = record.pop("per_op", None)
        columns = {k: record.pop(k) for k in list(record) if k in self.record_columns}
        columns = {k: (int(v) if isinstance(v, bool) else v) for k, v in columns.items()}
        for key, value in list(columns.items()):
            if isinstance(value, (dict, list)):  # a structure where a scalar column expects one
                record[key] = columns.pop(key)
        values = {"run_id": run_id, "nodeid": nodeid, "suite": suite, "outcome": outcome, "category": category,
                  "message": message, "duration_s": duration_s, "worker": worker, "recorded_at": now_iso(),
                  **columns, "extra": _json(record)}
        names = list(values)
        updates = ", ".join(f"{n} = excluded.{n}" for n in names if n not in ("run_id", "nodeid"))
        # Columns a previous write set but this one does not know are cleared, so a row always
        # reflects the latest report of its test.
        cleared = [c for c in self.record_columns if c not in values]
        if cleared:
            updates += ", " + ", ".join(f"{c} = NULL" for c in cleared)
        with self.transaction() as conn:
            conn.execute(f"INSERT INTO results ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
                         f"ON CONFLICT (run_id, nodeid) DO UPDATE SET {updates}", list(values.values()))
            row_id = int(conn.execute("SELECT id FROM results WHERE run_id = ? AND nodeid = ?",
                                      (run_id, nodeid)).fetchone()[0])
            conn.execute("DELETE FROM op_cycles WHERE result_id = ?", (row_id,))
            for position, op in enumerate(per_op or []):
                op = dict(op)
                index = op.pop("index", position)
                conn.execute("INSERT INTO op_cycles (result_id, idx, op, cycles, macs, extra) "
                             "VALUES (?, ?, ?, ?, ?, ?)",
                             (row_id, int(index), op.pop("op", None), op.pop("cycles", None), op.pop("macs", None),
                              _json(op)))
        return row_id

    def finish_run(self, run_id: int, *, exit_status: int | None, completed: bool | None = None) -> dict:
        """Stamps the end time, exit status, outcome/category counts and whether the run went
        through all its tests (default: it ended with exit status 0 or 1) on a run."""
        summary = self.summary(run_id)
        if completed is None:
            completed = exit_status in (0, 1)
        with self.transaction() as conn:
            conn.execute("UPDATE runs SET ended_at = ?, exit_status = ?, completed = ?, summary = ? WHERE id = ?",
                         (now_iso(), exit_status, int(completed), _json(summary), run_id))
        return summary

    def delete_run(self, run_id: int) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM runs WHERE id = ?", (run_id,))

    # -- reading ------------------------------------------------------------------------------

    def summary(self, run_id: int) -> dict:
        outcomes: dict[str, int] = {}
        categories: dict[str, int] = {}
        for row in self.conn.execute("SELECT outcome, category, count(*) AS n FROM results WHERE run_id = ? "
                                     "GROUP BY outcome, category", (run_id,)):
            outcomes[row["outcome"]] = outcomes.get(row["outcome"], 0) + row["n"]
            if row["outcome"] in FAILED_OUTCOMES:
                key = row["category"] or "error"
                categories[key] = categories.get(key, 0) + row["n"]
        return {"total": sum(outcomes.values()), "outcomes": outcomes, "failures_by_category": categories}

    def count_results(self, run_id: int) -> int:
        return int(self.conn.execute("SELECT count(*) FROM results WHERE run_id = ?", (run_id,)).fetchone()[0])

    def run(self, run_id: int) -> dict:
        row = self.conn.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
        if row is None:
            raise ConfigError(f"results database {self.path} has no run {run_id} (see `hil report --list`)")
        return _run_dict(row)

    def runs(self, limit: int | None = None) -> list[dict]:
        """Runs that recorded at least one test, newest first."""
        sql = ("SELECT runs.*, (SELECT count(*) FROM results WHERE run_id = runs.id) AS tests FROM runs "
               "WHERE EXISTS (SELECT 1 FROM results WHERE run_id = runs.id) ORDER BY id DESC")
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [_run_dict(r) for r in self.conn.execute(sql)]

    def latest_run_id(self) -> int:
        runs = self.runs(limit=1)
        if not runs:
            raise ConfigError(f"results database {self.path} holds no run with results yet: run the HIL suites "
                              "first (pytest --board qemu)")
        return runs[0]["id"]

    def results(self, run_id: int) -> list[dict]:
        """Every test of a run with its measurements (extra keys merged in) and `per_op`."""
        return self._results("results.run_id = ?", (run_id,))

    def previous_results(self, run: dict) -> list[dict]:
        """Each test of `run` as the latest earlier complete run on the same board and engine
        recorded it (its `run_id` says which): a partial run in between stands in only for the
        tests it ran, and an interrupted, crashed or killed run for none."""
        return self._results(
            "results.id IN (SELECT id FROM (SELECT prev.id, row_number() OVER (PARTITION BY prev.nodeid ORDER BY "
            "prev.run_id DESC) AS newest FROM results prev JOIN runs ON runs.id = prev.run_id WHERE prev.run_id < ? "
            "AND runs.board IS ? AND runs.engine IS ? AND runs.completed = 1 AND runs.ended_at IS NOT NULL AND "
            "prev.nodeid IN (SELECT nodeid FROM results WHERE run_id = ?)) WHERE newest = 1)",
            (run["id"], run["board"], run["engine"], run["id"]))

    def _results(self, where: str, params: tuple) -> list[dict]:
        rows = [dict(r) for r in self.conn.execute(f"SELECT * FROM results WHERE {where} ORDER BY nodeid", params)]
        ops: dict[int, list[dict]] = {}
        for op in self.conn.execute("SELECT op_cycles.* FROM op_cycles JOIN results ON results.id = result_id "
                                    f"WHERE {where} ORDER BY result_id, idx", params):
            ops.setdefault(op["result_id"], []).append(
                {"index": op["idx"], "op": op["op"], "cycles": op["cycles"], "macs": op["macs"],
                 **json.loads(op["extra"] or "{}")})
        out = []
        for row in rows:
            extra = json.loads(row.pop("extra") or "{}")
            for key in ("exact", "top1_agree"):
                if row.get(key) is not None:
                    row[key] = bool(row[key])
            merged = {**extra, **{k: v for k, v in row.items() if v is not None or k not in extra}}
            if row["id"] in ops:
                merged["per_op"] = ops[row["id"]]
            out.append(merged)
        return out

    def run_ids_before(self, run_id: int, *, board: str | None, engine: str | None, limit: int) -> list[int]:
        """Ids of the last `limit` runs up to and including `run_id` on this board and engine."""
        rows = self.conn.execute(
            "SELECT id FROM runs WHERE id <= ? AND board IS ? AND engine IS ? AND "
            "EXISTS (SELECT 1 FROM results WHERE run_id = runs.id) ORDER BY id DESC LIMIT ?",
            (run_id, board, engine, limit))
        return sorted(int(r[0]) for r in rows)


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def _run_dict(row: sqlite3.Row) -> dict:
    run = dict(row)
    for key in _RUN_JSON:
        if run.get(key) is not None:
            run[key] = json.loads(run[key])
    if run.get("git_dirty") is not None:
        run["git_dirty"] = bool(run["git_dirty"])
    run["complete"] = bool(run.get("completed")) and run.get("ended_at") is not None
    run["state"], run["state_detail"] = run_state(run)
    return run


def run_state(run: dict) -> tuple[str, str]:
    """("complete" | "interrupted" | "incomplete", why): only a complete run is a baseline."""
    status = run.get("exit_status")
    if run.get("ended_at") is None:
        return "incomplete", "no end time: killed, or still running"
    if run.get("completed"):
        return "complete", f"exit status {status}"
    if status in INTERRUPTED_STATUSES:
        return "interrupted", f"exit status {status}"
    if status in (0, 1):
        return "incomplete", f"stopped early, exit status {status}"
    return "incomplete", f"exit status {status}"


def describe_state(run: dict) -> str:
    """'interrupted: exit status 2', for badges, summaries and run lists."""
    return f"{run['state']}: {run['state_detail']}"
