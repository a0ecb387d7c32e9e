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
script from one font only.
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
print(f"{checked} checks, {failures} failures")
sys.exit(1 if failures else 0)
