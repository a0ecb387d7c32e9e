#!/usr/bin/env python3
"""The right-to-left samples are set on mirrored pages and bound on the
right, read back from their PDFs.

Usage: rtl.py DISPUTAS PDF_BOXES SOURCE_ROOT WORKDIR

For samples/arabic.yaml and samples/hebrew.yaml:

1. Every frame is mirrored: the layout trace of each page (docs/trace.md)
   places every frame at the mirror image, about the page's vertical
   axis, of where the same document set left to right (`direction: ltr`)
   places it, and at least one frame moves.
   Read back from the PDFs: a twin of the sample, the same fields with
   each Arabic or Hebrew letter replaced by a Latin one (so that both
   directions set the same words, broken the same way: pdftotext splits
   Arabic differently in each), with a photo and a logo added, is set
   right to left (`direction: rtl`) and left to right, in the layout
   with its styles' `expansion`, `tracking` and `hanging` at 0: those
   adjust left-to-right paragraphs only (Arabic letters take neither),
   so with them a tight line of the Latin twin breaks one word earlier
   right to left (the practical page's notes of the Arabic twin did).  In every frame
   of every page of the poster and the booklet (the frames of the
   left-to-right trace), what pdf-boxes reads from the two PDFs mirrors
   (x becomes the page width less x): the box of the ink (text, rules,
   the QR code, fills), each image, and the extent of each line of
   characters (the edge it is set against within 0.75 pt, its ragged
   end within 1.5 pt: a paragraph-final stop, a run of its own right to
   left, is not kerned with the letter before it).  The same check of a scratch poster layout whose footer
   is placed by `left` (never mirrored) must fail, at that frame only.
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
5. Inside a convention ({format:person-name}) whose values mix
   directions, each value keeps its direction and the convention's
   order holds in the line's: in Arabic, "Dr." before an Arabic name is
   drawn on its right, "الدكتورة" before "Sarah Whitfield" too; in
   English, "الدكتورة" is drawn on the left of "Sarah Whitfield".  On
   the Arabic poster, the separators between the first opponent's
   values are the line's: right to left, "Prof. Andrea Rinaldi", the
   comma, "Politecnico di Milano" (broken after "Politecnico"), the
   comma, "إيطاليا".
"""
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import defaultdict

disputas, boxes, root, workdir = sys.argv[1:5]
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


def frame_boxes(doc, layout):
    """[(page, name, x, y, w, h)] of the frames present, from the trace,
    and the trim's width and height."""
    out = subprocess.run([disputas, "render", doc, "-l", layout, "--trace",
                          "-o", "-"], capture_output=True, text=True,
                         check=True).stdout
    size = re.search(r"trim-w=([\d.]+) trim-h=([\d.]+)", out)
    found, page = [], 0
    for line in out.splitlines():
        m = re.match(r"page (\d+)", line)
        if m:
            page = int(m.group(1))
        m = re.match(r'  frame \d+ "([^"]*)" x=(-?[\d.]+) y=(-?[\d.]+) '
                     r'w=([\d.]+) h=([\d.]+)', line)
        if m:
            found.append((page, m.group(1)) +
                         tuple(float(v) for v in m.groups()[1:]))
    return found, float(size.group(1)), float(size.group(2))


def read_boxes(pdf, regions):
    """What pdf-boxes finds in each (page, x, y, w, h): a dict of the ink
    box (or None), the images' boxes and the characters' boxes."""
    given = "".join(f"{p} {x:.3f} {y:.3f} {w:.3f} {h:.3f}\n"
                    for p, x, y, w, h in regions)
    out = subprocess.run([boxes, pdf], input=given, capture_output=True,
                         text=True, check=True).stdout
    found = []
    for line in out.splitlines():
        key, *values = line.split()
        if key == "region":
            found.append({"ink": None, "image": [], "char": []})
        elif key == "ink":
            found[-1]["ink"] = (None if values == ["none"]
                                else tuple(map(float, values)))
        else:
            found[-1][key].append(tuple(map(float, values)))
    if len(found) != len(regions):
        raise SystemExit(f"pdf-boxes read {len(found)} of {len(regions)} "
                         f"regions of {pdf}")
    return found


