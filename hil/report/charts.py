"""Charts as inline SVG from matplotlib, drawn on Figure objects with no GUI backend (pyplot is
never imported, so the caller's backend is untouched and no display is needed)."""

from __future__ import annotations

import io
import re

import matplotlib
from matplotlib.figure import Figure

from hil.units import duration_scale

PROVENANCE_LABEL = {"virtual": "virtual: emulator instruction counts", "dwt": "dwt: real cycles",
                    "systick": "systick: real cycles"}
COLORS = {"current": "#2563eb", "previous": "#9ca3af", "flash": "#7c3aed", "ram": "#059669", "arena": "#d97706",
          "pass": "#16a34a", "latency": "#db2777"}


def _to_svg(fig: Figure, salt: str, label: str) -> str:
    """The figure as an <svg> element for inlining: no XML prolog, ids unique per chart."""
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": salt, "svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"\s*<metadata>.*?</metadata>", "", svg, count=1, flags=re.S)  # RDF boilerplate
    safe = label.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return re.sub(r"^<svg", f'<svg class="chart" role="img" aria-label="{safe}"', svg, count=1)


def _style(ax) -> None:
    ax.grid(True, axis="y", color="#e5e7eb", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8)


def provenance_label(provenance: str | None) -> str:
    return PROVENANCE_LABEL.get(provenance or "", provenance or "unknown provenance")


def per_op_chart(model: dict, salt: str) -> str:
    """Horizontal bars of cycles per operator (previous run in grey beside it when known)."""
    per_op = model["per_op"]
    ops = per_op["ops"]
    labels = [f"#{op['index']} {op.get('op') or '?'}" for op in ops]
    current = [op.get("cycles") or 0 for op in ops]
    previous = [op.get("previous_cycles") for op in ops]
    has_prev = any(p is not None for p in previous)
    fig = Figure(figsize=(7.5, 1.2 + 0.32 * len(ops)), layout="constrained")
    ax = fig.add_subplot()
    ys = list(range(len(ops)))[::-1]
    height = 0.38 if has_prev else 0.7
    ax.barh([y + (height / 2 if has_prev else 0) for y in ys], current, height=height, color=COLORS["current"],
            label="this run")
    if has_prev:
        ax.barh([y - height / 2 for y in ys], [p or 0 for p in previous], height=height, color=COLORS["previous"],
                label="previous run")
        fig.legend(fontsize=8, frameon=False, loc="outside right upper")  # beside the bars, never on them
    ax.set_yticks(ys, labels)
    ax.set_xlabel(f"cycles ({provenance_label(per_op.get('provenance'))})", fontsize=9)
    vector = per_op.get("vector")
    ax.set_title(f"{model['model']} on {model['board']}: cycles per operator"
                 + (f" (vector {vector}, worst case)" if vector is not None else ""), fontsize=10)
    _style(ax)
    ax.grid(True, axis="x", color="#e5e7eb", linewidth=0.8)
    return _to_svg(fig, salt, f"per-operator cycles of {model['model']} on {model['board']}")


ENERGY_STYLE = {"estimated": ("#0891b2", "o", "--"), "measured": ("#b45309", "s", "-")}


def energy_panel(ax, points: list[dict], xs: list[int]) -> None:
    """Energy per inference, one line per provenance: an estimate and a measurement are never joined
    by a line or drawn as one series."""
    drawn = []
    for provenance, (color, marker, style) in ENERGY_STYLE.items():
        ys = [p["energy_uj"] if p.get("energy_provenance") == provenance and p.get("energy_uj") is not None
              else float("nan") for p in points]
        if any(y == y for y in ys):
            ax.plot(xs, ys, marker=marker, markersize=4, color=color, linestyle=style, linewidth=1.6,
                    label=provenance)
            drawn.append(provenance)
    if not drawn:
        ax.text(0.5, 0.5, "not measured", transform=ax.transAxes, ha="center", va="center", color="#6b7280")
    elif len(drawn) > 1:
        ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))  # beside the data
    ax.set_title(f"energy per inference, µJ ({' / '.join(drawn) or 'none'})", fontsize=9)


def trend_chart(series: dict, salt: str) -> str:
    """Five panels over the last runs: worst cycles, worst latency, energy per inference, footprint,
    pass rate."""
    points = series["points"]
    xs = list(range(len(points)))
    labels = [f"#{p['run_id']}" for p in points]
    provenances = sorted({p["provenance"] for p in points if p.get("provenance")})
    prov = provenances[0] if len(provenances) == 1 else ("mixed" if provenances else None)
    fig = Figure(figsize=(12, 5.6), layout="constrained")
    axes = fig.subplots(2, 3, sharex=True)

    def line(ax, key, color, label=None, scale=1.0):
        ys = [p[key] / scale if p.get(key) is not None else float("nan") for p in points]
        ax.plot(xs, ys, marker="o", markersize=4, color=color, label=label, linewidth=1.6)
        if all(p.get(key) is None for p in points) and not ax.texts:
            ax.text(0.5, 0.5, "not measured", transform=ax.transAxes, ha="center", va="center", color="#6b7280")

    line(axes[0][0], "cycles", COLORS["current"])
    axes[0][0].set_title(f"worst cycles ({provenance_label(prov)})", fontsize=9)
    latencies = [p["latency_us"] for p in points if p.get("latency_us") is not None]
    scale, unit = duration_scale(max(latencies, default=0.0), "µs")
    line(axes[0][1], "latency_us", COLORS["latency"], scale=scale)
    axes[0][1].set_title(f"worst latency, {unit} ({prov or 'unknown'})", fontsize=9)
    for key, color, label in (("flash_bytes", COLORS["flash"], "flash"), ("ram_bytes", COLORS["ram"], "RAM used"),
                              ("arena_bytes", COLORS["arena"], "arena")):
        line(axes[1][0], key, color, label, scale=1024.0)
    sizes = [p[k] for p in points for k in ("flash_bytes", "ram_bytes", "arena_bytes") if p.get(k)]
    if sizes and max(sizes) > 20 * min(sizes):  # e.g. a 2 MiB RAM region beside a 2 KiB arena
        axes[1][0].set_yscale("log")
    axes[1][0].set_title("footprint, KiB" + (" (log scale)" if axes[1][0].get_yscale() == "log" else ""),
                         fontsize=9)
    fig.legend(*axes[1][0].get_legend_handles_labels(), fontsize=8, frameon=False, ncol=3,
               loc="outside lower center", title="footprint", title_fontsize=8)  # below the panels
    energy_panel(axes[0][2], points, xs)
    axes[1][2].set_visible(False)
    line(axes[1][1], "pass_rate", COLORS["pass"], scale=0.01)
    axes[1][1].set_ylim(-5, 105)
    axes[1][1].set_title("pass rate, %", fontsize=9)
    for row in axes:
        for ax in row:
            _style(ax)
            ax.set_xticks(xs, labels, rotation=45 if len(xs) > 8 else 0)
            ax.set_xlim(-0.5, max(len(xs) - 0.5, 0.5))
    for ax in (*axes[1][:2], axes[0][2]):  # the energy panel has no panel below it
        ax.set_xlabel("run", fontsize=8)
    axes[0][2].tick_params(labelbottom=True)
    fig.suptitle(f"{series['model']} on {series['board']}: last {len(points)} runs", fontsize=10)
    return _to_svg(fig, salt, f"trends of {series['model']} on {series['board']}")
