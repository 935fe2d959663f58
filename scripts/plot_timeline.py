#!/usr/bin/python3
"""Hit ratio and memory over time for one purecache-sim replay run with --timeline-window.

Usage: plot_timeline.py REPORT [-o OUT.png|OUT.svg] [--format png|svg] [--title T]
See docs/plots.md.
"""

import argparse
import os
import sys

sys.dont_write_bytecode = True  # leave no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plot_common as pc  # noqa: E402

PROG = "plot_timeline.py"
STEM = "plot_timeline"
FIGSIZE = (10, 7)  # inches; at DPI, 1000 x 700 pixels
DPI = 100
UNITS = ((1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB"), (1, "bytes"))


class Timeline:
    def __init__(self, r):
        if r.kind() == "mrc":
            raise r.error("mrc output has no timeline (plot it with plot_mrc.py)")
        if "timeline" not in r.data:
            raise r.error("this report has no timeline (replay with --timeline-window N or Ns)")
        window = r.get("timeline.window", "dict")
        if "seconds" in window:
            self.window_seconds = r.get("timeline.window.seconds", "number")
        elif "requests" in window:
            self.window_seconds = None
            self.window_requests = r.get("timeline.window.requests", "int")
        else:
            raise r.error("field timeline.window: expected {\"requests\": N} or {\"seconds\": S}")
        rows = r.get("timeline.rows", "list")
        if not rows:
            raise r.error("the timeline has no rows")
        unit = "seconds" if self.window_seconds is not None else "request"
        self.starts, self.ends, self.hit_ratio, self.memory = [], [], [], []
        for i, row in enumerate(rows):
            where = f"{r.where}: timeline.rows[{i}]"
            kind = "number" if unit == "seconds" else "int"
            start = pc.field(row, f"start_{unit}", kind, where)
            end = pc.field(row, f"end_{unit}", kind, where)
            if end < start or (self.ends and start < self.ends[-1]):
                raise pc.InputError(where, f"window [{start}, {end}] is out of order")
            if unit == "request":
                start -= 1  # rows hold requests start..end inclusive: draw (start - 1, end]
            hit = pc.field(row, "hit_ratio", "number", where, nullable=True)
            self.starts.append(start)
            self.ends.append(end)
            self.hit_ratio.append(float("nan") if hit is None else hit)
            self.memory.append(pc.field(row, "memory_bytes", "int", where))
        self.overall_hit_ratio = r.get("hit_ratio", "number", nullable=True)
        self.scope = r.get("memory.scope", "str")
        self.complete = r.get("complete", "bool", default=True)


def steps(t, values):
    """x and y for a step line holding each window's value from its start to its end."""
    xs, ys = [], []
    for start, end, v in zip(t.starts, t.ends, values):
        if xs and start != xs[-1]:
            xs.append(start)  # a gap between windows: break the line
            ys.append(float("nan"))
        xs += [start, end]
        ys += [v, v]
    return xs, ys


def plot(t, title, out, fmt):
    plt = pc.pyplot()

    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=FIGSIZE, dpi=DPI, layout="constrained")
    top.plot(*steps(t, t.hit_ratio), color="#1f77b4", label="per window")
    if t.overall_hit_ratio is not None:
        top.axhline(t.overall_hit_ratio, color="0.4", linestyle="--", linewidth=1,
                    label=f"whole replay ({t.overall_hit_ratio:.3f})")
    top.set_ylim(0, 1)
    top.set_ylabel("hit ratio (hits / gets)")
    top.legend(loc="best")
    top.grid(True, alpha=0.3)

    scale, unit = next((s, u) for s, u in UNITS if max(t.memory) >= s or s == 1)
    bottom.plot(*steps(t, [m / scale for m in t.memory]), color="#2ca02c")
    what = "backend memory" if t.scope == "backend" else "simulator memory"
    bottom.set_ylabel(f"{what} ({unit})")
    bottom.set_ylim(bottom=0)
    bottom.grid(True, alpha=0.3)
    if t.window_seconds is not None:
        bottom.set_xlabel(f"trace time (seconds; windows of {t.window_seconds:g} s)")
    else:
        bottom.set_xlabel(f"request number (windows of {t.window_requests} requests)")
    bottom.ticklabel_format(axis="x", style="plain", useOffset=False)
    fig.suptitle(title)
    pc.save_figure(fig, out, fmt)
    plt.close(fig)


def main():
    parser = argparse.ArgumentParser(
        prog=PROG, description="Plot hit ratio and memory over time from one purecache-sim "
                               "report made with --timeline-window.")
    parser.add_argument("report", metavar="REPORT", help="report JSON file with a timeline")
    pc.add_common_arguments(parser, STEM)
    args = parser.parse_args()

    def body():
        out, fmt = pc.output_path(args, STEM, [args.report])
        records = pc.load_file(args.report)
        if len(records) != 1:
            raise records[1].error(f"expected one report, found {len(records)}; "
                                   "plot_timeline.py plots one replay")
        r = records[0]
        t = Timeline(r)
        if args.title is not None:
            title = args.title
        else:
            policy = r.get("policy.name", "str")
            capacity = r.get("policy.capacity", "int")
            title = f"Timeline: {r.trace_name()}, {policy}, {capacity} entries"
            if not t.complete:
                title += " (incomplete replay)"
        plot(t, title, out, fmt)

    pc.main_wrapper(PROG, body)


if __name__ == "__main__":
    pc.require_matplotlib(__file__)
    main()
