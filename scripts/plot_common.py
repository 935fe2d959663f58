"""Shared input and output handling for the plot_*.py scripts.

Reads purecache-sim JSON (one object per file, or one per line), checks that it is ours,
and writes a figure atomically. See docs/plots.md for the user-facing contract.
"""

import argparse
import json
import math
import os
import sys
import tempfile

SCHEMA_VERSION = 2
DEBIAN_PYTHON = "/usr/bin/python3"


class InputError(Exception):
    """A problem with one input, reported as `FILE:LINE: reason` (or `FILE: reason`)."""

    def __init__(self, where, reason):
        super().__init__(f"{where}: {reason}")


class OutputError(Exception):
    """The figure could not be written (exit 1), as opposed to bad input (exit 2)."""


def require_matplotlib(script):
    """Make sure matplotlib can be imported, re-running `script` under Debian's python3 when
    the interpreter that started it has none. Only looks for it: importing it costs a tenth
    of a second that a run rejecting its input need not pay."""
    import importlib.util
    if importlib.util.find_spec("matplotlib") is not None:
        return
    prog = os.path.basename(script)
    here = os.path.realpath(sys.executable or "")
    if (os.path.exists(DEBIAN_PYTHON) and here != os.path.realpath(DEBIAN_PYTHON)
            and not os.environ.get("PURECACHE_PLOT_REEXEC")):
        os.environ["PURECACHE_PLOT_REEXEC"] = "1"
        os.execv(DEBIAN_PYTHON, [DEBIAN_PYTHON, os.path.abspath(script)] + sys.argv[1:])
    print(f"{prog}: error: matplotlib not found; install python3-matplotlib "
          f"(scripts/install-deps.sh) and run with {DEBIAN_PYTHON}", file=sys.stderr)
    sys.exit(2)


def pyplot():
    """matplotlib.pyplot on the Agg backend (no display)."""
    import matplotlib
    matplotlib.use("Agg")
    # Reproducible SVG: element ids derive from this salt, not from a random one.
    matplotlib.rcParams["svg.hashsalt"] = "purecache"
    import matplotlib.pyplot as plt
    return plt


class Record:
    """One JSON object from an input file, with where it came from."""

    def __init__(self, path, line, data):
        self.path = path
        self.line = line
        self.data = data

    @property
    def where(self):
        return f"{self.path}:{self.line}"

    def error(self, reason):
        return InputError(self.where, reason)

    def get(self, dotted, kind=None, nullable=False, default=KeyError):
        """The field at `dotted` ("trace.path"), checked against `kind`: "number", "int",
        "str", "dict", "list", "bool"; None when null and `nullable`."""
        value = self.data
        for part in dotted.split("."):
            if not isinstance(value, dict) or part not in value:
                if default is not KeyError:
                    return default
                raise self.error(f"missing field {dotted}")
            value = value[part]
        if value is None:
            if nullable:
                return None
            raise self.error(f"field {dotted} is null")
        if kind and not _is_kind(value, kind):
            raise self.error(f"field {dotted}: expected {_KIND_NAMES[kind]}, got {json.dumps(value)[:40]}")
        return value

    def kind(self):
        """"mrc", "sweep" (a sweep run), or "report" (a single run)."""
        if "kind" in self.data:
            k = self.data["kind"]
            if k != "mrc":
                raise self.error(f"unknown kind {json.dumps(k)[:40]}")
            return "mrc"
        return "sweep" if "sweep" in self.data else "report"

    def trace_name(self):
        return os.path.basename(self.get("trace.path", "str"))


_KIND_NAMES = {"number": "a number", "int": "an integer", "str": "a string", "dict": "an object",
               "list": "an array", "bool": "true or false"}


def _is_kind(value, kind):
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, {"str": str, "dict": dict, "list": list, "bool": bool}[kind])


def field(obj, name, kind, where, nullable=False):
    """A field of a nested object (a curve point, a timeline row), checked like Record.get."""
    if not isinstance(obj, dict) or name not in obj:
        raise InputError(where, f"missing field {name}")
    value = obj[name]
    if value is None and nullable:
        return None
    if value is None or not _is_kind(value, kind):
        raise InputError(where, f"field {name}: expected {_KIND_NAMES[kind]}, got {json.dumps(value)[:40]}")
    return value


