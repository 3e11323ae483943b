"""Records every HIL test's outcome and measurements in the results store (hil/results/store.py).

Loaded by hil.pytest.plugin. The controlling process creates the run row (before xdist workers
start, which receive its id); each process then writes a test's row as soon as pytest makes
its report, so a killed run keeps what it measured. The session's end stamps the run with
its end time and summary. The measurements also become `item.user_properties`, which
`--junitxml` writes as testcase properties.

Only HIL tests are recorded: tests that use a `hil*` fixture or carry the `hil` marker (so
`pytest tests`, the harness's own tests, does not fill the history with unit tests).
"""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path

import pytest

from hil.errors import Category, HilError
from hil.pytest.keys import OPTION_GROUP, RECORD_KEY, RESULT_STATE_KEY
from hil.results.recorder import run_metadata
from hil.results.store import ResultsStore, default_db_path, now_iso

RUN_FILE_ENV = "HIL_RESULTS_RUN_FILE"  # `hil nightly` learns the run id from this file
_WORKER_RUN = "hil_results_run"
_WORKER_DB = "hil_results_db"
_PREFIX = re.compile(r"\[([a-z0-9][a-z0-9-]*)\] ")
MESSAGE_LIMIT = 2000


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup(*OPTION_GROUP)
    group.addoption("--results-db", default=None, metavar="PATH",
                    help="results history database (default: $HIL_RESULTS_DB, else reports/results.sqlite "
                         "under the rootdir)")
    group.addoption("--no-results", action="store_true", default=False,
                    help="do not record this run in the results database")


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("no_results", False) or config.getoption("help", False):
        return
    if config.pluginmanager.has_plugin("hil-results-recorder"):
        return
    config.pluginmanager.register(ResultsRecorder(config), "hil-results-recorder")


# -- failure classification ------------------------------------------------------------------

def category_of(exc: BaseException | None) -> str:
    """The failure category: HilError.category, else the "[category] " prefix of the message
    (pytest.fail(exc.one_line())), else "error" for anything unclassified."""
    if isinstance(exc, HilError):
        return exc.category.value
    match = _PREFIX.match(_message_of(exc))
    if match and match.group(1) in {c.value for c in Category}:
        return match.group(1)
    return "error"


def _message_of(exc: BaseException | None) -> str:
    if exc is None:
        return ""
    if isinstance(exc, HilError):
        return exc.one_line()
    msg = getattr(exc, "msg", None)  # pytest's Failed/Skipped outcomes
    return str(msg) if msg is not None else str(exc)


def _first_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return (lines[0] if lines else "")[:MESSAGE_LIMIT]


def classify(report: pytest.TestReport, call: pytest.CallInfo) -> tuple[str, str | None, str | None]:
    """(outcome, category, message) of one phase's report."""
    if report.passed:
        return ("xpassed" if hasattr(report, "wasxfail") else "passed"), None, None
    if report.skipped:
        if hasattr(report, "wasxfail"):
            return "xfailed", None, _first_line(str(report.wasxfail)) or None
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        return "skipped", None, _first_line(str(reason)) or None
    exc = call.excinfo.value if call.excinfo is not None else None
    outcome = "failed" if report.when == "call" else "error"
    if exc is None:  # e.g. XPASS(strict): no exception, only a report
        return outcome, "error", _first_line(report.longreprtext)
    text = _message_of(exc)
    if not isinstance(exc, HilError) and getattr(exc, "msg", None) is None:
        text = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return outcome, category_of(exc), _first_line(text)


