#!/bin/sh
# bench/batch.sh: documents a second a core, building many in one process.
#
# Generates COUNT announcements (default 500) of varied length and
# language into a temporary folder: lang en, nb or nn, 0 to 40 summary
# paragraphs (a heading now and then), 1 to 3 events, 0 to 6 people
# (committee and supervisors), an online block in some.  Then builds them
# all in one process, every product (three PDFs and the calendar), with
# `disputas build DOC... -j 1` and with `-j N` (N = processors), and
# reports documents a second (wall time) and documents a CPU second (every
# thread of the process counted: "a second a core").  Target: 100
# documents a second a core.
#
# Usage: bench/batch.sh [COUNT]     (BUILD=dir picks the build)
set -eu
cd "$(dirname "$0")/.."
count=${1:-500}
build=${BUILD:-build}
[ -d "$build" ] || meson setup "$build" >/dev/null
ninja -C "$build" disputas >/dev/null
cores=$(nproc 2>/dev/null || echo 1)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/docs" "$work/out1" "$work/outn"

python3 - "$work/docs" "$count" <<'EOF'
import random, sys
folder, count = sys.argv[1], int(sys.argv[2])
rng = random.Random(6)
words = {
    "en": "the study of how public services learn from those who use them "
          "shows that collaboration between staff and citizens changes "
          "both the work and the results while managers value knowledge "
          "gained through experience and research in many countries".split(),
    "nb": "studien viser hvordan offentlige tjenester lærer av brukerne "
          "og at samarbeid mellom ansatte og innbyggere endrer både arbeidet "
          "og resultatene mens ledere verdsetter kunnskap fra erfaring og "
          "forskning i mange kommuner gjennom flere år".split(),
    "nn": "studien viser korleis offentlege tenester lærer av brukarane "
          "og at samarbeid mellom tilsette og innbyggjarar endrar både "
          "arbeidet og resultata medan leiarar verdset kunnskap frå "
          "erfaring og forsking i mange kommunar gjennom fleire år".split(),
}
first = ["Kari", "Ola", "Ingrid", "Lars", "Maren", "Eirik", "Sofie", "Jon"]
last = ["Nordmann", "Haugen", "Berg", "Lie", "Myklebust", "Dahl", "Eide"]
roles = ["leader", "first-opponent", "second-opponent", "member"]

def sentence(lang):
    n = rng.randint(8, 22)
    s = " ".join(rng.choice(words[lang]) for _ in range(n))
    return s[0].upper() + s[1:] + "."

def title(lang):
    s = " ".join(rng.choice(words[lang]) for _ in range(rng.randint(3, 9)))
    return s[0].upper() + s[1:]

def paragraph(lang):
    return " ".join(sentence(lang) for _ in range(rng.randint(2, 6)))

def person(role):
    return ("  - role: %s\n    title: Professor\n    name: %s %s\n"
            "    affiliation: University of %s\n"
            % (role, rng.choice(first), rng.choice(last), rng.choice(last)))

def q(text):
    return '"' + text.replace('"', "'") + '"'

for i in range(count):
    lang = ["en", "nb", "nn"][i % 3]
    out = ["lang: %s" % lang, "timezone: Europe/Oslo",
           "institution:\n  name: University of %s" % rng.choice(last),
           "candidate:\n  name: %s %s" % (rng.choice(first), rng.choice(last)),
           "degree: PhD",
           "thesis:\n  title: %s" % q(title(lang)),
           "lead: %s" % q(sentence(lang))]
    paras = rng.randint(0, 40)
    if paras:
        body = []
        for k in range(paras):
            if k and rng.random() < 0.15:
                body.append("## " + sentence(lang)[:-1][:60])
            body.append(paragraph(lang))
        out.append("summary: |\n" + "\n\n".join(
            "  " + b for b in body))
    events = []
    kinds = ["trial-lecture", "public-defence", "other"]
    for k in range(rng.randint(1, 3)):
        kind = kinds[k]
        e = ("  - kind: %s\n    start: 2026-%02d-%02dT%02d:00\n"
             "    venue:\n      room: Aud. %d\n      building: Main building"
             % (kind, rng.randint(1, 12), rng.randint(1, 28), 9 + 2 * k,
                rng.randint(1, 9)))
        if kind == "other":
            e += "\n    label: Reception"
        else:
            e += "\n    title: %s" % q(title(lang))
        events.append(e)
    out.append("events:\n" + "\n".join(events))
    people = rng.randint(0, 6)
    committee = min(people, rng.randint(0, 4))
    if committee:
        out.append("committee:\n" + "".join(person(roles[k])
                                             for k in range(committee)))
    if people - committee:
        out.append("supervisors:\n" + "".join(
            person("main-supervisor" if k == 0 else "co-supervisor")
            for k in range(people - committee)))
    if rng.random() < 0.5:
        out.append("online:\n  platform: Zoom\n  url: https://example.org/j/%d"
                   % (1000 + i))
    with open("%s/doc%03d.yaml" % (folder, i), "w") as f:
        f.write("\n".join(out) + "\n")
EOF

run() { # JOBS OUTDIR: wall seconds and CPU seconds to build every document
  python3 - "$@" "$build/disputas" "$work/docs" <<'EOF'
import glob, os, subprocess, sys, time
jobs, out, disputas, docs = sys.argv[1:5]
paths = sorted(glob.glob(docs + "/*.yaml"))
start, cpu = time.monotonic(), os.times()
status = subprocess.run([disputas, "build", *paths, "-d", out, "-j", jobs]).returncode
after = os.times()
used = (after.children_user - cpu.children_user) + \
       (after.children_system - cpu.children_system)
print("%.3f %.3f %d" % (time.monotonic() - start, used, status))
EOF
}

set -- $(run 1 "$work/out1")
one=$1 one_cpu=$2 status1=$3
set -- $(run "$cores" "$work/outn")
many=$1 many_cpu=$2 statusn=$3
built=$(ls "$work/out1"/*.poster.pdf 2>/dev/null | wc -l)

python3 - "$count" "$cores" "$one" "$many" "$built" "$status1" "$statusn" \
  "$one_cpu" "$many_cpu" <<'EOF'
import sys
count, cores = int(sys.argv[1]), int(sys.argv[2])
one, many, built = float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
one_cpu, many_cpu = float(sys.argv[8]), float(sys.argv[9])
print("%d documents generated (en/nb/nn, 0-40 summary paragraphs, 1-3 events, "
      "0-6 people); %d built (exit %s, %s)" % (count, built, sys.argv[6],
                                               sys.argv[7]))
# A core is a CPU second a second: documents a CPU second count every
# thread the process ran (a build finishes PDFs in threads of its own).
print("build -j 1 : %6.2f s  %6.1f documents/s   %6.1f documents/s/core"
      " (%.2f CPU s)" % (one, count / one, count / one_cpu, one_cpu))
print("build -j %d : %6.2f s  %6.1f documents/s   %6.1f documents/s/core"
      " (%.2f CPU s)" % (cores, many, count / many, count / many_cpu,
                         many_cpu))
per_core = max(count / one_cpu, count / many_cpu)
print("target 100 documents/s/core: %s"
      % ("met" if per_core >= 100 else "MISSED (%.1f)" % per_core))
EOF
