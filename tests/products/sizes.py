#!/usr/bin/env python3
"""No text below the layout's minimum, in any sample.

Usage: sizes.py DISPUTAS TEXT_SIZES SOURCE_ROOT WORKDIR

Every sample is rendered with the built-in poster and booklet, and the
size of every visible character is read back from the PDF by poppler
(TEXT_SIZES, text-sizes.c, prints each page's smallest): the
poster's text is never under 9 pt (readable at a noticeboard), the
booklet's never under 7.5 pt.  What does not fit at those sizes is left
out with a warning naming it, so every render must also succeed: the
dense sample's poster leaves out its supervisors, says so, and its
booklet has them.
"""
import glob
import os
import re
import subprocess
import sys

disputas, text_sizes, root, workdir = sys.argv[1:5]
os.makedirs(workdir, exist_ok=True)

MINIMUM = {"poster": 9.0, "booklet": 7.5}
# Sizes are read back rounded.
SLACK = 0.01

failures = []
for doc in sorted(glob.glob(os.path.join(root, "samples", "*.yaml"))):
    sample = os.path.basename(doc)[:-5]
    for layout, least in MINIMUM.items():
        pdf = os.path.join(workdir, f"{sample}.{layout}.pdf")
        run = subprocess.run([disputas, "render", doc, "-l", layout, "-o", pdf,
                              "-q"], capture_output=True, text=True)
        if run.returncode != 0:
            failures.append(f"{sample}.{layout}: render failed: "
                            + run.stderr.strip().splitlines()[0])
            continue
        out = subprocess.run([text_sizes, pdf], check=True,
                             capture_output=True, text=True).stdout
        sizes = [float(x) for x in re.findall(r"^page \d+: ([\d.]+)$", out,
                                               re.M) if float(x) > 0]
        smallest = min(sizes) if sizes else 0
        print(f"# {sample}.{layout}: smallest text {smallest:.2f} pt")
        if sample == "dense":
            text = subprocess.run(["pdftotext", pdf, "-"], check=True,
                                  capture_output=True, text=True).stdout
            has = "Erik Sandvik" in text
            if layout == "poster" and (has or "left out of the poster: the "
                                       "supervisors (" not in run.stderr):
                failures.append("dense.poster: the supervisors are not left "
                                "out with a warning")
            if layout == "booklet" and not has:
                failures.append("dense.booklet: a supervisor is missing")
        if smallest < least - SLACK:
            failures.append(f"{sample}.{layout}: text at {smallest:.2f} pt, "
                            f"under the layout's {least} pt")

print("1..1")
if failures:
    print("not ok 1 - no text below the layout's minimum")
    for f in failures:
        print("# " + f)
    sys.exit(1)
print("ok 1 - no text below the layout's minimum")
