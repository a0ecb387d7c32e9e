#!/usr/bin/env python3
"""The booklet's pages are planned from its content.

Usage: pages.py DISPUTAS SOURCE_ROOT WORKDIR

Every sample's booklet is rendered and read back with `pdftotext -bbox`:

- its page count is a multiple of four;
- it has at most one notes page (a page between the cover and the back
  whose only words are the language's notes heading and the folio);
- every inner page (not the cover, the notes page or the back) is at
  least a third full: its lowest word, below the top margin, reaches a
  third of the type area (less a little: the packer counts the last
  line's full height, the PDF the glyphs' boxes);
- each list of people (committee, supervisors) has a page with all its
  names;
- where the document has practical information (online attendance,
  contacts), the page before the back is the designed practical
  page when the page count leaves room for a page: it opens with the
  label `notes`, and carries the online link, the contacts' names and
  the first venue; a ruled notes page appears only beside it (the
  practical page takes a free page first), and without practical
  information there is no practical page;
- rendering says nothing about the page count (no warning that the pads
  went past their `max`).

The samples' booklets at a single scale took from two to four notes pages
(the German one three, with two inner pages of content); planned for
their last page only, two left a middle page a fifth full (the dense
sample's thesis alone on its page, the Swedish committee pushed on).
"""
import glob
from collections import Counter
import os
import re
import subprocess
import sys

import yaml

disputas, root, workdir = sys.argv[1:4]
os.makedirs(workdir, exist_ok=True)

MM = 72 / 25.4
TOP, BOTTOM = 16 * MM, 20 * MM          # layouts/booklet.yaml's margins
LEAST = 1 / 3 - 0.04


def squeeze(text):
    return re.sub(r"[\W_]+", "", text.replace("\u00ad", "")).lower()


def pages_of(pdf):
    html = subprocess.run(["pdftotext", "-bbox", pdf, "-"], check=True,
                          capture_output=True, text=True).stdout
    out = []
    for height, body in re.findall(
            r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', html, re.S):
        words = [(float(y1), w) for y1, w in re.findall(
            r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="[\d.]+" '
            r'yMax="([\d.]+)">([^<]*)</word>', body)]
        out.append((float(height), words))
    return out


def label(doc, key):
    lang = doc.get("lang", "en")
    path = os.path.join(root, "data", "labels", lang + ".yaml")
    if not os.path.exists(path):
        path = os.path.join(root, "data", "labels", "en.yaml")
    with open(path, encoding="utf-8") as f:
        labels = yaml.safe_load(f)
    return (doc.get("labels") or {}).get(key, labels[key])


def page_text(page):
    return squeeze("".join(w for _, w in page[1]))


failures = []
for path in sorted(glob.glob(os.path.join(root, "samples", "*.yaml"))):
    sample = os.path.basename(path)[:-5]
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    pdf = os.path.join(workdir, sample + ".booklet.pdf")
    run = subprocess.run([disputas, "render", path, "-l", "booklet", "-o", pdf,
                          "-q"], capture_output=True, text=True)
    if run.returncode != 0:
        failures.append(f"{sample}: render failed: {run.stderr.strip()}")
        continue
    if "page count" in run.stderr:
        failures.append(f"{sample}: {run.stderr.strip()}")
    pages = pages_of(pdf)
    n = len(pages)
    notes_page = squeeze(label(doc, "notes-page"))
    # As letters in any order: pdftotext gives right-to-left words in
    # either order, and Arabic ligatures as their letters swapped.
    notes = [i for i in range(1, n - 1)
             if sorted(squeeze("".join(w for _, w in pages[i][1]
                                       if not w.isdigit()))) ==
             sorted(notes_page)]
    inner = [i for i in range(1, n - 1) if i not in notes]
    practical_info = bool(doc.get("online") or doc.get("contact"))
    rtl = re.search("[\u0590-\u08ff]", page_text(pages[0]))
    heading = squeeze(label(doc, "notes"))
    last = page_text(pages[n - 2]) if n > 2 else ""
    # Right to left: the heading's letters, in any order.
    practical = n > 2 and (last.startswith(heading) or
                           (rtl and not Counter(heading) -
                            Counter(last[:len(heading) + 2])))
    if practical and not practical_info:
        failures.append(f"{sample}: a practical page with no practical "
                        "information")
    if practical_info and notes and not practical:
        failures.append(f"{sample}: a notes page but no practical page")
    if practical:
        needles = [p["name"] for p in doc.get("contact") or []]
        needles += [(doc.get("online") or {}).get("url", "")
                     .split("://")[-1]]
        venue = (doc.get("events") or [{}])[0].get("venue") or {}
        needles += [venue.get("room", "")]
        for needle in needles:
            if needle and not re.search("[\u0590-\u08ff]", needle) and \
                    squeeze(needle) not in last:
                failures.append(f"{sample}: '{needle}' is not on the "
                                "practical page")
    fills = []
    for i in inner:
        height, words = pages[i]
        bottom = height - BOTTOM
        lowest = max((y for y, _ in words if y <= bottom + 1), default=TOP)
        fills.append((lowest - TOP) / (bottom - TOP))
    print(f"# {sample}: {n} pages, {len(notes)} notes page(s), "
          f"{'a' if practical else 'no'} practical page, inner pages "
          "filled " + " ".join(f"{x:.2f}" for x in fills))
    if n % 4:
        failures.append(f"{sample}: {n} pages, not a multiple of four")
    if len(notes) > 1:
        failures.append(f"{sample}: {len(notes)} notes pages")
    for i, fill in zip(inner, fills):
        if fill < LEAST:
            failures.append(f"{sample}: page {i + 1} is {fill:.0%} full "
                            "(at least a third)")
    for key in ("committee", "supervisors"):
        # pdftotext reads Arabic letters back as other forms: those names
        # are left to the traces.
        names = [squeeze(p["name"]) for p in doc.get(key) or []
                 if not re.search("[\u0590-\u08ff]", p["name"])]
        if not names:
            continue
        where = [{i for i, (_, words) in enumerate(pages)
                  if name in squeeze("".join(w for _, w in words))} - {0}
                 for name in names]
        if any(not w for w in where):
            failures.append(f"{sample}: a name of the {key} is missing")
        elif not set.intersection(*where):
            failures.append(f"{sample}: the {key} is split over pages "
                            f"{sorted(p + 1 for p in set.union(*where))}")

print("1..1")
if failures:
    print("not ok 1 - booklet pages planned from the content")
    for f in failures:
        print("# " + f)
    sys.exit(1)
print("ok 1 - booklet pages planned from the content")
