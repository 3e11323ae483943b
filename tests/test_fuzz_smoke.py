"""The fuzz targets (firmware/tests/fuzz): a short libFuzzer smoke run of each from the
generated seed corpus, and a replay of every input in the regression corpus (crashes found
earlier, fixed since). A crash prints the sanitizer's first error line and the saved input."""

from __future__ import annotations

import re

import pytest
from fuzz_native import TARGETS, build_fuzzers, have_libfuzzer, regression_inputs, replay, run_fuzzer, write_corpus

# Seconds per target: about 60 s in total, where the loader and the agent get most.
SMOKE_SECONDS = {"agent": 25, "loader": 25, "frame": 12}
needs_clang = pytest.mark.skipif(not have_libfuzzer(),
                                 reason="clang/libFuzzer not installed: apt-get install clang libclang-rt-14-dev")


def _first_error(log: str) -> str:
    match = re.search(r"^.*(runtime error|ERROR: \w+Sanitizer|ERROR: libFuzzer|deadly signal).*$", log, re.M)
    return match.group(0) if match else log.strip().splitlines()[-1] if log.strip() else "no output"


@pytest.fixture(scope="module")
def fuzz_build():
    return build_fuzzers()


@pytest.mark.parametrize("target", TARGETS)
def test_regression_corpus_replays_clean(fuzz_build, target):
    inputs = regression_inputs(target)
    if not inputs:
        pytest.skip(f"no regression inputs for {target} yet")
    result = replay(fuzz_build, target, inputs)
    assert result.returncode == 0, f"fuzz_{target} regression: {_first_error(result.stderr)}"
    assert result.stderr.count("Running: ") == len(inputs)


@needs_clang
@pytest.mark.parametrize("target", TARGETS)
def test_fuzz_smoke(fuzz_build, target, tmp_path):
    corpus = write_corpus(target, tmp_path / "corpus")
    run = run_fuzzer(fuzz_build, target, SMOKE_SECONDS[target], corpus, tmp_path / "artifacts")
    crashes = sorted(p.name for p in (tmp_path / "artifacts").iterdir())
    assert not run.crashed, (f"fuzz_{target} crashed after {run.executions} executions: "
                             f"{_first_error(run.log)} (inputs: {crashes}; command: {' '.join(run.command)})")
    assert run.executions > 1000, f"fuzz_{target} ran only {run.executions} inputs in {run.seconds} s"


def test_agent_seeds_fit_the_agent_targets_model():
    """The seeds' input data is sized for the model the agent target embeds (a multi-byte input,
    so short-but-non-empty RUN data exists): the two must not drift apart."""
    import numpy as np
    from fuzz_native import AGENT_INPUT_BYTES, AGENT_MODEL, FUZZ_SRC

    from hil.model.tflite import load_model

    (tensor,) = load_model(AGENT_MODEL).input_tensors
    assert int(np.prod(tensor.shape)) * np.dtype(tensor.np_dtype).itemsize == AGENT_INPUT_BYTES > 1
    assert f"models/{AGENT_MODEL.parent.name}/{AGENT_MODEL.name}" in (FUZZ_SRC / "CMakeLists.txt").read_text()
