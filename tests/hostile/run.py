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

    def run(self, args, timeout=30, cwd=None, stdin=subprocess.DEVNULL):
        """Runs DISPUTAS ARGS; a run that outlasts `timeout` seconds (of
        wall time: these cases hang rather than run slowly) fails."""
        try:
            return subprocess.run(
                [self.disputas] + args, cwd=cwd or self.folder,
                stdin=stdin, stdout=subprocess.PIPE,
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


# ---- Confinement ---------------------------------------------------------

SECRET = "root:x:0:0:root:/root:/bin/bash\nsecret-line: hunter2\n"


def extends_elsewhere(c):
    """`extends` reaches only built-in layouts and files beside the layout:
    an absolute path or a path through folders is refused unread."""
    c.write("doc.yaml", MINIMAL)
    c.write("secret/passwd.yaml", SECRET)
    for target in ["/etc/passwd", "secret/passwd.yaml", "../x.yaml"]:
        c.write("ext.yaml", "layout: 1\nextends: %s\n" % target)
        proc = c.run(["check", "doc.yaml", "-l", "ext.yaml",
                      "--diagnostics=json"])
        c.expect_status(proc, 1)
        c.expect_message(proc, "'extends' names a built-in layout or a "
                         "layout file in this layout's folder")
        c.expect(b"root:x" not in proc.stderr, "the file was quoted")


def extends_not_a_layout(c):
    """A file beside the layout that is not one is named, never quoted
    (all of /etc/passwd once came back in one message)."""
    c.write("doc.yaml", MINIMAL)
    c.write("passwd.yaml", "root:x:0:0:root:/root:/bin/bash\n"
                           "daemon:x:1:1:daemon:/usr/sbin\n")
    c.write("ext.yaml", "layout: 1\nextends: passwd.yaml\n")
    for form in ["text", "json"]:
        proc = c.run(["check", "doc.yaml", "-l", "ext.yaml",
                      "--diagnostics=" + form])
        c.expect_status(proc, 1)
        c.expect_message(proc, "a layout must be a map of keys")
        c.expect(b"root:x" not in proc.stderr and b"daemon" not in proc.stderr,
                 "the file was quoted:\n" + proc.stderr.decode())


def png_bytes(rgb, side=8):
    """A `side`-pixel square PNG of one colour."""
    import struct
    import zlib
    raw = b"".join(b"\x00" + bytes(rgb) * side for _ in range(side))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    return (b"\x89PNG\r\n\x1a\n" +
            chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def with_photo(path):
    return MINIMAL.replace("  name: Maren Tollefsen Eide\n",
                           "  name: Maren Tollefsen Eide\n"
                           "  photo: %s\n" % path)


def root_images(c):
    """With --root, an image is named relative to the document and must
    lie inside the root as written and with links followed, and be a
    regular file; each refusal is an error at the line that names it."""
    c.write("outside/secret.png", png_bytes((255, 0, 0)), "wb")
    c.write("root/ok.png", png_bytes((0, 128, 0)), "wb")
    os.symlink(c.path("outside/secret.png"), c.path("root/link.png"))
    os.mkfifo(c.path("root/fifo.png"))
    cases = [
        (c.path("outside/secret.png"), "is an absolute path"),
        ("../outside/secret.png", "is outside the root folder"),
        ("link.png", "is outside the root folder (through a symbolic link)"),
        ("fifo.png", "is not a regular file"),
    ]
    for name, problem in cases:
        c.write("root/doc.yaml", with_photo(name))
        proc = c.run(["check", "--root", "root", "root/doc.yaml"])
        c.expect_status(proc, 1)
        c.expect_message(proc, "doc.yaml:5:10: error: 'photo': "
                         "image '%s' %s" % (name, problem))
        # Without a root the same names are read (the FIFO aside).
        if name != "fifo.png":
            proc = c.run(["check", "root/doc.yaml"])
            c.expect_status(proc, 0)
    # Inside the root, through `..` that stays in it, is fine; so is a
    # document on standard input, whose images are the root's.
    c.write("root/sub/doc.yaml", with_photo("../ok.png"))
    proc = c.run(["check", "--root", "root", "root/sub/doc.yaml"])
    c.expect_status(proc, 0)
    with open(c.path("root/doc.yaml"), "w") as f:
        f.write(with_photo("ok.png"))
    with open(c.path("root/doc.yaml")) as f:
        proc = c.run(["check", "--root", "root", "-"], stdin=f)
    c.expect_status(proc, 0)
    proc = c.run(["check", "--root", "nowhere", "root/doc.yaml"])
    c.expect_status(proc, 2)
    c.expect_message(proc, "--root takes a folder, and 'nowhere' is not one")


def root_extends(c):
    """Under --root, the layout file `extends` names beside the layout must
    resolve inside the root: a symbolic link out of it is refused."""
    c.write("root/doc.yaml", MINIMAL)
    c.write("outside/base.yaml", "layout: 1\nextends: poster\n")
    os.symlink(c.path("outside/base.yaml"), c.path("root/base.yaml"))
    c.write("root/ext.yaml", "layout: 1\nextends: base.yaml\n")
    proc = c.run(["check", "--root", "root", "root/doc.yaml", "-l",
                  "root/ext.yaml"])
    c.expect_status(proc, 1)
    c.expect_message(proc, "ext.yaml:2:10: error: the layout 'base.yaml' is "
                     "outside the root folder (through a symbolic link)")
    proc = c.run(["check", "root/doc.yaml", "-l", "root/ext.yaml"])
    c.expect_status(proc, 0)


def count_pixels(ppm, test):
    """Pixels of a binary PPM (pdftoppm's) for which test(r, g, b)."""
    parts = ppm.split(maxsplit=4)
    data = parts[4]
    return sum(1 for i in range(0, len(data) - 2, 3)
               if test(data[i], data[i + 1], data[i + 2]))


def render_logo(c, svg, root=True, command="render"):
    """Renders (or checks) root/doc.yaml, whose logo is root/img/logo.svg
    holding `svg`, to out.pdf; returns the finished process."""
    c.write("root/img/logo.svg", svg)
    return c.run([command] + (["--root", "root"] if root else []) +
                 ["root/doc.yaml"] +
                 (["-o", "out.pdf"] if command == "render" else []))


SVG_HEAD = ('<svg xmlns="http://www.w3.org/2000/svg" '
            'xmlns:xlink="http://www.w3.org/1999/xlink" '
            'xmlns:xi="http://www.w3.org/2001/XInclude" '
            'width="100" height="100">')


def svg_setup(c):
    """Files beside and outside root/img/, where the logo's SVG goes."""
    c.write("outside/red.png", png_bytes((255, 0, 0)), "wb")
    c.write("outside/red.css", "rect { fill: #ff0000; }\n")
    c.write("outside/red.svg", '<svg xmlns="http://www.w3.org/2000/svg">'
            '<rect id="r" width="100" height="100" fill="#ff0000"/></svg>')
    c.write("root/img/sub/red.png", png_bytes((255, 0, 0)), "wb")
    c.write("root/img/sub/red.css", "rect { fill: #ff0000; }\n")
    c.write("root/img/sub/red.svg", '<svg xmlns="http://www.w3.org/2000/svg">'
            '<rect id="r" width="100" height="100" fill="#ff0000"/></svg>')
    c.write("root/doc.yaml", MINIMAL.replace(
        "  name: University of Agder\n",
        "  name: University of Agder\n  logo: img/logo.svg\n"))


def expect_reference_error(c, proc, ref, problem, line=1):
    c.expect_status(proc, 1)
    c.expect_message(proc, "doc.yaml:3:9: error: 'logo': image "
                     "'img/logo.svg' cannot be read: its reference '%s' "
                     "(line %d) %s" % (ref, line, problem))


BLUE_RECT = '<rect width="100" height="100" fill="#0000ff"/>'
# Each way an SVG refers to a file, with %s for the address and the
# kind of file it names.
SVG_FORMS = [
    (SVG_HEAD + '<image xlink:href="%s" width="100" height="100"/></svg>',
     ".png"),
    (SVG_HEAD + '<use href="%s#r"/></svg>', ".svg"),
    (SVG_HEAD + '<xi:include href="%s"/></svg>', ".svg"),
    (SVG_HEAD + '<style>@import url("%s");</style>' + BLUE_RECT + '</svg>',
     ".css"),
    (SVG_HEAD + '<style>@import "%s";</style>' + BLUE_RECT + '</svg>',
     ".css"),
    ('<?xml-stylesheet type="text/css" href="%s"?>\n' + SVG_HEAD +
     BLUE_RECT + '</svg>', ".css"),
    (SVG_HEAD + '<rect width="100" height="100" fill="url(%s#r)"/></svg>',
     ".svg"),
]


def root_svg(c):
    """Each way an SVG logo refers to a file (an image, a <use>, an
    xi:include, a style sheet, a paint server): a file in the SVG's
    folder or below is drawn; one outside it, which librsvg would leave
    out without a word, is an error at the document's line."""
    svg_setup(c)
    red = lambda r, g, b: r > 200 and g < 60 and b < 60
    for form, ext in SVG_FORMS:
        # librsvg takes a paint server from the same file only.
        if "fill=" not in form:
            proc = render_logo(c, form % ("sub/red" + ext))
            c.expect_status(proc, 0)
            ppm = subprocess.run(["pdftoppm", "-r", "30", c.path("out.pdf")],
                                 stdout=subprocess.PIPE, check=True).stdout
            c.expect(count_pixels(ppm, red) > 0,
                     "sub/red%s in %r was not drawn" % (ext, form))
        href = "../../outside/red" + ext
        proc = render_logo(c, form % href, True, "check")
        expect_reference_error(c, proc, href + ("#r" if "%s#r" in form
                                                else ""),
                               "is outside the image's folder")


def svg_references(c):
    """An SVG's reference that librsvg would not draw is an error naming
    it and its line in the SVG, with or without --root: outside the
    folder by `..`, an absolute path or address, or a symbolic link; not
    a file: address; missing; a FIFO (which librsvg would wait on for
    ever).  An <a>'s href is a link for a viewer, not a reference."""
    svg_setup(c)
    os.symlink(c.path("outside/red.png"), c.path("root/img/link.png"))
    os.mkfifo(c.path("root/img/fifo.png"))
    image = SVG_FORMS[0][0]
    outside = "is outside the image's folder"
    for href, problem, roots in [
            ("../../outside/red.png", outside, (True, False)),
            (c.path("outside/red.png"), outside, (False,)),
            ("file://" + c.path("outside/red.png"), outside, (True,)),
            ("link.png", outside, (True,)),
            ("http://127.0.0.1:9/red.png", "is not a file", (True,)),
            ("sub/missing.png", "cannot be read (No such file", (True,)),
            ("fifo.png", "is not a regular file", (True, False))]:
        for root in roots:
            proc = render_logo(c, image % href, root, "check")
            expect_reference_error(c, proc, href, problem)
    # Its line, in an SVG of several.
    proc = render_logo(c, image.replace("<image", "\n<g>\n<image").replace(
        "</svg>", "</g></svg>") % "link.png", True, "check")
    expect_reference_error(c, proc, "link.png", outside, 3)
    proc = render_logo(c, SVG_HEAD + '<a href="https://example.org/">' +
                       BLUE_RECT + '</a></svg>', True, "check")
    c.expect_status(proc, 0)


def svg_links(c):
    """An SVG logo whose shapes are links (<a href>) is drawn, without its
    links: the PDF's links are the layout's.  cairo 1.16 read freed
    memory for such a link drawn in a group, and crashed about one
    render in three; each of a few renders must succeed."""
    svg_setup(c)
    blue = lambda r, g, b: b > 200 and r < 60 and g < 60
    for i in range(3):
        proc = render_logo(c, SVG_HEAD + '<a xlink:href="https://example.org/'
                           'logo">' + BLUE_RECT + '</a></svg>')
        c.expect_status(proc, 0)
        ppm = subprocess.run(["pdftoppm", "-r", "30", c.path("out.pdf")],
                             stdout=subprocess.PIPE, check=True).stdout
        c.expect(count_pixels(ppm, blue) > 0, "the linked logo was not drawn")
        pdf = subprocess.run(["qpdf", "--qdf", "--object-streams=disable",
                              c.path("out.pdf"), "-"],
                             stdout=subprocess.PIPE).stdout
        c.expect(b"example.org/logo" not in pdf,
                 "the SVG's link reached the PDF")



# ---- Bounded work --------------------------------------------------------

def nested_each(c):
    """Six repetitions of a 20-member committee inside each other ask for
    64 million paragraphs from 600 bytes: refused at DP_MAX_EXPANDED_ITEMS,
    at once, not after minutes."""
    members = "".join("  - {role: member, name: Person %d}\n" % i
                      for i in range(20))
    c.write("doc.yaml", MINIMAL + "committee:\n" + members)
    item = '- text: "{name}"\n'
    for depth in range(6):
        item = "- each: committee\n  content:\n" + "".join(
            "    " + line + "\n" for line in item.splitlines())
    layout = ONE_PARAGRAPH.format(text="x").split("        content:\n")[0]
    layout += "        content:\n" + "".join(
        "          " + line + "\n" for line in item.splitlines())
    layout += "sequence: [one]\n"
    c.write("nested.yaml", layout)
    proc = c.run(["check", "doc.yaml", "-l", "nested.yaml"], timeout=20)
    c.expect_status(proc, 1)
    c.expect_message(proc, "error: the layout expands to more than 100000 "
                     "items for this document")


def repeated_summary(c):
    """A summary of 20,000 paragraphs repeated for every pair of 20
    committee members: 8 million paragraphs from a few items, refused at
    DP_MAX_PARAGRAPHS before they are made."""
    members = "".join("  - {role: member, name: Person %d}\n" % i
                      for i in range(20))
    summary = "summary: |\n" + "".join("  p%d\n\n" % i
                                       for i in range(20000))
    c.write("doc.yaml", MINIMAL + "committee:\n" + members + summary)
    layout = ONE_PARAGRAPH.format(text="x").split("        content:\n")[0]
    layout += ("        content:\n"
               "          - each: committee\n"
               "            content:\n"
               "              - each: committee\n"
               "                content:\n"
               "                  - markdown: summary\n"
               "sequence: [one]\n")
    c.write("repeat.yaml", layout)
    proc = c.run(["check", "doc.yaml", "-l", "repeat.yaml"], timeout=20)
    c.expect_status(proc, 1)
    c.expect_message(proc, "error: the layout makes more than 200000 "
                     "paragraphs of this document")


def letter_spacing_huge(c):
    """A letter-spacing of 30,000pt overflowed Pango's units and the text
    vanished: more than an em is an error at its line."""
    c.write("doc.yaml", MINIMAL)
    c.write("spaced.yaml", ONE_PARAGRAPH.format(text="{thesis.title}").replace(
        "size: 11pt}", "size: 11pt, letter-spacing: 30000pt}"))
    proc = c.run(["render", "doc.yaml", "-l", "spaced.yaml", "-o", "out.pdf"])
    c.expect_status(proc, 1)
    c.expect_message(proc, "spaced.yaml:4:58: error: the letter-spacing of "
                     "style 'body' (30000pt) is more than its size (11pt)")
    c.expect(not os.path.exists(c.path("out.pdf")), "out.pdf was written")


def frame_edge_chain(c):
    """Frames whose edges multiply each other's put the text 28 km below
    the page (and further ones at infinity): an error, not a blank page."""
    c.write("doc.yaml", MINIMAL)
    layout = ONE_PARAGRAPH.format(text="{thesis.title}").replace(
        "      - name: main\n",
        "      - {name: a, top: 10mm, height: 10mm}\n"
        "      - {name: b, top: 1000 * top(a), height: 10mm}\n"
        "      - name: main\n        top: 1000 * top(b)\n")
    c.write("chain.yaml", layout)
    proc = c.run(["render", "doc.yaml", "-l", "chain.yaml", "-o", "out.pdf"])
    c.expect_status(proc, 1)
    c.expect_message(proc, "error: this edge comes to 2.83465e+07 pt, beyond "
                     "100000 pt")


def fifo_layout(c):
    """A FIFO nobody writes to, named as the layout, is refused at once
    instead of blocking for ever."""
    c.write("doc.yaml", MINIMAL)
    os.mkfifo(c.path("fifo.yaml"))
    proc = c.run(["check", "doc.yaml", "-l", "fifo.yaml"], timeout=20)
    c.expect_status(proc, 1)
    c.expect_message(proc, "fifo.yaml: error: cannot read the file: it is a "
                     "pipe, not a regular file")


def special_inputs(c):
    """Documents and images must be regular files (disputas(1), Untrusted
    input): a FIFO nobody writes to, a device or /dev/stdin named as the
    document, or a FIFO named as an image without --root, is refused at
    once with the reason, not read for ever; `-` still reads standard
    input."""
    c.write("doc.yaml", MINIMAL)
    os.mkfifo(c.path("fifo.yaml"))
    os.mkfifo(c.path("fifo.png"))
    for name, what in [("fifo.yaml", "a pipe"),
                       ("/dev/zero", "a device or a socket"),
                       ("/dev/null", "a device or a socket")]:
        for command in ("check", "render"):
            proc = c.run([command, name], timeout=20)
            c.expect_status(proc, 1)
            c.expect_message(proc, "%s: error: cannot read the file: it is "
                             "%s, not a regular file" % (name, what))
    read_end, write_end = os.pipe()
    try:
        proc = c.run(["check", "/dev/stdin"], timeout=20, stdin=read_end)
    finally:
        os.close(read_end)
        os.close(write_end)
    c.expect_status(proc, 1)
    c.expect_message(proc, "/dev/stdin: error: cannot read the file: it is "
                     "a pipe, not a regular file")
    c.write("photo.yaml", with_photo("fifo.png"))
    proc = c.run(["check", "photo.yaml"], timeout=20)
    c.expect_status(proc, 1)
    c.expect_message(proc, "photo.yaml:5:10: error: 'photo': image "
                     "'fifo.png' is not a file")
    with open(c.path("doc.yaml")) as f:
        proc = c.run(["check", "-"], stdin=f)
    c.expect_status(proc, 0)


def stdin_layout(c):
    """/dev/stdin as the layout, with standard input a pipe that stays
    open: refused, not read for ever."""
    c.write("doc.yaml", MINIMAL)
    read_end, write_end = os.pipe()
    try:
        proc = c.run(["check", "doc.yaml", "-l", "/dev/stdin"], timeout=20,
                     stdin=read_end)
    finally:
        os.close(read_end)
        os.close(write_end)
    c.expect_status(proc, 1)
    c.expect_message(proc, "/dev/stdin: error: cannot read the file: it is a "
                     "pipe, not a regular file")


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
