"""The report as one self-contained HTML page: inline CSS, inline SVG charts, no scripts, no
external resources, so it opens from a CI artifact or a mail attachment without network."""

from __future__ import annotations

from html import escape

from hil.report import charts
from hil.report.analysis import PROVENANCE_TEXT, estimate_text
from hil.units import duration_text, limit_text
from hil.verdicts.energy import energy_text

CSS = """
:root { --ok: #15803d; --bad: #b91c1c; --warn: #b45309; --muted: #6b7280; --line: #e5e7eb; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #111827;
       background: #f9fafb; }
main { max-width: 1200px; margin: 0 auto; padding: 16px 24px 48px; }
header h1 { font-size: 22px; margin: 8px 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 16px; margin: 24px 0 8px; }
.meta { color: var(--muted); margin: 0; }
.status { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: 600; color: #fff; }
.status.ok { background: var(--ok); } .status.bad { background: var(--bad); } .status.warn { background: var(--warn); }
.banner { padding: 8px 12px; border-radius: 6px; margin: 12px 0; background: #fef3c7; border: 1px solid #fcd34d; }
table { border-collapse: collapse; width: 100%; background: #fff; margin: 6px 0 12px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f3f4f6; font-weight: 600; font-size: 13px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.regression td { background: #fef2f2; }
tr.failed td, tr.error td { background: #fff1f2; }
.kind { font-weight: 600; color: var(--bad); white-space: nowrap; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 8px 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; min-width: 120px; }
.card .n { font-size: 24px; font-weight: 700; } .card .l { color: var(--muted); font-size: 12px; }
.card.bad .n { color: var(--bad); } .card.ok .n { color: var(--ok); }
.prov { display: inline-block; font-size: 11px; padding: 0 5px; border-radius: 4px; margin-left: 4px;
        vertical-align: 1px; white-space: nowrap; }
.prov-virtual { background: #e0e7ff; color: #3730a3; } .prov-dwt, .prov-systick { background: #dcfce7; color: #166534; }
.up { color: var(--bad); } .down { color: var(--ok); } .muted { color: var(--muted); }
figure { margin: 8px 0 16px; background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 8px; }
figure svg.chart { width: 100%; height: auto; max-width: 900px; display: block; }
figcaption { color: var(--muted); font-size: 12px; }
details summary { cursor: pointer; color: #1d4ed8; margin: 4px 0; }
li.failure-group { margin-bottom: 6px; }
code { font-size: 12px; }
.model { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 4px 16px 8px; margin: 16px 0; }
"""


def e(value) -> str:
    return escape("" if value is None else str(value))


def prov(provenance: str | None) -> str:
    if not provenance:
        return ""
    title = PROVENANCE_TEXT.get(provenance, provenance)
    return f'<span class="prov prov-{e(provenance)}" title="{e(title)}">{e(provenance)}</span>'


def num(value, unit: str = "", digits: int = 0) -> str:
    if value is None:
        return '<span class="muted">—</span>'
    if isinstance(value, float) and digits:
        text = f"{value:,.{digits}f}"
    else:
        text = f"{round(value):,}" if isinstance(value, (int, float)) else str(value)
    return f"{text}{(' ' + unit) if unit else ''}"


def dur(us: float | None, limit: bool = False) -> str:
    """A duration in the unit that fits (hil/units.py); `limit` for a figure someone wrote down."""
    if us is None:
        return '<span class="muted">—</span>'
    return e(limit_text(us, "µs") if limit else duration_text(us, "µs"))


def change(value: float | None, tolerance: float | None = None) -> str:
    if value is None:
        return '<span class="muted">—</span>'
    css = "up" if value > (tolerance or 0) else ("down" if value < 0 else "muted")
    return f'<span class="{css}">{value:+.1%}</span>'


def run_label(run: dict) -> str:
    commit = (run.get("git_commit") or "unknown")[:10]
    dirty = " (dirty)" if run.get("git_dirty") else ""
    defines = f" · test defines {', '.join(run['defines'])}" if run.get("defines") else ""
    return (f"Run #{run['id']} · started {e(run['started_at'])} · board {e(run.get('board'))} · engine "
            f"{e(run.get('engine'))} · commit <code>{e(commit)}</code>{dirty} · host {e(run.get('host'))}{e(defines)}")


