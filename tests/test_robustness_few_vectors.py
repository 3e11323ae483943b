"""The robustness suite runs with any vector count: its cases reuse vectors when fewer than the
three a hang or a hard fault needs are selected (`--vectors 1` crashed with IndexError)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The cases that use more than one vector; the others run with vector 0 only.
MULTI_VECTOR_CASES = "noisy or oversized or hard_fault or hang or killed"


@pytest.mark.parametrize("vectors", [1, 2])
def test_robustness_suite_with_fewer_than_three_vectors(vectors):
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "test_suites/test_robustness.py", "--board=qemu", "--only-model=hello_world",
         f"--vectors={vectors}", "-k", MULTI_VECTOR_CASES, "--no-results", "-q", "-p", "no:randomly"],
        cwd=ROOT, capture_output=True, text=True, timeout=900, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    passed = re.search(r"(\d+) passed", proc.stdout)
    assert proc.returncode == 0 and passed and int(passed.group(1)) >= 5, proc.stdout[-3000:]  # none skipped
    assert "skipped" not in proc.stdout and "IndexError" not in proc.stdout, proc.stdout[-3000:]
