"""`hil tradeoff`: one catalog model as int8, float16 weights and float32 on the same board, side by
side (flash, arena, cycles, latency, energy per inference, quality vs the float Keras model, parity
with the host).
Prints the table and writes it to reports/tradeoff.json (read by `hil report`) and
reports/tradeoff.md."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from hil.commands.run import add_board_options, add_power_options, make_harness
from hil.errors import ConfigError
from hil.harness.build import stderr_progress
from hil.harness.tradeoff import markdown_all, run_tradeoff, save
from hil.model import catalog
from hil.power import attach_power_monitor
from hil.results.store import default_db_path


def default_json() -> Path:
    """Beside the results database, where `hil report` looks for it."""
    return default_db_path().parent / "tradeoff.json"


def run(args) -> int:
    models = {m.name: m for m in catalog.discover()}
    if args.model not in models:
        raise ConfigError(f"unknown model '{args.model}': give a catalog model ({', '.join(sorted(models))})")
    config = models[args.model]
    if args.vectors is not None and args.vectors < 1:
        raise ConfigError("--vectors must be at least 1")
    harness = make_harness(args)
    try:
        attach_power_monitor(harness, vars(args))
        result = run_tradeoff(harness, config, args.vectors, progress=stderr_progress)
    finally:
        harness.close()
    result.command = "hil tradeoff " + " ".join(shlex.quote(a) for a in args.argv)
    print(result.terminal())
    if not args.no_write:
        json_path = args.json or default_json()
        everything = save(json_path, result)
        md_path = args.markdown or json_path.with_suffix(".md")
        md_path.write_text(markdown_all(everything))
        print(f"written: {json_path} and {md_path}")
    bad = [r.variant for r in result.rows if not r.parity_ok]
    if bad:
        print(f"hil: target outputs differ from the host reference for {', '.join(bad)}", file=sys.stderr)
        return 1
    return 0


def register(sub) -> None:
    parser = sub.add_parser("tradeoff", help="int8 vs float16 weights vs float32 of one model on a board")
    parser.add_argument("model", help="catalog model with its float conversions (e.g. digits_cnn)")
    parser.add_argument("--vectors", type=int, default=None, metavar="N",
                        help="the first N vectors of the test split (default: all)")
    parser.add_argument("--json", type=Path, default=None, metavar="PATH",
                        help="trade-off JSON to update (default reports/tradeoff.json beside the results database)")
    parser.add_argument("--markdown", type=Path, default=None, metavar="PATH",
                        help="Markdown table of every trade-off in the JSON (default: the JSON path with .md)")
    parser.add_argument("--no-write", action="store_true", help="print the table only")
    add_power_options(parser)
    add_board_options(parser)
    parser.set_defaults(func=run, argv=sys.argv[2:])