def header(report: dict) -> str:
    run, status = report["run"], report["summary"]["status"]
    banner = f'<p class="banner" id="unfinished">{e(status["note"])}</p>' if status["note"] else ""
    return (f'<header><h1>HIL report: run #{run["id"]} on {e(run.get("board"))} '
            f'<span class="status {status["css"]}" id="status">{e(status["text"])}</span></h1>'
            f'<p class="meta">{run_label(run)}</p><p class="meta">Command: <code>{e(run.get("command"))}</code></p>'
            f"{banner}</header>")


def regressions_section(report: dict) -> str:
    prev = report["previous_run"]
    regs = report["regressions"]
    if prev is None:
        body = '<p class="muted">No previous comparable run (an earlier complete run on the same board and engine ' \
               "with any of these tests): nothing to compare yet.</p>"
        return f'<section id="regressions"><h2>Regressions</h2>{body}</section>'
    title = (f"Regressions vs run #{prev['id']} ({e(prev['started_at'])})" if len(report["compared_with"]) == 1
             else f"Regressions vs {e(report['against'])}")
    if not regs:
        return f'<section id="regressions"><h2>{title}</h2><p class="ok" id="no-regressions">None.</p></section>'
    rows = []
    for reg in regs:
        link = reg.get("anchor") or ""
        detail = f'<a href="#{e(link)}">details</a>' if link else ""
        if reg.get("test_anchor"):
            detail += f' · <a href="#{e(reg["test_anchor"])}">test</a>'
        rows.append(f'<tr class="regression" data-kind="{e(reg["kind"])}"><td class="kind">{e(reg["kind"])}</td>'
                    f"<td>{e(reg.get('board'))}</td><td>{e(reg.get('model'))}</td>"
                    f"<td>{e(reg['message'])}{(' ' + prov(reg.get('provenance'))) if reg.get('provenance') else ''}"
                    f"</td><td>{detail}</td></tr>")
    return (f'<section id="regressions"><h2>{title}: {len(regs)}</h2><table><thead><tr><th>kind</th><th>board</th>'
            f"<th>model</th><th>what changed</th><th></th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
            "</section>")


def summary_section(report: dict) -> str:
    s = report["summary"]
    cards = [("tests", s["total"], ""), ("passed", s["passed"], "ok"), ("failed", s["failed"],
                                                                          "bad" if s["failed"] else ""),
             ("regressions", s["regressions"], "bad" if s["regressions"] else "")]
    html = "".join(f'<div class="card {css}" data-name="{e(label)}"><div class="n">{e(n)}</div>'
                   f'<div class="l">{e(label)}</div></div>' for label, n, css in cards)
    outcomes = "".join(f"<tr><td>{e(o)}</td><td class='num'>{n}</td></tr>" for o, n in sorted(s["outcomes"].items()))
    categories = "".join(f"<tr><td>{e(c)}</td><td class='num'>{n}</td></tr>"
                         for c, n in sorted(s["failures_by_category"].items(), key=lambda kv: -kv[1]))
    rate = f"{s['pass_rate']:.1%}" if s.get("pass_rate") is not None else "—"
    failures = failure_groups(report["failures"])
    return (f'<section id="summary"><h2>Summary</h2><div class="cards">{html}</div>'
            f'<p>Pass rate {rate} · total test time {s.get("duration_s", 0):.1f} s</p>'
            f'<table id="outcomes" style="max-width:480px"><thead><tr><th>outcome</th><th>tests</th></tr></thead>'
            f"<tbody>{outcomes}</tbody></table>"
            f'<table id="categories" style="max-width:480px"><thead><tr><th>failure category</th><th>tests</th></tr>'
            f"</thead><tbody>{categories or '<tr><td colspan=2 class=muted>no failures</td></tr>'}</tbody></table>"
            f"{failures}</section>")


