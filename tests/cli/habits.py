#!/usr/bin/env python3
"""The command line's habits, one case a run.

    habits.py DISPUTAS SOURCE_ROOT WORK_DIR CASE

Each case runs the program in a fresh WORK_DIR/CASE with the format
reference's worked example (docs/announcement.md: haugland.yaml and its
logo) and checks what it prints and writes: standard input and output,
the folder -d makes, the line each output gets (and --quiet), colours on a
terminal only, --help and --version on every command, output names whose
extension disagrees with the format, and build -l.
"""
import os
import pty
import re
import shutil
import subprocess
import sys

DOC = """\
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
BROKEN = DOC.replace("kind: public-defence", "kind: public-defense")
COMMANDS = ["render", "build", "check", "watch", "preview", "layouts", "new",
            "serve"]


class Case:
    def __init__(self, disputas, root, work):
        self.disputas, self.root, self.work = disputas, root, work
        self.failures = []

    def path(self, *parts):
        return os.path.join(self.work, *parts)

    def write(self, name, text):
        with open(self.path(name), "w", encoding="utf-8") as f:
            f.write(text)

    def run(self, args, stdin=None, env=None):
        e = dict(os.environ)
        e.setdefault("LC_ALL", "C.UTF-8")
        e.update(env or {})
        return subprocess.run([self.disputas] + args, cwd=self.work, env=e,
                              input=stdin, capture_output=True, timeout=120)

    def expect(self, ok, what):
        if not ok:
            self.failures.append(what)
        return ok

    def expect_run(self, proc, status, stderr=None, what=""):
        err = proc.stderr.decode("utf-8", "replace")
        ok = proc.returncode == status
        if isinstance(stderr, str):
            ok = ok and err == stderr
        elif stderr is not None:
            ok = ok and stderr.search(err) is not None
        self.expect(ok, f"{what}: exit {proc.returncode} (expected {status}), "
                    f"stderr:\n{err}\nexpected:\n"
                    f"{stderr.pattern if hasattr(stderr, 'pattern') else stderr}")

    def pages(self, name):
        info = subprocess.run(["pdfinfo", self.path(name)], capture_output=True,
                              text=True, timeout=60).stdout
        m = re.search(r"^Pages:\s+(\d+)", info, re.M)
        return int(m.group(1)) if m else None


def case_stdin(c):
    """`-` reads the document from standard input, for every command."""
    proc = c.run(["render", "-", "-o", "p.pdf"], stdin=DOC.encode())
    c.expect_run(proc, 0, "wrote p.pdf: 1 page, A4\n", "render -")
    c.expect(c.pages("p.pdf") == 1, "render - made no one-page PDF")
    proc = c.run(["check", "-"], stdin=BROKEN.encode())
    c.expect_run(proc, 1, re.compile(
        r"^<stdin>:8:11: error: 'kind' must be .* \(did you mean "
        r"'public-defence'\?\)\n      - kind: public-defense\n"), "check -")
    proc = c.run(["render", "-"], stdin=DOC.encode())
    c.expect_run(proc, 0, "wrote stdin.poster.pdf: 1 page, A4\n",
                 "render - without -o")
    proc = c.run(["build", "-", "-q"], stdin=DOC.encode())
    c.expect_run(proc, 0, "", "build -")
    for name in ("stdin.ics", "stdin.poster.pdf", "stdin.booklet.pdf",
                 "stdin.booklet-print.pdf"):
        c.expect(os.path.isfile(c.path(name)), f"build - made no {name}")


def case_stdout(c):
    """`-o -` writes the output to standard output, and says so."""
    c.write("doc.yaml", DOC)
    proc = c.run(["render", "doc.yaml", "-o", "-"])
    c.expect(proc.stdout.startswith(b"%PDF-") and b"%%EOF" in proc.stdout[-64:],
             "render -o - wrote no PDF to standard output")
    c.expect_run(proc, 0, "wrote standard output: 1 page, A4\n", "-o -")
    c.expect(os.listdir(c.work) == ["doc.yaml"], "-o - wrote a file")
    proc = c.run(["render", "-", "-o", "-", "-l", "booklet"],
                 stdin=DOC.encode())
    c.expect_run(proc, 0, "wrote standard output: 4 pages, A5\n",
                 "- to -o -")


def case_outdir(c):
    """build -d makes a missing folder, only when it writes into it."""
    c.write("doc.yaml", DOC)
    c.write("broken.yaml", BROKEN)
    proc = c.run(["build", "broken.yaml", "-d", "never/made"])
    c.expect_run(proc, 1, None, "build of a broken document")
    c.expect(not os.path.exists(c.path("never")),
             "a broken document made its folder")
    proc = c.run(["build", "doc.yaml", "-d", "new/sub", "-q"])
    c.expect_run(proc, 0, "", "build -d new/sub")
    c.expect(sorted(os.listdir(c.path("new", "sub"))) ==
             ["doc.booklet-print.pdf", "doc.booklet.pdf", "doc.ics",
              "doc.poster.pdf"], "build -d new/sub did not make the four files")
    proc = c.run(["build", "doc.yaml", "-d", "doc.yaml"])
    c.expect_run(proc, 3, "disputas: error: 'doc.yaml' is not a folder\n",
                 "build -d FILE")


def case_summary(c):
    """One line an output on success; --quiet silences them."""
    c.write("doc.yaml", DOC)
    proc = c.run(["build", "doc.yaml", "-d", "out"])
    c.expect_run(proc, 0,
                 "wrote out/doc.ics: the events as a calendar\n"
                 "wrote out/doc.poster.pdf: 1 page, A4\n"
                 "wrote out/doc.booklet.pdf: 4 pages, A5\n"
                 "wrote out/doc.booklet-print.pdf: 2 pages, A4 landscape\n",
                 "build")
    c.expect(c.pages("out/doc.booklet.pdf") == 4 and
             c.pages("out/doc.booklet-print.pdf") == 2,
             "the pages said are not the pages written")
    proc = c.run(["render", "doc.yaml", "-l", "booklet", "-o", "b.png",
                  "--dpi", "20"])
    c.expect_run(proc, 0, "wrote b-1.png to b-4.png: 4 pages, A5\n", "png")
    c.expect(os.path.isfile(c.path("b-4.png")) and
             not os.path.exists(c.path("b-5.png")), "not b-1.png to b-4.png")
    proc = c.run(["render", "doc.yaml", "-o", "p.svg"])
    c.expect_run(proc, 0, "wrote p-1.svg: 1 page, A4\n", "svg")
    for args in (["render", "doc.yaml", "--quiet"],
                 ["build", "doc.yaml", "-q", "-d", "out"],
                 ["new", "new.yaml", "-q"]):
        c.expect_run(c.run(args), 0, "", " ".join(args))
    # Problems still show under --quiet.
    proc = c.run(["render", "-", "-q"], stdin=BROKEN.encode())
    c.expect_run(proc, 1, re.compile("error: 'kind' must be"), "-q, broken")


def tty_stderr(c, args, env):
    """Runs with stderr on a terminal; returns what it printed there."""
    master, slave = pty.openpty()
    e = dict(os.environ, LC_ALL="C.UTF-8", TERM="xterm")
    e.pop("NO_COLOR", None)
    e.update(env)
    proc = subprocess.Popen([c.disputas] + args, cwd=c.work, env=e,
                            stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    out = b""
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        out += data
    proc.wait(timeout=120)
    os.close(master)
    return out.decode("utf-8", "replace")


def case_colour(c):
    """Coloured diagnostics on a terminal, unless NO_COLOR or TERM=dumb;
    never when stderr is not a terminal, nor in JSON."""
    c.write("broken.yaml", BROKEN)
    red = "\x1b[1;31merror:\x1b[0m"
    out = tty_stderr(c, ["check", "broken.yaml"], {})
    c.expect(red in out and "\x1b[1mbroken.yaml:8:11:\x1b[0m" in out and
             "\x1b[1;32m^\x1b[0m" in out, "no colours on a terminal:\n" + out)
    out = tty_stderr(c, ["render", "broken.yaml", "-o", "x.jpg"], {})
    c.expect(red in out, "a usage error is not coloured:\n" + out)
    for env in ({"NO_COLOR": "1"}, {"TERM": "dumb"}):
        out = tty_stderr(c, ["check", "broken.yaml"], env)
        c.expect("\x1b" not in out and "error:" in out,
                 f"colours with {env}:\n{out}")
    out = tty_stderr(c, ["check", "broken.yaml", "--diagnostics=json"], {})
    c.expect("\x1b" not in out and '"severity":"error"' in out,
             "colours in JSON:\n" + out)
    proc = c.run(["check", "broken.yaml"], env={"TERM": "xterm"})
    c.expect(b"\x1b" not in proc.stderr, "colours into a pipe")


def case_help_version(c):
    """--help and --version on every command, with its own usage line."""
    params = {"render": "DOC.yaml", "build": "DOC.yaml...",
              "check": "DOC.yaml", "layouts": "", "new": "[FILE.yaml]",
              "watch": "DOC.yaml", "preview": "DOC.yaml", "serve": ""}
    for command in COMMANDS:
        proc = c.run([command, "--help"])
        out = proc.stdout.decode()
        usage = re.compile(r"^Usage:\n  disputas %s \[OPTION(…|\?)\]%s\n"
                           % (command, (" " + re.escape(params[command]))
                              if params[command] else ""))
        c.expect(proc.returncode == 0 and usage.match(out) and
                 "--version" in out and "--quiet" in out,
                 f"{command} --help:\n{out}")
        for flag in ("--version", "-V"):
            proc = c.run([command, flag])
            c.expect(proc.returncode == 0 and
                     re.fullmatch(rb"disputas \d+\.\d+\.\d+\n", proc.stdout),
                     f"{command} {flag}: {proc.returncode} {proc.stdout!r} "
                     f"{proc.stderr!r}")
    build_help = c.run(["build", "--help"]).stdout.decode()
    c.expect("--layout=LAYOUT" in build_help and "--outdir" in build_help,
             "build --help lacks -l or -d")


def case_extension(c):
    """An output name whose extension disagrees with the format is an
    error that writes nothing."""
    c.write("doc.yaml", DOC)
    for args, message in (
            (["-o", "x.jpg"], "disputas: error: -o x.jpg: the output is a "
             ".pdf, .png, .svg or .trace file, not .jpg\n"),
            (["-o", "x.png", "-f", "pdf"], "disputas: error: -o x.png names "
             "a PNG file, but -f asks for PDF: make the two agree\n"),
            (["-o", "x.pdf", "--trace"], "disputas: error: -o x.pdf names a "
             "PDF file, but --trace asks for trace: make the two agree\n")):
        proc = c.run(["render", "doc.yaml"] + args)
        c.expect_run(proc, 2, message + "Try 'disputas --help'.\n",
                     " ".join(args))
    c.expect(os.listdir(c.work) == ["doc.yaml"], "a refused -o wrote a file")
    # Agreeing, or no extension at all (a PDF).
    c.expect_run(c.run(["render", "doc.yaml", "-o", "x.PDF", "-f", "pdf"]), 0,
                 "wrote x.PDF: 1 page, A4\n", "-o x.PDF -f pdf")
    c.expect_run(c.run(["render", "doc.yaml", "-o", "poster"]), 0,
                 "wrote poster: 1 page, A4\n", "-o poster")
    with open(c.path("poster"), "rb") as f:
        c.expect(f.read(5) == b"%PDF-", "-o poster is not a PDF")


def case_build_layouts(c):
    """build -l makes the layouts named, each file named after its layout."""
    c.write("doc.yaml", DOC)
    shutil.copy(os.path.join(c.root, "layouts", "poster.yaml"),
                c.path("notice.yaml"))
    proc = c.run(["build", "doc.yaml", "-l", "booklet", "-l", "./notice.yaml"])
    c.expect_run(proc, 0,
                 "wrote ./doc.ics: the events as a calendar\n"
                 "wrote ./doc.booklet.pdf: 4 pages, A5\n"
                 "wrote ./doc.notice.pdf: 1 page, A4\n", "build -l -l")
    c.expect(sorted(os.listdir(c.work)) ==
             ["doc.booklet.pdf", "doc.ics", "doc.notice.pdf", "doc.yaml",
              "notice.yaml"], "build -l made other files")
    proc = c.run(["build", "doc.yaml", "-l", "poster", "-l", "sub/poster.yml"])
    c.expect_run(proc, 2, re.compile(r"layouts 'poster' and 'sub/poster.yml' "
                                     r"would write the same files"), "same stem")
    proc = c.run(["build", "doc.yaml", "-l", "postr"])
    c.expect_run(proc, 1, re.compile("postr"), "an unknown layout")


CASES = {
    "stdin": case_stdin,
    "stdout": case_stdout,
    "outdir": case_outdir,
    "summary": case_summary,
    "colour": case_colour,
    "help-version": case_help_version,
    "extension": case_extension,
    "build-layouts": case_build_layouts,
}


def main():
    if len(sys.argv) != 5 or sys.argv[4] not in CASES:
        sys.exit(__doc__ + "\ncases: " + " ".join(CASES))
    disputas, root, work, name = sys.argv[1:]
    work = os.path.join(work, name)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    c = Case(os.path.abspath(disputas), root, work)
    CASES[name](c)
    for f in c.failures:
        print("FAIL:", f)
    sys.exit(1 if c.failures else 0)


if __name__ == "__main__":
    main()
