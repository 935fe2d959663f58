#!/usr/bin/python3
"""Runs scripts/plot_{mrc,compare,timeline,contention}.py on the fixtures in tests/data/plots and checks
the images they write and the errors they give. Run with /usr/bin/python3 (ctest -L plots)."""

import json
import os
import shutil
import struct
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPTS = os.path.join(ROOT, "scripts")
DATA = os.path.join(ROOT, "tests", "data", "plots")
BAD = os.path.join(DATA, "bad")
PYTHON = "/usr/bin/python3"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SIZES = {"plot_mrc": (800, 500), "plot_compare": (1200, 900), "plot_timeline": (1000, 700),
         "plot_contention": (1200, 800)}


def data(name):
    return os.path.join(DATA, name)


def bad(name):
    return os.path.join(BAD, name)


class PlotTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="plot_test.")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def run_script(self, stem, *args, python=PYTHON, env=None):
        cmd = (python.split() if python else []) + [os.path.join(SCRIPTS, stem + ".py"), *args]
        return subprocess.run(cmd, cwd=self.dir, capture_output=True, text=True, env=env, timeout=60)

    def assert_png(self, path, size):
        with open(path, "rb") as f:
            head = f.read(24)
        self.assertEqual(head[:8], PNG_SIGNATURE, path)
        self.assertEqual(head[12:16], b"IHDR", path)
        self.assertEqual(struct.unpack(">II", head[16:24]), size, path)

    def assert_svg(self, path):
        root = ET.parse(path).getroot()
        self.assertEqual(root.tag, "{http://www.w3.org/2000/svg}svg", path)

    def assert_ok(self, result):
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")

    def assert_error(self, result, prog, where, code=2):
        """Exit `code`, one stderr line `prog: error: where...`, nothing written."""
        self.assertEqual(result.returncode, code, result.stderr)
        lines = result.stderr.splitlines()
        self.assertEqual(len(lines), 1, result.stderr)
        self.assertTrue(lines[0].startswith(f"{prog}: error: {where}"), lines[0])
        self.assertNotIn("Traceback", result.stderr)
        self.assertEqual(os.listdir(self.dir), [], "a failed run left a file behind")

    # Images

    def test_mrc_from_sweeps_and_curves_is_a_png_of_the_fixed_size(self):
        out = os.path.join(self.dir, "mrc.png")
        self.assert_ok(self.run_script("plot_mrc", data("sweep.jsonl"), data("sweep_sampled.jsonl"),
                                       data("mrc.jsonl"), data("mrc_exact.json"), "-o", out))
        self.assert_png(out, SIZES["plot_mrc"])
        self.assertEqual(os.listdir(self.dir), ["mrc.png"])

    def test_mrc_writes_svg_for_an_svg_name_or_format(self):
        self.assert_ok(self.run_script("plot_mrc", data("mrc.jsonl"), "-o", "curve.svg", "--title", "T"))
        self.assert_svg(os.path.join(self.dir, "curve.svg"))
        self.assert_ok(self.run_script("plot_mrc", data("mrc.jsonl"), "--format", "svg"))
        self.assert_svg(os.path.join(self.dir, "plot_mrc.svg"))

    def test_compare_from_a_sweep_is_a_png_of_the_fixed_size(self):
        self.assert_ok(self.run_script("plot_compare", data("sweep.jsonl"), data("sweep_sampled.jsonl")))
        self.assert_png(os.path.join(self.dir, "plot_compare.png"), SIZES["plot_compare"])

    def test_compare_from_fast_engine_single_reports_and_as_svg(self):
        self.assert_ok(self.run_script("plot_compare", data("single_fast_lru.json"),
                                       data("single_fast_lfu.json"), "-o", "c.png"))
        self.assert_png(os.path.join(self.dir, "c.png"), SIZES["plot_compare"])
        self.assert_ok(self.run_script("plot_compare", data("sweep.jsonl"), "-o", "c.svg"))
        self.assert_svg(os.path.join(self.dir, "c.svg"))

    def test_timeline_by_requests_and_by_seconds(self):
        self.assert_ok(self.run_script("plot_timeline", data("timeline_requests.json")))
        self.assert_png(os.path.join(self.dir, "plot_timeline.png"), SIZES["plot_timeline"])
        self.assert_ok(self.run_script("plot_timeline", data("timeline_seconds.json"), "-o", "t.png"))
        self.assert_png(os.path.join(self.dir, "t.png"), SIZES["plot_timeline"])
        self.assert_ok(self.run_script("plot_timeline", data("timeline_seconds.json"), "-o", "t.svg"))
        self.assert_svg(os.path.join(self.dir, "t.svg"))

    def test_contention_with_both_hand_offs_two_client_counts_and_a_repeat_is_a_png_and_an_svg(self):
        self.assert_ok(self.run_script("plot_contention", data("contention.jsonl")))
        self.assert_png(os.path.join(self.dir, "plot_contention.png"), SIZES["plot_contention"])
        self.assert_ok(self.run_script("plot_contention", data("contention.jsonl"), "-o", "c.svg"))
        self.assert_svg(os.path.join(self.dir, "c.svg"))

    def test_contention_bounded_by_bytes_is_titled_with_its_byte_capacity(self):
        # contention --capacity-bytes: policy.capacity null, the bound in policy.capacity_bytes.
        lines = []
        with open(data("contention.jsonl")) as f:
            for line in f:
                record = json.loads(line)
                record["policy"]["capacity"] = None
                record["policy"]["capacity_bytes"] = 65536
                lines.append(json.dumps(record))
        path = os.path.join(self.dir, "bytes.jsonl")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.assert_ok(self.run_script("plot_contention", path, "-o", "b.svg"))
        with open(os.path.join(self.dir, "b.svg")) as f:
            self.assertIn("capacity 65536 bytes", f.read())

    def test_run_through_its_shebang_a_script_writes_plot_name_png_in_the_current_directory(self):
        self.assert_ok(self.run_script("plot_mrc", data("mrc_exact.json"), python=None))
        self.assert_png(os.path.join(self.dir, "plot_mrc.png"), SIZES["plot_mrc"])

    def test_an_interpreter_without_matplotlib_reruns_the_script_with_usr_bin_python3(self):
        other = shutil.which("python3")
        if not other or os.path.realpath(other) == os.path.realpath(PYTHON) or subprocess.run(
                [other, "-c", "import matplotlib"], capture_output=True).returncode == 0:
            self.skipTest("no python3 without matplotlib on PATH")
        # Only the rerun, which finds matplotlib, gets as far as reading the input.
        self.assert_error(self.run_script("plot_mrc", bad("empty.json"), python=other),
                          "plot_mrc.py", f"{bad('empty.json')}: empty file")

    def test_without_matplotlib_anywhere_one_line_and_exit_2(self):
        # -S leaves out site-packages, where Debian's matplotlib lives.
        result = self.run_script("plot_mrc", data("mrc_exact.json"), python=PYTHON + " -S")
        self.assert_error(result, "plot_mrc.py", "matplotlib not found")

    # Bad input: exit 2, one line naming the file (and the line), no output

    def test_bad_inputs_give_one_line_naming_the_file_and_exit_2(self):
        cases = [
            ("plot_mrc", [bad("empty.json")], f"{bad('empty.json')}: empty file"),
            ("plot_mrc", [bad("blank.jsonl")], f"{bad('blank.jsonl')}: empty file"),
            ("plot_mrc", [data("missing.json")], f"{data('missing.json')}: cannot read"),
            ("plot_mrc", [bad("not_json.txt")], f"{bad('not_json.txt')}:1: not JSON"),
            ("plot_mrc", [bad("truncated_line3.jsonl")], f"{bad('truncated_line3.jsonl')}:3: not JSON"),
            ("plot_mrc", [bad("not_ours.json")], f"{bad('not_ours.json')}:1: not a purecache-sim report"),
            ("plot_compare", [bad("array.json")], f"{bad('array.json')}:1: not a purecache-sim report"),
            ("plot_mrc", [bad("schema_version_1.jsonl")], f"{bad('schema_version_1.jsonl')}:1: schema_version 1"),
            ("plot_mrc", [bad("missing_field.jsonl")], f"{bad('missing_field.jsonl')}:2: missing field miss_ratio"),
            ("plot_mrc", [data("sweep.jsonl"), bad("other_trace.jsonl")],
             f"{bad('other_trace.jsonl')}:1: trace traces/other.txt (hash 0123456789abcdef) differs"),
            ("plot_compare", [data("single_fast_lru.json"), bad("other_trace_no_hash.json")],
             f"{bad('other_trace_no_hash.json')}:1: trace traces/cloudPhysicsIO.txt.zst differs"),
            ("plot_mrc", [data("single_fast_lru.json")], f"{data('single_fast_lru.json')}:1: a single-run report"),
            ("plot_compare", [data("mrc_exact.json")], f"{data('mrc_exact.json')}:1: mrc output"),
            ("plot_timeline", [data("single_fast_lru.json")], f"{data('single_fast_lru.json')}:1: this report has no timeline"),
            ("plot_timeline", [data("sweep.jsonl")], f"{data('sweep.jsonl')}:2: expected one report"),
            ("plot_contention", [bad("contention_missing_field.jsonl")],
             f"{bad('contention_missing_field.jsonl')}:2: missing field concurrency.shards"),
            ("plot_contention", [bad("contention_other_policy.jsonl")],
             f"{bad('contention_other_policy.jsonl')}:2: policy lfu at capacity 1000 differs"),
            ("plot_contention", [bad("contention_threads_0.json")],
             f"{bad('contention_threads_0.json')}:1: concurrency.threads is 0"),
            ("plot_contention", [data("sweep.jsonl")], f"{data('sweep.jsonl')}:1: no concurrency field"),
            ("plot_contention", [data("single_fast_lru.json")], f"{data('single_fast_lru.json')}:1: a fast-engine report"),
            ("plot_contention", [data("mrc.jsonl")], f"{data('mrc.jsonl')}:1: mrc output"),
            ("plot_timeline", [bad("timeline_bad_row.json")],
             f"{bad('timeline_bad_row.json')}:1: timeline.rows[2]: field memory_bytes"),
        ]
        for stem, args, where in cases:
            with self.subTest(stem=stem, args=[os.path.basename(a) for a in args]):
                self.assert_error(self.run_script(stem, *args), stem + ".py", where)

    def test_an_output_equal_to_an_input_is_refused_and_left_alone(self):
        copy = os.path.join(self.dir, "in.json")
        shutil.copy(data("timeline_requests.json"), copy)
        with open(copy, "rb") as f:
            before = f.read()
        result = self.run_script("plot_timeline", copy, "-o", "in.json", "--format", "png")
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr, "plot_timeline.py: error: in.json: the output would overwrite an input; "
                                        "choose another -o\n")
        with open(copy, "rb") as f:
            self.assertEqual(f.read(), before)
        self.assertEqual(os.listdir(self.dir), ["in.json"])

    def test_a_failed_run_leaves_an_existing_output_untouched(self):
        out = os.path.join(self.dir, "keep.png")
        with open(out, "wb") as f:
            f.write(b"old")
        result = self.run_script("plot_mrc", bad("empty.json"), "-o", out)
        self.assertEqual(result.returncode, 2)
        with open(out, "rb") as f:
            self.assertEqual(f.read(), b"old")
        self.assertEqual(os.listdir(self.dir), ["keep.png"])

    def test_an_unknown_image_name_or_conflicting_format_is_refused(self):
        self.assert_error(self.run_script("plot_mrc", data("mrc.jsonl"), "-o", "x.jpg"),
                          "plot_mrc.py", "x.jpg: cannot tell the image format")
        self.assert_error(self.run_script("plot_mrc", data("mrc.jsonl"), "-o", "x.png", "--format", "svg"),
                          "plot_mrc.py", "x.png: the name ends in .png but --format is svg")

    def test_an_unwritable_output_directory_exits_1(self):
        out = os.path.join(self.dir, "no", "such", "dir.png")
        self.assert_error(self.run_script("plot_mrc", data("mrc.jsonl"), "-o", out), "plot_mrc.py",
                          f"{out}: cannot write", code=1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
