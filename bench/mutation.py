"""Mutation benchmark: how many planted bugs do the harness's own tests catch?

    .venv/bin/python -m bench.mutation                     # every module in bench/mutation.toml
    .venv/bin/python -m bench.mutation verdicts/parity agent/frame   # some modules
    .venv/bin/python -m bench.mutation --list              # modules, their tests, mutant counts

Python modules are mutated by cosmic-ray (PyPI; installed by ./setup.sh), restricted to the
operators that model realistic slips (comparisons and their boundaries, +/-, *//, numbers,
booleans, and/or, not, break/continue, loops that run zero times). Firmware decision points are
mutated from the list in bench/mutation.toml (each mutant a literal edit that must apply exactly
once). Every mutant runs only against the tests that cover its file, in a scratch copy of the
checkout, so the working tree is never touched. Mutants judged equivalent (no behaviour can
tell them apart) are listed with their reason in bench/mutation.toml and left out of the score.

It is a benchmark, not a CI step: it takes tens of minutes. Prints the kill rate per module and
every survivor; writes reports/mutation.json (or --json PATH). docs/testing.md has the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path

from hil import paths

CONFIG = Path(__file__).resolve().parent / "mutation.toml"
GOAL = 0.85
# Operators that are not realistic slips for this code (bit operations and powers in place of
# arithmetic are found by any test that computes anything, and multiply the run time).
EXCLUDED_OPERATORS = [r"core/ReplaceBinaryOperator_.*_(Pow|RShift|LShift|BitOr|BitAnd|BitXor|Mod|FloorDiv)$",
                      r"core/ReplaceBinaryOperator_(Pow|RShift|LShift|BitOr|BitAnd|BitXor|Mod|FloorDiv)_.*",
                      r"core/ReplaceComparisonOperator_.*_(Is|IsNot|In|NotIn)$",
                      r"core/ReplaceComparisonOperator_(Is|IsNot|In|NotIn)_.*"]


@dataclass
class Mutant:
    module: str
    where: str          # file:line
    what: str           # operator name or the firmware mutant's description
    line: str           # the source line before the mutation
    outcome: str        # killed, survived, equivalent, incompetent
    why: str = ""       # the equivalence reason


@dataclass
class ModuleScore:
    module: str
    kind: str
    tests: list[str]
    mutants: list[Mutant] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, outcome: str) -> int:
        return sum(m.outcome == outcome for m in self.mutants)

    @property
    def score(self) -> float | None:
        decided = self.count("killed") + self.count("survived")
        return self.count("killed") / decided if decided else None


def load_config() -> dict:
    return tomllib.loads(CONFIG.read_text())


def scratch_copy(dest: Path) -> Path:
    """The checkout's files as they are in the working tree: tracked ones (uncommitted edits too)
    and new ones git does not ignore (a test written but not yet committed)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=paths.REPO_ROOT, capture_output=True, check=True)
    for name in listed.stdout.decode().split("\0"):
        src = paths.REPO_ROOT / name
        if name and src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


def _env(scratch: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(scratch), "HIL_CACHE_DIR": str(scratch / ".cache"),
            "HIL_NATIVE_BUILD_DIR": str(scratch / ".mutation" / "native-trees"),
            "PYTEST_ADDOPTS": "-p no:cacheprovider"}


def _pytest_command(tests: list[str]) -> list[str]:
    return [sys.executable, "-m", "pytest", "-x", "-q", *tests]


def _equivalent(module: dict, line: str, what: str) -> str:
    for entry in module.get("equivalent", []):
        if entry["line"] in line and re.fullmatch(entry.get("operator", ".*"), what):
            return entry["why"]
    return ""


# -- Python modules: cosmic-ray ----------------------------------------------------------------

