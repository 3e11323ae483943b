"""A pipeline's parity failure, down to the operator. The first stage whose outputs differ from
the host chain's is run alone on the debug firmware (hil/verdicts/divergence.py) with the inputs
it had on the target: the host chain's, which equal the target's because every stage before it
matched. Its vectors are its invokes since the start of the failing vector's sequence (its state,
if it keeps one, follows the same path), and the analysis runs on its first invoke that differs."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from hil import paths
from hil.harness.runner import Harness, VectorResult, make_reference
from hil.model.catalog import ModelConfig
from hil.model.pipeline import StageView
from hil.verdicts.divergence import Divergence, debug_harness, explain_parity_failure


def _stage_inputs(config: ModelConfig, vectors, index: int, stage: int) -> list[list[np.ndarray]]:
    """The stage's inputs of each of its invokes, from the start of vector `index`'s sequence
    through it, on the host chain driven as the target was."""
    reference = make_reference(config.tflite)
    trace: dict[int, list] = {}
    for i in range(vectors.sequence(index).start, index + 1):
        reference.run(vectors.inputs[i], trace)
    return trace[stage]


def _first_differing_invoke(view: StageView, result: VectorResult) -> int:
    """Which of the stage's invokes in this vector gave the first differing output slice."""
    if view.stage.invokes == 1:
        return 0
    for j in range(view.stage.invokes):
        if any(not np.array_equal(result.outputs[o][j], result.reference[o][j]) for o in view.outputs):
            return j
    return 0


def _write_vectors(name: str, inputs: list[list[np.ndarray]], stateful: bool) -> Path:
    """The stage's invokes as a vector file (one sequence when the stage keeps state)."""
    arrays = {f"input_{i}": np.stack([invoke[i] for invoke in inputs]) for i in range(len(inputs[0]))}
    if stateful:
        arrays["sequence"] = np.zeros(len(inputs), np.int32)
    digest = hashlib.sha256(b"".join(a.tobytes() for a in arrays.values())).hexdigest()[:16]
    path = paths.cache_dir() / "pipelines" / f"{name}-{digest}.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **arrays)
    return path


def explain_stage_failure(harness: Harness, config: ModelConfig, index: int, result: VectorResult) -> Divergence:
    """The failing stage alone on the debug firmware, its first differing operator named."""
    facts = config.info().pipeline
    view = next((v for v in facts.stages if v.describe(len(facts.stages)) == result.stage), None)
    if view is None:
        return Divergence(config.name, index, "none", note="no stage's outputs differ from the host chain's")
    target = harness.target(config)
    inputs = _stage_inputs(config, target.vectors, index, view.index)
    invoke = _first_differing_invoke(view, result)
    failing = len(inputs) - view.stage.invokes + invoke
    vectors_file = _write_vectors(f"{config.name}-stage{view.index}", inputs, view.info.stateful)
    stage_config = ModelConfig(name=f"{config.name}.{view.stage.label}", tflite=view.stage.tflite,
                               vectors_file=vectors_file, tolerance_lsb=config.tolerance_lsb)
    debug = debug_harness(harness)
    limit = debug.config.vector_limit
    debug.config = debug.config.variant(vector_limit=None)  # the stage's invokes, however few vectors the run takes
    try:
        divergence = explain_parity_failure(harness, stage_config, failing)
    finally:
        debug.config = debug.config.variant(vector_limit=limit)
    divergence.model, divergence.vector = config.name, index
    divergence.stage = f"{view.describe(len(facts.stages))}, its invoke {invoke} of vector {index}"
    return divergence


def explain_failure(harness: Harness, config: ModelConfig, index: int, result: VectorResult) -> Divergence:
    """The first divergent operator of a parity failure: of the model, or of a pipeline's first
    differing stage (hil/verdicts/divergence.py does the analysis)."""
    if config.info().pipeline is not None:
        return explain_stage_failure(harness, config, index, result)
    return explain_parity_failure(harness, config, index)
