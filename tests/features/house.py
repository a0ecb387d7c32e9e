#!/usr/bin/env python3
"""The house-style example (docs/examples/house) builds with the
institution's colour, logo, fonts, labels and options; --house and
DISPUTAS_HOUSE apply a house to documents that name none; a broken house
file is reported at its lines.

Usage: house.py DISPUTAS SOURCE_ROOT WORKDIR

The expected values come from the example's house file: brand colour
#7a1f3d (the poster's band), the logo's gold #e8c170 (drawn only if the
logo is), the fonts EB Garamond 12 and Carlito, the institution's name
(the announcement gives only its faculty), 'PhD defence' for the English
label, and crop marks (a media box larger than the trim box).
"""
import os
import re
import shutil
import subprocess
import sys

disputas, root, workdir = sys.argv[1:4]
disputas = os.path.abspath(disputas)
shutil.rmtree(workdir, ignore_errors=True)
os.makedirs(workdir)
example = os.path.join(root, "docs", "examples", "house")
failures = []


def colour_ops(pdf):
    """Every fill colour set in the PDF, as (r, g, b) in 0..255."""
    qdf = pdf + ".qdf"
    subprocess.run(["qpdf", "--qdf", "--object-streams=disable", pdf, qdf],
                   check=True)
    data = open(qdf, "rb").read().decode("latin-1")
    return {tuple(round(float(x) * 255) for x in m)
            for m in re.findall(r"([\d.]+) ([\d.]+) ([\d.]+) rg", data)}


def fonts_of(pdf):
    out = subprocess.run(["pdffonts", pdf], capture_output=True, text=True,
                         check=True).stdout
    return [line.split()[0].split("+")[-1] for line in out.splitlines()[2:]]


def text_of(pdf):
    return subprocess.run(["pdftotext", pdf, "-"], capture_output=True,
                          text=True, check=True).stdout


def check_house_poster(pdf, what):
    ops = colour_ops(pdf)
    for name, rgb in (("brand #7a1f3d", (0x7a, 0x1f, 0x3d)),
                      ("the logo's #e8c170", (0xe8, 0xc1, 0x70))):
        if rgb not in ops:
            failures.append("%s: no fill in %s" % (what, name))
    fonts = fonts_of(pdf)
    for family in ("EBGaramond12", "Carlito"):
        if not any(f.startswith(family) for f in fonts):
            failures.append("%s: %s not among the fonts %s"
                            % (what, family, fonts))
    if any(f.startswith("Noto") for f in fonts):
        failures.append("%s: a Noto font is still used: %s" % (what, fonts))
    text = text_of(pdf)
    for want in ("VESTFJORD UNIVERSITY", "PhD defence"):
        if want not in text:
            failures.append("%s: no %r in the text" % (what, want))
    info = subprocess.run(["pdfinfo", "-box", pdf], capture_output=True,
                          text=True, check=True).stdout
    media = [float(x) for x in re.search(r"MediaBox:\s+([\d. ]+)", info).group(1).split()]
    trim = [float(x) for x in re.search(r"TrimBox:\s+([\d. ]+)", info).group(1).split()]
    if not media[2] - media[0] > trim[2] - trim[0] + 10:
        failures.append("%s: no slug for crop marks (media %s, trim %s)"
                        % (what, media, trim))


# 1. The worked example, as documented: the document names its house.
out = os.path.join(workdir, "example")
subprocess.run([disputas, "build", os.path.join(example, "announcement.yaml"),
                "-d", out, "-q"], check=True)
check_house_poster(os.path.join(out, "announcement.poster.pdf"), "example")

# 2. The same document without `house:`, given the house by --house and by
#    the environment.
with open(os.path.join(example, "announcement.yaml")) as f:
    doc = f.read().replace("house: vestfjord.house.yaml\n", "")
plain = os.path.join(workdir, "plain.yaml")
with open(plain, "w") as f:
    f.write(doc)
house = os.path.join(example, "vestfjord.house.yaml")
pdf = os.path.join(workdir, "flag.pdf")
subprocess.run([disputas, "render", plain, "--house", house, "-o", pdf, "-q"],
               check=True)
check_house_poster(pdf, "--house")
pdf = os.path.join(workdir, "env.pdf")
subprocess.run([disputas, "render", plain, "-o", pdf, "-q"], check=True,
               env=dict(os.environ, DISPUTAS_HOUSE=house))
