#!/usr/bin/env python3
"""A postponed or cancelled event shows so on every product.

Usage: status.py DISPUTAS SOURCE_ROOT WORKDIR

Announcements in two languages, each with a scheduled trial lecture, a
postponed public defence on another day and a cancelled reception, and a
third day with a cancelled excursion before a scheduled lunch, are
built (`disputas build`: poster, booklet, imposed booklet, calendar) and
read back:

- every PDF carries the localized labels of the postponed and the
  cancelled event (data/labels/);
- wherever a PDF shows the time of the postponed or the cancelled event,
  it is struck through: rendered to pixels, a row through the middle of
  the time's box (pdftotext -bbox) is dark across all of it, which the
  gaps between digits never are; and the scheduled lecture's and lunch's
  times, the controls, are never struck;
- the postponed defence's date, its day's events all postponed or
  cancelled, is struck where it heads its day; the date of a day with a
  cancelled excursion and a scheduled lunch is shown and never struck
  where it heads its day (a line with no time on it): the day still
  happens (a day's date used to be struck when its first event was off);
- the calendar says STATUS:CANCELLED for the reception and starts the
  defence's summary with the postponed label.
"""
import os
import re
import subprocess
import sys

import yaml

disputas, root, workdir = sys.argv[1:4]
os.makedirs(workdir, exist_ok=True)
DPI = 144

DOC = """\
lang: {lang}
institution: {{name: University of Nordvik}}
candidate: {{name: Ada Lindqvist}}
thesis: {{title: Tidal Mixing in Narrow Fjords}}
events:
  - kind: trial-lecture
    start: 2025-03-13T09:30
    venue: {{room: Aula, building: Main Building}}
  - kind: public-defence
    status: postponed
    start: 2025-03-14T12:15
    venue: {{room: Aula, building: Main Building}}
  - kind: other
    label: {reception}
    status: cancelled
    start: 2025-03-14T16:45
    venue: {{room: Foyer, building: Main Building}}
  - kind: other
    label: {excursion}
    status: cancelled
    start: 2025-03-15T10:00
    venue: {{room: Foyer, building: Main Building}}
  - kind: other
    label: {lunch}
    start: 2025-03-15T11:30
    venue: {{room: Foyer, building: Main Building}}
"""

failures = []


def fail(message):
    failures.append(message)


def words_of(pdf):
    """Per page: (width, height, [(x0, y0, x1, y1, word)]) in points."""
    html = subprocess.run(["pdftotext", "-bbox", pdf, "-"], check=True,
                          capture_output=True, text=True).stdout
    pages = []
    for w, h, body in re.findall(
            r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', html,
            re.S):
        words = [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t
                 in re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" '
                               r'xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)'
                               r'</word>', body)]
        pages.append((float(w), float(h), words))
    return pages


def grey_page(pdf, number):
    """Page `number` (1-based) as rows of grey levels."""
    out = subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-f",
                          str(number), "-l", str(number), pdf],
                         check=True, capture_output=True).stdout
    # A binary PGM: P5, width, height, maxval, then the bytes.
    fields = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", out)
    width, height = int(fields.group(1)), int(fields.group(2))
    data = out[fields.end():]
    return [data[y * width:(y + 1) * width] for y in range(height)]


def struck(rows, box):
    """Whether a row through the middle of `box` (points) is dark across
    the whole box: a line drawn through the text."""
    x0, y0, x1, y1 = (v * DPI / 72 for v in box[:4])
    left, right = int(x0) + 1, int(x1) - 1
    top, bottom = int(y0 + (y1 - y0) * 0.3), int(y0 + (y1 - y0) * 0.8)
    for y in range(top, bottom + 1):
        row = rows[y][left:right]
        if row and sum(1 for v in row if v < 170) >= 0.92 * len(row):
            return True
    return False