def failure_groups(failures: list[dict]) -> str:
    """Failing tests grouped by model and category (one line each, the tests folded under it),
    so 40 vectors failing for one reason read as one problem."""
    if not failures:
        return ""
    groups: dict[tuple, list[dict]] = {}
    for row in failures:
        groups.setdefault((row.get("model") or "", row.get("category") or "error"), []).append(row)
    items = []
    for (model, category), rows in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        links = "".join(f'<li><a href="#{e(r["anchor"])}">{e(r["nodeid"])}</a></li>' for r in rows)
        items.append(f'<li class="failure-group"><b>{e(model or "(no model)")}</b> · <b>[{e(category)}]</b> · '
                     f"{len(rows)} test{'s' if len(rows) > 1 else ''}: {e(rows[0].get('message'))}"
                     f"<details><summary>tests</summary><ul>{links}</ul></details></li>")
    return f'<h3>Failing tests</h3><ul id="failures">{"".join(items)}</ul>'


def _parity_cell(m: dict) -> str:
    p = m["parity"]
    if p.get("float_measured"):
        return _float_parity_cell(p)
    if not p["measured"]:
        return '<span class="muted">—</span>'
    cos = f"{p['min_cosine']:.6f}" if p.get("min_cosine") is not None else "—"
    return (f"{p['exact']}/{p['measured']} exact · max |diff| {num(p['max_abs_diff_lsb'], 'LSB')} · min cos {cos}"
            f" · top-1 {p['top1_agree']}/{p['top1_measured']}")


def _float_parity_cell(p: dict) -> str:
    """Float outputs are held to a tolerance, not to bit-exactness (hil/float_compare.py)."""
    tolerance = f"|err| ≤ {p['abs_tol']:g} + {p['rel_tol']:g}·|ref|" if p.get("abs_tol") is not None else ""
    error = f"{p['max_abs_error']:.3g}" if p.get("max_abs_error") is not None else "—"
    return (f"{p['float_within']}/{p['float_measured']} within float tolerance"
            + (f" ({e(tolerance)})" if tolerance else "")
            + f" · max abs error {error} · max {num(p.get('max_ulp'))} ULP"
            + f" · top-1 {p['top1_agree']}/{p['top1_measured']}")


def _deadline_cell(m: dict) -> str:
    wcet = dur(m.get("wcet_us"))
    stats = ""
    if m.get("p99_us") is not None:
        stats += f" · p99 {dur(m['p99_us'])}"
    if m.get("jitter_cycles") is not None:
        stats += f" · jitter {num(m['jitter_cycles'], 'cycles')}"
    if m.get("estimated"):
        stats += f" · {e(estimate_text(m['estimated']))}"
    if m.get("deadline_us") is None:
        return f"WCET {wcet}{prov(m.get('provenance'))}{stats} · no deadline"
    margin = m["deadline_margin_us"]
    css = "down" if margin is not None and margin >= 0 else "up"
    return (f"WCET {wcet}{prov(m.get('provenance'))} / {dur(m['deadline_us'], limit=True)} · "
            f'<span class="{css}">margin {dur(margin)}</span>{stats}')


def _cycles_cell(m: dict) -> str:
    text = f"{num(m.get('cycles'))}{prov(m.get('provenance'))}"
    if m.get("cycles_change") is not None:
        text += f" · vs prev {change(m['cycles_change'], m.get('cycles_tolerance'))}"
    if m.get("baseline_cycles") is not None:
        text += f" · vs baseline {change(m.get('cycles_vs_baseline'), m.get('cycles_tolerance'))}"
    return text


def _footprint_cell(m: dict) -> str:
    prev = m.get("previous") or {}
    parts = []
    for key, label in (("flash_bytes", "flash"), ("ram_bytes", "RAM used"), ("arena_bytes", "arena")):
        delta = ""
        if m.get(key) is not None and prev.get(key) is not None and m[key] != prev[key]:
            css = "up" if m[key] > prev[key] else "down"
            delta = f' <span class="{css}">({m[key] - prev[key]:+,})</span>'
        parts.append(f"{label} {num(m.get(key), 'B')}{delta}")
    return "<br>".join(parts)


