#!/usr/bin/env python3
"""Every fact a product is meant to show appears in it, exactly as written.

Usage: facts.py DISPUTAS SOURCE_ROOT WORKDIR

For each sample, the facts below were copied by hand from samples/*.yaml
(the input), never from any output.  The poster and the booklet are
rendered, their text extracted with pdftotext, and each fact looked for.
Hyphens (soft, hard and U+2010, which a line broken at a soft hyphen
shows) and white space are ignored in the comparison, because a line may
break inside a long word with a hyphen.  The poster must be one page, and
its QR code (rendered to PNG) must decode to the online link.
"""
import os
import re
import shutil
import subprocess
import sys

disputas, root, workdir = sys.argv[1:4]
os.makedirs(workdir, exist_ok=True)

COMMON_SEED = [
    "Kristina Bakke Åkerblom", "Creating Impactful Peer Worker Co-production Roles",
    "Western Norway University of Applied Sciences", "M004-K2", "Bergen Campus",
    "Friday 27 September 2024", "10:00", "12:20", "Title to be announced",
    "Creating Impactful Citizens Co-production Roles",
    "Kjetil Grimastad Lundberg", "Ann-Karin Tennås Holmen", "University of Stavanger",
    "Malene Østergaard Terp", "Aalborg University Hospital", "Ottar Ness",
    "Norwegian University of Science and Technology (NTNU)", "Rita Agdal",
    "Jacob Torfing", "Roskilde University", "Denmark", "Stig Erik Jakobsen",
    "Vice-Dean for Research", "637 6206 9036", "440542",
    "https://hvl.zoom.us/j/63762069036?pwd=RZ3MQFfB6CJumhx5VWMj9YAFWOsHyj.1",
]
FACTS = {
    "seed": {
        "poster": COMMON_SEED,
        "booklet": COMMON_SEED + [
            # Every summary heading, and sentences from the summary.
            "The roles of peer workers and their level of involvement",
            "Management’s view on the roles of peer workers",
            "The position of peer workers is fluid",
            "New insights about utilizing peer workers roles and contributions",
            "‘experts by experience’",
            "This knowledge can further inspire other fields and services that want "
            "to create effective and responsible co-production roles.",
        ],
        "qr": "https://hvl.zoom.us/j/63762069036?pwd=RZ3MQFfB6CJumhx5VWMj9YAFWOsHyj.1",
    },
    "bokmal": {
        "poster": ["Sigrid Aasen Mjelde", "Universitetet i Bergen", "Auditorium 2",
                   "Prøveforelesning", "Disputas", "fredag 13. juni 2025",
                   "Henrik Lund Sørensen", "Liv Torunn Hjelmeland"],
        "booklet": ["Sigrid Aasen Mjelde", "Lakselus i et varmere hav",
                    "Kristian Egge Dahle", "Program", "978-82-308-6421-0"],
    },
    "nynorsk": {
        "poster": ["Eirik Haugsdal Myklebust", "Høgskulen på Vestlandet",
                   "Prøveførelesing", "Store auditorium", "FLYTTA",
                   "torsdag 23. oktober 2025", "Magnhild Sæbø"],
        "booklet": ["Eirik Haugsdal Myklebust", "Å skrive seg inn i sidemålet",
                    "Gunvor Rotevatn Lie", "Ragnhild Øvrebø"],
    },
    "scripts": {
        "poster": ["Ευτυχία Καραγιάννη", "Earthquake Resilience of Historic Masonry",
                   "Анна Сергеевна Волкова", "陈静怡", "Friday 14 March 2025"],
        "booklet": ["Ευτυχία Καραγιάννη", "Анна Сергеевна Волкова", "陈静怡",
                    "Sverre Haugen"],
    },
    "online-postponed": {
        # Status labels are set in capitals by the layouts.
        "poster": ["Jonas Eliassen Bjørnstad", "POSTPONED", "TENTATIVE",
                   "374 219 806 554", "Xq7sR2",
                   "Sea-ice Loss and the Winter Diet of Svalbard Reindeer"],
        "booklet": ["Jonas Eliassen Bjørnstad", "POSTPONED", "374 219 806 554",
                    "Xq7sR2"],
        "qr": "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NzQ2YjE4ZGUtOTI1Mi00ZDcxLWE3YjMtMmQ4ZjU1ZTAxYzM2%40thread.v2/0",
    },
    "minimal": {
        "poster": ["Maren Tollefsen Eide", "Wind, Waves and Winches",
                   "University of Agder", "Friday 16 January 2026"],
        "booklet": ["Maren Tollefsen Eide", "Wind, Waves and Winches"],
    },
}

def squeeze(text):
    return re.sub(r"[\s\-\u00ad\u2010]+", "", text)

def pages(pdf):
    out = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True,
                         check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))

failures = []
for sample, facts in FACTS.items():
    doc = os.path.join(root, "samples", sample + ".yaml")
    for layout in ("poster", "booklet"):
        pdf = os.path.join(workdir, "%s.%s.pdf" % (sample, layout))
        subprocess.run([disputas, "render", doc, "-l", layout, "-o", pdf], check=True)
        if layout == "poster" and pages(pdf) != 1:
            failures.append("%s: the poster has %d pages" % (sample, pages(pdf)))
        text = squeeze(subprocess.run(["pdftotext", pdf, "-"], capture_output=True,
                                      text=True, check=True).stdout)
        for fact in facts[layout]:
            if squeeze(fact) not in text:
                failures.append("%s %s: missing %r" % (sample, layout, fact))
    if "qr" in facts:
        if not shutil.which("zbarimg"):
            print("# zbarimg is missing (zbar-tools): QR codes not decoded")
            continue
        png = os.path.join(workdir, sample + ".png")
        subprocess.run([disputas, "render", doc, "-f", "png", "--dpi", "200",
                        "-o", png], check=True)
        out = subprocess.run(["zbarimg", "--raw", "-q",
                              os.path.join(workdir, sample + "-1.png")],
                             capture_output=True, text=True).stdout.strip()
        if out != facts["qr"]:
            failures.append("%s: the QR code reads %r, not %r" % (sample, out, facts["qr"]))

if failures:
    sys.exit("\n".join(failures))
print("ok: the facts of %d samples are in their posters and booklets" % len(FACTS))
