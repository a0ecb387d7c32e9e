#!/usr/bin/env python3
"""The print hand-off, read back from the files (suite 'print').

    print.py DISPUTAS SOURCE_ROOT WORKDIR CASE

Renders from SOURCE_ROOT with SOURCE_DATE_EPOCH fixed, into WORKDIR, and
reads the PDFs back with qpdf's JSON (`qpdf --json`), pdfinfo and
`qpdf --check`, and PNGs with the small decoder below.  Cases:

  boxes          MediaBox, BleedBox, TrimBox (and CropBox, if any) of every
                 page: office output by default (each page its trim: A4,
                 A5, and A4 landscape sheets with the two A5 pages centred
                 on them), press output (--press, `press: true`: the trim
                 at the bleed's offset), and with marks (a 10 mm slug;
                 imposed sheets centred on SRA3)
  fields         /Lang from the document, a two-string /ID that is stable
                 and differs between documents, "D:" dates from
                 SOURCE_DATE_EPOCH
  reproducible   every product rendered twice (with marks) is the same
                 bytes, to a file and to standard output
  tagged         every product is tagged, imposed sheets too (pdfinfo), in
                 office, press and PDF/A output; its structure tree agrees
                 with its content: every MCID an element references is in
                 its page's content once, every MCID there is referenced,
                 the parent tree and /StructParents lead back to the same
                 elements, /MarkInfo and /Lang in the catalog, /Tabs /S
                 on pages with links; qpdf finds
                 nothing to repair in any file
  marks          crop marks drawn dark beyond the bleed at the trim's
                 corners, registration targets at the middle of each side
                 (of each page on sheets), fold marks at the sheet's centre; the bleed and
                 the trim around the corners untouched; no marks unasked
  pdfx           press output is PDF/X-4: PDF 1.6, an output intent whose
                 profile is the configured ICC file, Info's GTS_PDFXVersion
                 and Trapped, XMP with the PDF/X identification, no
                 annotations (links are plain text), every font embedded;
                 qpdf --check and Ghostscript (reading it, and converting it
                 with -dPDFX to its PDF/X-3 in CMYK, the registration
                 colour kept as a separation) find no error; office output has XMP too, and
                 keeps its links, without the output intent
  registration   marks in a PDF are in registration colour (/Separation
                 /All), black when drawn; none in office output
  press-cmyk     --press-profile cmyk (and a layout's press-profile):
                 the output intent has Ghostscript's CMYK profile (N 4),
                 black and grey text and rules are the K ink alone
                 (0 0 0 1-v k), the poster, booklet and imposed booklet
                 drawn as with the sRGB profile (greys a little lighter,
                 as the press prints K), qpdf --check and Ghostscript's
                 reading and -dPDFX conversion clean; the options win
                 over the layout; a profile that cannot be used is an
                 error that writes nothing
  pure-black     press output sets black text and rules as DeviceGray 0
                 and every RGB grey (R = G = B) as DeviceGray at its level
                 (the content streams read back with qpdf: every text-showing
                 operator and rule in black follows `0 g` or `0 G`), leaves
                 near-black and colours in RGB, keeps RGB with
                 `pure-black: false` and in office output, and draws the
                 same pixels either way; so too the built-in poster and
                 booklet, whose ink is the grey #1b1b1b
  jpeg-colour    CMYK and grey JPEGs made by make-jpeg (--make-jpeg=PATH),
                 with and without their ICC profiles: embedded as they are
                 with the profile as /ICCBased, inverted CMYK decoded, and
                 drawn in their colours by poppler and in PNG output
  press-images   preflight of press output names each RGB image's profile
                 (a note: a JPEG's embedded ICC description, or "no
                 profile, assumed sRGB") and warns of a CMYK JPEG without a
                 profile (not with --press-profile cmyk), at the layout's image item with a note at the
                 document's line; CMYK and grey with profiles, and office
                 output, get neither (JPEGs made by make-jpeg)
  summary        render --preflight reports one summary line a product;
                 every field is checked against the PDF read back on its
                 own: pages, trim and bleed (pdfinfo -box), fonts and
                 embedding (pdffonts), lowest image resolution (pdfimages
                 -list), colour spaces and smallest text size (the
                 content streams and resources through qpdf), for office
                 and press output, imposed, with marks, with a photo
  lazy-qpdf      LD_DEBUG=libs: libqpdf is loaded for PDF output only, never
                 by check, PNG or SVG
  preflight-NAME tests/print/preflight-NAME.yaml checked with --preflight
                 against docs/preflight.yaml: stderr is exactly
                 preflight-NAME.stderr (and the same from a render when the
                 layout asks for preflight itself, then its summary line)
  small-text     text under 6 pt is a warning without --preflight, from
                 check and render
  fonts          a bundled font whose licence forbids embedding (fsType 2,
                 patched into a copy) is reported by preflight
  samples        every sample in every built-in layout passes
                 `check --preflight --werror`

Prints TAP.  Regenerate a preflight case's .stderr with
`print.py DISPUTAS SOURCE_ROOT WORKDIR preflight-NAME --regenerate` and
review the diff.
"""
import difflib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zlib

EPOCH = "1700000000"          # 2023-11-14T22:13:20Z
PDF_DATE = "D:20231114221320Z"
MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
A5 = (148 * MM, 210 * MM)
SRA3 = (450 * MM, 320 * MM)   # landscape
BLEED = 3 * MM                # the built-in layouts' bleed
SLUG = 10 * MM                # render.h: DP_MARK_SLUG
MARK_OFFSET = 3 * MM          # DP_MARK_OFFSET
MARK_LENGTH = 5 * MM          # DP_MARK_LENGTH

results = []


def check(ok, name, detail=""):
    results.append((bool(ok), name, detail))
    return ok


class Runner:
    def __init__(self, disputas, root, work):
        self.disputas = os.path.abspath(disputas)
        self.root = root
        self.work = work
        self.env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH, LC_ALL="C.UTF-8")

    def run(self, args, env=None, check_status=True):
        proc = subprocess.run([self.disputas] + args, cwd=self.root,
                              env=env or self.env, capture_output=True)
        if check_status and proc.returncode != 0:
            raise RuntimeError("disputas %s: exit %d\n%s" % (
                " ".join(args), proc.returncode,
                proc.stderr.decode("utf-8", "replace")))
        return proc

    def render(self, doc, layout, name, *extra):
        out = os.path.join(self.work, name)
        self.run(["render", doc, "-l", layout, "-o", out] + list(extra))
        return out


# ---- Reading PDFs --------------------------------------------------------

class Pdf:
    """A PDF's objects through `qpdf --json` (JSON version 2)."""

    def __init__(self, path):
        proc = subprocess.run(["qpdf", "--json", "--json-key=qpdf", path],
                              capture_output=True, check=True)
        qpdf = json.loads(proc.stdout)["qpdf"][1]
        self.objects = {k[4:]: v for k, v in qpdf.items()
                        if k.startswith("obj:")}
        self.trailer = qpdf["trailer"]["value"]

    def get(self, value):
        """Resolves an indirect reference ("12 0 R")."""
        if isinstance(value, str) and re.fullmatch(r"\d+ \d+ R", value):
            obj = self.objects[value]
            return obj.get("value", obj.get("stream", {}).get("dict"))
        return value

    @property
    def root(self):
        return self.get(self.trailer["/Root"])

    @property
    def info(self):
        return self.get(self.trailer["/Info"])

    def pages(self):
        out = []

        def walk(node):
            node = self.get(node)
            if node.get("/Type") == "/Pages":
                for kid in node["/Kids"]:
                    walk(kid)
            else:
                out.append(node)
        walk(self.root["/Pages"])
        return out


def text_of(value):
    """A PDF string from qpdf's JSON ("u:text" or "b:hex")."""
    if value.startswith("u:"):
        return value[2:]
    if value.startswith("b:"):
        return bytes.fromhex(value[2:]).decode("latin-1")
    return value


def same_box(got, want):
    return (isinstance(got, list) and len(got) == 4 and
            all(abs(float(g) - w) < 0.01 for g, w in zip(got, want)))


def expect_boxes(pdf, label, trim_w, trim_h, margin, bleed, media=None):
    """Every page's boxes: the trim `margin` from the media's edges, or
    centred on a `media` of (width, height)."""
    media_w, media_h = media or (trim_w + 2 * margin, trim_h + 2 * margin)
    x, y = (media_w - trim_w) / 2, (media_h - trim_h) / 2
    media_box = [0, 0, media_w, media_h]
    bleed_box = [x - bleed, y - bleed, x + trim_w + bleed, y + trim_h + bleed]
    trim = [x, y, x + trim_w, y + trim_h]
    pages = pdf.pages()
    check(pages, label + ": has pages")
    for i, page in enumerate(pages, 1):
        for key, want in (("/MediaBox", media_box), ("/BleedBox", bleed_box),
                          ("/TrimBox", trim)):
            got = page.get(key)
            check(same_box(got, want), "%s page %d %s" % (label, i, key),
                  "got %s, want %s" % (got, [round(v, 3) for v in want]))
        # A CropBox, if any, never hides the bleed.
        crop = page.get("/CropBox")
        check(crop is None or (
            float(crop[0]) <= bleed_box[0] + 0.01 and
            float(crop[1]) <= bleed_box[1] + 0.01 and
            float(crop[2]) >= bleed_box[2] - 0.01 and
            float(crop[3]) >= bleed_box[3] - 0.01),
            "%s page %d: no CropBox inside the bleed" % (label, i),
            "CropBox %s" % crop)


