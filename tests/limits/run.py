#!/usr/bin/env python3
"""Hostile documents, made here, against the limits that protect a render.

    run.py DISPUTAS NAME

writes the document of case NAME (see CASES) into a temporary folder, runs
`DISPUTAS check` or `DISPUTAS render` on it there, and passes when

  - the exit status is the expected one;
  - standard error is the expected text: exactly, for problems in the
    document; for problems reported at a built-in layout's line (whose
    line numbers change as the layouts do), or whose excerpt is long, the
    first line must match a pattern (the layout's folder written
    DATADIR);
  - the run took at most BUDGET seconds of processor time (user + system,
    so a loaded machine does not fail it; a quadratic blow-up does);
  - a failed render left no file at all in the folder (no output, no
    temporary).

The documents are too large to commit (up to 16 MiB) or are best kept as
the few lines of Python that say what they are.
"""
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile

# Seconds of processor time one run may take: enough for a linear render
# of the largest case (pages-5000 sets 500 pages of optimally broken
# paragraphs, about 5 s in a normal build on a busy 2-core machine), far
# too little for a quadratic one.  Sanitizers make every run a few times
# slower, so their builds get four times as much.
BUDGET = 30 * (4 if "ASAN_OPTIONS" in os.environ else 1)

MINIMAL = """\
institution:
  name: University of Agder
candidate:
  name: Maren Tollefsen Eide
thesis:
  title: Wind, Waves and Winches
events:
  - kind: public-defence
    start: 2026-01-16T13:00
"""
MINIMAL_LINES = MINIMAL.count("\n")


