"""`hil models`: the model zoo under models/.

    hil models list                     # every model source, its task, size, MACs
    hil models build [NAME...]          # retrain + reconvert, replacing the committed artifacts
    hil models build --check [NAME...]  # rebuild in a temp dir, compare with the committed files

Without NAME, models marked `[build] slow = true` in their model.toml are left out unless
--all is given. --check passes when the rebuild is byte-identical; when it is not (another CPU
can round the int8 calibration differently), it passes only within the tolerance the card
states (hil.zoo.check.Tolerance, overridable in [build]) and says so; --exact demands bytes.
"""

from __future__ import annotations

import shutil
import tempfile
import time
import tomllib
from pathlib import Path

from hil import zoo
from hil.errors import ConfigError
from hil.zoo.build import build_in_place, run_build
from hil.zoo.check import Tolerance, compare_dirs, equivalence


def _build_table(name: str) -> dict:
    path = zoo.model_dir(name) / "model.toml"
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text()).get("build", {})
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None


def select(names: list[str], include_slow: bool) -> tuple[list[str], list[str]]:
    """(models to build, slow models left out)."""
    if names:
        for name in names:
            zoo.model_dir(name)
        return names, []
    everything = zoo.names()
    slow = [n for n in everything if _build_table(n).get("slow") and not include_slow]
    return [n for n in everything if n not in slow], slow


def _progress(line: str) -> None:
    print(line, flush=True)


def check_one(name: str, keep: Path | None = None, exact: bool = False) -> tuple[list, list[str], float]:
    """(byte differences, reasons the build is not even equivalent within the tolerance, seconds)."""
    committed = zoo.model_dir(name)
    tolerance = Tolerance.from_table(_build_table(name))
    with tempfile.TemporaryDirectory(prefix=f"hil-check-{name}-") as tmp:
        built = Path(tmp)
        seconds = run_build(name, built, _progress)
        files = zoo.artifacts(name, test_split=(built / zoo.TEST).is_file() or (committed / zoo.TEST).is_file())
        diffs = compare_dirs(committed, built, files)
        problems = []
        for diff in diffs:
            reasons = ["--exact asks for byte identity"] if exact else equivalence(
                committed / diff.file, built / diff.file, tolerance)
            problems += [f"{diff.file}: {r}" for r in reasons]
        if keep is not None:
            dest = keep / name
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(built, dest)
    return diffs, problems, seconds


def _report_check(name: str, diffs: list, problems: list[str], seconds: float) -> bool:
    """Prints the outcome; True when the check passes."""
    count = len(zoo.artifacts(name, (zoo.model_dir(name) / zoo.TEST).is_file()))
    if not diffs:
        print(f"{name}: OK, {count} committed files byte-identical to a fresh build ({seconds:.0f} s)")
        return True
    verdict = "DIFFERS from" if problems else "OK within the stated tolerance, but NOT byte-identical to"
    print(f"{name}: {verdict} the committed artifacts ({seconds:.0f} s):")
    for diff in diffs:
        for line in diff.lines():
            print(f"  {line}")
    if problems:
        print("  beyond the tolerance:")
        for problem in problems[:20]:
            print(f"    {problem}")
    else:
        print(f"  tolerance ({name}/model.toml [build]): {Tolerance.from_table(_build_table(name)).describe()}")
    return not problems


def run_build_command(args) -> int:
    names, skipped = select(args.names, args.all)
    if skipped:
        print(f"skipping slow models (add --all or name them): {', '.join(skipped)}")
    failed, started = [], time.monotonic()
    for name in names:
        if args.check:
            diffs, problems, seconds = check_one(name, Path(args.keep) if args.keep else None, args.exact)
            if not _report_check(name, diffs, problems, seconds):
                failed.append(name)
        else:
            written, seconds = build_in_place(name, _progress)
            print(f"{name}: wrote {', '.join(p.name for p in written)} ({seconds:.0f} s)")
    total = time.monotonic() - started
    if failed:
        print(f"check failed for {', '.join(failed)} ({total:.0f} s); to accept the new build: "
              f"hil models build {' '.join(failed)}")
        return 1
    print(f"done: {len(names)} model(s) in {total:.0f} s")
    return 0


def run_list(args) -> int:
    from hil.model.tflite import load_model

    rows = [("model", "task", "int8 .tflite", "MACs", "ops", "slow")]
    for name in zoo.names():
        module = zoo.load_source(name)
        tflite = zoo.model_dir(name) / f"{name}.tflite"
        if tflite.is_file():
            info = load_model(tflite)
            size, macs = f"{info.size:,} B", f"{info.total_macs:,}"
            ops = ",".join(sorted(info.op_histogram()))
        else:
            size, macs, ops = "not built", "-", "-"
        rows.append((name, module.TASK, size, macs, ops, "yes" if _build_table(name).get("slow") else ""))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return 0


def register(sub) -> None:
    parser = sub.add_parser("models", help="build and check the model zoo under models/")
    msub = parser.add_subparsers(dest="models_command", metavar="ACTION")
    build = msub.add_parser("build", help="retrain and reconvert models (seeded, reproducible)")
    build.add_argument("names", nargs="*", metavar="NAME", help="models to build (default: all but the slow ones)")
    build.add_argument("--check", action="store_true",
                       help="build into a temp dir and compare with the committed files instead of replacing them")
    build.add_argument("--all", action="store_true", help="include models marked slow in their model.toml")
    build.add_argument("--keep", metavar="DIR", help="with --check: keep the fresh build in DIR/<name>/")
    build.add_argument("--exact", action="store_true",
                       help="with --check: demand byte identity (no numerical tolerance for another CPU)")
    build.set_defaults(func=run_build_command)
    listing = msub.add_parser("list", help="list the model sources")
    listing.set_defaults(func=run_list)
    parser.set_defaults(func=lambda args: parser.print_help() or 2)
