#!/bin/sh
# bench/scaling.sh: does the booklet's time grow linearly with the summary?
#
# Generates announcements whose summaries have 1, 10, 100 and 1,000
# paragraphs (about 70 words each, a heading every tenth), renders each
# with `render -l booklet` (the median of RUNS runs), and prints the time,
# the pages, the time a paragraph, and the growth exponent from the size
# before (1 is linear; 2 would be quadratic).  The fixed cost of a run
# (start-up, the cover) dominates the small sizes; the exponent between
# 100 and 1,000 paragraphs is the one that tells.
#
# Usage: bench/scaling.sh [RUNS]      (default 3; BUILD=dir picks the build)
set -eu
cd "$(dirname "$0")/.."
runs=${1:-3}
build=${BUILD:-build}
[ -d "$build" ] || meson setup "$build" >/dev/null
ninja -C "$build" disputas >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work" "$build/disputas" "$runs" <<'EOF'
import math, random, statistics, subprocess, sys, time
work, disputas, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(1)
words = ("the study of how public services learn from those who use them "
         "shows that collaboration between staff and citizens changes both "
         "the work and the results while managers value knowledge gained "
         "through experience and research in many countries").split()

def sentence():
    s = " ".join(rng.choice(words) for _ in range(rng.randint(10, 20)))
    return s[0].upper() + s[1:] + "."

print("%12s %10s %7s %14s %9s" % ("paragraphs", "time", "pages",
                                  "per paragraph", "exponent"))
previous = None
for n in (1, 10, 100, 1000):
    body = []
    for k in range(n):
        if k and k % 10 == 0:
            body.append("## Part %d" % (k // 10))
        body.append(" ".join(sentence() for _ in range(5)))
    doc = "%s/summary-%d.yaml" % (work, n)
    with open(doc, "w") as f:
        f.write("lang: en\ninstitution:\n  name: University of Agder\n"
                "candidate:\n  name: Maren Tollefsen Eide\n"
                "thesis:\n  title: Wind, Waves and Winches\n"
                "events:\n  - kind: public-defence\n"
                "    start: 2026-01-16T13:00\n"
                "summary: |\n" + "\n\n".join("  " + b for b in body) + "\n")
    out = "%s/summary-%d.pdf" % (work, n)
    times = []
    for _ in range(runs):
        start = time.monotonic()
        r = subprocess.run([disputas, "render", doc, "-l", "booklet", "-o", out],
                           stderr=subprocess.PIPE, text=True)
        times.append(time.monotonic() - start)
        if r.returncode != 0:
            print("%12d failed: %s" % (n, r.stderr.strip().splitlines()[-1]))
            break
    else:
        t = statistics.median(times)
        info = subprocess.run(["pdfinfo", out], stdout=subprocess.PIPE,
                              text=True).stdout
        pages = next((l.split()[-1] for l in info.splitlines()
                      if l.startswith("Pages:")), "?")
        exponent = ""
        if previous:
            exponent = "%.2f" % (math.log(t / previous[1]) /
                                 math.log(n / previous[0]))
        print("%12d %8.0f ms %7s %11.2f ms %9s" % (n, t * 1000, pages,
                                                 t * 1000 / n, exponent))
        previous = (n, t)
EOF
