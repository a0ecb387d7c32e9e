#!/usr/bin/env python3
"""A one-day programme is a timetable: the day once, a row per event.

Usage: timetable.py DISPUTAS SOURCE_ROOT WORKDIR

The six-item programme sample (samples/programme.yaml: one day, six
events, four of them in the same auditorium) is rendered as a poster and a
booklet and read back with pdftotext.  On each page the date is printed
at most once (the poster once, the booklet's cover and programme once
each), and the place only where it differs from the row before (three
times, not five).  On the poster the programme fits at full size: the trace's
scale of the "events" frame is at least 1.
"""
import os
import re
import subprocess
import sys

disputas, root, workdir = sys.argv[1:4]
os.makedirs(workdir, exist_ok=True)
doc = os.path.join(root, "samples", "programme.yaml")


def text(layout):
    pdf = os.path.join(workdir, "programme." + layout + ".pdf")
    subprocess.run([disputas, "render", doc, "-l", layout, "-o", pdf, "-q"],
                   check=True)
    out = subprocess.run(["pdftotext", pdf, "-"], check=True,
                         capture_output=True, text=True).stdout
    return [re.sub(r"\s+", " ", page.replace("\u00ad", ""))
            for page in out.split("\f")]


failures = []
for layout in ("poster", "booklet"):
    pages = text(layout)
    t = " ".join(pages)
    dates = [p.count("Friday 3 October 2025") for p in pages]
    if max(dates) != 1:
        failures.append(f"{layout}: the date is printed {max(dates)} times "
                        "on a page, not once")
    places = t.count("Auditorium A, Main Building")
    if places != 3:
        failures.append(f"{layout}: 'Auditorium A' is printed {places} times, "
                        "not 3 (only where the place changes)")
    for row in ("09:30 Welcome", "09:45–10:30 Trial lecture",
                "10:30–11:00 Break", "11:45–14:15 Public defence"):
        if row not in t.replace("\u2002", " "):
            failures.append(f"{layout}: no row '{row}'")

trace = subprocess.run([disputas, "render", doc, "-l", "poster", "--trace"],
                       check=True, capture_output=True, text=True).stdout
m = re.search(r'^  frame \d+ "events" .* scale=([\d.]+)$', trace, re.M)
scale = float(m.group(1)) if m else 0
print(f"# the poster's programme is set at {scale:.2f} of its size")
if scale < 1:
    failures.append(f"poster: the programme is shrunk to {scale:.2f}")

print("1..1")
if failures:
    print("not ok 1 - the programme is a timetable")
    for f in failures:
        print("# " + f)
    sys.exit(1)
print("ok 1 - the programme is a timetable")
