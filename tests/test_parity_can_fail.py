"""The parity suite detects a broken engine: a test-only build with truncating requantization
(HIL_TEST_BREAK_ROUNDING) must fail on QEMU with the max-diff message."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_broken_rounding_fails_parity_with_diff_message():
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "test_suites/test_parity.py", "--board=qemu", "--only-model=hello_world",
         "--vectors=20", "--hil-define=HIL_TEST_BREAK_ROUNDING", "-q", "-rf", "-p", "no:randomly"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    out = result.stdout
    assert result.returncode == 1, out[-3000:]
    match = re.search(r"\[parity\] hello_world vector \d+: max \|diff\| (\d+) LSB \(tolerance 0\); \d+/1 elements "
                      r"differ; first at output 0 index \[0, 0\]: target (-?\d+), reference (-?\d+)", out)
    assert match, out[-3000:]
    assert int(match.group(1)) >= 1 and match.group(2) != match.group(3)