def _cosmic_ray_config(path: Path, module: dict, scratch: Path) -> None:
    command = " ".join(_pytest_command(module["tests"]))
    excluded = ", ".join(json.dumps(e) for e in EXCLUDED_OPERATORS)
    path.write_text(f'[cosmic-ray]\nmodule-path = "{module["path"]}"\ntimeout = {module.get("timeout", 120)}.0\n'
                    f'excluded-modules = []\ntest-command = {json.dumps(command)}\n\n'
                    f'[cosmic-ray.distributor]\nname = "local"\n\n'
                    f'[cosmic-ray.filters.operators-filter]\nexclude-operators = [{excluded}]\n')


def _require_passing(name: str, tests: list[str], passed: bool) -> None:
    """A failing (or missing) test would count every mutant as killed."""
    if not passed:
        raise SystemExit(f"bench.mutation: {name}: its tests ({' '.join(tests)}) fail on the unmutated source; "
                         f"fix them or bench/mutation.toml first")


def run_python_module(name: str, module: dict, scratch: Path) -> ModuleScore:
    command = shlex.split(" ".join(_pytest_command(module["tests"])))  # as cosmic-ray runs it
    clean = subprocess.run(command, cwd=scratch, env=_env(scratch), capture_output=True)
    _require_passing(name, module["tests"], clean.returncode == 0)
    work = scratch / ".mutation"
    work.mkdir(exist_ok=True)
    slug = name.replace("/", "_")
    config, session = work / f"{slug}.toml", work / f"{slug}.sqlite"
    _cosmic_ray_config(config, module, scratch)
    bin_dir = Path(sys.executable).parent
    for step in (["cosmic-ray", "init", config, session], ["cr-filter-operators", session, config],
                 ["cosmic-ray", "exec", config, session]):
        subprocess.run([str(bin_dir / step[0]), *map(str, step[1:])], cwd=scratch, env=_env(scratch), check=True,
                       capture_output=True)
    return score_session(name, module, scratch / module["path"], session)


def score_session(name: str, module: dict, source: Path, session: Path) -> ModuleScore:
    """The outcome of every mutant in a cosmic-ray session, with this module's equivalent list
    applied (also usable on the session of an interrupted run)."""
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome

    lines = source.read_text().splitlines()
    score = ModuleScore(name, "python", module["tests"])
    with use_db(str(session), WorkDB.Mode.open) as db:
        for item, result in db.completed_work_items:
            if result.worker_outcome == WorkerOutcome.SKIPPED:
                continue
            spec = item.mutations[0]
            line = lines[spec.start_pos[0] - 1].strip()
            why = _equivalent(module, line, spec.operator_name)
            if why:
                outcome = "equivalent"
            elif result.test_outcome == TestOutcome.INCOMPETENT:
                outcome = "incompetent"
            else:
                outcome = "survived" if result.test_outcome == TestOutcome.SURVIVED else "killed"
            score.mutants.append(Mutant(name, f"{module['path']}:{spec.start_pos[0]}", spec.operator_name, line,
                                        outcome, why))
    return score


# -- Firmware: the listed mutants --------------------------------------------------------------

class NativeTree:
    """One incremental native build (ASan + UBSan) of firmware/tests for the C unit tests: a
    mutant rebuilds only the files it touched."""

    def __init__(self, scratch: Path):
        self.scratch, self.build = scratch, scratch / ".mutation" / "native"
        subprocess.run(["cmake", "-S", str(scratch / "firmware" / "tests"), "-B", str(self.build), "-G", "Ninja"],
                       check=True, capture_output=True)

    def passes(self, unit_test: str) -> bool:
        if subprocess.run(["ninja", "-C", str(self.build), unit_test], capture_output=True).returncode:
            return False  # a mutant that does not compile fails its test
        return subprocess.run(["ctest", "-R", f"^{unit_test}$"], cwd=self.build, capture_output=True).returncode == 0


def _tests_pass(tests: list[str], scratch: Path, native: NativeTree) -> bool:
    for test in tests:
        if test.startswith("ctest:"):
            if not native.passes(test.removeprefix("ctest:")):
                return False
        elif subprocess.run(_pytest_command(test.split()), cwd=scratch, env=_env(scratch),
                            capture_output=True).returncode:
            return False
    return True


