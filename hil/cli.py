"""The `hil` command. Each subcommand lives in hil/commands/<name>.py and exposes
`register(subparsers)`, which adds its parser and sets `func` (args -> exit code)."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from hil import __version__, commands
from hil.boards.process import stop_on_sigterm
from hil.errors import HilError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hil", description="TinyML hardware-in-the-loop harness")
    parser.add_argument("--version", action="version", version=f"tinyml-hil {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in sorted(m.name for m in pkgutil.iter_modules(commands.__path__)):
        importlib.import_module(f"hil.commands.{module}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    stop_on_sigterm()  # `kill` ends a command like Ctrl-C: "interrupted", emulators stopped
    try:
        return int(args.func(args) or 0)
    except HilError as exc:
        print(f"hil: {exc.one_line()}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like
        return 0
    except KeyboardInterrupt:
        print("hil: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
