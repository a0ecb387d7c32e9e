#!/usr/bin/env python3
"""Page labels: pages in reading order carry /PageLabels numbering them
1, 2, ... in decimal (read back with qpdf's JSON); imposed sheets carry
none.

Usage: page_labels.py DISPUTAS SOURCE_ROOT WORKDIR
"""
import json
import os
import subprocess
import sys

disputas, root, workdir = sys.argv[1:4]
os.makedirs(workdir, exist_ok=True)
doc = os.path.join(root, "samples", "seed.yaml")
failures = []
for layout, want in (("booklet", [{"index": 0, "label": {"/S": "/D", "/St": 1}}]),
                     ("poster", [{"index": 0, "label": {"/S": "/D", "/St": 1}}]),
                     ("booklet-print", [])):
    pdf = os.path.join(workdir, layout + ".pdf")
    subprocess.run([disputas, "render", doc, "-l", layout, "-o", pdf], check=True)
    out = subprocess.run(["qpdf", "--json", "--json-key=pagelabels", pdf],
                         capture_output=True, text=True, check=True).stdout
    got = json.loads(out)["pagelabels"]
    if got != want:
        failures.append("%s: page labels %r, expected %r" % (layout, got, want))
if failures:
    sys.exit("\n".join(failures))
print("ok: page labels on pages in reading order, none on imposed sheets")
