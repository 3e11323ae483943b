"""Core timings per instruction class, in cycles, from the technical reference manuals (issue
cycles with zero-wait-state memory). The plugin's classes are hil/estimate/mix.py's CLASSES; a
branch is counted once as an ALU instruction and once more in br_taken when it was taken (the
pipeline refill, `refill` below)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CoreTiming:
    name: str
    source: str
    cycles: dict[str, float]  # per executed instruction (or per register for *_regs)
    refill: float             # extra cycles of a taken branch (the pipeline refill, P in the TRMs)
    notes: list[str] = field(default_factory=list)


# Cortex-M4 TRM (ARM DDI 0439), "Processor instruction timings": data processing, DSP and SIMD 1;
# MUL and the 16/32-bit DSP multiplies 1; MLA/MLS 2; long multiplies 1; SDIV/UDIV 2-12 (7 taken,
# operand-dependent); LDR 2 (1 when pipelined with a following load/store: not modelled), LDRD 3,
# LDM/STM 1+N; STR 1 (store buffer); branches 1+P, P 1-3; FPU: VADD/VMUL 1, VMLA/VFMA 3,
# VDIV/VSQRT 14, VLDR/VSTR 2, VLDM/VSTM 1+N.
CORTEX_M4 = CoreTiming(
    "cortex-m4", "Cortex-M4 TRM (ARM DDI 0439), instruction timings",
    {"alu": 1, "simd": 1, "mul": 1, "mac": 2, "dspmul": 1, "mull": 1, "div": 7,
     "ld": 2, "ldd": 3, "ldm": 1, "ldm_regs": 1, "st": 1, "std": 2, "stm": 1, "stm_regs": 1,
     "fp": 1, "fp_mac": 3, "fp_div": 14, "fp_ldst": 1, "fp_ldst_regs": 1, "mve": 1},
    refill=2)

# Cortex-M7 TRM (ARM DDI 0489): dual issue of most pairs of ALU instructions, loads 1 from TCM
# with a 2-cycle load-use latency, branch prediction (taken branches predicted: refill mostly
# hidden). Modelled as single issue with 1-cycle loads: an upper bound the M4 calibration
# does not cover (no silicon figure was fitted for M7).
CORTEX_M7 = CoreTiming(
    "cortex-m7", "Cortex-M7 TRM (ARM DDI 0489): single-issue upper bound, loads 1, predicted branches",
    {"alu": 1, "simd": 1, "mul": 1, "mac": 1, "dspmul": 1, "mull": 1, "div": 7,
     "ld": 1, "ldd": 1, "ldm": 1, "ldm_regs": 1, "st": 1, "std": 1, "stm": 1, "stm_regs": 1,
     "fp": 1, "fp_mac": 1, "fp_div": 14, "fp_ldst": 1, "fp_ldst_regs": 1, "mve": 1},
    refill=1, notes=["dual issue not modelled"])

# Cortex-M55 TRM (ARM DDI 0553) and its software optimization guide: scalar as M4-class (loads 1
# from TCM, 4-stage pipeline, refill 2); Helium (MVE) in 2 beats per 128-bit instruction.
CORTEX_M55 = CoreTiming(
    "cortex-m55", "Cortex-M55 TRM (ARM DDI 0553): scalar 1, loads 1 (TCM), MVE 2 beats per instruction",
    {"alu": 1, "simd": 1, "mul": 1, "mac": 1, "dspmul": 1, "mull": 1, "div": 7,
     "ld": 1, "ldd": 2, "ldm": 1, "ldm_regs": 1, "st": 1, "std": 2, "stm": 1, "stm_regs": 1,
     "fp": 1, "fp_mac": 1, "fp_div": 14, "fp_ldst": 1, "fp_ldst_regs": 1, "mve": 2},
    refill=2, notes=["MVE beat overlap not modelled"])

CORES = {c.name: c for c in (CORTEX_M4, CORTEX_M7, CORTEX_M55)}