def _energy_cell(m: dict) -> str:
    """Energy per inference with its provenance (the source as a tooltip); compared with the previous
    run only when both figures have the same provenance and source."""
    if m.get("energy_uj") is None:
        return '<span class="muted">—</span>'
    text = (f'<span title="{e(m.get("energy_source"))}">{e(energy_text(m["energy_uj"]))}</span> '
            f"{prov(m.get('energy_provenance'))}")
    prev = m.get("previous") or {}
    if m.get("energy_change") is not None:
        text += f"<br>vs prev {change(m['energy_change'], m.get('cycles_tolerance'))}"
    elif prev.get("energy_uj") is not None:
        text += (f'<br><span class="muted">not compared with the previous {e(energy_text(prev["energy_uj"]))} '
                 f"{e(prev.get('energy_provenance'))} (another provenance, power model or monitor)</span>")
    return text


def models_table(report: dict) -> str:
    rows = []
    for m in report["models"]:
        skipped = m["outcomes"].get("skipped", 0)
        rate = f"{m['passed']}/{m['passed'] + m['failed']}" + (f" ({skipped} skipped)" if skipped else "")
        rows.append(f'<tr class="{"failed" if m["failed"] else ""}"><td>{e(m["board"])}</td><td>{e(m["engine"])}</td>'
                    f'<td><a href="#{e(m["anchor"])}">{e(m["model"])}</a></td><td class="num">{rate}</td>'
                    f"<td>{_parity_cell(m)}</td><td>{_deadline_cell(m)}</td><td>{_cycles_cell(m)}</td>"
                    f"<td>{_footprint_cell(m)}</td><td>{_energy_cell(m)}</td></tr>")
    if not rows:
        return '<section id="models"><h2>Boards × models</h2><p class="muted">No test recorded a model.</p></section>'
    return (f'<section id="models"><h2>Boards × models</h2><table><thead><tr><th>board</th><th>engine</th>'
            f"<th>model</th><th>passed</th><th>parity</th><th>WCET vs deadline</th><th>cycles (worst)</th>"
            f"<th>footprint</th><th>energy</th></tr></thead><tbody>{''.join(rows)}</tbody></table></section>")