def run_firmware_module(name: str, module: dict, scratch: Path, native: NativeTree) -> ModuleScore:
    path = scratch / module["path"]
    original = path.read_text()
    _require_passing(name, module["tests"], _tests_pass(module["tests"], scratch, native))
    score = ModuleScore(name, "firmware", module["tests"])
    for mutant in module["mutants"]:
        if original.count(mutant["find"]) != 1:
            raise SystemExit(f"bench.mutation: {name}: {mutant['find']!r} occurs {original.count(mutant['find'])} "
                             f"times in {module['path']}, expected once: update bench/mutation.toml")
        line_no = original[:original.index(mutant["find"])].count("\n") + 1
        line = original.splitlines()[line_no - 1].strip()
        if mutant.get("equivalent"):
            score.mutants.append(Mutant(name, f"{module['path']}:{line_no}", mutant["what"], line, "equivalent",
                                        mutant["equivalent"]))
            continue
        path.write_text(original.replace(mutant["find"], mutant["replace"]))
        try:
            killed = not _tests_pass(mutant.get("tests", module["tests"]), scratch, native)
        finally:
            path.write_text(original)
        score.mutants.append(Mutant(name, f"{module['path']}:{line_no}", mutant["what"], line,
                                    "killed" if killed else "survived"))
    return score


# -- Report ------------------------------------------------------------------------------------

def print_scores(scores: list[ModuleScore]) -> None:
    print(f"{'module':<24} {'kind':<9} {'mutants':>7} {'equiv':>5} {'killed':>6} {'survived':>8} {'score':>6}  time")
    for s in scores:
        rate = "n/a" if s.score is None else f"{s.score:.0%}"
        flag = "" if s.score is None or s.score >= GOAL else f"  below {GOAL:.0%}"
        print(f"{s.module:<24} {s.kind:<9} {len(s.mutants):>7} {s.count('equivalent'):>5} {s.count('killed'):>6} "
              f"{s.count('survived'):>8} {rate:>6}  {s.seconds:.0f} s{flag}")
    survivors = [m for s in scores for m in s.mutants if m.outcome == "survived"]
    if survivors:
        print(f"\nsurvivors ({len(survivors)}):")
        for m in survivors:
            print(f"  {m.where}  {m.what}\n      {m.line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.mutation", description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="*", help="module names from bench/mutation.toml (default: all)")
    parser.add_argument("--list", action="store_true", help="list the modules and their tests, run nothing")
    parser.add_argument("--json", type=Path, default=paths.REPO_ROOT / "reports" / "mutation.json")
    args = parser.parse_args(argv)
    config = load_config()
    modules = {**{k: ("python", v) for k, v in config["python"].items()},
               **{k: ("firmware", v) for k, v in config["firmware"].items()}}
    unknown = [m for m in args.modules if m not in modules]
    if unknown:
        parser.error(f"unknown module(s) {', '.join(unknown)}; known: {', '.join(modules)}")
    chosen = args.modules or list(modules)
    if args.list:
        for name in chosen:
            kind, module = modules[name]
            count = f", {len(module['mutants'])} mutants" if kind == "firmware" else ""
            print(f"{name:<24} {kind:<9} {module['path']}{count}\n    tests: {' '.join(module['tests'])}")
        return 0
    scores = []
    with tempfile.TemporaryDirectory(prefix="hil-mutation-") as tmp:
        scratch = scratch_copy(Path(tmp))
        native = NativeTree(scratch) if any(modules[m][0] == "firmware" for m in chosen) else None
        for name in chosen:
            kind, module = modules[name]
            started = time.monotonic()
            print(f"[mutation] {name} ({kind}: {module['path']})", flush=True)
            score = (run_python_module(name, module, scratch) if kind == "python"
                     else run_firmware_module(name, module, scratch, native))
            score.seconds = time.monotonic() - started
            scores.append(score)
    print()
    print_scores(scores)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps([{**asdict(s), "score": s.score} for s in scores], indent=2) + "\n")
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
