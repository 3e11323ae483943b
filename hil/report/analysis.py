"""What the report says, as plain JSON-able data: the run's summary, a row per board x model,
regressions against the previous comparable run, and trends over the last N runs.

Each test (nodeid) is compared with the latest earlier complete run on the same board and
engine that has it, so a partial run in between stands in only for the tests it ran; the
report lists those runs (`compared_with`). Models are compared by (board, engine, model) over
those same rows; cycle figures only when both carry the same provenance, energy figures only
when both are `estimated` from the same power model or both `measured` with the same monitor
set-up (never an estimate against a measurement).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from hil import __version__
from hil.results.fields import Field
from hil.results.store import FAILED_OUTCOMES, ResultsStore, describe_state, now_iso
from hil.units import duration_text
from hil.verdicts.energy import energy_text

PASSED_OUTCOMES = ("passed", "xpassed")
REPORT_SCHEMA = "tinyml-hil-report/1"
PROVENANCE_TEXT = {
    "virtual": "emulator instruction counts (deterministic, not real cycles)",
    "dwt": "real cycles from the DWT cycle counter",
    "systick": "real cycles from SysTick (one-tick resolution)",
    "estimated": "energy estimated from counted cycles and the board profile's [power] model",
    "measured": "energy measured by a power monitor over each inference window",
}


@dataclass
class ReportOptions:
    trend_runs: int = 20
    tolerance: float = 0.02                 # cycles may grow this much (fraction) before it is a regression
    footprint_tolerance_bytes: int = 0      # flash/RAM/arena may grow this much
    model_tolerances: dict[str, float] | None = None   # per model; None: models/<name>/model.toml
    model_deadlines: dict[str, float] | None = None    # per model deadline_us; None: model.toml
    database: str | None = None
    extra: dict = field(default_factory=dict)


# -- small helpers -----------------------------------------------------------------------------

def slug(text: str, prefix: str) -> str:
    """A stable HTML id: readable part plus a short hash so different texts never collide."""
    readable = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")[:60]
    return f"{prefix}-{readable}-{hashlib.sha1(text.encode()).hexdigest()[:6]}"


def model_key(board: str | None, engine: str | None, model: str) -> str:
    return f"{board or '?'}/{engine or '?'}/{model}"


def _max(values):
    values = [v for v in values if v is not None]
    return max(values) if values else None


def _min(values):
    values = [v for v in values if v is not None]
    return min(values) if values else None


def pct_change(current: float | None, previous: float | None) -> float | None:
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / previous


def _catalog_limits() -> tuple[dict[str, float], dict[str, float]]:
    """Per-model cycles_tolerance and deadline_us from models/*/model.toml (empty if unreadable)."""
    try:
        from hil.model import catalog

        configs = catalog.discover()
    except Exception:  # a broken model.toml must not stop the report; the suites report it
        return {}, {}
    tolerances = {c.name: c.cycles_tolerance for c in configs if c.cycles_tolerance and c.cycles_tolerance > 0}
    deadlines = {c.name: float(c.deadline_us) for c in configs if c.deadline_us}
    return tolerances, deadlines


# -- per board x model -------------------------------------------------------------------------

def with_run_defaults(rows: list[dict], run: dict) -> list[dict]:
    """Rows whose record lacks board or engine (a test that failed before recording) take the run's."""
    for row in rows:
        for key in ("board", "engine"):
            if row.get(key) is None:
                row[key] = run.get(key)
    return rows


def group_by_model(rows: list[dict], run: dict) -> dict[str, list[dict]]:
    groups: dict[str, list[dict]] = {}
    for row in rows:
        if row.get(Field.MODEL) is None:
            continue
        key = model_key(row.get(Field.BOARD) or run.get("board"), row.get(Field.ENGINE) or run.get("engine"),
                        row[Field.MODEL])
        groups.setdefault(key, []).append(row)
    return groups


def _wcet_us(rows: list[dict]) -> float | None:
    """Worst latency over the model's tests: explicit wcet_us, else wcet cycles / cpu_hz, else latency_us."""
    candidates = []
    for r in rows:
        if r.get(Field.WCET_US) is not None:
            candidates.append(float(r[Field.WCET_US]))
        elif r.get(Field.WCET) is not None and r.get(Field.CPU_HZ):
            candidates.append(float(r[Field.WCET]) / r[Field.CPU_HZ] * 1e6)
        elif r.get(Field.LATENCY_US) is not None:
            candidates.append(float(r[Field.LATENCY_US]))
    return max(candidates) if candidates else None


def _us(row: dict, name: str) -> float | None:
    """A latency statistic in µs: `<name>_us` as recorded, else `<name>` cycles / cpu_hz."""
    if row.get(f"{name}_us") is not None:
        return float(row[f"{name}_us"])
    if row.get(name) is not None and row.get(Field.CPU_HZ):
        return float(row[name]) / row[Field.CPU_HZ] * 1e6
    return None


def estimate_summary(rows: list[dict]) -> dict | None:
    """The worst estimated cycles over the model's tests (hil/estimate), with the part and band."""
    rows = [r for r in rows if r.get(Field.ESTIMATED_CYCLES) is not None]
    if not rows:
        return None
    worst = max(rows, key=lambda r: r[Field.ESTIMATED_CYCLES])
    return {"cycles": worst[Field.ESTIMATED_CYCLES], "us": worst.get(Field.ESTIMATED_US),
            "part": worst.get(Field.ESTIMATE_PART), "band": worst.get(Field.ESTIMATE_BAND)}


def estimate_text(estimate: dict | None) -> str:
    """"estimated 1.25 ms on stm32l4r5@120MHz ±4.0%" (or its cycles when no latency was stored)."""
    if not estimate:
        return ""
    figure = duration_text(estimate["us"], "µs") if estimate.get("us") is not None else f"{estimate['cycles']:,} cycles"
    band = f" ±{estimate['band']:.1%}" if estimate.get("band") is not None else " (band unknown)"
    return f"estimated {figure}" + (f" on {estimate['part']}" if estimate.get("part") else "") + band


def _per_op_source(rows: list[dict]) -> dict | None:
    """The worst-case test with a per-operator profile: its ops are what the chart shows."""
    with_ops = [r for r in rows if r.get(Field.PER_OP)]
    if not with_ops:
        return None
    return max(with_ops, key=lambda r: r.get(Field.CYCLES) or 0)


def model_summary(key: str, rows: list[dict], run: dict, deadlines: dict[str, float]) -> dict:
    first = rows[0]
    outcomes: dict[str, int] = {}
    for r in rows:
        outcomes[r["outcome"]] = outcomes.get(r["outcome"], 0) + 1
    decided = [r for r in rows if r["outcome"] in PASSED_OUTCOMES + FAILED_OUTCOMES]
    passed = sum(1 for r in decided if r["outcome"] in PASSED_OUTCOMES)
    measured = [r for r in rows if r.get(Field.EXACT) is not None and r.get(Field.FLOAT_WITHIN_TOLERANCE) is None]
    floats = [r for r in rows if r.get(Field.FLOAT_WITHIN_TOLERANCE) is not None]  # judged by tolerance, not bits
    provenances = sorted({r[Field.PROVENANCE] for r in rows if r.get(Field.PROVENANCE)})
    cpu_hz = _max(r.get(Field.CPU_HZ) for r in rows)
    deadline = _max(r.get(Field.DEADLINE_US) for r in rows) or deadlines.get(first[Field.MODEL])
    wcet_us = _wcet_us(rows)
    source = _per_op_source(rows)
    return {
        "key": key, "anchor": slug(key, "m"), "board": first.get(Field.BOARD) or run.get("board"),
        "engine": first.get(Field.ENGINE) or run.get("engine"), "model": first[Field.MODEL],
        "model_sha256": first.get(Field.MODEL_SHA256), "firmware_key": first.get(Field.FIRMWARE_KEY),
        "tests": len(rows), "outcomes": outcomes, "passed": passed, "failed": len(decided) - passed,
        "pass_rate": passed / len(decided) if decided else None,
        "parity": {
            "measured": len(measured), "exact": sum(1 for r in measured if r[Field.EXACT]),
            "max_abs_diff_lsb": _max(r.get(Field.MAX_ABS_DIFF_LSB) for r in rows),
            "max_rmse": _max(r.get(Field.RMSE) for r in rows), "min_cosine": _min(r.get(Field.COSINE) for r in rows),
            "top1_agree": sum(1 for r in rows if r.get(Field.TOP1_AGREE)),
            "top1_measured": sum(1 for r in rows if r.get(Field.TOP1_AGREE) is not None),
            "float_measured": len(floats), "float_within": sum(1 for r in floats if r[Field.FLOAT_WITHIN_TOLERANCE]),
            "max_abs_error": _max(r.get(Field.MAX_ABS_ERROR) for r in floats),
            "max_ulp": _max(r.get(Field.MAX_ULP) for r in floats),
            "abs_tol": _max(r.get(Field.ABS_TOL) for r in floats),
            "rel_tol": _max(r.get(Field.REL_TOL) for r in floats),
        },
        "provenance": provenances[0] if len(provenances) == 1 else ("mixed" if provenances else None),
        "cpu_hz": cpu_hz,
        "cycles": _max(r.get(Field.CYCLES) for r in rows), "cycles_min": _min(r.get(Field.CYCLES_MIN) for r in rows),
        "latency_us": _max(r.get(Field.LATENCY_US) for r in rows),
        "wcet_us": wcet_us, "p50_us": _max(_us(r, "p50") for r in rows), "p99_us": _max(_us(r, "p99") for r in rows),
        "jitter_cycles": _max(r.get(Field.JITTER_CYCLES, r.get(Field.JITTER)) for r in rows),
        "estimated": estimate_summary(rows),
        "deadline_us": deadline,
        "deadline_margin_us": deadline - wcet_us if deadline is not None and wcet_us is not None else None,
        "baseline_cycles": _max(r.get(Field.BASELINE_CYCLES) for r in rows),
        # baselines are per model (worst case), so the model's worst cycles are compared with them
        "cycles_vs_baseline": pct_change(_max(r.get(Field.CYCLES) for r in rows),
                                         _max(r.get(Field.BASELINE_CYCLES) for r in rows)),
        "flash_bytes": _max(r.get(Field.FLASH_BYTES) for r in rows),
        "ram_bytes": _max(r.get(Field.RAM_BYTES) for r in rows),
        "arena_bytes": _max(r.get(Field.ARENA_BYTES) for r in rows),
        **energy_figures(rows),
        "per_op": None if source is None else {
            "nodeid": source["nodeid"], "vector": source.get(Field.VECTOR), "provenance": source.get(Field.PROVENANCE),
            "total_cycles": source.get(Field.CYCLES),
            "ops": [{**op, "cycles_per_mac": (op["cycles"] / op["macs"]) if op.get("macs") and op.get("cycles")
                     is not None else None} for op in source[Field.PER_OP]],
        },
    }


def energy_figures(rows: list[dict]) -> dict:
    """The model's energy per inference (the largest median recorded), its provenance and source.
    Measured figures win over estimates; the two are never mixed into one number."""
    for provenance in ("measured", "estimated"):
        chosen = [r for r in rows
                  if r.get(Field.ENERGY_UJ) is not None and r.get(Field.ENERGY_PROVENANCE) == provenance]
        if chosen:
            worst = max(chosen, key=lambda r: r[Field.ENERGY_UJ])
            return {"energy_uj": worst[Field.ENERGY_UJ], "energy_provenance": provenance,
                    "energy_source": worst.get(Field.ENERGY_SOURCE)}
    return {"energy_uj": None, "energy_provenance": None, "energy_source": None}


def energy_comparable(now: dict, before: dict | None) -> bool:
    """Two energy figures compare only with the same provenance and the same power model or monitor
    set-up: an estimate against a measurement, or two power models, is no regression."""
    return (before is not None and now.get("energy_uj") is not None and before.get("energy_uj") is not None
            and now.get("energy_provenance") == before.get("energy_provenance")
            and now.get("energy_source") == before.get("energy_source"))


def energy_regression(m: dict, prev: dict, tolerance: float) -> dict | None:
    """An energy regression of one board x model, when its figure grew beyond the tolerance."""
    if not energy_comparable(m, prev):
        return None
    change = pct_change(m["energy_uj"], prev["energy_uj"])
    if change is None or change <= tolerance:
        return None
    provenance = m["energy_provenance"]
    return {"kind": "energy", "model": m["model"], "board": m["board"], "anchor": m["anchor"],
            "provenance": provenance, "current": m["energy_uj"], "previous": prev["energy_uj"], "change": change,
            "tolerance": tolerance,
            "message": f"{m['model']} on {m['board']}: energy per inference {energy_text(prev['energy_uj'])} -> "
                       f"{energy_text(m['energy_uj'])} [{provenance}] ({change:+.1%}, tolerance {tolerance:.1%}); "
                       f"{m.get('energy_source') or 'source not recorded'}"}


def attach_previous(models: list[dict], prev_models: dict[str, dict], prev_rows: dict[str, dict]) -> None:
    """Adds the previous run's figures (and per-op cycles of the same test) to each model row."""
    for m in models:
        prev = prev_models.get(m["key"])
        m["previous"] = None if prev is None else {
            k: prev[k] for k in ("cycles", "latency_us", "wcet_us", "flash_bytes", "ram_bytes", "arena_bytes",
                                 "pass_rate", "provenance", "parity", "energy_uj", "energy_provenance",
                                 "energy_source")}
        comparable = prev is not None and prev["provenance"] == m["provenance"]
        m["cycles_change"] = pct_change(m["cycles"], prev["cycles"]) if comparable else None
        m["energy_change"] = pct_change(m["energy_uj"], prev["energy_uj"]) if energy_comparable(m, prev) else None
        if m["per_op"]:
            before = prev_rows.get(m["per_op"]["nodeid"], {}).get("per_op") or []
            by_index = {(op["index"], op.get("op")): op.get("cycles") for op in before}
            for op in m["per_op"]["ops"]:
                op["previous_cycles"] = by_index.get((op["index"], op.get("op")))


# -- regressions -------------------------------------------------------------------------------

def _test_link(row: dict) -> str:
    return slug(row["nodeid"], "t")


def find_regressions(current: list[dict], previous: list[dict], run: dict, models: list[dict],
                     prev_models: dict[str, dict], tolerance_of) -> list[dict]:
    regressions: list[dict] = []
    prev_by_id = {r["nodeid"]: r for r in previous}
    anchors = {m["key"]: m["anchor"] for m in models}
    newly_failing: set[str] = set()
    # 1. tests that passed last time and fail now
    for row in current:
        before = prev_by_id.get(row["nodeid"])
        if row["outcome"] in FAILED_OUTCOMES and before is not None and before["outcome"] in PASSED_OUTCOMES:
            newly_failing.add(row["nodeid"])
            regressions.append({
                "kind": "newly-failing", "nodeid": row["nodeid"], "model": row.get(Field.MODEL),
                "board": row.get(Field.BOARD) or run.get("board"), "category": row.get("category"),
                "anchor": _test_link(row),
                "message": f"{row['nodeid']} passed in run #{before['run_id']}, now {row['outcome']}: "
                           + _with_category(row),
            })
    # 2. cycles and 3. parity, per test, grouped per board x model
    groups = group_by_model(current, run)
    for key, rows in groups.items():
        model = rows[0][Field.MODEL]
        tolerance = tolerance_of(model)
        slower, worse = [], []
        for row in rows:
            before = prev_by_id.get(row["nodeid"])
            if before is None:
                continue
            change = pct_change(row.get(Field.CYCLES), before.get("cycles"))
            if change is not None and change > tolerance and row.get(Field.PROVENANCE) == before.get("provenance"):
                slower.append((change, row, before))
            if row["nodeid"] not in newly_failing and parity_worse(row, before):
                worse.append((row, before))
        anchor = anchors.get(key)
        if slower:
            regressions.append(cycles_regression(key, rows[0], slower, tolerance, anchor, len(rows)))
        if worse:
            regressions.append(parity_regression(key, rows[0], worse, anchor))
    # 4. energy and 5. footprint, per board x model
    for m in models:
        prev = prev_models.get(m["key"])
        if prev is None:
            continue
        energy = energy_regression(m, prev, tolerance_of(m["model"]))
        if energy:
            regressions.append(energy)
        for metric in ("flash_bytes", "ram_bytes", "arena_bytes"):
            now, before = m.get(metric), prev.get(metric)
            if now is not None and before is not None and now - before > tolerance_of.footprint_bytes:
                regressions.append({
                    "kind": "footprint", "model": m["model"], "board": m["board"], "metric": metric,
                    "anchor": m["anchor"], "current": now, "previous": before, "change": pct_change(now, before),
                    "message": f"{m['model']} on {m['board']}: {metric.replace('_bytes', '')} {before:,} B -> "
                               f"{now:,} B (+{now - before:,} B)",
                })
    order = {"newly-failing": 0, "cycles": 1, "energy": 2, "parity": 3, "footprint": 4}
    return sorted(regressions, key=lambda r: (order.get(r["kind"], 9), r.get(Field.MODEL) or "", r.get("nodeid") or ""))


def _with_category(row: dict) -> str:
    """The failure message, prefixed with its category unless it already starts with it."""
    category = row.get("category") or "error"
    message = row.get("message") or ""
    return message if message.startswith(f"[{category}]") else f"[{category}] {message}".rstrip()


def parity_worse(row: dict, before: dict) -> bool:
    if row.get(Field.MAX_ABS_DIFF_LSB) is not None and before.get("max_abs_diff_lsb") is not None \
            and row[Field.MAX_ABS_DIFF_LSB] > before["max_abs_diff_lsb"]:
        return True
    verdict = "float_within_tolerance" if row.get(Field.FLOAT_WITHIN_TOLERANCE) is not None else "exact"
    if before.get(verdict) is True and row.get(verdict) is False:
        return True
    return before.get("top1_agree") is True and row.get(Field.TOP1_AGREE) is False


def cycles_regression(key: str, first: dict, slower: list, tolerance: float, anchor: str | None,
                      total: int) -> dict:
    change, row, before = max(slower, key=lambda item: item[0])
    provenance = row.get(Field.PROVENANCE)
    profiled = [item for item in slower if item[1].get("per_op") and item[2].get("per_op")]
    grew = ops_grown(profiled[0][1]["per_op"], profiled[0][2]["per_op"]) if profiled else []
    ops_text = ""
    if grew:
        ops_text = "; grew most: " + ", ".join(f"#{o['index']} {o['op']} {o['previous']:,} -> {o['current']:,}"
                                               f" ({o['change']:+.1%})" for o in grew[:3])
    return {
        "kind": "cycles", "model": first[Field.MODEL], "board": first.get(Field.BOARD), "key": key, "anchor": anchor,
        "test_anchor": _test_link(row), "nodeid": row["nodeid"], "provenance": provenance,
        "current": row.get(Field.CYCLES), "previous": before.get("cycles"), "change": change, "tolerance": tolerance,
        "tests_over": len(slower), "tests": total, "ops": grew,
        "message": f"{first[Field.MODEL]} on {first.get(Field.BOARD)}: cycles {before.get('cycles'):,} -> "
                   f"{row.get(Field.CYCLES):,} {provenance} ({change:+.1%}, tolerance {tolerance:.1%}) in "
                   f"{len(slower)}/{total} tests; worst {row['nodeid']}{ops_text}",
    }


def ops_grown(current: list[dict] | None, previous: list[dict] | None) -> list[dict]:
    """Operators whose cycles grew, largest absolute growth first."""
    if not current or not previous:
        return []
    before = {(op["index"], op.get("op")): op.get("cycles") for op in previous}
    grown = []
    for op in current:
        old, new = before.get((op["index"], op.get("op"))), op.get("cycles")
        if old is not None and new is not None and new > old:
            grown.append({"index": op["index"], "op": op.get("op"), "previous": old, "current": new,
                          "change": pct_change(new, old) or 0.0})
    return sorted(grown, key=lambda o: o["current"] - o["previous"], reverse=True)


def parity_regression(key: str, first: dict, worse: list, anchor: str | None) -> dict:
    row, before = max(worse, key=lambda item: (item[0].get("max_abs_diff_lsb") or 0))
    return {
        "kind": "parity", "model": first[Field.MODEL], "board": first.get(Field.BOARD), "key": key, "anchor": anchor,
        "test_anchor": _test_link(row), "nodeid": row["nodeid"], "tests_worse": len(worse),
        "current": row.get(Field.MAX_ABS_DIFF_LSB), "previous": before.get("max_abs_diff_lsb"),
        "message": f"{first[Field.MODEL]} on {first.get(Field.BOARD)}: parity worse in {len(worse)} tests; worst "
                   f"{row['nodeid']}: max |diff| {before.get('max_abs_diff_lsb')} -> {row.get(Field.MAX_ABS_DIFF_LSB)} "
                   f"LSB, exact {before.get('exact')} -> {row.get(Field.EXACT)}, top-1 {before.get('top1_agree')} -> "
                   f"{row.get(Field.TOP1_AGREE)}",
    }


class _Tolerances:
    def __init__(self, default: float, per_model: dict[str, float], footprint_bytes: int):
        self.default, self.per_model, self.footprint_bytes = default, per_model, footprint_bytes

    def __call__(self, model: str) -> float:
        return self.per_model.get(model, self.default)


# -- trends ------------------------------------------------------------------------------------

def trends(store: ResultsStore, run: dict, limit: int) -> list[dict]:
    run_ids = store.run_ids_before(run["id"], board=run["board"], engine=run["engine"], limit=limit)
    runs = {r: store.run(r) for r in run_ids}
    series: dict[str, dict] = {}
    for run_id in run_ids:
        rows = with_run_defaults(store.results(run_id), runs[run_id])
        for key, group in group_by_model(rows, runs[run_id]).items():
            decided = [r for r in group if r["outcome"] in PASSED_OUTCOMES + FAILED_OUTCOMES]
            passed = sum(1 for r in decided if r["outcome"] in PASSED_OUTCOMES)
            provenances = sorted({r[Field.PROVENANCE] for r in group if r.get(Field.PROVENANCE)})
            entry = series.setdefault(key, {"key": key, "anchor": slug(key, "m"), "model": group[0]["model"],
                                            "board": group[0].get("board") or run["board"], "points": []})
            entry["points"].append({
                "run_id": run_id, "started_at": runs[run_id]["started_at"],
                "defines": runs[run_id].get("defines") or [],
                "provenance": provenances[0] if len(provenances) == 1 else ("mixed" if provenances else None),
                "cycles": _max(r.get(Field.CYCLES) for r in group),
                "latency_us": _max(r.get(Field.LATENCY_US) for r in group),
                "flash_bytes": _max(r.get(Field.FLASH_BYTES) for r in group),
                "ram_bytes": _max(r.get(Field.RAM_BYTES) for r in group),
                "arena_bytes": _max(r.get(Field.ARENA_BYTES) for r in group),
                **energy_figures(group),
                "pass_rate": passed / len(decided) if decided else None, "tests": len(group),
            })
    return [series[k] for k in sorted(series)]


# -- the whole report --------------------------------------------------------------------------

def baseline_runs(store: ResultsStore, prev_rows: list[dict]) -> list[dict]:
    """The runs the tests were compared with, newest first, with how many tests each gave."""
    counts: dict[int, int] = {}
    for row in prev_rows:
        counts[row["run_id"]] = counts.get(row["run_id"], 0) + 1
    return [{"run_id": run_id, "tests": counts[run_id], "started_at": store.run(run_id)["started_at"]}
            for run_id in sorted(counts, reverse=True)]


def against_text(compared_with: list[dict]) -> str | None:
    """'run #7', or 'run #9 (4 tests), run #7 (28 tests)' when tests came from several runs."""
    if len(compared_with) == 1:
        return f"run #{compared_with[0]['run_id']}"
    return ", ".join(f"run #{b['run_id']} ({b['tests']} tests)" for b in compared_with) or None


def run_status(run: dict, summary: dict) -> dict:
    """What the badge and the summary's title say: "bad" for failures or regressions, "warn"
    for a run that did not finish (whatever it recorded), else "ok"; an unfinished run says
    what happened to it first, so a partial run never reads as a green one."""
    problems = bool(summary["failed"] or summary["regressions"])
    counts = f"{summary['failed']} failing, {summary['regressions']} regressions"
    if run["state"] == "complete":
        return {"css": "bad" if problems else "ok", "text": counts if problems else "all passed, no regressions",
                "headline": "FAILED" if problems else "OK", "note": None}
    recorded = f"{summary['total']} of {run['planned']}" if run.get("planned") else f"{summary['total']}"
    return {"css": "bad" if problems else "warn", "text": f"{describe_state(run)} · {counts}",
            "headline": run["state"].upper(),
            "note": f"This run is {describe_state(run)}. The {recorded} tests it recorded are shown; it is never "
                    "the baseline of a later run."}


def build_report(store: ResultsStore, run_id: int | None = None, options: ReportOptions | None = None) -> dict:
    options = options or ReportOptions()
    run = store.run(run_id if run_id is not None else store.latest_run_id())
    rows = with_run_defaults(store.results(run["id"]), run)
    prev_rows = with_run_defaults(store.previous_results(run), run)  # same board and engine
    compared_with = baseline_runs(store, prev_rows)
    previous_run = store.run(compared_with[0]["run_id"]) if compared_with else None
    cat_tolerances, cat_deadlines = _catalog_limits()
    tolerances = _Tolerances(options.tolerance, cat_tolerances if options.model_tolerances is None
                             else options.model_tolerances, options.footprint_tolerance_bytes)
    deadlines = cat_deadlines if options.model_deadlines is None else options.model_deadlines

    models = [model_summary(k, g, run, deadlines) for k, g in sorted(group_by_model(rows, run).items())]
    prev_models = {} if previous_run is None else {
        k: model_summary(k, g, previous_run, deadlines) for k, g in group_by_model(prev_rows, previous_run).items()}
    attach_previous(models, prev_models, {r["nodeid"]: r for r in prev_rows})
    for m in models:
        m["cycles_tolerance"] = tolerances(m["model"])
    regressions = find_regressions(rows, prev_rows, run, models, prev_models, tolerances) if previous_run else []

    summary = store.summary(run["id"])
    decided = sum(n for o, n in summary["outcomes"].items() if o in PASSED_OUTCOMES + FAILED_OUTCOMES)
    passed = sum(n for o, n in summary["outcomes"].items() if o in PASSED_OUTCOMES)
    summary.update(passed=passed, failed=decided - passed, pass_rate=passed / decided if decided else None,
                   regressions=len(regressions), duration_s=sum(r.get("duration_s") or 0 for r in rows))
    summary["status"] = run_status(run, summary)
    for row in rows:
        row["anchor"] = _test_link(row)
        key = model_key(row.get(Field.BOARD) or run["board"], row.get(Field.ENGINE) or run["engine"],
                        row.get(Field.MODEL))
        row["model_anchor"] = slug(key, "m") if row.get(Field.MODEL) else None
    return {
        "schema": REPORT_SCHEMA, "generated_at": now_iso(), "generator": f"tinyml-hil {__version__}",
        "database": options.database or str(store.path),
        "run": run, "previous_run": previous_run, "compared_with": compared_with,
        "against": against_text(compared_with),
        "options": {"trend_runs": options.trend_runs, "cycles_tolerance": options.tolerance,
                    "model_cycles_tolerance": tolerances.per_model,
                    "footprint_tolerance_bytes": options.footprint_tolerance_bytes},
        "summary": summary, "regressions": regressions,
        "failures": [r for r in rows if r["outcome"] in FAILED_OUTCOMES],
        "models": models, "tests": rows, "trends": trends(store, run, options.trend_runs),
        "provenance_legend": PROVENANCE_TEXT,
    }
