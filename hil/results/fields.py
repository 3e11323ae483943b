"""The keys of what a test measured, as stored in the results database (a test's hil_record, a
`hil run` vector) and read back by the report: named once here. Producers (hil/harness/runner.py,
hil/verdicts/, hil/pytest/suites.py) write them and hil/report/ reads them through Field, so a
renamed or new figure cannot drift apart between the two (tests/test_record_fields.py).

Plain strings, not an Enum: records cross process boundaries (pytest-xdist's execnet serializes
only builtin types) and go into JSON and SQLite as they are."""

from __future__ import annotations


class Field:
    # what was measured: Harness.target_record()
    BOARD = "board"
    ENGINE = "engine"
    MODEL = "model"
    MODEL_SHA256 = "model_sha256"
    FIRMWARE_KEY = "firmware_key"
    IMAGE_SHA256 = "image_sha256"        # of the firmware image as flashed
    PLACE = "place"                      # the farm place the board was reached through
    VECTOR = "vector"
    MACS = "macs"
    # timing: cycles of the counter, microseconds at the profile's clock, and where they came from
    PROVENANCE = "provenance"            # dwt (real cycles) or virtual (emulator instructions)
    CPU_HZ = "cpu_hz"
    CYCLES = "cycles"                    # the worst case
    CYCLES_MIN = "cycles_min"
    LATENCY_US = "latency_us"            # of the worst case
    WCET = "wcet"
    WCET_US = "wcet_us"
    P50 = "p50"
    P99 = "p99"
    P50_US = "p50_us"
    P99_US = "p99_us"
    INFERENCES = "inferences"            # how many the timing figures cover
    WORST_VECTOR = "worst_vector"
    JITTER = "jitter"                    # older records' name of jitter_cycles
    JITTER_CYCLES = "jitter_cycles"
    PER_OP = "per_op"                    # [{index, op, cycles, macs, ...}] of the worst vector
    # estimated cycles of a named part from the emulator's instruction mix (hil/estimate), beside
    # the virtual ones: worst case, best case, microseconds at the part's clock, the part, the band
    ESTIMATED_CYCLES = "estimated_cycles"
    ESTIMATED_CYCLES_MIN = "estimated_cycles_min"
    ESTIMATED_US = "estimated_us"
    ESTIMATE_PART = "estimate_part"
    ESTIMATE_BAND = "estimate_band"      # relative error band (the calibration's leave-one-out bound)
    DEADLINE_CLOCK = "deadline_clock"    # which figure a deadline was checked against
    DEADLINE_US = "deadline_us"
    MAX_CYCLES = "max_cycles"
    BASELINE_CYCLES = "baseline_cycles"
    CYCLES_CHANGE = "cycles_change"
    CYCLES_PER_MAC = "cycles_per_mac"
    # integer parity (hil/verdicts/parity.py): differences in LSB of the output
    EXACT = "exact"
    MAX_ABS_DIFF_LSB = "max_abs_diff_lsb"
    MISMATCHES = "mismatches"
    RMSE = "rmse"
    COSINE = "cosine"
    TOP1_AGREE = "top1_agree"
    # float parity (hil/verdicts/float_parity.py): absolute/relative error and ULP
    FLOAT_WITHIN_TOLERANCE = "float_within_tolerance"
    MAX_ABS_ERROR = "max_abs_error"
    MAX_REL_ERROR = "max_rel_error"
    MAX_ULP = "max_ulp"
    FLOAT_MISMATCHES = "float_mismatches"
    ABS_TOL = "abs_tol"
    REL_TOL = "rel_tol"
    DIVERGENCE = "divergence"            # the first divergent operator after a parity failure
    FAILING_STAGE = "failing_stage"      # a pipeline: the first stage whose outputs differ
    # training-time parity (hil/verdicts/training_parity.py): device features vs training features
    TRAINING_MATCH = "training_match"
    TRAINING_MAX_DIFF = "training_max_abs_diff"      # LSB of the frontend's output
    TRAINING_VALUES_OVER = "training_values_over"    # feature values beyond the tolerance
    TRAINING_SETTINGS_DIFFER = "training_settings_differ"  # ["window: device 'hamming', training 'hann'", ...]
    TRAINING_TOP1_AGREE = "training_top1_agree"      # model top-1 on device vs training features, fraction
    # footprint, bytes
    FLASH_BYTES = "flash_bytes"
    RAM_BYTES = "ram_bytes"              # used: static + arena + stack peak
    RAM_RESERVED_BYTES = "ram_reserved_bytes"
    RAM_STATIC_BYTES = "ram_static_bytes"
    STACK_PEAK_BYTES = "stack_peak_bytes"
    STACK_RESERVE_BYTES = "stack_reserve_bytes"
    ARENA_BYTES = "arena_bytes"
    # energy per inference, microjoules (hil/verdicts/energy.py)
    ENERGY_UJ = "energy_uj"
    ENERGY_MIN_UJ = "energy_min_uj"
    ENERGY_MAX_UJ = "energy_max_uj"
    ENERGY_PROVENANCE = "energy_provenance"  # estimated or measured, never mixed
    ENERGY_SOURCE = "energy_source"
    ENERGY_INFERENCES = "energy_inferences"
    ENERGY_BUDGET_UJ = "energy_budget_uj"
    IDLE_POWER_W = "idle_power_w"


FIELDS = frozenset(value for name, value in vars(Field).items() if name.isupper())
