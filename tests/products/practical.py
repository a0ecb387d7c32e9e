#!/usr/bin/env python3
"""The booklet's practical page replaces the flow's sections, never
repeats them, and no fact is lost when it is not made.

Usage: practical.py DISPUTAS SOURCE_ROOT WORKDIR

Booklets are rendered and read back (pdftotext, and the structure tree's
figures with qpdf):

- a sparse bokmål announcement with Zoom (link, meeting ID, passcode), a
  stream for the trial lecture, a contact person and two paragraphs of
  notes has a page to spare: the practical page (the page before the
  back, opening with the label `notes`) carries them, and each of the
  Zoom link, the meeting ID, the passcode, the stream's link and note,
  the contact's name and e-mail and each paragraph of the notes is in
  the booklet exactly once, with one QR code (a figure; the document
  has no photo or logo); in the booklet changed to take any page count
  (`multiple-of: 1`: no page is ever free) the practical page is not
  made, the stream and the notes are in the flow and the rest on the
  back cover, each exactly once; with twelve paragraphs of notes, more
  than the practical page holds even at 85 %, it is not made either
  (it used to be made with the notes run off its foot, the contacts
  lost), and each paragraph is in the flow once.  Before the planner decided `made(practical)`, the
  flow printed "Bli med på nett" and "Kontakt" as well: two QR codes.
- no line of these booklets opens with " · " (the sparse one's
  institution has a department and no faculty: the cover and the back
  said "· Institutt for biovitenskap");
- dense English announcements (the dense sample with a contact, and a
  summary of 0 to 28 paragraphs) each have every one of those facts
  exactly once: on the practical page where it is made, on the back
  cover where it is not; at least one of them has no page to spare for
  it and at least one has.
"""
import os
import re
import subprocess
import sys

import yaml

disputas, root, workdir = sys.argv[1:4]
os.makedirs(workdir, exist_ok=True)
failures = []


def squeeze(text):
    return re.sub(r"[\W_]+", "", text.replace("\u00ad", "")).lower()


def label(lang, key):
    with open(os.path.join(root, "data", "labels", lang + ".yaml"),
              encoding="utf-8") as f:
        return yaml.safe_load(f)[key]


def figures(pdf):
    qdf = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", pdf,
                          "-"], capture_output=True, check=True).stdout
    return len(re.findall(rb"/S /Figure\b", qdf))


def check(name, text, lang, facts, inside, layout="booklet"):
    """Renders the booklet of `text`; checks each of `facts` and `inside`
    is in it once, all on the practical page when there is one, else the
    facts on the back cover and the others inside; and the QR code once.
    Returns whether the practical page was made."""
    doc = os.path.join(workdir, name + ".yaml")
    with open(doc, "w", encoding="utf-8") as f:
        f.write(text)
    pdf = os.path.join(workdir, name + ".pdf")
    run = subprocess.run([disputas, "render", doc, "-l", layout, "-o", pdf,
                          "-q"], capture_output=True, text=True)
    if run.returncode != 0:
        failures.append(f"{name}: render failed: {run.stderr.strip()}")
        return None
    pages = subprocess.run(["pdftotext", pdf, "-"], capture_output=True,
                           text=True, check=True).stdout.split("\f")[:-1]
    squeezed = [squeeze(p) for p in pages]
    whole = "".join(squeezed)
    practical = squeezed[-2].startswith(squeeze(label(lang, "notes")))
    for fact in facts + inside:
        n = whole.count(squeeze(fact))
        if n != 1:
            failures.append(f"{name}: '{fact}' is in the booklet {n} times, "
                            "not once")
        elif practical and squeeze(fact) not in squeezed[-2]:
            failures.append(f"{name}: '{fact}' is not on the practical page")
        elif not practical and fact in facts and \
                squeeze(fact) not in squeezed[-1]:
            failures.append(f"{name}: '{fact}' is not on the back cover")
        elif not practical and fact in inside and \
                squeeze(fact) in squeezed[-1]:
            failures.append(f"{name}: '{fact}' is on the back cover")
    # The institution's department without a faculty: no line opens
    # with the separator that stands between the two.
    for line in "".join(pages).splitlines():
        if line.strip().startswith("\u00b7"):
            failures.append(f"{name}: a line opens with a separator: {line!r}")
    qr = figures(pdf)
    if qr != 1:
        failures.append(f"{name}: {qr} QR codes, not one")
    print(f"# {name}: {len(pages)} pages, "
          f"{'a' if practical else 'no'} practical page, {qr} QR code(s)")
    return practical