def text_lines(chars):
    """{baseline: (left, right)} of characters grouped by their bottom."""
    lines = defaultdict(list)
    for x0, _, x1, y1 in chars:
        lines[round(y1 * 2) / 2].append((x0, x1))
    return {y: (min(a for a, _ in v), max(b for _, b in v))
            for y, v in lines.items()}


# Ink is read at 4 px a point; letter-spacing leaves half a letter space
# (at most 0.5 pt in the built-in layouts) inside a right-to-left line's
# start edge, where the isolate of its value ends the line (Pango trims
# the letter space only beside the line's outermost run).
MIRROR_TOLERANCE = 0.75
# The ink's box also holds the glyphs at the lines' ragged ends, which
# differ: a Latin line's final stop or comma goes to its left end in a
# right-to-left paragraph, and glyphs' side bearings differ.
INK_TOLERANCE = 2.0


# A line's ragged end: a paragraph-final stop or comma of the Latin twin
# takes the paragraph's direction (Unicode bidi, rule N1), a run of its
# own right to left, and so loses its kern with the letter before it
# (Noto Serif's "r." at 9.5 pt: 1.24 pt).
RAGGED_TOLERANCE = 1.5


def mirrored(a, b, width, tolerance=MIRROR_TOLERANCE):
    """Whether the horizontal range b is a's mirror image."""
    return (abs(b[0] - (width - a[1])) <= tolerance and
            abs(b[1] - (width - a[0])) <= tolerance)


def line_mirrored(a, b, width):
    """Whether line b is line a mirrored: the edge it is set against
    within MIRROR_TOLERANCE, its ragged end within RAGGED_TOLERANCE."""
    start = abs(b[1] - (width - a[0]))
    end = abs(b[0] - (width - a[1]))
    return (min(start, end) <= MIRROR_TOLERANCE and
            max(start, end) <= RAGGED_TOLERANCE)


def pdf_mirror(rtl_doc, ltr_doc, layout, label):
    """Renders both documents in `layout` and compares, frame by frame,
    what their PDFs have; returns (frames compared, {frame: problems})."""
    frames, width, height = frame_boxes(ltr_doc, layout)
    pdfs = []
    for doc, side in ((ltr_doc, "ltr"), (rtl_doc, "rtl")):
        pdfs.append(render(doc, layout, os.path.join(
            workdir, f"{label}.{side}.pdf")))
    left, right = [], []
    for p, name, x, y, w, h in frames:
        x0, x1 = max(x, 0.0), min(x + w, width)
        y0, y1 = max(y, 0.0), min(y + h, height)
        left.append((p, x0, y0, x1 - x0, y1 - y0))
        right.append((p, width - x1, y0, x1 - x0, y1 - y0))
    problems = defaultdict(list)
    for (p, name, *_), a, b in zip(frames, read_boxes(pdfs[0], left),
                                   read_boxes(pdfs[1], right)):
        key = f"page {p} '{name}'"
        if (a["ink"] is None) != (b["ink"] is None):
            problems[key].append(f"ink {a['ink']} left to right, "
                                 f"{b['ink']} right to left")
        elif a["ink"] and not (
                mirrored((a["ink"][0], a["ink"][2]),
                         (b["ink"][0], b["ink"][2]), width, INK_TOLERANCE) and
                abs(a["ink"][1] - b["ink"][1]) <= INK_TOLERANCE and
                abs(a["ink"][3] - b["ink"][3]) <= INK_TOLERANCE):
            problems[key].append(f"ink {a['ink']} left to right, "
                                 f"{b['ink']} right to left")
        ia, ib = sorted(a["image"]), sorted(b["image"],
                                            key=lambda r: -r[2])
        if len(ia) != len(ib) or not all(
                mirrored((r[0], r[2]), (q[0], q[2]), width) and
                abs(r[1] - q[1]) <= MIRROR_TOLERANCE
                for r, q in zip(ia, ib)):
            problems[key].append(f"images {ia} left to right, {ib} right "
                                 f"to left")
        la, lb = text_lines(a["char"]), text_lines(b["char"])
        if sorted(la) != sorted(lb):
            problems[key].append(f"lines at {sorted(la)} left to right, "
                                 f"{sorted(lb)} right to left")
        else:
            problems[key] += [f"line at y={y} {la[y]} left to right, "
                              f"{lb[y]} right to left"
                              for y in la if not line_mirrored(la[y], lb[y],
                                                               width)]
    return frames, {k: v for k, v in problems.items() if v}


