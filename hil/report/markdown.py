"""A short Markdown summary for a CI job summary ($GITHUB_STEP_SUMMARY) or a chat message."""

from __future__ import annotations

from hil.report.analysis import estimate_text
from hil.units import duration_text, limit_text
from hil.verdicts.energy import energy_text

MAX_ROWS = 20


def _cell(text) -> str:
    return str("" if text is None else text).replace("|", "\\|").replace("\n", " ")


def _energy(m: dict) -> str:
    """Energy per inference with its provenance, and the change when comparable (same provenance
    and power model or monitor)."""
    if m.get("energy_uj") is None:
        return "—"
    delta = f" ({m['energy_change']:+.1%})" if m.get("energy_change") is not None else ""
    return f"{energy_text(m['energy_uj'])} {m.get('energy_provenance')}{delta}"


def render_markdown(report: dict, html_name: str | None = None) -> str:
    run, s, regs = report["run"], report["summary"], report["regressions"]
    state = s["status"]["headline"]
    commit = (run.get("git_commit") or "unknown")[:10] + (" (dirty)" if run.get("git_dirty") else "")
    outcomes = ", ".join(f"{n} {o}" for o, n in sorted(s["outcomes"].items()))
    lines = [f"## HIL report: run #{run['id']} on {run.get('board')} ({run.get('engine')}): {state}", "",
             f"commit `{commit}` · {s['total']} tests: {outcomes or 'none'} · {len(regs)} regressions"]
    if s["failures_by_category"]:
        counts = sorted(s["failures_by_category"].items(), key=lambda kv: -kv[1])
        lines.append("failures by category: " + ", ".join(f"{c} {n}" for c, n in counts))
    if s["status"]["note"]:
        lines.append(f"**{s['status']['note']}**")
    prev = report["previous_run"]
    lines.append("")
    if len(report["compared_with"]) > 1:
        lines += ["Each test is compared with the latest earlier complete run that has it: "
                  f"{report['against']}.", ""]
    if prev is None:
        lines.append("No previous comparable run to compare with.")
    elif regs:
        lines += [f"### Regressions vs {report['against']}", "", "| kind | board | model | what changed |",
                  "|---|---|---|---|"]
        lines += [f"| {r['kind']} | {_cell(r.get('board'))} | {_cell(r.get('model'))} | {_cell(r['message'])} |"
                  for r in regs[:MAX_ROWS]]
        if len(regs) > MAX_ROWS:
            lines.append(f"\n… and {len(regs) - MAX_ROWS} more in the HTML report.")
    else:
        lines.append(f"No regressions vs {report['against']}.")
    if report["models"]:
        lines += ["", "| board | model | passed | cycles (worst) | vs prev | WCET / deadline "
                      "| flash / RAM / arena B | energy / inference |", "|---|---|---|---|---|---|---|---|"]
        for m in report["models"]:
            cyc = f"{m['cycles']:,} {m.get('provenance') or ''}" if m.get("cycles") is not None else "—"
            delta = f"{m['cycles_change']:+.1%}" if m.get("cycles_change") is not None else "—"
            wcet = (f"{duration_text(m['wcet_us'], 'µs')} {m.get('provenance') or ''}".rstrip()
                    if m.get("wcet_us") is not None else "—")
            deadline = limit_text(m["deadline_us"], "µs") if m.get("deadline_us") is not None else "none"
            if m.get("estimated"):
                deadline += f" ({estimate_text(m['estimated'])})"
            fp = " / ".join(f"{m[k]:,}" if m.get(k) is not None else "—"
                            for k in ("flash_bytes", "ram_bytes", "arena_bytes"))
            skipped = m["outcomes"].get("skipped", 0)
            passed = f"{m['passed']}/{m['passed'] + m['failed']}" + (f" ({skipped} skipped)" if skipped else "")
            lines.append(f"| {_cell(m['board'])} | {_cell(m['model'])} | {passed} | "
                         f"{cyc} | {delta} | {wcet} / {deadline} | {fp} | {_energy(m)} |")
    lines.append("")
    lines.append("Cycle figures: `virtual` = emulator instruction counts, `dwt` = real cycles. Energy: "
                 "`estimated` from a board power model, `measured` by a power monitor."
                 + (f" Full report: `{html_name}`." if html_name else ""))
    return "\n".join(lines) + "\n"