def check_pdf(tag, pdf, labels, date_words, kept_words):
    pages = words_of(pdf)
    text = " ".join(w[4] for _, _, words in pages for w in words).lower()
    for key in ("postponed", "cancelled"):
        # Labels may be set in capitals (a style's transform).
        if labels[key].lower() not in text:
            fail(f"{tag}: no '{labels[key]}' label")
    # Times as the language writes them: 12:15, 12.15.
    seen = {"12:15": 0, "16:45": 0, "09:30": 0, "10:00": 0, "11:30": 0}
    scheduled = ("09:30", "11:30")
    has = {t: re.compile(t.replace(":", "[:.]")) for t in seen}
    dates = heads = 0
    for n, (_, _, words) in enumerate(pages, 1):
        wanted = [w for w in words
                  if any(has[t].search(w[4]) for t in seen) or
                  w[4] in date_words or w[4] in kept_words]
        if not wanted:
            continue
        rows = grey_page(pdf, n)
        for w in wanted:
            is_struck = struck(rows, w)
            for t in seen:
                if has[t].search(w[4]):
                    seen[t] += 1
                    if t in scheduled and is_struck:
                        fail(f"{tag}: page {n}: the scheduled time "
                             f"'{w[4]}' is struck through")
                    if t not in scheduled and not is_struck:
                        fail(f"{tag}: page {n}: the time '{w[4]}' of a "
                             "postponed or cancelled event is not struck "
                             "through")
            if w[4] in date_words and is_struck:
                dates += 1
            # A day head: a line with the date and no time.
            line = [v[4] for v in words
                    if abs((v[1] + v[3]) / 2 - (w[1] + w[3]) / 2) < 2]
            if w[4] in kept_words and not any(
                    has[t].search(v) for v in line for t in seen):
                heads += 1
                if is_struck:
                    fail(f"{tag}: page {n}: the date '{w[4]}' of a day that "
                         "still happens (a lunch) is struck through")
    if heads == 0:
        fail(f"{tag}: the date of the day with the lunch heads no day")
    for t, count in seen.items():
        if count == 0:
            fail(f"{tag}: the time {t} is not shown")
    if dates == 0:
        fail(f"{tag}: the postponed defence's date is struck nowhere")
    return pages


for lang, reception, excursion, lunch in (
        ("en", "Reception", "Excursion", "Lunch"),
        ("nb", "Mottakelse", "Ekskursjon", "Lunsj")):
    with open(os.path.join(root, "data", "labels", lang + ".yaml"),
              encoding="utf-8") as f:
        labels = yaml.safe_load(f)
    doc = os.path.join(workdir, f"status-{lang}.yaml")
    with open(doc, "w", encoding="utf-8") as f:
        f.write(DOC.format(lang=lang, reception=reception,
                           excursion=excursion, lunch=lunch))
    out = os.path.join(workdir, lang)
    run = subprocess.run([disputas, "build", "-q", "-d", out, doc],
                         capture_output=True, text=True)
    if run.returncode != 0:
        fail(f"{lang}: build failed: {run.stderr.strip()}")
        continue
    # The day of the postponed defence, as its day heads show it: the
    # date's words ("14", "March", "14.") whatever the language's order.
    date_words = {"14", "14."}
    kept_words = {"15", "15."}
    stem = os.path.join(out, f"status-{lang}")
    for product in ("poster", "booklet", "booklet-print"):
        check_pdf(f"{lang} {product}", f"{stem}.{product}.pdf", labels,
                  date_words, kept_words)
    with open(stem + ".ics", encoding="utf-8") as f:
        ics = f.read().replace("\r\n ", "")
    events = ics.split("BEGIN:VEVENT")[1:]
    reception_entry = [e for e in events if reception in e]
    defence = [e for e in events if labels["public-defence"] in e]
    if not reception_entry or "STATUS:CANCELLED" not in reception_entry[0]:
        fail(f"{lang} calendar: the reception is not STATUS:CANCELLED")
    if not defence or not re.search(
            "SUMMARY:" + re.escape(labels["postponed"]), defence[0]):
        fail(f"{lang} calendar: the defence's summary does not start with "
             f"'{labels['postponed']}'")

print("1..1")
if failures:
    print("not ok 1 - postponed and cancelled events on every product")
    for f in failures:
        print("# " + f)
    sys.exit(1)
print("ok 1 - postponed and cancelled events on every product")
