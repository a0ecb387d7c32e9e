#!/usr/bin/env python3
"""`disputas check --diagnostics=json` read back with Python's json module.

    diagnostics-json.py DISPUTAS SOURCE_ROOT     (TAP on stdout)

Every line of standard error must be one JSON object with exactly the keys
severity, file, line, column and message, and the records must say what
the compiler-style text says, problem for problem, in the same order: for a
broken document, a broken layout, a file that does not exist, and a file
name that is not UTF-8 (the JSON stays valid UTF-8).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

TEXT_LINE = re.compile(r"^(.*?):(?:(\d+):)?(?:(\d+):)? (error|warning|note): (.*)$")
KEYS = {"severity", "file", "line", "column", "message"}


def run(disputas, root, args):
    env = dict(os.environ, LC_ALL="C.UTF-8")
    proc = subprocess.run([disputas] + args, cwd=root, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=60)
    return proc.returncode, proc.stdout, proc.stderr


def parse_json(stderr):
    """The records, or raises ValueError saying what is wrong."""
    records = []
    text = stderr.decode("utf-8")  # strict: invalid UTF-8 is a failure
    for line in text.splitlines():
        record = json.loads(line)
        if not isinstance(record, dict) or set(record) != KEYS:
            raise ValueError("not a record of %s: %r" % (sorted(KEYS), line))
        if record["severity"] not in ("error", "warning", "note"):
            raise ValueError("bad severity: %r" % line)
        if not isinstance(record["line"], int) or record["line"] < 0:
            raise ValueError("bad line: %r" % line)
        if not isinstance(record["column"], int) or record["column"] < 0:
            raise ValueError("bad column: %r" % line)
        if not isinstance(record["file"], str) or not isinstance(
                record["message"], str):
            raise ValueError("file and message must be strings: %r" % line)
        records.append(record)
    return records


def parse_text(stderr):
    """The FILE:LINE:COLUMN: SEVERITY: MESSAGE lines of text diagnostics
    (the quoted source lines and carets are skipped)."""
    records = []
    for line in stderr.decode("utf-8", "replace").splitlines():
        if line.startswith("    "):
            continue
        m = TEXT_LINE.match(line)
        if not m:
            raise ValueError("not a diagnostic: %r" % line)
        records.append({"file": m.group(1), "line": int(m.group(2) or 0),
                        "column": int(m.group(3) or 0),
                        "severity": m.group(4), "message": m.group(5)})
    return records


class Tap:
    def __init__(self):
        self.count = 0
        self.failed = 0

    def check(self, name, problem):
        self.count += 1
        if problem:
            self.failed += 1
            print("not ok %d - %s" % (self.count, name))
            for line in str(problem).splitlines():
                print("#   " + line)
        else:
            print("ok %d - %s" % (self.count, name))


def same_as_text(disputas, root, args, expect_count=None):
    """None if the JSON records match the text run of `args`, else why."""
    status, out, err = run(disputas, root, ["check", "--diagnostics=json"] + args)
    if status != 1:
        return "exit status %d, not 1" % status
    if out:
        return "wrote to standard output: %r" % out[:200]
    try:
        records = parse_json(err)
    except (ValueError, UnicodeDecodeError) as e:
        return "invalid JSON diagnostics: %s\n%s" % (e, err.decode("utf-8", "replace"))
    if not records:
        return "no diagnostics"
    if expect_count is not None and len(records) != expect_count:
        return "%d records, expected %d" % (len(records), expect_count)
    text_status, _, text_err = run(disputas, root, ["check"] + args)
    if text_status != status:
        return "text mode exits %d" % text_status
    text = parse_text(text_err)
    if records != text:
        return "JSON and text disagree:\n%s\n%s" % (
            json.dumps(records, indent=1, ensure_ascii=False),
            json.dumps(text, indent=1, ensure_ascii=False))
    return None


def main():
    disputas, root = os.path.abspath(sys.argv[1]), sys.argv[2]
    tap = Tap()
    print("1..6")

    problem = same_as_text(disputas, root, ["tests/diag/several-errors.yaml"],
                           expect_count=9)
    tap.check("a broken document: one record per problem, as the text says",
              problem)

    problem = same_as_text(disputas, root, [
        "samples/minimal.yaml", "-l", "tests/layout-diag/frame-cycle.yaml"],
        expect_count=2)
    tap.check("a broken layout: one record per problem, as the text says",
              problem)

    status, _, err = run(disputas, root, [
        "check", "--diagnostics=json", "samples/minimal.yaml",
        "-l", "tests/layout-diag/frame-cycle.yaml"])
    problem = None
    try:
        first = parse_json(err)[0]
        want = {"severity": "error",
                "file": "tests/layout-diag/frame-cycle.yaml",
                "line": 6, "column": 21,
                "message": "frame 'a' depends on itself: a \u2192 b \u2192 a"}
        if first != want:
            problem = "got %r\nnot %r" % (first, want)
    except (ValueError, IndexError, UnicodeDecodeError) as e:
        problem = "%s: %r" % (e, err)
    tap.check("a record carries severity, file, line, column and message",
              problem)

    problem = same_as_text(disputas, root, ["tests/no-such-document.yaml"],
                           expect_count=1)
    tap.check("a file that cannot be read", problem)

    # A file name that is not UTF-8: the JSON must stay valid UTF-8.
    scratch = tempfile.mkdtemp(prefix="disputas-json-")
    try:
        name = os.path.join(os.fsencode(scratch), b"bad-\xff-name.yaml")
        shutil.copyfile(os.path.join(root, "tests/diag/unknown-key-typo.yaml"),
                        name)
        env = dict(os.environ, LC_ALL="C.UTF-8")
        proc = subprocess.run([os.fsencode(disputas), b"check",
                               b"--diagnostics=json", name], env=env,
                              stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=60)
        problem = None
        try:
            records = parse_json(proc.stderr)
            if len(records) != 1 or "bad-" not in records[0]["file"]:
                problem = "records: %r" % records
            elif records[0]["line"] != 11:
                problem = "line %r, not 11" % records[0]["line"]
        except (ValueError, UnicodeDecodeError) as e:
            problem = "%s: %r" % (e, proc.stderr)
        tap.check("a file name that is not UTF-8 still gives valid JSON",
                  problem)
    finally:
        shutil.rmtree(scratch)

    status, out, err = run(disputas, root, [
        "check", "--diagnostics=json", "samples/minimal.yaml"])
    tap.check("a good document prints nothing",
              None if status == 0 and not err and not out
              else "exit %d, stderr %r" % (status, err))
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
