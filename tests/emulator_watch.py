"""What the tests that kill or signal a run look at from outside: the results rows it recorded
and the emulators below a process."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import psutil


def rows(db: Path) -> list[tuple]:
    """(nodeid, outcome, category) of every recorded result, [] before the schema exists."""
    if not db.exists():
        return []
    try:
        with sqlite3.connect(db, timeout=5) as con:
            return con.execute("SELECT nodeid, outcome, category FROM results ORDER BY id").fetchall()
    except sqlite3.OperationalError:  # the schema is not there yet
        return []


def qemu_descendants(pid: int) -> list[psutil.Process]:
    """The QEMU processes anywhere below `pid` ([] once `pid` is gone)."""
    try:
        return [p for p in psutil.Process(pid).children(recursive=True) if "qemu-system" in p.name()]
    except psutil.NoSuchProcess:
        return []
