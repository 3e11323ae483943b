import sys
from pathlib import Path

# tests/ helpers (native.py, opgen.py) import as plain modules.
sys.path.insert(0, str(Path(__file__).parent))


def pytest_addoption(parser):
    parser.addoption("--opgen-seeds", type=int, default=3, help="seeds per single-op model generator")
    parser.addoption("--timing-vectors", type=int, default=None,
                     help="vectors per model in the timing determinism test (default: all)")
    parser.addoption("--opgen-target-seeds", type=int, default=1,
                     help="seeds per single-op generator run on QEMU (test_single_op_target.py)")
