"""Recording a run into the results store as it goes, for producers outside pytest (`hil run`),
and the run metadata every producer stamps (git state, host, harness version).

The run row is created with the first test, so a run that measures nothing leaves nothing; each
test is written the moment it is measured, so a killed run keeps every earlier row. A store that
cannot be written does not stop the measuring: the first error is kept for one closing line.
"""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

from hil import __version__
from hil.errors import HilError
from hil.results.store import ResultsStore


def git_state(root: Path) -> tuple[str | None, bool | None]:
    """(commit, dirty) of the checkout under test; (None, None) outside git."""
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=20)
        if head.returncode != 0:
            return None, None
        status = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                                capture_output=True, text=True, timeout=60)
        dirty = bool(status.stdout.strip()) if status.returncode == 0 else None
        return head.stdout.strip(), dirty
    except (OSError, subprocess.TimeoutExpired):
        return None, None


def run_metadata(root: Path, *, board: str | None, engine: str | None, command: str,
                 defines: list[str] | tuple[str, ...] = ()) -> dict:
    """The keyword arguments of ResultsStore.start_run that describe where a run happened."""
    commit, dirty = git_state(root)
    return {"board": board, "engine": engine, "git_commit": commit, "git_dirty": dirty, "host": socket.gethostname(),
            "command": command, "defines": list(defines), "hil_version": __version__}


class RunRecorder:
    def __init__(self, path: Path, metadata: dict, planned: int | None = None):
        self.path, self.metadata, self.planned = Path(path), metadata, planned
        self.run_id: int | None = None
        self.error: str | None = None
        self._store: ResultsStore | None = None

    def record(self, nodeid: str, *, outcome: str, suite: str, record: dict, category: str | None = None,
               message: str | None = None, duration_s: float | None = None) -> None:
        def write() -> None:
            if self._store is None:
                self._store = ResultsStore(self.path)
            if self.run_id is None:
                self.run_id = self._store.start_run(**self.metadata, planned=self.planned)
            self._store.record_test(self.run_id, nodeid, outcome=outcome, suite=suite, category=category,
                                    message=message, duration_s=duration_s, record=record)

        self._guard(write)

    def finish(self, exit_status: int, completed: bool) -> None:
        if self._store is not None and self.run_id is not None:
            self._guard(lambda: self._store.finish_run(self.run_id, exit_status=exit_status, completed=completed))
        if self._store is not None:
            self._store.close()
            self._store = None

    def closing_line(self) -> str | None:
        """What to tell the user about the history, or None when there is nothing to say."""
        if self.error:
            recorded = "partly recorded" if self.run_id is not None else "NOT recorded"
            return (f"results {recorded} in {self.path}: {self.error}; pass --results-db PATH in a writable "
                    "folder with free space")
        if self.run_id is not None:
            return f"results: run {self.run_id} in {self.path} (`hil report`)"
        return None

    def _guard(self, action) -> None:
        try:
            action()
        except Exception as exc:  # sqlite3 errors, a full disk, a database from a newer harness
            if self.error is None:
                self.error = exc.one_line() if isinstance(exc, HilError) else f"{type(exc).__name__}: {exc}"