check_house_poster(pdf, "DISPUTAS_HOUSE")
run = subprocess.run([disputas, "check", plain], capture_output=True,
                     text=True, env=dict(os.environ, DISPUTAS_HOUSE=""))
if run.returncode != 1 or "institution" not in run.stderr:
    failures.append("without a house the institution's name is missing: "
                    "exit %d, %r" % (run.returncode, run.stderr))

# 3. A broken house file: every problem at its line, exit 1, no output.
bad = os.path.join(workdir, "bad.house.yaml")
with open(bad, "w") as f:
    f.write("""house: 1
institution:
  logo: missing.svg
  colour: red
colours:
  brand: "#7a1f3"
fonts:
  display: Noto Sanz
labels:
  en: {public-defense: PhD defence}
options:
  crop: true
""")
pdf = os.path.join(workdir, "bad.pdf")
run = subprocess.run([disputas, "render", plain, "--house", bad, "-o", pdf],
                     capture_output=True, text=True)
if run.returncode != 1:
    failures.append("broken house: exit %d, not 1" % run.returncode)
for want in ("bad.house.yaml:6:10: error: colour 'brand' must be \"#rrggbb\"",
             "bad.house.yaml:12:3: error: unknown key 'crop' in options"):
    if want not in run.stderr:
        failures.append("broken house: no %r in %r" % (want, run.stderr))
if os.path.exists(pdf):
    failures.append("broken house: a PDF was written")
# The house's own values are checked by the announcement's rules, at the
# house's lines.
with open(bad, "w") as f:
    f.write("""house: 1
institution:
  name: Vestfjord University
  logo: missing.svg
""")
run = subprocess.run([disputas, "check", plain, "--house", bad],
                     capture_output=True, text=True)
want = ("bad.house.yaml:4:9: error: institution: image 'missing.svg' "
        "(relative to the house file's folder) does not exist")
if run.returncode != 1 or want not in run.stderr:
    failures.append("house logo: exit %d, no %r in %r"
                    % (run.returncode, want, run.stderr))
with open(bad, "w") as f:
    f.write("""house: 1
institution:
  name: Vestfjord University
  colour: red
labels:
  en: {public-defense: PhD defence}
""")
run = subprocess.run([disputas, "check", plain, "--house", bad],
                     capture_output=True, text=True)
for want in ("bad.house.yaml:4:11: error: ",
             "bad.house.yaml:6:8: error: unknown key 'public-defense' in labels"):
    if want not in run.stderr:
        failures.append("house values: no %r in %r" % (want, run.stderr))
with open(bad, "w") as f:
    f.write("""house: 1
fonts:
  display: Noto Sanz
""")
run = subprocess.run([disputas, "check", os.path.join(example, "..", "..", "..",
                                                      "samples", "seed.yaml"),
                      "--house", bad], capture_output=True, text=True)
want = ("bad.house.yaml:3:12: error: unknown font family 'Noto Sanz' "
        "(did you mean 'Noto Sans'?)")
if run.returncode != 1 or want not in run.stderr:
    failures.append("house font: exit %d, no %r in %r"
                    % (run.returncode, want, run.stderr))
# 4. options: press gives every product the 3 mm bleed without marks.
press = os.path.join(workdir, "press.house.yaml")
with open(press, "w") as f:
    f.write("house: 1\noptions: {press: true}\n")
pdf = os.path.join(workdir, "press.pdf")
subprocess.run([disputas, "render", os.path.join(root, "samples", "seed.yaml"),
                "--house", press, "-o", pdf, "-q"], check=True)
info = subprocess.run(["pdfinfo", "-box", pdf], capture_output=True,
                      text=True, check=True).stdout
media = [float(x) for x in re.search(r"MediaBox:\s+([\d. ]+)", info).group(1).split()]
trim = [float(x) for x in re.search(r"TrimBox:\s+([\d. ]+)", info).group(1).split()]
bleed = 3 * 72 / 25.4
if abs((media[2] - media[0]) - (trim[2] - trim[0]) - 2 * bleed) > 0.5:
    failures.append("options press: media %s, trim %s: not a 3 mm bleed"
                    % (media, trim))

if failures:
    sys.exit("\n".join(failures))
print("ok: the house-style example's colour, logo, fonts, labels and marks; "
      "--house, DISPUTAS_HOUSE; a broken house at its lines")
