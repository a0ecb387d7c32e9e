#!/usr/bin/env python3
"""Compares the trace of one sample in one built-in layout with its golden.

    run.py DISPUTAS SOURCE_ROOT SAMPLE LAYOUT
    run.py --coverage SOURCE_ROOT MESON_BUILD

The first form runs `DISPUTAS render samples/SAMPLE.yaml -l LAYOUT --trace`
from SOURCE_ROOT and passes when it exits 0 and its output is byte for byte
tests/traces/SAMPLE.LAYOUT.trace.  On a mismatch it prints a unified diff
(golden first) and fails: a line that moved by 0.01 pt shows as one changed
line.  The second form passes when tests/traces/meson.build and the goldens
cover every samples/*.yaml in every layouts/*.yaml, and nothing else.

After an intended change of the output, regenerate every golden with

    tests/traces/regenerate.py BUILD_DIR

and read `git diff tests/traces` before committing it (docs/trace.md
describes the format).
"""
import difflib
import os
import re
import subprocess
import sys


def golden_path(root, sample, layout):
    return os.path.join(root, "tests", "traces", f"{sample}.{layout}.trace")


def trace(disputas, root, sample, layout):
    """Returns (exit status, stdout bytes, stderr bytes).  The environment
    is the test suite's (tests/meson.build), also when regenerating: the
    source tree's data and a hyphenation cache beside the binary, never
    the user's."""
    env = dict(os.environ)
    env.setdefault("LC_ALL", "C.UTF-8")
    env.setdefault("DISPUTAS_DATADIR", root)
    env.setdefault("XDG_CACHE_HOME", os.path.join(
        os.path.dirname(os.path.abspath(disputas)), "test-cache"))
    proc = subprocess.run(
        [disputas, "render", f"samples/{sample}.yaml", "-l", layout,
         "--trace"],
        cwd=root, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return proc.returncode, proc.stdout, proc.stderr


def cases(root):
    """Every (sample, layout) pair of the source tree, sorted."""
    def stems(folder):
        return sorted(f[:-5] for f in os.listdir(os.path.join(root, folder))
                      if f.endswith(".yaml"))
    return [(s, l) for s in stems("samples") for l in stems("layouts")]


def coverage(root, meson_build):
    with open(meson_build, encoding="utf-8") as f:
        text = f.read()
    listed = set(re.findall(r"\[\s*'([^']+)'\s*,\s*'([^']+)'\s*\]", text))
    wanted = set(cases(root))
    here = os.path.join(root, "tests", "traces")
    goldens = {tuple(f[:-6].rsplit(".", 1)) for f in os.listdir(here)
               if f.endswith(".trace")}
    ok = True
    for what, have in (("tests/traces/meson.build", listed),
                       ("a golden tests/traces/SAMPLE.LAYOUT.trace", goldens)):
        for s, l in sorted(wanted - have):
            print(f"samples/{s}.yaml in layouts/{l}.yaml has no {what}")
            ok = False
        for s, l in sorted(have - wanted):
            print(f"{what}: {s} in {l}, which is not a sample in a "
                  "built-in layout")
            ok = False
    return ok


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--coverage":
        sys.exit(0 if coverage(sys.argv[2], sys.argv[3]) else 1)
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    disputas, root, sample, layout = sys.argv[1:]
    disputas = os.path.abspath(disputas)
    status, out, err = trace(disputas, root, sample, layout)
    sys.stdout.write(err.decode("utf-8", "replace"))
    path = golden_path(root, sample, layout)
    try:
        with open(path, "rb") as f:
            expected = f.read()
    except FileNotFoundError:
        print(f"no golden {path}: run tests/traces/regenerate.py BUILD_DIR")
        sys.exit(1)
    ok = True
    if status != 0:
        print(f"exit status {status}, expected 0")
        ok = False
    if out != expected:
        name = f"tests/traces/{sample}.{layout}.trace"
        diff = difflib.unified_diff(
            expected.decode("utf-8", "replace").splitlines(keepends=True),
            out.decode("utf-8", "replace").splitlines(keepends=True),
            f"{name} (golden)", "trace (now)", n=2)
        sys.stdout.writelines(diff)
        print("\nIf the change is intended: tests/traces/regenerate.py "
              "BUILD_DIR, then read git diff tests/traces.")
        ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
