"""Soak: N distinct vectors through one board session (`--soak N`, 300 by default; the documented
long run is 10,000). Every reply must belong to its own request and match the reference: a
lost, duplicated or reordered vector shows up as a timeout, a stale frame or a wrong output."""

import time

import pytest

from hil.errors import HilError
from hil.model import catalog
from hil.model.vectors import random_vectors
from hil.pytest.plugin import fail, summary_line
from hil.units import duration_text

SOAK_MODEL = "hello_world"


def test_soak(hil, hil_record, request):
    n = request.config.getoption("soak")
    model = next((m for m in catalog.discover() if m.name == SOAK_MODEL), None)
    if model is None:
        pytest.skip(f"the soak model {SOAK_MODEL} is not in the catalog")
    try:
        target = hil.target(model)
        vectors = random_vectors(model.info().input_tensors, n, seed=20261126).inputs
        stats = target.device.client.stats
        before = (stats.requests, stats.retransmits, stats.stale_frames)
        started = time.monotonic()
        wrong = [i for i, v in enumerate(vectors)
                 if not target.compare(hil.infer(target, v).outputs, target.reference.run(v)).exact]
        elapsed = time.monotonic() - started
    except HilError as exc:
        fail(exc, hil_record)
    requests, retransmits, stale = (a - b for a, b in zip((stats.requests, stats.retransmits,
                                                           stats.stale_frames), before, strict=True))
    hil_record.update(model=SOAK_MODEL, vectors=n, seconds=elapsed, retransmits=retransmits, stale_frames=stale)
    summary_line(request.config, "soak", f"{n} vectors in {duration_text(elapsed * 1e6)} ({n / elapsed:.0f}/s), "
                 f"{requests} requests, {retransmits} retransmissions, {stale} stale frames, {len(wrong)} wrong")
    assert requests == n, f"{requests} requests for {n} vectors"
    assert not wrong, f"{len(wrong)} of {n} vectors came back wrong, first {wrong[:5]}"
    assert stale == 0 and retransmits == 0, "a clean link needed retransmissions: frames were lost"
