#!/usr/bin/env python3
"""Output safety: a failed or killed render never damages an output.

    run.py DISPUTAS NAME

runs case NAME (see CASES) in a temporary folder.  The promises tested
(disputas(1), docs/disputas.1: EXIT STATUS):

  - an output that cannot be written is exit status 3 with a message;
  - a failed run leaves the previous output byte for byte as it was, and no
    temporary file (`.NAME.XXXXXX`) beside it;
  - `-o -` into a closed pipe ends with a non-zero status, without hanging;
  - a render killed with SIGKILL while writing leaves the previous output
    intact and at most its own temporary file, which a later run writing
    the same output removes once it is an hour old.

Exit status 77 (meson's "skipped") when the case cannot be set up here:
read-only folders as root need setpriv(1) to drop CAP_DAC_OVERRIDE.
"""
import os
import resource
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

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

OLD = b"%PDF-1.5\nthe previous output, which must survive\n"

SKIP = 77


def long_doc():
    """A booklet of some 400 pages: writing it takes a good part of a
    second, time enough to kill the process in the middle."""
    sentence = ("Offshore cranes lift *heavy* loads from moving ships, and "
                "the **winch** must follow the waves. ")
    sections = "".join("  ## Section %d\n\n  %s\n\n" % (i, sentence * 6)
                       for i in range(1400))
    return DOC + "summary: |\n" + sections


class Case:
    def __init__(self, disputas, folder):
        self.disputas = disputas
        self.folder = folder
        self.env = dict(os.environ)
        self.env.setdefault("LC_ALL", "C.UTF-8")
        self.problems = []
        self.write("doc.yaml", DOC.encode())

    def write(self, name, data):
        with open(os.path.join(self.folder, name), "wb") as f:
            f.write(data)

    def path(self, *parts):
        return os.path.join(self.folder, *parts)

    def run(self, args, prefix=(), timeout=120, **kwargs):
        """Runs disputas with `args` in the folder; returns the process."""
        kwargs.setdefault("stdout", subprocess.DEVNULL)
        kwargs.setdefault("stderr", subprocess.PIPE)
        proc = subprocess.run(list(prefix) + [self.disputas] + args,
                              cwd=self.folder, env=self.env,
                              stdin=subprocess.DEVNULL, timeout=timeout,
                              **kwargs)
        sys.stdout.write(proc.stderr.decode("utf-8", "replace")
                         if proc.stderr else "")
        return proc

    def expect(self, condition, message):
        if not condition:
            self.problems.append(message)

    def expect_status(self, proc, status):
        self.expect(proc.returncode == status,
                    "exit status %d, expected %d" % (proc.returncode, status))

    def expect_message(self, proc, text):
        stderr = proc.stderr.decode("utf-8", "replace")
        self.expect(text in stderr, "standard error lacks %r" % text)

    def expect_old(self, *parts):
        with open(self.path(*parts), "rb") as f:
            self.expect(f.read() == OLD, "%s was changed" % "/".join(parts))

    def temps(self, *parts, name="out.pdf"):
        folder = self.path(*parts)
        return sorted(n for n in os.listdir(folder)
                      if n.startswith("." + name + "."))

    def expect_no_temp(self, *parts, name="out.pdf"):
        left = self.temps(*parts, name=name)
        self.expect(not left, "temporary files left: %s" % " ".join(left))


def can_drop_dac():
    """Whether setpriv can run a process without CAP_DAC_OVERRIDE."""
    return shutil.which("setpriv") is not None


