#!/usr/bin/env python3
"""`build` makes every product it can when one cannot be made.

Usage: partial.py DISPUTAS SOURCE_ROOT WORKDIR

A document with a committee of forty cannot fit the poster (even by name
alone, at 9 pt) but flows through the booklet.  `build` into a folder
that holds a poster from an earlier build must: exit 1, say that the
poster was not made, write the booklet, the imposed booklet and the
calendar, remove the stale poster, and leave nothing else (no temporary
files).  The error is at the committee in the user's file, with the
poster's frame as a note after it.
"""
import os
import re
import shutil
import subprocess
import sys

disputas, root, workdir = sys.argv[1:4]
shutil.rmtree(workdir, ignore_errors=True)
os.makedirs(workdir)
out = os.path.join(workdir, "out")
os.makedirs(out)

members = "\n".join(
    f"  - {{role: member, title: Professor, name: Member Number {n}, "
    f"affiliation: University {n}}}" for n in range(1, 41))
doc = os.path.join(workdir, "jury.yaml")
with open(doc, "w", encoding="utf-8") as f:
    f.write(f"""lang: en
timezone: Europe/Oslo
institution: {{name: University of the Long Jury}}
candidate: {{name: Ada Lang}}
thesis: {{title: A Thesis With Many Examiners}}
events:
  - kind: public-defence
    start: 2026-05-04T10:00
    venue: {{room: Hall 1}}
committee:
{members}
""")
stale = os.path.join(out, "jury.poster.pdf")
with open(stale, "w") as f:
    f.write("an old poster\n")

run = subprocess.run([disputas, "build", doc, "-d", out], capture_output=True,
                     text=True)
failures = []
if run.returncode != 1:
    failures.append(f"build exited {run.returncode}, not 1")
if "the poster was not made" not in run.stderr:
    failures.append("build did not say the poster was not made")
# What does not fit is named in the user's file, a committee member's line
# (the list starts on line 11); the layout's frame follows as a note.
error = re.search(r"jury\.yaml:(\d+):\d+: error: the poster has no room for "
                  r"this: .*; shorten it", run.stderr)
note = re.search(r"layouts/poster\.yaml:\d+:\d+: note: the frame '",
                 run.stderr)
if not error or int(error.group(1)) < 11:
    failures.append("the error is not at the committee in jury.yaml")
if not note or (error and note.start() < error.start()):
    failures.append("no note at the poster's frame after the error")
want = {"jury.booklet.pdf", "jury.booklet-print.pdf", "jury.ics"}
have = set(os.listdir(out))
if have != want:
    failures.append(f"the folder holds {sorted(have)}, not {sorted(want)}")
for name in want & have:
    with open(os.path.join(out, name), "rb") as f:
        head = f.read(5)
    if name.endswith(".pdf") and head != b"%PDF-":
        failures.append(f"{name} is not a PDF")

print("1..1")
if failures:
    print("not ok 1 - build makes the products it can")
    for f in failures:
        print("# " + f)
    print("# stderr: " + run.stderr.replace("\n", "\n# "))
    sys.exit(1)
print("ok 1 - build makes the products it can")