def file_too_large():
    # One byte over DP_YAML_MAX_FILE (16 MiB), in comment lines.
    size = 16 * 1024 * 1024 + 1
    line = "#" + "x" * 98 + "\n"
    body = line * (size // len(line) + 1)
    return (MINIMAL + body)[:size]


def text_too_long():
    # A summary of just over DP_YAML_MAX_STRING (4 MiB).
    line = "  " + "word " * 20 + "\n"
    return MINIMAL + "summary: |\n" + line * (4 * 1024 * 1024 // 100 + 10)


def too_many_nodes():
    # 2,100 members of 5 nodes each: over DP_YAML_MAX_NODES (10,000)
    # without a single alias.
    members = "".join("  - {role: member, name: Person %d}\n" % i
                      for i in range(2100))
    return MINIMAL + "committee:\n" + members


def pages_5000():
    # About 27 such paragraphs fill an A5 page: some 5,500 pages, against
    # DP_MAX_PAGES (500).  It must fail fast, not after setting them all.
    paragraphs = "".join("  Paragraph %d.\n\n" % i for i in range(150000))
    return MINIMAL + "summary: |\n" + paragraphs


def many_paragraphs():
    # 50,000 paragraphs of one word.
    paragraphs = "".join("  p%d\n\n" % i for i in range(50000))
    return MINIMAL + "summary: |\n" + paragraphs


def qr_payload():
    # An online.url of 2,000 bytes, against DP_QR_MAX_PAYLOAD (1024).
    url = "https://uia.zoom.us/j/" + "1" * 1978
    return MINIMAL + "online:\n  url: " + url + "\n"


def long_word():
    # One word of 65,000 letters: Pango alone breaks it into lines in
    # quadratic time (seconds for this one, minutes for longer ones).
    return MINIMAL + "summary: |\n  " + "a" * 65000 + "\n"


LOREM = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. "


def paragraph_64k():
    # One paragraph just under DP_MAX_PARAGRAPH (64 KiB, 25 pages of the
    # booklet), with a soft hyphen every few letters: Pango once took
    # seconds over its hyphenation.
    return MINIMAL + "summary: |\n  " + LOREM * 1140 + "\n"


def paragraph_too_long():
    # One paragraph over DP_MAX_PARAGRAPH.
    return MINIMAL + "summary: |\n  First.\n\n  " + LOREM * 1230 + "\n"


def name_too_long():
    # A name over DP_MAX_PARAGRAPH.
    return MINIMAL.replace("Maren Tollefsen Eide", "Maren " * 12000)


def summary_4mib():
    # A summary of 63 paragraphs of 64 KiB: more than 500 pages, refused
    # after setting a few of them.
    return MINIMAL + "summary: |\n" + ("  " + LOREM * 1140 + "\n\n") * 63


def joined_too_long():
    # Forty affiliations of 60 KB each are allowed, but not joined into
    # one line of 2.4 MB (the poster took half a minute to fit it).
    affiliations = "".join('        - "%s"\n' % (("Dept%d " % i) * 9000)
                           for i in range(40))
    return (MINIMAL + "committee:\n  - role: first-opponent\n    name: Ola\n"
            "    affiliation:\n" + affiliations)


def big_lead():
    # A lead of 3.4 MB in 600 paragraphs: far too much for the poster,
    # which used to set all of it at every scale it tried (30 s).
    return MINIMAL + "lead: |\n" + ("  " + LOREM * 100 + "\n\n") * 600


def many_members():
    # As many committee members as the node limit allows.
    members = "".join("  - {role: member, name: Person %d}\n" % i
                      for i in range(1990))
    return MINIMAL + "committee:\n" + members


def many_events():
    # As many events as the node limit allows.
    events = "".join("  - {kind: public-defence, start: 2026-01-16T13:00}\n"
                     for _ in range(1990))
    return MINIMAL.split("events:")[0] + "events:\n" + events


def hint_after_many_lines():
    # 7 million comment lines, then a key that lines up with nothing: the
    # explanation reads the lines above it once, not once a line.
    return MINIMAL + "#\n" * 7000000 + " extra: x\n"


def layout_error(layout, message):
    """A pattern for the first line of an error at a built-in layout's
    line."""
    return re.compile(r"DATADIR/layouts/%s\.yaml:\d+:\d+: error: %s\n" %
                      (re.escape(layout), re.escape(message)))


# name: (document, arguments after the document, exit status(es), stderr:
#        exact text, a compiled pattern for its first line, or None for
#        "no error")
CASES = {
    "file-too-large": (
        file_too_large, ["check"], 1,
        "file-too-large.yaml: error: the file is larger than 16 MiB\n"),
    "hint-after-many-lines": (
        hint_after_many_lines, ["check"], 1,
        "hint-after-many-lines.yaml:%d:2: error: 'extra' is indented by 1 "
        "space, which lines it up with nothing above it: indent it by 0 "
        "spaces, as 'events' on line 7, or by 4 spaces, as 'start' on line "
        "9\n     extra: x\n     ^\n" % (MINIMAL_LINES + 7000001)),
    "text-too-long": (
        text_too_long, ["check"], 1,
        "text-too-long.yaml:%d:10: error: this text is longer than 4194304 "
        "bytes\n    summary: |\n             ^\n" % (MINIMAL_LINES + 1)),
    "too-many-nodes": (
        too_many_nodes, ["check"], 1,
        "too-many-nodes.yaml:%d:37: error: the document has more than 10000 "
        "nodes once aliases are expanded\n"
        "      - {role: member, name: Person 1999}\n"
        "                                        ^\n" % (MINIMAL_LINES + 2001)),
    "pages-5000": (
        pages_5000, ["render", "-l", "booklet", "-o", "out.pdf"], 1,
        layout_error("booklet", "the layout would need more than 500 pages "
                     "for this document")),
    "many-paragraphs": (
        many_paragraphs, ["render", "-l", "booklet", "-o", "out.pdf"], 1,
        layout_error("booklet", "the layout would need more than 500 pages "
                     "for this document")),
    "qr-payload": (
        qr_payload, ["render", "-l", "poster", "-o", "out.pdf"], 1,
        layout_error("poster", "cannot make a QR code of 2000 bytes (at most "
                     "1024)")),
    "long-word": (
        long_word, ["render", "-l", "booklet", "-o", "out.pdf"], 0, None),
    "paragraph-64k": (
        paragraph_64k, ["render", "-l", "booklet", "-o", "out.pdf"], 0, None),
    "paragraph-too-long": (
        paragraph_too_long, ["check", "-l", "booklet"], 1,
        re.compile(re.escape(
            "paragraph-too-long.yaml:%d:3: error: this paragraph is 70109 "
            "bytes long; at most 65536 are allowed (split it with blank "
            "lines)\n" % (MINIMAL_LINES + 4)))),
    "name-too-long": (
        name_too_long, ["check"], 1,
        re.compile(re.escape(
            "name-too-long.yaml:4:9: error: 'name' is 71999 bytes long; at "
            "most 65536 are allowed\n"))),
    "summary-4mib": (
        summary_4mib, ["render", "-l", "booklet", "-o", "out.pdf"], 1,
        layout_error("booklet", "the layout would need more than 500 pages "
                     "for this document")),
    "joined-too-long": (
        joined_too_long, ["render", "-l", "poster", "-o", "out.pdf"], 1,
        re.compile(r"DATADIR/layouts/poster\.yaml:\d+:\d+: error: this text "
                   r"is \d+ bytes long with its fields filled in; at most "
                   r"65536 are allowed\n")),
    "big-lead-poster": (
        big_lead, ["check", "-l", "poster"], 1,
        # At the lead, the layout's frame as a note.
        re.compile(r"big-lead-poster\.yaml:\d+:\d+: error: the poster has no "
                   r"room for this: it is where the content of its frame "
                   r"'[a-z-]+' does not fit, even at \d+% of its size.*\n"
                   r"(.*\n)*DATADIR/layouts/poster\.yaml:\d+:\d+: note: ")),
    # These two do not fit the built-in layouts (which is an error), or do:
    # either way within the budget.
    "many-members-poster": (
        many_members, ["render", "-l", "poster", "-o", "out.pdf"], (0, 1),
        None),
    "many-members-booklet": (
        many_members, ["render", "-l", "booklet", "-o", "out.pdf"], (0, 1),
        None),
    "many-events-booklet": (
        many_events, ["render", "-l", "booklet", "-o", "out.pdf"], (0, 1),
        None),
}


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in CASES:
        sys.exit(__doc__ + "\ncases: " + " ".join(CASES))
    disputas, name = os.path.abspath(sys.argv[1]), sys.argv[2]
    make, args, status, expected = CASES[name]
    if isinstance(status, int):
        status = (status,)
    env = dict(os.environ)
    env.setdefault("LC_ALL", "C.UTF-8")
    datadir = env.get("DISPUTAS_DATADIR", "")
    tmp = tempfile.mkdtemp(prefix="disputas-limits-")
    try:
        with open(os.path.join(tmp, name + ".yaml"), "w",
                  encoding="utf-8") as f:
            f.write(make())
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        proc = subprocess.run(
            [disputas, args[0], name + ".yaml"] + args[1:], cwd=tmp, env=env,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, timeout=300)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        left = sorted(set(os.listdir(tmp)) - {name + ".yaml"})
    finally:
        shutil.rmtree(tmp)
    seconds = (after.ru_utime - before.ru_utime +
               after.ru_stime - before.ru_stime)
    stderr = proc.stderr.decode("utf-8", "replace")
    if datadir:
        stderr = stderr.replace(datadir.rstrip("/") + "/", "DATADIR/")
    problems = []
    if proc.returncode not in status:
        problems.append("exit status %d, expected %s" %
                        (proc.returncode, " or ".join(map(str, status))))
    if expected is None:
        if ": error: " in stderr and 0 in status and 1 not in status:
            problems.append("an error was reported")
    elif isinstance(expected, str):
        if stderr != expected:
            problems.append("standard error differs; expected:\n" + expected)
    elif not expected.match(stderr):
        problems.append("standard error's first line does not match " +
                        expected.pattern)
    if seconds > BUDGET:
        problems.append("took %.1f s of processor time (at most %d)" %
                        (seconds, BUDGET))
    if proc.returncode != 0 and left:
        problems.append("a failed run left files: " + " ".join(left))
    print("%.2f s of processor time, exit status %d" %
          (seconds, proc.returncode))
    sys.stdout.write(stderr[:2000])
    for p in problems:
        print("FAIL: " + p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
