#!/usr/bin/python3
"""Miss ratio against cache size, one line per policy, from purecache-sim sweep or mrc output.

Usage: plot_mrc.py INPUT... [-o OUT.png|OUT.svg] [--format png|svg] [--title T]
See docs/plots.md.
"""

import os
import sys

sys.dont_write_bytecode = True  # leave no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plot_common as pc  # noqa: E402

PROG = "plot_mrc.py"
STEM = "plot_mrc"
FIGSIZE = (8, 5)  # inches; at DPI, 800 x 500 pixels
DPI = 100


class Series:
    def __init__(self, policy, source, sampled, rate):
        self.policy = policy
        self.source = source  # "sweep" or "mrc"
        self.sampled = sampled
        self.rate = rate
        self.points = {}  # capacity -> (miss ratio, where it came from)

    def add(self, capacity, miss_ratio, where):
        old = self.points.get(capacity)
        if old is not None and abs(old[0] - miss_ratio) > 1e-12:
            raise pc.InputError(where, f"{self.policy} at capacity {capacity} has miss ratio {miss_ratio:g}, "
                                       f"but {old[1]} gave {old[0]:g}")
        self.points.setdefault(capacity, (miss_ratio, where))


def collect(records):
    series = {}

    def get_series(policy, source, sampled, rate):
        # mrc reports the sampler's effective rate (T / 2^24), sweep the one asked for: the same
        # rate to 6 digits.
        rate = float(f"{rate:.6g}") if rate is not None else None
        key = (policy, source, sampled, rate)
        if key not in series:
            series[key] = Series(policy, source, sampled, rate)
        return series[key]

    for r in records:
        kind = r.kind()
        if kind == "report":
            raise r.error("a single-run report, not sweep or mrc output (plot_compare.py and "
                          "plot_timeline.py read single reports)")
        if kind == "sweep":
            if r.get("complete", "bool", default=True) is False:
                raise r.error("this run did not complete (\"complete\": false)")
            rate = r.get("sweep.sample_rate", "number", nullable=True)
            s = get_series(r.get("policy.name", "str"), "sweep", rate is not None, rate)
            capacity = r.get("policy.capacity", "int")
            miss = r.get("miss_ratio", "number", nullable=True)
            if rate is not None:
                # A miniature's own ratio is of its sample; the estimate corrects the sample's
                # size (docs/sweeps.md). Older output without it plots the raw ratio.
                miss = r.get("sweep.estimated_miss_ratio", "number", nullable=True, default=miss)
            if miss is not None and capacity > 0:
                s.add(capacity, miss, r.where)
        else:
            method = r.get("method", "str")
            if method not in ("exact", "shards"):
                raise r.error(f"unknown method {method!r} (expected exact or shards)")
            rate = r.get("sample_rate", "number", nullable=True)
            s = get_series(r.get("policy.name", "str"), "mrc", method == "shards" or rate is not None, rate)
            points = r.get("points", "list")
            for i, p in enumerate(points):
                where = f"{r.where}: points[{i}]"
                capacity = pc.field(p, "capacity", "int", where)
                miss = pc.field(p, "miss_ratio", "number", where, nullable=True)
                if miss is not None and capacity > 0:
                    s.add(capacity, miss, r.where)
    empty = [s for s in series.values() if not s.points]
    if len(empty) == len(series):
        raise pc.InputError(records[0].path, "no point with a capacity above 0 and a miss ratio to plot")
    return [s for s in series.values() if s.points]


def label(s, all_series):
    text = s.policy
    if sum(1 for o in all_series if o.policy == s.policy and o.sampled == s.sampled and o.rate == s.rate) > 1:
        text += f" ({s.source})"
    if s.sampled:
        text += " " + pc.sample_label(s.rate)
    return text


def plot(series, title, out, fmt):
    plt = pc.pyplot()

    fig, ax = plt.subplots(figsize=FIGSIZE, dpi=DPI, layout="constrained")
    colors = {}
    rates = {}  # sample rate -> dash style, so two sampled curves of one policy differ
    palette = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    # Exact curves first, so a sampled curve of the same policy is drawn on top, dashed.
    for s in sorted(series, key=lambda s: (s.sampled, s.policy, s.source, s.rate or 0)):
        color = colors.setdefault(s.policy, palette[len(colors) % len(palette)])
        caps = sorted(s.points)
        style = rates.setdefault(s.rate, ("--", ":", "-.")[len(rates) % 3]) if s.sampled else "-"
        marker = ("o" if s.source == "sweep" else "s") if len(caps) <= 30 else None
        ax.plot(caps, [s.points[c][0] for c in caps], color=color, linestyle=style, marker=marker,
                markersize=3, linewidth=1.5, label=label(s, series))
    ax.set_xscale("log")
    ax.set_ylim(0, 1)
    ax.set_xlabel("cache size (entries, log scale)")
    ax.set_ylabel("miss ratio (misses / gets)")
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.grid(True, which="minor", alpha=0.1)
    ax.legend(title="policy", loc="upper right")
    pc.save_figure(fig, out, fmt)
    plt.close(fig)


def main():
    pc.many_inputs_main(
        PROG, STEM,
        "Plot miss ratio against cache size (log x) from purecache-sim "
        "sweep JSONL and mrc JSON of one trace.",
        "sweep JSONL or mrc JSON/JSONL file", collect, plot, "Miss ratio curve")


if __name__ == "__main__":
    pc.require_matplotlib(__file__)
    main()
