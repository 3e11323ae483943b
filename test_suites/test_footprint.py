"""Footprint: firmware flash (from the ELF), the RAM the firmware really uses (static data +
tensor arena used + the stack's high-water mark measured on the target after an inference)
beside the linker's reservation, and tensor arena use, against the model's optional [budgets]
(flash_bytes, ram_bytes = RAM used, arena_bytes)."""

import pytest

from hil.errors import HilError
from hil.harness.runner import ram_text
from hil.pytest.plugin import fail, summary_line
from hil.units import bytes_text


def test_footprint(hil, hil_model, hil_record, request):
    try:
        hil.run_vector(hil_model, 0)  # the stack's high-water mark counts once an inference has run
        target = hil.target(hil_model)
        record = {**hil.target_record(target), **hil.ram_record(target)}
    except HilError as exc:
        fail(exc, hil_record)
    hil_record.update(record)
    summary_line(request.config, "footprint", f"{hil_model.name:<24} flash {bytes_text(record['flash_bytes'])}, "
                 f"RAM {ram_text(record)}")
    if not hil_model.budgets:
        pytest.skip(f"{hil_model.name}: no [budgets] in its model.toml")
    over = [f"{key} {record[key]:,} B > budget {limit:,} B" for key, limit in sorted(hil_model.budgets.items())
            if record.get(key, 0) > limit]
    if over:
        pytest.fail(f"[footprint] {hil_model.name} on {hil.profile.name}: " + "; ".join(over), pytrace=False)
