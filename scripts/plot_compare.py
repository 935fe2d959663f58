#!/usr/bin/python3
"""Policies side by side: hit ratio per capacity, lock-hold percentiles, bytes per entry, from
purecache-sim sweep JSONL or single-run reports of one trace.

Usage: plot_compare.py INPUT... [-o OUT.png|OUT.svg] [--format png|svg] [--title T]
See docs/plots.md.
"""

import os
import statistics
import sys

sys.dont_write_bytecode = True  # leave no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plot_common as pc  # noqa: E402

PROG = "plot_compare.py"
STEM = "plot_compare"
FIGSIZE = (12, 9)  # inches; at DPI, 1200 x 900 pixels
DPI = 100
PERCENTILES = ("p50", "p99", "p999")


class Run:
    """The figures of one report that the panels use."""

    def __init__(self, r):
        if r.get("complete", "bool", default=True) is False:
            raise r.error("this run did not complete (\"complete\": false)")
        rate = r.get("sweep.sample_rate", "number", nullable=True) if r.kind() == "sweep" else None
        policy = r.get("policy.name", "str")
        self.series = policy if rate is None else f"{policy} {pc.sample_label(rate)}"
        self.capacity = r.get("policy.capacity", "int")
        self.spec = r.get("policy.capacity_spec", "str", nullable=True, default=None)
        self.hit_ratio = r.get("hit_ratio", "number", nullable=True)
        self.engine = r.get("engine", "str")
        self.scope = r.get("memory.scope", "str")
        self.bytes_per_entry = r.get("memory.bytes_per_entry", "number", nullable=True)
        lock = r.get("lock_hold_ns", "dict", nullable=True)
        self.lock = None
        if lock is not None:
            self.lock = {p: r.get(f"lock_hold_ns.{p}", "number") for p in PERCENTILES}
        self.where = r.where


def collect(records):
    runs = []
    seen = {}  # (series, capacity, engine) -> run: the same run given twice counts once
    for r in records:
        kind = r.kind()
        if kind == "mrc":
            raise r.error("mrc output has no per-policy runs to compare (plot it with plot_mrc.py)")
        run = Run(r)
        key = (run.series, run.capacity, run.engine)
        if key in seen:
            old = seen[key]
            if old.hit_ratio != run.hit_ratio:
                raise r.error(f"{run.series} at capacity {run.capacity} has hit ratio {run.hit_ratio}, "
                              f"but {old.where} gave {old.hit_ratio}")
            continue
        seen[key] = run
        runs.append(run)
    return runs


def center_groups(ax, n):
    """Keep bars narrow when there are few groups: room for at least three."""
    half = max(n, 3) / 2
    ax.set_xlim((n - 1) / 2 - half, (n - 1) / 2 + half)


def spread(values):
    """Median, and the distances down to the minimum and up to the maximum."""
    m = statistics.median(values)
    return m, m - min(values), max(values) - m


def plot_hit_ratio(ax, runs, series, colors):
    capacities = sorted({r.capacity for r in runs})
    specs = {}
    for r in runs:
        if r.spec and r.spec.endswith("%"):
            specs.setdefault(r.capacity, r.spec)
    hit = {}
    for r in runs:
        if r.hit_ratio is not None:
            hit.setdefault((r.series, r.capacity), r.hit_ratio)
    width = 0.8 / len(series)
    for i, s in enumerate(series):
        xs, ys = [], []
        for j, c in enumerate(capacities):
            if (s, c) in hit:
                xs.append(j - 0.4 + width * (i + 0.5))
                ys.append(hit[(s, c)])
        ax.bar(xs, ys, width=width, color=colors[s], label=s)
    ax.set_xticks(range(len(capacities)),
                  [f"{c}\n({specs[c]})" if c in specs else f"{c}" for c in capacities])
    center_groups(ax, len(capacities))
    ax.set_ylim(0, 1)
    ax.set_xlabel("cache size (entries; share of distinct keys)")
    ax.set_ylabel("hit ratio (hits / gets)")
    ax.set_title("Hit ratio per policy and cache size", fontsize="medium")
    ax.grid(True, axis="y", alpha=0.3)
    ax.legend(title="policy", loc="upper left")


