"""Footprint: firmware flash (from the ELF), the RAM the firmware really uses (static data +
tensor arena used + the stack's high-water mark measured on the target after an inference)
beside the linker's reservation, and tensor arena use, against the model's optional [budgets]
(flash_bytes, ram_bytes = RAM used, arena_bytes)."""

from hil.pytest.suites import assert_footprint


def test_footprint(hil, hil_model, hil_record, request):
    assert_footprint(hil, hil_model, request, hil_record)
