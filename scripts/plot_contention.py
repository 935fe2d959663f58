#!/usr/bin/python3
"""Throughput and p99 lock wait against threads, one line per shard count, from the JSONL of
`purecache-sim contention` (or multi-threaded replay reports) of one trace, policy and capacity.

Usage: plot_contention.py INPUT... [-o OUT.png|OUT.svg] [--format png|svg] [--title T]
See docs/plots.md and docs/concurrency.md.
"""

import os
import statistics
import sys

sys.dont_write_bytecode = True  # leave no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plot_common as pc  # noqa: E402

PROG = "plot_contention.py"
STEM = "plot_contention"
FIGSIZE = (12, 8)  # inches; at DPI, 1200 x 800 pixels
DPI = 100
HAND_OFFS = ("inline", "scheduled")
PARTITIONS = ("round_robin", "key")
WAIT_LINEAR_BELOW_NS = 100  # the wait axis is linear up to here (it has zeros), log above
LINE_STYLES = ("-", "--", ":", "-.")


class Cell:
    """One run's figures: where it sits in the grid and what it measured."""

    def __init__(self, r):
        if r.get("complete", "bool", default=True) is False:
            raise r.error("this run did not complete (\"complete\": false)")
        if r.get("engine", "str") != "library":
            raise r.error("a fast-engine report: only the library engine runs on threads and "
                          "times its lock")
        if "concurrency" not in r.data:
            raise r.error("no concurrency field: not from a threaded replay (purecache-sim "
                          "contention, or replay --threads N, writes them)")
        self.threads = r.get("concurrency.threads", "int")
        self.clients = r.get("concurrency.clients", "int")
        self.shards = r.get("concurrency.shards", "int")
        self.hand_off = r.get("concurrency.hand_off", "str")
        self.partition = r.get("concurrency.partition", "str")
        if self.threads == 0:
            raise r.error("concurrency.threads is 0: a single-threaded replay, not one on a thread pool "
                          "(replay with --threads 1 or more)")
        for name, value in (("clients", self.clients), ("shards", self.shards)):
            if value < 1:
                raise r.error(f"field concurrency.{name}: expected at least 1, got {value}")
        if self.hand_off not in HAND_OFFS:
            raise r.error(f"field concurrency.hand_off: expected inline or scheduled, got {self.hand_off!r}")
        if self.partition not in PARTITIONS:
            raise r.error(f"field concurrency.partition: expected round_robin or key, got {self.partition!r}")
        self.policy = r.get("policy.name", "str")
        # A byte-bounded study (--capacity-bytes) has policy.capacity null and its bound in bytes.
        entries = r.get("policy.capacity", "int", nullable=True)
        self.capacity = (f"{entries}" if entries is not None
                         else f"{r.get('policy.capacity_bytes', 'int')} bytes")
        self.throughput = r.get("throughput.requests_per_second", "number")
        # --repeat: every run's rate, for the whiskers; the point is the report's median.
        runs = r.get("throughput.runs_requests_per_second", "list", default=[])
        for i, v in enumerate(runs):
            if not pc._is_kind(v, "number"):
                raise r.error(f"field throughput.runs_requests_per_second[{i}]: expected a number")
        self.throughput_runs = runs or [self.throughput]
        wait = r.get("lock_wait_ns", "dict", nullable=True)
        self.wait_p99 = r.get("lock_wait_ns.p99", "number") if wait is not None else None
        self.cores = r.get("machine.hardware_concurrency", "int", default=None)
        self.where = r.where

    def panel(self):
        return self.hand_off

    def line(self):
        return (self.shards, self.clients, self.partition)


def collect(records):
    cells = []
    first = None
    for r in records:
        if r.kind() == "mrc":
            raise r.error("mrc output has no threads to plot (plot it with plot_mrc.py)")
        cell = Cell(r)
        if first is None:
            first = cell
        elif (cell.policy, cell.capacity) != (first.policy, first.capacity):
            raise r.error(f"policy {cell.policy} at capacity {cell.capacity} differs from "
                          f"{first.policy} at capacity {first.capacity} in {first.where}; "
                          "plot one policy and capacity at a time")
        cells.append(cell)
    return cells


def line_label(line, lines):
    shards, clients, partition = line
    text = f"{shards} shard" + ("s" if shards != 1 else "")
    if len({l[1] for l in lines}) > 1:
        text += f", {clients} client" + ("s" if clients != 1 else "")
    if len({l[2] for l in lines}) > 1:
        text += f", {partition}"
    return text