def words_of(path, page):
    """(xMin, yMin, word) of every word on `page` (1-based), pdftotext."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l",
                           str(page), path, "-"], capture_output=True,
                          text=True, check=True).stdout
    return [(float(m.group(1)), float(m.group(2)), m.group(3)) for m in
            re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" '
                        r'xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>', html)]


def case_boxes(r):
    seed = "samples/seed.yaml"
    # Office output, the default: each page is its trim.
    pdf = Pdf(r.render(seed, "poster", "poster.pdf"))
    expect_boxes(pdf, "poster", A4[0], A4[1], 0, 0)
    pdf = Pdf(r.render(seed, "booklet", "booklet.pdf"))
    expect_boxes(pdf, "booklet", A5[0], A5[1], 0, 0)
    pdf = Pdf(r.render(seed, "booklet-print", "sheets.pdf"))
    expect_boxes(pdf, "booklet-print", A4[1], A4[0], 0, 0)
    # ...with the two A5 pages centred: page 1 is sheet 1's right half,
    # half a millimetre in from the sheet's left edge plus one page.
    gap = (A4[1] - 2 * A5[0]) / 2
    page = words_of(os.path.join(r.work, "booklet.pdf"), 1)
    sheet = words_of(os.path.join(r.work, "sheets.pdf"), 1)
    placed = [(x - gap - A5[0], y, w) for x, y, w in sheet
              if x > gap + A5[0] - 1]
    check(page and len(placed) == len(page) and all(
        abs(a[0] - b[0]) < 0.05 and abs(a[1] - b[1]) < 0.05 and a[2] == b[2]
        for a, b in zip(page, placed)),
        "booklet-print: page 1 at the sheet's centre line, 0.5 mm from "
        "the edge", "page %s\nsheet %s" % (page[:3], placed[:3]))
    # Press output: the bleed around the trim.
    pdf = Pdf(r.render(seed, "poster", "poster-press.pdf", "--press"))
    expect_boxes(pdf, "poster --press", A4[0], A4[1], BLEED, BLEED)
    pdf = Pdf(r.render(seed, "booklet-print", "sheets-press.pdf", "--press"))
    expect_boxes(pdf, "booklet-print --press", 2 * A5[0], A5[1], BLEED,
                 BLEED)
    pdf = Pdf(r.render(seed, "tests/print/press.yaml", "press-key.pdf"))
    expect_boxes(pdf, "press: true", A4[0], A4[1], BLEED, BLEED)
    # Marks: press output in a slug; imposed sheets on SRA3.
    pdf = Pdf(r.render(seed, "poster", "poster-marks.pdf", "--marks"))
    expect_boxes(pdf, "poster with marks", A4[0], A4[1], SLUG, BLEED)
    pdf = Pdf(r.render(seed, "booklet-print", "sheets-marks.pdf", "--marks"))
    expect_boxes(pdf, "booklet-print with marks", 2 * A5[0], A5[1], SLUG,
                 BLEED, SRA3)
    # The layout key does what the option does.
    pdf = Pdf(r.render(seed, "tests/print/marks.yaml", "marks-key.pdf"))
    expect_boxes(pdf, "marks: true", A5[0], A5[1], SLUG, BLEED)


def case_fields(r):
    ids = {}
    for doc, layout, lang in (("samples/seed.yaml", "poster", "en"),
                              ("samples/nynorsk.yaml", "booklet", "nn"),
                              ("tests/print/docs/structure.yaml", "booklet",
                               "en-GB"),
                              ("samples/bokmal.yaml", "booklet-print", "nb")):
        name = os.path.basename(doc) + "." + layout
        pdf = Pdf(r.render(doc, layout, name + ".pdf"))
        got = pdf.root.get("/Lang")
        check(got is not None and text_of(got) == lang, name + ": /Lang",
              "got %r, want %r" % (got, lang))
        for key in ("/CreationDate", "/ModDate"):
            got = pdf.info.get(key)
            check(got is not None and text_of(got) == PDF_DATE,
                  name + ": " + key, "got %r, want %r" % (got, PDF_DATE))
        pair = pdf.trailer.get("/ID")
        ok = (isinstance(pair, list) and len(pair) == 2 and
              all(re.fullmatch(r"b:[0-9a-f]{32}", s) for s in pair))
        check(ok, name + ": /ID is two 16-byte strings", "got %r" % pair)
        again = Pdf(r.render(doc, layout, name + ".again.pdf")).trailer.get("/ID")
        check(again == pair, name + ": /ID is the same on a second render",
              "%r then %r" % (pair, again))
        ids[name] = pair
    firsts = [p[0] for p in ids.values() if p]
    check(len(set(firsts)) == len(firsts), "different files, different /IDs",
          repr(ids))


def case_reproducible(r):
    for layout in ("poster", "booklet", "booklet-print"):
        a = r.render("samples/seed.yaml", layout, layout + "-1.pdf", "--marks")
        b = r.render("samples/seed.yaml", layout, layout + "-2.pdf", "--marks")
        with open(a, "rb") as f:
            first = f.read()
        with open(b, "rb") as f:
            second = f.read()
        check(first == second, layout + ": two renders, the same bytes",
              "%d and %d bytes" % (len(first), len(second)))
        stdout = r.run(["render", "samples/seed.yaml", "-l", layout,
                        "--marks", "-o", "-"]).stdout
        check(stdout == first, layout + ": standard output, the same bytes")


class Objects:
    """Every object of a PDF, streams with their decoded data (base64 in
    qpdf's JSON), for following the structure tree into the content."""

    def __init__(self, path):
        import base64
        proc = subprocess.run(["qpdf", "--json", "--json-key=qpdf",
                               "--json-stream-data=inline",
                               "--decode-level=generalized", path],
                              capture_output=True, check=True)
        qpdf = json.loads(proc.stdout)["qpdf"][1]
        self.values, self.data = {}, {}
        for key, obj in qpdf.items():
            if not key.startswith("obj:"):
                continue
            ref = key[4:]
            if "stream" in obj:
                self.values[ref] = obj["stream"]["dict"]
                self.data[ref] = base64.b64decode(obj["stream"].get("data",
                                                                    ""))
            else:
                self.values[ref] = obj.get("value")
        self.trailer = qpdf["trailer"]["value"]

    def get(self, value):
        if isinstance(value, str) and re.fullmatch(r"\d+ \d+ R", value):
            return self.values.get(value)
        return value

    def as_list(self, value):
        """An array's items (an indirect array resolved), else the value
        alone (a reference kept)."""
        resolved = self.get(value)
        if isinstance(resolved, list):
            return resolved
        return [] if value is None else [value]


def marked_content(data):
    """The MCIDs of a content stream's marked-content sequences in order
    (`/Tag << /MCID n >> BDC`), and whether its BDC/BMC and EMC
    balance."""
    ids, operands, depth, balanced = [], [], 0, True
    for m in CONTENT_TOKEN.finditer(data):
        t = m.group(0)
        if t.startswith(b"%"):
            continue
        if not re.fullmatch(rb"[A-Za-z'\"*]+", t):
            operands.append(t)
            continue
        if t in (b"BDC", b"BMC"):
            depth += 1
            for a, b in zip(operands, operands[1:]):
                if a == b"/MCID":
                    ids.append(int(b))
        elif t == b"EMC":
            depth -= 1
            balanced = balanced and depth >= 0
        operands = []
    return ids, balanced and depth == 0


def number_tree(pdf, node, out, depth=0):
    """A number tree's {key: value}, its /Kids followed."""
    node = pdf.get(node) or {}
    nums = node.get("/Nums", [])
    for i in range(0, len(nums) - 1, 2):
        out[nums[i]] = nums[i + 1]
    for kid in node.get("/Kids", []) if depth < 16 else []:
        number_tree(pdf, kid, out, depth + 1)
    return out


def check_structure(path, label):
    """The structure tree against the content, PDF 32000-1 14.7: the
    catalog marked and in a language; every element's parent its /P;
    every marked-content reference (an integer or an MCR, on the page its
    /Pg or its element's names) found once in that page's content, and
    every MCID of a page's content referenced by one element; the page's
    /StructParents entry of the parent tree listing, at each MCID, that
    element; each OBJR's annotation naming its element through
    /StructParent, and a page with links taking them in the structure's
    order (/Tabs /S); no MCID inside a form XObject (its content is not
    the page's; PDF 14.7.4.3 would need the form's own
    /StructParents)."""
    pdf = Objects(path)
    root = pdf.get(pdf.trailer["/Root"])
    mark = pdf.get(root.get("/MarkInfo")) or {}
    check(mark.get("/Marked") is True, label + ": /MarkInfo /Marked true",
          repr(mark))
    check(root.get("/Lang", "").startswith("u:") and len(root["/Lang"]) > 2,
          label + ": the catalog has /Lang", repr(root.get("/Lang")))
    tree = pdf.get(root.get("/StructTreeRoot"))
    if not check(tree, label + ": a structure tree"):
        return
    parents = number_tree(pdf, tree.get("/ParentTree"), {})

    page_refs = []

    def walk_page_refs(ref, depth=0):
        node = pdf.get(ref)
        if node.get("/Type") == "/Pages" and depth < 16:
            for kid in node["/Kids"]:
                walk_page_refs(kid, depth + 1)
        else:
            page_refs.append(ref)
    walk_page_refs(root["/Pages"])

    # The content's MCIDs, per page.
    content = {}
    for number, ref in enumerate(page_refs, 1):
        page = pdf.get(ref)
        data = b"\n".join(pdf.data.get(c, b"")
                          for c in pdf.as_list(page.get("/Contents")))
        ids, balanced = marked_content(data)
        check(balanced, "%s page %d: marked content balanced" % (label,
                                                                  number))
        check(len(ids) == len(set(ids)),
              "%s page %d: no MCID twice" % (label, number), repr(ids))
        content[ref] = ids
    forms = [ref for ref, v in pdf.values.items()
             if isinstance(v, dict) and v.get("/Subtype") == "/Form" and
             marked_content(pdf.data.get(ref, b""))[0]]
    check(not forms, label + ": no marked content inside a form XObject",
          repr(forms))

    # The tree's references to them.
    referenced, links, wrong = {}, {}, []

    def walk(ref, parent, depth):
        elem = pdf.get(ref)
        if not isinstance(elem, dict) or depth > 64:
            wrong.append("%s is not an element" % ref)
            return
        if parent is not None and elem.get("/P") != parent:
            wrong.append("%s's /P is %s, not %s" % (ref, elem.get("/P"),
                                                    parent))
        for kid in pdf.as_list(elem.get("/K")):
            node = pdf.get(kid)
            if isinstance(node, int):
                referenced.setdefault((elem.get("/Pg"), node), []).append(ref)
            elif isinstance(node, dict) and node.get("/Type") == "/MCR":
                if "/Stm" in node:
                    wrong.append("%s: an MCR into a stream" % ref)
                page = node.get("/Pg", elem.get("/Pg"))
                referenced.setdefault((page, node.get("/MCID")),
                                      []).append(ref)
            elif isinstance(node, dict) and node.get("/Type") == "/OBJR":
                links.setdefault(node.get("/Obj"), []).append(ref)
            elif isinstance(node, dict) and "/S" in node:
                walk(kid, ref, depth + 1)
            else:
                wrong.append("%s: a kid %r" % (ref, kid))
    for kid in pdf.as_list(tree.get("/K")):
        walk(kid, None, 0)
    check(not wrong, label + ": every element is its kids' /P", "\n".join(
        wrong[:10]))
    missing = ["page %s MCID %s" % key for key in referenced
               if key[0] not in content or key[1] not in content[key[0]]]
    check(referenced and not missing,
          label + ": every MCID referenced is in its page's content",
          "\n".join(missing[:10]))
    twice = ["page %s MCID %s: %s" % (k[0], k[1], v)
             for k, v in referenced.items() if len(v) > 1]
    check(not twice, label + ": every MCID referenced once",
          "\n".join(twice[:10]))
    orphans = ["page %s MCID %d" % (ref, i) for ref, ids in content.items()
               for i in ids if (ref, i) not in referenced]
    check(not orphans, label + ": every MCID of the content in the tree",
          "\n".join(orphans[:10]))

    # The parent tree: the way back from the content to the elements.
    keys, bad, tabs = [], [], []
    for number, ref in enumerate(page_refs, 1):
        page = pdf.get(ref)
        if content[ref]:
            keys.append(page.get("/StructParents"))
        array = pdf.as_list(parents.get(page.get("/StructParents")))
        for mcid in content[ref]:
            owner = array[mcid] if mcid < len(array) else None
            if [owner] != referenced.get((ref, mcid)):
                bad.append("page %d MCID %d: parent tree %s, tree %s" % (
                    number, mcid, owner, referenced.get((ref, mcid))))
        for annot_ref in pdf.as_list(page.get("/Annots")):
            annot = pdf.get(annot_ref)
            if annot_ref not in links:
                if annot.get("/Subtype") == "/Link":
                    bad.append("page %d: link %s not in the tree" % (
                        number, annot_ref))
                continue
            key = annot.get("/StructParent")
            keys.append(key)
            if page.get("/Tabs") != "/S":
                tabs.append("page %d: /Tabs %s" % (number,
                                                   page.get("/Tabs")))
            if [parents.get(key)] != links[annot_ref]:
                bad.append("page %d: link %s's /StructParent %s is %s, "
                           "not %s" % (number, annot_ref, key,
                                       parents.get(key), links[annot_ref]))
    check(not bad, label + ": the parent tree gives each MCID and link its "
          "element", "\n".join(bad[:10]))
    check(not tabs, label + ": pages with links take them in the "
          "structure's order (/Tabs /S)", "\n".join(tabs[:10]))
    check(None not in keys and len(keys) == len(set(keys)) and
          set(keys) <= set(parents),
          label + ": /StructParents and /StructParent keys are distinct "
          "entries of the parent tree", repr(keys))
    after = tree.get("/ParentTreeNextKey")
    check(after is None or all(k < after for k in parents),
          label + ": /ParentTreeNextKey after every key", repr(after))


def case_tagged(r):
    """Every product is tagged, the imposed booklet too (its tree in the
    booklet's reading order: test-structure.c), with a structure tree
    that agrees with its content (check_structure), in office, press and
    PDF/A output; qpdf finds nothing to repair."""
    for doc, layout, extra in (
            ("samples/seed.yaml", "poster", ["--marks"]),
            ("samples/seed.yaml", "booklet", ["--marks"]),
            ("tests/print/docs/structure.yaml", "poster", ["--marks"]),
            ("samples/seed.yaml", "booklet-print", ["--marks"]),
            ("samples/logo-photo.yaml", "booklet", []),
            ("samples/logo-photo.yaml", "booklet-print", []),
            ("samples/full.yaml", "booklet-print", []),
            ("samples/arabic.yaml", "booklet-print", []),
            ("tests/print/docs/long-list.yaml", "booklet", []),
            ("tests/print/docs/long-list.yaml", "booklet-print", []),
            ("samples/full.yaml", "booklet-print", ["--press"]),
            ("samples/logo-photo.yaml", "booklet-print", ["--pdfa"])):
        label = "%s %s %s" % (doc, layout, " ".join(extra))
        path = r.render(doc, layout, "tagged-%s-%s%s.pdf" % (
            os.path.basename(doc), layout, "".join(extra)), *extra)
        info = subprocess.run(["pdfinfo", path], capture_output=True,
                              text=True, check=True).stdout
        got = re.search(r"^Tagged:\s+(\w+)", info, re.M)
        check(got and got.group(1) == "yes",
              "%s: pdfinfo says Tagged: yes" % label,
              got.group(0) if got else info)
        proc = subprocess.run(["qpdf", "--check", path], capture_output=True,
                              text=True)
        check(proc.returncode == 0 and "WARNING" not in proc.stdout +
              proc.stderr, "%s: qpdf --check is clean" % label,
              proc.stdout + proc.stderr)
        check_structure(path, label)


def case_full_page_fill(r):
    """A first page that is only a fill from edge to edge, in a size of
    whole points: the PDF is made (it failed as a write error), tagged,
    with both pages and the title on the second."""
    path = r.render("samples/minimal.yaml", "tests/print/full-page-fill.yaml",
                    "full-page-fill.pdf")
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True,
                          check=True).stdout
    check(re.search(r"^Pages:\s+2$", info, re.M) is not None,
          "two pages", info)
    check(re.search(r"^Tagged:\s+yes$", info, re.M) is not None,
          "tagged", info)
    text = subprocess.run(["pdftotext", "-f", "2", "-l", "2", path, "-"],
                          capture_output=True, text=True, check=True).stdout
    check("Wind, Waves and Winches" in " ".join(text.split()),
          "the title on page 2", text)
    proc = subprocess.run(["qpdf", "--check", path], capture_output=True,
                          text=True)
    check(proc.returncode == 0 and "WARNING" not in proc.stdout +
          proc.stderr, "qpdf --check is clean", proc.stdout + proc.stderr)


