#!/usr/bin/env python3
"""Hostile input against the command line, one case at a time.

    run.py DISPUTAS NAME

runs case NAME (a function below, named with underscores) in a fresh
temporary folder: the case writes its files there, runs DISPUTAS on them
(from that folder, with a time limit so that a hang fails rather than
stalls the suite) and checks the exit status, the messages and what was
written.  Fails with a message naming what went wrong.
"""
import os
import shutil
import subprocess
import sys
import tempfile

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

# A layout of one A5 page with one paragraph (template TEXT).
ONE_PARAGRAPH = """\
layout: 1
page: {{size: A5, margins: 15mm}}
styles:
  body: {{family: Noto Serif, size: 11pt}}
templates:
  one:
    frames:
      - name: main
        content:
          - text: "{text}"
sequence: [one]
"""


class Failure(Exception):
    pass


class Case:
    def __init__(self, disputas, folder):
        self.disputas = disputas
        self.folder = folder

    def path(self, *parts):
        return os.path.join(self.folder, *parts)

    def write(self, name, text, mode="w"):
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, mode) as f:
            f.write(text)
        return path

    def run(self, args, timeout=30, cwd=None):
        try:
            return subprocess.run(
                [self.disputas] + args, cwd=cwd or self.folder,
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise Failure(f"{' '.join(args)}: still running after {timeout} s")

    def expect(self, condition, what):
        if not condition:
            raise Failure(what)

    def expect_status(self, proc, status):
        self.expect(proc.returncode == status,
                    f"exit status {proc.returncode}, expected {status}; "
                    f"stderr:\n{proc.stderr.decode(errors='replace')}")

    def expect_message(self, proc, text):
        err = proc.stderr.decode(errors="replace")
        self.expect(text in err, f"stderr lacks {text!r}; it is:\n{err}")

    def pdf_text(self, name):
        proc = subprocess.run(["pdftotext", "-enc", "UTF-8", self.path(name),
                               "-"], stdout=subprocess.PIPE, check=True)
        return proc.stdout.decode()


# ---- Hostile text --------------------------------------------------------

def bidi_isolated(c):
    """A stray RIGHT-TO-LEFT OVERRIDE at the end of one field must not
    reverse the fields after it: each placeholder's value is isolated."""
    c.write("doc.yaml", MINIMAL.replace("Maren Tollefsen Eide",
                                        '"Maren Eide\\u202E"'))
    c.write("one.yaml", ONE_PARAGRAPH.format(
        text="{candidate.name}: {thesis.title}"))
    proc = c.run(["render", "doc.yaml", "-l", "one.yaml", "-o", "out.pdf"])
    c.expect_status(proc, 0)
    text = " ".join(c.pdf_text("out.pdf").split())
    c.expect("Wind, Waves and Winches" in text,
             f"the title is not read in its own order: {text!r}")
    c.expect("\u2068" not in text and "\u2069" not in text,
             f"the isolates reached the text layer: {text!r}")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    disputas, name = os.path.abspath(sys.argv[1]), sys.argv[2]
    case = globals()[name.replace("-", "_")]
    folder = tempfile.mkdtemp(prefix="disputas-hostile-")
    try:
        case(Case(disputas, folder))
    except Failure as e:
        print(f"{name}: {e}", file=sys.stderr)
        sys.exit(1)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
