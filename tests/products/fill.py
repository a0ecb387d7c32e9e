#!/usr/bin/env python3
"""The built-in poster fills its page, for sparse and dense documents.

Usage: fill.py DISPUTAS SOURCE_ROOT WORKDIR

For each sample the poster is rendered to PDF and its words are read back
with `pdftotext -bbox`.  The foot area is the poster's foot and the online
block above it (the frames "foot" and "online", whose rectangles are taken
from the layout trace, docs/trace.md): the lowest word above the foot area
must end within 15 % of the page height of its top.  A poster that leaves
its lower part blank fails.  Also, the thesis title is on the poster, and
the poster's largest type is its title (the headline, when there is one):
a sparse programme that grows must not outgrow the title (the words' box
heights from `pdftotext -bbox` stand for their sizes: the poster's display
face has one ascent and descent).
"""
import os
import re
import subprocess
import sys

disputas, root, workdir = sys.argv[1:4]
os.makedirs(workdir, exist_ok=True)

SAMPLES = ["sparse", "minimal", "dense", "programme", "headline", "full",
           "seed", "logo-photo", "online-postponed", "bokmal", "nynorsk",
           "scripts"]


def squeeze(text):
    return re.sub(r"[\W_]+", "", text).lower()


def foot_top(sample):
    """The top of the foot area, from the trim box's top, the trim box's top
    in the media box, and the trim height."""
    out = subprocess.run([disputas, "render",
                          os.path.join(root, "samples", sample + ".yaml"),
                          "-l", "poster", "--trace"],
                         check=True, capture_output=True, text=True).stdout
    trim_y = float(re.search(r"^output .* trim-y=([\d.]+)", out, re.M).group(1))
    tops = []
    for name in ("foot", "online"):
        m = re.search(r'^  frame \d+ "%s" x=\S+ y=([\d.-]+) w=\S+ h=([\d.]+)'
                      % name, out, re.M)
        if m and float(m.group(2)) > 0:
            tops.append(float(m.group(1)))
    height = float(re.search(r"^pages \d+ trim-w=\S+ trim-h=([\d.]+)", out,
                             re.M).group(1))
    return min(tops), trim_y, height


def words(pdf):
    html = subprocess.run(["pdftotext", "-bbox", pdf, "-"], check=True,
                          capture_output=True, text=True).stdout
    return [(float(m.group(1)), float(m.group(2)), m.group(3)) for m in
            re.finditer(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" '
                        r'yMax="([\d.]+)">([^<]*)</word>', html)]


failures = []
for sample in SAMPLES:
    pdf = os.path.join(workdir, sample + ".poster.pdf")
    doc = os.path.join(root, "samples", sample + ".yaml")
    subprocess.run([disputas, "render", doc, "-l", "poster", "-o", pdf],
                   check=True)
    top, trim_y, height = foot_top(sample)
    top += trim_y
    above = [y1 for y0, y1, _ in words(pdf) if y1 < top]
    lowest = max(above)
    gap = (top - lowest) / height
    print(f"# {sample}: lowest main text {gap:.1%} of the page above the foot area")
    if gap > 0.15:
        failures.append(f"{sample}: the main area ends {gap:.0%} of the page "
                        f"height above the foot area (at most 15 %)")
    with open(doc, encoding="utf-8") as f:
        source = f.read()
    title = re.search(r"^  title: (.*)$", source, re.M).group(1).strip('"')
    headline = re.search(r"^headline: (.*)$", source, re.M)
    first = squeeze(headline.group(1).strip('"') if headline else title)
    boxes = words(pdf)
    tallest = max(y1 - y0 for y0, y1, _ in boxes)
    outgrown = sorted({w for y0, y1, w in boxes if y1 - y0 > tallest - 0.5
                       and squeeze(w) not in first})
    if outgrown:
        failures.append(f"{sample}: {' '.join(outgrown)!r} is set larger than "
                        f"the title")
    text = subprocess.run(["pdftotext", pdf, "-"], check=True,
                          capture_output=True, text=True).stdout
    if squeeze(title) not in squeeze(text.replace("\u00ad", "")):
        failures.append(f"{sample}: the thesis title is not on the poster")

print("1..1")
if failures:
    print("not ok 1 - posters fill their page")
    for f in failures:
        print("# " + f)
    sys.exit(1)
print("ok 1 - posters fill their page")