def draw(ax, cells, lines, colors, styles, value, samples=lambda c: []):
    """One line per (shards, clients, partition): the median of `value` per thread count, with
    whiskers from the minimum to the maximum of those values and of `samples` (a cell's
    individual runs)."""
    for line in lines:
        points = {}
        ranges = {}
        for c in cells:
            v = value(c)
            if c.line() == line and v is not None:
                points.setdefault(c.threads, []).append(v)
                ranges.setdefault(c.threads, [v]).extend(samples(c))
        if not points:
            continue
        xs = sorted(points)
        ms = [statistics.median(points[x]) for x in xs]
        lo = [m - min(ranges[x]) for m, x in zip(ms, xs)]
        hi = [max(ranges[x]) - m for m, x in zip(ms, xs)]
        ax.errorbar(xs, ms, yerr=[lo, hi] if any(lo) or any(hi) else None, color=colors[line[0]],
                    linestyle=styles[line[1:]], marker="o", markersize=4, linewidth=1.5, capsize=3,
                    label=line_label(line, lines))


def mark_cores(ax, cores, threads):
    """Shade the thread counts above the machine's hardware threads: oversubscription."""
    above = [t for t in threads if cores is not None and t > cores]
    if not above:
        return
    start = (max([t for t in threads if t <= cores], default=above[0] / 2) * above[0]) ** 0.5
    ax.axvspan(start, threads[-1] * 1.5, color="0.92", zorder=0)
    ax.text(start * 1.03, 0.97, f"oversubscribed:\nmore threads\nthan the {cores}\nhardware ones",
            transform=ax.get_xaxis_transform(), va="top", ha="left", fontsize="small", color="0.35")


def plot(cells, title, out, fmt):
    plt = pc.pyplot()
    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    panels = [h for h in HAND_OFFS if any(c.hand_off == h for c in cells)]
    lines = sorted({c.line() for c in cells})
    threads = sorted({c.threads for c in cells})
    palette = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    colors = {s: palette[i % len(palette)] for i, s in enumerate(sorted({l[0] for l in lines}))}
    styles = {k: LINE_STYLES[i % len(LINE_STYLES)] for i, k in enumerate(sorted({l[1:] for l in lines}))}
    cores = {c.cores for c in cells if c.cores is not None}
    cores = min(cores) if cores else None

    fig, axes = plt.subplots(2, len(panels), figsize=FIGSIZE, dpi=DPI, layout="constrained",
                             squeeze=False, sharex=True, sharey="row")
    for col, hand_off in enumerate(panels):
        mine = [c for c in cells if c.hand_off == hand_off]
        top, bottom = axes[0][col], axes[1][col]
        draw(top, mine, lines, colors, styles, lambda c: c.throughput / 1e6,
             lambda c: [v / 1e6 for v in c.throughput_runs])
        draw(bottom, mine, lines, colors, styles, lambda c: c.wait_p99)
        top.set_title(f"{hand_off} hand-off", fontsize="medium")
        bottom.set_yscale("symlog", linthresh=WAIT_LINEAR_BELOW_NS)
        bottom.set_xlabel("threads")
        for ax in (top, bottom):
            ax.set_xscale("log", base=2)
            ax.xaxis.set_major_locator(FixedLocator(threads))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))
            ax.xaxis.set_minor_locator(NullLocator())
            ax.set_xlim(threads[0] / 1.3, threads[-1] * 1.3)
            ax.grid(True, alpha=0.3)
            mark_cores(ax, cores, threads)
        if not any(c.wait_p99 is not None for c in mine):
            bottom.text(0.5, 0.5, "no lock-wait figures in these reports", ha="center", va="center",
                        transform=bottom.transAxes, color="0.35")
    # Once every column is drawn: the rows share their y axis, and a limit set earlier would
    # freeze it at the first column's range.
    axes[0][0].set_ylim(bottom=0)
    axes[1][0].set_ylim(bottom=0)
    axes[0][0].set_ylabel("throughput (million requests / s, all threads)")
    axes[1][0].set_ylabel(f"p99 lock wait (ns; log above {WAIT_LINEAR_BELOW_NS})")
    axes[0][0].legend(loc="lower right", fontsize="small")
    fig.suptitle(title)
    pc.save_figure(fig, out, fmt)
    plt.close(fig)


def default_title(cells, records):
    first = cells[0]
    text = f"Contention: {records[0].trace_name()}, {first.policy}, capacity {first.capacity}"
    cores = {c.cores for c in cells if c.cores is not None}
    if len(cores) == 1:
        text += f" ({cores.pop()} hardware threads)"
    return text


def main():
    import argparse
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Plot throughput and p99 lock wait against threads, one line per shard count, "
                    "from purecache-sim contention JSONL of one trace, policy and capacity.")
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="contention JSONL or multi-threaded replay report")
    pc.add_common_arguments(parser, STEM)
    args = parser.parse_args()

    def body():
        out, fmt = pc.output_path(args, STEM, args.inputs)
        records = pc.load_inputs(args.inputs)
        pc.check_same_trace(records)
        cells = collect(records)
        title = args.title if args.title is not None else default_title(cells, records)
        plot(cells, title, out, fmt)

    pc.main_wrapper(PROG, body)


if __name__ == "__main__":
    pc.require_matplotlib(__file__)
    main()