def load_file(path):
    """Every record of one input: a single JSON object (possibly spread over lines), or JSON
    Lines. Raises InputError for a missing, empty or unreadable file, bad JSON, or JSON that
    purecache-sim did not write."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise InputError(path, f"cannot read: {e.strerror or e}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise InputError(f"{path}:{line}", "not JSON (not UTF-8 text)")
    if not text.strip():
        raise InputError(path, "empty file")
    lines = text.split("\n")
    first = next(i for i, s in enumerate(lines) if s.strip())
    records = []
    try:
        records.append(Record(path, first + 1, json.loads(text)))
    except json.JSONDecodeError as whole:
        # JSON Lines when the first non-blank line is a document by itself; otherwise report
        # the whole-document error where the parser stopped.
        try:
            json.loads(lines[first])
        except json.JSONDecodeError:
            raise InputError(f"{path}:{whole.lineno}", f"not JSON: {whole.msg}")
        for i, s in enumerate(lines):
            if not s.strip():
                continue
            try:
                records.append(Record(path, i + 1, json.loads(s)))
            except json.JSONDecodeError as e:
                raise InputError(f"{path}:{i + 1}", f"not JSON: {e.msg}")
    for r in records:
        _check_ours(r)
    return records


def _check_ours(r):
    if not isinstance(r.data, dict):
        raise r.error("not a purecache-sim report (expected a JSON object)")
    tool = r.data.get("tool")
    if not isinstance(tool, dict) or tool.get("name") != "purecache-sim":
        raise r.error('not a purecache-sim report (no tool.name "purecache-sim")')
    version = r.data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise r.error(f"schema_version {json.dumps(version)[:20]} is not supported (expected {SCHEMA_VERSION})")


def load_inputs(paths):
    records = []
    for p in paths:
        records.extend(load_file(p))
    return records


def check_same_trace(records):
    """All records describe one trace: equal trace.hash where both have one, else equal
    trace.path."""
    seen = {}  # (hash or None, path) -> the first record with them
    for r in records:
        h = r.get("trace.hash", "str", nullable=True, default=None)
        p = r.get("trace.path", "str")
        for (sh, sp), s in seen.items():
            same = h == sh if h is not None and sh is not None else p == sp
            if not same:
                this = f"{p} (hash {h})" if h else p
                that = f"{sp} (hash {sh})" if sh else sp
                raise r.error(f"trace {this} differs from trace {that} in {s.where}; plot one trace at a time")
        seen.setdefault((h, p), r)


def sample_label(rate):
    return f"(sampled R={rate:g})" if rate is not None else "(sampled)"


def output_path(args, prog_stem, inputs):
    """The output file and format from -o/--format: PNG unless -o ends in .svg or --format
    svg; the default is `<prog_stem>.<format>` in the current directory."""
    fmt = args.format
    out = args.output
    if out is None:
        out = f"{prog_stem}.{fmt or 'png'}"
    real_out = os.path.realpath(out)
    for p in inputs:
        if os.path.realpath(p) == real_out or (os.path.exists(p) and os.path.exists(out)
                                                and os.path.samefile(p, out)):
            raise InputError(out, "the output would overwrite an input; choose another -o")
    ext = os.path.splitext(out)[1].lower()
    from_ext = {".png": "png", ".svg": "svg"}.get(ext)
    if fmt is None:
        if from_ext is None:
            raise InputError(out, "cannot tell the image format from the name; end it in .png or .svg, or give --format")
        fmt = from_ext
    elif from_ext is not None and from_ext != fmt:
        raise InputError(out, f"the name ends in {ext} but --format is {fmt}")
    return out, fmt


def save_figure(fig, out, fmt):
    """Write the figure to a temporary file beside `out` and rename it over `out`, so a
    reader never sees a half-written image and a failure leaves nothing behind."""
    directory = os.path.dirname(os.path.abspath(out))
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix="." + os.path.basename(out) + ".", suffix=".tmp")
    except OSError as e:
        raise OutputError(f"{out}: cannot write: {e.strerror or e}")
    try:
        with os.fdopen(fd, "wb") as f:
            fig.savefig(f, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise OutputError(f"{out}: cannot write: {e.strerror or e}")
        raise


def add_common_arguments(parser, prog_stem):
    parser.add_argument("-o", "--output", metavar="OUT",
                        help=f"image to write (default: {prog_stem}.png in the current directory; .svg for SVG)")
    parser.add_argument("--format", choices=("png", "svg"),
                        help="image format (default: from the -o name, else png)")
    parser.add_argument("--title", help="figure title (default: names the trace)")


def main_wrapper(prog, body):
    """Run `body()`, turning expected failures into one stderr line and an exit code:
    2 for bad input, 1 when the output cannot be written."""
    try:
        body()
    except InputError as e:
        print(f"{prog}: error: {e}", file=sys.stderr)
        sys.exit(2)
    except OutputError as e:
        print(f"{prog}: error: {e}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)


def many_inputs_main(prog, stem, description, inputs_help, collect, plot, title_prefix):
    """The command line of a script that plots several inputs of one trace: parse, load, check
    that they share a trace, `collect(records)`, then `plot(collected, title, out, fmt)`."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help=inputs_help)
    add_common_arguments(parser, stem)
    args = parser.parse_args()

    def body():
        out, fmt = output_path(args, stem, args.inputs)
        records = load_inputs(args.inputs)
        check_same_trace(records)
        collected = collect(records)
        title = args.title if args.title is not None else f"{title_prefix}: {records[0].trace_name()}"
        plot(collected, title, out, fmt)

    main_wrapper(prog, body)
