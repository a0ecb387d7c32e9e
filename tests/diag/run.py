#!/usr/bin/env python3
"""Runs `disputas check` on one broken document and compares its stderr.

    run.py DISPUTAS SOURCE_ROOT NAME

runs `DISPUTAS check tests/diag/NAME.yaml` from SOURCE_ROOT (so file names in
the messages read `tests/diag/NAME.yaml`), and passes when the exit status is
1 and standard error is byte for byte tests/diag/NAME.stderr.  On a mismatch
it prints a unified diff (expected first) and fails.

To regenerate every expectation after an intended change of messages:

    tests/diag/regenerate.py BUILD_DIR

then read the diff (`git diff tests/diag`) line by line before committing:
each .stderr is a promise about what users see.
"""
import difflib
import os
import subprocess
import sys


def run(disputas, root, name):
    """Returns (exit status, stderr bytes) of checking case `name`."""
    env = dict(os.environ)
    env.setdefault("LC_ALL", "C.UTF-8")
    proc = subprocess.run(
        [disputas, "check", f"tests/diag/{name}.yaml"],
        cwd=root, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=60)
    return proc.returncode, proc.stderr


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    disputas, root, name = sys.argv[1:]
    disputas = os.path.abspath(disputas)
    status, stderr = run(disputas, root, name)
    with open(os.path.join(root, "tests", "diag", name + ".stderr"), "rb") as f:
        expected = f.read()
    ok = True
    if status != 1:
        print(f"exit status {status}, expected 1")
        ok = False
    if stderr != expected:
        diff = difflib.unified_diff(
            expected.decode("utf-8", "replace").splitlines(keepends=True),
            stderr.decode("utf-8", "replace").splitlines(keepends=True),
            f"tests/diag/{name}.stderr (expected)", "stderr (actual)")
        sys.stdout.writelines(diff)
        ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
