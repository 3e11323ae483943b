"""Project hygiene a newcomer meets first: complete `python -m bench.run --help`, every
environment variable the harness reads documented, no setuptools deprecation warning, no
PytestAssertRewriteWarning on every run."""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env={k: v for k, v in os.environ.items() if k != "PYTEST_ADDOPTS"})


def test_bench_help_is_complete():
    proc = run("-m", "bench.run", "--help")
    assert proc.returncode == 0, proc.stderr
    usage, _, rest = proc.stdout.partition("\n\n")
    description, _, options = rest.partition("options:\n")
    assert description.strip().endswith("."), f"description cut short: {description!r}"
    entries = re.split(r"\n(?=  -)", options.strip("\n"))
    bare = [e.split()[0] for e in entries if len(re.split(r"\s{2,}", e.strip())) < 2]
    assert not bare, f"options without help: {bare}"


def test_environment_variables_are_documented():
    code = "\n".join(p.read_text() for d in ("hil", "bench") for p in (ROOT / d).rglob("*.py"))
    names = set(re.findall(r"environ(?:\.get)?[(\[]\"([A-Z][A-Z0-9_]+)\"", code))
    names |= set(re.findall(r"^\w*ENV\w* = \"([A-Z][A-Z0-9_]+)\"", code, re.M))
    docs = "\n".join(p.read_text() for p in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
    assert "HIL_CACHE_DIR" in names
    missing = sorted(n for n in names if n not in docs)
    assert not missing, f"environment variables read by the harness but documented nowhere: {missing}"


def test_license_is_an_spdx_expression():
    """setuptools deprecates the `license = { text = ... }` table (PEP 639): an SPDX string,
    which needs setuptools >= 77 to build."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    license_ = project["project"]["license"]
    assert isinstance(license_, str), f"license is a {type(license_).__name__}, not an SPDX string"
    from packaging.licenses import canonicalize_license_expression

    assert canonicalize_license_expression(license_) == license_
    requires = " ".join(project["build-system"]["requires"])
    match = re.search(r"setuptools>=(\d+)", requires)
    assert match and int(match.group(1)) >= 77, requires


EDITABLE_RUN = """\
import importlib.util, sys
from pathlib import Path
root = Path(sys.argv[1])

class Finder:  # as setuptools' editable install maps the package: outside sys.path
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name != "hil":
            return None
        return importlib.util.spec_from_file_location("hil", root / "hil" / "__init__.py",
                                                      submodule_search_locations=[str(root / "hil")])

sys.meta_path.insert(0, Finder)
import pytest
code = pytest.main(sys.argv[2:])
print("hil from", sys.modules["hil"].__file__)
sys.exit(code)
"""


def test_no_assert_rewrite_warnings_with_an_editable_install():
    """setup.sh installs the harness editable: `hil` can then be imported by an import hook
    outside sys.path, before pytest's assertion rewriter sees it (emulated here with a finder
    like setuptools' one). The run must not warn that plugin modules cannot be rewritten."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS")}
    proc = subprocess.run([sys.executable, "-P", "-c", EDITABLE_RUN, str(ROOT), "test_suites/test_parity.py",
                           "--only-model=hello_world", "--vectors=1", "--no-results", "-q"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert f"hil from {ROOT / 'hil' / '__init__.py'}" in proc.stdout, proc.stdout[-3000:]
    assert "PytestAssertRewriteWarning" not in proc.stdout, proc.stdout[-3000:]
