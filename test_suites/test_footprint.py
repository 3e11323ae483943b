"""Footprint: firmware flash and RAM (from the ELF) and tensor arena use against the model's
optional [budgets] (flash_bytes, ram_bytes, arena_bytes)."""

import pytest

from hil.errors import HilError
from hil.pytest.plugin import fail, summary_line


def test_footprint(hil, hil_model, hil_record, request):
    try:
        record = hil.target_record(hil.target(hil_model))
    except HilError as exc:
        fail(exc, hil_record)
    hil_record.update(record)
    summary_line(request.config, "footprint", f"{hil_model.name:<24} flash {record['flash_bytes']:,} B, "
                 f"RAM {record['ram_bytes']:,} B, arena {record['arena_bytes']:,} B")
    if not hil_model.budgets:
        pytest.skip(f"{hil_model.name}: no [budgets] in its model.toml")
    over = [f"{key} {record[key]:,} B > budget {limit:,} B" for key, limit in sorted(hil_model.budgets.items())
            if record.get(key, 0) > limit]
    if over:
        pytest.fail(f"[footprint] {hil_model.name} on {hil.profile.name}: " + "; ".join(over), pytrace=False)
