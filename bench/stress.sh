#!/bin/sh
# bench/stress.sh: the thread-safety tests of the suite, bigger.
#
# tests/api/test-stress with THREADS threads (default 8) making RENDERS
# renders each (default 40), then tests/api/build-parallel.py with COPIES
# copies of every sample (default: enough for 500 documents) built with
# -j 2.
# Each output must be the bytes a single thread makes.  The suite runs
# small versions of both (tests/api/meson.build); this is for a change to
# the font lock (src/fontlock.h) or an upgrade of cairo, Pango or librsvg.
#
# Usage: bench/stress.sh            (BUILD=dir picks the build)
set -eu
cd "$(dirname "$0")/.."
build=${BUILD:-build}
[ -d "$build" ] || meson setup "$build" >/dev/null
ninja -C "$build" >/dev/null
export DISPUTAS_DATADIR="$PWD" LC_ALL=C.UTF-8
DP_STRESS_THREADS=${THREADS:-8} DP_STRESS_RENDERS=${RENDERS:-40} \
  "$build/tests/api/test-stress"
samples=$(ls samples/*.yaml | wc -l)
DP_STRESS_COPIES=${COPIES:-$(( (500 + samples - 1) / samples ))} \
  python3 tests/api/build-parallel.py "$PWD/$build/disputas" "$PWD"