def note(ax, text):
    ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True, transform=ax.transAxes, color="0.35")
    ax.set_xticks([])
    ax.set_yticks([])


def plot_bars_per_series(ax, groups, bar_labels):
    """One group of bars per series; `groups[s][k]` is the list of values of bar k. Bars are
    medians with min-max whiskers when a series has several runs."""
    names = list(groups)
    width = 0.8 / len(bar_labels)
    shades = ("#4c72b0", "#dd8452", "#c44e52", "#55a868")
    for k, label in enumerate(bar_labels):
        xs, ys, lo, hi = [], [], [], []
        for i, s in enumerate(names):
            m, down, up = spread(groups[s][k])
            xs.append(i - 0.4 + width * (k + 0.5))
            ys.append(m)
            lo.append(down)
            hi.append(up)
        ax.bar(xs, ys, width=width, color=shades[k % len(shades)], label=label,
               yerr=[lo, hi] if any(lo) or any(hi) else None, capsize=3)
    ax.set_xticks(range(len(names)), names)
    center_groups(ax, len(names))
    ax.set_xlabel("policy")
    ax.grid(True, axis="y", alpha=0.3)


def plot_lock_hold(ax, runs, series):
    groups = {}
    for s in series:
        lock = [r.lock for r in runs if r.series == s and r.engine == "library" and r.lock is not None]
        if lock:
            groups[s] = [[v[p] for v in lock] for p in PERCENTILES]
    ax.set_title("Lock hold per policy (library engine)", fontsize="medium")
    if not groups:
        note(ax, "No lock-hold figures: these are fast-engine runs,\n"
                 "which time no locks (replay with --engine library).")
        return
    plot_bars_per_series(ax, groups, PERCENTILES)
    ax.set_ylabel("lock hold (ns)")
    ax.legend(title="percentile", loc="upper left")
    if any(len(v[0]) > 1 for v in groups.values()):
        ax.set_title("Lock hold per policy (library engine)\nmedian over cache sizes, whiskers min to max",
                     fontsize="medium")


def plot_bytes_per_entry(ax, runs, series):
    scope = "backend" if any(r.scope == "backend" for r in runs) else "simulator"
    groups = {}
    for s in series:
        values = [r.bytes_per_entry for r in runs
                  if r.series == s and r.scope == scope and r.bytes_per_entry is not None]
        if values:
            groups[s] = [values]
    ax.set_title("Memory per entry", fontsize="medium")
    if not groups:
        note(ax, "No bytes-per-entry figures (no run holds an entry).")
        return
    plot_bars_per_series(ax, groups, [scope])
    ax.set_ylabel("bytes per entry (B)" if scope == "backend"
                  else "simulator bytes per entry (B; not an application's)")
    title = "Memory per entry (backend, as an application pays)" if scope == "backend" \
        else "Memory per entry (fast engine's simulator)"
    if any(len(v[0]) > 1 for v in groups.values()):
        title += "\nmedian over cache sizes, whiskers min to max"
    ax.set_title(title, fontsize="medium")


def plot(runs, title, out, fmt):
    plt = pc.pyplot()

    series = list(dict.fromkeys(r.series for r in runs))
    palette = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    colors = {s: palette[i % len(palette)] for i, s in enumerate(series)}
    fig = plt.figure(figsize=FIGSIZE, dpi=DPI, layout="constrained")
    grid = fig.add_gridspec(2, 2, height_ratios=(1.1, 1))
    plot_hit_ratio(fig.add_subplot(grid[0, :]), runs, series, colors)
    plot_lock_hold(fig.add_subplot(grid[1, 0]), runs, series)
    plot_bytes_per_entry(fig.add_subplot(grid[1, 1]), runs, series)
    fig.suptitle(title)
    pc.save_figure(fig, out, fmt)
    plt.close(fig)


def main():
    pc.many_inputs_main(
        PROG, STEM,
        "Compare policies (hit ratio, lock hold, bytes per entry) from "
        "purecache-sim sweep JSONL or single-run reports of one trace.",
        "sweep JSONL or report JSON file", collect, plot, "Policy comparison")


if __name__ == "__main__":
    pc.require_matplotlib(__file__)
    main()