# ---- Reading PNGs --------------------------------------------------------

def unfilter(kind, line, prev, bpp):
    """Undoes PNG filter `kind` of `line` in place (`prev`: the row above,
    already undone)."""
    for i in range(len(line)):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if kind == 1:
            line[i] = (line[i] + a) & 255
        elif kind == 2:
            line[i] = (line[i] + b) & 255
        elif kind == 3:
            line[i] = (line[i] + (a + b) // 2) & 255
        elif kind == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
            line[i] = (line[i] + pred) & 255


def read_png(path):
    """(width, height, rows of RGB bytes) of an 8-bit RGB or RGBA PNG."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), (depth, colour)
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    zero = bytes(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        # Fast paths for the rows most of a page is made of (blank paper:
        # libpng filters them to zeros), and for Up filtering; the loop
        # below, byte by byte, took minutes at 300 dpi under load.
        if kind == 0:
            pass
        elif kind == 2 and line == zero:
            line = bytearray(prev)
        elif kind == 2:
            line = bytearray((x + p) & 255 for x, p in zip(line, prev))
        elif kind == 1 and line[bpp:] == zero[bpp:]:
            line = line[:bpp] * width
        else:
            unfilter(kind, line, prev, bpp)
        rows.append(bytes(line))
        prev = line
    if bpp == 3:
        return width, height, rows
    return width, height, [rgb_of_rgba(row, width) for row in rows]


def rgb_of_rgba(row, width):
    """An RGBA row without its alpha bytes."""
    out = bytearray(width * 3)
    for k in range(3):
        out[k::3] = row[k::4]
    return bytes(out)


class Image:
    def __init__(self, path, dpi):
        self.width, self.height, self.rows = read_png(path)
        self.k = dpi / 72.0

    def grey(self, x, y):
        """Mean of R, G, B at the pixel holding point (x, y)."""
        px, py = int(x * self.k), int(y * self.k)
        p = self.rows[py][3 * px:3 * px + 3]
        return sum(p) / 3

    def darkest(self, x0, y0, x1, y1):
        """The darkest pixel in a rectangle given in points."""
        return min(sum(self.rows[py][3 * px:3 * px + 3]) / 3
                   for py in range(int(y0 * self.k), int(y1 * self.k) + 1)
                   for px in range(int(x0 * self.k), int(x1 * self.k) + 1))


def case_marks(r):
    dpi = 300
    # tests/print/marks.yaml: A5, 3 mm bleed, nothing drawn near the
    # corners, `marks: true`.
    r.run(["render", "tests/print/docs/structure.yaml", "-l",
           "tests/print/marks.yaml", "-o", os.path.join(r.work, "marks.png"),
           "--dpi", str(dpi)])
    img = Image(os.path.join(r.work, "marks-1.png"), dpi)
    m, off, length = SLUG, MARK_OFFSET, MARK_LENGTH
    w, h = A5
    check(abs(img.width - (w + 2 * m) * dpi / 72) <= 1 and
          abs(img.height - (h + 2 * m) * dpi / 72) <= 1,
          "the page is the trim and a 10 mm slug",
          "%dx%d" % (img.width, img.height))
    for cx, sx, name_x in ((m, -1, "left"), (m + w, 1, "right")):
        for cy, sy, name_y in ((m, -1, "top"), (m + h, 1, "bottom")):
            corner = "%s %s" % (name_y, name_x)
            # A mark along the horizontal trim edge, beyond the offset...
            x = cx + sx * (off + length / 2)
            check(img.darkest(x - 1, cy - 0.5, x + 1, cy + 0.5) < 128,
                  corner + ": horizontal crop mark is dark")
            # ...and one along the vertical edge.
            y = cy + sy * (off + length / 2)
            check(img.darkest(cx - 0.5, y - 1, cx + 0.5, y + 1) < 128,
                  corner + ": vertical crop mark is dark")
            # The bleed and the trim's corner stay white: the marks begin
            # beyond the bleed.
            x0, x1 = sorted((cx + sx * (off - 0.5), cx - sx * 5 * MM))
            y0, y1 = sorted((cy + sy * (off - 0.5), cy - sy * 5 * MM))
            check(img.darkest(x0, y0, x1, y1) > 250,
                  corner + ": nothing drawn in the bleed or the trim corner")
    # Registration targets: centred in the marks' band at the middle of
    # each side, a cross and a ring; nothing between them and the bleed.
    mid = off + length / 2
    for x, y, side in ((m - mid, m + h / 2, "left"),
                       (m + w + mid, m + h / 2, "right"),
                       (m + w / 2, m - mid, "top"),
                       (m + w / 2, m + h + mid, "bottom")):
        check(img.darkest(x - 0.3, y - 0.3, x + 0.3, y + 0.3) < 128,
              side + ": a registration target's centre is dark")
        check(img.darkest(x + 0.7 * 0.4 * length - 0.4, y + 1,
                          x + 0.7 * 0.4 * length + 0.4, y + 1.5) < 128 or
              img.darkest(x + 1, y + 0.7 * 0.4 * length - 0.4, x + 1.5,
                          y + 0.7 * 0.4 * length + 0.4) < 128,
              side + ": the target has its ring")
        dx, dy = (x - (m + w / 2), y - (m + h / 2))
        # Between the target and the bleed: paper.
        if abs(dx) > abs(dy):
            edge = m + w + off if dx > 0 else m - off
            x0, x1 = sorted((edge, edge + (0.1 * length - 0.3) *
                             (1 if dx > 0 else -1)))
            gap = img.darkest(x0, y - 2, x1, y + 2)
        else:
            edge = m + h + off if dy > 0 else m - off
            y0, y1 = sorted((edge, edge + (0.1 * length - 0.3) *
                             (1 if dy > 0 else -1)))
            gap = img.darkest(x - 2, y0, x + 2, y1)
        check(gap > 250, side + ": the target stays clear of the bleed")
    # Press output without marks: nothing beyond the bleed to draw on.
    r.run(["render", "samples/seed.yaml", "--press", "-o",
           os.path.join(r.work, "plain.png"), "--dpi", "72"])
    img = Image(os.path.join(r.work, "plain-1.png"), 72)
    check(img.width == round(A4[0] + 2 * BLEED) or
          img.width == int(A4[0] + 2 * BLEED) + 1,
          "--press without marks: the page is the trim and the bleed",
          "%dx%d" % (img.width, img.height))
    # Imposed sheets: fold marks above and below the fold, dashed (the
    # first dash starts at the offset).  The page of marks.yaml, imposed:
    # the first sheet holds a blank page and page 1, the trim centred on
    # an SRA3 sheet.
    r.run(["render", "tests/print/docs/structure.yaml", "-l",
           "tests/print/marks.yaml", "--impose", "saddle-stitch",
           "-o", os.path.join(r.work, "sheet.png"), "--dpi", str(dpi)])
    img = Image(os.path.join(r.work, "sheet-1.png"), dpi)
    check(abs(img.width - SRA3[0] * dpi / 72) <= 1 and
          abs(img.height - SRA3[1] * dpi / 72) <= 1,
          "sheet: SRA3 landscape", "%dx%d" % (img.width, img.height))
    mx, m = (SRA3[0] - 2 * A5[0]) / 2, (SRA3[1] - A5[1]) / 2
    fold = mx + A5[0]
    check(img.darkest(fold - 0.5, m - off - 2, fold + 0.5, m - off - 1) < 128,
          "sheet: fold mark above the fold")
    check(img.darkest(fold - 0.5, m + h + off + 1, fold + 0.5,
                      m + h + off + 2) < 128,
          "sheet: fold mark below the fold")
    check(img.darkest(fold - 0.5, m - off + 0.5, fold + 0.5, m - 0.5) > 250,
          "sheet: nothing in the bleed above the fold")
    for cx in (mx + A5[0] / 2, mx + 3 * A5[0] / 2):
        for cy in (m - off - length / 2, m + h + off + length / 2):
            check(img.darkest(cx - 0.3, cy - 0.3, cx + 0.3, cy + 0.3) < 128,
                  "sheet: a registration target above or below each page "
                  "(%.0f, %.0f)" % (cx, cy))
    for cx in (mx, mx + 2 * A5[0]):
        check(img.darkest(cx - 0.5, m - off - length / 2 - 1, cx + 0.5,
                          m - off - length / 2 + 1) < 128,
              "sheet: crop mark at the trim corner x=%.0fpt" % cx)


XMP_NS = {"x": "adobe:ns:meta/",
          "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
          "dc": "http://purl.org/dc/elements/1.1/",
          "xmp": "http://ns.adobe.com/xap/1.0/",
          "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
          "pdf": "http://ns.adobe.com/pdf/1.3/",
          "pdfxid": "http://www.npes.org/pdfx/ns/id/",
          "pdfaid": "http://www.aiim.org/pdfa/ns/id/"}


def stream_data(path, ref):
    """The decoded data of the stream object `ref` ("12 0 R")."""
    return subprocess.run(["qpdf", "--show-object=" + ref.split()[0],
                           "--filtered-stream-data", path],
                          capture_output=True, check=True).stdout


def xmp_of(pdf, path, label):
    """The catalog's XMP packet parsed: {qualified key: text}, where a
    list or alternative gives its first item."""
    import xml.etree.ElementTree as ET
    ref = pdf.root.get("/Metadata")
    if not check(ref, label + ": the catalog has /Metadata"):
        return {}
    meta = pdf.objects[ref]["stream"]["dict"]
    check(meta.get("/Type") == "/Metadata" and
          meta.get("/Subtype") == "/XML" and "/Filter" not in meta,
          label + ": /Metadata is an uncompressed XML stream", repr(meta))
    data = stream_data(path, ref)
    check(data.startswith(b"<?xpacket begin=") and
          data.rstrip().endswith(b'<?xpacket end="w"?>'),
          label + ": the XMP is one packet")
    try:
        tree = ET.fromstring(data)
    except ET.ParseError as e:
        check(False, label + ": the XMP parses", str(e))
        return {}
    out = {}
    for desc in tree.iter("{%s}Description" % XMP_NS["rdf"]):
        for child in desc:
            item = child.find(".//{%s}li" % XMP_NS["rdf"])
            out[child.tag] = (item if item is not None else child).text
    return out


def q(prefix, name):
    return "{%s}%s" % (XMP_NS[prefix], name)


def case_pdfx(r):
    seed = "samples/seed.yaml"
    config = os.path.join(os.path.dirname(r.disputas), "config.h")
    with open(config, encoding="utf-8") as f:
        profile = re.search(r'#define DP_PRESS_PROFILE "([^"]*)"',
                            f.read()).group(1)
    with open(profile, "rb") as f:
        icc = f.read()
    gs = shutil.which("gs")
    for layout, extra in (("poster", ["--press"]), ("booklet", ["--marks"]),
                          ("booklet-print", ["--marks"]),
                          ("tests/print/press.yaml", [])):
        label = "%s %s" % (os.path.basename(layout), " ".join(extra))
        path = r.render(seed, layout, "pdfx-%s.pdf" % os.path.basename(
            layout), *extra)
        with open(path, "rb") as f:
            head = f.read(8)
        check(head in (b"%PDF-1.6", b"%PDF-1.7"), label + ": PDF 1.6",
              repr(head))
        pdf = Pdf(path)
        intents = pdf.root.get("/OutputIntents") or []
        check(len(intents) == 1, label + ": one output intent",
              repr(intents))
        intent = pdf.get(intents[0]) if intents else {}
        check(intent.get("/S") == "/GTS_PDFX" and
              text_of(intent.get("/OutputConditionIdentifier", "")) and
              text_of(intent.get("/Info", "")),
              label + ": a GTS_PDFX intent naming its condition",
              repr(intent))
        ref = intent.get("/DestOutputProfile")
        if check(ref, label + ": the intent has its profile"):
            check(pdf.objects[ref]["stream"]["dict"].get("/N") == 3 and
                  stream_data(path, ref) == icc,
                  label + ": the profile is %s, 3 colours" % profile)
        info = pdf.info
        check(text_of(info.get("/GTS_PDFXVersion", "")) == "PDF/X-4",
              label + ": Info /GTS_PDFXVersion (PDF/X-4)", repr(info))
        check(info.get("/Trapped") == "/False", label + ": Info /Trapped",
              repr(info))
        xmp = xmp_of(pdf, path, label)
        check(xmp.get(q("pdfxid", "GTS_PDFXVersion")) == "PDF/X-4" and
              xmp.get(q("pdf", "Trapped")) == "False" and
              xmp.get(q("xmpMM", "RenditionClass")) == "default" and
              xmp.get(q("xmpMM", "VersionID")),
              label + ": the XMP identifies PDF/X-4", repr(xmp))
        for key, name in (("/Title", q("dc", "title")),
                          ("/Author", q("dc", "creator")),
                          ("/Subject", q("dc", "description")),
                          ("/Producer", q("pdf", "Producer")),
                          ("/Creator", q("xmp", "CreatorTool"))):
            check(key in info and text_of(info[key]) == xmp.get(name),
                  "%s: Info %s is the XMP's" % (label, key),
                  "%r and %r" % (info.get(key), xmp.get(name)))
        check(xmp.get(q("xmp", "CreateDate")) == "2023-11-14T22:13:20Z",
              label + ": the XMP's date is SOURCE_DATE_EPOCH's")
        annots = [k for k, v in pdf.objects.items()
                  if isinstance(v.get("value"), dict) and
                  ("/Annots" in v["value"] or
                   v["value"].get("/Type") == "/Annot")]
        check(not annots, label + ": no annotations", repr(annots))
        fonts = subprocess.run(["pdffonts", path], capture_output=True,
                               text=True, check=True).stdout.splitlines()[2:]
        check(fonts and all(line.split()[-5] == "yes" for line in fonts),
              label + ": every font embedded", "\n".join(fonts))
        proc = subprocess.run(["qpdf", "--check", path], capture_output=True,
                              text=True)
        check(proc.returncode == 0 and "WARNING" not in proc.stdout +
              proc.stderr, label + ": qpdf --check is clean",
              proc.stdout + proc.stderr)
        if gs:
            proc = subprocess.run(
                [gs, "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER",
                 "-dPDFSTOPONERROR", "-dPDFSTOPONWARNING",
                 "-sDEVICE=nullpage", path], capture_output=True, text=True)
            check(proc.returncode == 0 and not proc.stdout + proc.stderr,
                  label + ": Ghostscript reads it without a complaint",
                  proc.stdout + proc.stderr)
            out = os.path.join(r.work, "gs-pdfx.pdf")
            proc = subprocess.run(
                [gs, "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-dPDFX",
                 "-sDEVICE=pdfwrite", "-sColorConversionStrategy=CMYK",
                 "-sOutputFile=" + out, path], capture_output=True,
                text=True)
            check(proc.returncode == 0 and not proc.stdout + proc.stderr,
                  label + ": Ghostscript's -dPDFX conversion takes it",
                  proc.stdout + proc.stderr)
        else:
            check(False, "Ghostscript (gs) is installed (scripts/deps.sh)")
    # Office output: XMP as well, links kept, no output intent.
    path = r.render(seed, "poster", "office.pdf")
    pdf = Pdf(path)
    xmp = xmp_of(pdf, path, "office poster")
    check(xmp.get(q("dc", "title")) == text_of(pdf.info["/Title"]) and
          xmp.get(q("dc", "language")) == text_of(pdf.root["/Lang"]) and
          q("pdfxid", "GTS_PDFXVersion") not in xmp,
          "office poster: XMP title and language, no PDF/X", repr(xmp))
    check("/OutputIntents" not in pdf.root and
          "/GTS_PDFXVersion" not in pdf.info,
          "office poster: no output intent")
    check(any("/Annots" in p for p in pdf.pages()),
          "office poster: the links are kept")


def case_pdfa(r):
    """--pdfa (or the layout's `pdfa: true`): what ISO 19005-2 asks of a
    PDF/A-2b file that the file itself shows, read back.  No validator
    of PDF/A is packaged in Debian 12 (veraPDF is not); Ghostscript's
    -dPDFA=2 conversion, set to stop on what it cannot make PDF/A, is a
    cross-check only."""
    doc = "samples/logo-photo.yaml"  # a JPEG photo, an SVG logo, links
    config = os.path.join(os.path.dirname(r.disputas), "config.h")
    with open(config, encoding="utf-8") as f:
        profile = re.search(r'#define DP_ARCHIVE_PROFILE "([^"]*)"',
                            f.read()).group(1)
    with open(profile, "rb") as f:
        icc = f.read()
    gs = shutil.which("gs")
    for layout, extra in (("poster", ["--pdfa"]), ("booklet", ["--pdfa"]),
                          ("booklet-print", ["--pdfa"]),
                          ("tests/print/pdfa.yaml", [])):
        label = "%s %s" % (os.path.basename(layout), " ".join(extra))
        path = r.render(doc, layout, "pdfa-%s.pdf" % os.path.basename(
            layout), *extra)
        with open(path, "rb") as f:
            head = f.read(1024)
        # 6.1.2: the header, then a comment of four bytes above 127.
        lines = head.split(b"\n")
        check(re.fullmatch(rb"%PDF-1\.[4-7]", lines[0].rstrip(b"\r")) and
              lines[1].startswith(b"%") and
              sum(b > 127 for b in lines[1][1:5]) == 4,
              label + ": a PDF 1.4-1.7 header and a binary comment",
              repr(lines[:2]))
        pdf = Pdf(path)
        # 6.1.3: an /ID, no encryption.
        ident = pdf.trailer.get("/ID")
        check(isinstance(ident, list) and len(ident) == 2 and
              "/Encrypt" not in pdf.trailer,
              label + ": the trailer has /ID and no /Encrypt",
              repr(pdf.trailer))
        # 6.2.3: the output intent, with its RGB profile.
        intents = pdf.root.get("/OutputIntents") or []
        check(len(intents) == 1, label + ": one output intent",
              repr(intents))
        intent = pdf.get(intents[0]) if intents else {}
        check(intent.get("/S") == "/GTS_PDFA1" and
              text_of(intent.get("/OutputConditionIdentifier", "")),
              label + ": a GTS_PDFA1 intent naming its colour space",
              repr(intent))
        ref = intent.get("/DestOutputProfile")
        if check(ref, label + ": the intent has its profile"):
            check(pdf.objects[ref]["stream"]["dict"].get("/N") == 3 and
                  stream_data(path, ref) == icc,
                  label + ": the profile is %s, 3 colours" % profile)
        # 6.6: XMP identifying PDF/A-2b, matching Info; no PDF/X schema.
        info = pdf.info
        xmp = xmp_of(pdf, path, label)
        check(xmp.get(q("pdfaid", "part")) == "2" and
              xmp.get(q("pdfaid", "conformance")) == "B",
              label + ": the XMP identifies PDF/A-2b", repr(xmp))
        check(q("pdfxid", "GTS_PDFXVersion") not in xmp and
              "/GTS_PDFXVersion" not in info and "/Trapped" not in info,
              label + ": nothing of PDF/X", repr(info))
        for key, name in (("/Title", q("dc", "title")),
                          ("/Author", q("dc", "creator")),
                          ("/Producer", q("pdf", "Producer")),
                          ("/Creator", q("xmp", "CreatorTool"))):
            check(key in info and text_of(info[key]) == xmp.get(name),
                  "%s: Info %s is the XMP's" % (label, key),
                  "%r and %r" % (info.get(key), xmp.get(name)))
        check(text_of(info.get("/CreationDate", "")) == "D:20231114221320Z"
              and xmp.get(q("xmp", "CreateDate")) == "2023-11-14T22:13:20Z",
              label + ": Info's and the XMP's dates agree",
              repr((info.get("/CreationDate"), xmp)))
        # 6.3.2: annotations print, and are never hidden; 6.2.8: no image
        # asks to be smoothed; 6.6.1, 6.8: no scripts, no embedded files.
        values = [v.get("value") or v.get("stream", {}).get("dict")
                  for v in pdf.objects.values()]
        dicts = [v for v in values if isinstance(v, dict)]
        annots = [v for v in dicts if v.get("/Type") == "/Annot"]
        check(all(v.get("/F") == 4 for v in annots),
              label + ": every annotation has the print flag alone",
              repr(annots))
        if "print" not in layout:
            check(annots, label + ": the links are kept")
        images = [v for v in dicts if v.get("/Subtype") == "/Image"]
        check(images and not any("/Interpolate" in v for v in images),
              label + ": no image has /Interpolate", repr(images))
        forbidden = [k for v in dicts for k in v
                     if k in ("/JavaScript", "/JS", "/AA", "/EmbeddedFiles",
                              "/OCProperties")]
        check(not forbidden and not any(
                  isinstance(v.get("/S"), str) and
                  v.get("/S") in ("/JavaScript", "/Launch") for v in dicts),
              label + ": no scripts, launch actions or embedded files",
              repr(forbidden))
        # 6.2.11.4: every font embedded.
        fonts = subprocess.run(["pdffonts", path], capture_output=True,
                               text=True, check=True).stdout.splitlines()[2:]
        check(fonts and all(line.split()[-5] == "yes" for line in fonts),
              label + ": every font embedded", "\n".join(fonts))
        proc = subprocess.run(["qpdf", "--check", path], capture_output=True,
                              text=True)
        check(proc.returncode == 0 and "WARNING" not in proc.stdout +
              proc.stderr, label + ": qpdf --check is clean",
              proc.stdout + proc.stderr)
        if gs:
            out = os.path.join(r.work, "gs-pdfa.pdf")
            proc = subprocess.run(
                [gs, "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-dPDFA=2",
                 "-dPDFACompatibilityPolicy=2", "-sDEVICE=pdfwrite",
                 "-sColorConversionStrategy=RGB", "-sOutputFile=" + out,
                 path], capture_output=True, text=True)
            check(proc.returncode == 0 and not proc.stdout + proc.stderr,
                  label + ": Ghostscript's -dPDFA=2 conversion takes it",
                  proc.stdout + proc.stderr)
        else:
            check(False, "Ghostscript (gs) is installed (scripts/deps.sh)")
    # One file is not both PDF/A and PDF/X: an error, and no file.
    out = os.path.join(r.work, "both.pdf")
    proc = r.run(["render", doc, "--pdfa", "--press", "-o", out],
                 check_status=False)
    err = proc.stderr.decode("utf-8", "replace")
    check(proc.returncode == 1 and "PDF/A output" in err and
          not os.path.exists(out),
          "--pdfa --press: an error, and no file", err)


def case_registration(r):
    """Marks in a PDF are in registration colour: every page's content
    sets /Separation /All (through its resources) and keeps nothing of the
    RGB stand-in; drawn, the marks are black; office output has none."""
    for layout, pages in (("poster", 1), ("booklet-print", None)):
        path = r.render("samples/seed.yaml", layout, "reg-%s.pdf" % layout,
                        "--marks")
        pdf = Pdf(path)
        for i, page in enumerate(pdf.pages(), 1):
            label = "%s page %d" % (layout, i)
            spaces = pdf.get(pdf.get(page["/Resources"]).get("/ColorSpace",
                                                               {}))
            names = [n for n, v in spaces.items()
                     if (pdf.get(v) or [None])[0] == "/Separation"]
            space = pdf.get(spaces[names[0]]) if names else []
            check(len(names) == 1 and space[1] == "/All" and
                  space[2] == "/DeviceRGB",
                  label + ": a /Separation /All colour space "
                  "(alternate: the output intent's RGB)", repr(spaces))
            if not names:
                continue
            tint = pdf.get(space[3])
            check(tint.get("/FunctionType") == 2 and
                  tint.get("/C1") == [0, 0, 0],
                  label + ": 100 % of it is black", repr(tint))
            refs = page["/Contents"]
            refs = refs if isinstance(refs, list) else [refs]
            data = b"".join(stream_data(path, ref) for ref in refs)
            used = re.findall(rb"(/\S+) CS 1 SCN", data)
            check(used and set(used) == {names[0].encode()},
                  label + ": the marks stroke in it", repr(used[:4]))
            check(b"0.00392157" not in data,
                  label + ": nothing left in the RGB stand-in")
    # Rasterised, the marks are black.
    path = os.path.join(r.work, "reg-poster.pdf")
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1",
                    path, os.path.join(r.work, "reg")], check=True)
    img = Image(os.path.join(r.work, "reg-1.png"), 150)
    x = SLUG - MARK_OFFSET - MARK_LENGTH / 2
    check(img.darkest(x - 1, SLUG - 0.5, x + 1, SLUG + 0.5) < 64,
          "poppler draws the crop marks black")
    pdf = Pdf(r.render("samples/seed.yaml", "poster", "reg-office.pdf"))
    check(all("/ColorSpace" not in pdf.get(p["/Resources"])
              for p in pdf.pages()),
          "office output: no registration colour")


# A content stream's tokens: strings (cairo escapes parentheses in them),
# hex strings, dictionaries' brackets, names, numbers, operators.
CONTENT_TOKEN = re.compile(rb"\((?:\\.|[^\\)])*\)|<<|>>|<[0-9A-Fa-f\s]*>|"
                           rb"\[|\]|/[^\s/\[\]()<>{}%]*|"
                           rb"[-+]?(?:\d+\.?\d*|\.\d+)|[A-Za-z'\"*]+|%[^\n]*")


def colour_uses(data):
    """What a content stream paints, in order: (kind, colour) where kind
    is 'text' (Tj, TJ, ', "), 'fill' (f, f*, B...) or 'stroke' (S, s, B...)
    and colour the operator that set the colour in force ("0 g",
    "0 0 0 rg", ...), the graphics state saved and restored with q/Q."""
    fill, stroke, stack, operands, out = b"", b"", [], [], []
    for m in CONTENT_TOKEN.finditer(data):
        t = m.group(0)
        if t.startswith(b"%"):
            continue
        if not re.fullmatch(rb"[A-Za-z'\"*]+", t):
            operands.append(t)
            continue
        if t in (b"g", b"rg", b"k", b"sc", b"scn", b"cs"):
            fill = b" ".join(operands + [t])
        elif t in (b"G", b"RG", b"K", b"SC", b"SCN", b"CS"):
            stroke = b" ".join(operands + [t])
        elif t == b"q":
            stack.append((fill, stroke))
        elif t == b"Q" and stack:
            fill, stroke = stack.pop()
        elif t in (b"Tj", b"TJ", b"'", b'"'):
            out.append(("text", fill.decode()))
        elif t in (b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"):
            out.append(("fill", fill.decode()))
        if t in (b"S", b"s", b"B", b"B*", b"b", b"b*"):
            out.append(("stroke", stroke.decode()))
        operands = []
    return out


def page_uses(path):
    """colour_uses() of every page of the PDF, in one list."""
    out = []
    for page in Pdf(path).pages():
        refs = page["/Contents"]
        refs = refs if isinstance(refs, list) else [refs]
        out += colour_uses(b"\n".join(stream_data(path, ref) for ref in refs))
    return out


RGB_COLOUR = re.compile(r"(\S+) (\S+) (\S+) (rg|RG)")


def neutral_rgb(colour):
    """The level of an RGB grey ("0.105882 0.105882 0.105882 rg" ->
    "0.105882"), the three numbers the same as cairo writes them; None
    for anything else."""
    m = RGB_COLOUR.fullmatch(colour)
    return m.group(1) if m and m.group(1) == m.group(2) == m.group(3) \
        else None


def as_one_ink(rich, pure):
    """Whether `pure`'s uses are `rich`'s with every RGB grey (pure-black
    off) in DeviceGray at its level, and nothing else changed; the
    differences if not."""
    if len(rich) != len(pure):
        return ["%d uses against %d" % (len(pure), len(rich))]
    wrong = []
    for (kind, was), (pkind, now) in zip(rich, pure):
        level = neutral_rgb(was)
        want = was if level is None else \
            level + (" G" if was.endswith("RG") else " g")
        if (kind, want) != (pkind, now):
            wrong.append("%s %r became %r, not %r" % (kind, was, now, want))
    return sorted(set(wrong))


def same_pixels(r, a, b):
    """The pages of PDFs `a` and `b` that poppler draws differently at
    40 dpi, the number of pages of `a`, and whether both drew them all."""
    pngs = []
    for path in (a, b):
        folder = path[:-4] + "-png"
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        subprocess.run(["pdftoppm", "-r", "40", "-png", path,
                        os.path.join(folder, "page")], check=True)
        pngs.append([os.path.join(folder, f)
                     for f in sorted(os.listdir(folder))])
    pages = len(Pdf(a).pages())
    differ = [i + 1 for i, (x, y) in enumerate(zip(*pngs))
              if open(x, "rb").read() != open(y, "rb").read()]
    return differ, pages, len(pngs[0]) == len(pngs[1]) == pages


def case_pure_black(r):
    seed = "samples/seed.yaml"
    near = "0.00784314 0.00784314 0.0117647 rg"  # #020203, muted
    pure = r.render(seed, "tests/print/pure-black.yaml", "pure.pdf",
                    "--press")
    rich = r.render(seed, "tests/print/rich-black.yaml", "rich.pdf",
                    "--press")
    office = r.render(seed, "tests/print/pure-black.yaml", "office.pdf")
    marks = r.render(seed, "tests/print/pure-black.yaml", "marks.pdf",
                     "--marks")
    uses = {k: page_uses(v) for k, v in (("pure", pure), ("rich", rich),
                                         ("office", office),
                                         ("marks", marks))}
    black = {k: [u for u in v if u[1] in ("0 g", "0 G", "0 0 0 rg",
                                          "0 0 0 RG")]
             for k, v in uses.items()}
    texts = [u for u in black["pure"] if u[0] == "text"]
    check(len(texts) > 50 and all(c == "0 g" for _, c in texts),
          "press output: black text follows 0 g (DeviceGray)",
          "%d black texts: %r" % (len(texts), sorted(set(black["pure"]))))
    rules = [u for u in black["pure"] if u[0] != "text"]
    check(rules and all(c in ("0 g", "0 G") for _, c in rules),
          "press output: black rules are DeviceGray 0",
          repr(sorted(set(rules))))
    check(not any(neutral_rgb(c) for _, c in uses["pure"]),
          "press output: no RGB black or grey left",
          repr(sorted(set(c for _, c in uses["pure"] if neutral_rgb(c)))))
    for k, why in (("rich", "pure-black: false"), ("office", "office output")):
        check(len(black[k]) == len(black["pure"]) and
              all(c in ("0 0 0 rg", "0 0 0 RG") for _, c in black[k]),
              why + " keeps RGB black", repr(sorted(set(black[k]))))
    check(uses["office"] == uses["rich"], "office output keeps RGB greys",
          repr(sorted(set(uses["office"]) ^ set(uses["rich"]))))
    # Everything else as it was: the near-black, not a grey, and the
    # colours stay RGB.
    wrong = as_one_ink(uses["rich"], uses["pure"])
    check(not wrong and ("text", near) in uses["pure"],
          "greys become DeviceGray at their level; the near-black "
          "(#020203) and colours stay as they were", "\n".join(wrong))
    # With marks: the marks in registration colour, the black in one ink.
    reg = [u for u in uses["marks"] if u == ("stroke", "1 SCN")]
    check(reg and black["marks"] == black["pure"],
          "with marks: registration colour and pure black together",
          "%d registration strokes; black %r" % (
              len(reg), sorted(set(black["marks"]))))
    differ, pages, all_drawn = same_pixels(r, pure, rich)
    check(all_drawn and not differ, "poppler draws pure black as RGB black",
          "pages that differ: %r of %d" % (differ, pages))
    # The built-in layouts' ink is a grey (#1b1b1b): in press output
    # their text is one ink too, drawn the same.
    for name in ("poster", "booklet"):
        pure = r.render(seed, name, name + ".pdf", "--press")
        rich = r.render(seed, "tests/print/rich-%s.yaml" % name,
                        name + "-rich.pdf", "--press")
        got, was = page_uses(pure), page_uses(rich)
        grey = [u for u in got if u == ("text", "0.105882 g")]
        check(len(grey) > 50, name + ": text in ink (#1b1b1b) follows "
              "0.105882 g (DeviceGray)", "%d such texts" % len(grey))
        rgb = sorted(set(c for k, c in got if k == "text" and
                         RGB_COLOUR.fullmatch(c) and neutral_rgb(c)))
        check(not rgb, name + ": no text in an RGB grey", repr(rgb))
        wrong = as_one_ink(was, got)
        check(not wrong, name + ": only the greys changed, to DeviceGray",
              "\n".join(wrong))
        differ, pages, all_drawn = same_pixels(r, pure, rich)
        check(all_drawn and not differ and pages > 0,
              name + ": drawn the same as with pure-black: false",
              "pages that differ: %r of %d" % (differ, pages))


GS_CMYK = "/usr/share/color/icc/ghostscript/default_cmyk.icc"  # libgs-common
SRGB = "/usr/share/color/icc/sRGB.icc"  # icc-profiles-free
CMYK_K = re.compile(r"0 0 0 (\S+) (k|K)")


def as_k(rich, pure):
    """Whether `pure`'s uses are `rich`'s (pure-black off) with every RGB
    grey v v v as the K ink alone at 1 - v (`0 0 0 1-v k`, DeviceCMYK),
    and nothing else changed; the differences if not."""
    if len(rich) != len(pure):
        return ["%d uses against %d" % (len(pure), len(rich))]
    wrong = []
    for (kind, was), (pkind, now) in zip(rich, pure):
        level = neutral_rgb(was)
        m = CMYK_K.fullmatch(now)
        if level is None:
            ok = (kind, was) == (pkind, now)
        else:
            ok = (kind == pkind and m is not None and
                  abs(float(m.group(1)) - (1 - float(level))) < 1e-5 and
                  (m.group(2) == "K") == was.endswith("RG"))
        if not ok:
            wrong.append("%s %r became %r" % (kind, was, now))
    return sorted(set(wrong))


def pixels_alike(r, a, b, dpi=40):
    """How poppler draws the PDFs `a` (an RGB press profile) and `b` (a
    CMYK one) apart, page by page: pixels whose colour differs by more
    than 8 levels though `a`'s is not a grey, greys that differ by more
    than 40 or come out darker, and the share of inked pixels (not
    white) in each.  Poppler converts DeviceCMYK through the output intent's
    profile: the K ink alone prints a grey a little lighter than the RGB
    grey of the same level (K 89 % on a SWOP press is sRGB 58, not 27),
    so greys get their own tolerance; everything else is drawn alike."""
    images = []
    for path in (a, b):
        prefix = path[:-4] + "-px"
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", path, prefix],
                       check=True)
        folder, stem = os.path.split(prefix)
        images.append([Image(os.path.join(folder, f), dpi)
                       for f in sorted(os.listdir(folder))
                       if f.startswith(stem + "-") and f.endswith(".png")])
    out = []
    for x, y in zip(*images):
        colour = grey = dark_a = dark_b = total = 0
        for ra, rb in zip(x.rows, y.rows):
            for i in range(0, min(len(ra), len(rb)), 3):
                pa, pb = ra[i:i + 3], rb[i:i + 3]
                total += 1
                dark_a += sum(pa) < 3 * 250
                dark_b += sum(pb) < 3 * 250
                d = max(abs(u - v) for u, v in zip(pa, pb))
                if d <= 8:
                    continue
                if max(pa) - min(pa) <= 2:
                    if d > 40 or sum(pb) + 8 < sum(pa):
                        grey += 1
                else:
                    colour += 1
        out.append((colour, grey, dark_a / max(total, 1),
                    dark_b / max(total, 1)))
    return out, len(images[0]) == len(images[1]) > 0


def case_press_cmyk(r):
    """Press output with a CMYK printing condition, chosen at run time
    (--press-profile cmyk, or a layout's press-profile: cmyk): the
    output intent holds Ghostscript's CMYK profile (N 4), black and grey
    text and rules are the K ink alone (DeviceCMYK 0 0 0 1-v), the pages
    are drawn as the sRGB press output's, qpdf --check and Ghostscript
    (reading, and its -dPDFX conversion) take them.  An RGB profile
    (srgb) keeps DeviceGray; the options win over the layout; a profile
    that cannot be used is an error and writes nothing."""
    seed = "samples/seed.yaml"
    with open(GS_CMYK, "rb") as f:
        cmyk_icc = f.read()
    with open(SRGB, "rb") as f:
        srgb_icc = f.read()
    gs = shutil.which("gs")
    check(gs, "Ghostscript (gs) is installed (scripts/deps.sh)")

    def intent_of(path, label, comps, icc, condition):
        pdf = Pdf(path)
        intents = pdf.root.get("/OutputIntents") or []
        intent = pdf.get(intents[0]) if len(intents) == 1 else {}
        ref = intent.get("/DestOutputProfile")
        check(intent.get("/S") == "/GTS_PDFX" and ref and
              pdf.objects[ref]["stream"]["dict"].get("/N") == comps and
              stream_data(path, ref) == icc and
              condition in text_of(intent.get("/OutputCondition", "")),
              "%s: the output intent's profile has %d colours, %s" % (
                  label, comps, condition), repr(intent))

    for name in ("poster", "booklet", "booklet-print"):
        cmyk = r.render(seed, name, name + "-cmyk.pdf", "--press",
                        "--press-profile", "cmyk")
        srgb = r.render(seed, name, name + "-srgb.pdf", "--press",
                        "--press-profile", "srgb")
        intent_of(cmyk, name + " cmyk", 4, cmyk_icc, "SWOP")
        intent_of(srgb, name + " srgb", 3, srgb_icc, "sRGB")
        got = page_uses(cmyk)
        ink = [u for u in got if u == ("text", "0 0 0 0.894118 k")]
        check(len(ink) > 50, name + ": text in ink (#1b1b1b) follows "
              "0 0 0 0.894118 k (the K ink alone)", "%d such texts" % len(ink))
        left = sorted(set(c for _, c in got if neutral_rgb(c) or
                          re.fullmatch(r"\S+ (g|G)", c)))
        check(not left, name + ": no RGB grey and no DeviceGray left",
              repr(left))
        if name != "booklet-print":
            rich = r.render(seed, "tests/print/rich-%s.yaml" % name,
                            name + "-rich.pdf", "--press")
            wrong = as_k(page_uses(rich), got)
            check(not wrong, name + ": only the greys changed, to K",
                  "\n".join(wrong))
            grey = [u for u in page_uses(srgb)
                    if u == ("text", "0.105882 g")]
            check(len(grey) == len(ink), name + ": the sRGB profile sets "
                  "the same text in DeviceGray", "%d against %d" % (
                      len(grey), len(ink)))
        pages, all_drawn = pixels_alike(r, srgb, cmyk)
        bad = [(i + 1, p) for i, p in enumerate(pages)
               if p[0] or p[1] or abs(p[2] - p[3]) > 0.002]
        check(all_drawn and not bad, name + ": drawn as the sRGB press "
              "output (colours alike, greys a little lighter, the same ink)",
              "pages (colour, grey, ink): %r" % bad)
        proc = subprocess.run(["qpdf", "--check", cmyk], capture_output=True,
                              text=True)
        check(proc.returncode == 0 and "WARNING" not in proc.stdout +
              proc.stderr, name + ": qpdf --check is clean",
              proc.stdout + proc.stderr)
        if gs:
            proc = subprocess.run(
                [gs, "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER",
                 "-dPDFSTOPONERROR", "-dPDFSTOPONWARNING",
                 "-sDEVICE=nullpage", cmyk], capture_output=True, text=True)
            check(proc.returncode == 0 and not proc.stdout + proc.stderr,
                  name + ": Ghostscript reads it without a complaint",
                  proc.stdout + proc.stderr)
            out = os.path.join(r.work, name + "-gs-pdfx.pdf")
            proc = subprocess.run(
                [gs, "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-dPDFX",
                 "-sDEVICE=pdfwrite", "-sColorConversionStrategy=CMYK",
                 "-sOutputFile=" + out, cmyk], capture_output=True,
                text=True)
            check(proc.returncode == 0 and not proc.stdout + proc.stderr,
                  name + ": Ghostscript's -dPDFX conversion takes it",
                  proc.stdout + proc.stderr)
    # The layout's choice, and the options' over it.
    layout = "tests/print/press-cmyk.yaml"
    path = r.render(seed, layout, "layout-cmyk.pdf")
    intent_of(path, "press-profile: cmyk", 4, cmyk_icc, "SWOP")
    path = r.render(seed, layout, "layout-srgb.pdf", "--press-profile",
                    "srgb")
    intent_of(path, "--press-profile srgb over the layout's", 3, srgb_icc,
              "sRGB")
    path = r.render(seed, "poster", "file-cmyk.pdf", "--press",
                    "--press-profile", GS_CMYK, "--press-condition",
                    "Offset, coated paper")
    intent_of(path, "--press-profile FILE --press-condition", 4, cmyk_icc,
              "Offset, coated paper")
    # Office output has no output intent, whatever the profile.
    pdf = Pdf(r.render(seed, "poster", "office.pdf", "--press-profile",
                       "cmyk"))
    check("/OutputIntents" not in pdf.root and
          not any(CMYK_K.fullmatch(c) for _, c in page_uses(
              os.path.join(r.work, "office.pdf"))),
          "office output: no output intent, no K, whatever the profile")
    # A profile that cannot be used: an error, nothing written.
    for value, said in (("nope.icc", "press profile 'nope.icc' does not "
                         "exist"),
                        ("cmk", "is not a built-in profile (did you mean "
                         "'cmyk'?)"),
                        ("./README.md", "is not an ICC profile"),
                        ("/usr/share/color/icc/ghostscript/sgray.icc",
                         "is a grey profile")):
        out = os.path.join(r.work, "bad.pdf")
        proc = r.run(["render", seed, "--press", "--press-profile", value,
                      "-o", out], check_status=False)
        err = proc.stderr.decode("utf-8", "replace")
        check(proc.returncode == 1 and said in err and
              not os.path.exists(out),
              "--press-profile %s: an error, nothing written" % value,
              "exit %d: %s" % (proc.returncode, err))
GREY = "/usr/share/color/icc/ghostscript/sgray.icc"  # libgs-common: sRGB tone curve


def count_pixels(img, test):
    """How many pixels of `img` satisfy test(r, g, b)."""
    n = 0
    for row in img.rows:
        for i in range(0, len(row), 3):
            if test(row[i], row[i + 1], row[i + 2]):
                n += 1
    return n


def cyan(r, g, b):
    return r < 100 and g > 120 and b > 180


def magenta(r, g, b):
    return r > 180 and g < 100 and b > 80


def case_jpeg_colour(r, make_jpeg):
    """CMYK and grey JPEGs are embedded as they are (the file's bytes, a
    DCT stream), with their ICC profile as an /ICCBased colour space and
    Adobe's inverted CMYK undone by /Decode, and drawn in their colours:
    cyan and magenta halves, a 25 % grey."""
    images = os.path.join(r.work, "images")
    os.makedirs(images, exist_ok=True)
    cases = (("cmyk.jpg", ["cmyk", GS_CMYK], 4, GS_CMYK),
             ("cmyk-plain.jpg", ["cmyk"], 4, None),
             ("grey.jpg", ["grey", GREY], 1, GREY))
    for name, args, comps, profile in cases:
        jpeg = os.path.join(images, name)
        subprocess.run([make_jpeg, jpeg] + args, check=True)
        with open(jpeg, "rb") as f:
            jpeg_bytes = f.read()
        doc = os.path.join(r.work, name + ".yaml")
        with open(doc, "w", encoding="utf-8") as f:
            f.write("institution:\n  name: University of Agder\n"
                    "candidate:\n  name: Maren Tollefsen Eide\n"
                    "  photo: images/%s\n"
                    "thesis:\n  title: Wind, Waves and Winches\n"
                    "events:\n  - kind: public-defence\n"
                    "    start: 2026-01-16T13:00\n" % name)
        for extra in ([], ["--press"]):
            label = name + (" --press" if extra else "")
            path = r.render(doc, "booklet", name + "%s.pdf" % (
                "-press" if extra else ""), *extra)
            pdf = Pdf(path)
            found = [(k, v["stream"]["dict"]) for k, v in pdf.objects.items()
                     if v.get("stream", {}).get("dict", {}).get(
                         "/Subtype") == "/Image"]
            if not check(len(found) == 1, label + ": one image", repr(found)):
                continue
            ref, image = found[0]
            raw = subprocess.run(["qpdf", "--show-object=" + ref.split()[0],
                                  "--raw-stream-data", path],
                                 capture_output=True, check=True).stdout
            check(image.get("/Filter") == "/DCTDecode" and raw == jpeg_bytes,
                  label + ": the JPEG's own bytes, a DCT stream")
            space = image.get("/ColorSpace")
            if profile:
                with open(profile, "rb") as f:
                    icc = f.read()
                ok = (isinstance(space, list) and space[0] == "/ICCBased" and
                      pdf.get(space[1]).get("/N") == comps and
                      stream_data(path, space[1]) == icc)
                check(ok, label + ": its ICC profile, %d colours" % comps,
                      repr(space))
            else:
                check(space == "/DeviceCMYK", label + ": DeviceCMYK without "
                      "a profile", repr(space))
            if comps == 4:
                check(image.get("/Decode") == [1, 0] * 4,
                      label + ": Adobe's inverted CMYK decoded",
                      repr(image.get("/Decode")))
            listing = subprocess.run(["pdfimages", "-list", path],
                                     capture_output=True, text=True,
                                     check=True).stdout.splitlines()[2]
            check(listing.split()[6] == str(comps) and
                  listing.split()[8] == "jpeg",
                  label + ": pdfimages lists %d components, jpeg" % comps,
                  listing)
        # Drawn: poppler from the PDF, and disputas's own PNG.
        subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1",
                        path, os.path.join(r.work, name)], check=True)
        r.run(["render", doc, "-l", "booklet", "-f", "png", "--dpi", "50",
               "-o", os.path.join(r.work, name + "-own.png")])
        for png, who in ((name + "-1.png", "poppler"),
                         (name + "-own-1.png", "disputas's PNG")):
            img = Image(os.path.join(r.work, png), 50)
            if comps == 4:
                c, m = count_pixels(img, cyan), count_pixels(img, magenta)
                # The image is 96 x 64 at 48 ppi, 2 x 1.33 in: some 3,300
                # pixels at 50 dpi, half cyan, half magenta.
                check(c > 1000 and m > 1000,
                      "%s, %s: cyan and magenta halves" % (name, who),
                      "%d cyan, %d magenta pixels" % (c, m))
            else:
                g = count_pixels(img, lambda r_, g_, b_: abs(r_ - g_) < 3 and
                                 abs(g_ - b_) < 3 and 180 < r_ < 205)
                check(g > 2000, "%s, %s: a light grey" % (name, who),
                      "%d grey pixels" % g)
    if shutil.which("gs"):
        proc = subprocess.run(
            ["gs", "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-dPDFSTOPONERROR",
             "-sDEVICE=nullpage", os.path.join(r.work, "cmyk.jpg-press.pdf")],
            capture_output=True, text=True)
        check(proc.returncode == 0 and not proc.stdout + proc.stderr,
              "Ghostscript reads the CMYK image", proc.stdout + proc.stderr)


ADOBE_RGB = "/usr/share/color/icc/compatibleWithAdobeRGB1998.icc"  # icc-profiles-free


def case_press_images(r, make_jpeg):
    images = os.path.join(r.work, "images")
    os.makedirs(images, exist_ok=True)
    # name, make-jpeg's arguments, what press preflight says of it
    cases = (("rgb.jpg", ["rgb", ADOBE_RGB],
              "note: the image '%s' on page 1 is RGB (profile 'Compatible "
              "with Adobe RGB (1998)'): the print shop converts it"),
             ("rgb-plain.jpg", ["rgb"],
              "note: the image '%s' on page 1 is RGB (no profile, assumed "
              "sRGB)"),
             ("cmyk-plain.jpg", ["cmyk"],
              "warning: the image '%s' on page 1 is CMYK without a colour "
              "profile: for press output to RGB (sRGB) its colours are a "
              "guess"),
             ("cmyk.jpg", ["cmyk", GS_CMYK], None),
             ("grey.jpg", ["grey"], None))
    booklet = os.path.join(r.root, "layouts", "booklet.yaml")
    with open(booklet, encoding="utf-8") as f:
        item = [i for i, line in enumerate(f, 1)
                if "image: candidate.photo" in line][0]
    for name, args, said in cases:
        jpeg = os.path.join(images, name)
        subprocess.run([make_jpeg, jpeg] + args, check=True)
        doc = os.path.join(r.work, name + ".yaml")
        with open(doc, "w", encoding="utf-8") as f:
            f.write("institution:\n  name: University of Agder\n"
                    "candidate:\n  name: Maren Tollefsen Eide\n"
                    "  photo: images/%s\n"
                    "thesis:\n  title: Wind, Waves and Winches\n"
                    "events:\n  - kind: public-defence\n"
                    "    start: 2026-01-16T13:00\n" % name)
        press = r.run(["check", "--preflight", "--press", doc, "-l",
                       "booklet"]).stderr.decode()
        office = r.run(["check", "--preflight", doc, "-l",
                        "booklet"]).stderr.decode()
        colour = re.compile(r"is (RGB|CMYK without)")
        check(not colour.search(office), name + ": office output: nothing "
              "of its colour", office)
        if not said:
            check(not colour.search(press), name + ": press output: "
                  "nothing of its colour", press)
            continue
        if name == "cmyk-plain.jpg":
            # With a CMYK printing condition its numbers are that press's.
            cmyk = r.run(["check", "--preflight", "--press", doc, "-l",
                          "booklet", "--press-profile", "cmyk"]
                         ).stderr.decode()
            check(not colour.search(cmyk), name + ": press output to "
                  "--press-profile cmyk: nothing of its colour", cmyk)
        want = "%s:%d:13: %s" % (booklet, item, said % jpeg)
        at = press.find(want)
        check(at >= 0, name + ": press output: " + said.split(":")[0] +
              " at the image item", "want %r in\n%s" % (want, press))
        # The next report is the note at the document's line.
        check(re.match(r"(?s).*?\n%s:5:10: note: the image is named here" %
                       re.escape(doc), press[at:]),
              name + ": with a note at the document's line", press[at:])


SUMMARY = re.compile(
    r"^(?P<doc>\S+): note: preflight summary of (?P<product>\S+): "
    r"(?P<pages>\d+) pages?; trim (?P<tw>[\d.]+) x (?P<th>[\d.]+) mm; "
    r"bleed (?:none|(?P<bleed>[\d.]+) mm); colour (?P<colour>[^;]+); "
    r"fonts (?P<fonts>\d+), (?:all embedded|(?P<unembedded>\d+) not "
    r"embedded); text (?:none|from (?P<text>[\d.]+) pt); "
    r"images (?:none|from (?P<dpi>\d+) dpi)$", re.M)


def mat_mul(a, b):
    """a x b, PDF matrices [a b c d e f]."""
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


SPACE_NAMES = {"/DeviceGray": "DeviceGray", "/DeviceRGB": "DeviceRGB",
               "/DeviceCMYK": "DeviceCMYK"}


def space_name(pdf, space):
    space = pdf.get(space)
    if isinstance(space, list):
        kind = space[0]
        if kind == "/ICCBased":
            n = pdf.get(space[1]).get("/N")
            return "ICCBased " + {1: "Gray", 3: "RGB", 4: "CMYK"}.get(n, "?")
        if kind == "/Indexed":
            return space_name(pdf, space[1])
        return kind[1:]
    return SPACE_NAMES.get(space, "other")


def read_painting(pdf, path):
    """The colour spaces a PDF paints in and its smallest text size, from
    its pages' content streams and resources (forms followed): device
    colour operators, named colour spaces, images' colour spaces; text
    size as Tf's size scaled by the text and graphics matrices."""
    spaces, sizes = set(), []
    ops = {b"g": "DeviceGray", b"G": "DeviceGray", b"rg": "DeviceRGB",
           b"RG": "DeviceRGB", b"k": "DeviceCMYK", b"K": "DeviceCMYK"}

    def walk(data, resources, ctm, depth):
        resources = pdf.get(resources) or {}
        for v in (pdf.get(resources.get("/ColorSpace")) or {}).values():
            spaces.add(space_name(pdf, v))
        xobjects = pdf.get(resources.get("/XObject")) or {}
        stack, operands, tm, size = [], [], [1, 0, 0, 1, 0, 0], 0
        for m in CONTENT_TOKEN.finditer(data):
            t = m.group(0)
            if t.startswith(b"%"):
                continue
            if not re.fullmatch(rb"[A-Za-z'\"*]+", t):
                operands.append(t)
                continue
            nums = []
            for o in operands:
                try:
                    nums.append(float(o))
                except ValueError:
                    pass
            if t in ops:
                spaces.add(ops[t])
            elif t == b"q":
                stack.append(ctm)
            elif t == b"Q" and stack:
                ctm = stack.pop()
            elif t == b"cm" and len(nums) == 6:
                ctm = mat_mul(nums, ctm)
            elif t == b"Tm" and len(nums) == 6:
                tm = nums
            elif t == b"BT":
                tm = [1, 0, 0, 1, 0, 0]
            elif t == b"Tf" and nums:
                size = nums[-1]
            elif t in (b"Tj", b"TJ", b"'", b'"'):
                m_ = mat_mul(tm, ctm)
                sizes.append(abs(size) * abs(m_[0] * m_[3] - m_[1] * m_[2])
                             ** 0.5)
            elif t == b"Do" and operands and depth < 8:
                ref = xobjects.get(operands[-1].decode())
                obj = pdf.objects.get(ref, {}).get("stream", {})
                d = obj.get("dict", {})
                if d.get("/Subtype") == "/Image":
                    if not d.get("/ImageMask"):
                        spaces.add(space_name(pdf, d.get("/ColorSpace")))
                elif d.get("/Subtype") == "/Form":
                    walk(stream_data(path, ref), d.get("/Resources"),
                         mat_mul(d.get("/Matrix", [1, 0, 0, 1, 0, 0]), ctm),
                         depth + 1)
            operands = []

    for page in pdf.pages():
        refs = page["/Contents"]
        refs = refs if isinstance(refs, list) else [refs]
        walk(b"\n".join(stream_data(path, ref) for ref in refs),
             page.get("/Resources"), [1, 0, 0, 1, 0, 0], 0)
    return spaces, min(sizes) if sizes else 0


def case_summary(r, make_jpeg):
    # A photo with an ICC profile, in CMYK.
    os.makedirs(os.path.join(r.work, "images"), exist_ok=True)
    subprocess.run([make_jpeg, os.path.join(r.work, "images", "cmyk.jpg"),
                    "cmyk", GS_CMYK], check=True)
    photo = os.path.join(r.work, "photo.yaml")
    with open(photo, "w", encoding="utf-8") as f:
        f.write("institution:\n  name: University of Agder\n"
                "candidate:\n  name: Maren Tollefsen Eide\n"
                "  photo: images/cmyk.jpg\n"
                "thesis:\n  title: Wind, Waves and Winches\n"
                "events:\n  - kind: public-defence\n"
                "    start: 2026-01-16T13:00\n")
    # document, layout, options, the product's name
    cases = (("samples/seed.yaml", "poster", [], "poster"),
             ("samples/seed.yaml", "booklet", ["--press"], "booklet"),
             ("samples/seed.yaml", "booklet-print", ["--marks"],
              "booklet-print"),
             ("samples/logo-photo.yaml", "booklet", ["--press"], "booklet"),
             # An extension keeps its base's name.
             ("samples/logo-photo.yaml", "tests/print/pure-black.yaml",
              ["--press"], "booklet"),
             (photo, "booklet", ["--press"], "booklet"))
    for doc, layout, extra, product in cases:
        label = "%s %s %s" % (os.path.basename(doc), os.path.basename(layout),
                              " ".join(extra))
        out = os.path.join(r.work, "summary-%d.pdf" % len(results))
        proc = r.run(["render", doc, "-q", "-l", layout, "-o", out,
                      "--preflight"] + extra)
        err = proc.stderr.decode()
        found = list(SUMMARY.finditer(err))
        if not check(len(found) == 1, label + ": one summary line", err):
            continue
        s = found[0]
        check(s["doc"] == doc and s["product"] == product,
              label + ": at the document, naming the product", s.group(0))
        info = subprocess.run(["pdfinfo", "-box", out], capture_output=True,
                              text=True, check=True).stdout
        field = dict(re.findall(r"^(\w[\w ]*?):\s+(.*)$", info, re.M))
        check(int(s["pages"]) == int(field["Pages"]),
              label + ": pages as pdfinfo", "%s / %s" % (s["pages"],
                                                        field["Pages"]))
        trim = [float(v) for v in field["TrimBox"].split()]
        bleed = [float(v) for v in field["BleedBox"].split()]
        check(abs(float(s["tw"]) - (trim[2] - trim[0]) / MM) < 0.06 and
              abs(float(s["th"]) - (trim[3] - trim[1]) / MM) < 0.06,
              label + ": trim as pdfinfo's TrimBox",
              "%s x %s / %r" % (s["tw"], s["th"], trim))
        margin = (trim[0] - bleed[0]) / MM
        check(abs(float(s["bleed"] or 0) - margin) < 0.06 and
              (s["bleed"] is None) == (margin < 0.01),
              label + ": bleed as pdfinfo's BleedBox",
              "%s / %.2f mm" % (s["bleed"], margin))
        fonts = subprocess.run(["pdffonts", out], capture_output=True,
                               text=True, check=True).stdout.splitlines()[2:]
        embedded = [line.split()[-5] == "yes" for line in fonts]
        check(int(s["fonts"]) == len(fonts) and
              int(s["unembedded"] or 0) == embedded.count(False),
              label + ": fonts as pdffonts", "%s / %d" % (s.group(0),
                                                          len(fonts)))
        listing = subprocess.run(["pdfimages", "-list", out],
                                 capture_output=True, text=True,
                                 check=True).stdout.splitlines()[2:]
        ppi = [min(int(line.split()[12]), int(line.split()[13]))
               for line in listing if line.split()[2] == "image"]
        check((s["dpi"] is None) == (not ppi) and
              (not ppi or abs(int(s["dpi"]) - min(ppi)) <= 1),
              label + ": lowest image resolution as pdfimages",
              "%s / %r" % (s["dpi"], ppi))
        pdf = Pdf(out)
        spaces, smallest = read_painting(pdf, out)
        said = set(x.strip() for x in s["colour"].split(","))
        check(said == spaces, label + ": colour spaces as the PDF paints",
              "%r / %r" % (sorted(said), sorted(spaces)))
        check(abs(float(s["text"] or 0) - smallest) < 0.06,
              label + ": smallest text as the PDF sets it",
              "%s / %.3f" % (s["text"], smallest))
    # Only with preflight, and only for a PDF.
    out = os.path.join(r.work, "plain.pdf")
    err = r.run(["render", "samples/seed.yaml", "-q", "-o", out]).stderr
    check(not SUMMARY.search(err.decode()), "no summary without preflight")


def loads_qpdf(r, args):
    env = dict(r.env, LD_DEBUG="libs")
    proc = r.run(args, env=env)
    return "libqpdf" in proc.stderr.decode("utf-8", "replace")


def case_lazy_qpdf(r):
    doc = "samples/seed.yaml"
    check(not loads_qpdf(r, ["check", doc]), "check does not load libqpdf")
    check(not loads_qpdf(r, ["check", "--preflight", doc, "-l", "booklet"]),
          "check --preflight does not load libqpdf")
    check(not loads_qpdf(r, ["render", doc, "-f", "png", "-o",
                             os.path.join(r.work, "lazy.png")]),
          "PNG output does not load libqpdf")
    check(not loads_qpdf(r, ["render", doc, "-f", "svg", "-o",
                             os.path.join(r.work, "lazy.svg")]),
          "SVG output does not load libqpdf")
    check(loads_qpdf(r, ["render", doc, "-o",
                         os.path.join(r.work, "lazy.pdf")]),
          "PDF output loads libqpdf (the qpdf module)")


# ---- Preflight -----------------------------------------------------------

def compare(name, got, expected_path, regenerate):
    if regenerate:
        with open(expected_path, "wb") as f:
            f.write(got)
    try:
        with open(expected_path, "rb") as f:
            expected = f.read()
    except OSError as e:
        return check(False, name, "cannot read %s: %s" % (expected_path, e))
    diff = "".join(difflib.unified_diff(
        expected.decode("utf-8", "replace").splitlines(True),
        got.decode("utf-8", "replace").splitlines(True),
        "expected", "actual"))
    return check(got == expected, name, diff)


def case_preflight(r, name, regenerate):
    layout = "tests/print/%s.yaml" % name
    expected = os.path.join(r.root, "tests", "print", name + ".stderr")
    doc = "tests/print/docs/preflight.yaml"
    proc = r.run(["check", "--preflight", doc, "-l", layout])
    compare(name + ": check --preflight", proc.stderr, expected, regenerate)
    proc = r.run(["check", "--preflight", "--werror", doc, "-l", layout],
                 check_status=False)
    # Notes alone (an image under 300 dpi) are no error.
    with open(expected, "rb") as f:
        warns = b": warning: " in f.read()
    check(proc.returncode == (1 if warns else 0),
          name + ": with --werror, exit %d" % (1 if warns else 0),
          "exit %d" % proc.returncode)
    with open(os.path.join(r.root, layout), encoding="utf-8") as f:
        asks = re.search(r"^preflight:", f.read(), re.M)
    if asks:
        # The layout's own key: every check and render runs preflight.
        proc = r.run(["check", doc, "-l", layout])
        compare(name + ": check (the layout asks)", proc.stderr, expected,
                False)
        # -q: the problems as check reports them, without the line
        # saying what was written.
        proc = r.run(["render", doc, "-q", "-l", layout, "-o",
                      os.path.join(r.work, name + ".pdf")])
        # ... and then the PDF's summary (case summary checks it).
        lines = proc.stderr.splitlines(True)
        summary = [l for l in lines if b": note: preflight summary of " in l]
        check(len(summary) == 1 and lines[-1] == summary[0],
              name + ": render ends with the summary", proc.stderr)
        compare(name + ": render (the layout asks)",
                b"".join(l for l in lines if l not in summary), expected,
                False)


def case_small_text(r):
    """Text below 6 pt is a warning on every check and render, without
    --preflight (and nothing else of preflight's is)."""
    doc = "tests/print/docs/preflight.yaml"
    want = ("tests/print/preflight-small-text.yaml:7:3: warning: text in "
            "style 'tiny' is set at 5.0 pt on page 1, below the 6.0 pt "
            "minimum for print\n")
    for args in (["check"], ["render", "-q", "-o",
                             os.path.join(r.work, "small.pdf")]):
        proc = r.run(args + [doc, "-l", "tests/print/preflight-small-text.yaml"])
        err = proc.stderr.decode("utf-8", "replace")
        lines = [l + "\n" for l in err.splitlines() if ": " in l and
                 not l.startswith(" ")]
        check(lines == [want], "%s: the small text, and nothing else" %
              args[0], err)
    # A layout without small text: nothing.
    proc = r.run(["check", doc, "-l", "tests/print/preflight-image-note.yaml"])
    check(proc.stderr == b"", "no small text, no message",
          proc.stderr.decode())


def patch_fstype(path, fstype):
    """Sets the OS/2 table's fsType of the font file at `path`."""
    with open(path, "rb") as f:
        data = bytearray(f.read())
    tables = struct.unpack(">H", data[4:6])[0]
    for i in range(tables):
        entry = 12 + 16 * i
        tag, _, offset, _ = struct.unpack(">4sIII", data[entry:entry + 16])
        if tag == b"OS/2":
            data[offset + 8:offset + 10] = struct.pack(">H", fstype)
            break
    else:
        raise RuntimeError("no OS/2 table in " + path)
    with open(path, "wb") as f:
        f.write(data)


def case_fonts(r):
    # A data folder like the real one, whose Noto Serif Regular says
    # "restricted licence embedding" (fsType 2).
    data = os.path.join(r.work, "datadir")
    shutil.rmtree(data, ignore_errors=True)
    os.makedirs(os.path.join(data, "fonts"))
    for entry in os.listdir(r.root):
        if entry in ("layouts", "data"):
            os.symlink(os.path.join(r.root, entry), os.path.join(data, entry))
    fonts = os.path.join(r.root, "fonts")
    for entry in os.listdir(fonts):
        src = os.path.join(fonts, entry)
        dst = os.path.join(data, "fonts", entry)
        if entry == "NotoSerif-Regular.ttf":
            shutil.copyfile(src, dst)
            patch_fstype(dst, 0x0002)
        elif entry == "fonts.conf":
            # A copy: its font folder is the one it is in (a link would
            # resolve to the real one).
            shutil.copyfile(src, dst)
        else:
            os.symlink(src, dst)
    env = dict(r.env, DISPUTAS_DATADIR=data)
    proc = r.run(["check", "--preflight", "samples/seed.yaml", "-l",
                  "booklet"], env=env)
    err = proc.stderr.decode("utf-8", "replace")
    check("warning: cannot embed the font 'Noto Serif': its licence forbids "
          "embedding" in err, "a font that may not be embedded is reported",
          err)
    proc = r.run(["check", "--preflight", "samples/seed.yaml", "-l",
                  "booklet"])
    check(b"cannot embed" not in proc.stderr,
          "the bundled fonts may be embedded", proc.stderr.decode())


def case_samples(r):
    samples = sorted(f for f in os.listdir(os.path.join(r.root, "samples"))
                     if f.endswith(".yaml"))
    # Every sample's language is hyphenated (Finnish by libvoikko), and
    # the built-in layouts set justified text in one that is not ragged
    # (`hyphenation: {unhyphenated: ragged}`): no sample warns.
    expected = {}
    # A dense poster leaves optional content out by priority, naming each
    # piece in a warning; that is the design, not a preflight problem.
    left_out = ": warning: left out of the poster: "
    for sample in samples:
        for layout in ("poster", "booklet", "booklet-print"):
            warns = expected.get(sample) if layout != "poster" else None
            lenient = warns or layout == "poster"
            proc = r.run(["check", "--preflight"] +
                         ([] if lenient else ["--werror"]) +
                         ["samples/" + sample, "-l", layout],
                         check_status=False)
            err = proc.stderr.decode("utf-8", "replace")
            problems = [l for l in err.splitlines()
                        if (": warning: " in l or ": error: " in l)
                        and left_out not in l]
            if warns:
                ok = len(problems) == 1 and warns in problems[0]
            elif lenient:
                ok = not problems
            else:
                ok = not err
            check(proc.returncode == 0 and ok,
                  "%s in %s passes preflight" % (sample, layout), err)
    # Justified after all, a summary in a language that cannot be
    # hyphenated (the Finnish sample's, said to be Northern Sami: neither
    # patterns nor a libvoikko dictionary) warns of its patterns once a
    # run, however many products set it.
    with open(os.path.join(r.root, "samples", "finnish.yaml"),
              encoding="utf-8") as f:
        sami = f.read().replace("\nlang: fi\n", "\nlang: se\n")
    check("\nlang: se\n" in sami, "the Finnish sample says lang: fi")
    sami_doc = os.path.join(r.work, "sami.yaml")
    with open(sami_doc, "w", encoding="utf-8") as f:
        f.write(sami)
    layouts = []
    for name in ("justified-a", "justified-b"):
        layouts += ["-l", os.path.join(r.work, name + ".yaml")]
        with open(layouts[-1], "w", encoding="utf-8") as f:
            f.write("layout: 1\nextends: booklet\nname: %s\n"
                    "hyphenation: {unhyphenated: justify}\n" % name)
    proc = r.run(["build", sami_doc, "-d",
                  os.path.join(r.work, "sami-build")] + layouts)
    err = proc.stderr.decode("utf-8", "replace")
    check(err.count("no hyphenation patterns for language 'se'") == 1,
          "a Sami build warns of its patterns once", err)


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__)
    r = Runner(argv[1], argv[2], argv[3])
    case = argv[4]
    regenerate = "--regenerate" in argv[5:]
    os.makedirs(r.work, exist_ok=True)
    cases = {"boxes": case_boxes, "fields": case_fields,
             "reproducible": case_reproducible, "tagged": case_tagged,
             "full-page-fill": case_full_page_fill,
             "marks": case_marks, "pdfx": case_pdfx, "pdfa": case_pdfa,
             "registration": case_registration,
             "pure-black": case_pure_black, "press-cmyk": case_press_cmyk,
             "small-text": case_small_text, "lazy-qpdf": case_lazy_qpdf,
             "fonts": case_fonts, "samples": case_samples}
    try:
        if case in ("jpeg-colour", "press-images", "summary"):
            make = [a.split("=", 1)[1] for a in argv[5:]
                    if a.startswith("--make-jpeg=")]
            {"jpeg-colour": case_jpeg_colour,
             "press-images": case_press_images,
             "summary": case_summary}[case](r, make[0])
        elif case.startswith("preflight-"):
            case_preflight(r, case, regenerate)
        elif case in cases:
            cases[case](r)
        else:
            sys.exit("unknown case " + case)
    except Exception as e:  # a crash is one failed test, with its reason
        check(False, case, "%s: %s" % (type(e).__name__, e))
    print("1..%d" % len(results))
    for i, (ok, name, detail) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
        if not ok:
            for line in str(detail).splitlines():
                print("# " + line)
    return 0 if all(ok for ok, _, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
