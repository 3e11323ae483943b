"""Cross-target parity: the same int8 model gives the same outputs on every target at once
(--cross-boards qemu,qemu-m7,qemu-m55: Cortex-M4, M7 and M55 builds; labgrid:PLACE for boards
of a farm; --cross-engines builtin,tflm: both engines on each board). Each target must match
the host TFLM reference, and integer outputs must be byte-identical across targets.
Skipped unless two or more targets are given."""

import pytest

from hil.harness.multi import first_error
from hil.pytest.plugin import fail


def test_cross_target_parity(hil_targets, hil_model, hil_vector, hil_record):
    result = hil_targets.run_vector(hil_model, hil_vector)
    hil_record.update(model=hil_model.name, vector=hil_vector, targets=list(hil_targets.harnesses),
                      **({"places": hil_targets.places()} if hil_targets.places() else {}))
    if result.errors:
        fail(first_error(result), hil_record)
    mismatches = result.mismatches()
    hil_record["exact"] = not mismatches
    if mismatches:
        pytest.fail(f"[parity] {hil_model.name} vector {hil_vector}: " + "; ".join(mismatches), pytrace=False)
