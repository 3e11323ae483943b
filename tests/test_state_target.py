"""Models that keep state across invokes, on QEMU (the real firmware) against the host TFLM
interpreter driven the same way: sequences of invokes with the state carried over inside one and
reset between them (RESET_STATE on the target, reset() on the host), and a retransmitted RUN
that must not advance the state twice. `hil run --json` on such models: test_sequence_models_target.py."""

import numpy as np
import pytest
from seqmodels import expose_all_outputs, shared_model

from hil import paths
from hil.boards import find_profile
from hil.harness.config import HarnessConfig
from hil.harness.runner import Harness
from hil.link.faulty_transport import FaultyTransport
from hil.model import catalog

VECTORS = 6


@pytest.fixture(scope="module")
def harness():
    h = Harness(HarnessConfig(find_profile("qemu"), vector_limit=VECTORS))
    yield h
    h.close()


def run_all(harness, config):
    results = [harness.run_vector(config, i) for i in range(VECTORS)]
    harness.discard(config)
    return results


def test_resetting_or_not_changes_the_result_and_both_match_tflm(harness, tmp_path):
    """Every operator output of keyword_scrambled (int16 SVDF state), the vectors once in
    sequences of 1 (state reset before each) and once in one sequence: each run bit-exact with
    TFLM driven the same way, and the SVDF outputs differ after the first vector."""
    model = expose_all_outputs(shared_model("keyword_scrambled.tflite"), tmp_path / "keyword_scrambled_all.tflite")
    alone = run_all(harness, catalog.adhoc(model, vectors=VECTORS, steps=1))
    carried = run_all(harness, catalog.adhoc(model, vectors=VECTORS, steps=0))
    for results in (alone, carried):
        assert all(r.parity.exact for r in results), [r.parity.message() for r in results if not r.parity.exact]
    svdf = [op.index for op in catalog.adhoc(model).info().ops if op.name == "SVDF"]
    assert all(np.array_equal(alone[0].outputs[k], carried[0].outputs[k]) for k in svdf)
    for i in range(1, VECTORS):
        assert any(not np.array_equal(alone[i].outputs[k], carried[i].outputs[k]) for k in svdf), i


def test_ready_announces_state_and_reset_is_acknowledged(harness, tmp_path):
    stateful = catalog.adhoc(shared_model("keyword_scrambled.tflite"), vectors=VECTORS)
    device = harness.target(stateful).device
    assert device.ready.stateful
    device.reset_state()
    harness.discard(stateful)
    plain = catalog.adhoc(paths.models_dir() / "hello_world" / "hello_world.tflite", vectors=VECTORS)
    device = harness.target(plain).device
    assert not device.ready.stateful
    device.reset_state()  # nothing to reset: still acknowledged
    harness.discard(plain)


def test_retransmitted_run_advances_the_state_once(harness, tmp_path):
    """The reply to a RUN is lost, the host sends the RUN again (same seq): the target answers
    from the first execution, so the state advanced once and every later step still matches."""
    model = expose_all_outputs(shared_model("keyword_scrambled.tflite"), tmp_path / "keyword_scrambled_all.tflite")
    config = catalog.adhoc(model, vectors=VECTORS, steps=0)
    target = harness.target(config)
    client = target.device.client
    faulty = FaultyTransport(client.transport, seed=3)
    client.transport = faulty
    try:
        assert harness.run_vector(config, 0).parity.exact
        faulty.once("rx", "drop")  # the RUN_RESULT of vector 1 loses a byte: the host resends
        retransmits = client.stats.retransmits
        results = [harness.run_vector(config, i) for i in range(1, VECTORS)]
        assert client.stats.retransmits > retransmits
        assert all(r.parity.exact for r in results), [r.parity.message() for r in results if not r.parity.exact]
    finally:
        client.transport = faulty.inner
        harness.discard(config)
