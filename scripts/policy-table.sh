#!/usr/bin/env bash
# Writes README.md's policy table between its "policy-table" markers: for every bounded policy in
# the registry, the bytes per entry of its core (8-byte keys and values, the Memory benchmark) and
# its hit ratio at three capacities on each shipped trace (a fast-engine sweep, Belady included).
# Rerun after changing a policy; the diff shows in review.
#
# usage: scripts/policy-table.sh [--check]   (--check: exit 1 if README.md is not up to date)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
check=false
[ "${1:-}" = --check ] && check=true

cmake --preset release >/dev/null
cmake --build --preset release -j2 --target purecache-sim purecache_bench >/dev/null
sim=build/release/apps/purecache-sim/purecache-sim
bench=build/release/tests/bench/purecache_bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The bounded policies, in registry order, as --help lists them with their summaries.
"$sim" --help | /usr/bin/env python3 -c '
import re, sys
text = sys.stdin.read()
block = text.split("Eviction policy:")[1].split("\n  -")[0]
for line in block.splitlines():
    m = re.match(r"\s+([a-z0-9-]+): (.*)", line)
    if m and "unbounded" not in m.group(2):
        print(m.group(1) + "\t" + m.group(2))
' > "$work/policies.tsv"
policies=$(cut -f1 "$work/policies.tsv" | grep -v -- '-ttl$' | paste -sd,)

"$bench" --benchmark_filter='^Memory/' --benchmark_format=json > "$work/memory.json" 2>/dev/null

capacities="1%,10%,50%"
traces=(zipf.txt cloudPhysicsIO.oracleGeneral.bin.zst)
for trace in "${traces[@]}"; do
  "$sim" sweep --trace "traces/$trace" --policies "$policies" --capacities "$capacities" \
    --no-progress > "$work/$trace.jsonl" 2>/dev/null
done

/usr/bin/env python3 - "$work" "$capacities" "${traces[@]}" > "$work/table.md" <<'EOF'
import json, sys
work, capacities, traces = sys.argv[1], sys.argv[2].split(","), sys.argv[3:]
summaries = dict(line.rstrip("\n").split("\t", 1) for line in open(f"{work}/policies.tsv"))
memory = {b["name"].split("/")[1]: b["bytes_per_entry"]
          for b in json.load(open(f"{work}/memory.json"))["benchmarks"]}
ratios = {}
for trace in traces:
    for line in open(f"{work}/{trace}.jsonl"):
        run = json.loads(line)
        ratios[(trace, run["policy"]["name"], run["policy"]["capacity_spec"])] = run["hit_ratio"]
policies = [p for p in summaries if any(k[1] == p for k in ratios)]
header = ["policy", "bytes per entry"] + [f"{t.split('.')[0]} {c}" for t in traces for c in capacities]
print("| " + " | ".join(header) + " |")
print("|---|" + "---:|" * (len(header) - 1))
for p in policies:
    cells = [f"`{p}`", f"{memory[p]:.1f}" if p in memory else "n/a"]
    cells += [f"{ratios[(t, p, c)]:.4f}" for t in traces for c in capacities]
    print("| " + " | ".join(cells) + " |")
EOF

/usr/bin/env python3 - "$work/table.md" "$check" <<'EOF'
import sys
table, check = open(sys.argv[1]).read(), sys.argv[2] == "true"
readme = open("README.md").read()
begin, end = "<!-- policy-table:begin -->\n", "<!-- policy-table:end -->\n"
head, rest = readme.split(begin)
_, tail = rest.split(end)
updated = head + begin + table + end + tail
if check:
    sys.exit(0 if updated == readme else 1)
if updated != readme:
    open("README.md.tmp", "w").write(updated)
    import os
    os.replace("README.md.tmp", "README.md")
EOF