def plain_layout(layout):
    """A copy of built-in `layout` in the work folder whose styles set
    no expansion, tracking or hanging punctuation (left to right only)."""
    with open(os.path.join(root, "layouts", layout + ".yaml"),
              encoding="utf-8") as f:
        text = f.read()
    text, n = re.subn(r"(?m)^(\s+)(expansion|tracking|hanging): .*$",
                      r"\1\2: 0", text)
    path = os.path.join(workdir, layout + "-plain.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def latin_twin(source, direction, out):
    """The document at `source` in Latin letters (lang: en), with a
    photo and a logo, set in `direction`."""
    with open(source, encoding="utf-8") as f:
        text = f.read()
    text = re.sub("[\u0590-\u05ff\u0600-\u06ff]+", lambda m: "".join(
        chr(ord("a") + ord(c) % 26) for c in m.group(0)), text)
    text = re.sub(r"(?m)^lang: \w+", "lang: en", text)
    images = os.path.join(root, "samples", "images")
    text = re.sub(r"(?m)^institution:\n", "institution:\n  logo: " +
                  os.path.join(images, "nordvik-logo.svg") + "\n", text)
    text = re.sub(r"(?m)^candidate:\n", "candidate:\n  photo: " +
                  os.path.join(images, "portrait.jpg") + "\n", text)
    with open(out, "w", encoding="utf-8") as f:
        f.write(f"direction: {direction}\n" + text)
    return out


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

# 1, read back from the PDFs.
images = 0
for sample in ("arabic", "hebrew"):
    source = os.path.join(root, "samples", sample + ".yaml")
    twins = [latin_twin(source, d, os.path.join(
        workdir, f"{sample}-latin-{d}.yaml")) for d in ("rtl", "ltr")]
    for layout in ("poster", "booklet"):
        found, problems = pdf_mirror(*twins, plain_layout(layout),
                                     f"{sample}-latin.{layout}")
        for frame, said in problems.items():
            failures.append(f"{sample} in Latin letters, {layout}, {frame} "
                            f"not mirrored in the PDF: {'; '.join(said[:3])}")
        images += sum(1 for _, name, *_ in found if name == "photo")
        print(f"{sample} in Latin letters, {layout}: {len(found)} frames, "
              f"{len(found) - len(problems)} mirrored in the PDFs")
if not images:
    failures.append("no frame with the photo was compared")

# ... and a frame that is not mirrored is found: the poster's footer
# placed by the page's left edge.
with open(os.path.join(root, "layouts", "poster.yaml"), encoding="utf-8") as f:
    poster = f.read()
broken = poster.replace("      - name: foot\n        bottom: bottom(content)\n",
                        "      - name: foot\n        bottom: bottom(content)\n"
                        "        left: left(content)\n        width: 120mm\n")
if broken == poster:
    failures.append("the scratch layout's footer was not found in poster.yaml")
else:
    scratch = os.path.join(workdir, "unmirrored-foot.yaml")
    with open(scratch, "w", encoding="utf-8") as f:
        f.write(broken)
    source = os.path.join(root, "samples", "arabic.yaml")
    twins = [os.path.join(workdir, f"arabic-latin-{d}.yaml")
             for d in ("rtl", "ltr")]
    _, problems = pdf_mirror(*twins, scratch, "unmirrored-foot")
    if sorted(problems) != ["page 1 'foot'"]:
        failures.append(f"a footer placed by `left`: not mirrored are "
                        f"{sorted(problems)}, not only page 1 'foot'")
    print(f"a footer placed by `left`: not mirrored {sorted(problems)}")

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

# 5. Conventions.
def words_of(pdf):
    """[(top, bottom, x0, x1, text)] of the first page's words."""
    return [(float(w.get("yMin")), float(w.get("yMax")),
             float(w.get("xMin")), float(w.get("xMax")), w.text or "")
            for w in next(pages(pdf)).iter("word")]


def line_with(words, needle):
    """[(x0, x1, text)] of the words beside `needle`, left to right: the
    words whose middle is within its height (Arabic and Latin fonts'
    boxes differ)."""
    top, bottom = next((t, b) for t, b, _, _, w in words if w == needle)
    return sorted((a, b, w) for t, u, a, b, w in words
                  if top < (t + u) / 2 < bottom)


with open(os.path.join(workdir, "people.yaml"), "w", encoding="utf-8") as f:
    f.write("layout: 1\npage: {size: A5, margins: 15mm}\n"
            "styles:\n  body: {family: Noto Sans, size: 11pt}\n"
            "templates:\n  one:\n    frames:\n      - name: main\n"
            "        content:\n          - each: committee\n"
            "            content:\n"
            "              - text: \"{format:person-name}\"\n"
            "sequence: [one]\n")
for lang in ("ar", "en"):
    doc = os.path.join(workdir, f"people-{lang}.yaml")
    with open(doc, "w", encoding="utf-8") as f:
        f.write(f"lang: {lang}\ninstitution: {{name: الجامعة الأردنية}}\n"
                "candidate: {name: ليلى الحسيني}\n"
                "thesis: {title: تحلية المياه}\n"
                "events:\n  - kind: public-defence\n"
                "    start: 2026-01-16T13:00\n"
                "committee:\n"
                "  - {role: member, title: Dr., name: سامي النابلسي}\n"
                "  - {role: member, title: الدكتورة, name: Sarah Whitfield}\n")
    words = words_of(render(doc, os.path.join(workdir, "people.yaml"),
                            os.path.join(workdir, f"people-{lang}.pdf")))
    title = line_with(words, "Dr.")
    arabic = [a for a, b, t in title if RTL.search(t)]
    at = next(a for a, b, t in title if t == "Dr.")
    if lang == "ar" and not (arabic and at > max(arabic)):
        failures.append(f"people-ar: 'Dr.' at x={at:.2f}, not on the right "
                        f"of the Arabic name ({arabic})")
    if lang == "en" and not (arabic and at < min(arabic)):
        failures.append(f"people-en: 'Dr.' at x={at:.2f}, not on the left "
                        f"of the Arabic name ({arabic})")
    name = line_with(words, "Sarah")
    arabic = [a for a, b, t in name if RTL.search(t)]
    at = next(a for a, b, t in name if t == "Sarah")
    if lang == "ar" and not (arabic and at < min(arabic)):
        failures.append(f"people-ar: 'Sarah' at x={at:.2f}, not on the left "
                        f"of the Arabic title ({arabic})")
    if lang == "en" and not (arabic and at > max(arabic)):
        failures.append(f"people-en: 'Sarah' at x={at:.2f}, not on the "
                        f"right of the Arabic title ({arabic})")
    print(f"people-{lang}: titles in the convention's order")

words = words_of(os.path.join(workdir, "arabic.poster.pdf"))
first = [t for a, b, t in line_with(words, "Rinaldi")]
# Its column ends at the right of "Milano"; the programme is beyond.
milano = next(b for _, _, _, b, w in words if w == "Milano")
second = [t for a, b, t in line_with(words, "Milano") if b <= milano + 1]
# Left to right, as drawn: the comma is the Arabic line's, on the left
# of the name it follows.
if first[:5] != ["Politecnico", ",", "Prof.", "Andrea", "Rinaldi"]:
    failures.append(f"arabic poster: the first opponent reads {first}")
if not (len(second) >= 3 and second[-3:] == [",", "di", "Milano"] and
        RTL.search(second[-4] if len(second) > 3 else "")):
    failures.append(f"arabic poster: the first opponent's affiliation "
                    f"reads {second}")
print(f"arabic poster: {first[:5]} / {second[-4:]}")

for f in failures:
    print("not ok:", f)
sys.exit(1 if failures else 0)
