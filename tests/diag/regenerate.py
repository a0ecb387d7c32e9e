#!/usr/bin/env python3
"""Rewrites every tests/diag/NAME.stderr from `BUILD_DIR/disputas check`.

    tests/diag/regenerate.py BUILD_DIR [NAME...]

Run it from anywhere; it runs the checks from the source root, as the tests
do.  Afterwards read `git diff tests/diag`: a regenerated expectation is only
right if the message, line and column are.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import run  # noqa: E402


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    disputas = os.path.abspath(os.path.join(sys.argv[1], "disputas"))
    names = sys.argv[2:] or sorted(
        f[:-5] for f in os.listdir(here) if f.endswith(".yaml"))
    for name in names:
        status, stderr = run(disputas, root, name)
        with open(os.path.join(here, name + ".stderr"), "wb") as f:
            f.write(stderr)
        note = "" if status == 1 else f"  (exit status {status}, expected 1!)"
        print(f"{name}{note}")


if __name__ == "__main__":
    main()
