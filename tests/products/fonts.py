#!/usr/bin/env python3
"""No product uses a font outside the chosen set (fonts/README.md).

Usage: fonts.py DISPUTAS SOURCE_ROOT WORKDIR

The chosen set is read from the repository, not written here: the bundled
files (fonts/*.ttf) and the system fonts fonts/fonts.conf accepts (its
<acceptfont> globs, NotoSansArabic-* and so on).  Every sample is rendered
as poster and booklet and `pdffonts` lists the fonts of each PDF; a font
whose PostScript name is not one of the bundled files' and does not begin
with an accepted file's stem fails the test.  Then two documents with
signs the bundled fonts lack (the partial differential, arrows) and two
scripts set in serif and sans: the signs must come from Noto Sans Math or
Symbols, never from CJK (whose full-width forms are too wide), and each
script from one font only.  Last, characters no chosen font has (Egyptian
hieroglyphs) in three fields: each is a warning at the field's own line
and column in the document, naming the character and the field, told once
a product; the PDF is still made, with the rest of the text.
"""
import glob
import os
import re
import subprocess
import sys

disputas, root, workdir = sys.argv[1:4]
os.makedirs(workdir, exist_ok=True)

bundled = {os.path.splitext(os.path.basename(f))[0]
           for f in glob.glob(os.path.join(root, "fonts", "*.ttf"))}
with open(os.path.join(root, "fonts", "fonts.conf"), encoding="utf-8") as f:
    conf = f.read()
accept = re.search(r"<acceptfont>(.*?)</acceptfont>", conf, re.S).group(1)
stems = [os.path.basename(g)[:-2] for g in re.findall(r"<glob>([^<]*-\*)</glob>",
                                                     accept)]
assert bundled and stems, "no fonts found in fonts/"


def allowed(name):
    if name in bundled:
        return True
    return any(name.startswith(stem) and
               re.match(r"[-a-z]", name[len(stem):len(stem) + 1] or "")
               for stem in stems)


def fonts_of(pdf):
    out = subprocess.run(["pdffonts", pdf], check=True,
                         capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines()[2:]:
        name = line.split()[0]
        names.add(re.sub(r"^[A-Z]{6}\+", "", name))
    return names


def render(yaml_path, layout, name):
    out = os.path.join(workdir, f"{name}.{layout}.pdf")
    subprocess.run([disputas, "render", yaml_path, "-l", layout, "-o", out],
                   check=True)
    return out


failures = 0
checked = 0
for path in sorted(glob.glob(os.path.join(root, "samples", "*.yaml"))):
    sample = os.path.splitext(os.path.basename(path))[0]
    for layout in ("poster", "booklet"):
        for name in sorted(fonts_of(render(path, layout, sample))):
            checked += 1
            if not allowed(name):
                print(f"not ok: {sample}.{layout} uses {name}, which is not "
                      "in the chosen set")
                failures += 1

SIGNS = """institution:
  name: University of Agder
candidate:
  name: Maren Tollefsen Eide
thesis:
  title: "Waves where ∂u/∂t = c ∇²u → ∞"
events:
  - kind: public-defence
    start: 2026-01-16T13:00
lead: |
  The solution satisfies ∂u/∂t ≈ 0 as t → ∞; she also reads
  جامعة أغدر and 挪威 in the same line.
"""
doc = os.path.join(workdir, "signs.yaml")
with open(doc, "w", encoding="utf-8") as f:
    f.write(SIGNS)
for layout in ("poster", "booklet"):
    names = fonts_of(render(doc, layout, "signs"))
    checked += 1
    if not any(n.startswith(("NotoSansMath", "NotoSansSymbols")) for n in names):
        print(f"not ok: signs.{layout}: no Math or Symbols font: {sorted(names)}")
        failures += 1
    # CJK is there for the Chinese only: the signs alone must not bring it.
    arabic = {n.split("-")[0] for n in names if "Arabic" in n or "Naskh" in n}
    checked += 1
    if len(arabic) != 1:
        print(f"not ok: signs.{layout}: Arabic in {sorted(arabic)}, not one font")
        failures += 1
signs_only = SIGNS.replace(" and 挪威", "").replace("جامعة أغدر", "UiA")
doc = os.path.join(workdir, "signs-only.yaml")
with open(doc, "w", encoding="utf-8") as f:
    f.write(signs_only)
names = fonts_of(render(doc, "poster", "signs-only"))
checked += 1
if any("CJK" in n for n in names):
    print(f"not ok: signs-only.poster takes signs from CJK: {sorted(names)}")
    failures += 1
MISSING = """institution: {name: University of Agder}
candidate:
  name: Maren \U00013000 Eide
thesis: {title: Wind and Waves}
summary: |
  A summary with a \U00013001 in it.
committee:
  - name: Ola \U00013002 Nordmann
    role: first-opponent
events:
  - kind: public-defence
    start: 2026-01-16T13:00
"""
doc = os.path.join(workdir, "missing.yaml")
with open(doc, "w", encoding="utf-8") as f:
    f.write(MISSING)
lines = MISSING.splitlines()


def at(value):
    """doc:LINE:COLUMN of the first line holding `value`."""
    for n, line in enumerate(lines, start=1):
        if value in line:
            return f"{doc}:{n}:{line.index(value) + 1}"


wanted = [
    f"{at('Maren')}: warning: no font can draw U+13000 EGYPTIAN HIEROGLYPH "
    f"A001 '\U00013000' in the field 'candidate.name'",
    f"{at('A summary')}: warning: no font can draw U+13001 EGYPTIAN "
    f"HIEROGLYPH A002 '\U00013001' in the field 'summary'",
    f"{at('Ola')}: warning: no font can draw U+13002 EGYPTIAN HIEROGLYPH "
    f"A003 '\U00013002' in the field 'name'",
]
for layout in ("poster", "booklet"):
    out = os.path.join(workdir, f"missing.{layout}.pdf")
    proc = subprocess.run([disputas, "render", doc, "-l", layout, "-o", out],
                          capture_output=True, text=True)
    told = [line for line in proc.stderr.splitlines() if "no font" in line]
    checked += 1
    if proc.returncode != 0 or not os.path.exists(out):
        print(f"not ok: missing.{layout}: exit {proc.returncode}, "
              f"{proc.stderr}")
        failures += 1
        continue
    # The poster shows no summary; each field shown, told once.
    expected = [w for w in wanted if layout == "booklet" or "summary" not in w]
    checked += 1
    if sorted(told) != sorted(expected):
        print(f"not ok: missing.{layout} warns {told}, not {expected}")
        failures += 1
    text = subprocess.run(["pdftotext", out, "-"], capture_output=True,
                          text=True, check=True).stdout
    checked += 1
    if "Nordmann" not in text or "Eide" not in text:
        print(f"not ok: missing.{layout}: the names are not in the PDF")
        failures += 1
print(f"{checked} checks, {failures} failures")
sys.exit(1 if failures else 0)
