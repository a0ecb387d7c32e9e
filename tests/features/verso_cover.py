#!/usr/bin/env python3
"""Left-hand page templates (`verso:`) and image fitting (`fit`).

Usage: verso_cover.py DISPUTAS SOURCE_ROOT WORKDIR

verso-cover.yaml flows a text over three pages from a template whose
`verso` names another: page 1 and 3 must show RECTO, page 2 VERSO.  Its
last page places the 600×750 px portrait in two 40mm × 20mm boxes: with
`fit: contain` (the default) the image is 16mm × 20mm (20mm at 4:5) at the
box's left; with `fit: cover` it is 40mm × 50mm, centred on the box (which
clips it).  The expected numbers come from those sizes, not from output.
"""
import os
import re
import subprocess
import sys

disputas, root, workdir = sys.argv[1:4]
os.makedirs(workdir, exist_ok=True)
here = os.path.join(root, "tests", "features")
pdf = os.path.join(workdir, "verso-cover.pdf")
subprocess.run([disputas, "render", os.path.join(here, "verso-cover-doc.yaml"),
                "-l", os.path.join(here, "verso-cover.yaml"), "-o", pdf], check=True)

failures = []
for page, want in ((1, "RECTO 1"), (2, "VERSO 2"), (3, "RECTO 3")):
    text = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), pdf, "-"],
                          capture_output=True, text=True, check=True).stdout
    if want not in text:
        failures.append("page %d: expected %r in %r" % (page, want, text[:60]))

# pdftohtml reports placed images in pixels at zoom 1.5 (pt * 1.5).
xml = subprocess.run(["pdftohtml", "-xml", "-stdout", "-f", "4", "-l", "4", pdf],
                     capture_output=True, text=True, check=True, cwd=workdir).stdout
images = [dict((k, float(v)) for k, v in re.findall(r'(top|left|width|height)="([\d.]+)"', m))
          for m in re.findall(r"<image [^>]*>", xml)]
mm = 72 / 25.4 * 1.5
want = [
    # contain: 16 x 20 mm at the box's top left (20mm, 20mm)
    {"left": 20 * mm, "top": 20 * mm, "width": 16 * mm, "height": 20 * mm},
    # cover: 40 x 50 mm centred on the box at (20mm, 60mm), 40 x 20 mm
    {"left": 20 * mm, "top": (60 - 15) * mm, "width": 40 * mm, "height": 50 * mm},
]
if len(images) != 2:
    failures.append("expected 2 images on page 4, found %d" % len(images))
else:
    for got, exp, name in zip(images, want, ("contain", "cover")):
        for key in exp:
            # pdftohtml rounds to whole pixels.
            if abs(got[key] - exp[key]) > 1.5:
                failures.append("%s: %s is %.1f, expected %.1f"
                                % (name, key, got[key], exp[key]))
if failures:
    sys.exit("\n".join(failures))
print("ok: verso templates alternate; contain and cover place the image as expected")
