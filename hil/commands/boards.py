"""`hil boards`: every board profile, and whether its tools are installed here."""

from __future__ import annotations

from hil.boards import all_profiles, make_backend
from hil.boards.profile import search_path
from hil.errors import HilError


def tools_status(profile) -> str:
    """Whether the host tools a board needs are installed (not whether a board is attached)."""
    try:
        backend = make_backend(profile)
        getattr(backend, "check_installed", backend.check_tools)()
        return "yes"
    except HilError as exc:
        return f"no ({str(exc).split(':')[0]})"


def run(args) -> int:
    rows = [("board", "aliases", "core", "cpu_hz", "backend", "uart", "flasher", "tools here")]
    for p in sorted(all_profiles().values(), key=lambda p: p.name):
        rows.append((p.name, ",".join(p.aliases), p.core, f"{p.cpu_hz:,}", p.backend, p.uart, p.flasher,
                     tools_status(p)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    print("\nprofile search path: " + ", ".join(str(d) for d in search_path()))
    return 0


def register(sub) -> None:
    parser = sub.add_parser("boards", help="list board profiles")
    parser.set_defaults(func=run)
