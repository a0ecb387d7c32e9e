#!/usr/bin/env python3
"""disputas watch builds a document, then builds it again when the
document, its house file or an image it names changes, saying what
changed and any problem at its line; a broken edit builds nothing, a fix
builds again; SIGINT stops it with status 0.

    watch.py DISPUTAS WORK_DIR

Every wait is bounded (a failure, never a hang), and nothing is timed:
the speed of a rebuild is bench/preview-latency.py's.  Files are
changed the ways editors save: written in place, and written beside and
renamed over (vim, most IDEs).
"""
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading

disputas, work = os.path.abspath(sys.argv[1]), sys.argv[2]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)

DOC = """\
house: house.yaml
candidate:
  name: Maren Tollefsen Eide
thesis:
  title: {title}
events:
  - kind: public-defence
    start: 2026-01-16T13:00
"""
HOUSE = """\
house: 1
institution:
  name: University of Agder
  logo: logo.svg
colours:
  brand: "{brand}"
"""
LOGO = """<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">
<rect width="40" height="40" fill="{fill}"/></svg>
"""


def write(name, text, rename=False):
    path = os.path.join(work, name)
    if rename:
        with open(path + ".swp", "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(path + ".swp", path)
    else:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


def fills(pdf):
    """Every fill colour the PDF sets, as '#rrggbb'."""
    out = subprocess.run(["qpdf", "--qdf", "--object-streams=disable", pdf,
                          "-"], capture_output=True, check=True).stdout
    return {"#%02x%02x%02x" % tuple(round(float(x) * 255) for x in m)
            for m in re.findall(rb"([\d.]+) ([\d.]+) ([\d.]+) rg", out)}


def text(pdf):
    """The PDF's words, each line break read as a space (a title may take
    two lines)."""
    return " ".join(subprocess.run(["pdftotext", pdf, "-"],
                                   capture_output=True, text=True,
                                   check=True).stdout.split())


write("doc.yaml", DOC.format(title="Wind, Waves and Winches"))
write("house.yaml", HOUSE.format(brand="#1f5f7a"))
write("logo.svg", LOGO.format(fill="#e8c170"))
proc = subprocess.Popen([disputas, "watch", "doc.yaml", "-d", "out"],
                        cwd=work, stderr=subprocess.PIPE, text=True)
lines = queue.Queue()


def read():
    for line in proc.stderr:
        lines.put(line)
    lines.put(None)


threading.Thread(target=read, daemon=True).start()
failures = []
log = []


def wait_for(pattern, what, limit=60):
    """The lines up to one matching `pattern`; a failure after `limit`
    seconds without one (generous: ASan on a busy machine)."""
    seen = []
    while True:
        try:
            line = lines.get(timeout=limit)
        except queue.Empty:
            line = None
        if line is None:
            failures.append("%s: no line matching %r; it said %r"
                            % (what, pattern, "".join(seen)))
            return None
        seen.append(line)
        log.append(line)
        if re.search(pattern, line):
            return "".join(seen)


poster = os.path.join(work, "out", "doc.poster.pdf")
try:
    said = wait_for(r"^built in", "first build")
    if said and "Wind, Waves and Winches" not in text(poster):
        failures.append("first build: no title in the poster")
    if said and not re.search(r"wrote out/doc\.poster\.pdf", said):
        failures.append("first build: no summary line in %r" % said)

    # The document, saved by renaming over it.
    write("doc.yaml", DOC.format(title="Tides and Turbines"), rename=True)
    said = wait_for(r"^built in", "title changed")
    if said:
        if not re.search(r"^changed: .*doc\.yaml$", said, re.M):
            failures.append("title changed: not said: %r" % said)
        if "Tides and Turbines" not in text(poster):
            failures.append("title changed: the poster was not rebuilt")

    # A broken edit: the problem at its line, nothing built.
    before = os.stat(poster).st_mtime_ns
    write("doc.yaml", DOC.format(title="Tides: and Turbines"))
    said = wait_for(r"^failed in", "broken edit")
    if said and not re.search(r"doc\.yaml:5:\d+: error: ", said):
        failures.append("broken edit: no located error in %r" % said)
    if os.stat(poster).st_mtime_ns != before:
        failures.append("broken edit: the poster was written")
    # The fix builds again.
    write("doc.yaml", DOC.format(title='"Tides: and Turbines"'))
    said = wait_for(r"^built in", "fixed edit")
    if said and "Tides: and Turbines" not in text(poster):
        failures.append("fixed edit: the poster was not rebuilt")

    # The house file (named by the document) and the image it names.
    write("house.yaml", HOUSE.format(brand="#7a1f3d"))
    said = wait_for(r"^built in", "house changed")
    if said:
        if not re.search(r"^changed: .*house\.yaml$", said, re.M):
            failures.append("house changed: not said: %r" % said)
        if "#7a1f3d" not in fills(poster):
            failures.append("house changed: the new brand colour is not "
                            "in the poster")
    write("logo.svg", LOGO.format(fill="#2a9d8f"), rename=True)
    said = wait_for(r"^built in", "logo changed")
    if said:
        if not re.search(r"^changed: .*logo\.svg$", said, re.M):
            failures.append("logo changed: not said: %r" % said)
        if "#2a9d8f" not in fills(poster):
            failures.append("logo changed: the new logo is not in the "
                            "poster")
finally:
    proc.send_signal(signal.SIGINT)
    try:
        status = proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        status = proc.wait()
if status != 0:
    failures.append("SIGINT: exit %d, not 0" % status)
if failures:
    sys.exit("\n".join(failures) + "\n--- it said:\n" + "".join(log))
print("ok: watch rebuilds on the document, the house file and an image; "
      "a broken edit at its line, a fix; SIGINT")
