import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

DB_ENV = "HIL_RESULTS_DB"  # the results history a session records into (docs/reports.md)

# tests/ helpers (native.py, opgen.py) import as plain modules.
sys.path.insert(0, str(Path(__file__).parent))


def pytest_addoption(parser):
    parser.addoption("--opgen-seeds", type=int, default=3, help="seeds per single-op model generator")
    parser.addoption("--timing-vectors", type=int, default=None,
                     help="vectors per model in the timing determinism test (default: all)")
    parser.addoption("--opgen-target-seeds", type=int, default=1,
                     help="seeds per single-op generator run on QEMU (test_single_op_target.py)")


@pytest.hookimpl(tryfirst=True)  # before the results plugin picks its database
def pytest_configure(config):
    """The harness's own tests never write into the user's results history: this session and
    every pytest or `hil` sub-session its tests start (they inherit the environment) record into
    a temporary database unless given --results-db."""
    config._hil_private_db = (tempfile.mkdtemp(prefix="hil-tests-results-"), os.environ.get(DB_ENV))
    os.environ[DB_ENV] = str(Path(config._hil_private_db[0]) / "results.sqlite")


def pytest_unconfigure(config):
    folder, previous = getattr(config, "_hil_private_db", (None, None))
    if folder is None:
        return
    shutil.rmtree(folder, ignore_errors=True)
    if previous is None:
        os.environ.pop(DB_ENV, None)
    else:
        os.environ[DB_ENV] = previous
