#!/usr/bin/env python3
"""A layout that extends another changes colours, styles and the page; a
layout places an image by a path relative to its own folder.

Usage: extends_image.py DISPUTAS SOURCE_ROOT WORKDIR

1. A layout extending the built-in poster names the brand colour #7a1f3d,
   makes the `sans` style (which the programme's styles are based on)
   #c8a040, and changes the bleed to 5mm.  The PDF must fill with the
   brand colour, draw text in the changed colour (the styles based on
   `sans` follow), and, as press output, have a bleed box 5mm outside the
   trim box.
2. A layout in another folder than the current one places `image:
   art/mark.svg`, an SVG filled with #123456 beside it: the PDF must fill
   with that colour.
The colours are read from the page's content stream (qpdf --qdf), as the
fractions cairo writes.
"""
import os
import re
import shutil
import subprocess
import sys

disputas, root, workdir = sys.argv[1:4]
disputas = os.path.abspath(disputas)
shutil.rmtree(workdir, ignore_errors=True)
os.makedirs(os.path.join(workdir, "style", "art"))
seed = os.path.join(root, "samples", "seed.yaml")
failures = []


def colour_ops(pdf):
    """Every fill colour set in the PDF, as (r, g, b) in 0..255."""
    qdf = pdf + ".qdf"
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", pdf, qdf],
                   check=True)
    data = open(qdf, "rb").read().decode("latin-1")
    return {tuple(round(float(x) * 255) for x in m)
            for m in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) rg", data)}


def hex_rgb(h):
    return tuple(int(h[i:i + 2], 16) for i in (1, 3, 5))


layout = os.path.join(workdir, "style", "red-poster.yaml")
with open(layout, "w") as f:
    f.write("""layout: 1
extends: poster
name: red-poster
colours:
  brand: "#7a1f3d"
  gold: "#c8a040"
page:
  bleed: 5mm
styles:
  sans:
    colour: gold
""")
pdf = os.path.join(workdir, "red-poster.pdf")
subprocess.run([disputas, "render", seed, "-l", layout, "--press", "-o", pdf,
                "-q"],
               check=True)
ops = colour_ops(pdf)
for name, colour in (("brand", "#7a1f3d"), ("gold (sans, inherited)", "#c8a040")):
    if hex_rgb(colour) not in ops:
        failures.append("extends: no fill in %s %s (found %s)"
                        % (name, colour, sorted(ops)))
if hex_rgb("#1f4e79") in ops:
    failures.append("extends: the poster's own brand colour is still used")
info = subprocess.run(["pdfinfo", "-box", pdf], capture_output=True,
                      text=True, check=True).stdout
trim = [float(x) for x in re.search(r"TrimBox:\s+([\d. ]+)", info).group(1).split()]
bleed = [float(x) for x in re.search(r"BleedBox:\s+([\d. ]+)", info).group(1).split()]
if abs((bleed[2] - bleed[0]) - (trim[2] - trim[0]) - 2 * 5 * 72 / 25.4) > 0.1:
    failures.append("extends: bleed box %s is not 5mm outside trim box %s"
                    % (bleed, trim))

with open(os.path.join(workdir, "style", "art", "mark.svg"), "w") as f:
    f.write('<svg xmlns="http://www.w3.org/2000/svg" width="20mm" '
            'height="10mm" viewBox="0 0 20 10"><rect width="20" height="10" '
            'fill="#123456"/></svg>\n')
layout = os.path.join(workdir, "style", "mark.yaml")
with open(layout, "w") as f:
    f.write("""layout: 1
page: {size: A6, margins: 10mm}
styles:
  body: {family: Noto Sans}
templates:
  one:
    frames:
      - content:
          - image: art/mark.svg
            height: 10mm
          - text: "{candidate.name}"
            style: body
sequence: [one]
""")
pdf = os.path.join(workdir, "mark.pdf")
subprocess.run([disputas, "render", seed, "-l", os.path.relpath(layout, workdir),
                "-o", pdf, "-q"], check=True, cwd=workdir)
if hex_rgb("#123456") not in colour_ops(pdf):
    failures.append("image by path: the SVG's #123456 is not drawn")

if failures:
    sys.exit("\n".join(failures))
print("ok: an extending layout's colours, style and bleed; an image beside "
      "the layout")
