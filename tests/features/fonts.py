#!/usr/bin/env python3
"""Font families: an unknown one is an error, font folders and the
user's font folder add families.

Usage: fonts.py DISPUTAS SOURCE_ROOT WORKDIR

1. A layout naming 'Noto Sanz' (a named font), 'Calibri' and, in a list,
   'DejaVu Sans' (installed, but in a folder disputas does not use) must
   fail with exit 1 and an error at each line, the first with a
   suggestion; no PDF is written.
2. `font-folders: /usr/share/fonts/truetype/crosextra` (Debian's
   fonts-crosextra-carlito) makes 'Carlito' a family: pdffonts lists it.
3. Without font-folders, Carlito copied into $XDG_DATA_HOME/fonts is
   found too.
"""
import os
import shutil
import subprocess
import sys

disputas, root, workdir = sys.argv[1:4]
disputas = os.path.abspath(disputas)
shutil.rmtree(workdir, ignore_errors=True)
os.makedirs(workdir)
seed = os.path.join(root, "samples", "seed.yaml")
carlito = "/usr/share/fonts/truetype/crosextra"
failures = []


def write(name, text):
    path = os.path.join(workdir, name)
    with open(path, "w") as f:
        f.write(text)
    return path


bad = write("bad.yaml", """layout: 1
extends: poster
fonts:
  display: Noto Sanz
styles:
  body: {family: Calibri}
  footer: {family: "Noto Sans Mono, DejaVu Sans"}
""")
pdf = os.path.join(workdir, "bad.pdf")
run = subprocess.run([disputas, "render", seed, "-l", bad, "-o", pdf],
                     capture_output=True, text=True)
if run.returncode != 1:
    failures.append("unknown families: exit %d, not 1" % run.returncode)
for want in ("bad.yaml:4:12: error: unknown font family 'Noto Sanz' "
             "(did you mean 'Noto Sans'?)",
             "bad.yaml:6:18: error: unknown font family 'Calibri'; ",
             "bad.yaml:7:20: error: unknown font family 'DejaVu Sans'; "):
    if want not in run.stderr:
        failures.append("unknown families: no %r in %r" % (want, run.stderr))
if os.path.exists(pdf):
    failures.append("unknown families: a PDF was written")


def fonts_of(pdf):
    out = subprocess.run(["pdffonts", pdf], capture_output=True, text=True,
                         check=True).stdout
    return [line.split()[0].split("+")[-1] for line in out.splitlines()[2:]]


folder = write("carlito.yaml", """layout: 1
extends: poster
font-folders: %s
fonts:
  display: Carlito
""" % carlito)
pdf = os.path.join(workdir, "carlito.pdf")
subprocess.run([disputas, "render", seed, "-l", folder, "-o", pdf, "-q"],
               check=True)
names = fonts_of(pdf)
if not any(n.startswith("Carlito") for n in names):
    failures.append("font-folders: Carlito not in the PDF's fonts %s" % names)

data = os.path.join(workdir, "data")
os.makedirs(os.path.join(data, "fonts"))
shutil.copy(os.path.join(carlito, "Carlito-Regular.ttf"),
            os.path.join(data, "fonts"))
user = write("user.yaml", """layout: 1
extends: poster
fonts:
  display: Carlito
""")
pdf = os.path.join(workdir, "user.pdf")
run = subprocess.run([disputas, "render", seed, "-l", user, "-o", pdf, "-q"],
                     env=dict(os.environ, XDG_DATA_HOME=data),
                     capture_output=True, text=True)
if run.returncode != 0:
    failures.append("~/.local/share/fonts: exit %d: %s" % (run.returncode,
                                                           run.stderr))
elif not any(n.startswith("Carlito") for n in fonts_of(pdf)):
    failures.append("~/.local/share/fonts: Carlito not in the PDF's fonts")

if failures:
    sys.exit("\n".join(failures))
print("ok: unknown families are errors; font folders and the user's fonts "
      "add families")
