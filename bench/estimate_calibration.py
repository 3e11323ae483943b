"""Calibrates hil/estimate's cycle model on the MLPerf Tiny v0.5 NUCLEO-L4R5ZI figures and prints
the leave-one-out table of docs/timing.md.

    python -m bench.estimate_calibration --tflm-root DIR --tflm-lib LIB \\
        --model /work/ext/mlperf/ad01_int8.tflite --model .../kws_ref_model.tflite \\
        --model .../pretrainedResnet_quant.tflite --model .../vww_96_int8.tflite
    python -m bench.estimate_calibration --refit        # from the mixes stored in calibration.toml

Runs each model once on qemu-l4r5 with the given TFLM + CMSIS-NN build (the publication's stack,
as of today), records the instruction mix of one inference, fits (hil/estimate/calibrate.py) and
rewrites hil/estimate/calibration.toml (the mixes kept in it, so --refit needs no TFLM tree).
The MLPerf Tiny models and TFLM are not in the repository: fetch and build them yourself.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from hil.boards import find_profile
from hil.estimate.calibrate import PUBLISHED, PUBLISHED_SOURCE, Figure, calibrated, figure, stored_figures, table
from hil.estimate.mix import CLASSES
from hil.estimate.model import CALIBRATION, Estimator
from hil.estimate.parts import find_part
from hil.harness.config import HarnessConfig
from hil.harness.runner import Harness
from hil.model import catalog

PART = "stm32l4r5@120MHz"


def collect(models: list[Path], tflm_root: str, tflm_lib: str | None) -> list[Figure]:
    config = HarnessConfig(find_profile("qemu-l4r5"), engine="tflm", backend_options={"estimate_for": PART},
                           tflm_root=tflm_root, tflm_lib=tflm_lib, vector_limit=1)
    harness = Harness(config)
    try:
        figures = []
        for path in models:
            if path.stem not in PUBLISHED:
                raise SystemExit(f"{path.name}: not one of the published models ({', '.join(PUBLISHED)})")
            model = catalog.adhoc(path, vectors=1)
            harness.run_vector(model, 0)
            mix = harness.target(model).windows[-1].measured
            figures.append(figure(path.stem, dict(zip(CLASSES, mix.tolist(), strict=True))))
        return figures
    finally:
        harness.close()


def write(estimator: Estimator, figures: list[Figure]) -> None:
    cal = calibrated(estimator, figures)
    lines = ["# Fitted by `python -m bench.estimate_calibration` (docs/timing.md, \"Calibration\"); do not edit by",
             "# hand: tests/test_estimate.py refits from the figures below and compares.",
             "[cortex-m4]", f"refill = {cal.refill}", f"miss_penalty = {cal.miss_penalty}",
             f"seq_factor = {cal.seq_factor}", f'extra_class = "{cal.extra_class}"', f"extra = {cal.extra:.6f}",
             f"band = {cal.band}", f'validated_part = "{cal.validated_part}"', f'basis = "{cal.basis}"',
             f'published = "{PUBLISHED_SOURCE}"']
    for f in figures:
        counts = ", ".join(f"{c} = {int(v)}" for c, v in zip(CLASSES, f.mix, strict=True))
        lines += ["", f"[cortex-m4.figures.{f.model}]", f'task = "{f.task}"',
                  f"published_cycles = {f.published_cycles:.0f}", f"counts = {{ {counts} }}"]
    CALIBRATION.write_text("\n".join(lines) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", default=[], type=Path)
    parser.add_argument("--tflm-root")
    parser.add_argument("--tflm-lib")
    parser.add_argument("--refit", action="store_true", help="fit the mixes stored in calibration.toml")
    args = parser.parse_args()
    figures = stored_figures() if args.refit else collect(args.model, args.tflm_root, args.tflm_lib)
    estimator = Estimator.for_part(find_part(PART))
    write(estimator, figures)
    print(table(estimator, figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
