#!/bin/sh
# bench/run.sh: how fast disputas is, as ratios to the floor.
#
# Times, with hyperfine (wall time, medians), on samples/seed.yaml:
#   floor                the least a run can cost (bench/floor.c: a Cairo PDF
#                        with one line of Pango text from the bundled fonts)
#   render -l poster, render -l booklet, render -l booklet-print,
#   build                (every product: three PDFs and the calendar),
#   check
# and reports each as a ratio to the floor measured in the same run (a
# bare time on a shared machine means little), plus the peak memory of a
# build (/usr/bin/time -v).  Targets: poster within 1.5x the floor, build
# within 3x, build's peak RSS within 30 MB.
#
# Usage: bench/run.sh [RUNS]      (default 30; BUILD=dir picks the build)
# Installs hyperfine and time (Debian packages) when missing, as root;
# otherwise says which command to run.  Run it on an idle machine.
set -eu
cd "$(dirname "$0")/.."
runs=${1:-30}
build=${BUILD:-build}

need=""
command -v hyperfine >/dev/null 2>&1 || need="$need hyperfine"
[ -x /usr/bin/time ] || need="$need time"
command -v python3 >/dev/null 2>&1 || need="$need python3"
if [ -n "$need" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "bench/run.sh needs:$need" >&2
    echo "  sudo apt-get install -y$need" >&2
    exit 1
  fi
  echo "Installing:$need" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq $need >/dev/null; }
fi

[ -d "$build" ] || meson setup "$build" >/dev/null
ninja -C "$build" disputas bench/floor >/dev/null

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
doc=samples/seed.yaml
d="$build/disputas"

hyperfine -N --warmup 3 --runs "$runs" --export-json "$out/times.json" \
  -n floor "$build/bench/floor $out/floor.pdf" \
  -n "render -l poster" "$d render $doc -l poster -o $out/poster.pdf" \
  -n "render -l booklet" "$d render $doc -l booklet -o $out/booklet.pdf" \
  -n "render -l booklet-print" \
     "$d render $doc -l booklet-print -o $out/print.pdf" \
  -n build "$d build $doc -d $out" \
  -n check "$d check $doc" >"$out/hyperfine.txt" 2>&1 ||
  { cat "$out/hyperfine.txt" >&2; exit 1; }

rss() { # peak resident set size of a command, in KiB
  /usr/bin/time -v "$@" 2>&1 >/dev/null |
    sed -n 's/.*Maximum resident set size (kbytes): //p'
}
floor_rss=$(rss "$build/bench/floor" "$out/floor.pdf")
build_rss=$(rss "$d" build "$doc" -d "$out")

python3 - "$out/times.json" "$floor_rss" "$build_rss" <<'EOF'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
floor_rss, build_rss = int(sys.argv[2]), int(sys.argv[3])
median = {r["command"]: r["median"] for r in results}
floor = median["floor"]
targets = {"render -l poster": 1.5, "build": 3.0}
print(f"{'':26}{'median':>10}{'x floor':>10}   target")
for r in results:
    name, m = r["command"], r["median"]
    ratio = m / floor
    target = targets.get(name)
    verdict = ""
    if target:
        verdict = f"<= {target:.1f}x  {'met' if ratio <= target else 'MISSED'}"
    print(f"{name:26}{m * 1000:8.1f} ms{ratio:9.2f}x   {verdict}")
mb = build_rss / 1024
print(f"{'build peak RSS':26}{mb:7.1f} MB{build_rss / floor_rss:9.2f}x   "
      f"<= 30 MB  {'met' if mb <= 30 else 'MISSED'}")
EOF
