#!/usr/bin/env python3
"""`disputas build` and the calendar, from the command line.

    check-cli.py DISPUTAS SOURCE_ROOT CHECK

CHECK is one of:

  build-SAMPLE   builds samples/SAMPLE.yaml twice into two folders with
                 SOURCE_DATE_EPOCH set: SAMPLE.ics is written beside the
                 three PDFs, byte-identical in both, and well formed by
                 RFC 5545's rules (CRLF lines of at most 75 octets, each
                 valid UTF-8; BEGIN/END nested; one VEVENT with UID,
                 DTSTAMP, DTSTART and SUMMARY per event; the stamp).
  invalid        a document with an error: exit 1, and no .ics written.
  lazy-libical   `render` does not load libical (it costs 8 ms at start-up,
                 see src/plugin.h); `build` does.

The entries themselves are checked by test-calendar.c through libical.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

STAMP = "1700000000"
STAMP_TEXT = "20231114T221320Z"


def run(disputas, args, env_extra=None, cwd=None):
    env = dict(os.environ)
    env.setdefault("LC_ALL", "C.UTF-8")
    env.update(env_extra or {})
    return subprocess.run([disputas] + args, env=env, cwd=cwd,
                          capture_output=True, timeout=600)


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def unfold(data):
    """The content lines of an iCalendar stream, checking the physical
    lines on the way."""
    if not data.endswith(b"\r\n"):
        fail("the file does not end with CRLF")
    lines = []
    for raw in data[:-2].split(b"\r\n"):
        if b"\n" in raw or b"\r" in raw:
            fail(f"a bare line break in {raw!r}")
        if len(raw) > 75:
            fail(f"a line of {len(raw)} octets: {raw!r}")
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            fail(f"folding split a character: {raw!r}")
        if raw[:1] in (b" ", b"\t"):
            if not lines:
                fail("the file starts with a continuation line")
            lines[-1] += raw[1:]
        else:
            lines.append(raw)
    return [line.decode("utf-8") for line in lines]


def check_structure(lines, events):
    stack = []
    vevents = []
    for line in lines:
        name = re.split(r"[;:]", line, 1)[0].upper()
        if name == "BEGIN":
            stack.append(line.split(":", 1)[1])
            if stack[-1] == "VEVENT":
                vevents.append(set())
        elif name == "END":
            if not stack or stack.pop() != line.split(":", 1)[1]:
                fail(f"unbalanced {line}")
        elif stack and stack[-1] == "VEVENT":
            vevents[-1].add(name)
            if name == "DTSTAMP" and line != "DTSTAMP:" + STAMP_TEXT:
                fail(f"{line}: not SOURCE_DATE_EPOCH")
    if stack:
        fail(f"unclosed {stack}")
    if lines[0] != "BEGIN:VCALENDAR" or lines[-1] != "END:VCALENDAR":
        fail("not one VCALENDAR")
    for needed in ("VERSION:2.0", "METHOD:PUBLISH",
                   "PRODID:-//disputas//disputas 0.1//EN"):
        if needed not in lines:
            fail(f"no {needed}")
    if len(vevents) != events:
        fail(f"{len(vevents)} VEVENTs for {events} events")
    for props in vevents:
        missing = {"UID", "DTSTAMP", "DTSTART", "SUMMARY"} - props
        if missing:
            fail(f"a VEVENT without {sorted(missing)}")


def count_events(path):
    """Events in a sample: the items of its top-level `events` list (the
    samples write one `- kind:` line per event)."""
    count, inside = 0, False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if re.match(r"^events:\s*$", line):
                inside = True
            elif inside and re.match(r"^\S", line) and not line.startswith("#"):
                inside = False
            elif inside and re.match(r"^  - ", line):
                count += 1
    return count


def check_build(disputas, root, sample):
    doc = os.path.join(root, "samples", sample + ".yaml")
    outputs = []
    for _ in range(2):
        out = tempfile.mkdtemp(prefix="disputas-ics-")
        try:
            proc = run(disputas, ["build", doc, "-d", out],
                       {"SOURCE_DATE_EPOCH": STAMP})
            if proc.returncode != 0:
                fail(f"build exited {proc.returncode}: {proc.stderr.decode()}")
            names = sorted(os.listdir(out))
            expected = sorted([f"{sample}.ics", f"{sample}.poster.pdf",
                               f"{sample}.booklet.pdf",
                               f"{sample}.booklet-print.pdf"])
            if names != expected:
                fail(f"build wrote {names}, not {expected}")
            with open(os.path.join(out, sample + ".ics"), "rb") as f:
                outputs.append(f.read())
        finally:
            shutil.rmtree(out)
    if outputs[0] != outputs[1]:
        fail("two builds gave different calendars")
    check_structure(unfold(outputs[0]), count_events(doc))


def check_invalid(disputas):
    out = tempfile.mkdtemp(prefix="disputas-ics-")
    try:
        doc = os.path.join(out, "broken.yaml")
        with open(doc, "w", encoding="utf-8") as f:
            f.write("institution: {name: X}\ncandidate: {name: Y}\n"
                    "thesis: {title: Z}\n"
                    "events: [{kind: public-defence, start: 2026-02-30T10:00}]\n")
        proc = run(disputas, ["build", doc, "-d", out])
        if proc.returncode != 1:
            fail(f"build of an invalid document exited {proc.returncode}")
        if os.listdir(out) != ["broken.yaml"]:
            fail(f"an invalid document wrote {os.listdir(out)}")
    finally:
        shutil.rmtree(out)


def loads_libical(disputas, args):
    proc = run(disputas, args, {"LD_DEBUG": "libs"})
    if proc.returncode != 0:
        fail(f"{args[0]} exited {proc.returncode}: {proc.stderr.decode()[-2000:]}")
    return len(re.findall(rb"libical", proc.stderr))


def check_lazy(disputas, root):
    doc = os.path.join(root, "samples", "seed.yaml")
    out = tempfile.mkdtemp(prefix="disputas-ics-")
    try:
        render = loads_libical(disputas, ["render", doc, "-o",
                                          os.path.join(out, "x.pdf")])
        build = loads_libical(disputas, ["build", doc, "-d", out])
    finally:
        shutil.rmtree(out)
    if render != 0:
        fail(f"render loaded libical ({render} mentions in LD_DEBUG=libs)")
    if build == 0:
        fail("build did not load libical: LD_DEBUG=libs shows nothing, "
             "so this check proves nothing")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    disputas, root, check = sys.argv[1:]
    disputas = os.path.abspath(disputas)
    if check.startswith("build-"):
        check_build(disputas, root, check[len("build-"):])
    elif check == "invalid":
        check_invalid(disputas)
    elif check == "lazy-libical":
        check_lazy(disputas, root)
    else:
        sys.exit(f"unknown check {check}")


if __name__ == "__main__":
    main()
