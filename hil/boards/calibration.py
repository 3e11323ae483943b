"""Instructions per counter tick, measured on the target itself with CALIBRATE.

A profile's `instructions_per_tick` holds for the emulator it was measured on. Where the user
chooses the platform (Renode's .repl sets the SysTick frequency, the CPU's PerformanceInMips
sets instructions per virtual second), the backend measures the figure on the running target
and uses the measurement when the profile's figure does not match it.
"""

from __future__ import annotations

import dataclasses

from hil.errors import Category, HilError
from hil.link.device import Device
from hil.verdicts.timing import VIRTUAL, Clock

CALIBRATE_ITERATIONS = 1_000_000  # 2 M instructions: well under 0.1 s on Renode or QEMU
AGREEMENT = 1e-3  # Renode 1.14's counter moves in 1 us steps of virtual time (72 ticks on the stock STM32F4)


def calibrated_clock(board: str, device: Device, clock: Clock) -> tuple[Clock, str]:
    """The clock to use and a warning ('' when the profile's figure matches the target)."""
    if clock.provenance != VIRTUAL:
        return clock, ""
    instructions, ticks = device.calibrate(CALIBRATE_ITERATIONS)
    if ticks <= 0:
        raise HilError(f"{board}: the firmware's counter did not advance while CALIBRATE ran {instructions:,} "
                       f"instructions, so no cycle figure would mean anything", Category.PROTOCOL)
    measured = instructions / ticks
    expected = clock.instructions_per_tick
    if expected and abs(measured / expected - 1) <= AGREEMENT:
        return clock, ""
    warning = "" if not expected else (
        f"{board}: CALIBRATE measured {measured:.6g} instructions per counter tick on the target, the profile "
        f"says {expected:g}: using the measurement (set instructions_per_tick in the profile to match the platform)")
    return dataclasses.replace(clock, instructions_per_tick=measured), warning
