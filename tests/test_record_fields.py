"""The record keys are named once (hil/results/fields.py): every figure a producer stores is
written through Field, and the report reads stored rows through Field, so neither side can
rename or add a figure the other does not know."""

from __future__ import annotations

import ast
import json

import numpy as np

from hil import paths
from hil.harness.runner import VectorResult
from hil.results.fields import FIELDS, Field
from hil.verdicts.energy import EnergyStats
from hil.verdicts.float_parity import compare_float
from hil.verdicts.parity import compare_outputs
from hil.verdicts.timing import Clock, TimingStats

CLOCK = Clock("virtual", 25_000_000, 25_000_000)
# Variables holding stored rows in hil/report/analysis.py (summaries it builds are its own).
ROW_NAMES = {"r", "row", "first", "source", "worst"}


def _producer_records() -> dict[str, dict]:
    ints = [np.array([1, 2], np.int8)]
    floats = [np.array([0.5, 1.5], np.float32)]
    parity = compare_outputs(ints, ints)
    return {
        "Parity.metrics": parity.metrics(),
        "FloatParity.metrics": compare_float(floats, floats).metrics(),
        "TimingStats.record": TimingStats([100, 120], [100, 120], CLOCK, 2, 1).record(),
        "EnergyStats.record": EnergyStats([1.0, 2.0], "estimated", "a model", 1e-3, 1e-3).record(),
        "VectorResult.record": VectorResult("m", 0, ints, ints, parity, [10], [100], CLOCK).record(),
    }


def test_every_stored_figure_is_a_declared_field():
    for producer, record in _producer_records().items():
        undeclared = [k for k in record if k not in FIELDS]
        assert not undeclared, f"{producer} stores {undeclared}, not declared in hil.results.fields.Field"


def test_records_are_plain_data():
    """pytest-xdist sends records from workers to the controller with execnet, which refuses
    anything but builtin types (a StrEnum key ended a -n 2 run with an INTERNALERROR)."""
    for record in _producer_records().values():
        assert all(type(k) is str for k in record)
    record = _producer_records()["TimingStats.record"]
    assert json.loads(json.dumps(record))["cycles"] == record[Field.CYCLES] == 120


def _literal_producer_keys(source: str, functions: set[str]) -> list[tuple[int, str]]:
    """(line, key) of string-literal dict keys equal to a declared field inside `functions`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef) and node.name in functions:
            for inner in ast.walk(node):
                if isinstance(inner, ast.Dict):
                    found += [(k.lineno, k.value) for k in inner.keys
                              if isinstance(k, ast.Constant) and k.value in FIELDS]
    return found


def test_producers_write_declared_fields_through_field():
    producers = {"hil/harness/runner.py": {"record", "target_record", "ram_figures"},
                 "hil/verdicts/parity.py": {"metrics"}, "hil/verdicts/float_parity.py": {"metrics"},
                 "hil/verdicts/timing.py": {"record"}, "hil/verdicts/energy.py": {"record"},
                 "hil/commands/run.py": {"record_vector"}}
    literal = {path: keys for path, functions in producers.items()
               if (keys := _literal_producer_keys((paths.REPO_ROOT / path).read_text(), functions))}
    assert not literal, f"declared figures written as strings (use Field): {literal}"


def _literal_row_reads(source: str) -> list[tuple[int, str]]:
    """(line, key) of `row["key"]` / `row.get("key")` on a stored row with a string key."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            owner, key = node.value.id, node.slice
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
              and isinstance(node.func.value, ast.Name) and node.args):
            owner, key = node.func.value.id, node.args[0]
        else:
            continue
        if owner in ROW_NAMES and isinstance(key, ast.Constant) and isinstance(key.value, str):
            found.append((node.lineno, key.value))
    return found


def test_the_report_reads_stored_figures_through_field():
    source = (paths.REPO_ROOT / "hil" / "report" / "analysis.py").read_text()
    literal = [(line, key) for line, key in _literal_row_reads(source) if key in FIELDS]
    assert not literal, f"hil/report/analysis.py reads stored figures by string: {literal} (use Field)"


def test_the_scan_sees_a_literal_read():
    assert _literal_row_reads("r.get('cycles')\nrow['exact']\nm['cycles']\n") == [(1, "cycles"), (2, "exact")]
