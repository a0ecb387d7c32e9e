#!/usr/bin/env python3
"""The right-to-left samples are set on mirrored pages and bound on the
right, read back from their PDFs.

Usage: rtl.py DISPUTAS SOURCE_ROOT WORKDIR

For samples/arabic.yaml and samples/hebrew.yaml:

1. Every frame is mirrored: the layout trace of each page (docs/trace.md)
   places every frame at the mirror image, about the page's vertical
   axis, of where the same document set left to right (`direction: ltr`)
   places it, and at least one frame moves.
2. Every page of the poster and the booklet: lines (pdftotext words
   grouped by baseline) of Arabic or Hebrew letters and no Latin ones
   start at the right.  None may hang on the left content edge while
   stopping short of the right edge of its column (the right end of the
   lines beside it), as lines of an unmirrored, left-to-right grid do
   (the test of rtl_mirror.py, on every page, by column).
3. The booklet-print sheets are bound on the right: the first sheet's
   front has the cover (page 1, the candidate's name) on its left half
   and the back cover (the institution's web address) on its right half.
4. Each placeholder's value keeps its own direction: in an Arabic line
   "{candidate.name} {thesis.title}", a Latin name ending in a full stop
   ("Layla Husseini, Ph.D.") reads as written, the stop after "Ph.D",
   and the name, the line's first value, starts at the right margin.
   Not isolated, the stop joins the Arabic after it and is drawn on the
   name's far left (".Layla Husseini, Ph.D").
"""
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict

disputas, root, workdir = sys.argv[1:4]
os.makedirs(workdir, exist_ok=True)

RTL = re.compile("[\u0590-\u05ff\u0600-\u06ff]")
LATIN = re.compile("[A-Za-z]")
failures = []


def render(doc, layout, out):
    subprocess.run([disputas, "render", doc, "-l", layout, "-o", out],
                   check=True, capture_output=True)
    return out


def pages(pdf):
    xml = subprocess.run(["pdftotext", "-q", "-bbox", pdf, "-"],
                         capture_output=True, text=True, check=True).stdout
    tree = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", xml).replace(
        'xmlns="http://www.w3.org/1999/xhtml"', ""))
    for page in tree.iter("page"):
        yield page


def frames(doc, layout):
    """[(page, name, x, w)] of the frames present, from the trace, and the
    trim width."""
    out = subprocess.run([disputas, "render", doc, "-l", layout, "--trace",
                          "-o", "-"], capture_output=True, text=True,
                         check=True).stdout
    width = float(re.search(r"trim-w=([\d.]+)", out).group(1))
    found, page = [], 0
    for line in out.splitlines():
        m = re.match(r"page (\d+)", line)
        if m:
            page = int(m.group(1))
        m = re.match(r'  frame \d+ "([^"]*)" .*?x=(-?[\d.]+) y=\S+ w=([\d.]+)',
                     line)
        if m:
            found.append((page, m.group(1), float(m.group(2)),
                          float(m.group(3))))
    return found, width


def flush_left(page):
    """(RTL lines, those flush left), as rtl_mirror.py counts them: on
    the left content edge, and ragged on the right (no other line ends
    where it ends, as lines set against a column's right edge do)."""
    lines = defaultdict(list)
    for w in page.iter("word"):
        lines[round(float(w.get("yMax")))].append(
            (w.text or "", float(w.get("xMin")), float(w.get("xMax"))))
    if not lines:
        return [], []
    L = [("".join(t for t, _, _ in ws), min(a for _, a, _ in ws),
          max(b for _, _, b in ws), y) for y, ws in lines.items()]
    left = min(a for _, a, _, _ in L)
    R = [(t, a, b, y) for t, a, b, y in L
         if RTL.search(t) and not LATIN.search(t)]
    def ragged(b, y):
        return not any(abs(e - b) < 1 for _, _, e, z in L if z != y)
    return R, [t for t, a, b, y in R if a - left < 2 and ragged(b, y)]