def tests_table(tests: list[dict]) -> str:
    rows = []
    for t in tests:
        name = t["nodeid"].split("::", 1)[-1]
        badge = prov(t.get("provenance")) if t.get("cycles") is not None else ""
        rows.append(f'<tr id="{e(t["anchor"])}" class="{e(t["outcome"])}"><td title="{e(t["nodeid"])}">{e(name)}</td>'
                    f"<td>{e(t['outcome'])}</td><td>{e(t.get('category') or '')}</td>"
                    f"<td class='num'>{num(t.get('cycles'))}{badge}</td>"
                    f"<td class='num'>{dur(t.get('latency_us'))}</td>"
                    f"<td class='num'>{num(t.get('max_abs_diff_lsb'))}</td>"
                    f"<td class='num'>{dur(t['duration_s'] * 1e6 if t.get('duration_s') is not None else None)}</td>"
                    f"<td>{e(t.get('message') or '')}</td></tr>")
    return ("<table class='tests'><thead><tr><th>test</th><th>outcome</th><th>category</th><th>cycles</th>"
            "<th>latency</th><th>max |diff| LSB</th><th>time</th><th>message</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


FOLD_ABOVE = 30  # a model's full test table is folded (<details>) beyond this many tests


def tests_block(tests: list[dict], linked: set[str]) -> str:
    """Failing tests always visible (they carry the anchors), then all tests, folded when long
    unless a regression links into them."""
    failing = [t for t in tests if t["outcome"] in ("failed", "error")]
    others = [t for t in tests if t["outcome"] not in ("failed", "error")]
    html = ""
    if failing:
        html += f"<p><b>{len(failing)} failing</b></p>" + tests_table(failing)
    if others:
        counts = ", ".join(f"{n} {o}" for o, n in sorted(_count(others).items()))
        fold = len(others) > FOLD_ABOVE and not any(t["anchor"] in linked for t in others)
        html += (f"<details{'' if fold else ' open'}><summary>{len(others)} other tests ({counts})</summary>"
                 f"{tests_table(others)}</details>")
    return html


def _count(tests: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for t in tests:
        counts[t["outcome"]] = counts.get(t["outcome"], 0) + 1
    return counts


def model_details(report: dict) -> str:
    trends = {t["key"]: t for t in report["trends"]}
    linked = {r.get("test_anchor") or r.get("anchor") for r in report["regressions"]}
    parts = ['<section id="details"><h2>Details per board × model</h2>']
    for n, m in enumerate(report["models"]):
        parts.append(f'<div class="model" id="{e(m["anchor"])}"><h3>{e(m["model"])} on {e(m["board"])} '
                     f'({e(m["engine"])})</h3><p class="meta">model sha256 '
                     f'<code>{e((m.get("model_sha256") or "")[:16])}</code> · firmware '
                     f'<code>{e(m.get("firmware_key"))}</code> · cycles tolerance '
                     f'{m["cycles_tolerance"]:.1%} · clock {num(m.get("cpu_hz"), "Hz")}</p>')
        if m.get("per_op"):
            parts.append(f'<figure class="per-op">{charts.per_op_chart(m, f"op{n}")}<figcaption>'
                         f"Cycles per operator of {e(m['per_op']['nodeid'])}; provenance "
                         f"{prov(m['per_op'].get('provenance'))} "
                         f"{e(PROVENANCE_TEXT.get(m['per_op'].get('provenance') or '', ''))}.</figcaption></figure>")
        else:
            parts.append('<p class="muted">No per-operator profile was recorded for this model in this run.</p>')
        div = next((t["divergence"] for t in report["tests"] if t.get("model_anchor") == m["anchor"]
                    and isinstance(t.get("divergence"), dict)), None)  # hil/verdicts/divergence.py, parity failures
        if div:
            parts.append(f'<p class="divergence"><b>First divergent layer</b> (vector {e(div.get("vector"))}): '
                         f'{e(div.get("message"))}</p>')
        series = trends.get(m["key"])
        if series:
            parts.append(f'<figure class="trend">{charts.trend_chart(series, f"trend{n}")}<figcaption>Last '
                         f"{len(series['points'])} runs on {e(m['board'])} ({e(m['engine'])}); provenance "
                         f"{prov(m.get('provenance'))}.</figcaption></figure>")
        parts.append(tests_block([t for t in report["tests"] if t.get("model_anchor") == m["anchor"]], linked))
        parts.append("</div>")
    others = [t for t in report["tests"] if not t.get("model_anchor")]
    if others:
        parts.append('<div class="model" id="other-tests"><h3>Tests without a model</h3>')
        parts.append(tests_block(others, linked) + "</div>")
    parts.append("</section>")
    return "".join(parts)


def footer(report: dict) -> str:
    legend = "".join(f"<li>{prov(k)} {e(v)}</li>" for k, v in PROVENANCE_TEXT.items())
    return (f'<footer><h2>About these numbers</h2><ul>{legend}</ul><p class="meta">Latency = cycles / the '
            f"board's core clock. Energy per inference is the median over the measured inferences; an estimate "
            f"and a measurement are never compared or drawn as one line (docs/energy.md). "
            f"Generated by {e(report['generator'])} at {e(report['generated_at'])} from "
            f"<code>{e(report['database'])}</code>.</p></footer>")


def tradeoff_section(report: dict) -> str:
    """The quantization trade-off table(s) written by `hil tradeoff` (hil/harness/tradeoff.py)."""
    from hil.harness.tradeoff import Tradeoff, html_section

    return html_section([Tradeoff.from_json(t) for t in report.get("tradeoff") or []])


def render_html(report: dict) -> str:
    run = report["run"]
    body = "".join([header(report), regressions_section(report), summary_section(report), models_table(report),
                    model_details(report), tradeoff_section(report), footer(report)])
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>HIL report: run #{run['id']} ({e(run.get('board'))})</title><style>{CSS}</style></head>"
            f"<body><main>{body}</main></body></html>\n")