def is_hil_item(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    return any(n == "hil" or n.startswith("hil_") for n in names) or item.get_closest_marker("hil") is not None


# -- the recorder ----------------------------------------------------------------------------

class ResultsRecorder:
    def __init__(self, config: pytest.Config):
        self.config = config
        workerinput = getattr(config, "workerinput", None)
        self.is_worker = workerinput is not None
        if self.is_worker:
            self.run_id: int | None = workerinput.get(_WORKER_RUN)
            db = workerinput.get(_WORKER_DB)
            self.path: Path | None = Path(db) if db else None
            self.worker = workerinput.get("workerid")
        else:
            option = config.getoption("results_db", None)
            self.path = Path(option) if option else default_db_path(config.rootpath)
            self.run_id = None
            self.worker = None
        self._store: ResultsStore | None = None
        self.error: str | None = None  # the first failure to write the store, said once at the end
        self.started_at = now_iso()  # the run row is written lazily; its start is the session's
        self.planned: int | None = None  # HIL tests collected (unknown on an xdist controller)

    # The store opens lazily: a session without HIL tests creates no database.
    def store(self) -> ResultsStore:
        if self._store is None:
            self._store = ResultsStore(self.path)
        return self._store

    def ensure_run(self) -> int | None:
        if self.is_worker or self.path is None:
            return self.run_id
        if self.run_id is None:
            self.run_id = self.store().start_run(**run_info(self.config), started_at=self.started_at,
                                                 planned=self.planned)
            write_run_file(self.run_id, None)
        return self.run_id

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if not self.is_worker:
            self.planned = sum(1 for item in session.items if is_hil_item(item))

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node) -> None:  # xdist: runs in the controller per worker
        if self.config.option.collectonly:
            return
        node.workerinput[_WORKER_RUN] = self._guard(self.ensure_run)
        node.workerinput[_WORKER_DB] = str(self.path) if self.path else None

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo):
        report = yield
        if is_hil_item(item) and (self.run_id is not None or not self.is_worker):
            self._guard(lambda: self._on_report(item, call, report))
        return report

    def _on_report(self, item: pytest.Item, call: pytest.CallInfo, report: pytest.TestReport) -> None:
        state = item.stash.setdefault(RESULT_STATE_KEY, {"duration": 0.0, "outcome": None, "category": None,
                                                         "message": None})
        state["duration"] += report.duration
        outcome, category, message = classify(report, call)
        if report.when == "setup" and report.passed:
            return  # nothing measured yet; the call phase writes the row
        if report.when == "teardown":
            if report.failed and state["outcome"] in (None, "passed", "xpassed"):
                state.update(outcome="error", category=category, message=message)
        else:
            state.update(outcome=outcome, category=category, message=message)
        record = self._record(item)
        if report.when == "call":
            self._add_properties(item, record, state)
        if state["outcome"] is None:
            return
        run_id = self.ensure_run()
        if run_id is None:
            return
        self.store().record_test(run_id, item.nodeid, outcome=state["outcome"], suite=item.path.stem,
                                 category=state["category"], message=state["message"],
                                 duration_s=round(state["duration"], 6), worker=self.worker, record=record)

    @staticmethod
    def _record(item: pytest.Item) -> dict:
        """The test's hil_record, plus the model and vector of its parameters when the test
        failed before recording them (a build failure still belongs to its model)."""
        record = dict(item.stash.get(RECORD_KEY, {}))
        params = getattr(getattr(item, "callspec", None), "params", {})
        model = params.get("hil_model")
        if record.get("model") is None and model is not None:
            record["model"] = model if isinstance(model, str) else getattr(model, "name", None)
        if record.get("vector") is None and isinstance(params.get("hil_vector"), int):
            record["vector"] = params["hil_vector"]
        return {k: v for k, v in record.items() if v is not None or k not in ("model", "vector")}

    @staticmethod
    def _add_properties(item: pytest.Item, record: dict, state: dict) -> None:
        """--junitxml writes the teardown report's user_properties, copied from the item later."""
        for key, value in record.items():
            if isinstance(value, (dict, list, tuple)):
                value = json.dumps(value, default=str)
            item.user_properties.append((key, value))
        if state["category"]:
            item.user_properties.append(("category", state["category"]))

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if not self.is_worker and self.run_id is not None:
            # -x / --maxfail end with exit status 1 like a full run with failures: not complete
            completed = int(exitstatus) in (0, 1) and not session.shouldfail and not session.shouldstop
            self._guard(lambda: self._finish(int(exitstatus), completed))
        self._close()
        if not self.is_worker and self.error:
            self._guard(lambda: write_run_file(self.run_id, self.error))

    def _finish(self, exitstatus: int, completed: bool) -> None:
        store = self.store()
        if store.count_results(self.run_id) == 0:
            store.delete_run(self.run_id)  # no HIL test ran: keep no empty run
        else:
            store.finish_run(self.run_id, exit_status=exitstatus, completed=completed)

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if self.is_worker or self.path is None:
            return
        if self.error:
            recorded = "partly recorded" if self.run_id is not None else "NOT recorded"
            terminalreporter.write_line(f"[hil] results {recorded} in {self.path}: {self.error}; pass --results-db "
                                        "PATH in a writable folder with free space (--junitxml keeps the measurements "
                                        "too)")
        elif self.run_id is not None:
            terminalreporter.write_line(f"[hil] results: run {self.run_id} in {self.path} (`hil report`)")

    def _close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def _guard(self, action):
        """A broken results database must not abort the tests: the first error is kept and said
        in one line at the end of the session (and to `hil nightly` through its run file)."""
        try:
            return action()
        except Exception as exc:  # sqlite3 errors, a full disk, a database from a newer harness
            if self.error is None:
                self.error = exc.one_line() if isinstance(exc, HilError) else f"{type(exc).__name__}: {exc}"
            return None


def write_run_file(run_id: int | None, error: str | None) -> None:
    """Tells `hil nightly` (which set RUN_FILE_ENV) the run id, and why the store failed if it did."""
    run_file = os.environ.get(RUN_FILE_ENV)
    if run_file:
        Path(run_file).write_text(f"{run_id if run_id is not None else '-'}\n" + (f"error: {error}\n" if error else ""))


def read_run_file(path: Path) -> tuple[int | None, str | None]:
    """(run id, store error) from a run file; (None, None) when the session wrote none."""
    if not path.is_file():
        return None, None
    lines = path.read_text().splitlines()
    run_id = int(lines[0]) if lines and lines[0].strip().isdigit() else None
    error = next((line[len("error: "):] for line in lines[1:] if line.startswith("error: ")), None)
    return run_id, error


# -- run metadata ----------------------------------------------------------------------------

def run_info(config: pytest.Config) -> dict:
    return run_metadata(Path(config.rootpath), board=_board_name(config), engine=config.getoption("engine", None),
                        command=shlex.join(["pytest", *config.invocation_params.args]),
                        defines=list(config.getoption("hil_define", []) or []))


def _board_name(config: pytest.Config) -> str | None:
    from hil.boards import find_profile

    board = config.getoption("board", None)
    try:
        return find_profile(board).name if board else None
    except HilError:
        return board