for sample in ("arabic", "hebrew"):
    source = os.path.join(root, "samples", sample + ".yaml")
    with open(source, encoding="utf-8") as f:
        text = f.read()
    ltr = os.path.join(workdir, sample + "-ltr.yaml")
    with open(ltr, "w", encoding="utf-8") as f:
        f.write("direction: ltr\n" + text)
    for layout in ("poster", "booklet"):
        (right, width), (left, _) = frames(source, layout), frames(ltr, layout)
        if len(right) != len(left) or not right:
            failures.append(f"{sample}.{layout}: {len(right)} frames right to "
                            f"left, {len(left)} left to right")
        moved = 0
        for (p, name, x, w), (_, _, lx, lw) in zip(right, left):
            # The trace rounds to hundredths.
            if abs(w - lw) > 0.02 or abs(x - (width - lx - lw)) > 0.03:
                failures.append(f"{sample}.{layout} page {p}: frame '{name}' "
                                f"at x={x} w={w}, not mirrored from x={lx} "
                                f"w={lw}")
            moved += abs(x - lx) > 0.01
        if not moved:
            failures.append(f"{sample}.{layout}: no frame moves")
        print(f"{sample}.{layout}: {len(right)} frames mirrored, {moved} moved")
        total = 0
        pdf = render(source, layout,
                     os.path.join(workdir, f"{sample}.{layout}.pdf"))
        bad = []
        for number, page in enumerate(pages(pdf), start=1):
            R, flush = flush_left(page)
            total += len(R)
            bad += [(number, t) for t in flush]
        if bad:
            failures.append(f"{sample}.{layout}: right-to-left lines flush "
                            f"left: {bad[:5]}")
        if total < 10:
            failures.append(f"{sample}.{layout}: only {total} right-to-left "
                            f"lines found")
        print(f"{sample}.{layout}: {total} right-to-left lines, none flush left")

    # Bound on the right: sheet 1's front is page 1 (left) | the back cover.
    sheets = render(source, "booklet-print",
                    os.path.join(workdir, sample + ".sheets.pdf"))
    first = next(pages(sheets))
    half = float(first.get("width")) / 2
    lines = defaultdict(list)
    for w in first.iter("word"):
        lines[round(float(w.get("yMax")))].append(w)
    words = []
    for ws in lines.values():
        for side in (0, 1):  # each half's part of the line
            part = [w for w in ws if (float(w.get("xMin")) > half) == side]
            if part:
                words.append(("".join(w.text or "" for w in part),
                              min(float(w.get("xMin")) for w in part)))
    name = {"arabic": "تحلية", "hebrew": "הצפות"}[sample]  # the title
    url = {"arabic": "www.ju.edu.jo", "hebrew": "www.haifa.ac.il"}[sample]
    # pdftotext -bbox gives right-to-left words in the order drawn, and
    # Hebrew letter by letter: lines are joined without spaces.
    at_name = [x for t, x in words if name in t or name[::-1] in t]
    at_url = [x for t, x in words if url in t]
    if not at_name or not all(x < half for x in at_name):
        failures.append(f"{sample}: the cover is not on the left of sheet 1 "
                        f"({at_name})")
    if not at_url or not all(x > half for x in at_url):
        failures.append(f"{sample}: the back cover is not on the right of "
                        f"sheet 1 ({at_url})")

# 4. Isolated placeholders.
with open(os.path.join(workdir, "mixed.yaml"), "w", encoding="utf-8") as f:
    f.write("lang: ar\ninstitution: {name: الجامعة الأردنية}\n"
            "candidate: {name: \"Layla Husseini, Ph.D.\"}\n"
            "thesis: {title: تحلية المياه الجوفية}\n"
            "events:\n  - kind: public-defence\n    start: 2026-01-16T13:00\n")
with open(os.path.join(workdir, "one.yaml"), "w", encoding="utf-8") as f:
    f.write("layout: 1\npage: {size: A5, margins: 15mm}\n"
            "styles:\n  body: {family: Noto Sans, size: 11pt}\n"
            "templates:\n  one:\n    frames:\n      - name: main\n"
            "        content:\n"
            "          - text: \"{candidate.name} {thesis.title}\"\n"
            "sequence: [one]\n")
mixed = render(os.path.join(workdir, "mixed.yaml"),
               os.path.join(workdir, "one.yaml"),
               os.path.join(workdir, "mixed.pdf"))
page = next(pages(mixed))
words = sorted(((float(w.get("xMin")), float(w.get("xMax")), w.text or "")
                for w in page.iter("word")), key=lambda w: w[0])
# The Latin words and the punctuation among them, left to right.
latin = [t for a, b, t in words if not RTL.search(t)]
right = max(b for a, b, t in words)
if " ".join(latin) != "Layla Husseini, Ph.D.":
    failures.append(f"mixed: the Latin name reads {' '.join(latin)!r}")
elif abs(right - max(b for a, b, t in words if t == "Ph.D.")) > 0.5:
    failures.append("mixed: the name does not start the line at the right")
print(f"mixed: {' '.join(latin)!r}, ending at x={right:.2f}")

for f in failures:
    print("not ok:", f)
sys.exit(1 if failures else 0)
