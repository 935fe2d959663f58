#!/usr/bin/python3
"""same_runs.py A.jsonl B.jsonl: do two sweep outputs hold the same runs?

Each line is one run's JSON report. The fields that measure the machine rather than the cache
(throughput, memory.peak_rss_bytes, memory.reader_bytes) are deleted from every line; what
remains must be equal line by line, in order. Prints the first difference and exits 1; exits 2
on unreadable or empty input; prints nothing and exits 0 when the runs are the same.
"""
import json
import sys

MEASURED = (("throughput",), ("memory", "peak_rss_bytes"), ("memory", "reader_bytes"))


def fail(message):
    print(f"same_runs: {message}", file=sys.stderr)
    sys.exit(2)


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            lines = [line for line in f.read().splitlines() if line.strip()]
    except OSError as e:
        fail(f"{path}: {e.strerror}")
    if not lines:
        fail(f"{path}: no runs")
    runs = []
    for number, line in enumerate(lines, 1):
        try:
            run = json.loads(line)
        except json.JSONDecodeError as e:
            fail(f"{path}:{number}: not JSON: {e}")
        if not isinstance(run, dict):
            fail(f"{path}:{number}: not a JSON object")
        for field in MEASURED:
            parent = run
            for key in field[:-1]:
                parent = parent.get(key) if isinstance(parent, dict) else None
            if isinstance(parent, dict):
                parent.pop(field[-1], None)
        runs.append(run)
    return runs


def first_difference(a, b, where):
    """The JSON path and both values of the first difference between a and b, or None."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                side = "first" if key not in a else "second"
                return f"{where}.{key}: missing in the {side} file"
            found = first_difference(a[key], b[key], f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{where}: {len(a)} elements != {len(b)} elements"
        for i, (x, y) in enumerate(zip(a, b)):
            found = first_difference(x, y, f"{where}[{i}]")
            if found:
                return found
        return None
    if a != b or type(a) is not type(b):
        return f"{where}: {json.dumps(a)} != {json.dumps(b)}"
    return None


def main():
    if len(sys.argv) != 3:
        fail("usage: same_runs.py A.jsonl B.jsonl")
    a_path, b_path = sys.argv[1:]
    a, b = load(a_path), load(b_path)
    for number, (x, y) in enumerate(zip(a, b), 1):
        found = first_difference(x, y, "")
        if found:
            print(f"same_runs: line {number}: {found.lstrip('.')} ({a_path} vs {b_path})")
            return 1
    if len(a) != len(b):
        print(f"same_runs: {a_path} has {len(a)} runs, {b_path} has {len(b)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
