#!/usr/bin/env python3
"""Checks the saddle-stitch imposition of booklet-print by reading the
printed folios back from the PDF.

Usage: imposition.py DISPUTAS WORKDIR PAGES [rtl]

Generates an announcement whose booklet has PAGES pages (4, 8, 12, 16...),
renders `booklet` (reading order) and `booklet-print` (sheets), and checks,
from the words pdftotext finds on each sheet side, that each folio lands on
the side and half the saddle-stitch order says: for n pages, sheet i shows
n-2i | 2i+1 on its front and 2i+2 | n-2i-1 on its back.  The expected order
is written out here from that rule, not taken from disputas.

With `rtl` the announcement reads right to left, and its booklet is bound
on the right: the expected order then comes from folding the sheets (the
stack folded in the middle, the spine on the right of the front cover),
and the rule's sides swap: 1 | n on the first front, n-1 | 2 behind it.
"""
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

disputas, workdir, wanted = sys.argv[1], sys.argv[2], int(sys.argv[3])
rtl = len(sys.argv) > 4 and sys.argv[4] == "rtl"
os.makedirs(workdir, exist_ok=True)

BASE = ("direction: rtl\n" if rtl else "") + """lang: en
institution: {name: Test University}
candidate: {name: Test Candidate}
thesis: {title: A Thesis on Imposition}
events:
  - kind: public-defence
    start: 2025-05-05T10:00
"""

def document(paragraphs):
    text = BASE
    if paragraphs:
        text += "summary: |\n"
        for i in range(paragraphs):
            text += ("  Paragraph %d. " % i) + "Words that fill the page " * 14 + "\n\n"
    path = os.path.join(workdir, "doc-%d.yaml" % paragraphs)
    with open(path, "w") as f:
        f.write(text)
    return path

def pdf_pages(path):
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))

def render(doc, layout, out):
    subprocess.run([disputas, "render", doc, "-l", layout, "-o", out], check=True)
    return out

# Find a summary length whose booklet has `wanted` pages (monotonic search).
doc = None
for paragraphs in range(0, 200, 1 if wanted <= 8 else 3):
    candidate = document(paragraphs)
    pages = pdf_pages(render(candidate, "booklet", os.path.join(workdir, "b.pdf")))
    if pages == wanted:
        doc = candidate
        break
    if pages > wanted:
        break
if doc is None:
    sys.exit("no document gives a %d-page booklet" % wanted)

sheets_pdf = render(doc, "booklet-print", os.path.join(workdir, "s.pdf"))
sides = pdf_pages(sheets_pdf)
assert sides == wanted // 2, "expected %d sheet sides, got %d" % (wanted // 2, sides)

# Expected: (left page, right page) for each sheet side, from the rule.
expected = []
n = wanted
for i in range(n // 4):
    expected.append((n - 2 * i, 2 * i + 1))
    expected.append((2 * i + 2, n - 2 * i - 1))
if rtl:
    # Folded, a right-bound booklet is read from its left-hand halves: the
    # outer sheet's front left (the cover), behind it the back right, and
    # so on inwards; then outwards through the other halves.  Sheet side
    # 2i is sheet i's front, 2i+1 its back (printed flipped on the short
    # edge, so the back's right half lies behind the front's left one).
    sheets_n = n // 4
    halves = []
    for i in range(sheets_n):
        halves += [(2 * i, 0), (2 * i + 1, 1)]
    for i in reversed(range(sheets_n)):
        halves += [(2 * i + 1, 0), (2 * i, 1)]
    folded = [[None, None] for _ in range(n // 2)]
    for page, (side, half) in enumerate(halves, start=1):
        folded[side][half] = page
    mirrored = [(right, left) for left, right in expected]
    assert [tuple(s) for s in folded] == mirrored, (folded, mirrored)
    expected = mirrored

bbox = subprocess.run(["pdftotext", "-bbox", sheets_pdf, "-"], capture_output=True,
                      text=True, check=True).stdout
root = ET.fromstring(re.sub(r'xmlns="[^"]+"', "", bbox, count=1))
failures = []
for side, page in enumerate(root.iter("page")):
    width = float(page.get("width"))
    height = float(page.get("height"))
    # Folios are alone on the last line of a page: digits low on the sheet.
    found = {}
    for word in page.iter("word"):
        text = word.text or ""
        y = float(word.get("yMin"))
        if text.isdigit() and y > height * 0.9:
            half = 0 if float(word.get("xMin")) < width / 2 else 1
            found[half] = int(text)
    left, right = expected[side]
    for half, number in ((0, left), (1, right)):
        # The cover (1) and back cover (n) carry no folio.
        if number in (1, n):
            if half in found:
                failures.append("side %d: page %d should have no folio, found %d"
                                % (side + 1, number, found[half]))
            continue
        if found.get(half) != number:
            failures.append("side %d %s: expected folio %d, found %s"
                            % (side + 1, "left" if half == 0 else "right",
                               number, found.get(half)))

# Creep: with `creep: 2mm`, sheet i of k moves its pages 2mm * i / (k - 1)
# towards the spine; folios show it.
def folio_boxes(pdf):
    out = subprocess.run(["pdftotext", "-bbox", pdf, "-"], capture_output=True,
                         text=True, check=True).stdout
    tree = ET.fromstring(re.sub(r'xmlns="[^"]+"', "", out, count=1))
    boxes = []
    for page in tree.iter("page"):
        width, height = float(page.get("width")), float(page.get("height"))
        found = {}
        for word in page.iter("word"):
            if (word.text or "").isdigit() and float(word.get("yMin")) > height * 0.9:
                half = 0 if float(word.get("xMin")) < width / 2 else 1
                found[half] = (float(word.get("xMin")), float(word.get("xMax")))
        boxes.append(found)
    return boxes

creep_layout = os.path.join(workdir, "creep.yaml")
with open(creep_layout, "w") as f:
    f.write("layout: 1\nextends: booklet-print\nname: creep\ncreep: 2mm\n")
crept = render(doc, creep_layout, os.path.join(workdir, "c.pdf"))
plain, moved = folio_boxes(sheets_pdf), folio_boxes(crept)
sheets = wanted // 4
for side in range(sides):
    sheet = side // 2
    shift = (2 * 72 / 25.4) * sheet / (sheets - 1) if sheets > 1 else 0.0
    for half in plain[side]:
        dx = moved[side][half][0] - plain[side][half][0]
        want = shift if half == 0 else -shift
        if abs(dx - want) > 0.1:
            failures.append("side %d %s: creep moved the folio %.2fpt, not %.2fpt"
                            % (side + 1, "left" if half == 0 else "right", dx, want))

if failures:
    sys.exit("\n".join(failures))
print("ok: %d pages on %d sheet sides in %ssaddle-stitch order, creep applied"
      % (wanted, sides, "right-bound " if rtl else ""))