def no_dac_prefix():
    """A command prefix under which permission bits apply, even to root."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", "--bounding-set",
            "-dac_override,-dac_read_search,-fowner", "--"]


def case_read_only_folder(c):
    if os.geteuid() == 0 and not can_drop_dac():
        return SKIP
    os.mkdir(c.path("ro"))
    c.write("ro/out.pdf", OLD)
    os.chmod(c.path("ro"), 0o555)
    try:
        proc = c.run(["render", "doc.yaml", "-o", "ro/out.pdf"],
                     prefix=no_dac_prefix())
        c.expect_status(proc, 3)
        c.expect_message(proc, "error: cannot write 'ro/out.pdf': "
                         "Permission denied")
        c.expect_old("ro", "out.pdf")
        c.expect(os.listdir(c.path("ro")) == ["out.pdf"],
                 "files appeared in the read-only folder")
    finally:
        os.chmod(c.path("ro"), 0o755)


def case_read_only_folder_new(c):
    """Nothing there before: nothing there after."""
    if os.geteuid() == 0 and not can_drop_dac():
        return SKIP
    os.mkdir(c.path("ro"))
    os.chmod(c.path("ro"), 0o555)
    try:
        proc = c.run(["render", "doc.yaml", "-o", "ro/out.pdf"],
                     prefix=no_dac_prefix())
        c.expect_status(proc, 3)
        c.expect(os.listdir(c.path("ro")) == [],
                 "files appeared in the read-only folder")
    finally:
        os.chmod(c.path("ro"), 0o755)


def case_disk_full(c):
    """The file size limit stands for a full disk: writing the temporary
    file fails part way (EFBIG; SIGXFSZ is ignored, so the write returns
    the error instead of killing the process)."""
    c.write("out.pdf", OLD)

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))

    proc = subprocess.run([c.disputas, "render", "doc.yaml", "-o", "out.pdf"],
                          cwd=c.folder, env=c.env, stdin=subprocess.DEVNULL,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          preexec_fn=limit, timeout=120)
    sys.stdout.write(proc.stderr.decode("utf-8", "replace"))
    c.expect_status(proc, 3)
    c.expect_message(proc, "error: cannot write 'out.pdf': File too large")
    c.expect_old("out.pdf")
    c.expect_no_temp()


def case_dev_full(c):
    """A device is written directly (renaming a file over it would replace
    it): /dev/full fails every write."""
    if not os.path.exists("/dev/full") or \
            not stat.S_ISCHR(os.stat("/dev/full").st_mode):
        return SKIP
    proc = c.run(["render", "doc.yaml", "-o", "/dev/full"])
    c.expect_status(proc, 3)
    c.expect_message(proc, "error: cannot write '/dev/full': No space left "
                     "on device")
    c.expect(stat.S_ISCHR(os.stat("/dev/full").st_mode),
             "/dev/full is no longer a device")
    c.expect(not [n for n in os.listdir("/dev") if n.startswith(".full.")],
             "a temporary file was left in /dev")


def case_missing_folder(c):
    proc = c.run(["render", "doc.yaml", "-o", "no/such/folder/out.pdf"])
    c.expect_status(proc, 3)
    c.expect_message(proc, "error: cannot write 'no/such/folder/out.pdf': "
                     "No such file or directory")
    c.expect(not os.path.exists(c.path("no")), "a folder was created")


def case_folder_as_output(c):
    """-o names an existing folder: an error, the folder untouched."""
    os.mkdir(c.path("out.pdf"))
    c.write("out.pdf/keep", OLD)
    proc = c.run(["render", "doc.yaml", "-o", "out.pdf"])
    c.expect_status(proc, 3)
    c.expect_message(proc, "error: cannot write 'out.pdf': Is a directory")
    c.expect(os.listdir(c.path("out.pdf")) == ["keep"], "the folder changed")
    c.expect_old("out.pdf", "keep")
    c.expect_no_temp()


def release_reader(fifo):
    """Opens and closes the FIFO's writing end if a reader waits for one
    (it then reads an end of file), so that a run that never opened it
    fails the test at once instead of leaving the reader waiting."""
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass  # ENXIO: no reader waits


def case_fifo(c):
    """A FIFO stays a FIFO, and the reader at its other end gets the PDF."""
    fifo = c.path("out.pdf")
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", fifo], stdout=subprocess.PIPE)
    try:
        proc = c.run(["render", "doc.yaml", "-o", "out.pdf"], timeout=60)
    finally:
        release_reader(fifo)
        data = reader.communicate(timeout=60)[0]
    c.expect_status(proc, 0)
    c.expect(stat.S_ISFIFO(os.stat(fifo).st_mode),
             "the FIFO was replaced")
    c.expect(data.startswith(b"%PDF-"), "the reader got no PDF")
    c.expect_no_temp()


def fifo_failed(c, args):
    """A render into a FIFO that fails before writing (exit 1) still opens
    and closes it, so a reader waiting at the other end gets an end of
    file instead of waiting for ever.  Linux reports POLLHUP on a FIFO's
    reading end once a writer has come and gone since it was opened: the
    test holds that end open (non-blocking) and asks, without waiting."""
    fifo = c.path("out.pdf")
    os.mkfifo(fifo)
    fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        proc = c.run(args + ["-o", "out.pdf"], timeout=60)
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLHUP)
        events = dict(poller.poll(0)).get(fd, 0)
        data = os.read(fd, 1 << 16)
    finally:
        os.close(fd)
    c.expect_status(proc, 1)
    c.expect(events & select.POLLHUP,
             "a reader of the FIFO would wait for ever: it was never opened")
    c.expect(data == b"", "the reader got %d bytes" % len(data))
    c.expect(stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO was replaced")


def case_fifo_invalid_document(c):
    """An invalid document (the command line stops before rendering)."""
    c.write("bad.yaml", b"institution: {name: x}\n")
    fifo_failed(c, ["render", "bad.yaml"])


TOO_SMALL = b"""\
layout: 1
name: too-small
page: {size: A5, margins: 15mm}
styles:
  body: {family: Noto Serif, size: 12pt}
