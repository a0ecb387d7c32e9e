#!/usr/bin/env python3
"""Runs broken layouts through a checker and compares stderr.

    run.py CHECKER SOURCE_ROOT NAME [NAME...]

For each NAME, runs `CHECKER tests/layout-diag/NAME.yaml` from SOURCE_ROOT
(so paths in messages are stable), asserts exit status 1 and that stderr is
byte-equal to tests/layout-diag/NAME.stderr, printing a diff otherwise.
Prints TAP.  CHECKER may be several words ("build/disputas check
samples/minimal.yaml -l"): the layout path is appended.
"""
import difflib
import os
import shlex
import subprocess
import sys

HERE = os.path.join("tests", "layout-diag")


def run_case(checker, root, name):
    layout = os.path.join(HERE, name + ".yaml")
    expected_path = os.path.join(root, HERE, name + ".stderr")
    env = dict(os.environ, LC_ALL="C.UTF-8")
    proc = subprocess.run(checker + [layout], cwd=root, env=env,
                          capture_output=True)
    problems = []
    if proc.returncode != 1:
        problems.append("exit status %d, expected 1" % proc.returncode)
    try:
        with open(expected_path, "rb") as f:
            expected = f.read()
    except OSError as e:
        problems.append("cannot read %s: %s" % (expected_path, e))
        expected = None
    if expected is not None and proc.stderr != expected:
        diff = difflib.unified_diff(
            expected.decode("utf-8", "replace").splitlines(True),
            proc.stderr.decode("utf-8", "replace").splitlines(True),
            name + ".stderr (expected)", name + ".stderr (actual)")
        problems.append("stderr differs:\n" + "".join(diff))
    return problems


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    checker = shlex.split(argv[1])
    checker[0] = os.path.abspath(checker[0])
    root = argv[2]
    names = argv[3:]
    print("1..%d" % len(names))
    failed = 0
    for i, name in enumerate(names, 1):
        problems = run_case(checker, root, name)
        if problems:
            failed += 1
            print("not ok %d - %s" % (i, name))
            for p in problems:
                for line in p.splitlines():
                    print("# " + line)
        else:
            print("ok %d - %s" % (i, name))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
