#!/usr/bin/env python3
"""Every fact of samples/full.yaml (a document that fills every field of the
format) is in the booklet's text, and the thesis title is in every product.

Usage: full.py DISPUTAS SOURCE_ROOT WORKDIR

The values are read from the document itself, not written down here, so a
field added to the sample is checked too.  Left out: what is not text for a
reader (lang, timezone, colour, image paths, parallel-lang, kind, status,
role: their labels are checked instead), dates and times (formatted: the
weekday and date are checked), and `extra` (free fields only custom layouts
show).  Markdown is compared as its words; everything as letters and digits
only, because lines may break with hyphens inside words and URLs.
"""
import os
import re
import subprocess
import sys

import yaml

disputas, root, workdir = sys.argv[1:4]
os.makedirs(workdir, exist_ok=True)
doc_path = os.path.join(root, "samples", "full.yaml")
with open(doc_path, encoding="utf-8") as f:
    doc = yaml.safe_load(f)

SKIP_KEYS = {"lang", "timezone", "colour", "logo", "photo", "parallel-lang",
             "kind", "status", "role", "start", "end", "extra", "tba"}


def values(node, key=None):
    """Every text value of the document, with its dotted key."""
    if key is not None and key.split(".")[-1] in SKIP_KEYS:
        return
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "labels":
                # The overridden label texts are shown instead of the
                # built-in ones.
                for text in v.values():
                    yield ("labels", text)
                continue
            yield from values(v, k if key is None else key + "." + str(k))
    elif isinstance(node, list):
        for v in node:
            yield from values(v, key)
    elif node is not None:
        yield (key, str(node))


def squeeze(text):
    return re.sub(r"[\W_]+", "", text.replace("\u00ad", "")).lower()


def markdown_words(text):
    # Headings and emphasis marks are not printed.
    return re.sub(r"(^|\n)#+ |\*", r"\1", text)


def text_of(pdf):
    return subprocess.run(["pdftotext", pdf, "-"], capture_output=True,
                          check=True, text=True).stdout


def product(layout):
    out = os.path.join(workdir, "full." + layout + ".pdf")
    subprocess.run([disputas, "render", doc_path, "-l", layout, "-o", out],
                   check=True)
    return out


failures = []
booklet = squeeze(text_of(product("booklet")))
count = 0
for key, value in values(doc):
    if key in ("lead", "summary", "notes", "candidate.bio"):
        value = markdown_words(value)
    count += 1
    # Each paragraph of a Markdown field on its own (the booklet sets a
    # paragraph break where the source has a blank line).
    for part in value.split("\n\n"):
        if squeeze(part) not in booklet:
            failures.append(f"booklet lacks {key}: {part[:60]!r}")
# Labels that stand for keys left out above.
for needed in ["Custos", "Opponent", "Member", "Main supervisor",
               "Co-supervisor", "Tentative", "Friday 12 December 2025",
               "Time to be announced", "Reception"]:
    if squeeze(needed) not in booklet:
        failures.append(f"booklet lacks {needed!r}")
if count < 60:
    failures.append(f"only {count} values read from the document")

title = squeeze(doc["thesis"]["title"])
for layout in ["poster", "booklet-print"]:
    if title not in squeeze(text_of(product(layout))):
        failures.append(f"{layout} lacks the thesis title")

print("1..1")
if failures:
    print("not ok 1 - every field of full.yaml in print")
    for f in failures:
        print("# " + f)
    sys.exit(1)
print(f"ok 1 - every field of full.yaml in print ({count} values)")