templates:
  page:
    frames:
      - name: small
        height: 2mm
        content:
          - text: "{thesis.title}"
sequence: [page]
"""


def case_fifo_render_fails(c):
    """A valid document whose layout fails (the library stops before
    writing: the title does not fit a frame 2 mm tall)."""
    c.write("too-small.yaml", TOO_SMALL)
    fifo_failed(c, ["render", "doc.yaml", "-l", "too-small.yaml"])


def closed_pipe(c, ignore_sigpipe):
    """Standard output is a pipe whose reader has gone: the write fails
    (EPIPE, or SIGPIPE kills the process) and nothing hangs."""
    read_end, write_end = os.pipe()
    os.close(read_end)

    def setup():
        signal.signal(signal.SIGPIPE,
                      signal.SIG_IGN if ignore_sigpipe else signal.SIG_DFL)

    try:
        proc = subprocess.run([c.disputas, "render", "doc.yaml", "-o", "-"],
                              cwd=c.folder, env=c.env,
                              stdin=subprocess.DEVNULL, stdout=write_end,
                              stderr=subprocess.PIPE, preexec_fn=setup,
                              timeout=60)
    finally:
        os.close(write_end)
    sys.stdout.write(proc.stderr.decode("utf-8", "replace"))
    c.expect(proc.returncode != 0, "exit status 0 into a closed pipe")
    if ignore_sigpipe:
        c.expect_status(proc, 3)
        c.expect_message(proc, "error: cannot write to standard output")
    else:
        c.expect(proc.returncode in (3, -signal.SIGPIPE),
                 "exit status %d, expected 3 or SIGPIPE" % proc.returncode)


def case_closed_pipe(c):
    closed_pipe(c, ignore_sigpipe=False)


def case_closed_pipe_sigpipe_ignored(c):
    closed_pipe(c, ignore_sigpipe=True)


def case_success_leaves_no_temp(c):
    c.write("out.pdf", OLD)
    proc = c.run(["render", "doc.yaml", "-o", "out.pdf"])
    c.expect_status(proc, 0)
    with open(c.path("out.pdf"), "rb") as f:
        c.expect(f.read().startswith(b"%PDF-"), "out.pdf is not the new PDF")
    c.expect(sorted(os.listdir(c.folder)) == ["doc.yaml", "out.pdf"],
             "files other than out.pdf were left")


def case_long_name(c):
    """An output name of 254 bytes is valid; its temporary's name
    (8 bytes longer) must not make the write fail."""
    name = "a" * 250 + ".pdf"
    proc = c.run(["render", "doc.yaml", "-o", name])
    c.expect_status(proc, 0)
    c.expect(sorted(os.listdir(c.folder)) == sorted(["doc.yaml", name]),
             "files other than the output were left")


def case_build_all_or_nothing(c):
    """`build` writes all its outputs or none: when one cannot be written
    (here its name is taken by a folder), the others are not written
    either and the previous ones stay as they were."""
    os.mkdir(c.path("out"))
    os.mkdir(c.path("out", "doc.booklet.pdf"))
    c.write("out/doc.poster.pdf", OLD)
    proc = c.run(["build", "doc.yaml", "-d", "out"])
    c.expect_status(proc, 3)
    c.expect_message(proc, "error: cannot write 'out/doc.booklet.pdf': "
                     "Is a directory")
    c.expect_old("out", "doc.poster.pdf")
    c.expect(sorted(os.listdir(c.path("out"))) ==
             ["doc.booklet.pdf", "doc.poster.pdf"],
             "build wrote some of its outputs: %s" %
             " ".join(sorted(os.listdir(c.path("out")))))


def case_build_special_file(c):
    """`build` writes only regular files: an output whose name is taken by
    a FIFO (nobody reading it) or by a link to a device is an error that
    names it, at once, and nothing is written, the FIFO left a FIFO."""
    os.mkdir(c.path("out"))
    for name, make in [("doc.poster.pdf", os.mkfifo),
                       ("doc.ics", lambda p: os.symlink("/dev/null", p))]:
        make(c.path("out", name))
        proc = c.run(["build", "doc.yaml", "-d", "out"], timeout=60)
        c.expect_status(proc, 3)
        c.expect_message(proc, "error: cannot write 'out/%s': it is not a "
                         "regular file (build writes only regular files)"
                         % name)
        c.expect(sorted(os.listdir(c.path("out"))) == [name],
                 "build wrote beside %s: %s" %
                 (name, " ".join(sorted(os.listdir(c.path("out"))))))
        if name.endswith(".pdf"):
            c.expect(stat.S_ISFIFO(os.lstat(c.path("out", name)).st_mode),
                     "the FIFO was replaced")
        os.unlink(c.path("out", name))


def case_build_disk_full(c):
    """`build` on a full disk: nothing written, nothing left."""
    os.mkdir(c.path("out"))
    c.write("out/doc.poster.pdf", OLD)

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))

    proc = subprocess.run([c.disputas, "build", "doc.yaml", "-d", "out"],
                          cwd=c.folder, env=c.env, stdin=subprocess.DEVNULL,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          preexec_fn=limit, timeout=120)
    sys.stdout.write(proc.stderr.decode("utf-8", "replace"))
    c.expect_status(proc, 3)
    c.expect_message(proc, "File too large")
    c.expect_old("out", "doc.poster.pdf")
    c.expect(os.listdir(c.path("out")) == ["doc.poster.pdf"],
             "build left files: %s" % " ".join(os.listdir(c.path("out"))))


def case_invalid_document(c):
    """An invalid document (exit 1) writes nothing either."""
    c.write("bad.yaml", b"institution: {name: x}\n")
    c.write("out.pdf", OLD)
    proc = c.run(["render", "bad.yaml", "-o", "out.pdf"])
    c.expect_status(proc, 1)
    c.expect_old("out.pdf")
    c.expect_no_temp()


def case_sigkill(c):
    """SIGKILL while the PDF is being written: the previous PDF survives
    and at most the killed run's temporary file is left; a later run
    writing the same output removes it once it is an hour old."""
    c.write("long.yaml", long_doc().encode())
    argv = [c.disputas, "render", "long.yaml", "-l", "booklet", "-o", "out.pdf"]

    def start():
        c.write("out.pdf", OLD)
        return subprocess.Popen(argv, cwd=c.folder, env=c.env,
                                stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)

    # Kill once the temporary file exists.  The finished PDF goes into it
    # in one write at the end, so the window is short, and on a loaded
    # machine it can be missed: try a few times.  A run that ends first
    # proves nothing either way, and is simply run again.
    killed = False
    duration = None
    for attempt in range(8):
        began = time.monotonic()
        proc = start()
        deadline = began + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if c.temps():
                proc.send_signal(signal.SIGKILL)
                killed = True
                break
            time.sleep(0.001)
        proc.wait(timeout=60)
        if killed:
            break
        duration = time.monotonic() - began
    if not killed:
        # The write was never caught: kill halfway through the render
        # instead, which must leave the old PDF and no temporary file.
        print("the write was never caught; killing halfway through instead")
        proc = start()
        time.sleep((duration or 1.0) / 2)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        c.expect(proc.returncode == -signal.SIGKILL, "not killed by SIGKILL")
        c.expect_old("out.pdf")
        c.expect_no_temp()
        return
    c.expect(proc.returncode == -signal.SIGKILL, "not killed by SIGKILL")
    c.expect_old("out.pdf")
    left = c.temps()
    print("left after SIGKILL: %s" % (" ".join(left) or "nothing"))
    c.expect(len(left) <= 1, "more than one temporary file left")
    if not left:
        return
    # A fresh temporary file belongs, as far as anyone can tell, to a run
    # still writing: it stays.  An hour-old one is removed.
    proc = c.run(["render", "doc.yaml", "-o", "out.pdf"])
    c.expect_status(proc, 0)
    c.expect(c.temps() == left, "a fresh temporary file was removed")
    old = time.time() - 2 * 3600
    os.utime(c.path(left[0]), (old, old))
    proc = c.run(["render", "doc.yaml", "-o", "out.pdf"])
    c.expect_status(proc, 0)
    c.expect_no_temp()


BUILD_OUTPUTS = ["doc.ics", "doc.poster.pdf", "doc.booklet.pdf",
                 "doc.booklet-print.pdf"]


def case_build_killed_between_renames(c):
    """`build` killed between its renames (strace kills it at its third:
    the list of renames, the calendar, then the poster) leaves the list,
    `.doc.disputas-pending`, and the next build into that folder makes
    every output new.  Skipped without strace or ptrace."""
    if not shutil.which("strace"):
        return SKIP
    probe = subprocess.run(["strace", "-qq", "-e", "trace=none", "true"],
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    if probe.returncode != 0:
        return SKIP
    os.mkdir(c.path("out"))
    for name in BUILD_OUTPUTS:
        c.write(os.path.join("out", name), OLD)
    proc = c.run(["build", "doc.yaml", "-d", "out"],
                 prefix=["strace", "-f", "-qq", "-o", os.devnull,
                         "-e", "trace=rename,renameat,renameat2", "-e",
                         "inject=rename,renameat,renameat2:"
                         "signal=SIGKILL:when=3"])
    c.expect(proc.returncode in (-signal.SIGKILL, 128 + signal.SIGKILL,
                                 signal.SIGKILL),
             "build was not killed (exit status %d)" % proc.returncode)
    old = [n for n in BUILD_OUTPUTS if open(c.path("out", n), "rb").read()
           == OLD]
    print("left old by the kill: %s" % " ".join(old))
    c.expect(0 < len(old) < len(BUILD_OUTPUTS),
             "the kill did not fall between the renames")
    c.expect(os.path.exists(c.path("out", ".doc.disputas-pending")),
             "no list of the pending renames")
    # Another document built into the folder completes the renames.
    c.write("other.yaml", DOC.encode())
    proc = c.run(["build", "other.yaml", "-d", "out"])
    c.expect_status(proc, 0)
    for name in BUILD_OUTPUTS:
        with open(c.path("out", name), "rb") as f:
            data = f.read()
        c.expect(data != OLD, "%s is still the old one" % name)
        if name.endswith(".pdf"):
            c.expect(data.startswith(b"%PDF-"), "%s is not a PDF" % name)
    left = sorted(n for n in os.listdir(c.path("out")) if n.startswith("."))
    c.expect(not left, "left in the folder: %s" % " ".join(left))


def case_build_removes_stale_temps(c):
    """`build` removes its own outputs' temporaries that a killed run left
    over an hour ago, and keeps fresh ones (a run may still be writing)."""
    os.mkdir(c.path("out"))
    stale = os.path.join("out", ".doc.poster.pdf.aB3xYz")
    fresh = os.path.join("out", ".doc.booklet.pdf.Qw9eRt")
    # The list's temporary: `.NAME.XXXXXX` of `.doc.disputas-pending`.
    stale_list = os.path.join("out", "..doc.disputas-pending.Zx81Lm")
    for name in (stale, fresh, stale_list):
        c.write(name, OLD)
    hour_ago = time.time() - 2 * 3600
    os.utime(c.path(stale), (hour_ago, hour_ago))
    os.utime(c.path(stale_list), (hour_ago, hour_ago))
    proc = c.run(["build", "doc.yaml", "-d", "out"])
    c.expect_status(proc, 0)
    c.expect(not os.path.exists(c.path(stale)),
             "an hour-old temporary file was left")
    c.expect(not os.path.exists(c.path(stale_list)),
             "an hour-old temporary list of renames was left")
    c.expect(os.path.exists(c.path(fresh)), "a fresh temporary was removed")


def case_png_pages_of_earlier_run(c):
    """PNG and SVG output replace an earlier render's pages: pages numbered
    after the last one made are removed, up to the first number missing;
    other files stay."""
    for ext in ("png", "svg"):
        for n in (2, 3, 4, 5, 7):
            c.write("pages-%d.%s" % (n, ext), OLD)
        proc = c.run(["render", "doc.yaml", "-o", "pages." + ext])
        c.expect_status(proc, 0)
        made = sorted(n for n in os.listdir(c.folder)
                      if n.startswith("pages-") and n.endswith(ext))
        c.expect(made == ["pages-1.%s" % ext, "pages-7.%s" % ext],
                 "%s pages after a one-page render: %s" % (ext, made))


CASES = {
    "read-only-folder": case_read_only_folder,
    "read-only-folder-new": case_read_only_folder_new,
    "disk-full": case_disk_full,
    "dev-full": case_dev_full,
    "missing-folder": case_missing_folder,
    "folder-as-output": case_folder_as_output,
    "fifo": case_fifo,
    "fifo-invalid-document": case_fifo_invalid_document,
    "fifo-render-fails": case_fifo_render_fails,
    "closed-pipe": case_closed_pipe,
    "closed-pipe-sigpipe-ignored": case_closed_pipe_sigpipe_ignored,
    "success-leaves-no-temp": case_success_leaves_no_temp,
    "long-name": case_long_name,
    "build-all-or-nothing": case_build_all_or_nothing,
    "build-special-file": case_build_special_file,
    "build-disk-full": case_build_disk_full,
    "invalid-document": case_invalid_document,
    "sigkill": case_sigkill,
    "build-killed-between-renames": case_build_killed_between_renames,
    "build-removes-stale-temps": case_build_removes_stale_temps,
    "png-pages-of-earlier-run": case_png_pages_of_earlier_run,
}


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in CASES:
        sys.exit(__doc__ + "\ncases: " + " ".join(CASES))
    disputas, name = os.path.abspath(sys.argv[1]), sys.argv[2]
    folder = tempfile.mkdtemp(prefix="disputas-output-")
    try:
        c = Case(disputas, folder)
        if CASES[name](c) == SKIP:
            print("skipped: cannot be set up here")
            sys.exit(SKIP)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for p in c.problems:
        print("FAIL: " + p)
    sys.exit(1 if c.problems else 0)


if __name__ == "__main__":
    main()
