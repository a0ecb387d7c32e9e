#!/usr/bin/env python3
"""`build` gives the same bytes as three separate renders.

Usage: build_same.py DISPUTAS SOURCE_ROOT WORKDIR

`build` lays out each document once per distinct set of pages (booklet
and booklet-print share theirs) and checks before it renders; none of
that may change the output.  With SOURCE_DATE_EPOCH set, every product of
every sample must be byte-identical to `render` of that layout alone.
"""
import filecmp
import os
import subprocess
import sys

disputas, root, workdir = sys.argv[1:4]
os.makedirs(workdir, exist_ok=True)
env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
failures = []
samples = sorted(f[:-5] for f in os.listdir(os.path.join(root, "samples"))
                 if f.endswith(".yaml"))
for sample in samples:
    doc = os.path.join(root, "samples", sample + ".yaml")
    built = os.path.join(workdir, "built")
    os.makedirs(built, exist_ok=True)
    subprocess.run([disputas, "build", doc, "-d", built], check=True, env=env)
    for layout in ("poster", "booklet", "booklet-print"):
        alone = os.path.join(workdir, "%s.%s.alone.pdf" % (sample, layout))
        subprocess.run([disputas, "render", doc, "-l", layout, "-o", alone],
                       check=True, env=env)
        together = os.path.join(built, "%s.%s.pdf" % (sample, layout))
        if not filecmp.cmp(alone, together, shallow=False):
            failures.append("%s %s: build and render differ" % (sample, layout))
if failures:
    sys.exit("\n".join(failures))
print("ok: build's products equal separate renders for %d samples" % len(samples))
