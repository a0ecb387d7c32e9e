#!/usr/bin/env python3
"""Rewrites the goldens tests/traces/SAMPLE.LAYOUT.trace from BUILD_DIR.

    tests/traces/regenerate.py BUILD_DIR [SAMPLE.LAYOUT...]

With no names, writes the trace of every samples/*.yaml in every
layouts/*.yaml (and removes goldens of samples or layouts that are gone);
then prints the list of pairs for tests/traces/meson.build.  Run it from
anywhere.  Afterwards read `git diff tests/traces`: each changed line is a
line of text, a frame or a box that moved or changed (docs/trace.md).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import cases, golden_path, trace  # noqa: E402


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    disputas = os.path.abspath(os.path.join(sys.argv[1], "disputas"))
    every = cases(root)
    wanted = [tuple(n.rsplit(".", 1)) for n in sys.argv[2:]] or every
    failed = False
    for sample, layout in wanted:
        status, out, err = trace(disputas, root, sample, layout)
        if status != 0:
            sys.stderr.write(err.decode("utf-8", "replace"))
            print(f"{sample}.{layout}: exit status {status}, not written")
            failed = True
            continue
        with open(golden_path(root, sample, layout), "wb") as f:
            f.write(out)
    if not sys.argv[2:]:
        for f in sorted(os.listdir(here)):
            if f.endswith(".trace") and tuple(f[:-6].rsplit(".", 1)) not in every:
                os.unlink(os.path.join(here, f))
                print(f"removed {f}")
        with open(os.path.join(here, "meson.build"), encoding="utf-8") as f:
            listed = f.read()
        missing = [c for c in every if f"['{c[0]}', '{c[1]}']" not in listed]
        for s, l in missing:
            print(f"add to tests/traces/meson.build: ['{s}', '{l}'],")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