SPARSE = """\
lang: nb
institution: {name: Universitetet i Bergen, department: Institutt for biovitenskap}
candidate: {name: Sigrid Aasen Mjelde}
thesis: {title: Lakselus i et varmere hav}
events:
  - kind: trial-lecture
    start: 2025-06-13T10:15
    venue: {room: Auditorium 2, building: Realfagbygget}
    online: {url: "https://stream.uib.example/forelesning-17", note: Opptaket ligger ute i to uker.}
  - kind: public-defence
    start: 2025-06-13T12:15
    venue: {room: Auditorium 2, building: Realfagbygget}
online:
  platform: Zoom
  url: https://uib.zoom.us/j/99887766
  meeting-id: "845 2201 7734"
  passcode: fjord25
contact:
  - {name: Marte Hovland, email: m.hovland@uib.no}
"""
FACTS = ["uib.zoom.us/j/99887766", "845 2201 7734", "fjord25",
         "Marte Hovland", "m.hovland@uib.no"]
NOTES = ("Disputasen foregår på norsk, prøveforelesningen på engelsk.\n\n"
         "Etter disputasen blir det en mottakelse i kantina.")
INSIDE = ["stream.uib.example/forelesning-17", "Opptaket ligger ute i to uker",
          "Disputasen foregår på norsk, prøveforelesningen på engelsk",
          "Etter disputasen blir det en mottakelse i kantina"]
SPARSE += "notes: |\n" + "".join("  " + line + "\n"
                                 for line in NOTES.split("\n"))
if check("sparse-nb", SPARSE, "nb", FACTS, INSIDE) is False:
    failures.append("sparse-nb: no practical page, with pages to spare")
# The same in the booklet with no page ever free (any page count): the
# practical page is never made, and all of it is in the flow.
with open(os.path.join(root, "layouts", "booklet.yaml"), encoding="utf-8") as f:
    booklet = f.read()
if "pages: {multiple-of: 4}" not in booklet:
    failures.append("booklet.yaml: 'pages: {multiple-of: 4}' not found")
scratch = os.path.join(workdir, "no-free-page.yaml")
with open(scratch, "w", encoding="utf-8") as f:
    f.write(booklet.replace("pages: {multiple-of: 4}", "pages: {multiple-of: 1}"))
if check("sparse-nb-no-free-page", SPARSE, "nb", FACTS, INSIDE,
         scratch) is not False:
    failures.append("sparse-nb-no-free-page: a practical page on no free page")

# Notes longer than the practical page holds, even a little smaller: the
# page is not made (not cut short), the notes stay in the flow and the
# rest goes on the back cover.
LONG = [f"Merknad {n}: " + " ".join(["Tilhørere kan sende spørsmål "
                                      "skriftlig til disputasleder."] * 4)
        for n in ("alfa", "bravo", "charlie", "delta", "ekko", "foxtrot",
                  "golf", "hotell", "india", "juliett", "kilo", "lima")]
long_notes = SPARSE.split("notes: |")[0] + "notes: |\n" + "".join(
    "  " + p + "\n\n" for p in LONG)
if check("long-notes-nb", long_notes, "nb", FACTS,
         INSIDE[:2] + [p.split(":")[0] + ":" for p in LONG]) is not False:
    failures.append("long-notes-nb: a practical page with notes it cannot "
                    "hold")

with open(os.path.join(root, "samples", "dense.yaml"), encoding="utf-8") as f:
    dense = f.read()
dense += ("contact:\n  - {name: Juliette Roux, position: Doctoral School "
          "office, email: j.roux@uhr.example}\n")
PARAGRAPH = ("  Alpine streams fed by glaciers are cold, turbid and unstable; "
             "as the ice retreats they become warmer, clearer and calmer, "
             "and the animals that live in them change with them.  Twelve "
             "catchments were sampled every summer for fifteen years, from "
             "the glacier snout to the valley floor, and every mayfly, "
             "stonefly and midge larva in the samples was counted.\n")
made = []
for k in range(0, 30, 2):
    text = dense + ("summary: |\n" + "\n".join([PARAGRAPH] * k) if k else "")
    made.append(check(f"dense-{k}", text, "en",
                      ["live.example.org/uhr/dufresne-aubert",
                       "The recording stays online for a month",
                       "Juliette Roux", "j.roux@uhr.example"], []))
if False not in made:
    failures.append("no dense booklet without a practical page: the case "
                    "where the back cover carries it was not tried")
if True not in made:
    failures.append("no dense booklet with a practical page")

print("1..1")
if failures:
    print("not ok 1 - the practical page replaces the flow's sections")
    for f in failures:
        print("# " + f)
    sys.exit(1)
print("ok 1 - the practical page replaces the flow's sections")
