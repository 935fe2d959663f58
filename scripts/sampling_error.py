#!/usr/bin/python3
"""Error and speed-up of spatial sampling: SHARDS miss-ratio curves (mrc --sample-rate) and
miniature simulations (sweep --sample-rate) against the exact curves, as a markdown table.

    scripts/sampling_error.py [--sim build/release/apps/purecache-sim/purecache-sim]
        [--rates 0.01,0.001] [--policies lru,lfu] [--runs 3] TRACE...

Mean absolute error is in miss ratio (0..1), over --capacities (default: 0.1%, 0.2%, 0.5%, 1%, 2%,
5%, 10%, 20% and 50% of the trace's distinct keys, spaced in log scale; `--capacities linear`
takes 5%, 10%, ..., 100%, evenly spaced as the SHARDS paper's figures are). Times are the median
of --runs whole-process runs.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

LOG_CAPACITIES = "0.1%,0.2%,0.5%,1%,2%,5%,10%,20%,50%"
LINEAR_CAPACITIES = ",".join(f"{p}%" for p in range(5, 101, 5))


def run(cmd):
    started = time.monotonic()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"sampling_error.py: error: {' '.join(cmd)} failed: {done.stderr.strip()}")
    return done.stdout, seconds


def timed(cmd, runs):
    outputs, times = None, []
    for _ in range(runs):
        outputs, seconds = run(cmd)
        times.append(seconds)
    return outputs, statistics.median(times)


def sweep_curve(stdout):
    curve = {}
    for line in stdout.splitlines():
        r = json.loads(line)
        estimate = r["sweep"].get("estimated_miss_ratio")
        curve[(r["policy"]["name"], r["policy"]["capacity"])] = (
            estimate if estimate is not None else r["miss_ratio"])
    return curve


def mrc_curve(stdout):
    r = json.loads(stdout)
    return {("lru", p["capacity"]): p["miss_ratio"] for p in r["points"]}


def mae(exact, sampled, policy):
    keys = [k for k in exact if k[0] == policy]
    return sum(abs(exact[k] - sampled[k]) for k in keys) / len(keys)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("traces", nargs="+")
    parser.add_argument("--sim", default="build/release/apps/purecache-sim/purecache-sim")
    parser.add_argument("--rates", default="0.01,0.001")
    parser.add_argument("--policies", default="lru,lfu")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--capacities", default="log", help="log, linear, or a list like 1%%,5%%")
    args = parser.parse_args()
    capacities = {"log": LOG_CAPACITIES, "linear": LINEAR_CAPACITIES}.get(args.capacities,
                                                                          args.capacities)
    rates = [float(r) for r in args.rates.split(",")]
    policies = args.policies.split(",")

    print("| trace | method | policy | R | MAE | time (s) | exact time (s) | speed-up |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for trace in args.traces:
        name = os.path.basename(trace)
        base = [args.sim, "sweep", "--trace", trace, "--policies", args.policies,
                "--capacities", capacities, "--no-progress"]
        exact_out, exact_time = timed(base, args.runs)
        exact = sweep_curve(exact_out)
        mrc_base = [args.sim, "mrc", "--trace", trace, "--capacities", capacities]
        mrc_out, mrc_time = timed(mrc_base, args.runs)
        mrc_exact = mrc_curve(mrc_out)
        for rate in rates:
            out, seconds = timed(base + ["--sample-rate", str(rate)], args.runs)
            sampled = sweep_curve(out)
            for policy in policies:
                print(f"| {name} | miniature sweep | {policy} | {rate} | {mae(exact, sampled, policy):.4f} "
                      f"| {seconds:.2f} | {exact_time:.2f} | {exact_time / seconds:.1f}x |")
            out, seconds = timed(mrc_base + ["--sample-rate", str(rate)], args.runs)
            print(f"| {name} | SHARDS mrc | lru | {rate} | {mae(mrc_exact, mrc_curve(out), 'lru'):.4f} "
                  f"| {seconds:.2f} | {mrc_time:.2f} | {mrc_time / seconds:.1f}x |")


if __name__ == "__main__":
    main()
