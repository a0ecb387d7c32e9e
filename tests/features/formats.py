#!/usr/bin/env python3
"""PNG and SVG output: one file per page, of the page's size.

Usage: formats.py DISPUTAS SOURCE_ROOT WORKDIR

The seed's booklet is A5 (148mm x 210mm) with 3mm bleed: every page is
148mm x 210mm (office output, the default), and 154mm x 216mm with
--press.  At --dpi 100 a PNG page is ceil(148/25.4*100) x
ceil(210/25.4*100) pixels; an SVG page (rendered with --press) declares
the size in points.  The number of files must equal the PDF's page count.
"""
import glob
import math
import os
import re
import struct
import subprocess
import sys

disputas, root, workdir = sys.argv[1:4]
os.makedirs(workdir, exist_ok=True)
for old in glob.glob(os.path.join(workdir, "*")):
    os.remove(old)
doc = os.path.join(root, "samples", "seed.yaml")
pdf = os.path.join(workdir, "b.pdf")
subprocess.run([disputas, "render", doc, "-l", "booklet", "-o", pdf], check=True)
info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))

failures = []
subprocess.run([disputas, "render", doc, "-l", "booklet", "--dpi", "100",
                "-o", os.path.join(workdir, "b.png")], check=True)
pngs = sorted(glob.glob(os.path.join(workdir, "b-*.png")))
if len(pngs) != pages:
    failures.append("%d PNG files for %d pages" % (len(pngs), pages))
want = (math.ceil(148 / 25.4 * 100), math.ceil(210 / 25.4 * 100))
for png in pngs:
    with open(png, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        failures.append("%s is not a PNG" % png)
        continue
    size = struct.unpack(">II", head[16:24])
    if abs(size[0] - want[0]) > 1 or abs(size[1] - want[1]) > 1:
        failures.append("%s is %dx%d px, expected %dx%d" % ((png,) + size + want))

subprocess.run([disputas, "render", doc, "-l", "booklet", "-f", "svg",
                "--press", "-o", os.path.join(workdir, "b.svg")], check=True)
svgs = sorted(glob.glob(os.path.join(workdir, "b-*.svg")))
if len(svgs) != pages:
    failures.append("%d SVG files for %d pages" % (len(svgs), pages))
pt = (154 / 25.4 * 72, 216 / 25.4 * 72)
for svg in svgs:
    with open(svg) as f:
        text = f.read(2000)
    m = re.search(r'<svg[^>]*width="([\d.]+)pt"[^>]*height="([\d.]+)pt"', text)
    if not m:
        failures.append("%s has no size in points" % svg)
    elif abs(float(m.group(1)) - pt[0]) > 0.5 or abs(float(m.group(2)) - pt[1]) > 0.5:
        failures.append("%s is %sx%s pt, expected %.1fx%.1f" % (svg, m.group(1), m.group(2), *pt))
if failures:
    sys.exit("\n".join(failures))
print("ok: %d pages as %d PNG and %d SVG files of the right size" % (pages, len(pngs), len(svgs)))
