"""Runs over nothing are refused, not green: `hil run` with no vector to stream, and `hil
vectors` with samples that have no quantized value (defect 7 of issue 14)."""

from __future__ import annotations

import numpy as np
import pytest
from cli_helpers import HELLO, hil, one_line


@pytest.mark.parametrize("count", ["-5", "0"])
def test_hil_run_refuses_a_vector_count_below_one(tmp_path, count):
    result = hil("run", HELLO, "--vectors", count, HIL_CACHE_DIR=str(tmp_path),
                 HIL_RESULTS_DB=str(tmp_path / "r.sqlite"))
    line = one_line(result)
    assert f"--vectors {count}" in line and "at least 1" in line
    assert not (tmp_path / "firmware").exists() and not (tmp_path / "r.sqlite").exists()


@pytest.mark.parametrize("suffix", [".npz", ".npy"])
def test_hil_run_refuses_an_inputs_file_without_samples(tmp_path, suffix):
    inputs = tmp_path / f"empty{suffix}"
    empty = np.zeros((0, 1), np.int8)
    np.savez(inputs, inputs=empty) if suffix == ".npz" else np.save(inputs, empty)
    line = one_line(hil("run", HELLO, "--inputs", inputs, HIL_CACHE_DIR=str(tmp_path),
                        HIL_RESULTS_DB=str(tmp_path / "r.sqlite")))
    assert str(inputs) in line and "no vectors" in line
    assert not (tmp_path / "firmware").exists()


@pytest.mark.parametrize("bad,word", [(np.nan, "NaN"), (np.inf, "inf"), (-np.inf, "-inf")])
def test_hil_vectors_refuses_non_finite_samples_naming_the_sample(tmp_path, bad, word):
    samples = np.linspace(-1, 1, 10).reshape(10, 1)
    samples[7, 0] = bad
    np.save(tmp_path / "samples.npy", samples)
    out = tmp_path / "v.npz"
    line = one_line(hil("vectors", HELLO, tmp_path / "samples.npy", "-o", out))
    assert "sample 7" in line and word in line and "samples.npy" in line
    assert not out.exists()
