"""`hil energy`: energy per inference, average power at an inference rate (the agent sleeps in WFI
between requests, so idle power counts) and battery life, each with its provenance: `estimated`
from the board's [power] model, or `measured` with --power-monitor."""

from __future__ import annotations

import json
from pathlib import Path

from hil.commands.run import add_board_options, add_power_options, make_harness
from hil.errors import ConfigError
from hil.model import catalog
from hil.power import attach_power_monitor
from hil.units import duration_text
from hil.verdicts.energy import (
    EnergyStats,
    duty_cycle,
    energy_text,
    life_text,
    parse_battery,
    parse_rate,
    power_text,
)


def model_config(name: str) -> catalog.ModelConfig:
    """A catalog model by name, or any .tflite file."""
    models = {m.name: m for m in catalog.discover()}
    if name in models:
        return models[name]
    if name.endswith(".tflite"):
        return catalog.adhoc(Path(name))
    raise ConfigError(f"'{name}': give a .tflite file or a catalog model ({', '.join(sorted(models))})")


def run(args) -> int:
    rate = parse_rate(args.rate)
    battery = parse_battery(args.battery) if args.battery else None
    config = model_config(args.model)
    harness = make_harness(args)
    try:
        harness.config = harness.config.variant(vector_limit=args.vectors)
        attach_power_monitor(harness, vars(args))
        stats = harness.energy(config, repeat=args.repeat)
        if stats is None:
            raise ConfigError(f"board {harness.profile.name} has no [power] model: add one to its profile or measure "
                              f"with --power-monitor (docs/energy.md)")
        duty = duty_cycle(stats, rate, battery)
    finally:
        harness.close()
    out = {"model": config.name, "board": harness.profile.name, **stats.record(), **duty.record(),
           "seconds_per_inference": stats.seconds_per_inference}
    print(json.dumps(out, indent=2) if args.json else table(stats, duty, config.name, harness.profile.name))
    return 0


def table(stats: EnergyStats, duty, model: str, board: str) -> str:
    p = f"[{stats.provenance}]"
    rows = [
        ("model", f"{model} on {board}"),
        ("energy", f"{energy_text(stats.median_uj)} per inference (median of {len(stats.per_inference_uj)}, "
                   f"min {energy_text(stats.min_uj)}, max {energy_text(stats.max_uj)}) {p}"),
        ("inference", f"{duration_text(stats.seconds_per_inference * 1e6)} {p}"),
        ("idle", f"{power_text(stats.idle_w)} while the agent waits in WFI {p}"),
        ("average", f"{power_text(duty.average_w)} at {duty.rate_hz:g} inferences/s "
                    f"({duty.active_fraction:.3%} of the time inferring) {p}"),
    ]
    if duty.battery is not None:
        rows.append(("battery", f"{life_text(duty.battery_hours)} on {duty.battery.text()} (ideal converter) {p}"))
    rows.append(("source", stats.source))
    return "\n".join(f"{k:<10} {v}" for k, v in rows)


def register(sub) -> None:
    parser = sub.add_parser("energy", help="energy per inference, average power at a rate, battery life")
    parser.add_argument("model", help="a catalog model name or a .tflite file")
    parser.add_argument("--rate", default="1/s", help="inferences per second, minute or hour: 1/s, 10/min "
                        "(default 1/s)")
    parser.add_argument("--battery", default=None, metavar="CAPACITY@VOLTS", help="e.g. 220mAh@3V: print battery life")
    parser.add_argument("--vectors", type=int, default=5, help="vectors to estimate over (default 5)")
    parser.add_argument("--repeat", type=int, default=2, help="inferences per vector; measured: at least 5 (default 2)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    add_power_options(parser)
    add_board_options(parser)
    parser.set_defaults(func=run)
