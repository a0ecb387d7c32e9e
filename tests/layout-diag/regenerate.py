#!/usr/bin/env python3
"""Rewrites every tests/layout-diag/NAME.stderr from the current checker.

    tests/layout-diag/regenerate.py [CHECKER]

Run from the source root; CHECKER defaults to
build/tests/layout-diag/layout-check.  Review the diff before committing:
each .stderr is the exact, intended output.
"""
import glob
import os
import shlex
import subprocess
import sys

HERE = os.path.join("tests", "layout-diag")


def main(argv):
    checker = shlex.split(argv[1]) if len(argv) > 1 else [
        os.path.join("build", HERE, "layout-check")]
    checker[0] = os.path.abspath(checker[0])
    env = dict(os.environ, LC_ALL="C.UTF-8",
               DISPUTAS_DATADIR=os.getcwd())
    for layout in sorted(glob.glob(os.path.join(HERE, "*.yaml"))):
        proc = subprocess.run(checker + [layout], env=env, capture_output=True)
        if proc.returncode != 1:
            print("warning: %s exits with %d, not 1" % (layout,
                                                       proc.returncode))
        with open(layout[:-len(".yaml")] + ".stderr", "wb") as f:
            f.write(proc.stderr)
        print("wrote %s.stderr" % layout[:-len(".yaml")])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
